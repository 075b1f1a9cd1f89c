"""OCR on the document page: upload of a scan, progress fragment polled by htmx until done, the
recognised text under its label with page numbers, the editor's correction as a revision, the
searchable PDF beside the untouched original, and nothing of it for readers of other units."""
from __future__ import annotations

import hashlib
import html as htmllib
import io
import re

import pytest

from app.extensions import db
from app.models import Attachment, DocumentRevision, OcrJob
from app.services.library import ocr_worker
from tests.helpers import logged_in, page_token
from tests.scans import DECISION, SECOND, image_pdf, render_page

HTMX = {"HX-Request": "true"}


def scanned(*pages) -> bytes:
    return image_pdf([render_page(text, size_in=(6.6, 2.6), margin_in=0.3, point=12) for text in pages])


@pytest.fixture
def scan_bytes():
    return scanned(DECISION, SECOND)


@pytest.fixture
def uploaded(app, editor, make_document, make_user, scan_bytes):
    """A document for the VP unit only, with a scanned decision uploaded through the Tải về form;
    returns (document id, attachment id)."""
    doc = make_document(number="15/QĐ-UBND", doc_type="Quyết định", title="Quyết định số hóa hồ sơ",
                        units=["VP"])
    response = editor.post(f"/documents/{doc}/attachments", content_type="multipart/form-data", data={
        "csrf_token": page_token(editor, f"/documents/{doc}/tai-ve"),
        "file": (io.BytesIO(scan_bytes), "quyet-dinh-scan.pdf")})
    assert response.status_code == 302
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đang nhận dạng chữ của tệp quét" in page
    with app.app_context():
        att = db.session.scalar(db.select(Attachment.id))
    return doc, att


def run_worker(app):
    with app.app_context():
        assert ocr_worker.run_one("route-test") == ocr_worker.WORKED
        db.session.remove()


def test_progress_fragment_polls_until_done_then_shows_the_text_with_its_label(app, editor, uploaded):
    doc, att = uploaded
    fragment = editor.get(f"/documents/{doc}/ocr/{att}", headers=HTMX).get_data(as_text=True)
    assert "Đang chờ nhận dạng chữ (0/2 trang)" in fragment
    assert 'hx-trigger="every 2s"' in fragment and f'hx-get="/documents/{doc}/ocr/{att}"' in fragment
    assert f'href="/documents/{doc}/toan-van#ocr-{att}"' in fragment  # without JavaScript: reload

    with app.app_context():  # a worker is on page 2 of 2
        db.session.execute(db.update(OcrJob).values(status="running", pages_done=1))
        db.session.commit()
    fragment = editor.get(f"/documents/{doc}/ocr/{att}", headers=HTMX).get_data(as_text=True)
    assert "Đang nhận dạng chữ, 1/2 trang" in fragment and 'hx-trigger="every 2s"' in fragment
    tab = editor.get(f"/documents/{doc}/toan-van").get_data(as_text=True)
    assert "Đang nhận dạng chữ, 1/2 trang" in tab
    with app.app_context():
        db.session.execute(db.update(OcrJob).values(status="queued", pages_done=0))
        db.session.commit()

    run_worker(app)
    fragment = editor.get(f"/documents/{doc}/ocr/{att}", headers=HTMX).get_data(as_text=True)
    assert "hx-trigger" not in fragment  # done: the polling stops
    assert "Văn bản nhận dạng tự động (OCR) — có thể có lỗi" in fragment
    assert "Trang 1" in fragment and "Trang 2" in fragment
    assert "số hóa hồ sơ" in fragment and "trực tuyến" in fragment
    assert fragment.index("số hóa hồ sơ") < fragment.index("Trang 2") < fragment.index("trực tuyến")
    # A plain request for the fragment's address goes to the tab.
    plain = editor.get(f"/documents/{doc}/ocr/{att}")
    assert plain.status_code == 302 and plain.headers["Location"].endswith(f"/documents/{doc}/toan-van#ocr-{att}")
    tab = editor.get(f"/documents/{doc}/toan-van").get_data(as_text=True)
    assert "Văn bản nhận dạng tự động (OCR) — có thể có lỗi" in tab and "Sửa văn bản nhận dạng" in tab
    assert "<script>" not in tab  # strict CSP: no inline script


def test_failure_message_shown_without_polling(app, editor, uploaded):
    doc, att = uploaded
    app.config["OCR_MAX_PAGES"] = 1  # lowered after the upload: the worker stops at the limit
    run_worker(app)
    fragment = editor.get(f"/documents/{doc}/ocr/{att}", headers=HTMX).get_data(as_text=True)
    assert "Không nhận dạng được chữ của tệp: Tệp có 2 trang" in fragment and "hx-trigger" not in fragment
    assert "Nhận dạng chữ lỗi" in editor.get(f"/documents/{doc}/tai-ve").get_data(as_text=True)


def test_editor_corrects_the_text_as_a_revision_and_search_finds_the_correction(app, editor, uploaded):
    from app.search import outbox
    from tests.search.conftest import top_ids

    doc, att = uploaded
    run_worker(app)
    form_url = f"/documents/{doc}/ocr/{att}/sua"
    html = editor.get(form_url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    page1 = re.search(r'name="trang-1"[^>]*>(.*?)</textarea>', html, re.DOTALL).group(1)
    page2 = re.search(r'name="trang-2"[^>]*>(.*?)</textarea>', html, re.DOTALL).group(1)
    assert "số hóa hồ sơ" in page1
    token = page_token(editor, form_url)
    corrected = "QUYẾT ĐỊNH\nVề việc ban hành Kế hoạch chuyển đổi số năm 2025 <b>khẩn</b>"
    response = editor.post(form_url, data={"csrf_token": token, "version": version, "trang-1": corrected,
                                           "trang-2": htmllib.unescape(page2)})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    tab = editor.get(f"/documents/{doc}/toan-van").get_data(as_text=True)
    assert "chuyển đổi số" in tab and "&lt;b&gt;khẩn&lt;/b&gt;" in tab and "<b>khẩn</b>" not in tab
    assert "đã được biên tập viên sửa" in tab
    with app.app_context():
        revision = db.session.scalars(db.select(DocumentRevision).order_by(DocumentRevision.version.desc())).first()
        assert revision.action == "ocr_corrected" and revision.changed_fields == ["ocr"]
        assert "chuyển đổi số" in revision.snapshot["ocr"]["quyet-dinh-scan.pdf"]
        attachment = db.session.get(Attachment, att)
        assert "số hóa hồ sơ" in attachment.ocr_pages[0].text  # what was recognised is kept beside it
        outbox.sync(lock_timeout=30)
    assert top_ids(app, "bientap", '"chuyển đổi số"')[0] == [doc]
    history = editor.get(f"/documents/{doc}/history").get_data(as_text=True)
    assert "Sửa văn bản nhận dạng" in history
    shown = editor.get(f"/documents/{doc}/revisions/{revision.version}").get_data(as_text=True)
    assert "Văn bản nhận dạng (OCR)" in shown and "chuyển đổi số" in shown

    # A second correction from the form opened before the first: refused, the typed text kept.
    stale = editor.post(form_url, data={"csrf_token": token, "version": version, "trang-1": "Bản sửa muộn",
                                        "trang-2": "x"})
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "Bản sửa muộn" in body and "sau khi bạn mở trang" in body


def test_searchable_pdf_beside_the_untouched_original(app, editor, uploaded, scan_bytes):
    doc, att = uploaded
    run_worker(app)
    downloads = editor.get(f"/documents/{doc}/tai-ve").get_data(as_text=True)
    assert "Bản PDF tìm kiếm được (có lớp chữ nhận dạng)" in downloads
    original = editor.get(f"/documents/{doc}/attachments/{att}")
    assert hashlib.sha256(original.data).digest() == hashlib.sha256(scan_bytes).digest()
    searchable = editor.get(f"/documents/{doc}/attachments/{att}/ban-tim-kiem-duoc")
    assert searchable.status_code == 200 and searchable.mimetype == "application/pdf"
    assert "quyet-dinh-scan%20%28c%C3%B3%20l%E1%BB%9Bp%20ch%E1%BB%AF%29.pdf" in searchable.headers[
        "Content-Disposition"]
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(searchable.data)).pages)
    assert "hồ sơ" in text and len(PdfReader(io.BytesIO(searchable.data)).pages) == 2


def test_readers_of_other_units_see_nothing_of_it(app, editor, uploaded, make_user):
    doc, att = uploaded
    run_worker(app)
    make_user("congchuc.vp", unit="VP")
    make_user("bientap.tccb", roles=["editor"], unit="TCCB")
    colleague = logged_in(app, "congchuc.vp")
    stranger = logged_in(app, "bientap.tccb")
    assert "Văn bản nhận dạng tự động" in colleague.get(f"/documents/{doc}/ocr/{att}", headers=HTMX).get_data(
        as_text=True)
    assert colleague.get(f"/documents/{doc}/ocr/{att}/sua").status_code == 403  # readers do not correct
    for url in (f"/documents/{doc}/ocr/{att}", f"/documents/{doc}/ocr/{att}/sua",
                f"/documents/{doc}/attachments/{att}/ban-tim-kiem-duoc", f"/documents/{doc}/toan-van"):
        assert stranger.get(url, headers=HTMX).status_code == 404, url
    from tests.search.conftest import top_ids

    with app.app_context():
        from app.search import outbox

        outbox.sync(lock_timeout=30)
    assert top_ids(app, "congchuc.vp", '"số hóa hồ sơ"')[0] == [doc]
    assert top_ids(app, "bientap.tccb", '"số hóa hồ sơ"')[1].total == 0
