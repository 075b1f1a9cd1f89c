"""JSON API (session login). Restricted records answer 404 to users who may not read them."""
from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from flask_login import current_user

from app import access, validity
from app.errors import Invalid
from app.extensions import db
from app.routes import or_404
from app.services.library import documents as library

bp = Blueprint("api", __name__, url_prefix="/api")


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(f"Tham số {name} phải là số nguyên.") from None
    if not low <= value <= high:
        raise Invalid(f"Tham số {name} phải trong khoảng {low}–{high}.")
    return value


def document_summary(document, status: str | None = None) -> dict:
    """The fields of a document in lists; ``status`` is the validity the reader sees
    (``app.validity``), the recorded one when not given."""
    return {
        "id": document.id,
        "number": document.number,
        "type": document.doc_type,
        "category": document.category,
        "title": document.title,
        "issuer": document.issuer,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "status": status if status is not None else document.status,
        "url": url_for("documents.show", document_id=document.id),
    }


@bp.route("/documents")
def documents():
    """Return ``{"total", "page", "per_page", "results"}`` of readable documents filtered by
    ``number`` (any written form), ``type``, ``category``, ``issuer``, ``year``, ``status``; 400 for bad paging."""
    page = _int_arg("page", 1, 1, 100000)
    per_page = _int_arg("per_page", 20, 1, 100)
    filters = library.DocumentFilters.from_args(request.args)
    result = db.paginate(library.list_statement(current_user, filters), page=page, per_page=per_page,
                         error_out=False, count=True)
    seen = validity.for_documents(result.items, current_user)
    return jsonify(total=result.total, page=page, per_page=per_page,
                   results=[document_summary(d, seen[d.id].status) for d in result.items])


@bp.route("/documents/<int:document_id>")
def document(document_id: int):
    """Return every metadata field, the full text, attachments and relations of one document;
    404 when it does not exist or the user may not read it."""
    doc = or_404(access.readable_document_or_none(current_user, document_id))
    outgoing, incoming = library.relations_of(doc, current_user)
    seen = validity.of(doc, current_user)
    data = document_summary(doc, seen.status)
    data.update(
        recorded_status=doc.status,
        status_reasons=[reason.text for reason in seen.reasons],
        summary=doc.summary,
        signer=doc.signer,
        signer_title=doc.signer_title,
        effective_on=doc.effective_on.isoformat() if doc.effective_on else None,
        expires_on=doc.expires_on.isoformat() if doc.expires_on else None,
        gazette_number=doc.gazette_number,
        gazette_on=doc.gazette_on.isoformat() if doc.gazette_on else None,
        fields=[f.name for f in doc.fields],
        visibility="all" if not doc.is_restricted else "units",
        units=[u.code for u in doc.units] if doc.is_restricted else [],
        text=doc.body,
        created_at=doc.created_at.isoformat() + "Z",
        updated_at=doc.updated_at.isoformat() + "Z",
        version=doc.version,
        attachments=[{
            "id": a.id, "name": a.original_name, "size": a.size, "content_type": a.content_type,
            "url": url_for("documents.download", document_id=doc.id, attachment_id=a.id),
            "has_text": bool(a.text),
        } for a in doc.attachments],
        relations=[{"type": r.relation_type, "direction": "outgoing", "label": r.source_wording,
                    "document": document_summary(r.target)} for r in outgoing]
        + [{"type": r.relation_type, "direction": "incoming", "label": r.target_wording,
            "document": document_summary(r.source)} for r in incoming],
        cited_by=[document_summary(d) for d in library.citing_documents(doc, current_user)],
    )
    return jsonify(data)


@bp.errorhandler(404)
def not_found(error):
    """A JSON 404 under /api/ (a missing record and one the user may not read look alike)."""
    return jsonify(error="Không tìm thấy."), 404
