"""The document page like the legal portals: tabs with their own addresses (Thuộc tính, Toàn văn,
Lược đồ, Tải về), the download link at the top, related documents grouped by relation with counts
and paged in place, a validity badge with its reason — never a document the reader may not open,
in lists, counts or links — and a bounded cost whatever the number of citing documents."""
import re
from datetime import date

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import Attachment, Document
from tests.helpers import login, page_token

TABS = {"": "Thuộc tính", "/toan-van": "Toàn văn", "/luoc-do": "Lược đồ", "/tai-ve": "Tải về"}


@pytest.fixture
def reader(client, make_user):
    make_user("congchuc", roles=["reader"], unit="TCCB")
    login(client, "congchuc")
    return client


def _relate(app, source_id, relation_type, target_id):
    from app.services.library import documents as library

    with app.app_context():
        library.add_relation(db.session.get(Document, source_id), db.session.get(Document, target_id),
                             relation_type, None)


def _cite(app, number, count, start=0, units=None, issued=date(2020, 1, 1)):
    """Add ``count`` documents whose text cites ``number`` (one multi-row insert); return their ids."""
    from app.services.library import documents as library

    with app.app_context():
        unit_ids = []
        if units:
            from app.models import Unit

            unit_ids = [db.session.scalar(db.select(Unit.id).where(Unit.code == code)) for code in units]
        items = [library.validate(library.DocumentData(
            category="legal", doc_type="Quyết định", number=f"{start + i}/QĐ-UBND", issuer="UBND tỉnh Cao Bằng",
            title=f"Quyết định {start + i} triển khai Nghị định", issued_on=issued,
            body=f"Căn cứ Nghị định số {number} của Chính phủ.", visibility="units" if units else "all",
            unit_ids=unit_ids)) for i in range(count)]
        ids = library.create_documents_bulk(items)
        db.session.commit()
        return ids


def _current_tab(html):
    tabs = html[html.index('<nav class="tabs"'):]
    return re.search(r'<a href="[^"]*"[^>]*aria-current="page">([^<(]+)', tabs).group(1).strip()


def test_each_tab_is_an_address_that_works_without_javascript(reader, make_document):
    doc = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa", status="Còn hiệu lực",
                        body="Điều 1. Phạm vi điều chỉnh.")
    for suffix, label in TABS.items():
        response = reader.get(f"/documents/{doc}{suffix}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, suffix
        assert "<html" in html and _current_tab(html) == label
        for other in TABS:  # every tab links to the others by their addresses
            assert f'href="/documents/{doc}{other}"' in html
    properties = reader.get(f"/documents/{doc}").get_data(as_text=True)
    assert "<title>Nghị định 61/2018/NĐ-CP · " in properties
    assert properties.index("Ngày có hiệu lực") < properties.index("Điều 1. Phạm vi điều chỉnh.")
    text = reader.get(f"/documents/{doc}/toan-van").get_data(as_text=True)
    assert "<title>Toàn văn – Nghị định 61/2018/NĐ-CP · " in text and "Điều 1. Phạm vi điều chỉnh." in text
    assert "Ngày có hiệu lực" not in text


def test_htmx_gets_the_tabs_alone_with_the_page_title(reader, make_document):
    doc = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa")
    response = reader.get(f"/documents/{doc}/luoc-do", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="document-tabs"' in html and _current_tab(html) == "Lược đồ"
    assert html.lstrip().startswith("<title>Lược đồ – Nghị định 61/2018/NĐ-CP · Cổng thông tin CCHC</title>")
    assert "HX-Request" in response.headers["Vary"]
    restore = reader.get(f"/documents/{doc}/luoc-do",
                         headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def _attach(app, doc_id, name, size=2048):
    import uuid

    with app.app_context():
        db.session.add(Attachment(document_id=doc_id, original_name=name, stored_name=f"{uuid.uuid4().hex}.docx",
                                  content_type="application/octet-stream", size=size, sha256="0" * 64,
                                  kind="docx", text=""))
        db.session.commit()


def test_download_link_sits_above_the_tabs(app, reader, make_document):
    one = make_document(number="01/2018/TT-VPCP", doc_type="Thông tư", body="Nội dung " * 500)
    _attach(app, one, "thong-tu-01-2018.docx")
    html = reader.get(f"/documents/{one}/toan-van").get_data(as_text=True)
    link = re.search(r'<a class="button" href="(/documents/\d+/attachments/\d+)">Tải về', html)
    assert link and html.index(link.group(0)) < html.index('id="document-tabs"')
    several = make_document(number="02/2017/TT-VPCP", doc_type="Thông tư")
    _attach(app, several, "thong-tu.docx")
    _attach(app, several, "phu-luc.xlsx")
    html = reader.get(f"/documents/{several}").get_data(as_text=True)
    assert f'href="/documents/{several}/tai-ve">Tải về (2 tệp)</a>' in html
    files = reader.get(f"/documents/{several}/tai-ve").get_data(as_text=True)
    assert "thong-tu.docx" in files and "phu-luc.xlsx" in files
    nothing = make_document(number="03/2019/TT-VPCP", doc_type="Thông tư")
    assert "Văn bản chưa có tệp để tải về." in reader.get(f"/documents/{nothing}/tai-ve").get_data(as_text=True)


def test_citations_are_counted_shown_five_and_paged_never_restricted_ones(app, make_user, make_document):
    make_user("tccb", unit="TCCB")
    make_user("vpc", unit="VPC")
    target = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa", status="Còn hiệu lực")
    public = _cite(app, "61/2018/NĐ-CP", 23)
    secret = _cite(app, "61/2018/NĐ-CP", 3, start=900, units=["VPC"], issued=date(2024, 1, 1))
    outsider, insider = app.test_client(), app.test_client()
    login(outsider, "tccb")
    login(insider, "vpc")

    properties = outsider.get(f"/documents/{target}").get_data(as_text=True)
    assert f'href="/documents/{target}/luoc-do#nhom-duoc-dan-chieu">Được dẫn chiếu bởi: 23</a>' in properties
    diagram = outsider.get(f"/documents/{target}/luoc-do").get_data(as_text=True)
    assert re.search(r'Được dẫn chiếu bởi <span class="count">\(23\)</span>', diagram)
    listed = {int(i) for i in re.findall(r'<li><a href="/documents/(\d+)">', diagram)}
    assert len(listed) == 5 and listed <= set(public)
    assert "Xem thêm (còn 18 văn bản)" in diagram
    for doc_id in secret:
        assert f"/documents/{doc_id}" not in diagram
    assert "/QĐ-UBND" in diagram and "900/QĐ-UBND" not in diagram

    # "Xem thêm" (htmx): the next 20 at most, items only, then no more link.
    more = outsider.get(f"/documents/{target}/luoc-do/duoc-dan-chieu?start=5", headers={"HX-Request": "true"})
    html = more.get_data(as_text=True)
    assert "<html" not in html
    shown = [int(i) for i in re.findall(r'<li><a href="/documents/(\d+)">', html)]
    assert len(shown) == 18 and set(shown) | listed == set(public) and "Xem thêm" not in html

    # Without JavaScript the link leads to the list, 20 a page, with previous and next links.
    first = outsider.get(f"/documents/{target}/luoc-do/duoc-dan-chieu").get_data(as_text=True)
    assert "<html" in first and "(23 văn bản)" in first and "Văn bản 1–20 trong 23." in first
    assert len(re.findall(r'<li><a href="/documents/(\d+)">', first)) == 20
    assert f'href="/documents/{target}/luoc-do/duoc-dan-chieu?start=20">Sau »' in first
    second = outsider.get(f"/documents/{target}/luoc-do/duoc-dan-chieu?start=20").get_data(as_text=True)
    assert len(re.findall(r'<li><a href="/documents/(\d+)">', second)) == 3 and "« Trước" in second
    assert "900/QĐ-UBND" not in first + second

    # The unit that may read the restricted ones sees them, counted and listed first (newest).
    diagram = insider.get(f"/documents/{target}/luoc-do").get_data(as_text=True)
    assert re.search(r'Được dẫn chiếu bởi <span class="count">\(26\)</span>', diagram)
    assert "900/QĐ-UBND" in diagram


def test_relations_grouped_by_type_only_those_the_reader_may_open(app, make_user, make_document):
    make_user("tccb", unit="TCCB")
    make_user("vpc", unit="VPC")
    base = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa", status="Còn hiệu lực",
                         issued_on=date(2018, 4, 23))
    guide = make_document(number="01/2018/TT-VPCP", doc_type="Thông tư", title="Hướng dẫn thi hành Nghị định 61",
                          issued_on=date(2018, 11, 23))
    amending = make_document(number="107/2021/NĐ-CP", title="Sửa đổi Nghị định 61", issued_on=date(2021, 12, 6))
    secret = make_document(number="15/QC-VPC", doc_type="Quy chế", title="Quy chế nội bộ bí mật", units=["VPC"],
                           issued_on=date(2022, 1, 1))
    law = make_document(number="76/2015/QH13", doc_type="Luật", title="Luật Tổ chức Chính phủ")
    _relate(app, guide, "guides", base)
    _relate(app, amending, "amends", base)
    _relate(app, secret, "repeals_part", base)
    _relate(app, base, "based_on", law)
    outsider, insider = app.test_client(), app.test_client()
    login(outsider, "tccb")
    login(insider, "vpc")

    html = outsider.get(f"/documents/{base}/luoc-do").get_data(as_text=True)
    left, right = html.split('class="diagram__center"')
    assert "Căn cứ <span" in left and f'href="/documents/{law}"' in left
    assert "Được hướng dẫn bởi <span" in right and f'href="/documents/{guide}"' in right
    assert "Được sửa đổi, bổ sung bởi <span" in right and f'href="/documents/{amending}"' in right
    assert "Bị bãi bỏ một phần bởi" not in html and "15/QC-VPC" not in html and "bí mật" not in html
    page = outsider.get(f"/documents/{base}").get_data(as_text=True)
    assert "Bị bãi bỏ một phần bởi" not in page and "15/QC-VPC" not in page
    assert "Được sửa đổi, bổ sung bởi: 1" in page and "Căn cứ: 1" in page
    assert f'Được sửa đổi, bổ sung bởi <a href="/documents/{amending}">107/2021/NĐ-CP</a> từ 06/12/2021' in page

    html = insider.get(f"/documents/{base}/luoc-do").get_data(as_text=True)
    assert "Bị bãi bỏ một phần bởi <span" in html and f'href="/documents/{secret}"' in html
    page = insider.get(f"/documents/{base}").get_data(as_text=True)
    assert f'Bị bãi bỏ một phần bởi <a href="/documents/{secret}">15/QC-VPC</a> từ 01/01/2022' in page


def test_unknown_group_and_unreadable_document_answer_404(app, make_user, make_document):
    make_user("tccb", unit="TCCB")
    doc = make_document(number="61/2018/NĐ-CP")
    secret = make_document(number="15/BC-VPC", doc_type="Báo cáo", units=["VPC"])
    client = app.test_client()
    login(client, "tccb")
    assert client.get(f"/documents/{doc}/luoc-do/khong-co").status_code == 404
    for suffix in ("", "/toan-van", "/luoc-do", "/tai-ve", "/luoc-do/duoc-dan-chieu", "/luoc-do/can-cu"):
        assert client.get(f"/documents/{secret}{suffix}").status_code == 404, suffix
    assert client.get(f"/documents/{doc}/luoc-do/duoc-dan-chieu?start=abc").status_code == 200


def test_validity_badge_and_reason_on_the_page_in_the_list_and_in_search(app, reader, make_document):
    old = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa liên thông",
                        status="Còn hiệu lực", issued_on=date(2018, 4, 23))
    new = make_document(number="15/2024/NĐ-CP", title="Về cơ chế một cửa, thay thế Nghị định 61",
                        status="Còn hiệu lực", issued_on=date(2024, 5, 20), effective_on=date(2024, 7, 1))
    _relate(app, new, "replaces", old)
    reason = "Bị thay thế bởi 15/2024/NĐ-CP từ 01/07/2024"
    page = reader.get(f"/documents/{old}").get_data(as_text=True)
    assert '<span class="badge badge--expired">Hết hiệu lực toàn bộ</span>' in page
    assert f'Bị thay thế bởi <a href="/documents/{new}">15/2024/NĐ-CP</a> từ 01/07/2024' in page
    listing = reader.get("/documents/?status=Hết hiệu lực toàn bộ").get_data(as_text=True)
    assert "1 văn bản" in listing and "liên thông" in listing and reason in listing
    assert "0 văn bản" in reader.get("/documents/?number=61/2018/NĐ-CP&status=Còn hiệu lực").get_data(as_text=True)
    results = reader.get("/search?q=61/2018/NĐ-CP").get_data(as_text=True)
    assert "Hết hiệu lực toàn bộ</span>" in results and reason in results
    api = reader.get(f"/api/documents/{old}").get_json()
    assert (api["status"], api["recorded_status"], api["status_reasons"]) == (
        "Hết hiệu lực toàn bộ", "Còn hiệu lực", [reason])


def test_editor_records_the_new_properties_and_a_relation_from_the_diagram(app, editor, make_document):
    old = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa", status="Còn hiệu lực",
                        issued_on=date(2018, 4, 23))
    token = page_token(editor, "/documents/new")
    saved = editor.post("/documents/new", data={
        "csrf_token": token, "action": "save", "category": "legal", "doc_type": "Nghị định", "status": "Còn hiệu lực",
        "number": "15/2024/NĐ-CP", "title": "Về cơ chế một cửa", "issuer": "Chính phủ", "signer": "Trần Hồng Hà",
        "signer_title": "Phó Thủ tướng", "issued_on": "2024-05-20", "effective_on": "01/07/2024",
        "expires_on": "2034-12-31", "gazette_number": "701 + 702", "gazette_on": "2024-06-01", "visibility": "all"})
    assert saved.status_code == 302
    new = int(saved.headers["Location"].rsplit("/", 1)[-1])
    page = editor.get(f"/documents/{new}").get_data(as_text=True)
    for text in ("Phó Thủ tướng", "31/12/2034", "701 + 702", "01/06/2024"):
        assert text in page
    form = editor.get(f"/documents/{new}/edit").get_data(as_text=True)
    assert 'value="Phó Thủ tướng"' in form and 'value="31/12/2034"' in form and 'value="701 + 702"' in form

    wrong = editor.post("/documents/new", data={
        "csrf_token": token, "action": "save", "category": "legal", "doc_type": "Nghị định", "status": "",
        "title": "Hết hạn trước khi có hiệu lực", "effective_on": "2024-07-01", "expires_on": "2024-06-30",
        "visibility": "all"})
    assert wrong.status_code == 400 and "Ngày hết hiệu lực không thể trước ngày có hiệu lực" in wrong.get_data(
        as_text=True)

    diagram = editor.get(f"/documents/{new}/luoc-do").get_data(as_text=True)
    assert 'id="quan-he"' in diagram and '<option value="repeals_part">Bãi bỏ một phần</option>' in diagram
    added = editor.post(f"/documents/{new}/relations", data={
        "csrf_token": page_token(editor, f"/documents/{new}/luoc-do"), "relation_type": "replaces",
        "target_number": "61/2018/ND-CP"})
    assert added.status_code == 302 and added.headers["Location"].endswith(f"/documents/{new}/luoc-do#quan-he")
    assert "Hết hiệu lực toàn bộ" in editor.get(f"/documents/{old}").get_data(as_text=True)
    revision = editor.get(f"/documents/{new}/revisions/1").get_data(as_text=True)
    assert "Chức vụ người ký" in revision and "Phó Thủ tướng" in revision


def _cost_of_page(app, client, url):
    """(SQL statements, Document rows loaded, HTML) of one GET."""
    with app.app_context():
        engine = db.engine
    statements, loaded = [], []

    def on_statement(conn, cursor, statement, *args):
        statements.append(statement)

    def on_load(target, context):
        loaded.append(target)

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(Document, "load", on_load)
    try:
        html = client.get(url).get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(Document, "load", on_load)
    return len(statements), len(loaded), html


def test_page_cost_does_not_grow_with_the_number_of_citing_documents(app, reader, make_document):
    few = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa", body="Điều 1. " * 300)
    many = make_document(number="107/2021/NĐ-CP", title="Sửa đổi Nghị định 61", body="Điều 1. " * 300)
    _cite(app, "61/2018/NĐ-CP", 5)
    _cite(app, "107/2021/NĐ-CP", 200, start=100)
    reader.get(f"/documents/{few}")  # warm the session and caches alike for both
    costs = {}
    for doc in (few, many):
        for suffix in ("", "/luoc-do"):
            costs[doc, suffix] = _cost_of_page(app, reader, f"/documents/{doc}{suffix}")
    for suffix in ("", "/luoc-do"):
        statements_few, _, _ = costs[few, suffix]
        statements, loaded, html = costs[many, suffix]
        assert statements == statements_few and statements <= 25, suffix
        assert loaded <= 1 + 5 + 6, suffix  # itself, the first five citing documents, related documents
    html = costs[many, "/luoc-do"][2]
    assert re.search(r'Được dẫn chiếu bởi <span class="count">\(200\)</span>', html)
    assert len(re.findall(r'<li><a href="/documents/\d+">', html)) == 5
    # "Xem thêm" reads one page of 20 in one query.
    statements, loaded, html = _cost_of_page(app, reader, f"/documents/{many}/luoc-do/duoc-dan-chieu?start=5")
    assert len(re.findall(r'<li><a href="/documents/\d+">', html)) == 20 and loaded <= 21
