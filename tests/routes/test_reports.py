"""Unit reports: upload of every sample, prefill from the header, preview, versions, lateness
by moving the clock, who reads a report (pages, downloads, search)."""
from datetime import datetime, timedelta

import pytest

from app import clock
from tests.helpers import files_under, logged_in, page_token, sample


def submit(client, world, name, unit="VPC", kind="q1", action="submit", version="0", **fields):
    url = f"/plans/reports/periods/{world.periods[kind]}/units/{world.units[unit]}"
    data = {"csrf_token": page_token(client, "/plans/"), "action": action, "version": version, **fields}
    with open(sample(name), "rb") as fh:
        data["file"] = (fh, name)
        return client.post(url, data=data, content_type="multipart/form-data")


def reports(app):
    from app.extensions import db
    from app.models import ReportVersion, UnitReport

    with app.app_context():
        return (db.session.scalar(db.select(db.func.count(UnitReport.id))),
                db.session.scalar(db.select(db.func.count(ReportVersion.id))))


def at_vietnam_time(monkeypatch, year, month, day, hour, minute=0):
    """Move the clock to this Vietnam wall-clock time."""
    moment = datetime(year, month, day, hour, minute) - timedelta(hours=7)
    monkeypatch.setattr(clock, "utcnow", lambda: moment)


@pytest.mark.parametrize("name,kind,number,expected", [
    ("bao-cao-cchc-quy-1-2024.docx", "q1", "15/BC-VPC", "Đã rà soát 37/52 văn bản"),
    ("bao-cao-cchc-6-thang-2024-tcvn3.docx", "h1", "27/BC-VPC", "Rà soát vị trí việc làm theo đề án được phê duyệt"),
    ("quy-trinh-tiep-cong-dan.docx", "q1", "05/QT-BTCD",
     "Người dân gửi đơn hoặc đặt lịch tiếp qua dịch vụ công trực tuyến"),
])
def test_good_samples_are_submitted_with_number_prefilled_and_a_readable_preview(app, world, name, kind, number,
                                                                                   expected):
    client = logged_in(app, "rep_vpc")
    response = submit(client, world, name, kind=kind)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert number in page and expected in page
    assert "c¶i c¸ch" not in page  # TCVN3 converted, not gibberish
    assert reports(app) == (1, 1)
    download = client.get(response.headers["Location"] + "/versions/1/file")
    with open(sample(name), "rb") as fh:
        assert download.status_code == 200 and download.data == fh.read()
    assert name in download.headers["Content-Disposition"]  # the original name


def test_reading_the_file_first_prefills_number_date_and_title(app, world):
    client = logged_in(app, "rep_vpc")
    response = submit(client, world, "bao-cao-cchc-quy-1-2024.docx", action="prefill")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="15/BC-VPC"' in html and 'value="10/04/2024"' in html  # dd/mm/yyyy, whatever the browser
    assert "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024" in html
    assert reports(app) == (0, 0)  # nothing submitted until the user confirms
    token = html.split('name="pending_token" type="hidden" value="')[1].split('"')[0]
    confirm = client.post(f"/plans/reports/periods/{world.periods['q1']}/units/{world.units['VPC']}", data={
        "csrf_token": page_token(client, "/plans/"), "action": "submit", "version": "0", "pending_token": token,
        "number": "15/BC-VPC", "issued_on": "2024-04-10", "title": "Báo cáo quý I (đã sửa)"})
    assert confirm.status_code == 302
    page = client.get(confirm.headers["Location"]).get_data(as_text=True)
    assert "Báo cáo quý I (đã sửa)" in page
    assert reports(app) == (1, 1)


@pytest.mark.parametrize("name,message", [
    ("bao-cao-cu.doc", "Word định dạng cũ"),
    ("hong-cat-cut.docx", "Tệp bị hỏng hoặc không đầy đủ"),
])
def test_bad_samples_are_refused_with_their_message_and_nothing_is_saved(app, world, name, message):
    client = logged_in(app, "rep_vpc")
    for action in ("submit", "prefill"):
        response = submit(client, world, name, action=action)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert reports(app) == (0, 0)
    assert files_under(app.config["UPLOAD_DIR"]) == []


def test_resubmission_keeps_earlier_versions_and_a_stale_page_is_refused(app, world):
    client = logged_in(app, "rep_vpc")
    first = submit(client, world, "bao-cao-cchc-quy-1-2024.docx")
    second = submit(client, world, "bao-cao-cchc-6-thang-2024-tcvn3.docx", version="1", confirm_period="y")
    assert first.status_code == second.status_code == 302
    assert reports(app) == (1, 2)
    report_url = second.headers["Location"]
    page = client.get(report_url).get_data(as_text=True)
    assert "27/BC-VPC" in page and "Bản 1" in page
    assert "15/BC-VPC" in client.get(report_url + "/versions/1").get_data(as_text=True)
    # A colleague's page, opened before the second submission, still says 1 version.
    stale = submit(logged_in(app, "rep_vpc"), world, "bao-cao-cchc-quy-1-2024.docx", version="1")
    assert stale.status_code == 409 and "sau khi bạn mở trang" in stale.get_data(as_text=True)
    assert reports(app) == (1, 2)


def test_lateness_is_counted_in_vietnam_days_against_the_deadline(app, world, monkeypatch):
    # quý I is due 15/04/2024 (the default deadline)
    client = logged_in(app, "rep_vpc")
    at_vietnam_time(monkeypatch, 2024, 4, 15, 23, 50)  # 16:50 UTC, still the deadline day in Vietnam
    response = submit(client, world, "bao-cao-cchc-quy-1-2024.docx")
    assert "Đúng hạn" in client.get(response.headers["Location"]).get_data(as_text=True)

    at_vietnam_time(monkeypatch, 2024, 7, 16, 0, 10)  # 6 tháng due 15/07: ten minutes late is one day
    # (the quý I file sent to other periods on purpose: the reporter confirms the period warning)
    response = submit(client, world, "bao-cao-cchc-quy-1-2024.docx", kind="h1", confirm_period="y")
    assert "Nộp muộn 1 ngày" in client.get(response.headers["Location"]).get_data(as_text=True)

    at_vietnam_time(monkeypatch, 2024, 10, 18, 9)  # 9 tháng due 15/10
    response = submit(client, world, "bao-cao-cchc-quy-1-2024.docx", kind="q3", confirm_period="y")
    assert "Nộp muộn 3 ngày" in client.get(response.headers["Location"]).get_data(as_text=True)

    # A later resubmission does not change when the unit first reported.
    at_vietnam_time(monkeypatch, 2024, 5, 2, 9)
    response = submit(client, world, "bao-cao-cchc-6-thang-2024-tcvn3.docx", version="1", confirm_period="y")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đúng hạn" in page and "Nộp muộn 17 ngày" in page  # the report on time, version 2 itself late

    follow_up = logged_in(app, "admin").get(f"/plans/{world.plan}/follow-up?period={world.periods['q3']}")
    html = follow_up.get_data(as_text=True)
    assert "Nộp muộn 1 ngày" in html and "Nộp muộn 3 ngày" in html and "Nộp muộn 17 ngày" not in html


@pytest.mark.parametrize("name,status", [("rep_vpc", 200), ("reader_vpc", 200), ("editor_vpc", 200),
                                         ("admin", 200), ("rep_tccb", 404), ("rep_vp", 404)])
def test_a_report_is_read_by_its_unit_and_admins_only(app, world, name, status):
    response = submit(logged_in(app, "rep_vpc"), world, "bao-cao-cchc-quy-1-2024.docx")
    report_url = response.headers["Location"]
    client = logged_in(app, name)
    for url in (report_url, report_url + "/versions/1", report_url + "/versions/1/file"):
        assert client.get(url).status_code == status, url
    listing = client.get("/plans/reports/").get_data(as_text=True)
    assert (report_url in listing) == (status == 200)


@pytest.mark.parametrize("name,visible", [("reader_vpc", True), ("admin", True), ("rep_tccb", False)])
def test_search_follows_the_report_visibility(app, world, name, visible):
    submit(logged_in(app, "rep_vpc"), world, "bao-cao-cchc-quy-1-2024.docx")
    client = logged_in(app, name)
    body = client.get("/api/search?q=rà soát vị trí việc làm&kind=report").get_json()
    assert (body["total"] == 1) == visible
    facets = {f["value"] for f in body["facets"].get("period", [])}
    assert (facets == {"Quý I/2024"}) == visible
    html = client.get("/search?q=37/52").get_data(as_text=True)
    assert ("Báo cáo Quý I/2024" in html) == visible


def test_a_report_naming_another_period_is_held_back_until_the_reporter_confirms(app, world):
    client = logged_in(app, "rep_vpc")
    url = f"/plans/reports/periods/{world.periods['q3']}/units/{world.units['VPC']}"
    # "Đọc tệp" says so at once; the file is kept for the submission.
    read = submit(client, world, "bao-cao-cchc-6-thang-2024-tcvn3.docx", kind="q3", action="prefill")
    html = read.get_data(as_text=True)
    assert read.status_code == 200 and "Kỳ báo cáo có thể không khớp" in html
    assert "báo cáo 6 tháng năm 2024" in html and "kỳ 9 tháng/2024" in html
    assert "bao-cao-cchc-6-thang-2024-tcvn3.docx</strong>" in html  # the file read stays chosen
    token = html.split('name="pending_token" type="hidden" value="')[1].split('"')[0]
    fields = {"csrf_token": page_token(client, "/plans/"), "action": "submit", "version": "0", "pending_token": token}
    held = client.post(url, data=fields)
    assert held.status_code == 409 and "Tôi đã kiểm tra: vẫn nộp báo cáo này vào kỳ 9 tháng/2024" in held.get_data(
        as_text=True)
    assert reports(app) == (0, 0)
    token = held.get_data(as_text=True).split('name="pending_token" type="hidden" value="')[1].split('"')[0]
    sent = client.post(url, data={**fields, "pending_token": token, "confirm_period": "y"})
    assert sent.status_code == 302 and reports(app) == (1, 1)
    # The right period: no warning at all.
    direct = submit(client, world, "bao-cao-cchc-6-thang-2024-tcvn3.docx", kind="h1")
    assert direct.status_code == 302 and reports(app) == (2, 2)


def test_read_with_htmx_answers_the_details_alone_and_a_new_file_replaces_the_one_read(app, world):
    client = logged_in(app, "rep_vpc")
    url = f"/plans/reports/periods/{world.periods['q1']}/units/{world.units['VPC']}"
    with open(sample("bao-cao-cchc-quy-1-2024.docx"), "rb") as fh:
        read = client.post(url, data={"csrf_token": page_token(client, "/plans/"), "action": "prefill", "version": "0",
                                      "file": (fh, "bao-cao-cchc-quy-1-2024.docx")},
                           content_type="multipart/form-data", headers={"HX-Request": "true"})
    html = read.get_data(as_text=True)
    assert read.status_code == 200 and '<div id="report-details">' in html and "<html" not in html
    assert 'value="10/04/2024"' in html and "Kỳ báo cáo có thể không khớp" not in html
    token = html.split('name="pending_token" type="hidden" value="')[1].split('"')[0]
    # Another file chosen after reading the first: the new one is submitted.
    sent = submit(client, world, "quy-trinh-tiep-cong-dan.docx", pending_token=token)
    assert sent.status_code == 302
    assert "05/QT-BTCD" in client.get(sent.headers["Location"]).get_data(as_text=True)
