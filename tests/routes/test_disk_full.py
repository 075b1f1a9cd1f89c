"""A full disk, as a user meets it: every upload path refuses with "Hết dung lượng lưu trữ, báo quản
trị viên.", keeps nothing (no half-written file, no database row) and logs an ERROR; a database
write that finds the disk full answers the same message with 507 and saves nothing."""
from __future__ import annotations

import builtins
import errno
import io
import logging
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from PIL import Image
from sqlalchemy import event

from app.extensions import db
from app.models import Article, Attachment, Document, ProgressUpdate, ReportVersion
from app.services import uploads
from app.services.news import images as news_images
from tests.conftest import PG_URL
from tests.helpers import files_under, logged_in, page_token

FULL = "Hết dung lượng lưu trữ, báo quản trị viên."


class DiskFills:
    """``open`` for a module: files opened for writing take part of what is written, then the
    disk is full (ENOSPC), after ``spare`` successful files."""

    def __init__(self, spare: int = 0):
        self.spare, self.failed_paths = spare, []

    def __call__(self, path, mode="r", *args, **kwargs):
        handle = builtins.open(path, mode, *args, **kwargs)
        if "w" not in mode:
            return handle
        if self.spare:
            self.spare -= 1
            return handle
        self.failed_paths.append(str(path))
        return _FillsUp(handle)


class _FillsUp:
    def __init__(self, handle):
        self.handle = handle

    def write(self, data):
        self.handle.write(data[: max(1, len(data) // 2)])
        self.handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


@pytest.fixture
def full_disk(monkeypatch):
    """Make the uploads service's writes fail for lack of space; returns the fake ``open``."""
    fills = DiskFills()
    monkeypatch.setattr(uploads, "open", fills, raising=False)
    return fills


def count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def assert_refused_and_logged(response, caplog, html_status=400):
    assert response.status_code == html_status
    assert FULL in response.get_data(as_text=True)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and "storage full" in r.getMessage()]
    assert errors and all(not r.exc_info for r in errors)


def test_library_attachment_on_a_full_disk(app, editor, full_disk, caplog):
    response = editor.post("/documents/new", data={
        "csrf_token": page_token(editor, "/documents/new"), "action": "save", "category": "reform",
        "doc_type": "Công văn", "title": "Công văn có tệp đính kèm", "status": "", "visibility": "all",
        "attachments": (io.BytesIO(b"%PDF-1.4 " + b"x" * 5000), "phu-luc.pdf")}, content_type="multipart/form-data")
    assert_refused_and_logged(response, caplog)
    html = response.get_data(as_text=True)
    assert "phu-luc.pdf: " + FULL in html and "Công văn có tệp đính kèm" in html  # the form keeps the input
    assert full_disk.failed_paths  # a half-written file existed …
    assert files_under(app.config["UPLOAD_DIR"]) == []  # … and is gone
    assert count(app, Document) == 0 and count(app, Attachment) == 0


def test_attachment_added_to_a_document_on_a_full_disk(app, editor, make_document, full_disk, caplog):
    document_id = make_document(title="Văn bản có sẵn")
    response = editor.post(f"/documents/{document_id}/attachments", data={
        "csrf_token": page_token(editor, f"/documents/{document_id}"),
        "file": (io.BytesIO(b"bang so lieu"), "so-lieu.txt")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert FULL in page
    assert files_under(app.config["UPLOAD_DIR"]) == [] and count(app, Attachment) == 0


def test_word_file_read_into_the_form_on_a_full_disk(app, editor, full_disk, caplog):
    response = editor.post("/documents/new", data={
        "csrf_token": page_token(editor, "/documents/new"), "action": "prefill", "category": "reform",
        "doc_type": "", "status": "", "visibility": "all",
        "source_file": (io.BytesIO(b"PK\x03\x04" + b"\x00" * 3000), "cong-van.docx")},
        content_type="multipart/form-data")
    assert_refused_and_logged(response, caplog)
    assert files_under(app.config["UPLOAD_DIR"]) == []


def test_unit_report_on_a_full_disk(app, world, full_disk, caplog):
    client = logged_in(app, "rep_vpc")
    url = f"/plans/reports/periods/{world.periods['q1']}/units/{world.units['VPC']}"
    response = client.post(url, data={
        "csrf_token": page_token(client, "/plans/"), "action": "submit", "version": "0",
        "file": (io.BytesIO(b"PK\x03\x04" + b"\x00" * 3000), "bao-cao-quy-1.docx")},
        content_type="multipart/form-data")
    assert_refused_and_logged(response, caplog)
    assert files_under(app.config["UPLOAD_DIR"]) == [] and count(app, ReportVersion) == 0


def test_progress_evidence_on_a_full_disk(app, world, full_disk, caplog):
    client = logged_in(app, "rep_vpc")
    data = {"csrf_token": page_token(client, f"/plans/tasks/{world.task}"), "status": "in_progress",
            "percent": "40", "done": "Đã rà soát văn bản", "figures": "37/52 văn bản",
            "attachments": [(io.BytesIO(b"so lieu"), "bang.txt")]}
    response = client.post(f"/plans/tasks/{world.task}/updates", data=data, content_type="multipart/form-data")
    assert_refused_and_logged(response, caplog)
    assert "Đã rà soát văn bản" in response.get_data(as_text=True)
    assert files_under(app.config["UPLOAD_DIR"]) == [] and count(app, ProgressUpdate) == 0


def test_news_cover_on_a_disk_that_fills_between_its_two_sizes(app, make_user, monkeypatch, caplog):
    make_user("tacgia", roles=("editor", "reader"), unit="VP")
    author = logged_in(app, "tacgia")
    fills = DiskFills(spare=1)  # the page-size picture is written, the list-size one no longer fits
    monkeypatch.setattr(news_images, "open", fills, raising=False)
    picture = io.BytesIO()
    Image.new("RGB", (1200, 800), (20, 90, 160)).save(picture, "PNG")
    response = author.post("/news/new", data={
        "csrf_token": page_token(author, "/"), "title": "Tin có ảnh bìa", "summary": "Tóm tắt.",
        "body": "Nội dung.", "cover": (io.BytesIO(picture.getvalue()), "bia.png")},
        content_type="multipart/form-data")
    assert_refused_and_logged(response, caplog)
    assert "Tin có ảnh bìa" in response.get_data(as_text=True)
    assert fills.failed_paths and files_under(app.config["UPLOAD_DIR"]) == []
    assert count(app, Article) == 0


@contextmanager
def database_full(app):
    """From now on the database has no room for new data: SQLite really hits its size limit
    (max_page_count = current size: SQLITE_FULL); on PostgreSQL the driver raises what the server
    sends when it cannot extend a file (SQLSTATE 53100, psycopg's DiskFull) on any INSERT."""
    with app.app_context():
        engine = db.engine
    if PG_URL:
        import psycopg

        def refuse(cursor, statement, parameters, context):
            if statement.lstrip().upper().startswith("INSERT"):
                raise psycopg.errors.DiskFull('could not extend file "base/16384/16590": No space left on device')

        event.listen(engine.dialect, "do_execute", refuse)
        event.listen(engine.dialect, "do_executemany", refuse)
        try:
            yield
        finally:
            event.remove(engine.dialect, "do_execute", refuse)
            event.remove(engine.dialect, "do_executemany", refuse)
        return

    def limit(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    engine.dispose()
    event.listen(engine, "connect", limit)
    try:
        yield
    finally:
        event.remove(engine, "connect", limit)
        engine.dispose()


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for _ in range(40):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_database_full_on_save_answers_507_and_keeps_no_file(app, editor, caplog):
    body = "Nội dung rất dài của văn bản về cải cách hành chính. " * 4000  # needs new database pages
    data = {"csrf_token": page_token(editor, "/documents/new"), "action": "save", "category": "reform",
            "doc_type": "Công văn", "title": "Công văn không còn chỗ lưu", "status": "", "visibility": "all",
            "body": body, "attachments": (io.BytesIO(_docx("Phụ lục kèm theo công văn.")), "phu-luc.docx")}
    with database_full(app):
        response = editor.post("/documents/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 507
    assert FULL in response.get_data(as_text=True) and "Lỗi 507" in response.get_data(as_text=True)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and "storage full" in r.getMessage()]
    assert errors and not errors[0].exc_info
    assert count(app, Document) == 0 and count(app, Attachment) == 0
    assert files_under(app.config["UPLOAD_DIR"]) == []  # the accepted attachment was removed again
    assert editor.get("/documents/").status_code == 200  # the session was rolled back: pages work

