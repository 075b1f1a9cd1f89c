"""OCR of scanned attachments, the rules: which uploads need it, the queue of jobs in the database
(claimed by one worker at a time across processes and nodes, with a lease), progress, failures, and
what the document page shows. The work itself is ``ocr_worker``; the text goes to the search index
through the outbox like any change of an attachment (``app.search.tracking``).

Who runs the jobs is ``OCR_MODE`` (``PORTAL_OCR``): ``background`` (default) a thread in each web
process, ``worker`` only ``flask --app wsgi ocr worker``, ``off`` no OCR at all (nothing is queued).
Without Tesseract nothing is queued either and the page says OCR is off (``status_message``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from app.clock import utcnow
from app.extensions import db
from app.ingest import IngestError
from app.ingest import ocr as engine
from app.models import Attachment, Document, OcrJob, OcrPageText
from app.models.ocr import DONE, FAILED, QUEUED, RUNNING
from app.services.uploads import StoredUpload

#: Extensions of the files OCR reads (the content is checked again by ``engine.plan_ocr``).
OCR_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
MODES = ("off", "background", "worker")
LABEL = "Văn bản nhận dạng tự động (OCR) — có thể có lỗi"
#: What a refused plan stops the upload for (hostile or unreadable files); any other refusal of the
#: plan (OCR off…) leaves the file attached without OCR.
REFUSING_CODES = {"encrypted", "corrupt", "too_many_pages", "page_too_large", "image_too_large"}
MSG_GAVE_UP = ("Nhận dạng chữ bị gián đoạn {n} lần (máy chủ khởi động lại hoặc hết bộ nhớ) nên đã dừng. "
               "Tệp gốc vẫn tải về được; báo quản trị viên nếu cần nhận dạng lại.")
MSG_FAILED = "Không nhận dạng được chữ của tệp: {reason}"


def mode() -> str:
    """The configured OCR mode: ``off``, ``background`` or ``worker``."""
    return current_app.config.get("OCR_MODE", "background")


def enabled() -> bool:
    """True when uploads get OCR jobs: the mode is not ``off`` and Tesseract with ``vie`` is installed."""
    return mode() != "off" and engine.ocr_available()


def status_message() -> str | None:
    """Why OCR is off on this node (Vietnamese, for the document page and admins), None when on."""
    if mode() == "off":
        return ("Nhận dạng chữ (OCR) đang tắt trên hệ thống (PORTAL_OCR=off): tệp quét được lưu "
                "nhưng chưa tìm kiếm được.")
    status = engine.ocr_status()
    return None if status.available else status.message


def limits() -> engine.OcrLimits:
    """The per-file limits from the configuration (``OCR_MAX_PAGES``, ``OCR_MAX_SECONDS``, ``OCR_PAGE_SECONDS``)."""
    config = current_app.config
    return engine.OcrLimits(max_pages=int(config.get("OCR_MAX_PAGES", 200)),
                            max_seconds=float(config.get("OCR_MAX_SECONDS", 1800)),
                            page_seconds=float(config.get("OCR_PAGE_SECONDS", 180)))


def lease_seconds() -> float:
    """How long a claim holds without news from its worker: a page's limit and two minutes."""
    return float(current_app.config.get("OCR_LEASE_SECONDS") or limits().page_seconds + 120)


def max_attempts() -> int:
    """How many times a job is started before it is given up (a worker killed each time)."""
    return int(current_app.config.get("OCR_MAX_ATTEMPTS", 3))


def plan_for_upload(upload: StoredUpload) -> engine.OcrPlan | None:
    """Return the OCR plan of an accepted upload still in the temp area when some of its pages need
    OCR (a PDF page without a text layer, or any PNG/JPEG/TIFF image), else None: not such a file,
    every page has text, or OCR is off / not installed. Quick (``pdfinfo``, ``pdftotext``, an image
    header), never recognises anything.

    Raises :class:`IngestError` with its Vietnamese message for a file OCR must refuse (encrypted,
    corrupt, more pages than the limits, a page or image too large to render): the caller refuses
    the upload, nothing is saved."""
    if upload.extension not in OCR_EXTENSIONS or not enabled():
        return None
    try:
        plan = engine.plan_ocr(upload.temp_path, limits())
    except IngestError as exc:
        if exc.code in REFUSING_CODES:
            raise
        return None  # ocr_off, not_supported (an image Pillow cannot read is not a scan)
    return plan if plan.needs_ocr else None


def queue(attachment: Attachment, plan: engine.OcrPlan) -> OcrJob:
    """Add a queued job for ``attachment`` to the session (committed with the attachment) and return it."""
    job = OcrJob(status=QUEUED, pages_total=len(plan.ocr_pages), pages_done=0, attempts=0, queued_at=utcnow())
    attachment.ocr_job = job
    return job


# ------------------------------------------------------------------------------------------------
# Claiming and progress (each commits: a claim or a page's progress is its own short transaction)
# ------------------------------------------------------------------------------------------------


def _ready(now: datetime):
    """A job a worker may take: queued, or running with its lease passed (its worker died)."""
    return db.or_(OcrJob.status == QUEUED, db.and_(OcrJob.status == RUNNING, OcrJob.lease_until < now))


def claim(worker: str) -> int | None:
    """Take the oldest job that is queued or whose worker died (lease passed) for ``worker``; return
    its id, or None when there is none. One worker gets a job, whatever the processes and nodes:
    PostgreSQL hands the row to one transaction (``FOR UPDATE SKIP LOCKED``: others skip it), and
    the UPDATE only succeeds while the job is still takeable (compare-and-set, SQLite's way). Counts
    the attempt. A dead worker's job already started ``OCR_MAX_ATTEMPTS`` times is failed instead,
    with its message. Commits."""
    now = utcnow()
    _give_up_exhausted(now)
    candidates = db.select(OcrJob.id).where(_ready(now)).order_by(OcrJob.id).limit(1)
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    for _ in range(5):
        job_id = db.session.scalar(candidates)
        if job_id is None:
            db.session.commit()
            return None
        taken = db.session.execute(
            db.update(OcrJob).where(OcrJob.id == job_id, _ready(now)).values(
                status=RUNNING, claimed_by=worker[:120], lease_until=now + timedelta(seconds=lease_seconds()),
                heartbeat_at=now, attempts=OcrJob.attempts + 1, error=None, error_code=None,
                started_at=db.func.coalesce(OcrJob.started_at, now)),
            execution_options={"synchronize_session": False}).rowcount
        db.session.commit()
        if taken == 1:
            return job_id
    return None


def _give_up_exhausted(now: datetime) -> None:
    limit = max_attempts()
    db.session.execute(
        db.update(OcrJob).where(OcrJob.status == RUNNING, OcrJob.lease_until < now, OcrJob.attempts >= limit)
        .values(status=FAILED, error=MSG_GAVE_UP.format(n=limit), error_code="gave_up", finished_at=now,
                lease_until=None, claimed_by=None),
        execution_options={"synchronize_session": False})


def progress(job_id: int, worker: str, done: int, total: int) -> bool:
    """Record that ``done`` of ``total`` pages are recognised and extend the lease; return False
    when the job is no longer this worker's (reclaimed after its lease passed, or its attachment
    removed): the worker then stops. Commits."""
    now = utcnow()
    changed = db.session.execute(
        db.update(OcrJob).where(OcrJob.id == job_id, OcrJob.claimed_by == worker[:120], OcrJob.status == RUNNING)
        .values(pages_done=done, pages_total=total, heartbeat_at=now,
                lease_until=now + timedelta(seconds=lease_seconds())),
        execution_options={"synchronize_session": False}).rowcount
    db.session.commit()
    return changed == 1


def fail(job_id: int, worker: str, error: IngestError) -> bool:
    """Mark the job failed with the refusal's Vietnamese message; return False if it was no longer
    this worker's. Nothing of the file's text is kept (the attachment stays as uploaded). Commits."""
    changed = db.session.execute(
        db.update(OcrJob).where(OcrJob.id == job_id, OcrJob.claimed_by == worker[:120], OcrJob.status == RUNNING)
        .values(status=FAILED, error=MSG_FAILED.format(reason=str(error))[:1000], error_code=error.code[:30],
                finished_at=utcnow(), lease_until=None),
        execution_options={"synchronize_session": False}).rowcount
    db.session.commit()
    return changed == 1


def release(job_id: int, worker: str) -> None:
    """Give the job back after an unexpected error (the next claim retries it), or fail it when it
    was started ``OCR_MAX_ATTEMPTS`` times. Commits."""
    limit = max_attempts()
    mine = (OcrJob.id == job_id, OcrJob.claimed_by == worker[:120], OcrJob.status == RUNNING)
    db.session.execute(db.update(OcrJob).where(*mine, OcrJob.attempts >= limit).values(
        status=FAILED, error=MSG_GAVE_UP.format(n=limit), error_code="gave_up", finished_at=utcnow(),
        lease_until=None), execution_options={"synchronize_session": False})
    db.session.execute(db.update(OcrJob).where(*mine).values(status=QUEUED, lease_until=None, claimed_by=None),
                       execution_options={"synchronize_session": False})
    db.session.commit()


def requeue(attachment: Attachment) -> OcrJob:
    """Queue a failed or finished attachment again (admins, ``flask ocr retry``); return the job. Commits."""
    job = attachment.ocr_job or OcrJob(attachment_id=attachment.id)
    job.status, job.attempts, job.pages_done, job.error, job.error_code = QUEUED, 0, 0, None, None
    job.claimed_by = job.lease_until = job.finished_at = job.started_at = None
    job.queued_at = utcnow()
    attachment.ocr_job = job
    db.session.commit()
    return job


def counts() -> dict[str, int]:
    """How many jobs are in each state (``flask ocr status``, the system page)."""
    rows = db.session.execute(db.select(OcrJob.status, db.func.count()).group_by(OcrJob.status)).all()
    found = {status: 0 for status in (QUEUED, RUNNING, DONE, FAILED)}
    found.update({status: count for status, count in rows})
    return found


# ------------------------------------------------------------------------------------------------
# What the document page shows
# ------------------------------------------------------------------------------------------------


@dataclass
class AttachmentOcr:
    """One attachment's OCR as the page shows it: its job (None for a file that needed none) and,
    when done, its pages in order."""

    attachment: Attachment
    job: OcrJob | None
    pages: list[OcrPageText]

    @property
    def active(self) -> bool:
        """True while the job waits or runs: the page polls."""
        return self.job is not None and self.job.active

    @property
    def label(self) -> str:
        """``Đang nhận dạng chữ, 3/12 trang`` or ``Đang chờ nhận dạng chữ (12 trang)``."""
        job = self.job
        if job is None:
            return ""
        if job.status == RUNNING:
            return f"Đang nhận dạng chữ, {engine.page_label(job.pages_done, job.pages_total)}"
        if job.status == QUEUED:
            return f"Đang chờ nhận dạng chữ ({engine.page_label(0, job.pages_total)})"
        return ""

    @property
    def corrected(self) -> bool:
        return any(page.corrected is not None for page in self.pages)


def for_document(document: Document) -> list[AttachmentOcr]:
    """The OCR of each of the document's attachments that has a job or recognised pages, in the
    attachments' order (two queries whatever the number of files). The caller checked the reader."""
    ids = [a.id for a in document.attachments]
    if not ids:
        return []
    jobs = {job.attachment_id: job for job in db.session.scalars(
        db.select(OcrJob).where(OcrJob.attachment_id.in_(ids)))}
    pages: dict[int, list[OcrPageText]] = {}
    with_pages = [a.id for a in document.attachments if a.text_source == "ocr"]
    if with_pages:
        for page in db.session.scalars(db.select(OcrPageText).where(OcrPageText.attachment_id.in_(with_pages))
                                       .order_by(OcrPageText.attachment_id, OcrPageText.number)):
            pages.setdefault(page.attachment_id, []).append(page)
    return [AttachmentOcr(a, jobs.get(a.id), pages.get(a.id, [])) for a in document.attachments
            if a.id in jobs or a.id in pages]


def for_attachment(attachment: Attachment) -> AttachmentOcr:
    """The OCR of one attachment (see ``for_document``)."""
    pages = list(db.session.scalars(db.select(OcrPageText).where(OcrPageText.attachment_id == attachment.id)
                                    .order_by(OcrPageText.number))) if attachment.text_source == "ocr" else []
    job = db.session.scalar(db.select(OcrJob).where(OcrJob.attachment_id == attachment.id))
    return AttachmentOcr(attachment, job, pages)


def work_folder(job_id: int) -> str:
    """The folder a job keeps its finished pages in between runs (under the instance folder)."""
    return os.path.join(current_app.instance_path, "ocr", f"job-{job_id}")
