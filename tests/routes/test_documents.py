"""Library pages: list, filters, sorting, document page, editing, deleting, visibility, history."""
import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Document
from tests.helpers import login, page_token


@pytest.fixture
def reader(client, make_user):
    make_user("congchuc", roles=["reader"], unit="TCCB")
    login(client, "congchuc")
    return client


def _titles(html):
    return re.findall(r'<a href="/documents/\d+">([^<]+)</a>', html)


def test_list_filters_by_type_and_year_and_keeps_them_in_links(reader, make_document):
    make_document(number="61/2018/NĐ-CP", title="Cơ chế một cửa", doc_type="Nghị định", issued_on=date(2018, 4, 23))
    make_document(number="2337/KH-TTCP", title="Kế hoạch CCHC", doc_type="Kế hoạch", issued_on=date(2022, 1, 5),
                  issuer="Thanh tra Chính phủ")
    make_document(number="01/2018/TT-VPCP", title="Hướng dẫn một cửa", doc_type="Thông tư",
                  issued_on=date(2018, 11, 23), issuer="Văn phòng Chính phủ")
    html = reader.get("/documents/?type=Nghị định").get_data(as_text=True)
    assert _titles(html) == ["Cơ chế một cửa"]
    html = reader.get("/documents/?year=2018").get_data(as_text=True)
    assert set(_titles(html)) == {"Cơ chế một cửa", "Hướng dẫn một cửa"}
    html = reader.get("/documents/?issuer=Thanh tra Chính phủ").get_data(as_text=True)
    assert _titles(html) == ["Kế hoạch CCHC"]
    html = reader.get("/documents/?category=reform").get_data(as_text=True)
    assert _titles(html) == ["Kế hoạch CCHC"]
    # Nonsense filter values are ignored, not an error.
    assert reader.get("/documents/?year=abc&type=<script>&sort=x&page=-3").status_code == 200


def test_list_default_newest_first_and_vietnamese_title_order(reader, make_document):
    for title, issued in [("Đào tạo công chức", date(2020, 1, 1)), ("Dự thảo quy chế", date(2024, 1, 1)),
                          ("Ánh xạ dữ liệu", date(2019, 1, 1)), ("Bình xét thi đua", date(2023, 1, 1)),
                          ("An toàn thông tin", date(2021, 6, 1))]:
        make_document(title=title, issued_on=issued)
    newest = _titles(reader.get("/documents/").get_data(as_text=True))
    assert newest == ["Dự thảo quy chế", "Bình xét thi đua", "An toàn thông tin", "Đào tạo công chức",
                      "Ánh xạ dữ liệu"]
    by_title = _titles(reader.get("/documents/?sort=title").get_data(as_text=True))
    assert by_title == ["An toàn thông tin", "Ánh xạ dữ liệu", "Bình xét thi đua", "Dự thảo quy chế",
                        "Đào tạo công chức"]


def test_number_sort_is_natural(reader, make_document):
    for number in ["10/KH-TTCP", "2/KH-TTCP", "1298/TB-TTCP"]:
        make_document(number=number, doc_type="Kế hoạch", title=f"Văn bản {number}")
    html = reader.get("/documents/?sort=number").get_data(as_text=True)
    assert _titles(html) == ["Văn bản 2/KH-TTCP", "Văn bản 10/KH-TTCP", "Văn bản 1298/TB-TTCP"]


def test_htmx_list_request_returns_results_only(reader, make_document):
    make_document(title="Cơ chế một cửa")
    response = reader.get("/documents/?type=Nghị định", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Cơ chế một cửa" in body and "1 văn bản" in body
    assert "HX-Request" in response.headers["Vary"]
    restore = reader.get("/documents/?type=Nghị định",
                         headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_pagination(reader, make_document):
    for i in range(23):
        make_document(title=f"Văn bản số {i:02d}")
    first = reader.get("/documents/").get_data(as_text=True)
    assert len(_titles(first)) == 20 and "23 văn bản" in first and "Trang 1/2" in first
    second = reader.get("/documents/?page=2").get_data(as_text=True)
    assert len(_titles(second)) == 3


def test_document_page_shows_properties_relations_citations(app, reader, make_document, make_user):
    old = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa", signer="Nguyễn Xuân Phúc",
                        signer_title="Thủ tướng", issued_on=date(2018, 4, 23), status="Còn hiệu lực", fields=[3],
                        gazette_number="645 + 646", gazette_on=date(2018, 5, 10))
    new = make_document(number="107/2021/NĐ-CP", title="Sửa đổi, bổ sung Nghị định 61", issued_on=date(2021, 12, 6),
                        body="Sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP ngày 23/4/2018.")
    with app.app_context():
        from app.services.library import documents as library

        library.add_relation(db.session.get(Document, new), db.session.get(Document, old), "amends", None)
    html = reader.get(f"/documents/{old}").get_data(as_text=True)
    assert "Thuộc tính" in html and "Nguyễn Xuân Phúc" in html and "23/04/2018" in html
    assert "Chức vụ người ký</th><td>Thủ tướng" in html
    assert "Số công báo</th><td>645 + 646" in html and "10/05/2018" in html
    assert "Cải cách thủ tục hành chính" in html
    # Amended: in force in part since the amending decree, which the badge's reason names.
    assert '<span class="badge badge--partial">Hết hiệu lực một phần</span>' in html
    assert f'Được sửa đổi, bổ sung bởi <a href="/documents/{new}">107/2021/NĐ-CP</a> từ 06/12/2021' in html
    assert "Được sửa đổi, bổ sung bởi: 1" in html and "Được dẫn chiếu bởi: 1" in html
    diagram = reader.get(f"/documents/{old}/luoc-do").get_data(as_text=True)
    assert "Được sửa đổi, bổ sung bởi" in diagram and f'href="/documents/{new}"' in diagram
    assert "Được dẫn chiếu bởi" in diagram
    html_new = reader.get(f"/documents/{new}/luoc-do").get_data(as_text=True)
    assert re.search(r"<h3[^>]*>Sửa đổi, bổ sung <span", html_new) and f'href="/documents/{old}"' in html_new
    # The number in the body links to the cited document.
    text_new = reader.get(f"/documents/{new}/toan-van").get_data(as_text=True)
    assert f'<a class="doc-ref" href="/documents/{old}">61/2018/NĐ-CP</a>' in text_new


def test_readers_cannot_change_anything(reader, make_document):
    doc = make_document(title="Cơ chế một cửa")
    html = reader.get(f"/documents/{doc}").get_data(as_text=True)
    assert "/edit" not in html and "Thêm văn bản" not in reader.get("/documents/").get_data(as_text=True)
    token = page_token(reader)
    for method, path in [("get", "/documents/new"), ("post", "/documents/new"), ("get", f"/documents/{doc}/edit"),
                         ("post", f"/documents/{doc}/edit"), ("get", f"/documents/{doc}/delete"),
                         ("post", f"/documents/{doc}/delete"), ("post", f"/documents/{doc}/relations"),
                         ("post", f"/documents/{doc}/attachments")]:
        response = getattr(reader, method)(path, data={"csrf_token": token, "title": "x"})
        assert response.status_code == 403, path
    assert reader.get(f"/documents/{doc}").status_code == 200


def test_editor_creates_edits_and_deletes_with_confirmation(app, editor, make_unit):
    make_unit("VPC")
    token = page_token(editor, "/documents/new")
    response = editor.post("/documents/new", data={
        "csrf_token": token, "action": "save", "category": "legal", "doc_type": "Nghị định",
        "number": "61/2018/NĐ-CP", "title": "Về thực hiện cơ chế một cửa", "issuer": "Chính phủ",
        "issued_on": "2018-04-23", "effective_on": "21/06/2018", "status": "Còn hiệu lực", "fields": ["3"],
        "visibility": "all", "body": "Nghị định này quy định về cơ chế một cửa.",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    doc_url = response.headers["Location"]
    page = editor.get(doc_url).get_data(as_text=True)
    assert "21/06/2018" in page and "Nghị định này quy định" in page
    edit_page = editor.get(doc_url + "/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', edit_page).group(1)
    response = editor.post(doc_url + "/edit", data={
        "csrf_token": token, "category": "legal", "doc_type": "Nghị định", "number": "61/2018/NĐ-CP",
        "title": "Về thực hiện cơ chế một cửa, một cửa liên thông", "issuer": "Chính phủ", "visibility": "all",
        "body": "Văn bản đã sửa.", "version": version,
    })
    assert response.status_code == 302
    history = editor.get(doc_url + "/history").get_data(as_text=True)
    assert "Tạo mới" in history and "Sửa" in history and "Trích yếu" in history
    old_revision = editor.get(doc_url + "/revisions/1").get_data(as_text=True)
    assert "Nghị định này quy định" in old_revision
    confirm = editor.get(doc_url + "/delete").get_data(as_text=True)
    assert "Xóa văn bản?" in confirm
    assert editor.post(doc_url + "/delete", data={"csrf_token": token}).status_code == 302
    assert editor.get(doc_url).status_code == 404
    assert "cơ chế một cửa" not in editor.get("/documents/").get_data(as_text=True)


def test_form_errors_keep_input_and_save_nothing(app, editor):
    token = page_token(editor, "/documents/new")
    response = editor.post("/documents/new", data={
        "csrf_token": token, "action": "save", "category": "legal", "doc_type": "Nghị định",
        "title": "Tiêu đề còn giữ", "visibility": "units", "issued_on": "31/02/2024", "body": "Nội dung còn giữ",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "«31/02/2024» không có trên lịch" in html and "Tiêu đề còn giữ" in html and "Nội dung còn giữ" in html
    crafted = editor.post("/documents/new", data={"csrf_token": token, "action": "save", "category": "legal",
                                                  "doc_type": "Sắc lệnh", "title": "X", "visibility": "all"})
    assert crafted.status_code == 400 and "Giá trị đã chọn không hợp lệ." in crafted.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


def test_concurrent_edit_refused_without_losing_input(app, editor, make_user, make_document):
    doc = make_document(title="Bản gốc")
    make_user("bientap2", roles=["editor"])
    other = app.test_client()
    login(other, "bientap2")
    mine = editor.get(f"/documents/{doc}/edit").get_data(as_text=True)
    theirs = other.get(f"/documents/{doc}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', mine).group(1)
    assert version == re.search(r'name="version" type="hidden" value="(\d+)"', theirs).group(1)
    base = {"category": "legal", "doc_type": "Nghị định", "issuer": "Chính phủ", "visibility": "all",
            "status": "", "version": version}
    response = other.post(f"/documents/{doc}/edit", data={**base, "csrf_token": page_token(other),
                                                          "title": "Bản của đồng nghiệp"})
    errors = re.findall(r'class="(?:flash flash--error|field__error)"[^>]*>([^<]*)', response.get_data(as_text=True))
    assert response.status_code == 302, errors
    response = editor.post(f"/documents/{doc}/edit", data={**base, "csrf_token": page_token(editor),
                                                           "title": "Bản của tôi"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "sau khi bạn mở trang" in html and "Bản của tôi" in html
    with app.app_context():
        assert db.session.get(Document, doc).title == "Bản của đồng nghiệp"


def test_restricted_document_invisible_to_other_units_everywhere(app, make_user, make_document):
    make_user("vpc", unit="VPC")
    make_user("tccb", unit="TCCB")
    secret = make_document(number="15/BC-VPC", doc_type="Báo cáo", title="Báo cáo mật của Vụ Pháp chế",
                           units=["VPC"], issuer="Vụ Pháp chế")
    citing = make_document(title="Văn bản chung", body="Theo Báo cáo số 15/BC-VPC của Vụ Pháp chế.")
    insider, outsider = app.test_client(), app.test_client()
    login(insider, "vpc")
    login(outsider, "tccb")
    assert "Báo cáo mật" in insider.get("/documents/").get_data(as_text=True)
    assert insider.get(f"/documents/{secret}").status_code == 200
    listing = outsider.get("/documents/").get_data(as_text=True)
    assert "Báo cáo mật" not in listing and "1 văn bản" in listing
    assert "Vụ Pháp chế" not in listing  # not even as an issuer filter option
    assert outsider.get(f"/documents/{secret}").status_code == 404
    assert outsider.get(f"/documents/{secret}/history").status_code == 404
    assert outsider.get(f"/documents/{secret}/revisions/1").status_code == 404
    assert "0 văn bản" in outsider.get("/documents/?number=15/BC-VPC").get_data(as_text=True)
    assert "1 văn bản" in insider.get("/documents/?number=15/bc-vpc").get_data(as_text=True)
    # The number in another text is not linked for the outsider, and is for the insider.
    assert f'href="/documents/{secret}"' not in outsider.get(f"/documents/{citing}").get_data(as_text=True)
    assert f'href="/documents/{secret}"' in insider.get(f"/documents/{citing}").get_data(as_text=True)


def test_user_text_is_escaped_on_document_pages(reader, make_document):
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    doc = make_document(title=payload, body=payload + "\nDòng hai " + payload, summary=payload, signer=payload)
    for path in (f"/documents/{doc}", "/documents/", f"/documents/{doc}/history", f"/documents/{doc}/revisions/1"):
        html = reader.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html, path


# Revisions, relations and numbers of documents the reader may not open

def _restrict_then_open(app, document_id: int, editor_id: int | None = None) -> None:
    """Save the document again, opened to all staff, with a new body (revision 2)."""
    from app.services.library import documents as library

    with app.app_context():
        from app.models import User

        document = db.session.get(Document, document_id)
        data = library.DocumentData(
            category=document.category, doc_type=document.doc_type, number=document.number,
            title=document.title, issuer=document.issuer, visibility="all", unit_ids=[],
            body="Bản công khai: tóm tắt kết quả.")
        library.update_document(document, data, db.session.get(User, editor_id) if editor_id else None,
                                document.version)


def test_a_revision_is_shown_only_to_those_who_could_read_it_then(app, make_user, make_document):
    make_user("vpc", unit="VPC")
    make_user("tccb", unit="TCCB")
    secret = make_document(number="15/BC-VPC", doc_type="Báo cáo", title="Báo cáo kiểm tra nội bộ",
                           units=["VPC", "KHTCTH"], body="Nội dung mật: 3 cán bộ vi phạm quy trình.")
    _restrict_then_open(app, secret)
    insider, outsider = app.test_client(), app.test_client()
    login(insider, "vpc")
    login(outsider, "tccb")
    # Everyone reads the document as it is now (revision 2)…
    assert "Bản công khai" in outsider.get(f"/documents/{secret}").get_data(as_text=True)
    assert "Bản công khai" in outsider.get(f"/documents/{secret}/revisions/2").get_data(as_text=True)
    # …but revision 1, restricted to VPC and KHTCTH, only its units see: not its body, not its unit list.
    response = outsider.get(f"/documents/{secret}/revisions/1")
    assert response.status_code == 404
    assert "3 cán bộ vi phạm" not in response.get_data(as_text=True)
    history = outsider.get(f"/documents/{secret}/history").get_data(as_text=True)
    assert f"/documents/{secret}/revisions/1" not in history and f"/documents/{secret}/revisions/2" in history
    page = insider.get(f"/documents/{secret}/revisions/1").get_data(as_text=True)
    assert "3 cán bộ vi phạm" in page and "KHTCTH" in page
    assert f"/documents/{secret}/revisions/1" in insider.get(f"/documents/{secret}/history").get_data(as_text=True)


def test_revision_pages_show_relation_targets_only_as_documents_the_reader_may_open(app, make_user, make_document):
    make_user("tccb", unit="TCCB")
    make_user("vpc", unit="VPC")
    public_target = make_document(number="61/2018/NĐ-CP", title="Về cơ chế một cửa")
    secret_target = make_document(number="15/BC-VPC", doc_type="Báo cáo", title="Báo cáo mật", units=["VPC"])
    source = make_document(number="107/2021/NĐ-CP", title="Sửa đổi Nghị định 61")
    with app.app_context():
        from app.services.library import documents as library

        for target in (public_target, secret_target):
            library.add_relation(db.session.get(Document, source), db.session.get(Document, target), "amends", None)
    outsider, insider = app.test_client(), app.test_client()
    login(outsider, "tccb")
    login(insider, "vpc")
    page = outsider.get(f"/documents/{source}/revisions/3").get_data(as_text=True)
    assert f"amends:{public_target}" not in page and f"amends:{secret_target}" not in page  # no raw targets
    assert f'href="/documents/{public_target}"' in page and "61/2018/NĐ-CP" in page
    assert f"/documents/{secret_target}" not in page and "15/BC-VPC" not in page and "Báo cáo mật" not in page
    page = insider.get(f"/documents/{source}/revisions/3").get_data(as_text=True)
    assert f'href="/documents/{secret_target}"' in page and "15/BC-VPC" in page


def test_a_relation_is_deleted_only_by_an_editor_who_may_open_both_ends(app, make_user, make_document):
    make_user("bientap", roles=["editor"], unit="VP")
    make_user("bientap.vpc", roles=["editor"], unit="VPC")
    public = make_document(number="61/2018/NĐ-CP", title="Về cơ chế một cửa")
    secret = make_document(number="15/BC-VPC", doc_type="Báo cáo", title="Báo cáo mật", units=["VPC"])
    with app.app_context():
        from app.models import DocumentRelation
        from app.services.library import documents as library

        relation = library.add_relation(db.session.get(Document, secret), db.session.get(Document, public),
                                        "based_on", None).id
        secret_revisions = len(db.session.get(Document, secret).revisions)
        missing = db.session.scalar(db.select(db.func.max(DocumentRelation.id))) + 1
    editor = app.test_client()
    login(editor, "bientap")
    token = page_token(editor, f"/documents/{public}")
    hidden = editor.post(f"/documents/{public}/relations/{relation}/delete", data={"csrf_token": token})
    absent = editor.post(f"/documents/{public}/relations/{missing}/delete", data={"csrf_token": token})
    # The same answer as for a relation that does not exist: nothing deleted, nothing revealed.
    assert hidden.status_code == absent.status_code == 404
    with app.app_context():
        assert db.session.get(DocumentRelation, relation) is not None
        assert len(db.session.get(Document, secret).revisions) == secret_revisions
    # An editor of VPC opens both ends and may delete it.
    insider = app.test_client()
    login(insider, "bientap.vpc")
    token = page_token(insider, f"/documents/{public}")
    assert insider.post(f"/documents/{public}/relations/{relation}/delete", data={"csrf_token": token}) \
        .status_code == 302
    with app.app_context():
        assert db.session.get(DocumentRelation, relation) is None


def test_a_number_taken_by_a_document_one_cannot_read_is_refused_without_saying_so(app, editor, make_document):
    make_document(number="15/BC-VPC", doc_type="Báo cáo", title="Báo cáo mật", units=["VPC"], issuer="Vụ Pháp chế")
    make_document(number="16/BC-TTCP", doc_type="Báo cáo", title="Báo cáo chung", issuer="Thanh tra Chính phủ")
    token = page_token(editor, "/documents/new")
    form = {"csrf_token": token, "action": "save", "category": "reform", "doc_type": "Báo cáo", "status": "",
            "title": "Báo cáo trùng số", "visibility": "all"}
    hidden = editor.post("/documents/new", data={**form, "number": "15/BC-VPC", "issuer": "Vụ Pháp chế"})
    text = hidden.get_data(as_text=True)
    assert hidden.status_code == 400 and "Số ký hiệu này không dùng được." in text
    assert "đã có trong thư viện" not in text and "Báo cáo mật" not in text
    # A duplicate the editor can read is still named plainly.
    visible = editor.post("/documents/new", data={**form, "number": "16/BC-TTCP", "issuer": "Thanh tra Chính phủ"})
    assert "đã có trong thư viện" in visible.get_data(as_text=True)


def test_a_plan_links_its_document_only_for_readers_who_may_open_it(app, make_user, make_document):
    from app.services.plans import plans as plan_rules

    make_user("tccb", unit="TCCB")
    make_user("vpc", unit="VPC")
    secret = make_document(number="15/KH-VPC", doc_type="Kế hoạch", title="Kế hoạch nội bộ", units=["VPC"])
    with app.app_context():
        plan_id = plan_rules.create_plan(plan_rules.PlanData(year=2024, number="15/KH-VPC", title="Kế hoạch CCHC"),
                                         None).id
    outsider, insider = app.test_client(), app.test_client()
    login(outsider, "tccb")
    login(insider, "vpc")
    page = outsider.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert f"/documents/{secret}" not in page and "Xem văn bản kế hoạch" not in page
    assert f'href="/documents/{secret}"' in insider.get(f"/plans/{plan_id}").get_data(as_text=True)


def test_the_authors_spelling_is_kept_and_found_in_either_tone_convention(app, editor, make_document):
    """``hoà``, ``uỷ``, ``thoả``, ``toà`` are stored and shown as typed; searching ``hòa`` or ``hoà``
    finds them, the issuer filter treats ``Uỷ ban`` and ``Ủy ban`` as one issuer, and numbers still link."""
    make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa")
    token = page_token(editor, "/documents/new")
    response = editor.post("/documents/new", data={
        "csrf_token": token, "action": "save", "category": "reform", "doc_type": "Kế hoạch",
        "number": "12/KH-UBND", "title": "Kế hoạch hoà giải ở cơ sở năm 2024",
        "issuer": "Uỷ ban nhân dân tỉnh Hoà Bình", "status": "", "visibility": "all",
        "body": "Uỷ ban nhân dân tỉnh thoả thuận với Toà án nhân dân về hoà giải, theo Nghị định 61/2018/NĐ-CP.",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kế hoạch hoà giải ở cơ sở năm 2024" in page and "Uỷ ban nhân dân tỉnh Hoà Bình" in page
    assert "Uỷ ban nhân dân tỉnh thoả thuận với Toà án nhân dân về hoà giải" in page
    assert "hòa" not in page and "Ủy" not in page and "thỏa" not in page and "Tòa" not in page
    assert 'class="doc-ref"' in page and ">61/2018/NĐ-CP</a>" in page  # the citation linker still links
    for query in ("hòa giải", "hoà giải", "hoa giai", "ủy ban thỏa thuận", "tòa án"):
        found = editor.get("/api/search", query_string={"q": query}).get_json()
        assert [r["title"] for r in found["results"]] == ["Kế hoạch hoà giải ở cơ sở năm 2024"], query
    assert editor.get("/api/search", query_string={"q": "12/kh-ubnd"}).get_json()["results"][0]["number"] \
        == "12/KH-UBND"
    for issuer in ("Uỷ ban nhân dân tỉnh Hoà Bình", "Ủy ban nhân dân tỉnh Hòa Bình"):
        listed = editor.get("/documents/", query_string={"issuer": issuer}).get_data(as_text=True)
        assert "Kế hoạch hoà giải ở cơ sở năm 2024" in listed, issuer
    # The same number from the same issuer written the other way is the same document.
    again = editor.post("/documents/new", data={
        "csrf_token": token, "action": "save", "category": "reform", "doc_type": "Kế hoạch",
        "number": "12/KH-UBND", "title": "Bản trùng", "issuer": "Ủy ban nhân dân tỉnh Hòa Bình", "visibility": "all",
        "status": ""})
    assert again.status_code == 400 and "đã có trong thư viện" in again.get_data(as_text=True)
