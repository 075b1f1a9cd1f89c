"""The document library: list with filters, document page, create/edit/delete, files, relations, history."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import access, ingest, search, validity
from app.errors import ConcurrentEditError, DomainError
from app.extensions import db
from app.forms import AttachmentForm, ConfirmForm, DocumentForm, RelationForm
from app.guards import allows_uploads
from app.models import (
    ANNEX_WORDING,
    CATEGORIES,
    DOCUMENT_TYPES,
    RELATION_TYPES,
    STATUSES,
    Attachment,
    DocumentRelation,
    DocumentRevision,
    ReformField,
    Unit,
)
from app.routes import or_404, prefill_form, wants_fragment
from app.routes.errors import status_for
from app.security import role_required
from app.services import uploads
from app.services.library import diagram as relation_diagram
from app.services.library import documents as library
from app.services.library import importer, ocr
from app.services.library.linking import linked_paragraphs

bp = Blueprint("documents", __name__, url_prefix="/documents")

EDIT_ROLES = ("editor", "admin")



@bp.route("/")
def index():
    """Return the filtered, sorted, paginated list of documents the user may read, each with the
    validity the user sees (only the results part for htmx requests)."""
    filters = library.DocumentFilters.from_args(request.args)
    page = db.paginate(library.list_statement(current_user, filters), per_page=20, error_out=False, max_per_page=100)
    context = {"page": page, "filters": filters, "filter_args": filters.as_args(),
               "validities": validity.for_documents(page.items, current_user)}
    if wants_fragment():
        return render_template("documents/_rows.html", **context)
    return render_template("documents/index.html", options=library.filter_options(current_user), **context)


# tab key → (endpoint, label): each part of the document page has its own address
TABS = {
    "thuoc-tinh": ("documents.show", "Thuộc tính"),
    "toan-van": ("documents.fulltext", "Toàn văn"),
    "luoc-do": ("documents.diagram", "Lược đồ"),
    "tai-ve": ("documents.downloads", "Tải về"),
}


@bp.route("/<int:document_id>")
def show(document_id: int):
    """Return the document page on its first tab, Thuộc tính: properties, validity and why, the
    counts of related documents by relation, then the full text and related documents; 404 when
    it does not exist or the user may not read it. An htmx request gets the tabs and this tab only."""
    return _tab_page(document_id, "thuoc-tinh")


@bp.route("/<int:document_id>/toan-van")
def fulltext(document_id: int):
    """Return the document page on its Toàn văn tab (the text, numbers linked); 404 as ``show``."""
    return _tab_page(document_id, "toan-van")


@bp.route("/<int:document_id>/luoc-do")
def diagram(document_id: int):
    """Return the document page on its Lược đồ tab: the document between what it amends, replaces,
    repeals, guides, is based on and cites, and what does so to it, by relation with counts and
    the first few of each (only documents the user may open); 404 as ``show``."""
    return _tab_page(document_id, "luoc-do")


@bp.route("/<int:document_id>/tai-ve")
def downloads(document_id: int):
    """Return the document page on its Tải về tab (the files, and the upload form for editors)."""
    return _tab_page(document_id, "tai-ve")


def _tab_page(document_id: int, tab: str):
    document = or_404(access.readable_document_or_none(current_user, document_id))
    can_edit = current_user.has_role(*EDIT_ROLES)
    label = TABS[tab][1]
    context = {
        "document": document, "tab": tab, "tabs": TABS, "can_edit": can_edit, "fragment": wants_fragment(),
        "page_title": document.display_name if tab == "thuoc-tinh" else f"{label} – {document.display_name}",
        "validity": validity.of(document, current_user), "confirm_form": ConfirmForm(formdata=None),
        "parent": library.parent_of(document, current_user), "annex_wording": ANNEX_WORDING,
    }
    if tab in ("thuoc-tinh", "luoc-do"):
        context["diagram"] = relation_diagram.diagram(document, current_user)
        context["annexes"] = library.annexes_of(document, current_user)
    if tab in ("thuoc-tinh", "toan-van"):
        context["body_html"] = linked_paragraphs(document.body, current_user, exclude_id=document.id)
    if tab == "toan-van":
        context.update(_ocr_context(document))
        scans = [a for a in document.attachments if a.original_name.lower().endswith(ocr.OCR_EXTENSIONS)]
        context["ocr_off"] = ocr.status_message() if scans and not context["ocr_items"] else None
    if tab == "thuoc-tinh":
        context["related"] = search.related(current_user, "document", document.id, record=document)
        context["revision_count"] = library.revision_count(document)
    if tab == "luoc-do":
        context["relation_form"] = _relation_form()
    if tab == "tai-ve":
        context["attachment_form"] = AttachmentForm(formdata=None)
        context["ocr_states"] = {item.attachment.id: item.label or ("Nhận dạng chữ lỗi" if item.job and
                                                                    item.job.status == "failed" else "")
                                 for item in ocr.for_document(document)}
    if context["fragment"]:
        return render_template("documents/_tab.html", **context)
    return render_template("documents/show.html", **context)


@bp.route("/<int:document_id>/luoc-do/<group>")
def relation_group(document_id: int, group: str):
    """Return one group of the diagram (``Được dẫn chiếu bởi``…) from position ``start``, a page of
    documents the user may open: for htmx the next list items with a "Xem thêm" link for the rest;
    otherwise a page with links to the previous and next pages. 404 for an unknown group or a
    document the user may not read."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    if group not in relation_diagram.GROUPS:
        abort(404)
    start = min(max(request.args.get("start", 0, type=int), 0), 10_000_000)
    found = relation_diagram.group_page(document, current_user, group, start)
    context = {"document": document, "group": found, "can_edit": current_user.has_role(*EDIT_ROLES),
               "confirm_form": ConfirmForm(formdata=None), "page_size": relation_diagram.PAGE_SIZE}
    if wants_fragment():
        return render_template("documents/_group_items.html", more=True, **context)
    return render_template("documents/group.html", **context)


def _relation_form(formdata=None) -> RelationForm:
    form = RelationForm(formdata=formdata)
    form.relation_type.choices = [SelectChoice(key, words[0]) for key, words in RELATION_TYPES.items()]
    return form


def _document_form(document=None) -> DocumentForm:
    """The document form with its choices; on GET filled from ``document`` (if any)."""
    form = DocumentForm(obj=document)
    form.category.choices = [SelectChoice(k, v) for k, v in CATEGORIES.items()]
    form.doc_type.choices = [SelectChoice("", "— Chọn loại —")] + [SelectChoice(t, t) for t in DOCUMENT_TYPES]
    form.status.choices = [SelectChoice("", "— Không áp dụng —")] + [SelectChoice(s, s) for s in STATUSES]
    form.fields.choices = [SelectChoice(f.id, f"{f.position}. {f.name}") for f in
                           db.session.scalars(db.select(ReformField).order_by(ReformField.position))]
    form.visibility.choices = [SelectChoice("all", "Toàn thể cán bộ, công chức"),
                               SelectChoice("units", "Chỉ các đơn vị được chọn")]
    form.units.choices = [SelectChoice(u.id, f"{u.code} – {u.name}") for u in
                          db.session.scalars(db.select(Unit).order_by(Unit.code))]
    if document is not None and request.method == "GET":
        form.fields.data = [f.id for f in document.fields]
        form.units.data = [u.id for u in document.units]
        form.status.data = document.status or ""
        form.version.data = str(document.version)
    return form


def _data_from(form: DocumentForm) -> library.DocumentData:
    return library.DocumentData(
        category=form.category.data, doc_type=form.doc_type.data, number=form.number.data,
        title=form.title.data, summary=form.summary.data, issuer=form.issuer.data, signer=form.signer.data,
        signer_title=form.signer_title.data, issued_on=form.issued_on.data, effective_on=form.effective_on.data,
        expires_on=form.expires_on.data, gazette_number=form.gazette_number.data, gazette_on=form.gazette_on.data,
        status=form.status.data or None,
        field_ids=form.fields.data or [], visibility=form.visibility.data, unit_ids=form.units.data or [],
        body=form.body.data, parent_number=form.parent_number.data,
    )


def _prefill(form: DocumentForm) -> str:
    """Read the .docx in ``source_file`` into the form (``importer.docx_prefill``), park the file for
    the save; return the message for the user. Raises IngestError."""
    stored = uploads.accept_upload(form.source_file.data, allowed=("docx",))
    prefill = importer.docx_prefill(stored)
    prefill_form(form, prefill)
    form.pending_token.data = uploads.park_pending(stored, current_user.id)
    read = ", ".join(prefill.found) if prefill.found else "không đọc được thông tin nào từ phần đầu văn bản"
    return (f"Đã đọc tệp {stored.original_name}: {read}. Vui lòng kiểm tra, bổ sung rồi bấm Lưu; "
            "tệp sẽ được lưu làm tệp đính kèm.")


@bp.route("/new", methods=["GET", "POST"])
@allows_uploads
@role_required(*EDIT_ROLES)
def create():
    """Create a document; ``action=prefill`` reads an uploaded .docx into the form first.

    Refuses invalid data, a duplicate number and broken or hostile files with a message;
    nothing is saved then and the user's input stays in the form.
    """
    form = _document_form()
    error, notice, status = None, None, 200
    if request.method == "POST" and request.form.get("action") == "prefill":
        # Only the file matters here (CSRF was checked for every POST); other fields are kept as typed.
        try:
            notice = _prefill(form)
        except DomainError as exc:
            error, status = str(exc), status_for(exc)
    elif request.method == "POST" and form.validate_on_submit():
        try:
            document = _save_new(form)
        except DomainError as exc:
            error, status = str(exc), status_for(exc)
        else:
            flash("Đã lưu văn bản.", "success")
            return redirect(url_for("documents.show", document_id=document.id))
    elif request.method == "POST":
        error, status = "Vui lòng sửa các trường được đánh dấu.", 400
    return render_template("documents/form.html", form=form, document=None, error=error, notice=notice), status


def _save_new(form: DocumentForm):
    """Create the document from the form with its files (the parked source file first); return it.
    A refusal is raised as it came, the parked file kept for the next try."""
    files = uploads.accept_all(form.attachments.data)
    pending = uploads.take_pending(form.pending_token.data, current_user.id) if form.pending_token.data else None
    if pending is not None:
        files.insert(0, pending)
    try:
        return library.create_document(_data_from(form), current_user, files)
    except DomainError:
        if pending is not None:  # keep the parked source file for the next try
            form.pending_token.data = uploads.park_pending(pending, current_user.id)
        raise


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
@allows_uploads
@role_required(*EDIT_ROLES)
def edit(document_id: int):
    """Edit a document's metadata and text (and add files) as a new revision.

    Refuses a concurrent edit (someone saved since the form was opened) without losing input.
    """
    document = or_404(access.readable_document_or_none(current_user, document_id))
    form = _document_form(document)
    error, status = None, 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            expected = int(form.version.data or 0)
        except ValueError:
            abort(400)
        try:
            files = uploads.accept_all(form.attachments.data)
            library.update_document(document, _data_from(form), current_user, expected, files)
        except DomainError as exc:
            error, status = str(exc), status_for(exc)
            if isinstance(exc, ConcurrentEditError):
                db.session.refresh(document)
                form.version.data = str(document.version)
        else:
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for("documents.show", document_id=document.id))
    elif request.method == "POST":
        error, status = "Vui lòng sửa các trường được đánh dấu.", 400
    return render_template("documents/form.html", form=form, document=document, error=error, notice=None), status


@bp.route("/<int:document_id>/delete", methods=["GET", "POST"])
@role_required(*EDIT_ROLES)
def delete(document_id: int):
    """Ask for confirmation (GET), then remove the document from the library (POST)."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        library.delete_document(document, current_user)
        flash(f"Đã xóa văn bản {document.display_name}.", "success")
        return redirect(url_for("documents.index"))
    return render_template("documents/confirm_delete.html", document=document, form=form)


@bp.route("/<int:document_id>/attachments/<int:attachment_id>")
def download(document_id: int, attachment_id: int):
    """Send an attachment under its original (Vietnamese) name; 404 unless the user may read the document."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.document_id != document.id:
        abort(404)
    return send_file(uploads.absolute_path(attachment.stored_name), mimetype=attachment.content_type,
                     as_attachment=True, download_name=attachment.original_name, max_age=0)


@bp.route("/<int:document_id>/attachments/<int:attachment_id>/ban-tim-kiem-duoc")
def download_searchable(document_id: int, attachment_id: int):
    """Send the searchable copy of a scanned attachment (the original's pages with an invisible text
    layer from OCR) as ``<name> (có lớp chữ).pdf``; 404 unless the user may read the document and
    the copy exists. The original stays untouched and downloadable beside it."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.document_id != document.id or not attachment.searchable_name:
        abort(404)
    stem = attachment.original_name.rsplit(".", 1)[0]
    return send_file(uploads.absolute_path(attachment.searchable_name), mimetype="application/pdf",
                     as_attachment=True, download_name=f"{stem} (có lớp chữ).pdf", max_age=0)


def _ocr_context(document) -> dict:
    """What the OCR blocks of the Toàn văn tab need: each attachment's OCR, the label, and a
    function rendering a page's text as linked paragraphs for the current user."""
    return {"ocr_items": ocr.for_document(document), "ocr_label": ocr.LABEL,
            "page_html": lambda text: linked_paragraphs(text, current_user, exclude_id=document.id)}


def _readable_attachment(document_id: int, attachment_id: int):
    document = or_404(access.readable_document_or_none(current_user, document_id))
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.document_id != document.id:
        abort(404)
    return document, attachment


@bp.route("/<int:document_id>/ocr/<int:attachment_id>")
def ocr_block(document_id: int, attachment_id: int):
    """Return one attachment's OCR block for htmx polling: progress ("Đang nhận dạng chữ, 3/12
    trang") with the trigger to ask again in 2 s while the job waits or runs, else the recognised
    text (or the failure message) without it, which ends the polling. A plain request goes to the
    Toàn văn tab. 404 unless the user may read the document."""
    document, attachment = _readable_attachment(document_id, attachment_id)
    if not wants_fragment():
        return redirect(url_for("documents.fulltext", document_id=document.id) + f"#ocr-{attachment.id}")
    context = _ocr_context(document)
    return render_template("documents/_ocr_block.html", document=document, item=ocr.for_attachment(attachment),
                           can_edit=current_user.has_role(*EDIT_ROLES), **{k: v for k, v in context.items()
                                                                            if k != "ocr_items"})


@bp.route("/<int:document_id>/ocr/<int:attachment_id>/sua", methods=["GET", "POST"])
@role_required(*EDIT_ROLES)
def correct_ocr(document_id: int, attachment_id: int):
    """Correct the text OCR recognised in an attachment, page by page, saved as a revision of the
    document; refuses a concurrent edit (someone saved since the form opened) keeping the typed
    text. 404 unless the editor may read the document and the file has recognised text."""
    document, attachment = _readable_attachment(document_id, attachment_id)
    item = ocr.for_attachment(attachment)
    if not item.pages:
        abort(404)
    form = ConfirmForm()
    error, status = None, 200
    typed = {page.number: page.shown for page in item.pages}
    version = document.version
    if request.method == "POST":
        typed = {page.number: request.form.get(f"trang-{page.number}", "") for page in item.pages}
        try:
            version = int(request.form.get("version", ""))
        except ValueError:
            abort(400)
        if not form.validate_on_submit():
            abort(400)
        try:
            library.correct_ocr_text(document, attachment, typed, current_user, version)
        except DomainError as exc:
            error, status = str(exc), status_for(exc)
            if isinstance(exc, ConcurrentEditError):
                db.session.refresh(document)
                version = document.version
        else:
            flash("Đã lưu văn bản nhận dạng đã sửa.", "success")
            return redirect(url_for("documents.fulltext", document_id=document.id) + f"#ocr-{attachment.id}")
    return render_template("documents/ocr_form.html", document=document, item=item, typed=typed, form=form,
                           version=version, error=error, ocr_label=ocr.LABEL), status


@bp.route("/<int:document_id>/attachments", methods=["POST"])
@allows_uploads
@role_required(*EDIT_ROLES)
def add_attachment(document_id: int):
    """Attach one uploaded file; refuses broken or hostile files with a message."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            attachment = library.add_attachment(document, uploads.accept_upload(form.file.data), current_user)
        except ingest.IngestError as exc:
            flash(str(exc), "error")
        else:
            flash("Đã thêm tệp đính kèm." + (" Đang nhận dạng chữ của tệp quét; văn bản sẽ hiện ở mục Toàn văn."
                                             if attachment.ocr_job is not None else ""), "success")
    else:
        flash("Chưa chọn tệp để tải lên.", "error")
    return redirect(url_for("documents.downloads", document_id=document.id) + "#tep-dinh-kem")


@bp.route("/<int:document_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@role_required(*EDIT_ROLES)
def remove_attachment(document_id: int, attachment_id: int):
    """Remove an attachment from the document (kept in the history by name)."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.document_id != document.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    library.remove_attachment(document, attachment, current_user)
    flash(f"Đã gỡ tệp {attachment.original_name}.", "success")
    return redirect(url_for("documents.downloads", document_id=document.id) + "#tep-dinh-kem")


@bp.route("/<int:document_id>/relations", methods=["POST"])
@role_required(*EDIT_ROLES)
def add_relation(document_id: int):
    """Add a typed relation to another document found by its number; refuses unknown numbers."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    form = _relation_form(request.form)
    if form.validate_on_submit():
        target = library.find_by_number(form.target_number.data)
        if target is None or not access.can_read_document(current_user, target):
            flash(f"Không tìm thấy văn bản số {form.target_number.data} trong thư viện.", "error")
        else:
            try:
                library.add_relation(document, target, form.relation_type.data, current_user)
            except library.DocumentError as exc:
                flash(str(exc), "error")
            else:
                flash("Đã thêm quan hệ văn bản.", "success")
    else:
        flash("Nhập số ký hiệu và chọn loại quan hệ.", "error")
    return redirect(url_for("documents.diagram", document_id=document.id) + "#quan-he")


@bp.route("/<int:document_id>/relations/<int:relation_id>/delete", methods=["POST"])
@role_required(*EDIT_ROLES)
def remove_relation(document_id: int, relation_id: int):
    """Delete a relation of this document (either direction). 404, as for a relation that does
    not exist, unless the editor may open both of its documents."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    relation = db.session.get(DocumentRelation, relation_id)
    if relation is None or document.id not in (relation.source_id, relation.target_id) \
            or not access.can_change_relation(current_user, relation):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    library.remove_relation(relation, current_user)
    flash("Đã xóa quan hệ văn bản.", "success")
    return redirect(url_for("documents.diagram", document_id=document.id) + "#quan-he")


@bp.route("/<int:document_id>/history")
def history(document_id: int):
    """Return the revisions of the document the user could read when they were made, newest first."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    revisions = [rev for rev in document.revisions
                 if access.can_read_revision(current_user, document, rev.snapshot)]
    return render_template("documents/history.html", document=document, revisions=revisions,
                           labels=library.SNAPSHOT_LABELS)


@bp.route("/<int:document_id>/revisions/<int:version>")
def revision(document_id: int, version: int):
    """Return the document as it was at one revision, its relations as links to the documents
    the user may open; 404 unless the user could read that revision (its own visibility then)."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    rev = db.session.scalar(db.select(DocumentRevision).where(
        DocumentRevision.document_id == document.id, DocumentRevision.version == version))
    if rev is None or not access.can_read_revision(current_user, document, rev.snapshot):
        abort(404)
    return render_template("documents/revision.html", document=document, revision=rev, labels=library.SNAPSHOT_LABELS,
                           relations=library.revision_relations(rev.snapshot, current_user))
