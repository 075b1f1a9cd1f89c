"""OCR of scanned attachments, the work: claim a job, recognise its file page by page outside any
transaction (progress and lease written after each page), then save the text in one transaction.

``run_one(worker)`` does one job; ``work_loop`` repeats it (``flask --app wsgi ocr worker``);
``start_background(app)`` runs that loop in a daemon thread of a web process (``PORTAL_OCR=background``,
the default). The thread is its own: it never holds the search index's lock (the text reaches the
index through the outbox after the commit, like any save) and the index's catch-up thread never
waits for it. Tesseract runs in child processes (``app.ingest.ocr``), so a page being recognised
costs this process a waiting thread, not the GIL.

At most ``OCR_SLOTS`` jobs (1 by default) run at once on a node, whatever the number of web
processes: a worker holds a lock file ``instance/ocr/slot-N.lock`` while it works.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import socket
import threading
import time

from flask import current_app

from app.clock import utcnow
from app.extensions import db
from app.ingest import IngestError
from app.ingest import ocr as engine
from app.models import OcrJob, OcrPageText
from app.models.ocr import DONE, RUNNING
from app.resilience import log_round_failure
from app.services import uploads
from app.services.library import documents as library
from app.services.library import ocr

log = logging.getLogger(__name__)

IDLE, WORKED, OFF = "idle", "worked", "off"


def worker_name() -> str:
    """``host:pid:thread``: who holds a claim (shown by ``flask ocr status``)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@contextlib.contextmanager
def slot():
    """Hold one of the node's ``OCR_SLOTS`` lock files for the block; yields False (and holds
    nothing) when they are all taken by other workers of this node."""
    folder = os.path.join(current_app.instance_path, "ocr")
    os.makedirs(folder, exist_ok=True)
    for number in range(max(1, int(current_app.config.get("OCR_SLOTS", 1)))):
        fh = open(os.path.join(folder, f"slot-{number}.lock"), "a+")  # noqa: SIM115 (held for the block)
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            continue
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()
        return
    yield False


class _Lost(Exception):
    """The job is no longer this worker's (reclaimed, or its attachment removed)."""


def run_one(worker: str | None = None) -> str:
    """Claim one job and do it; return ``worked``, ``idle`` (no job, or the node's slots are busy)
    or ``off`` (OCR off or not installed). Needs an app context. Never raises for a bad file: the
    job fails with its message; an unexpected error gives the job back for another attempt."""
    if not ocr.enabled():
        return OFF
    worker = worker or worker_name()
    with slot() as held:
        if not held:
            return IDLE
        job_id = ocr.claim(worker)
        if job_id is None:
            return IDLE
        try:
            _run(job_id, worker)
        except _Lost:
            log.warning("OCR job %s was taken over or removed while %s worked on it; its work is dropped",
                        job_id, worker)
            db.session.rollback()
        except IngestError as exc:
            db.session.rollback()
            log.info("OCR job %s failed: %s (%s)", job_id, exc, exc.code)
            ocr.fail(job_id, worker, exc)
            shutil.rmtree(ocr.work_folder(job_id), ignore_errors=True)
        except Exception:
            db.session.rollback()
            log.exception("OCR job %s stopped by an unexpected error; it will be tried again", job_id)
            ocr.release(job_id, worker)
        return WORKED


def _run(job_id: int, worker: str) -> None:
    job = db.session.get(OcrJob, job_id)
    attachment = job.attachment if job is not None else None
    if attachment is None:
        raise _Lost()
    source = uploads.absolute_path(attachment.stored_name)
    folder = ocr.work_folder(job_id)
    target = os.path.join(folder, "searchable.pdf")
    started = time.monotonic()
    db.session.commit()  # end the read transaction: none is held while pages are recognised

    def report(done: int, total: int) -> bool:
        if not ocr.progress(job_id, worker, done, total):
            raise _Lost()
        return True

    os.makedirs(folder, exist_ok=True)
    result = engine.ocr_file(source, limits=ocr.limits(), workdir=folder, searchable_pdf=target, progress=report)
    _save(job_id, worker, result, time.monotonic() - started)
    shutil.rmtree(folder, ignore_errors=True)


def _save(job_id: int, worker: str, result: engine.OcrResult, seconds: float) -> None:
    """Store every page, the attachment's text and its searchable copy, and finish the job, in one
    transaction that only commits while the job is still this worker's (the first statement marks
    it done only if it still is: a compare-and-set holding the row): nothing half-saved."""
    finished = db.session.execute(
        db.update(OcrJob).where(OcrJob.id == job_id, OcrJob.status == RUNNING, OcrJob.claimed_by == worker[:120])
        .values(status=DONE, finished_at=utcnow(), lease_until=None, pages_done=result.ocr_page_count,
                pages_total=result.ocr_page_count, seconds=round(seconds, 3), error_code=None,
                error="; ".join(result.notes)[:1000] or None),
        execution_options={"synchronize_session": False}).rowcount
    if finished != 1:
        raise _Lost()
    db.session.expire_all()  # read the attachment and its document as they are now
    job = db.session.get(OcrJob, job_id)
    attachment = job.attachment
    document = attachment.document
    moved = name = None
    try:
        if result.searchable_pdf and os.path.exists(result.searchable_pdf):
            name = f"{os.path.splitext(attachment.stored_name)[0]}-ocr.pdf"
            moved = uploads.absolute_path(name)
            os.replace(result.searchable_pdf, moved)
        for page in list(attachment.ocr_pages):
            attachment.ocr_pages.remove(page)
        db.session.flush()
        attachment.ocr_pages = [OcrPageText(number=p.number, source=p.source, text=p.text,
                                            confidence=p.confidence) for p in result.pages]
        attachment.text = result.text
        attachment.text_source = "ocr"
        attachment.searchable_name = name
        if document.deleted_at is None:
            library.refresh_citations("document", document.id, *library.citation_texts(document),
                                      own_number=document.number)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if moved and os.path.exists(moved):
            os.remove(moved)
        raise
    log.info("OCR job %s done: %d pages recognised of %d in %.1f s", job_id, result.ocr_page_count,
             result.page_count, seconds)


def work_loop(app, *, interval: float = 2.0, once: bool = False, stop: threading.Event | None = None) -> int:
    """Do jobs until ``stop`` is set (or, ``once``, until none is left); wait ``interval`` seconds
    when there is nothing to do, longer after a database outage. Returns how many jobs were done."""
    done, delay = 0, interval
    stop = stop or threading.Event()
    while not stop.is_set():
        with app.app_context():
            try:
                outcome = run_one()
                delay = interval
            except Exception as exc:  # noqa: BLE001  (the loop must survive a database restart)
                outcome = IDLE
                delay = min(60.0, delay * 2)
                log_round_failure(log, "OCR worker round", exc)
            finally:
                with contextlib.suppress(Exception):
                    db.session.remove()
        if outcome == WORKED:
            done += 1
            continue
        if once:
            return done
        stop.wait(delay if outcome == IDLE else max(delay, 60.0))
    return done


_start_lock = threading.Lock()
_started: set[int] = set()


def start_background(app) -> bool:
    """Start (once per process and app) the OCR thread of a web process when ``OCR_MODE`` is
    ``background``; return True if it runs. Without Tesseract it still runs, idle (a minute
    between looks), so installing the packages needs only a restart."""
    if app.config.get("OCR_MODE", "background") != "background":
        return False
    with _start_lock:
        if id(app) in _started:
            return True
        _started.add(id(app))
        thread = threading.Thread(target=work_loop, args=(app,),
                                  kwargs={"interval": float(app.config.get("OCR_POLL_SECONDS", 2.0))},
                                  name="ocr-worker", daemon=True)
        thread.start()
    return True
