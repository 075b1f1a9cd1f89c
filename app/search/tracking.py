"""Index changes queued by the data layer, so no service has to remember them.

After every flush (``after_flush``: the objects still show what changed, and have their ids) the
records the flush touched are written to the outbox (``index_changes``) on the flush's own
connection, so a rolled-back change leaves no row. What counts:

- a row of a ``Searchable`` model inserted, deleted, or changed in a column or a collection
  (a document's fields, units or attachments): its record;
- a row of a ``SearchPart`` inserted, deleted or changed in a column: the records it feeds
  (an attachment's document, an evidence file's update, a report version's report, a task's
  progress updates);
- a relation that changes validity (``app.validity.AFFECTING``: replaces, repeals, amends…) added,
  removed or retyped: its target, whose status in the index follows it; and a document whose dates,
  visibility, units or existence change: the documents it replaces, repeals or amends;
- a document that is restricted, or was before this change: also the progress updates whose
  evidence came from it (``app.access.updates_to_reindex``), whose records hold that evidence's
  text only while it is for all staff. A document for all staff before and after changes no
  evidence's visibility, so an import of public documents costs nothing more.

After the commit (``after_commit``) a session that queued changes hands them to
``outbox.sync_after_commit``: a web process's catch-up thread applies them, a command applies them
if the index is free; saves never wait for the index. ``deferred()`` leaves them queued instead
(an import, whose indexing process and final sync apply them in bulk).
"""
from __future__ import annotations

import contextlib
import logging

from flask import has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, attributes

from app import access, validity
from app.extensions import db
from app.models import VISIBILITY_ALL, Attachment, Document, DocumentRelation, IndexChange
from app.models.outbox import BULK, INTERACTIVE
from app.models.searchable import Searchable, SearchPart
from app.search import outbox

log = logging.getLogger(__name__)

QUEUED = "search_changes_queued"   # Session.info: this transaction wrote outbox rows
DEFERRED = "search_sync_deferred"  # Session.info: leave them queued after the commit


def queue(session: Session, changes) -> None:
    """Write outbox rows for ``changes`` (``(kind, record id)`` pairs) in the session's transaction.
    For rows written without the ORM (a bulk INSERT), which no flush sees. Inside ``deferred()``
    (an import) they go in the bulk lane, applied after people's changes."""
    lane = BULK if session.info.get(DEFERRED) else INTERACTIVE
    rows = [{"kind": kind, "record_id": record_id, "lane": lane} for kind, record_id in sorted(set(changes))]
    if rows:
        session.connection().execute(IndexChange.__table__.insert(), rows)
        session.info[QUEUED] = True


def evidence_changes(shas: set[str], number_keys: set[str | None]) -> set[tuple[str, int]]:
    """The progress updates to re-index when restricted documents with these files or numbers change."""
    return {("progress", update_id) for update_id in access.updates_to_reindex(shas, number_keys)}


@contextlib.contextmanager
def deferred(session: Session):
    """Within the block, commits of ``session`` leave their index changes queued (not applied),
    in the bulk lane: a batch job's changes never hold up the ones people are waiting for."""
    before = session.info.get(DEFERRED, False)
    session.info[DEFERRED] = True
    try:
        yield
    finally:
        session.info[DEFERRED] = before


def _ids(obj, attribute: str, new: bool) -> set[int]:
    """The record ids ``obj.attribute`` holds, now and before this flush: an id, a record, or a
    collection of records. A new object's unloaded collection is empty (nothing in the database
    can point to it yet), so it is not loaded."""
    state = inspect(obj)
    attr = state.attrs[attribute]
    if new:
        value = attr.loaded_value
        values = [] if value is attributes.NO_VALUE else [value]
    else:
        values = [getattr(obj, attribute)]
    values += list(attr.history.deleted or ())
    found = set()
    for value in values:
        items = value if isinstance(value, (list, tuple, set)) else [value]
        for item in items:
            if item is None:
                continue
            found.add(item if isinstance(item, int) else item.id)
    return found


def _was_restricted(document: Document) -> bool:
    history = inspect(document).attrs.visibility.history
    return document.visibility != VISIBILITY_ALL or any(v != VISIBILITY_ALL for v in history.deleted or ())


# What, in a document, decides when and for whom its relations change other documents' validity.
VALIDITY_KEYS = ("issued_on", "effective_on", "visibility", "units", "deleted_at")


def _relation_changes(relation: DocumentRelation, is_new: bool) -> set[tuple[str, int]]:
    """The documents whose validity a relation added, removed or changed may move: its targets (now
    and before) when its type, now or before, is one of ``validity.AFFECTING``."""
    state = inspect(relation)
    types = {relation.relation_type, *(state.attrs.relation_type.history.deleted or ())}
    if not types & set(validity.AFFECTING):
        return set()
    return {("document", target_id) for target_id in _ids(relation, "target_id", is_new)}


def _validity_changes(session: Session, document: Document, deleted: bool) -> set[tuple[str, int]]:
    """The documents ``document`` replaces, repeals or amends, when its dates, visibility, units or
    existence changed in this flush (their validity follows it)."""
    if not deleted:
        state = inspect(document)
        if not any(state.attrs[key].history.has_changes() for key in VALIDITY_KEYS):
            return set()
    targets = session.scalars(db.select(DocumentRelation.target_id).where(
        DocumentRelation.source_id == document.id, DocumentRelation.relation_type.in_(validity.AFFECTING)))
    return {("document", target_id) for target_id in targets}


def changes_of_flush(session: Session) -> set[tuple[str, int]]:
    """The ``(kind, record id)`` pairs whose index records the flush that just ran changed."""
    new, deleted = set(session.new), set(session.deleted)
    changes: set[tuple[str, int]] = set()
    documents: list[Document] = []
    gone_attachments: list[Attachment] = []
    for obj in new | deleted | set(session.dirty):
        is_new = obj in new
        if isinstance(obj, Searchable):
            if is_new or obj in deleted or session.is_modified(obj, include_collections=True):
                changes.add((obj.search_kind, obj.id))
                if isinstance(obj, Document):
                    documents.append(obj)
                    if not is_new:
                        changes |= _validity_changes(session, obj, obj in deleted)
        elif isinstance(obj, DocumentRelation):
            if is_new or obj in deleted or session.is_modified(obj, include_collections=False):
                changes |= _relation_changes(obj, is_new)
        elif isinstance(obj, SearchPart):
            if is_new or obj in deleted or session.is_modified(obj, include_collections=False):
                kind, attribute = obj.search_parent
                changes.update((kind, record_id) for record_id in _ids(obj, attribute, is_new))
                if isinstance(obj, Attachment) and obj in deleted:
                    gone_attachments.append(obj)
    for document in documents:
        if not _was_restricted(document):
            continue
        shas = {a.sha256 for a in document.attachments}
        shas |= {a.sha256 for a in gone_attachments if document.id in _ids(a, "document_id", False)}
        keys = {document.number_key} | set(inspect(document).attrs.number_key.history.deleted or ())
        changes |= evidence_changes(shas, keys)
    return changes


@event.listens_for(Session, "after_flush")
def _queue_flushed_changes(session: Session, _context) -> None:
    with session.no_autoflush:
        changes = changes_of_flush(session)
        if changes:
            queue(session, changes)


@event.listens_for(Session, "after_commit")
def _apply_after_commit(session: Session) -> None:
    # The session is between transactions here and may not run SQL: sync_after_commit reads the
    # database through sessions of its own.
    if session.info.pop(QUEUED, False) and not session.info.get(DEFERRED) and has_app_context():
        outbox.sync_after_commit()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(QUEUED, None)
