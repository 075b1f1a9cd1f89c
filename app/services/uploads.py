"""Uploaded files on disk: checked, extracted and stored under ``UPLOAD_DIR`` with generated names.

A file is first written to ``UPLOAD_DIR/tmp``; a refused file is deleted at once, an accepted
one is moved to its final place only when the caller commits (``StoredUpload.commit_file``),
and removed again if the database transaction fails (``discard``). A disk without space left
is a refusal like the others ("Hết dung lượng lưu trữ, báo quản trị viên."), logged at ERROR.
"""
from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import os
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from werkzeug.datastructures import FileStorage

from app import ingest, vntext
from app.clock import utcnow
from app.resilience import DISK_FULL_MESSAGE, is_disk_full

log = logging.getLogger(__name__)

PENDING_MAX_AGE_SECONDS = 24 * 3600
MAX_NAME_LENGTH = 200


@dataclass
class StoredUpload:
    """An accepted upload waiting in the temp area, with what was read from it."""

    temp_path: str
    original_name: str
    kind: str
    extension: str
    size: int
    sha256: str
    content_type: str
    text: str | None
    extracted: object | None = None  # ingest.ExtractedText for .docx
    final_name: str | None = None

    def commit_file(self) -> str:
        """Move the file to its permanent place and return its stored name (relative to UPLOAD_DIR)."""
        if self.final_name:
            return self.final_name
        sub = utcnow().strftime("%Y/%m")
        name = f"{sub}/{uuid.uuid4().hex}{self.extension}"
        target = os.path.join(upload_dir(), name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(self.temp_path, target)
        self.final_name = name
        return name

    def discard(self) -> None:
        """Remove the file wherever it is (after a refused or rolled-back save)."""
        for path in (self.temp_path, os.path.join(upload_dir(), self.final_name) if self.final_name else None):
            if path and os.path.exists(path):
                os.remove(path)


def upload_dir() -> str:
    """The folder of stored files (``UPLOAD_DIR``)."""
    return current_app.config["UPLOAD_DIR"]


@contextmanager
def refused_when_disk_full(what: str):
    """Turn a write that found no space left (ENOSPC, EDQUOT) into ``ingest.IngestError`` with
    the message for the user, logged at ERROR; other errors pass through. The caller removes
    what it had written."""
    try:
        yield
    except OSError as exc:
        if not is_disk_full(exc):
            raise
        log.error("storage full while writing %s: %s", what, exc)
        raise ingest.IngestError(DISK_FULL_MESSAGE, "disk_full") from None


def _temp_dir() -> str:
    path = os.path.join(upload_dir(), "tmp")
    os.makedirs(path, exist_ok=True)
    return path


def clean_name(name: str | None) -> str:
    """Return a display-safe original file name: no path, no control characters, not empty."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".") or "tep-dinh-kem"
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name


def _copy_to_temp(source, dest: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 50 * 1024 * 1024
    with open(dest, "wb") as out:
        while True:
            chunk = source.read(1024 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise ingest.IngestError(
                    f"Tệp vượt quá giới hạn {vntext.human_size(limit)}. Vui lòng nén hoặc chia nhỏ tệp rồi thử lại."
                )
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def accept_upload(file: FileStorage, allowed: tuple[str, ...] | None = None) -> StoredUpload:
    """Check and read an uploaded file; return it waiting in the temp area.

    Raises ``ingest.IngestError`` (Vietnamese message) for an empty, oversize, broken, hostile
    or disallowed file, and when the disk is full; nothing is left on disk then.
    """
    if file is None or not file.filename:
        raise ingest.IngestError("Chưa chọn tệp để tải lên.")
    original = clean_name(file.filename)
    extension = os.path.splitext(original)[1].lower()
    with refused_when_disk_full("an upload"):  # _temp_dir() may have to create the folder
        temp_path = os.path.join(_temp_dir(), uuid.uuid4().hex + extension)
    try:
        with refused_when_disk_full("an upload"):
            size, sha = _copy_to_temp(file.stream, temp_path)
        return _read(temp_path, original, size, sha, allowed)
    except BaseException:
        if os.path.exists(temp_path):
            os.remove(temp_path)
        raise


def accept_all(files, allowed: tuple[str, ...] | None = None) -> list[StoredUpload]:
    """Accept every chosen file of a multiple-file field, or none: a refused file discards those
    accepted before it, and its ``ingest.IngestError`` names it (``phu-luc.pdf: <reason>``)."""
    accepted = []
    for file in files or []:
        if not (file and file.filename):
            continue
        try:
            accepted.append(accept_upload(file, allowed))
        except ingest.IngestError as exc:
            for upload in accepted:
                upload.discard()
            raise ingest.IngestError(f"{clean_name(file.filename)}: {exc}", exc.code) from exc
    return accepted


def accept_path(path: str, original_name: str | None = None, allowed: tuple[str, ...] | None = None) -> StoredUpload:
    """Like ``accept_upload`` for a file on disk (imports); the source file is copied, not moved."""
    original = clean_name(original_name or os.path.basename(path))
    extension = os.path.splitext(original)[1].lower()
    with refused_when_disk_full("a file"):
        temp_path = os.path.join(_temp_dir(), uuid.uuid4().hex + extension)
    try:
        with open(path, "rb") as source, refused_when_disk_full("a file"):
            size, sha = _copy_to_temp(source, temp_path)
        return _read(temp_path, original, size, sha, allowed)
    except BaseException:
        if os.path.exists(temp_path):
            os.remove(temp_path)
        raise


def _read(temp_path, original, size, sha, allowed) -> StoredUpload:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 50 * 1024 * 1024
    check = ingest.check_upload(temp_path, original, max_bytes=limit, allowed=allowed)
    extracted = None
    text = None
    if check.kind == "docx":
        extracted = ingest.extract_docx(temp_path)
        text = extracted.text
    elif check.kind == "pdf":
        text = ingest.extract_pdf_text(temp_path)
    content_type = mimetypes.guess_type(original)[0] or "application/octet-stream"
    return StoredUpload(temp_path, original, check.kind, check.extension, size, sha, content_type, text, extracted)


# A .docx read to prefill a form: what it gives the form, and the file kept until the form is saved.

@dataclass
class Prefill:
    """What an uploaded .docx gives a form: ``replace`` sets fields whatever they hold, ``fill``
    fills the empty ones (field name → value); ``found`` names what was read, in Vietnamese."""

    replace: dict[str, object]
    fill: dict[str, object]
    found: list[str]


def _pending_dir() -> str:
    path = os.path.join(upload_dir(), "pending")
    os.makedirs(path, exist_ok=True)
    return path


def park_pending(stored: StoredUpload, user_id: int) -> str:
    """Keep an accepted upload for a form the user has not saved yet; return its token."""
    clean_old_pending()
    token = uuid.uuid4().hex
    target = os.path.join(_pending_dir(), token + stored.extension)
    os.replace(stored.temp_path, target)
    stored.temp_path = target
    meta = {"user_id": user_id, "original_name": stored.original_name, "extension": stored.extension}
    meta_path = os.path.join(_pending_dir(), token + ".json")
    try:
        with refused_when_disk_full("a parked upload"), open(meta_path, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, ensure_ascii=False)
    except BaseException:
        for path in (meta_path, target):
            if os.path.exists(path):
                os.remove(path)
        raise
    return token


def take_pending(token: str, user_id: int) -> StoredUpload | None:
    """Return the parked upload for ``token`` if it belongs to ``user_id``, else None."""
    if not token or not all(c in "0123456789abcdef" for c in token) or len(token) != 32:
        return None
    meta_path = os.path.join(_pending_dir(), token + ".json")
    try:
        with open(meta_path, encoding="utf-8") as fh:
            meta = json.load(fh)
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id:
        return None
    path = os.path.join(_pending_dir(), token + meta["extension"])
    if not os.path.exists(path):
        return None
    stored = accept_path(path, meta["original_name"])
    os.remove(path)
    os.remove(meta_path)
    return stored


def clean_old_pending() -> None:
    """Delete parked uploads and temp files older than a day."""
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    for folder in (_pending_dir(), _temp_dir()):
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            try:
                if os.path.getmtime(path) < cutoff:
                    os.remove(path)
            except OSError:
                pass


def absolute_path(stored_name: str) -> str:
    """Return the on-disk path of a stored file (never outside UPLOAD_DIR)."""
    base = os.path.realpath(upload_dir())
    path = os.path.realpath(os.path.join(base, stored_name))
    if not path.startswith(base + os.sep):
        raise ValueError("stored name escapes the upload folder")
    return path
