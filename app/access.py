"""Who may read what: one set of rules for pages, downloads, the API, the services and search.

No Flask here (no request, no abort): callers pass the user; a route turns "None" into its 404.
The search index carries the same rules as access terms (``*_terms``): a record is found by a
user holding one of its terms, so the index and the pages cannot disagree.

- **Documents**: for all staff, or for their listed units, their creator and admins. A revision is
  read as it was then (its own visibility and units); a relation only by who may open both ends.
- **Unit reports**: their unit, whoever submitted a version of them, admins.
- **News**: everyone while published and live; the author and reviewers (admins, holders of the
  publish right) always.
- **Progress updates**: every member of staff.
- **Evidence files** (*tệp minh chứng*) of progress updates: every member of staff, with one
  exception: **a file inherits the strictest visibility of the library documents it came from**.
  A file came from a document when it is the same file as one of the document's attachments (same
  SHA-256), or when its official header carries the document's number (``Số: 15/BC-VPC``, any
  written form). Such a file is opened only by users who may read every one of those documents
  (admins, their units, their creators), and by whoever posted it (they had the file already).
  The rule is checked when the file is shown, downloaded or indexed, against the documents as they
  are then: a document restricted later takes its evidence with it, a deleted one stays as
  restricted as it was. Search never holds the text of a restricted evidence file: an update's
  record carries only the text of evidence open to all staff, and is re-indexed when a document it
  may have come from changes (``updates_to_reindex``, used by ``app.search.tracking``).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from app import clock, vntext
from app.extensions import db
from app.ingest import parse_official_header
from app.models import (
    PUBLISHER,
    VISIBILITY_ALL,
    Article,
    Attachment,
    Document,
    ProgressAttachment,
    ProgressUpdate,
    UnitReport,
    User,
    document_units,
)
from app.models.news import PUBLISHED

ALL_STAFF = "all"   # the access term of what every member of staff reads


def can_see_everything(user: User) -> bool:
    """Admins (the reform office) read every document, restricted or not, and every report."""
    return user.is_authenticated and user.is_admin


def user_terms(user: User) -> tuple[str, ...] | None:
    """The access terms ``user`` holds in the search index; None for an admin (everything)."""
    if can_see_everything(user):
        return None
    terms = [ALL_STAFF, f"user:{user.id}"]
    if user.unit_id is not None:
        terms.append(f"unit:{user.unit_id}")
    return tuple(terms)


# Documents

def document_clause(user: User, entity=Document):
    """Return a SQL condition selecting the live documents ``user`` may read (rows of ``entity``:
    ``Document`` or an alias of it, e.g. the other document of a relation).

    A document is readable when it is for all staff, when the user's unit is one of its
    listed units, when the user created it, or when the user is an admin.
    """
    live = entity.deleted_at.is_(None)
    if can_see_everything(user):
        return live
    allowed = [entity.visibility == VISIBILITY_ALL, entity.created_by_id == user.id]
    if user.unit_id is not None:
        allowed.append(
            entity.id.in_(db.select(document_units.c.document_id).where(document_units.c.unit_id == user.unit_id))
        )
    return db.and_(live, db.or_(*allowed))


def everyone_clause(entity=Document):
    """Return a SQL condition selecting the live documents every signed-in user may read (for all
    staff): what a record shared by everyone, such as a search index's status, may depend on."""
    return db.and_(entity.deleted_at.is_(None), entity.visibility == VISIBILITY_ALL)


def can_read_document(user: User, document: Document) -> bool:
    """True when ``user`` may read ``document`` (same rule as ``document_clause``)."""
    return document.deleted_at is None and may_read_content(user, document)


def may_read_content(user: User, document: Document) -> bool:
    """True when the visibility rule lets ``user`` read what ``document`` holds, deleted or not: what
    came from a deleted document (an evidence file) stays as restricted as the document was."""
    if not user.is_authenticated:
        return False
    if can_see_everything(user) or document.visibility == VISIBILITY_ALL or document.created_by_id == user.id:
        return True
    return user.unit_id is not None and any(unit.id == user.unit_id for unit in document.units)


def readable_document_or_none(user: User, document_id: int | None) -> Document | None:
    """Return the document when ``user`` may read it, else None (also when it does not exist or for
    no id: the same answer, so a restricted document's existence is not revealed)."""
    document = db.session.get(Document, document_id) if document_id else None
    return document if document is not None and can_read_document(user, document) else None


def can_read_revision(user: User, document: Document, snapshot: dict) -> bool:
    """True when ``user`` may read the document now and could have read it as it was at the
    revision whose ``snapshot`` is given: that revision's own visibility and units (unit codes
    as they were then) decide, not the document's current ones. Admins and the document's
    creator read every revision."""
    if not can_read_document(user, document):
        return False
    if can_see_everything(user) or document.created_by_id == user.id:
        return True
    if snapshot.get("visibility", VISIBILITY_ALL) == VISIBILITY_ALL:
        return True
    return user.unit is not None and user.unit.code in (snapshot.get("units") or [])


def can_change_relation(user: User, relation) -> bool:
    """True when ``user`` may read (and so, as an editor, change) both documents of a relation."""
    return can_read_document(user, relation.source) and can_read_document(user, relation.target)


def document_terms(document: Document) -> list[str]:
    """The access terms of a document in the search index (the rule of ``can_read_document``)."""
    terms = [ALL_STAFF] if document.visibility == VISIBILITY_ALL else [f"unit:{u.id}" for u in document.units]
    if document.created_by_id:
        terms.append(f"user:{document.created_by_id}")
    return terms


# Unit reports

def report_submitters(report: UnitReport) -> set[int]:
    """The ids of the users who submitted a version of the report."""
    return {v.submitted_by_id for v in report.versions if v.submitted_by_id}


def can_read_report(user: User, report: UnitReport) -> bool:
    """A unit report is read by its own unit, by whoever submitted a version of it, and by admins
    (the reform office)."""
    if not user.is_authenticated:
        return False
    return user.is_admin or user.unit_id == report.unit_id or user.id in report_submitters(report)


def readable_report_or_none(user: User, report_id: int) -> UnitReport | None:
    """Return the report when ``user`` may read it, else None (also when it does not exist)."""
    report = db.session.get(UnitReport, report_id)
    return report if report is not None and can_read_report(user, report) else None


def report_terms(report: UnitReport) -> list[str]:
    """The access terms of a report in the search index (the rule of ``can_read_report``)."""
    return [f"unit:{report.unit_id}"] + [f"user:{uid}" for uid in sorted(report_submitters(report))]


# News

def is_news_reviewer(user) -> bool:
    """Reviewers (admins, editors granted the publish right) read every article, published or not."""
    return user.is_authenticated and user.has_role(PUBLISHER)


def can_see_unpublished(user, article: Article) -> bool:
    """The author and reviewers see an article that readers cannot (draft, pending, scheduled, expired)."""
    return is_news_reviewer(user) or (user.is_authenticated and article.created_by_id == user.id)


def live_clause(now: datetime | None = None):
    """SQL condition: published, its time has come and it has not expired (what every reader sees)."""
    now = now or clock.utcnow()
    return db.and_(Article.status == PUBLISHED, Article.publish_at <= now,
                   db.or_(Article.expires_at.is_(None), Article.expires_at > now))


def readable_article_or_none(user, article_id: int) -> Article | None:
    """The article if ``user`` may open it now (live, or theirs/a reviewer's), else None."""
    article = db.session.get(Article, article_id)
    if article is None:
        return None
    if article.is_live(clock.utcnow()) or can_see_unpublished(user, article):
        return article
    return None


# Progress updates and their evidence

def can_read_progress(user) -> bool:
    """Progress is internal but not secret: every member of staff reads it."""
    return bool(user.is_authenticated)


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


def evidence_sources(files: Iterable[ProgressAttachment], session: Session | None = None) -> dict[int, list[Document]]:
    """Return, for each evidence file (by id), the library documents it came from (deleted ones
    too): those with an attachment of the same SHA-256 and those whose number its header carries.
    Two queries whatever the number of files, through ``session`` (the request's by default; the
    indexer reads with its own)."""
    session = session or db.session
    files = list(files)
    keys = {f.id: header_number_key(f.sha256, f.text) for f in files}
    by_sha: dict[str, set[int]] = {}
    by_key: dict[str, set[int]] = {}
    shas = {f.sha256 for f in files}
    if shas:
        for sha, doc_id in session.execute(
                db.select(Attachment.sha256, Attachment.document_id).where(Attachment.sha256.in_(shas))):
            by_sha.setdefault(sha, set()).add(doc_id)
    wanted_keys = {k for k in keys.values() if k}
    if wanted_keys:
        for key, doc_id in session.execute(
                db.select(Document.number_key, Document.id).where(Document.number_key.in_(wanted_keys))):
            by_key.setdefault(key, set()).add(doc_id)
    ids = set().union(*by_sha.values(), *by_key.values())
    documents = {d.id: d for d in session.scalars(db.select(Document).where(Document.id.in_(ids)))} if ids else {}
    result = {}
    for f in files:
        doc_ids = by_sha.get(f.sha256, set()) | (by_key.get(keys[f.id], set()) if keys[f.id] else set())
        result[f.id] = sorted((documents[i] for i in doc_ids if i in documents), key=lambda d: d.id)
    return result


def is_open_to_all(sources: list[Document]) -> bool:
    """True when evidence that came from ``sources`` is for all staff (it came from none, or only
    from documents for all staff)."""
    return all(d.visibility == VISIBILITY_ALL for d in sources)


def can_open_evidence(user: User, update: ProgressUpdate, sources: list[Document]) -> bool:
    """True when ``user`` may open an evidence file of ``update`` that came from ``sources``:
    any member of staff for a file open to all, else its poster, admins and whoever may read
    every one of the documents."""
    if not user.is_authenticated:
        return False
    if is_open_to_all(sources) or can_see_everything(user) or update.created_by_id == user.id:
        return True
    return all(may_read_content(user, d) for d in sources)


def visible_evidence(user: User, updates: Iterable[ProgressUpdate]) -> dict[int, list[ProgressAttachment]]:
    """Return, for each update (by id), the evidence files ``user`` may open, in their order."""
    updates = list(updates)
    sources = evidence_sources(f for u in updates for f in u.attachments)
    return {u.id: [f for f in u.attachments if can_open_evidence(user, u, sources[f.id])] for u in updates}


def openable_evidence_or_none(user: User, update_id: int, file_id: int) -> ProgressAttachment | None:
    """Return the evidence file when it belongs to that update and ``user`` may open it, else None."""
    file = db.session.get(ProgressAttachment, file_id)
    if file is None or file.update_id != update_id:
        return None
    return file if can_open_evidence(user, file.update, evidence_sources([file])[file.id]) else None


def public_evidence(update: ProgressUpdate, session: Session | None = None) -> list[ProgressAttachment]:
    """The update's evidence files that are for all staff (what search may hold)."""
    sources = evidence_sources(update.attachments, session)
    return [f for f in update.attachments if is_open_to_all(sources[f.id])]


def updates_to_reindex(shas: set[str], number_keys: set[str | None]) -> set[int]:
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
