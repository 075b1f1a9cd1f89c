"""Who may open an evidence file (*tệp minh chứng*) of a progress update.

Progress is read by every member of staff, and so is its evidence, with one exception: **an
evidence file inherits the strictest visibility of the library documents it came from**. A file
came from a document when it is the same file as one of the document's attachments (same
SHA-256), or when its official header carries the document's number (``Số: 15/BC-VPC``, any
written form). Such a file is opened only by users who may read every one of those documents
(admins, their units, their creators), and by whoever posted it (they had the file already).
The rule is checked when the file is shown, downloaded or indexed, against the documents as they
are then: a document restricted later takes its evidence with it, a deleted one stays as
restricted as it was.

Search never holds the text of a restricted evidence file: the update's index record carries only
the text of evidence open to all staff, and is re-indexed when a document it may have come from
changes (``updates_to_reindex``).
"""
from __future__ import annotations

from collections.abc import Iterable

from app import vntext
from app.extensions import db
from app.ingest import parse_official_header
from app.models import VISIBILITY_ALL, Attachment, Document, ProgressAttachment, ProgressUpdate, User
from app.services import visibility

HEADER_LINES = 60          # an official header is within the first lines of the extracted text
_NUMBER_KEYS: dict[str, str | None] = {}   # sha256 of a file → number key read from its header
_CACHE_LIMIT = 50_000


def header_number_key(sha256: str, text: str | None) -> str | None:
    """Return the number key of the official header at the start of ``text`` (None when there is
    none). The file's content decides, so the answer is kept per SHA-256 for the process's life."""
    if sha256 in _NUMBER_KEYS:
        return _NUMBER_KEYS[sha256]
    key = None
    if text:
        number = parse_official_header(text.splitlines()[:HEADER_LINES]).number
        key = vntext.number_key(number) if number else None
    if len(_NUMBER_KEYS) >= _CACHE_LIMIT:
        _NUMBER_KEYS.clear()
    _NUMBER_KEYS[sha256] = key
    return key


def source_documents(files: Iterable[ProgressAttachment]) -> dict[int, list[Document]]:
    """Return, for each evidence file (by id), the library documents it came from (deleted ones
    too): those with an attachment of the same SHA-256 and those whose number its header carries.
    Two queries whatever the number of files."""
    files = list(files)
    keys = {f.id: header_number_key(f.sha256, f.text) for f in files}
    by_sha: dict[str, set[int]] = {}
    by_key: dict[str, set[int]] = {}
    shas = {f.sha256 for f in files}
    if shas:
        for sha, doc_id in db.session.execute(
                db.select(Attachment.sha256, Attachment.document_id).where(Attachment.sha256.in_(shas))):
            by_sha.setdefault(sha, set()).add(doc_id)
    wanted_keys = {k for k in keys.values() if k}
    if wanted_keys:
        for key, doc_id in db.session.execute(
                db.select(Document.number_key, Document.id).where(Document.number_key.in_(wanted_keys))):
            by_key.setdefault(key, set()).add(doc_id)
    ids = set().union(*by_sha.values(), *by_key.values())
    documents = {d.id: d for d in db.session.scalars(db.select(Document).where(Document.id.in_(ids)))} if ids else {}
    result = {}
    for f in files:
        doc_ids = by_sha.get(f.sha256, set()) | (by_key.get(keys[f.id], set()) if keys[f.id] else set())
        result[f.id] = sorted((documents[i] for i in doc_ids if i in documents), key=lambda d: d.id)
    return result


def is_open_to_all(sources: list[Document]) -> bool:
    """True when evidence that came from ``sources`` is for all staff (it came from none, or only
    from documents for all staff)."""
    return all(d.visibility == VISIBILITY_ALL for d in sources)


def can_open(user: User, update: ProgressUpdate, sources: list[Document]) -> bool:
    """True when ``user`` may open an evidence file of ``update`` that came from ``sources``:
    any member of staff for a file open to all, else its poster, admins and whoever may read
    every one of the documents."""
    if not user.is_authenticated:
        return False
    if is_open_to_all(sources) or visibility.can_see_everything(user) or update.created_by_id == user.id:
        return True
    return all(visibility.may_read_content(user, d) for d in sources)


def visible_files(user: User, updates: Iterable[ProgressUpdate]) -> dict[int, list[ProgressAttachment]]:
    """Return, for each update (by id), the evidence files ``user`` may open, in their order."""
    updates = list(updates)
    sources = source_documents(f for u in updates for f in u.attachments)
    return {u.id: [f for f in u.attachments if can_open(user, u, sources[f.id])] for u in updates}


def openable_file_or_none(user: User, update_id: int, file_id: int) -> ProgressAttachment | None:
    """Return the evidence file when it belongs to that update and ``user`` may open it, else None."""
    file = db.session.get(ProgressAttachment, file_id)
    if file is None or file.update_id != update_id:
        return None
    return file if can_open(user, file.update, source_documents([file])[file.id]) else None


def public_files(update: ProgressUpdate) -> list[ProgressAttachment]:
    """The update's evidence files that are for all staff (what search may hold)."""
    sources = source_documents(update.attachments)
    return [f for f in update.attachments if is_open_to_all(sources[f.id])]


def updates_to_reindex(shas: set[str], number_keys: set[str]) -> set[int]:
    """Return the ids of the progress updates with an evidence file that is one of the files
    ``shas`` or whose header carries one of ``number_keys``: the evidence of documents with those
    files and numbers, whose index records must be written again when the documents change
    (visibility, units, number, files, deletion)."""
    number_keys = {k for k in number_keys if k}
    if not shas and not number_keys:
        return set()
    rows = db.session.execute(db.select(ProgressAttachment.id, ProgressAttachment.update_id,
                                        ProgressAttachment.sha256)).all()
    unread = [row.id for row in rows if row.sha256 not in shas and row.sha256 not in _NUMBER_KEYS]
    texts = dict(db.session.execute(db.select(ProgressAttachment.id, ProgressAttachment.text)
                                    .where(ProgressAttachment.id.in_(unread)))) if unread and number_keys else {}
    found = set()
    for row in rows:
        if row.sha256 in shas:
            found.add(row.update_id)
        elif number_keys and (row.sha256 in _NUMBER_KEYS or row.id in texts) \
                and header_number_key(row.sha256, texts.get(row.id)) in number_keys:
            found.add(row.update_id)
    return found
