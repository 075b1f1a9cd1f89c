"""Turn document numbers mentioned in any text of the portal into links to the library."""
from __future__ import annotations

from flask import url_for
from markupsafe import Markup, escape

from app import access, vntext
from app.extensions import db
from app.models import Document


def _targets(keys: set[str], user) -> dict[str, int]:
    if not keys:
        return {}
    rows = db.session.execute(
        db.select(Document.number_key, Document.id)
        .where(Document.number_key.in_(keys), access.document_clause(user))
        .order_by(Document.id)
    ).all()
    found: dict[str, int] = {}
    for key, doc_id in rows:
        found.setdefault(key, doc_id)
    return found


def link_numbers(text: str | None, user, exclude_id: int | None = None) -> Markup:
    """Return ``text`` HTML-escaped, with every document number that ``user`` may open linked.

    Numbers of documents the user may not read stay plain text (no hint that they exist).
    """
    text = text or ""
    found = vntext.find_numbers(text)
    return _linked(text, found, _targets({vntext.number_key(number) for _, _, number in found}, user), exclude_id)


def _linked(text: str, found, targets: dict[str, int], exclude_id: int | None) -> Markup:
    """``text`` escaped with the numbers ``found`` in it linked to their documents in ``targets``."""
    parts, position = [], 0
    for start, end, number in found:
        doc_id = targets.get(vntext.number_key(number))
        if doc_id is None or doc_id == exclude_id:
            continue
        parts.append(escape(text[position:start]))
        href = url_for("documents.show", document_id=doc_id)
        parts.append(Markup('<a class="doc-ref" href="{}">{}</a>').format(href, number))
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def linked_paragraphs(text: str | None, user, exclude_id: int | None = None) -> Markup:
    """Return ``text`` as escaped ``<p>`` paragraphs (one per line) with document numbers linked
    (one query for the numbers of all lines)."""
    lines = [(line, vntext.find_numbers(line)) for line in (s.strip() for s in (text or "").splitlines()) if line]
    targets = _targets({vntext.number_key(number) for _, found in lines for _, _, number in found}, user)
    return Markup("\n").join(
        Markup("<p>{}</p>").format(_linked(line, found, targets, exclude_id)) for line, found in lines
    )
