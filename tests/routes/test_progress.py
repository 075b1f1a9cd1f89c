"""Progress updates: the inline htmx form, validation without loss, attachments, the field
overview refresh, the lacks-figures flag on the follow-up page, and search."""
import io

import pytest

from tests.helpers import files_under, logged_in, page_token


def post(client, task_id, htmx=True, files=None, **fields):
    data = {"csrf_token": page_token(client, f"/plans/tasks/{task_id}"), "status": "in_progress", "percent": "40",
            "done": "Đã rà soát các văn bản thuộc lĩnh vực thanh tra", "figures": "Đã rà soát 37/52 văn bản"}
    data.update(fields)
    if files:
        data["attachments"] = files
    return client.post(f"/plans/tasks/{task_id}/updates", data=data, content_type="multipart/form-data",
                       headers={"HX-Request": "true"} if htmx else {})


def stat(html, name):
    return html.split(f'data-stat="{name}">')[1].split("<")[0]


def test_htmx_post_returns_the_history_and_triggers_the_field_overview_refresh(app, world, monkeypatch):
    from datetime import datetime

    from app import clock

    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 5, 2, 3))  # before the tasks' deadlines
    client = logged_in(app, "rep_vpc")
    summary_url = f"/plans/{world.plan}/fields/2/summary"
    before = client.get(summary_url).get_data(as_text=True)
    assert stat(before, "total") == "2" and stat(before, "in_progress") == "0" and stat(before, "percent") == "0,0%"

    response = post(client, world.task)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "progress-posted"
    assert "Đã rà soát 37/52 văn bản" in html and "Đã ghi nhận cập nhật tiến độ" in html
    assert "<html" not in html  # a fragment for the page's #cap-nhat

    after = client.get(summary_url).get_data(as_text=True)
    assert stat(after, "in_progress") == "1" and stat(after, "percent") == "20,0%"  # (40 + 0) / 2

    done = post(client, world.task, status="done", percent="100", done="Hoàn thành rà soát",
                figures="52/52 văn bản")
    assert done.status_code == 200
    after = client.get(summary_url).get_data(as_text=True)
    assert stat(after, "done") == "1" and stat(after, "in_progress") == "0" and stat(after, "percent") == "50,0%"
    task_page = client.get(f"/plans/tasks/{world.task}").get_data(as_text=True).split("Lịch sử cập nhật")[1]
    assert task_page.index("52/52 văn bản") < task_page.index("37/52 văn bản")  # newest first

    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2025, 1, 5, 3))  # past the other task's deadline
    late = client.get(summary_url).get_data(as_text=True)
    assert stat(late, "done") == "1" and stat(late, "late") == "1"


@pytest.mark.parametrize("fields,message", [
    ({"percent": "150"}, "Tỷ lệ phải từ 0 đến 100."),
    ({"done": ""}, "Trường này là bắt buộc."),
    ({"status": "done", "percent": "80"}, "tỷ lệ hoàn thành phải là 100%"),
    ({"status": "bogus"}, "Giá trị đã chọn không hợp lệ."),
])
def test_a_refused_update_keeps_the_typed_text_and_saves_nothing(app, world, fields, message):
    client = logged_in(app, "rep_vpc")
    response = post(client, world.task, figures="Số liệu đã gõ 12 văn bản", **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Trigger" not in response.headers
    assert message in html and "Số liệu đã gõ 12 văn bản" in html
    no_js = post(client, world.task, htmx=False, figures="Số liệu đã gõ 12 văn bản", **fields)
    assert no_js.status_code == 400 and message in no_js.get_data(as_text=True)
    with app.app_context():
        from app.extensions import db
        from app.models import ProgressUpdate

        assert db.session.scalar(db.select(db.func.count(ProgressUpdate.id))) == 0


def test_attachments_are_kept_and_a_hostile_one_refuses_the_whole_update(app, world):
    client = logged_in(app, "rep_vpc")
    bad = post(client, world.task, files=[(io.BytesIO(b"evidence"), "bang-so-lieu.txt"),
                                          (io.BytesIO(b"MZ\x90\x00"), "virus.exe")])
    assert "HX-Trigger" not in bad.headers and "virus.exe" in bad.get_data(as_text=True)
    assert files_under(app.config["UPLOAD_DIR"]) == []
    good = post(client, world.task, files=[(io.BytesIO("số liệu".encode()), "bảng số liệu.txt")])
    assert good.status_code == 200
    html = good.get_data(as_text=True)
    link = html.split('href="/plans/updates/')[1].split('"')[0]
    download = logged_in(app, "reader_vpc").get("/plans/updates/" + link)
    assert download.status_code == 200 and download.data == "số liệu".encode()
    assert client.get("/plans/updates/" + link.split("/")[0] + "/files/999").status_code == 404


def test_updates_without_figures_are_flagged_and_listed_for_follow_up(app, world):
    client = logged_in(app, "rep_vpc")
    post(client, world.task, done="Đang triển khai theo Kế hoạch 12/KH-VPC ngày 15/01/2024", figures="")
    page = client.get(f"/plans/tasks/{world.task}").get_data(as_text=True)
    assert "Thiếu số liệu" in page
    follow_up = logged_in(app, "admin").get(f"/plans/{world.plan}/follow-up").get_data(as_text=True)
    section = follow_up.split('id="thieu-so-lieu"')[1].split('id="cham"')[0]
    assert "Rà soát văn bản quy phạm pháp luật" in section
    # A later update with figures clears the flag (only the latest update counts).
    post(logged_in(app, "rep_tccb"), world.task, done="Đã rà soát", figures="40/52 văn bản")
    follow_up = logged_in(app, "admin").get(f"/plans/{world.plan}/follow-up").get_data(as_text=True)
    assert "Rà soát văn bản quy phạm pháp luật" not in follow_up.split('id="thieu-so-lieu"')[1].split('id="cham"')[0]


def test_progress_updates_are_searchable_by_everyone_with_unit_and_period_facets(app, world, monkeypatch):
    from datetime import datetime

    from app import clock

    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 5, 2, 3))  # in the 6 tháng period
    post(logged_in(app, "rep_vpc"), world.task, done="Hoàn thiện danh mục văn bản cần sửa đổi")
    body = logged_in(app, "rep_vp").get("/api/search?q=danh mục văn bản cần sửa đổi&kind=progress").get_json()
    assert body["total"] == 1 and body["results"][0]["kind"] == "progress"
    assert {f["value"] for f in body["facets"]["unit"]} == {"VPC"}
    assert {f["value"] for f in body["facets"]["period"]} == {"6 tháng/2024"}
    filtered = logged_in(app, "rep_vp").get("/api/search?q=danh mục&period=Quý I/2024").get_json()
    assert filtered["total"] == 0
    target = logged_in(app, "rep_vp").get(body["results"][0]["url"])
    assert target.status_code == 302 and f"/plans/tasks/{world.task}#cap-nhat-" in target.headers["Location"]
