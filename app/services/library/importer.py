"""Bulk imports into the library: JSON lines (the corpus format) and folders of Word files.

Idempotent: JSON lines on (number, issuer); Word files on number and issuer, then their text, then
their name in the folder (:func:`find_imported`). Importing the same document again updates it or
leaves it unchanged, never duplicates.
"""
from __future__ import annotations

import ctypes
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app import ingest, search, vntext
from app.extensions import db
from app.models import ANNEX_TYPE, DOCUMENT_TYPES, OTHER_TYPE, Attachment, Document, ReformField, Unit
from app.resilience import describe, discard_transaction, is_outage
from app.search import merge, outbox, upkeep
from app.services import uploads
from app.services.library import documents as library

log = logging.getLogger(__name__)

BATCH_SIZE = 200
# A batch that fails because the database went away is written again, after these pauses
# (seconds, ~2 minutes in all): a PostgreSQL restart or fail-over costs a wait, not failed lines.
OUTAGE_RETRY_DELAYS = (0.5, 1, 2, 4, 8, 15, 30, 30, 30)
REFUSED = "[tệp bị từ chối]"  # before the reason of a file the upload checks refused (counted in ImportReport.refused)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (line or file name, reason)
    refused: int = 0  # of the failures, files refused by the upload checks (hostile or broken)

    @property
    def failed(self) -> int:
        return len(self.failures)


class _Lookups:
    """Reform fields by name and units by code, loaded once per import."""

    def __init__(self):
        self.fields = {vntext.fold(vntext.nfc(f.name)).lower(): f.id
                       for f in db.session.scalars(db.select(ReformField))}
        self.units = {u.code: u.id for u in db.session.scalars(db.select(Unit))}

    def field_id(self, name: str) -> int:
        key = vntext.fold(vntext.nfc(name)).lower().strip()
        if key in self.fields:
            return self.fields[key]
        for known, field_id in self.fields.items():  # "Cải cách thể chế" style short names
            if key and (key in known or known in key):
                return field_id
        raise library.DocumentError(f"lĩnh vực không có trong danh mục: {name}")


def _date(value, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise library.DocumentError(f"{name} không hợp lệ: {value!r} (cần YYYY-MM-DD)") from None


def data_from_record(record: dict, lookups: _Lookups) -> library.DocumentData:
    """Turn one JSON-lines record into DocumentData; raises DocumentError with the reason."""
    if not isinstance(record, dict):
        raise library.DocumentError("mỗi dòng phải là một đối tượng JSON")
    doc_type = vntext.as_written(str(record.get("type") or "")).strip()
    if doc_type not in DOCUMENT_TYPES:
        raise library.DocumentError(f"loại văn bản không hợp lệ: {doc_type!r}")
    category = record.get("category") or DOCUMENT_TYPES[doc_type][0]
    visibility_value = str(record.get("visibility") or "all")
    unit_ids = []
    if visibility_value.startswith("unit:"):
        codes = [c.strip().upper() for c in visibility_value[5:].split(",") if c.strip()]
        missing = [c for c in codes if c not in lookups.units]
        if missing:
            raise library.DocumentError(f"đơn vị không tồn tại: {', '.join(missing)}")
        unit_ids = [lookups.units[c] for c in codes]
        visibility_value = "units"
    elif visibility_value != "all":
        raise library.DocumentError(f"phạm vi xem không hợp lệ: {visibility_value!r}")
    fields = record.get("fields") or []
    if not isinstance(fields, list):
        raise library.DocumentError("fields phải là một danh sách")
    return library.DocumentData(
        category=category, doc_type=doc_type, number=record.get("number"), title=str(record.get("title") or ""),
        summary=str(record.get("summary") or ""), issuer=str(record.get("issuer") or ""),
        signer=str(record.get("signer") or ""), signer_title=str(record.get("signer_title") or ""),
        issued_on=_date(record.get("issued_on"), "issued_on"),
        effective_on=_date(record.get("effective_on"), "effective_on"),
        expires_on=_date(record.get("expires_on"), "expires_on"),
        gazette_number=str(record.get("gazette_number") or ""),
        gazette_on=_date(record.get("gazette_on"), "gazette_on"),
        status=record.get("status"),
        field_ids=[lookups.field_id(str(name)) for name in fields], visibility=visibility_value,
        unit_ids=unit_ids, body=str(record.get("body") or ""),
    )


def _upsert(data: library.DocumentData, report: ImportReport, uploads_=()):
    """Create or update the document; return it when it changed, else None."""
    data = library.validate_for_import(data)
    existing = library.find_by_number(data.number, data.issuer) if data.number else None
    if existing is None:
        report.created += 1
        return library.create_document(data, None, uploads_, commit=False, validated=True)
    if library.differs(existing, data) or uploads_:
        report.updated += 1
        return library.update_document(existing, data, None, existing.version, uploads_, commit=False,
                                       validated=True)
    report.unchanged += 1
    return None


def _sync_index() -> None:
    """Apply whatever the import left queued for the index (the follower process did most of it),
    then merge the segments the import left if there are many (this is not a web process);
    if the index is busy or missing the changes stay queued for ``search sync`` / the background."""
    try:
        search.sync(lock_timeout=120)
        merge.merge_all(current_app.config["INDEX_DIR"])
    except Exception as exc:  # noqa: BLE001 - the outbox keeps them; the database is the truth
        log.warning("index sync after import deferred (the changes stay queued): %s", describe(exc))


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent(parent_pid: int) -> None:
    """In the child, right after the fork: ask Linux to send SIGTERM when the importing process
    dies (even by SIGKILL), so the child never outlives it holding a database connection and
    the index lock; then exit at once if the parent is already gone."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
                log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %s", ctypes.get_errno())
        except (OSError, AttributeError) as exc:
            log.warning("prctl(PR_SET_PDEATHSIG) unavailable: %s", exc)
    if os.getppid() != parent_pid:  # it died between the fork and the prctl
        os._exit(0)


def _follow_outbox(app, stop, parent_pid: int) -> None:
    """In a child process: keep applying the import's committed batches to the index; stop when
    told to, or when the importing process is gone (it also polls, for non-Linux systems)."""
    _die_with_parent(parent_pid)
    db.engine.dispose(close=False)  # never share the parent's connections
    # Indexing allocates millions of short-lived objects: collect less often, and never rescan
    # what the parent built before the fork.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)

    def one_batch() -> str:
        if os.getppid() != parent_pid:
            log.warning("importing process %s is gone: indexing child stops (changes stay queued)", parent_pid)
            return upkeep.STOP
        finished = stop.is_set()
        try:
            # the lock goes back after each batch, and people's changes are applied first
            applied = outbox.sync(lock_timeout=5.0, max_batches=1, batch_size=outbox.IMPORT_SYNC_BATCH)
        except Exception:  # noqa: BLE001 - whatever is left stays queued for the final sync
            applied = 0
        db.remove_session()  # never raises, even when the database just restarted
        if applied:
            gc.collect()  # what the batch left in reference cycles (thresholds are high, see above)
            return upkeep.APPLIED
        return upkeep.STOP if finished else "idle"

    with app.app_context():
        # 0.05 s after a batch lets a save waiting for the index writer take it between batches.
        upkeep.keep_up(one_batch, time.sleep, interval=0.2, busy_interval=0.05)


def _start_follower():
    """Start the indexing child process (the second core indexes while this one imports)."""
    if (multiprocessing.cpu_count() or 1) < 2:
        return None, None
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    process = context.Process(target=_follow_outbox, args=(current_app._get_current_object(), stop, os.getpid()),
                              daemon=True)
    process.start()
    return process, stop


def import_jsonl(lines: Iterable[str], progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import documents from JSON lines (streamed: one line in memory at a time); return the counts.

    Each bad line is reported with its number and reason; the others still go in. Commits every
    ``BATCH_SIZE`` documents (each change queued for the search index in the same transaction).
    A batch that fails because the database is unreachable (restart, lost connection) is written
    again whole, with pauses, for about two minutes; one that fails on its data is retried line
    by line. A child process applies the committed batches to the index meanwhile; the index is
    exactly up to date when this returns.
    """
    process, stop = _start_follower()
    try:
        with search.deferred(db.session):  # the follower applies the batches, not each commit
            report = _import_lines(lines, progress)
    finally:
        if process is not None:
            stop.set()
            process.join()  # until the follower has applied everything committed (it stops by itself)
            if process.exitcode:
                log.error("the import's indexing process failed (exit code %s): the final sync indexes "
                          "what it left, on one core", process.exitcode)
    _sync_index()
    return report


def _import_lines(lines, progress) -> ImportReport:
    report = ImportReport()
    if db.engine.dialect.name == "sqlite":
        # Copy the write-ahead log into the database file every ~40 MB instead of every ~4 MB:
        # each copy ends with an fsync, and an import writes a few MB per batch.
        db.session.execute(db.text("PRAGMA wal_autocheckpoint=10000"))
    lookups = _Lookups()
    batch: list[tuple[int, dict, library.DocumentData]] = []

    def flush():
        if not batch:
            return
        counts = (report.created, report.updated, report.unchanged)
        delays = iter(OUTAGE_RETRY_DELAYS)
        while True:
            try:
                _write_batch(batch, report)
                db.session.commit()
                break
            except Exception as exc:  # noqa: BLE001 - sorted out below
                discard_transaction()
                db.session.expunge_all()  # the retry loads the batch's documents afresh
                report.created, report.updated, report.unchanged = counts
                delay = next(delays, None) if is_outage(exc) else None
                if delay is None:  # a data error (or an outage that lasted too long): line by line
                    _write_lines_one_by_one(batch, lookups, report)
                    break
                log.warning("database unavailable while importing lines %s–%s, writing them again in %s s: %s",
                            batch[0][0], batch[-1][0], delay, describe(exc))
                time.sleep(delay)
        batch.clear()
        db.session.expunge_all()

    for line_no, line in enumerate(lines, start=1):
        if progress:
            progress(len(line.encode("utf-8")) if isinstance(line, str) else len(line))
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            data = library.validate_for_import(data_from_record(record, lookups))
        except json.JSONDecodeError as exc:
            report.failures.append((f"dòng {line_no}", f"JSON không hợp lệ ({exc.msg}, cột {exc.colno})"))
            continue
        except library.DocumentError as exc:
            report.failures.append((f"dòng {line_no}", str(exc)))
            continue
        batch.append((line_no, record, data))
        if len(batch) >= BATCH_SIZE:
            flush()
    flush()
    return report


def _write_lines_one_by_one(batch, lookups, report: ImportReport) -> None:
    """Write a batch whose bulk write failed line by line, so only the lines at fault fail."""
    for line_no, record, _data in batch:
        try:
            _upsert(data_from_record(record, lookups), report)
            db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported per line
            discard_transaction()
            report.failures.append((f"dòng {line_no}", str(exc)))


def _write_batch(batch, report: ImportReport) -> None:
    """Write one batch of validated lines: documents new to the library in one bulk insert,
    existing ones (same number and issuer) updated one by one. A line repeating a number new in
    this batch first writes the pending new documents, so it updates the one created before it."""
    keys = {vntext.number_key(data.number) for _, _, data in batch} - {None}
    existing: dict[tuple, int] = {}
    if keys:
        for doc_id, key, issuer in db.session.execute(
                db.select(Document.id, Document.number_key, Document.issuer)
                .where(Document.number_key.in_(keys), Document.deleted_at.is_(None)).order_by(Document.id)):
            existing.setdefault((key, vntext.nfc(issuer)), doc_id)  # the oldest, as find_by_number
    # The documents this batch updates, loaded in one go (with their links and attachments)
    # instead of one query per relationship per line; kept referenced so the session's
    # identity map (weak references) answers db.session.get() below.
    preloaded = list(db.session.scalars(
        db.select(Document).where(Document.id.in_(set(existing.values())))
        .options(selectinload(Document.attachments)))) if existing else []
    new: list[library.DocumentData] = []
    new_keys: list[tuple] = []
    pending: set[tuple] = set()

    def create_new():
        for key, doc_id in zip(new_keys, library.create_documents_bulk(new)):
            if key is not None:
                existing.setdefault(key, doc_id)
        report.created += len(new)
        new.clear()
        new_keys.clear()
        pending.clear()

    for _line_no, _record, data in batch:
        number_key = vntext.number_key(data.number)
        key = (number_key, vntext.nfc(data.issuer)) if number_key else None
        if key is not None and key in pending:
            create_new()  # the same number twice in a batch: the second line updates the first
        doc_id = existing.get(key) if key is not None else None
        if doc_id is None:
            new.append(data)
            new_keys.append(key)
            pending.add(key)
            continue
        document = db.session.get(Document, doc_id)
        if library.differs(document, data):
            report.updated += 1
            library.update_document(document, data, None, document.version, commit=False, validated=True)
        else:
            report.unchanged += 1
    create_new()
    del preloaded


def data_from_extracted(extracted: ingest.ExtractedText, file_name: str) -> library.DocumentData:
    """Build DocumentData from a read .docx as a clerk would file it; the import and the upload
    form's "Đọc tệp" both use it.

    Type, number, date, issuer and title come from the official header (:mod:`app.ingest.header`):
    an annex is a *Phụ lục* titled "Phụ lục II: <heading>" with its parent's number in
    ``parent_number`` and its parent's category; a form is titled by its own heading. A type the
    library does not keep becomes "Văn bản khác"; a title that cannot be read falls back to the
    first line of text that is not the motto, then to the file name. The text is the body.
    """
    meta = extracted.metadata
    doc_type = meta.doc_type if meta.doc_type in DOCUMENT_TYPES else OTHER_TYPE
    category = DOCUMENT_TYPES[doc_type][0]
    if doc_type == ANNEX_TYPE and meta.parent_type in DOCUMENT_TYPES:
        category = DOCUMENT_TYPES[meta.parent_type][0]
    first_line = next((line for line in extracted.body_lines if len(line) > 10 and not ingest.is_motto(line)), "")
    title = meta.title or first_line[:300] or os.path.splitext(file_name)[0]
    return library.DocumentData(
        category=category, doc_type=doc_type, number=meta.number, title=title[:1000],
        issuer=meta.issuer or "", issued_on=meta.issued_on, body=extracted.text,
        parent_number=meta.parent_number if doc_type == ANNEX_TYPE else None,
    )


def data_from_docx(stored: uploads.StoredUpload) -> library.DocumentData:
    """Build DocumentData from an accepted .docx (see :func:`data_from_extracted`)."""
    return data_from_extracted(stored.extracted, stored.original_name)


def docx_prefill(stored: uploads.StoredUpload) -> uploads.Prefill:
    """What an accepted .docx fills in the document form, read the way the folder import files it
    (``data_from_docx``): the type and its group when the header names one (or a heading gives it),
    whatever the form holds; the number, issuer, title, date, the document it is attached to
    ("Kèm theo văn bản số") and the text as body when the form has none of them."""
    meta = stored.extracted.metadata
    data = data_from_docx(stored)
    replace = {"doc_type": data.doc_type, "category": data.category} if meta.doc_type or meta.heading else {}
    fill = {name: value for name, value in (("number", data.number), ("issuer", data.issuer), ("title", meta.title),
                                            ("issued_on", data.issued_on), ("parent_number", data.parent_number),
                                            ("body", stored.text)) if value}
    found = [label for label, value in (("số ký hiệu", meta.number), ("loại", meta.doc_type),
                                        ("ngày ban hành", meta.issued_on), ("trích yếu", meta.title),
                                        ("cơ quan ban hành", meta.issuer),
                                        ("văn bản được kèm theo", meta.parent_number)) if value]
    return uploads.Prefill(replace, fill, found)


def _keep_editorial_choices(existing, data: library.DocumentData) -> None:
    """A re-imported file brings new text and header data; who may see the document and what
    editors set by hand (fields, status, signer, effective date, summary) stay as they are."""
    data.visibility = existing.visibility
    data.unit_ids = [u.id for u in existing.units]
    data.field_ids = [f.id for f in existing.fields]
    data.status = existing.status
    data.signer = existing.signer
    data.effective_on = existing.effective_on
    data.summary = existing.summary
    data.category = existing.category if data.doc_type == existing.doc_type else data.category


def content_hash(body: str) -> str:
    """SHA-256 of a document's text as the library stores it: the same text, the same hash."""
    return hashlib.sha256(vntext.as_written(body).strip().encode("utf-8")).hexdigest()


def source_key(path: str) -> str:
    """SHA-256 of a file's real path: the same name in the same folder, the same key."""
    return hashlib.sha256(os.path.realpath(path).encode("utf-8", "surrogateescape")).hexdigest()


def _with_file(sha256: str) -> Document | None:
    """The oldest live document holding a file with these bytes (documents imported before texts
    were hashed, or created from the same file through the form)."""
    return db.session.scalars(
        db.select(Document).join(Attachment, Attachment.document_id == Document.id)
        .where(Attachment.sha256 == sha256, Document.deleted_at.is_(None)).order_by(Document.id).limit(1)).first()


def find_imported(data: library.DocumentData, file_sha256: str, text_hash: str,
                  path_key: str) -> tuple[Document | None, bool]:
    """Return (the library document a Word file is, whether its content is unchanged), or (None, False)
    for a new one. Looked for in this order: the same number and issuer; the same text (or the
    very same file) under any number — an editor may have corrected what the header gave; the same
    file name in the same folder, unless that document carries another number (a file name reused
    for another document is a new document, never an overwrite)."""
    if data.number:
        found = library.find_by_number(data.number, data.issuer)
        if found is not None:
            same = found.content_hash == text_hash or any(a.sha256 == file_sha256 for a in found.attachments)
            return found, same
    found = db.session.scalars(
        db.select(Document).where(Document.content_hash == text_hash, Document.deleted_at.is_(None))
        .order_by(Document.id).limit(1)).first() or _with_file(file_sha256)
    if found is not None:
        return found, True
    found = db.session.scalars(
        db.select(Document).where(Document.source_key == path_key, Document.deleted_at.is_(None))
        .order_by(Document.id).limit(1)).first()
    if found is not None and (found.number_key is None or found.number_key == vntext.number_key(data.number)):
        return found, False
    return None, False


def _file_sha256(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None  # unreadable: the import reports it when it tries to read it


def _already_imported(path: str) -> Document | None:
    """The live document a file with exactly these bytes is attached to, if any."""
    sha256 = _file_sha256(path)
    return _with_file(sha256) if sha256 else None


def _remember_source(document: Document, text_hash: str, path_key: str, from_this_file: bool) -> None:
    """Record what the document was read from (no revision, no version: bookkeeping only). A document
    matched only by its text keeps the path it was first read from, so two copies of one file in a
    folder do not take it from each other on every run."""
    values = {"content_hash": text_hash}
    if from_this_file or document.source_key is None:
        values["source_key"] = path_key
    if all(getattr(document, key) == value for key, value in values.items()):
        return
    db.session.execute(db.update(Document).where(Document.id == document.id).values(**values)
                       .execution_options(synchronize_session=False))
    for key, value in values.items():
        set_committed_value(document, key, value)


@dataclass
class FileReading:
    """What reading one Word file of a folder gave, and what importing it does (or would do)."""

    name: str
    action: str = ""  # "Tạo mới", "Cập nhật", "Không đổi", "Lỗi"
    doc_type: str = ""
    number: str | None = None
    issued_on: date | None = None
    title: str = ""
    parent_number: str | None = None
    text_length: int = 0
    notes: int = 0
    seconds: float = 0.0  # reading the file: safety checks, text, header
    error: str | None = None


def _word_files(folder: str) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.lower().endswith((".docx", ".docm", ".doc")))


def _reading(name: str, data: library.DocumentData, extracted: ingest.ExtractedText, seconds: float,
             action: str) -> FileReading:
    return FileReading(name=name, action=action, doc_type=data.doc_type, number=data.number,
                       issued_on=data.issued_on, title=data.title, parent_number=data.parent_number,
                       text_length=len(data.body), notes=len(extracted.notes), seconds=seconds)


def import_docx_folder(folder: str, progress: Callable[[str], None] | None = None,
                       on_file: Callable[[FileReading], None] | None = None) -> ImportReport:
    """Import every .docx in ``folder`` (sorted by name), each attached to its document; return the counts.

    Idempotent for every file (:func:`find_imported`): the same content is "unchanged" (the file is
    not attached again; a file whose very bytes are already attached is not even read again); a
    changed file updates its document (new text and header data, the file
    attached, editors' choices kept); anything else is created. Hostile or broken files are
    reported by name with the reason; the others still go in. ``progress`` is called with each file
    name before it is read, ``on_file`` with its :class:`FileReading` once it is done.
    """
    report = ImportReport()
    with search.deferred(db.session):  # applied once, at the end
        _import_files(folder, report, progress, on_file)
    _sync_index()
    return report


def _import_files(folder: str, report: ImportReport, progress: Callable[[str], None] | None,
                  on_file: Callable[[FileReading], None] | None) -> None:
    for name in _word_files(folder):
        if progress:
            progress(name)
        path = os.path.join(folder, name)
        started = time.perf_counter()
        known = _already_imported(path)
        if known is not None:  # these very bytes are attached to a document: nothing to read again
            _remember_source(known, known.content_hash or content_hash(known.body), source_key(path),
                             from_this_file=False)
            db.session.commit()
            report.unchanged += 1
            if on_file:
                on_file(FileReading(name, "Không đổi", doc_type=known.doc_type, number=known.number,
                                    issued_on=known.issued_on, title=known.title, parent_number=known.parent_number,
                                    text_length=len(known.body), seconds=time.perf_counter() - started))
            continue
        try:
            stored = uploads.accept_path(path, name, allowed=("docx",))
        except ingest.IngestError as exc:
            report.failures.append((name, f"{REFUSED} {exc}"))
            report.refused += 1
            if on_file:
                on_file(FileReading(name, "Lỗi", error=str(exc)))
            continue
        seconds = time.perf_counter() - started
        try:
            data = data_from_docx(stored)
            text_hash, path_key = content_hash(data.body), source_key(path)
            existing, same = find_imported(data, stored.sha256, text_hash, path_key)
            if existing is not None and same:
                stored.discard()  # this content is already there
                report.unchanged += 1
                action, document = "Không đổi", existing
            elif existing is not None:
                _keep_editorial_choices(existing, data)
                data = library.validate_for_import(data)
                document = library.update_document(existing, data, None, existing.version, [stored], commit=False,
                                                   validated=True)
                report.updated += 1
                action = "Cập nhật"
            else:
                data = library.validate_for_import(data)
                document = library.create_document(data, None, [stored], commit=False, validated=True)
                report.created += 1
                action = "Tạo mới"
            _remember_source(document, text_hash, path_key, from_this_file=not same)
            db.session.commit()
            if on_file:
                on_file(_reading(name, data, stored.extracted, seconds, action))
        except library.DocumentError as exc:
            db.session.rollback()
            stored.discard()
            report.failures.append((name, str(exc)))
            if on_file:
                on_file(FileReading(name, "Lỗi", error=str(exc), seconds=seconds))


def read_docx_folder(folder: str) -> list[FileReading]:
    """Read every .docx in ``folder`` as the import would and say what importing it would do; write
    nothing (no file copied, nothing stored). A refused file gets action "Lỗi" and the reason."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 50 * 1024 * 1024
    readings = []
    for name in _word_files(folder):
        path = os.path.join(folder, name)
        started = time.perf_counter()
        try:
            extracted = ingest.extract_docx(path, max_bytes=limit)
        except ingest.IngestError as exc:
            readings.append(FileReading(name, "Lỗi", error=str(exc), seconds=time.perf_counter() - started))
            continue
        seconds = time.perf_counter() - started
        data = data_from_extracted(extracted, name).cleaned()
        existing, same = find_imported(data, _file_sha256(path) or "", content_hash(data.body), source_key(path))
        action = "Tạo mới" if existing is None else ("Không đổi" if same else "Cập nhật")
        readings.append(_reading(name, data, extracted, seconds, action))
    return readings
