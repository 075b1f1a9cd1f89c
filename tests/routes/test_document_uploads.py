"""Word ingestion through the pages: prefill from the official header, hostile files refused,
nothing saved and nothing left on disk, downloads under the original Vietnamese name."""
import io
import re

import pytest

from app.extensions import db
from app.models import Attachment, Document
from tests.helpers import files_under, login, page_token, sample


def _upload(client, path, name=None, action="prefill", extra=None):
    with open(path, "rb") as fh:
        data = {"csrf_token": page_token(client, "/documents/new"), "action": action,
                "source_file": (io.BytesIO(fh.read()), name or path.rsplit("/", 1)[-1]),
                "category": "reform", "doc_type": "", "status": "", "visibility": "all"}
    data.update(extra or {})
    return client.post("/documents/new", data=data, content_type="multipart/form-data")


def _field(html, name):
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>\s*([^<]*)</textarea>', html)
    return match.group(1) if match else None


def test_editor_uploads_sample_report_sees_metadata_saves_and_colleague_reads_it(app, editor, make_user):
    response = _upload(editor, sample("bao-cao-cchc-quy-1-2024.docx"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Đã đọc tệp bao-cao-cchc-quy-1-2024.docx" in html
    number = _field(html, "number")
    assert number and "/BC-" in number
    assert re.search(r'<option selected value="Báo cáo">|<option value="Báo cáo" selected>', html)
    assert "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024" in html
    issued = _field(html, "issued_on")
    assert issued == "10/04/2024"  # day first, as typed (never the browser's locale order)
    token = _field(html, "pending_token")
    assert token and len(token) == 32

    # The editor confirms: everything prefilled is posted back with the parked file's token.
    form = {"csrf_token": page_token(editor, "/documents/new"), "action": "save", "category": "reform",
            "doc_type": "Báo cáo", "number": number, "issuer": _field(html, "issuer") or "",
            "title": "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024", "issued_on": issued,
            "status": "", "visibility": "all", "body": re.search(r'name="body"[^>]*>\s*(.*?)</textarea>', html,
                                                                   re.DOTALL).group(1),
            "pending_token": token}
    saved = editor.post("/documents/new", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    doc_url = saved.headers["Location"]
    with app.app_context():
        doc = db.session.scalar(db.select(Document))
        assert [a.original_name for a in doc.attachments] == ["bao-cao-cchc-quy-1-2024.docx"]
        assert files_under(app.config["UPLOAD_DIR"] + "/pending") == []

    make_user("congchuc", unit="TCCB")
    colleague = app.test_client()
    login(colleague, "congchuc")
    assert "quý I năm 2024" in colleague.get("/documents/").get_data(as_text=True)
    page = colleague.get(doc_url).get_data(as_text=True)
    assert "Công tác chỉ đạo, điều hành cải cách hành chính" in page  # full text
    download = colleague.get(re.search(r'href="(/documents/\d+/attachments/\d+)"', page).group(1))
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert download.headers["Content-Disposition"] == "attachment; filename=bao-cao-cchc-quy-1-2024.docx"


def test_tcvn3_report_is_read_in_unicode(editor):
    html = _upload(editor, sample("bao-cao-cchc-6-thang-2024-tcvn3.docx")).get_data(as_text=True)
    assert "Kết quả thực hiện công tác cải cách hành chính" in html
    assert "c¶i c¸ch" not in html


@pytest.mark.parametrize("kind", ["doc", "truncated", "docm", "png_as_docx", "bomb"])
def test_hostile_files_refused_nothing_saved(app, editor, tmp_path, kind):
    if kind == "doc":
        path, name, message = sample("bao-cao-cu.doc"), "bao-cao-cu.doc", ".docx"
    elif kind == "truncated":
        path, name, message = sample("hong-cat-cut.docx"), "hong-cat-cut.docx", "hỏng"
    elif kind == "docm":
        path, name, message = sample("bao-cao-co-macro.docm"), "macro.docm", "macro"
    elif kind == "png_as_docx":
        path = tmp_path / "anh.docx"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
        path, name, message = str(path), "anh.docx", "không phải"
    else:
        path, name, message = sample("bom-giai-nen.docx"), "bom.docx", "nén"
    response = _upload(editor, path, name)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'class="flash flash--error" role="alert">([^<]+)<', html).group(1)
    assert message.lower() in error.lower(), error
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0
    assert files_under(app.config["UPLOAD_DIR"]) == []


def test_hostile_attachment_on_save_discards_the_good_ones(app, editor):
    token = page_token(editor, "/documents/new")
    with open(sample("quy-trinh-tiep-cong-dan.docx"), "rb") as good, open(sample("bao-cao-cu.doc"), "rb") as bad:
        response = editor.post("/documents/new", content_type="multipart/form-data", data={
            "csrf_token": token, "action": "save", "category": "procedure", "doc_type": "Quy trình",
            "title": "Quy trình tiếp công dân", "status": "", "visibility": "all",
            "attachments": [(io.BytesIO(good.read()), "quy-trinh.docx"), (io.BytesIO(bad.read()), "cu.doc")]})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "cu.doc:" in html and "Quy trình tiếp công dân" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0
    assert files_under(app.config["UPLOAD_DIR"]) == []


def test_oversize_upload_gets_the_413_page(app_config, make_user):
    from app import create_app

    app = create_app({**app_config, "MAX_CONTENT_LENGTH": 64 * 1024})
    client = app.test_client()
    with app.app_context():
        from app.services.accounts import users as accounts

        accounts.create_user("bientap", "mat-khau-thu-nghiem", roles=["editor"])
    login(client, "bientap")
    response = _upload(client, sample("quy-trinh-tiep-cong-dan.docx"),
                       extra={"source_file": (io.BytesIO(b"PK" + b"\0" * 100_000), "lon.docx")})
    assert response.status_code == 413
    assert "vượt quá giới hạn cho phép (64 KB)" in response.get_data(as_text=True)
    assert files_under(app.config["UPLOAD_DIR"]) == []


def test_attachment_download_is_404_for_other_units(app, make_user, make_document):
    make_user("bientap", roles=["editor"], unit="VPC")
    make_user("tccb", unit="TCCB")
    secret = make_document(title="Báo cáo nội bộ", units=["VPC"], doc_type="Báo cáo")
    insider, outsider = app.test_client(), app.test_client()
    login(insider, "bientap")
    login(outsider, "tccb")
    with open(sample("quy-trinh-tiep-cong-dan.docx"), "rb") as fh:
        response = insider.post(f"/documents/{secret}/attachments", content_type="multipart/form-data",
                                data={"csrf_token": page_token(insider), "file": (io.BytesIO(fh.read()),
                                                                                   "Quy trình tiếp dân.docx")})
    assert response.status_code == 302
    page = insider.get(f"/documents/{secret}").get_data(as_text=True)
    link = re.search(r'href="(/documents/\d+/attachments/\d+)"', page).group(1)
    ok = insider.get(link)
    assert ok.status_code == 200
    assert "filename*=UTF-8''Quy%20tr%C3%ACnh%20ti%E1%BA%BFp%20d%C3%A2n.docx" in ok.headers["Content-Disposition"]
    assert outsider.get(link).status_code == 404


# -- annexes, forms and notes as readers and editors see them ---------------------------------------------------------


def _import(app, tmp_path, names, folder):
    import shutil

    from app.services.library import importer

    path = tmp_path / folder
    path.mkdir()
    for name in names:
        shutil.copy(sample(name), path / name)
    with app.app_context():
        return importer.import_docx_folder(str(path))


def _doc_id(app, **where):
    with app.app_context():
        return db.session.scalar(db.select(Document.id).filter_by(**where))


def test_annexes_name_their_decree_before_it_arrives_and_the_decree_lists_them_in_order(app, make_user, tmp_path):
    make_user("congchuc", unit="TCCB")
    reader = app.test_client()
    login(reader, "congchuc")
    _import(app, tmp_path, ["phu-luc-viet-hoa.docx", "phu-luc-the-thuc.docx"], "truoc")
    annex = _doc_id(app, annex_position=2)
    page = reader.get(f"/documents/{annex}").get_data(as_text=True)
    assert "<h1>Phụ lục kèm theo Nghị định số 30/2020/NĐ-CP</h1>" in page
    assert "Phụ lục II: VIẾT HOA TRONG VĂN BẢN HÀNH CHÍNH" in page
    assert re.search(r"Là phụ lục của</span>\s*Nghị định số 30/2020/NĐ-CP <span class=\"muted\">\(chưa có trong thư "
                     r"viện\)</span>", page)
    assert "Uỷ ban nhân dân tỉnh Hoà Bình" in page  # as the author typed it

    _import(app, tmp_path, ["nghi-dinh-30-2020-cong-tac-van-thu.docx", "phu-luc-chu-viet-tat.docx"], "sau")
    decree = _doc_id(app, number="30/2020/NĐ-CP")
    page = reader.get(f"/documents/{annex}").get_data(as_text=True)
    assert re.search(rf'Là phụ lục của</span>\s*<a href="/documents/{decree}">Nghị định 30/2020/NĐ-CP</a> — Về công '
                     r"tác văn thư", page)
    assert "chưa có trong thư viện" not in page
    assert "<td>Chính phủ</td>" in page  # the issuer its page header left out is the decree's
    page = reader.get(f"/documents/{decree}").get_data(as_text=True)
    listed = re.search(r'Có phụ lục</span>\s*<ol class="annexes">(.*?)</ol>', page, re.DOTALL).group(1)
    assert re.findall(r">(Phụ lục [IV]+):", listed) == ["Phụ lục I", "Phụ lục II", "Phụ lục III"]
    assert f'href="/documents/{annex}"' in listed
    assert "Được dẫn chiếu bởi" not in page  # the annexes name the decree, and are listed as its annexes
    assert "<p>Chú thích</p>" in page and "<p>[1] Luật này đã được sửa đổi, bổ sung bởi Luật số 47/2019/QH14" in page

    # Footnotes are searchable like the body: a phrase found only in a note finds the decree.
    found = reader.get("/api/search", query_string={"q": '"chữ ký số chuyên dùng công vụ"'}).get_json()
    assert [r["id"] for r in found["results"]] == [decree]
    found = reader.get("/api/search", query_string={"q": "chu ky so chuyen dung cong vu"}).get_json()
    assert decree in [r["id"] for r in found["results"]]


def test_the_form_reads_an_annex_and_a_form_as_the_import_does(app, editor):
    html = _upload(editor, sample("phu-luc-viet-hoa.docx")).get_data(as_text=True)
    assert re.search(r'<option selected value="Phụ lục">|<option value="Phụ lục" selected>', html)
    assert "Phụ lục II: VIẾT HOA TRONG VĂN BẢN HÀNH CHÍNH" in html
    assert _field(html, "parent_number") == "30/2020/NĐ-CP" and not _field(html, "number")
    assert "văn bản được kèm theo" in html
    html = _upload(editor, sample("mau-don-de-nghi-cap-ban-sao.docx")).get_data(as_text=True)
    assert re.search(r'<option selected value="Đơn">|<option value="Đơn" selected>', html)
    assert "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO VĂN BẢN TỪ SỔ GỐC" in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</textarea>" not in html


def test_only_an_annex_names_a_document_it_comes_with(app, editor):
    form = {"csrf_token": page_token(editor, "/documents/new"), "action": "save", "category": "reform",
            "doc_type": "Báo cáo", "title": "Báo cáo thử", "status": "", "visibility": "all",
            "parent_number": "30/2020/NĐ-CP"}
    refused = editor.post("/documents/new", data=form)
    assert refused.status_code == 400 and "Chỉ văn bản loại Phụ lục" in refused.get_data(as_text=True)
    saved = editor.post("/documents/new", data={**form, "doc_type": "Phụ lục", "category": "legal",
                                                "title": "Phụ lục 2: Danh mục hồ sơ"})
    assert saved.status_code == 302
    with app.app_context():
        annex = db.session.scalar(db.select(Document))
        assert (annex.parent_key, annex.annex_position) == ("30/2020/nd-cp", 2)
