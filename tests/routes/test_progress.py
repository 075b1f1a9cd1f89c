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
    # The task's state in the page header and the field block come along out of band.
    header = html.split('<span id="task-state" hx-swap-oob="true">')[1].split("</span>\n")[0]
    assert "Đang thực hiện" in header and "40%" in header
    assert 'id="tien-do-linh-vuc"' in html and stat(html, "in_progress") == "1"

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
    client = logged_in(app, "rep_vpc")  # months later: the idle session has ended
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


# Evidence from restricted library documents

SECRET_WORD = "quyendoanh"


def _official_docx(path, number: str, body: str, extra: str = "") -> str:
    """Write a Word file with an official header carrying ``number``; return its path."""
    import docx

    document = docx.Document()
    for line in ("THANH TRA CHÍNH PHỦ", "VỤ PHÁP CHẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", f"Số: {number}", "Hà Nội, ngày 10 tháng 4 năm 2024", "BÁO CÁO",
                 "Kết quả kiểm tra nội bộ quý I", body, extra):
        document.add_paragraph(line)
    document.save(str(path))
    return str(path)


def _library_document(app, path: str, number: str, units: list[str]) -> int:
    """Create a library document (restricted to ``units`` when given) with the file attached, as an admin."""
    from app.extensions import db
    from app.models import DOCUMENT_TYPES, Unit, User
    from app.services import uploads
    from app.services.library import documents as library

    with app.app_context():
        admin = db.session.scalar(db.select(User).where(User.username == "admin"))
        unit_ids = [db.session.scalar(db.select(Unit.id).where(Unit.code == code)) for code in units]
        data = library.DocumentData(category=DOCUMENT_TYPES["Báo cáo"][0], doc_type="Báo cáo", number=number,
                                    title="Báo cáo kiểm tra nội bộ", issuer="Vụ Pháp chế",
                                    visibility="units" if units else "all", unit_ids=unit_ids)
        return library.create_document(data, admin, [uploads.accept_path(path)]).id


def _evidence_links(html: str) -> list[str]:
    return ["/plans/updates/" + link for link in
            __import__("re").findall(r'href="/plans/updates/(\d+/files/\d+)"', html)]


def _search_total(client, q):
    return client.get("/api/search", query_string={"q": q}).get_json()["total"]


def test_evidence_from_a_restricted_document_stays_with_its_readers(app, world, tmp_path):
    secret = _official_docx(tmp_path / "15-bc-vpc.docx", "15/BC-VPC", f"Nội dung mật {SECRET_WORD}: 3 sai phạm.")
    _library_document(app, secret, "15/BC-VPC", ["VPC", "KHTCTH"])
    # The same report saved again by someone (other bytes, same number in its header).
    resaved = _official_docx(tmp_path / "ban-luu-lai.docx", "15/BC-VPC", f"Bản lưu lại {SECRET_WORD}.", "Trang 2")
    reporter = logged_in(app, "rep_vpc")
    files = [(open(secret, "rb"), "bao-cao-kiem-tra.docx"), (open(resaved, "rb"), "ban-luu-lai.docx"),
             (io.BytesIO("Số liệu: 37/52 văn bản".encode()), "so-lieu.txt")]
    assert post(reporter, world.task, files=files, htmx=False).status_code == 302

    outsider, insider, admin = logged_in(app, "rep_tccb"), logged_in(app, "reader_vpc"), logged_in(app, "admin")
    task_page = f"/plans/tasks/{world.task}"
    page = outsider.get(task_page).get_data(as_text=True)
    assert "so-lieu.txt" in page and "bao-cao-kiem-tra.docx" not in page and "ban-luu-lai.docx" not in page
    all_links = _evidence_links(admin.get(task_page).get_data(as_text=True))
    assert len(all_links) == 3 and len(_evidence_links(page)) == 1
    assert sorted(outsider.get(link).status_code for link in all_links) == [200, 404, 404]
    for client in (insider, admin, reporter):
        assert len(_evidence_links(client.get(task_page).get_data(as_text=True))) == 3
        assert [client.get(link).status_code for link in all_links] == [200, 200, 200]
    # Search: the restricted files' text is nowhere (results, totals, facets, snippets, suggestions, API).
    assert _search_total(outsider, SECRET_WORD) == 0
    assert _search_total(outsider, "37/52 văn bản") == 1  # the update itself and its open evidence are found
    assert "/plans/updates/" not in outsider.get("/search", query_string={"q": SECRET_WORD}).get_data(as_text=True)
    assert outsider.get("/api/search/suggest", query_string={"q": SECRET_WORD}).get_json() == {"suggestions": []}
    hits = outsider.get("/api/search", query_string={"q": "rà soát văn bản"}).get_json()
    assert SECRET_WORD not in str(hits)
    # Its readers find the library document, not a copy of it through the update.
    found = insider.get("/api/search", query_string={"q": SECRET_WORD}).get_json()["results"]
    assert [r["kind"] for r in found] == ["document"]


def test_evidence_follows_its_document_restricted_later(app, world, tmp_path):
    path = _official_docx(tmp_path / "16-bc-ttcp.docx", "16/BC-TTCP", f"Kết quả {SECRET_WORD} công khai.")
    document = _library_document(app, path, "16/BC-TTCP", [])
    reporter = logged_in(app, "rep_vpc")
    assert post(reporter, world.task, files=[(open(path, "rb"), "bao-cao.docx")], htmx=False).status_code == 302
    outsider = logged_in(app, "rep_tccb")
    link = _evidence_links(outsider.get(f"/plans/tasks/{world.task}").get_data(as_text=True))[0]
    assert outsider.get(link).status_code == 200 and _search_total(outsider, SECRET_WORD) == 2  # document, update

    with app.app_context():  # the reform office restricts the document to VPC
        from app.extensions import db
        from app.models import Document, Unit, User
        from app.services.library import documents as library

        doc = db.session.get(Document, document)
        data = library.DocumentData(category=doc.category, doc_type=doc.doc_type, number=doc.number,
                                    title=doc.title, issuer=doc.issuer, visibility="units", body=doc.body,
                                    unit_ids=[db.session.scalar(db.select(Unit.id).where(Unit.code == "VPC"))])
        library.update_document(doc, data, db.session.scalar(db.select(User).where(User.username == "admin")),
                                doc.version)
    assert outsider.get(link).status_code == 404
    assert "bao-cao.docx" not in outsider.get(f"/plans/tasks/{world.task}").get_data(as_text=True)
    assert _search_total(outsider, SECRET_WORD) == 0
    assert logged_in(app, "reader_vpc").get(link).status_code == 200

    with app.app_context():  # opened to all staff again: the evidence is everybody's again, in search too
        doc = db.session.get(Document, document)
        data.visibility, data.unit_ids = "all", []
        library.update_document(doc, data, None, doc.version)
    assert outsider.get(link).status_code == 200 and _search_total(outsider, SECRET_WORD) == 2


def test_the_update_form_says_who_sees_evidence(app, world):
    page = logged_in(app, "rep_vpc").get(f"/plans/tasks/{world.task}").get_data(as_text=True)
    assert "Tệp minh chứng được mọi cán bộ, công chức xem" in page
    assert "chỉ những người được xem văn bản ấy mới thấy" in page
