"""Library rules: creating, changing and deleting documents, with revisions, attachments,
relations and citations. Every function commits or rolls back as a whole."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from flask import g
from sqlalchemy.orm import defer
from sqlalchemy.orm.exc import StaleDataError

from app import access, ingest, search, validity, vntext
from app.clock import to_vietnam, utcnow
from app.errors import ConcurrentEditError, Invalid
from app.extensions import db
from app.models import (
    ANNEX_TYPE,
    CATEGORIES,
    DOCUMENT_TYPES,
    RELATION_TYPES,
    STATUSES,
    VISIBILITY_ALL,
    VISIBILITY_UNITS,
    Attachment,
    Citation,
    Document,
    DocumentRelation,
    DocumentRevision,
    ReformField,
    Unit,
    User,
    document_fields,
    document_units,
)
from app.services import audit, uploads
from app.services.library import ocr
from app.services.notify import events as notify_events
from app.services.uploads import StoredUpload


class DocumentError(Invalid):
    """A refused library operation; the message is Vietnamese and shown to the user."""


@dataclass
class DocumentData:
    """What a user (or an import) supplies for a document."""

    category: str = ""
    doc_type: str = ""
    number: str | None = None
    title: str = ""
    summary: str = ""
    issuer: str = ""
    signer: str = ""
    signer_title: str = ""
    issued_on: date | None = None
    effective_on: date | None = None
    expires_on: date | None = None
    gazette_number: str = ""
    gazette_on: date | None = None
    status: str | None = None
    field_ids: list[int] = field(default_factory=list)
    visibility: str = VISIBILITY_ALL
    unit_ids: list[int] = field(default_factory=list)
    body: str = ""
    parent_number: str | None = None  # an annex: the number of the document it comes with

    def cleaned(self) -> DocumentData:
        """Return a copy with every text in NFC and trimmed, spelled as the author wrote it (``hoà``
        stays ``hoà``: the tone convention is the index's business, not the stored text's)."""
        def text(value):
            return vntext.as_written(value).strip()

        return DocumentData(
            category=text(self.category), doc_type=text(self.doc_type),
            number=text(self.number) or None, title=" ".join(text(self.title).split()),
            summary=text(self.summary), issuer=text(self.issuer), signer=text(self.signer),
            signer_title=" ".join(text(self.signer_title).split()), issued_on=self.issued_on,
            effective_on=self.effective_on, expires_on=self.expires_on,
            gazette_number=" ".join(text(self.gazette_number).split()), gazette_on=self.gazette_on,
            status=text(self.status) or None,
            field_ids=sorted(set(self.field_ids)), visibility=self.visibility or VISIBILITY_ALL,
            unit_ids=sorted(set(self.unit_ids)), body=vntext.as_written(self.body).strip(),
            parent_number=text(self.parent_number) or None,
        )


def validate(data: DocumentData, document: Document | None = None, user: User | None = None) -> DocumentData:
    """Return cleaned data, or raise DocumentError naming what is wrong (in Vietnamese).

    A number already in the library for that issuer is refused; the message names the other
    document only when ``user`` may read it (None: a command, which sees everything), so the
    refusal reveals nothing about a restricted document."""
    data = data.cleaned()
    if data.category not in CATEGORIES:
        raise DocumentError("Chọn nhóm văn bản (văn bản pháp luật, văn bản CCHC hoặc quy trình nội bộ).")
    if data.doc_type not in DOCUMENT_TYPES:
        raise DocumentError("Chọn loại văn bản trong danh sách.")
    if not data.title:
        raise DocumentError("Trích yếu (tên văn bản) không được để trống.")
    if len(data.title) > 1000:
        raise DocumentError("Trích yếu tối đa 1.000 ký tự.")
    if data.number and len(data.number) > 100:
        raise DocumentError("Số ký hiệu tối đa 100 ký tự.")
    if data.parent_number:
        if data.doc_type != ANNEX_TYPE:
            raise DocumentError("Chỉ văn bản loại Phụ lục mới ghi “kèm theo văn bản số”.")
        if len(data.parent_number) > 100:
            raise DocumentError("Số ký hiệu của văn bản được kèm theo tối đa 100 ký tự.")
        if vntext.number_key(data.parent_number) == vntext.number_key(data.number):
            raise DocumentError("Phụ lục không thể kèm theo chính nó (hai số ký hiệu trùng nhau).")
    if data.status and data.status not in STATUSES:
        raise DocumentError("Tình trạng hiệu lực không hợp lệ.")
    if data.visibility not in (VISIBILITY_ALL, VISIBILITY_UNITS):
        raise DocumentError("Phạm vi xem không hợp lệ.")
    if data.visibility == VISIBILITY_UNITS and not data.unit_ids:
        raise DocumentError("Văn bản hạn chế phải chọn ít nhất một đơn vị được xem.")
    if data.visibility == VISIBILITY_ALL:
        data.unit_ids = []
    if data.effective_on and data.issued_on and data.effective_on < data.issued_on:
        raise DocumentError("Ngày có hiệu lực không thể trước ngày ban hành.")
    if data.expires_on and data.expires_on < (data.effective_on or data.issued_on or data.expires_on):
        raise DocumentError("Ngày hết hiệu lực không thể trước ngày có hiệu lực (hoặc ngày ban hành).")
    if data.gazette_on and data.issued_on and data.gazette_on < data.issued_on:
        raise DocumentError("Ngày đăng công báo không thể trước ngày ban hành.")
    if len(data.signer_title) > 255:
        raise DocumentError("Chức vụ người ký tối đa 255 ký tự.")
    if len(data.gazette_number) > 100:
        raise DocumentError("Số công báo tối đa 100 ký tự.")
    if not set(data.field_ids) <= _reform_field_ids():
        raise DocumentError("Lĩnh vực CCHC không hợp lệ.")
    if data.unit_ids:
        known_units = set(db.session.scalars(db.select(Unit.id).where(Unit.id.in_(data.unit_ids))))
        if known_units != set(data.unit_ids):
            raise DocumentError("Đơn vị được xem không hợp lệ.")
    if data.number:
        duplicate_id = _number_holder_id(data.number, data.issuer)
        if duplicate_id is not None and (document is None or duplicate_id != document.id):
            duplicate = db.session.get(Document, duplicate_id)
            if user is not None and not access.can_read_document(user, duplicate):
                raise DocumentError("Số ký hiệu này không dùng được.")
            raise DocumentError(f"Văn bản số {data.number} của {data.issuer or 'cơ quan này'} đã có trong thư viện.")
    return data


def _reform_field_ids() -> set[int]:
    """The 7 reform fields are reference data: read once per request or command."""
    if "reform_field_ids" not in g:
        g.reform_field_ids = set(db.session.scalars(db.select(ReformField.id)))
    return g.reform_field_ids


def validate_for_import(data: DocumentData) -> DocumentData:
    """Validate like ``validate`` but allow the number already present (the import updates it)."""
    number, data.number = data.number, None
    cleaned = validate(data)
    cleaned.number = vntext.as_written(number).strip() or None
    data.number = number
    if cleaned.number and len(cleaned.number) > 100:
        raise DocumentError("Số ký hiệu tối đa 100 ký tự.")
    return cleaned


def find_by_number(number: str, issuer: str | None = None) -> Document | None:
    """Return the oldest live document with this number (any written form) and, when ``issuer`` is
    given, that issuer under either tone convention (``Uỷ ban`` is ``Ủy ban``); None if there is none."""
    found = _number_holder_id(number, issuer)
    return db.session.get(Document, found) if found is not None else None


def _number_holder_id(number: str, issuer: str | None = None) -> int | None:
    """The id of the document ``find_by_number`` returns, read without loading the document (a save's
    duplicate check usually finds the document being saved)."""
    stmt = (db.select(Document.id, Document.issuer)
            .where(Document.number_key == vntext.number_key(number), Document.deleted_at.is_(None))
            .order_by(Document.id))
    if issuer is None:
        stmt = stmt.limit(1)
    return next((doc_id for doc_id, holder in db.session.execute(stmt)
                 if issuer is None or vntext.same_words(holder, issuer)), None)


def _apply(document: Document, data: DocumentData) -> None:
    document.category = data.category
    document.doc_type = data.doc_type
    document.number = data.number
    document.number_key = vntext.number_key(data.number)
    document.number_sort = vntext.number_sort(data.number)
    document.title = data.title
    document.title_sort = vntext.sort_key(data.title)
    document.summary = data.summary
    document.issuer = data.issuer
    document.signer = data.signer
    document.signer_title = data.signer_title
    document.issued_on = data.issued_on
    document.effective_on = data.effective_on
    document.expires_on = data.expires_on
    document.gazette_number = data.gazette_number
    document.gazette_on = data.gazette_on
    document.status = data.status
    document.body = data.body
    document.visibility = data.visibility
    document.parent_number = data.parent_number
    document.parent_key = vntext.number_key(data.parent_number)
    document.annex_position = ingest.annex_position(data.title) if data.doc_type == ANNEX_TYPE else None
    # session.get() answers from the identity map after the first load: no query per document.
    document.fields = [db.session.get(ReformField, field_id) for field_id in data.field_ids]
    document.units = [db.session.get(Unit, unit_id) for unit_id in data.unit_ids]


SNAPSHOT_LABELS = {
    "category": "Nhóm", "doc_type": "Loại văn bản", "number": "Số ký hiệu", "title": "Trích yếu",
    "summary": "Tóm tắt", "issuer": "Cơ quan ban hành", "signer": "Người ký", "signer_title": "Chức vụ người ký",
    "issued_on": "Ngày ban hành", "effective_on": "Ngày có hiệu lực", "expires_on": "Ngày hết hiệu lực",
    "gazette_number": "Số công báo", "gazette_on": "Ngày đăng công báo", "status": "Tình trạng hiệu lực",
    "fields": "Lĩnh vực",
    "visibility": "Phạm vi xem", "units": "Đơn vị được xem", "body": "Toàn văn", "attachments": "Tệp đính kèm",
    "relations": "Quan hệ văn bản", "parent_number": "Kèm theo văn bản",
    "ocr": "Văn bản nhận dạng (OCR)",
}


def snapshot(document: Document, new: bool = False) -> dict:
    """Return the document's state as plain JSON data (what a revision stores)."""
    relations = db.session.scalars(
        db.select(DocumentRelation).where(DocumentRelation.source_id == document.id).order_by(DocumentRelation.id)
    ).all() if document.id and not new else []
    state = {
        "category": document.category,
        "doc_type": document.doc_type,
        "number": document.number,
        "title": document.title,
        "summary": document.summary,
        "issuer": document.issuer,
        "signer": document.signer,
        "signer_title": document.signer_title or "",
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "effective_on": document.effective_on.isoformat() if document.effective_on else None,
        "expires_on": document.expires_on.isoformat() if document.expires_on else None,
        "gazette_number": document.gazette_number or "",
        "gazette_on": document.gazette_on.isoformat() if document.gazette_on else None,
        "status": document.status,
        "fields": [f.name for f in document.fields],
        "visibility": document.visibility,
        "units": [u.code for u in document.units],
        "body": document.body,
        "attachments": [a.original_name for a in document.attachments],
        "relations": [f"{r.relation_type}:{r.target_id}" for r in relations],
        "parent_number": document.parent_number,
    }
    recognised = {a.original_name: a.text for a in document.attachments if a.text_source == "ocr" and a.text}
    if recognised:  # only then: the snapshots of documents without OCR stay as they were
        state["ocr"] = recognised
    return state


def _record_revision(document: Document, action: str, user: User | None, before: dict | None) -> DocumentRevision:
    db.session.flush()  # assigns id and bumps version
    after = snapshot(document, new=before is None)
    changed = [key for key in after if before is None or before.get(key) != after.get(key)]
    revision = DocumentRevision(
        document_id=document.id, version=document.version, action=action, changed_fields=changed,
        snapshot=after, changed_by_id=user.id if user else None, changed_at=utcnow(),
    )
    db.session.add(revision)
    return revision


def _cited_keys(texts, own_key: str | None) -> list[str]:
    """The number keys of the documents ``texts`` mention, except ``own_key``, sorted."""
    keys = {vntext.number_key(number) for text in texts for _, _, number in vntext.find_numbers(text)}
    keys.discard(own_key)
    keys.discard(None)
    return sorted(keys)


def citation_texts(document: Document) -> list[str]:
    """The texts whose document numbers the document cites: its title, summary and body, and the
    text recognised by OCR in its attachments (a scanned decision cites what its paper cites)."""
    return [document.title, document.summary, document.body,
            *(a.text for a in document.attachments if a.text_source == "ocr" and a.text)]


def refresh_citations(source_kind: str, source_id: int, *texts: str, own_number: str | None = None,
                      new: bool = False) -> None:
    """Replace the citations of one text source with the document numbers its texts mention."""
    keys = _cited_keys(texts, vntext.number_key(own_number))
    if not new:
        db.session.execute(db.delete(Citation).where(Citation.source_kind == source_kind,
                                                     Citation.source_id == source_id))
    if keys:
        db.session.execute(Citation.__table__.insert(), [
            {"source_kind": source_kind, "source_id": source_id, "number_key": key} for key in keys])


def _attach(document: Document, upload: StoredUpload, user: User | None) -> Attachment:
    """Attach an accepted upload (moved to its place); a scan (PDF pages without text, an image) is
    queued for OCR in the same transaction. Raises IngestError for a file OCR refuses (encrypted,
    broken, past the page or size limits): the caller's save is then refused whole."""
    plan = ocr.plan_for_upload(upload)
    stored_name = upload.commit_file()
    attachment = Attachment(
        original_name=upload.original_name, stored_name=stored_name, content_type=upload.content_type,
        size=upload.size, sha256=upload.sha256, kind=upload.kind, text=upload.text,
        uploaded_by_id=user.id if user else None, uploaded_at=utcnow(),
    )
    document.attachments.append(attachment)
    if plan is not None:
        ocr.queue(attachment, plan)
    return attachment


def _saving(uploads):
    """Context for a save: on any failure roll back and remove files written for it."""

    class _Guard:
        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            if exc_type is not None:
                db.session.rollback()
                for upload in uploads:
                    upload.discard()
            return False

    return _Guard()


def create_document(data: DocumentData, user: User | None, uploads: list[StoredUpload] = (),
                    commit: bool = True, validated: bool = False) -> Document:
    """Create a document with its attachments and first revision; return it.

    Refuses (DocumentError) invalid data or a number already in the library for that issuer;
    then nothing is saved and the uploaded files are removed. ``commit=False`` leaves the
    commit to the caller (batched imports).
    """
    uploads = list(uploads)
    with _saving(uploads):
        data = data if validated else validate(data, user=user)
        now = utcnow()
        document = Document(created_by_id=user.id if user else None, updated_by_id=user.id if user else None,
                            created_at=now, updated_at=now)
        _apply(document, data)
        db.session.add(document)
        for upload in uploads:
            _attach(document, upload, user)
        _record_revision(document, "create", user, None)
        if document.visibility != VISIBILITY_ALL:
            audit.record("document.visibility", document, actor=user, before={"visibility": None, "units": []},
                         after=_visibility_state(document), note="Văn bản mới, hạn chế phạm vi xem")
        refresh_citations("document", document.id, document.title, document.summary, document.body,
                          own_number=document.number, new=True)
        if commit:
            db.session.commit()
    return document


def create_documents_bulk(items: list[DocumentData]) -> list[int]:
    """Create many new documents at once (imports) and return their ids, in the order given.

    ``items`` are validated data whose number + issuer is not in the library yet (the caller
    checked). Writes what ``create_document`` writes for a document without attachments (the
    row, its field and unit links, the first revision with the same snapshot, the citations,
    the outbox row), as one multi-row INSERT per table instead of one ORM flush per document.
    Does not commit.
    """
    if not items:
        return []
    field_names = dict(db.session.execute(db.select(ReformField.id, ReformField.name)).all())
    wanted_units = {unit_id for data in items for unit_id in data.unit_ids}
    unit_codes = dict(db.session.execute(db.select(Unit.id, Unit.code).where(Unit.id.in_(wanted_units))).all()) \
        if wanted_units else {}
    now = utcnow()
    rows = [{
        "category": data.category, "doc_type": data.doc_type, "number": data.number,
        "number_key": vntext.number_key(data.number), "number_sort": vntext.number_sort(data.number),
        "title": data.title, "title_sort": vntext.sort_key(data.title), "summary": data.summary,
        "issuer": data.issuer, "signer": data.signer, "signer_title": data.signer_title, "issued_on": data.issued_on,
        "effective_on": data.effective_on, "expires_on": data.expires_on, "gazette_number": data.gazette_number,
        "gazette_on": data.gazette_on, "status": data.status, "body": data.body, "visibility": data.visibility,
        "created_by_id": None,
        "updated_by_id": None, "created_at": now, "updated_at": now, "deleted_at": None, "version": 1,
        "parent_number": data.parent_number, "parent_key": vntext.number_key(data.parent_number),
        "annex_position": ingest.annex_position(data.title) if data.doc_type == ANNEX_TYPE else None,
        "content_hash": None, "source_key": None,
    } for data in items]
    table = Document.__table__
    ids = list(db.session.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows).scalars())
    field_links = [{"document_id": doc_id, "field_id": f} for doc_id, data in zip(ids, items) for f in data.field_ids]
    unit_links = [{"document_id": doc_id, "unit_id": u} for doc_id, data in zip(ids, items) for u in data.unit_ids]
    revisions, citations = [], []
    for doc_id, data, row in zip(ids, items, rows):
        after = {  # what snapshot() gives for a document just created from ``data``
            "category": data.category, "doc_type": data.doc_type, "number": data.number, "title": data.title,
            "summary": data.summary, "issuer": data.issuer, "signer": data.signer, "signer_title": data.signer_title,
            "issued_on": data.issued_on.isoformat() if data.issued_on else None,
            "effective_on": data.effective_on.isoformat() if data.effective_on else None,
            "expires_on": data.expires_on.isoformat() if data.expires_on else None,
            "gazette_number": data.gazette_number,
            "gazette_on": data.gazette_on.isoformat() if data.gazette_on else None,
            "status": data.status, "fields": [field_names[f] for f in data.field_ids],
            "visibility": data.visibility, "units": [unit_codes[u] for u in data.unit_ids],
            "body": data.body, "attachments": [], "relations": [], "parent_number": data.parent_number,
        }
        revisions.append({"document_id": doc_id, "version": 1, "action": "create", "changed_fields": list(after),
                          "snapshot": after, "changed_by_id": None, "changed_at": now})
        citations += [{"source_kind": "document", "source_id": doc_id, "number_key": key}
                      for key in _cited_keys((data.title, data.summary, data.body), row["number_key"])]
    for model, values in ((document_fields, field_links), (document_units, unit_links),
                          (DocumentRevision.__table__, revisions), (Citation.__table__, citations)):
        if values:
            db.session.execute(model.insert(), values)
    # Core INSERTs pass no flush, so the search outbox rows are queued here (app.search.tracking
    # does it for every ORM change), with the evidence of restricted documents.
    restricted_keys = {row["number_key"] for row in rows if row["visibility"] != VISIBILITY_ALL}
    search.queue(db.session, {("document", doc_id) for doc_id in ids} | search.evidence_changes(set(), restricted_keys))
    return ids


def update_document(document: Document, data: DocumentData, user: User | None, expected_version: int,
                    uploads: list[StoredUpload] = (), commit: bool = True, validated: bool = False) -> Document:
    """Save changed metadata/text (and new attachments) as a new revision; return the document.

    Refuses with ConcurrentEditError when someone saved since ``expected_version`` (the
    user's input is kept by the caller), and DocumentError for invalid data.
    """
    uploads = list(uploads)
    with _saving(uploads):
        if document.version != expected_version:
            raise ConcurrentEditError(_conflict_message(document))
        data = data if validated else validate(data, document, user)
        before = snapshot(document)
        _apply(document, data)
        for upload in uploads:
            _attach(document, upload, user)
        document.updated_by_id = user.id if user else None
        document.updated_at = utcnow()
        try:
            revision = _record_revision(document, "update", user, before)
        except StaleDataError:
            db.session.rollback()
            fresh = db.session.get(Document, document.id)
            raise ConcurrentEditError(_conflict_message(fresh)) from None
        audit.record("document.visibility", document, actor=user,
                     before={"visibility": before["visibility"], "units": before["units"]},
                     after=_visibility_state(document), only_if_changed=True)
        refresh_citations("document", document.id, *citation_texts(document), own_number=document.number)
        notify_events.document_changed(document, user, before, revision.snapshot)  # its followers
        if commit:
            db.session.commit()
    return document


def _visibility_state(document: Document) -> dict:
    """Who may read the document, as the audit log shows it."""
    return {"visibility": document.visibility, "units": [u.code for u in document.units]}


def differs(document: Document, data: DocumentData) -> bool:
    """True when saving ``data`` (already validated) would change ``document``."""
    current = {  # what snapshot() gives for these keys, without reading relations and attachments
        "category": document.category, "doc_type": document.doc_type, "number": document.number,
        "title": document.title, "summary": document.summary, "issuer": document.issuer, "signer": document.signer,
        "signer_title": document.signer_title or "", "issued_on": document.issued_on,
        "effective_on": document.effective_on,
        "expires_on": document.expires_on, "gazette_number": document.gazette_number or "",
        "gazette_on": document.gazette_on, "status": document.status, "visibility": document.visibility,
        "body": document.body, "parent_number": document.parent_number,
    }
    return any(current[key] != value for key, value in {
        "category": data.category, "doc_type": data.doc_type, "number": data.number, "title": data.title,
        "summary": data.summary, "issuer": data.issuer, "signer": data.signer, "signer_title": data.signer_title,
        "issued_on": data.issued_on, "effective_on": data.effective_on, "expires_on": data.expires_on,
        "gazette_number": data.gazette_number, "gazette_on": data.gazette_on, "status": data.status,
        "visibility": data.visibility, "body": data.body, "parent_number": data.parent_number,
    }.items()) or sorted(f.id for f in document.fields) != sorted(data.field_ids) \
        or sorted(u.id for u in document.units) != sorted(data.unit_ids)


def _conflict_message(document: Document) -> str:
    who = document.updated_by.full_name if document.updated_by else "người khác"
    when = to_vietnam(document.updated_at)
    return (f"Văn bản đã được {who} sửa lúc {when:%H:%M %d/%m/%Y} sau khi bạn mở trang. "
            "Nội dung bạn nhập vẫn còn bên dưới; hãy xem bản mới rồi lưu lại.")


def delete_document(document: Document, user: User) -> None:
    """Remove the document from the library (it disappears everywhere); its revisions are kept."""
    before = snapshot(document)
    document.deleted_at = utcnow()
    document.updated_by_id = user.id
    document.updated_at = document.deleted_at
    _record_revision(document, "delete", user, before)
    db.session.execute(db.delete(Citation).where(Citation.source_kind == "document", Citation.source_id == document.id))
    db.session.commit()


def add_attachment(document: Document, upload: StoredUpload, user: User) -> Attachment:
    """Attach an accepted upload to the document as a new revision; return the attachment."""
    with _saving([upload]):
        before = snapshot(document)
        attachment = _attach(document, upload, user)
        document.updated_by_id = user.id
        document.updated_at = utcnow()
        _record_revision(document, "attachment_added", user, before)
        notify_events.document_changed(document, user, before, snapshot(document))
        db.session.commit()
    return attachment


def remove_attachment(document: Document, attachment: Attachment, user: User) -> None:
    """Detach and delete a file (the revision history keeps its name)."""
    before = snapshot(document)
    paths = [uploads.absolute_path(name) for name in (attachment.stored_name, attachment.searchable_name) if name]
    document.attachments.remove(attachment)
    document.updated_by_id = user.id
    document.updated_at = utcnow()
    _record_revision(document, "attachment_removed", user, before)
    if attachment.text_source == "ocr":
        refresh_citations("document", document.id, *citation_texts(document), own_number=document.number)
    db.session.commit()
    for path in paths:
        if os.path.exists(path):
            os.remove(path)


MAX_OCR_PAGE_CHARS = 200_000


def correct_ocr_text(document: Document, attachment: Attachment, texts: dict[int, str], user: User,
                     expected_version: int) -> int:
    """Save an editor's correction of the text OCR recognised in ``attachment`` (page number → text)
    as a new revision of the document (like any other change: history, search, citations); return
    how many pages changed. A page typed back as it was recognised drops its correction.

    Refuses with DocumentError a file without recognised text, an unknown page, a page over
    200,000 characters, or no change at all; with ConcurrentEditError when someone saved the
    document since ``expected_version``. Nothing is saved then."""
    if attachment.document_id != document.id or attachment.text_source != "ocr":
        raise DocumentError("Tệp này không có văn bản nhận dạng tự động để sửa.")
    if document.version != expected_version:
        raise ConcurrentEditError(_conflict_message(document))
    pages = {page.number: page for page in attachment.ocr_pages}
    if not set(texts) <= set(pages):
        raise DocumentError("Trang không có trong tệp.")
    changed = 0
    try:
        before = snapshot(document)
        for number, typed in texts.items():
            text = vntext.as_written(typed or "").replace("\r\n", "\n").strip()
            if len(text) > MAX_OCR_PAGE_CHARS:
                raise DocumentError(f"Trang {number} dài quá 200.000 ký tự.")
            page = pages[number]
            corrected = None if text == page.text.strip() else text
            if corrected != page.corrected:
                page.corrected = corrected
                changed += 1
        if not changed:
            raise DocumentError("Không có thay đổi nào để lưu.")
        attachment.text = "\n".join(page.shown for page in sorted(pages.values(), key=lambda p: p.number))
        document.updated_by_id = user.id
        document.updated_at = utcnow()
        try:
            _record_revision(document, "ocr_corrected", user, before)
        except StaleDataError:
            db.session.rollback()
            raise ConcurrentEditError(_conflict_message(db.session.get(Document, document.id))) from None
        refresh_citations("document", document.id, *citation_texts(document), own_number=document.number)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return changed


def add_relation(source: Document, target: Document, relation_type: str, user: User) -> DocumentRelation:
    """Record that ``source`` amends/replaces/repeals/guides/is based on ``target``; return it.

    Refuses an unknown type, a relation to itself and a duplicate.
    """
    if relation_type not in RELATION_TYPES:
        raise DocumentError("Loại quan hệ không hợp lệ.")
    if source.id == target.id:
        raise DocumentError("Văn bản không thể có quan hệ với chính nó.")
    exists = db.session.scalar(db.select(DocumentRelation.id).where(
        DocumentRelation.source_id == source.id, DocumentRelation.target_id == target.id,
        DocumentRelation.relation_type == relation_type))
    if exists:
        raise DocumentError("Quan hệ này đã có.")
    before = snapshot(source)
    relation = DocumentRelation(source_id=source.id, target_id=target.id, relation_type=relation_type,
                                created_by_id=user.id if user else None)
    db.session.add(relation)
    source.updated_at = utcnow()
    source.updated_by_id = user.id if user else None
    _record_revision(source, "relation_added", user, before)
    db.session.flush()
    notify_events.document_related(relation, source, target, user)  # followers of both documents
    db.session.commit()
    return relation


def remove_relation(relation: DocumentRelation, user: User) -> None:
    """Delete a relation (recorded as a revision of its source document)."""
    source = relation.source
    before = snapshot(source)
    db.session.delete(relation)
    db.session.flush()
    source.updated_at = utcnow()
    source.updated_by_id = user.id
    _record_revision(source, "relation_removed", user, before)
    db.session.commit()


def relations_of(document: Document, user: User) -> tuple[list, list]:
    """Return (outgoing, incoming) relations whose other document ``user`` may read."""
    clause = access.document_clause(user)
    outgoing = db.session.scalars(
        db.select(DocumentRelation).join(Document, DocumentRelation.target_id == Document.id)
        .where(DocumentRelation.source_id == document.id, clause).order_by(DocumentRelation.id)).all()
    incoming = db.session.scalars(
        db.select(DocumentRelation).join(Document, DocumentRelation.source_id == Document.id)
        .where(DocumentRelation.target_id == document.id, clause).order_by(DocumentRelation.id)).all()
    return outgoing, incoming


def revision_count(document: Document) -> int:
    """How many revisions the document has (without loading their snapshots)."""
    return db.session.scalar(db.select(db.func.count()).where(DocumentRevision.document_id == document.id)) or 0


def revision_relations(snapshot: dict, user: User) -> list[tuple[str, Document]]:
    """Return the relations a revision ``snapshot`` records (``"amends:13"``) as (wording, target
    document), only those whose target ``user`` may read now; the others are left out."""
    found = []
    for item in snapshot.get("relations") or []:
        relation_type, _, target_id = str(item).partition(":")
        if relation_type not in RELATION_TYPES or not target_id.isdigit() or len(target_id) > 10:
            continue
        target = access.readable_document_or_none(user, int(target_id))
        if target is not None:
            found.append((RELATION_TYPES[relation_type][0], target))
    return found


@dataclass
class ParentReference:
    """The document an annex comes with: ``document`` when the library holds it (and the user may
    read it), else only its number and the type that number's code names."""

    number: str
    doc_type: str | None
    document: Document | None


def parent_of(document: Document, user: User) -> ParentReference | None:
    """Return what an annex is attached to ('là phụ lục của'), None for a document that names no
    parent. The parent is the oldest readable live document holding that number, preferring one
    of the annex's issuer; found whenever it is in the library, even if it arrived after the annex."""
    if not document.parent_key:
        return None
    candidates = db.session.scalars(
        db.select(Document).where(Document.number_key == document.parent_key, Document.id != document.id,
                                  access.document_clause(user)).order_by(Document.id)).all()
    parent = next((doc for doc in candidates if document.issuer and vntext.same_words(doc.issuer, document.issuer)),
                  candidates[0] if candidates else None)
    return ParentReference(document.parent_number, parent.doc_type if parent else
                           ingest.type_from_number(document.parent_number), parent)


def annexes_of(document: Document, user: User) -> list[Document]:
    """Return the annexes ``user`` may read that name this document's number as their parent
    ('có phụ lục'), in their order (Phụ lục I, II, III…; unnumbered ones after, by title). An annex
    of another issuer's document with the same number is left out when both issuers are known."""
    if not document.number_key:
        return []
    annexes = db.session.scalars(
        db.select(Document).options(defer(Document.body))
        .where(Document.parent_key == document.number_key, Document.id != document.id,
               access.document_clause(user))
        .order_by(Document.annex_position.is_(None), Document.annex_position, Document.title_sort, Document.id))
    return [annex for annex in annexes
            if not (annex.issuer and document.issuer) or vntext.same_words(annex.issuer, document.issuer)]


def citing_documents(document: Document, user: User) -> list[Document]:
    """Return the documents ``user`` may read whose text mentions this document's number, except
    its own annexes (listed apart, under "Có phụ lục")."""
    if not document.number_key:
        return []
    return list(db.session.scalars(
        db.select(Document)
        .join(Citation, db.and_(Citation.source_kind == "document", Citation.source_id == Document.id))
        .where(Citation.number_key == document.number_key, Document.id != document.id,
               db.or_(Document.parent_key.is_(None), Document.parent_key != document.number_key),
               access.document_clause(user))
        .order_by(Document.issued_on.desc(), Document.id.desc())
    ))


SORTS = {
    "newest": "Mới ban hành trước",
    "number": "Số ký hiệu",
    "title": "Trích yếu (A–Z)",
}


@dataclass
class DocumentFilters:
    """The list page's filters, read from query parameters; bad values are ignored, never an error."""

    category: str = ""
    doc_type: str = ""
    issuer: str = ""
    field_id: int | None = None
    year: int | None = None
    status: str = ""
    number: str = ""
    sort: str = "newest"

    @classmethod
    def from_args(cls, args) -> DocumentFilters:
        def integer(name, low, high):
            try:
                value = int(args.get(name, ""))
            except ValueError:
                return None
            return value if low <= value <= high else None

        sort = args.get("sort", "newest")
        category = args.get("category", "")
        doc_type = vntext.as_written(args.get("type", ""))
        status = vntext.as_written(args.get("status", ""))
        return cls(
            category=category if category in CATEGORIES else "",
            doc_type=doc_type if doc_type in DOCUMENT_TYPES else "",
            issuer=vntext.as_written(args.get("issuer", ""))[:255].strip(),
            field_id=integer("field", 1, 1000),
            year=integer("year", 1900, 2200),
            status=status if status in STATUSES else "",
            number=args.get("number", "")[:100].strip(),
            sort=sort if sort in SORTS else "newest",
        )

    def as_args(self) -> dict:
        """Return the non-empty filters as URL parameters (for links that keep them)."""
        args = {"category": self.category, "type": self.doc_type, "issuer": self.issuer, "field": self.field_id,
                "year": self.year, "status": self.status, "number": self.number,
                "sort": self.sort if self.sort != "newest" else None}
        return {k: v for k, v in args.items() if v}


def list_statement(user: User, filters: DocumentFilters):
    """Return the SELECT of documents ``user`` may read matching ``filters``, sorted. The body is
    not loaded (lists never show it; sorting every row with its full text cost ~100 ms a page)."""
    stmt = db.select(Document).options(defer(Document.body)).where(access.document_clause(user))
    if filters.category:
        stmt = stmt.where(Document.category == filters.category)
    if filters.doc_type:
        stmt = stmt.where(Document.doc_type == filters.doc_type)
    if filters.issuer:
        stmt = stmt.where(Document.issuer.in_(_issuer_spellings(filters.issuer)))
    if filters.status:  # the status the user sees: relations and dates included
        stmt = stmt.where(validity.status_expression(user) == filters.status)
    if filters.year:
        stmt = stmt.where(Document.issued_on >= date(filters.year, 1, 1),
                          Document.issued_on <= date(filters.year, 12, 31))
    if filters.field_id:
        stmt = stmt.where(Document.id.in_(
            db.select(document_fields.c.document_id).where(document_fields.c.field_id == filters.field_id)))
    if filters.number:
        key = vntext.number_key(filters.number)
        stmt = stmt.where(Document.number_key == key) if key else stmt
    if filters.sort == "number":
        stmt = stmt.order_by(Document.number_sort.is_(None), Document.number_sort, Document.id)
    elif filters.sort == "title":
        stmt = stmt.order_by(Document.title_sort, Document.id)
    else:
        stmt = stmt.order_by(Document.issued_on.is_(None), Document.issued_on.desc(), Document.id.desc())
    return stmt


def _issuer_spellings(issuer: str) -> list[str]:
    """Every stored spelling of ``issuer`` (``Uỷ ban…`` and ``Ủy ban…`` are one issuer)."""
    wanted = vntext.nfc(issuer).strip()
    stored = db.session.scalars(db.select(Document.issuer).where(Document.issuer != "").distinct())
    return [issuer, *(name for name in stored if vntext.nfc(name).strip() == wanted)]


def filter_options(user: User) -> dict:
    """Return the choices for the list filters, drawn only from documents ``user`` may read."""
    clause = access.document_clause(user)
    issuers = db.session.scalars(
        db.select(Document.issuer).where(clause, Document.issuer != "").distinct()).all()
    years = db.session.scalars(
        db.select(db.extract("year", Document.issued_on)).where(clause, Document.issued_on.is_not(None)).distinct()
    ).all()
    return {
        "categories": CATEGORIES,
        "types": list(DOCUMENT_TYPES),
        "issuers": sorted({vntext.nfc(name): name for name in sorted(issuers)}.values(), key=vntext.sort_key),
        "years": sorted({int(y) for y in years}, reverse=True),
        "statuses": STATUSES,
        "fields": db.session.scalars(db.select(ReformField).order_by(ReformField.position)).all(),
        "sorts": SORTS,
    }
