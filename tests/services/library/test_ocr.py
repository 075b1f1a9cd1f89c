"""OCR jobs of scanned attachments (app/services/library/ocr.py, ocr_worker.py) against the real
Tesseract: queued on upload only for scans, claimed once across processes, resumed after a crash,
failures with their message, the text searchable and its citations linked, hostile files refused.

Scans are small generated strips (tests/scans.py): each page costs about a second to recognise.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from pypdf import PdfReader, PdfWriter

from app import vntext
from app.clock import utcnow
from app.extensions import db
from app.ingest import IngestError
from app.models import Attachment, Citation, Document, OcrJob, OcrPageText, User
from app.services import uploads
from app.services.library import documents as library
from app.services.library import ocr, ocr_worker
from tests.scans import DECISION, SECOND, image_pdf, render_page, text_pdf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SMALL = (6.6, 2.6)


def scan(text: str):
    return render_page(text, size_in=SMALL, margin_in=0.3, point=12)


def scanned_pdf(tmp_path, name="quyet-dinh-scan.pdf", pages=(DECISION,)) -> str:
    path = tmp_path / name
    path.write_bytes(image_pdf([scan(text) for text in pages]))
    return str(path)


@pytest.fixture
def editor(make_user):
    return make_user("bientap", roles=["editor"])


def attach(app, document_id, path, user_id, name=None):
    """Attach a file through the service as the upload form does; returns the attachment id."""
    with app.test_request_context():
        user = db.session.get(User, user_id)
        document = db.session.get(Document, document_id)
        return library.add_attachment(document, uploads.accept_path(path, name), user).id


def work(app, worker="test-worker") -> str:
    with app.app_context():
        outcome = ocr_worker.run_one(worker)
        db.session.remove()
        return outcome


def job_of(app, attachment_id) -> OcrJob | None:
    with app.app_context():
        job = db.session.scalar(db.select(OcrJob).where(OcrJob.attachment_id == attachment_id))
        if job is not None:
            db.session.expunge(job)
        return job


def test_scan_queued_on_upload_text_pdf_and_other_files_not(app, tmp_path, make_document, editor):
    doc = make_document(number="15/QĐ-UBND", title="Quyết định số hóa hồ sơ")
    scanned = attach(app, doc, scanned_pdf(tmp_path, pages=(DECISION, SECOND)), editor)
    text_path = tmp_path / "co-chu.pdf"
    text_path.write_bytes(text_pdf(["Bao cao ket qua thuc hien ke hoach nam 2025", "Trang nay co lop chu san"]))
    with_text = attach(app, doc, str(text_path), editor)
    sheet = tmp_path / "bang.csv"
    sheet.write_text("a,b\n1,2\n")
    other = attach(app, doc, str(sheet), editor)

    job = job_of(app, scanned)
    assert (job.status, job.pages_total, job.pages_done, job.attempts) == ("queued", 2, 0, 0)
    assert job_of(app, with_text) is None and job_of(app, other) is None
    with app.app_context():
        label = ocr.for_attachment(db.session.get(Attachment, scanned)).label
    assert label == "Đang chờ nhận dạng chữ (0/2 trang)"


def test_recognised_text_searchable_by_phrase_and_number_and_its_citation_linked(app, tmp_path, make_document,
                                                                                  make_user, editor):
    from app.search import outbox
    from tests.search.conftest import top_ids

    make_user("lan", roles=["reader"], unit="TCCB")
    decree = make_document(number="107/2021/NĐ-CP", title="Nghị định về dịch vụ công trực tuyến")
    doc = make_document(number="15/QĐ-UBND", doc_type="Quyết định", title="Quyết định ban hành kế hoạch")
    att = attach(app, doc, scanned_pdf(tmp_path, pages=(DECISION, SECOND)), editor)

    assert work(app) == ocr_worker.WORKED
    job = job_of(app, att)
    assert (job.status, job.pages_done, job.pages_total, job.attempts, job.error) == ("done", 2, 2, 1, None)
    with app.app_context():
        attachment = db.session.get(Attachment, att)
        pages = [(p.number, p.source) for p in attachment.ocr_pages]
        assert pages == [(1, "ocr"), (2, "ocr")]
        assert "số hóa hồ sơ" in attachment.text and "trực tuyến" in attachment.text
        assert attachment.text_source == "ocr" and attachment.searchable_name.endswith("-ocr.pdf")
        searchable = uploads.absolute_path(attachment.searchable_name)
        assert "hồ sơ" in "".join(page.extract_text() for page in PdfReader(searchable).pages)
        keys = set(db.session.scalars(db.select(Citation.number_key).where(Citation.source_kind == "document",
                                                                          Citation.source_id == doc)))
        assert vntext.number_key("107/2021/NĐ-CP") in keys
        target = db.session.get(Document, decree)
        citing = library.citing_documents(target, db.session.get(User, editor))
        assert [d.id for d in citing] == [doc]
        outbox.sync(lock_timeout=30)
    assert top_ids(app, "lan", '"số hóa hồ sơ"')[0] == [doc]
    assert top_ids(app, "lan", '"so hoa ho so"')[0] == [doc]
    assert top_ids(app, "lan", "nộp hồ sơ trực tuyến")[0][:1] == [doc]
    assert doc in top_ids(app, "lan", "15/QĐ-UBND")[0]
    # A number only the scan holds finds it too, after the document that number names.
    assert top_ids(app, "lan", "107/2021/NĐ-CP")[0][:2] == [decree, doc]
    # Nothing left to do: the next round is idle, the work folder is gone.
    assert work(app) == ocr_worker.IDLE
    with app.app_context():
        assert not os.path.exists(ocr.work_folder(job.id))


def test_job_of_a_killed_worker_is_resumed_without_duplicate_text(app, tmp_path, make_document, editor):
    from app.ingest import ocr as engine

    doc = make_document(title="Quyết định hai trang")
    att = attach(app, doc, scanned_pdf(tmp_path, pages=(DECISION, SECOND)), editor)
    with app.app_context():
        # A worker claims the job, recognises the first page into the job's work folder, then dies.
        job_id = ocr.claim("dead-worker")
        path = uploads.absolute_path(db.session.get(Attachment, att).stored_name)
        with engine.OcrJob(path, workdir=ocr.work_folder(job_id), limits=ocr.limits(),
                           searchable_pdf=os.path.join(ocr.work_folder(job_id), "searchable.pdf")) as job:
            first = next(iter(job))
        assert ocr.progress(job_id, "dead-worker", 1, 2)
        assert work(app, "live-worker") == ocr_worker.IDLE  # its lease still runs: nobody takes it
        db.session.execute(db.update(OcrJob).values(lease_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert work(app, "live-worker") == ocr_worker.WORKED
    job = job_of(app, att)
    assert (job.status, job.attempts, job.claimed_by) == ("done", 2, "live-worker")
    with app.app_context():
        pages = db.session.scalars(db.select(OcrPageText).where(OcrPageText.attachment_id == att)).all()
        assert [p.number for p in pages] == [1, 2]
        assert pages[0].text == first.text
        text = db.session.get(Attachment, att).text
        assert text.count("QUYẾT ĐỊNH") == 1 and text.count("trực tuyến") == 1
        # The dead worker, back, cannot overwrite anything: the job is no longer its own.
        assert not ocr.progress(job_id, "dead-worker", 2, 2)


def test_worker_killed_every_time_gives_up_with_a_message(app, tmp_path, make_document, editor):
    doc = make_document(title="Tệp làm sập máy")
    att = attach(app, doc, scanned_pdf(tmp_path), editor)
    with app.app_context():
        for round_no in range(3):
            assert ocr.claim(f"worker-{round_no}") is not None
            db.session.execute(db.update(OcrJob).values(lease_until=utcnow() - timedelta(seconds=1)))
            db.session.commit()
        assert ocr.claim("worker-4") is None
    job = job_of(app, att)
    assert (job.status, job.attempts, job.error_code) == ("failed", 3, "gave_up")
    assert job.error.startswith("Nhận dạng chữ bị gián đoạn 3 lần")


def test_limit_reached_in_the_worker_fails_with_its_message_nothing_half_saved(app, tmp_path, make_document, editor):
    doc = make_document(title="Quyết định quét")
    att = attach(app, doc, scanned_pdf(tmp_path, pages=(DECISION, SECOND)), editor)
    app.config["OCR_MAX_PAGES"] = 1  # lowered after the upload: the worker stops at the limit
    assert work(app) == ocr_worker.WORKED
    job = job_of(app, att)
    assert (job.status, job.error_code) == ("failed", "too_many_pages")
    assert job.error.startswith("Không nhận dạng được chữ của tệp: Tệp có 2 trang")
    with app.app_context():
        attachment = db.session.get(Attachment, att)
        assert attachment.text_source is None and attachment.searchable_name is None
        assert attachment.ocr_pages == []
        assert not os.path.exists(ocr.work_folder(job.id))
        # The label of a failed job is empty: the page shows its message instead, and stops polling.
        assert ocr.for_attachment(attachment).label == "" and not ocr.for_attachment(attachment).active
    assert work(app) == ocr_worker.IDLE  # a failed job is not taken again


def test_file_damaged_on_disk_fails_with_its_message(app, tmp_path, make_document, editor):
    doc = make_document(title="Quyết định quét")
    att = attach(app, doc, scanned_pdf(tmp_path), editor)
    with app.app_context():
        path = uploads.absolute_path(db.session.get(Attachment, att).stored_name)
    with open(path, "r+b") as fh:
        fh.truncate(1200)
    assert work(app) == ocr_worker.WORKED
    job = job_of(app, att)
    assert job.status == "failed" and job.error_code == "corrupt"
    assert job.error.startswith("Không nhận dạng được chữ của tệp: ")


def _stored_files(app) -> list[str]:
    folder = app.config["UPLOAD_DIR"]
    return sorted(os.path.relpath(os.path.join(d, n), folder) for d, _, names in os.walk(folder) for n in names
                  if "/tmp/" not in os.path.join(d, n) and not os.path.relpath(d, folder).startswith("tmp"))


@pytest.mark.parametrize("hostile", ["encrypted", "too_many_pages", "corrupt"])
def test_hostile_files_refused_on_upload_with_their_message_nothing_saved(app, tmp_path, make_document, editor,
                                                                         hostile):
    doc = make_document(title="Văn bản nhận tệp độc hại")
    path = tmp_path / "doc.pdf"
    if hostile == "encrypted":
        writer = PdfWriter(clone_from=io.BytesIO(image_pdf([scan(DECISION)])))
        writer.encrypt("mat-khau")
        out = io.BytesIO()
        writer.write(out)
        path.write_bytes(out.getvalue())
    elif hostile == "too_many_pages":
        app.config["OCR_MAX_PAGES"] = 1
        path = scanned_pdf(tmp_path, pages=(DECISION, SECOND))
    else:
        path.write_bytes(image_pdf([scan(DECISION)])[:1500])
    with app.test_request_context():
        document = db.session.get(Document, doc)
        version = document.version
        with pytest.raises(IngestError) as info:
            library.add_attachment(document, uploads.accept_path(str(path)), db.session.get(User, editor))
        message = str(info.value)
        db.session.expire_all()
        assert db.session.get(Document, doc).version == version
        assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(OcrJob)) == 0
    assert message and message[0].isupper() and not message.isascii()
    if hostile == "too_many_pages":
        assert "trang" in message
    assert _stored_files(app) == []


CLAIMER = r"""
import sys
from app import create_app
from app.services.library import ocr
from app.extensions import db

app = create_app({"INSTANCE_PATH": sys.argv[1], "SQLALCHEMY_DATABASE_URI": sys.argv[2], "TESTING": True,
                  "SEARCH_BACKGROUND_SYNC": False, "OCR_MODE": "worker"})
with app.app_context():
    taken = []
    while True:
        job_id = ocr.claim(sys.argv[3])
        if job_id is None:
            break
        taken.append(job_id)
    print(",".join(map(str, taken)))
    db.engine.dispose()
"""


def test_two_processes_never_take_the_same_job(app, tmp_path, make_document, editor):
    """Two worker processes claim from one queue at once (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite:
    compare-and-set): every job is taken exactly once."""
    doc = make_document(title="Nhiều tệp quét")
    path = scanned_pdf(tmp_path)
    with app.test_request_context():
        document = db.session.get(Document, doc)
        user = db.session.get(User, editor)
        for number in range(40):
            library.add_attachment(document, uploads.accept_path(path, f"to-{number}.pdf"), user)
        expected = set(db.session.scalars(db.select(OcrJob.id)))
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        db.session.remove()
        db.engine.dispose()
    assert len(expected) == 40
    procs = [subprocess.Popen([sys.executable, "-c", CLAIMER, app.instance_path, url, f"proc-{n}"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    taken = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        taken.append([int(x) for x in out.strip().split(",") if x])
    assert sorted(taken[0] + taken[1]) == sorted(expected)  # each job once, none twice
    with app.app_context():
        holders = dict(db.session.execute(db.select(OcrJob.id, OcrJob.claimed_by)).all())
    assert all(holders[job_id] == "proc-1" for job_id in taken[0])
    assert all(holders[job_id] == "proc-2" for job_id in taken[1])


def test_ocr_off_attaches_without_a_job_and_says_why(app, tmp_path, make_document, editor):
    app.config["OCR_MODE"] = "off"
    doc = make_document(title="Quyết định quét khi tắt OCR")
    att = attach(app, doc, scanned_pdf(tmp_path), editor)
    assert job_of(app, att) is None
    with app.app_context():
        assert "PORTAL_OCR=off" in ocr.status_message()
        assert work(app) == ocr_worker.OFF
