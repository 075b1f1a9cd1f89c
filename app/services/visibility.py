"""Who may read what. One rule, used by lists, pages, downloads, the API and search."""
from __future__ import annotations

from flask import abort

from app.extensions import db
from app.models import VISIBILITY_ALL, Document, User, document_units


def can_see_everything(user: User) -> bool:
    """Admins (the reform office) read every document, restricted or not."""
    return user.is_authenticated and user.is_admin


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


def readable_document_or_404(user: User, document_id: int) -> Document:
    """Return the document, or abort 404 when it does not exist or ``user`` may not read it
    (the same answer, so a restricted document's existence is not revealed)."""
    document = db.session.get(Document, document_id)
    if document is None or not can_read_document(user, document):
        abort(404)
    return document


def readable_document_or_none(user: User, document_id: int | None) -> Document | None:
    """Return the document when ``user`` may read it, else None (also for no id)."""
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
