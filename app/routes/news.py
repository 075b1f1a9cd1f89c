"""Reform news: the list, article pages, the feed, and the editors' pages (write, preview,
review, publish, history). Rules live in ``app.services.news``."""
from __future__ import annotations

import difflib

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from app import access, clock, ingest, search
from app.errors import ConcurrentEditError, Conflict, DomainError, Forbidden, Invalid
from app.extensions import db
from app.forms import ArticleDocxForm, ArticleForm, ArticleImageForm, PublishForm, ReviewCommentForm
from app.guards import allows_uploads, int_arg
from app.models import Article, ArticleRevision, ReformField
from app.news_text import is_image_name, link_document_numbers, render_markdown
from app.routes import or_404, wants_fragment
from app.routes.errors import status_for
from app.security import role_required
from app.services.library.linking import link_numbers
from app.services.news import articles as news
from app.services.news import feed as news_feed
from app.services.news import images as news_images
from app.services.news import word as news_docx

bp = Blueprint("news", __name__, url_prefix="/news")

WRITE_ROLES = ("editor", "publisher")
PER_PAGE = 10



def _field_choices():
    return list(db.session.scalars(db.select(ReformField).order_by(ReformField.position)))


@bp.route("/")
def index():
    """Return the published news, newest first, optionally in one reform field; for htmx
    ("Xem thêm") only the next rows and the next button."""
    field_id = int_arg("field")
    page = db.paginate(news.live_statement(field_id), per_page=PER_PAGE, error_out=False, max_per_page=PER_PAGE)
    context = {"page": page, "field_id": field_id}
    if wants_fragment():
        return render_template("news/_rows.html", **context)
    return render_template("news/index.html", fields=_field_choices(), **context)


def _readable_or_404(article_id: int) -> Article:
    return or_404(access.readable_article_or_none(current_user, article_id))


@bp.route("/<int:article_id>")
@bp.route("/<int:article_id>/<slug>")
def show(article_id: int, slug: str | None = None):
    """Return the article page; 404 for readers when it is not published, scheduled for later
    or expired (its author and reviewers see it with a notice). Counts the view."""
    article = _readable_or_404(article_id)
    now = clock.utcnow()
    live = article.is_live(now)
    views = news.record_view(article, current_user) if live else article.view_count
    body = Markup(link_document_numbers(article.body_html, lambda text: link_numbers(text, current_user)))
    return render_template(
        "news/show.html", article=article, body=body, live=live, views=views, now=now,
        can_edit=news.can_edit(current_user, article), can_review=news.can_review(current_user),
        related=search.related(current_user, "news", article.id) if live else [],
        publish_form=PublishForm(formdata=None, version=article.version),
        comment_form=ReviewCommentForm(formdata=None, version=article.version),
    )


@bp.route("/feed.atom")
def feed():
    """Return the Atom feed of published news (newest 30); its links start with ``BASE_URL``."""
    xml = news_feed.atom_feed(current_app.config["BASE_URL"])
    return xml, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.route("/images/<path:name>")
def image(name: str):
    """Return a stored news picture if the user may open the article it belongs to, else 404
    (also for anything that is not a stored picture's name)."""
    if not is_image_name(name):
        abort(404)
    owner = news.image_owner(name)
    if owner is None or access.readable_article_or_none(current_user, owner.id) is None:
        abort(404)
    path = news_images.absolute_path(name)
    try:
        response = send_file(path, max_age=3600)
    except FileNotFoundError:
        abort(404)
    response.headers["Content-Disposition"] = "inline"
    return response


# Editors

@bp.route("/manage")
@role_required(*WRITE_ROLES)
def manage():
    """Return the editor dashboard: my drafts, awaiting review, scheduled, published, expired."""
    return render_template("news/manage.html", board=news.dashboard(current_user),
                           can_review=news.can_review(current_user), docx_form=ArticleDocxForm(formdata=None))


def _article_form(article: Article | None = None) -> ArticleForm:
    form = ArticleForm(obj=article)
    form.fields.choices = [SelectChoice(f.id, f.name) for f in _field_choices()]
    if request.method == "GET" and article is not None:
        form.fields.data = [f.id for f in article.fields]
        form.version.data = str(article.version)
    return form


def _data_from(form: ArticleForm) -> news.ArticleData:
    return news.ArticleData(
        title=form.title.data or "", summary=form.summary.data or "", body=form.body.data or "",
        author_name=form.author_name.data or "", source_line=form.source_line.data or "",
        cover_caption=form.cover_caption.data or "", field_ids=list(form.fields.data or []),
    )


def _cover_bytes(form: ArticleForm) -> bytes | None:
    file = form.cover.data
    if not file or not getattr(file, "filename", ""):
        return None
    return file.read(news_images.MAX_IMAGE_BYTES + 1)


def _render_form(form, article, error=None, status=200, preview=None, notice=None, image_form=None):
    if error:
        status = status if status != 200 else 400
    if article is None:
        autosave_url = url_for("news.autosave_new")
    else:
        autosave_url = url_for("news.autosave", article_id=article.id) if news.can_autosave(article) else None
    return render_template("news/form.html", form=form, article=article, error=error, notice=notice,
                           preview=preview, image_form=image_form or ArticleImageForm(formdata=None),
                           autosave_url=autosave_url), status


def _picture_markdown(picture, caption: str | None) -> str:
    """The Markdown line that places ``picture`` with its caption (the figure's caption and alt text)."""
    caption = " ".join((caption or "").replace("[", "(").replace("]", ")").split()) or "Chú thích ảnh"
    return f"![{caption}]({url_for('news.image', name=picture.stored_name)})"


@bp.route("/new", methods=["GET", "POST"])
@allows_uploads
@role_required(*WRITE_ROLES)
def create():
    """Write a new draft. ``action=preview`` shows the rendered body without saving (no-JS preview).
    Refuses invalid input and bad pictures with a message, keeping what was typed."""
    form = _article_form()
    if request.method == "GET":
        form.author_name.data = current_user.full_name
    if request.method == "POST" and request.form.get("action") == "preview":
        return _render_form(form, None, preview=_preview(form.body.data))
    if request.method == "POST":
        if not form.validate_on_submit():
            return _render_form(form, None, "Vui lòng sửa các trường được đánh dấu.")
        try:
            article = news.create_article(_data_from(form), current_user, _cover_bytes(form))
        except DomainError as exc:
            db.session.rollback()
            return _render_form(form, None, str(exc), status_for(exc))
        flash("Đã lưu bản nháp.", "success")
        return redirect(url_for("news.show", article_id=article.id))
    return _render_form(form, None)


@bp.route("/from-docx", methods=["POST"])
@allows_uploads
@role_required(*WRITE_ROLES)
def from_docx():
    """Create a draft from an uploaded .docx (text, tables and pictures) and open it for editing.
    Refuses broken or hostile files with the library's message; nothing is saved then."""
    form = ArticleDocxForm()
    if not form.validate_on_submit():
        flash("Chưa chọn tệp Word để tải lên.", "error")
        return redirect(url_for("news.manage")), 303
    try:
        converted = news_docx.convert_upload(form.file.data, lambda name: url_for("news.image", name=name))
    except ingest.IngestError as exc:
        return render_template("news/manage.html", board=news.dashboard(current_user), docx_form=form,
                               can_review=news.can_review(current_user), docx_error=str(exc)), 400
    data = news.ArticleData(title=converted.title, summary=converted.summary, body=converted.body,
                            author_name=current_user.full_name)
    try:
        article = news.create_article(data, current_user, action="import_docx", extra_images=converted.images)
    except news.NewsError as exc:
        news_images.remove(*(image.stored_name for image in converted.images))
        flash(str(exc), "error")
        return redirect(url_for("news.manage")), 303
    message = f"Đã tạo bản nháp từ tệp Word ({len(converted.images)} ảnh)."
    if converted.skipped_images:
        message += f" {converted.skipped_images} ảnh không phải JPEG/PNG/WebP đã bị bỏ qua."
    flash(message + " Hãy kiểm tra lại nội dung.", "success")
    return redirect(url_for("news.edit", article_id=article.id))


def _editable_or_403(article_id: int) -> Article:
    article = db.get_or_404(Article, article_id)
    if not news.can_edit(current_user, article):
        abort(403)
    return article


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
@allows_uploads
@role_required(*WRITE_ROLES)
def edit(article_id: int):
    """Edit an article as a new revision (authors: own drafts; reviewers: any). Refuses a
    concurrent edit (someone saved since the form was opened) with 409, keeping the input."""
    article = _editable_or_403(article_id)
    form = _article_form(article)
    if request.method == "POST" and request.form.get("action") == "preview":
        return _render_form(form, article, preview=_preview(form.body.data))
    if request.method == "POST" and request.form.get("action") == "picture":
        return _picture_in_form(form, article)
    if request.method == "POST":
        if not form.validate_on_submit():
            return _render_form(form, article, "Vui lòng sửa các trường được đánh dấu.")
        try:
            expected = int(form.version.data or 0)
        except ValueError:
            abort(400)
        try:
            news.update_article(article, _data_from(form), current_user, expected, _cover_bytes(form),
                                remove_cover=form.remove_cover.data)
        except ConcurrentEditError as exc:
            fresh = db.session.get(Article, article_id)
            form.version.data = str(fresh.version)
            return _render_form(form, fresh, str(exc), status_for(exc))
        except DomainError as exc:
            db.session.rollback()
            return _render_form(form, db.session.get(Article, article_id), str(exc), status_for(exc))
        flash("Đã lưu thay đổi.", "success")
        return redirect(url_for("news.show", article_id=article.id))
    return _render_form(form, article)


def _picture_in_form(form: ArticleForm, article: Article):
    """The "Tải ảnh lên và chèn" button without JavaScript: store the picture, put its line at the
    end of the body and show the form again with everything typed (nothing else is saved)."""
    image_form = ArticleImageForm()
    if not image_form.validate_on_submit():
        return _render_form(form, article, "Chưa chọn ảnh để tải lên.", image_form=image_form)
    try:
        picture = news.add_image(article, image_form.file.data.read(news_images.MAX_IMAGE_BYTES + 1), current_user)
    except news_images.ImageError as exc:
        return _render_form(form, article, str(exc), image_form=image_form)
    form.body.data = ((form.body.data or "").rstrip() + "\n\n" + _picture_markdown(picture, image_form.caption.data)
                      + "\n").lstrip()
    return _render_form(form, db.session.get(Article, article.id), notice=(
        "Đã tải ảnh lên và thêm vào cuối nội dung. Bài chưa được lưu: bấm «Lưu bản nháp» để lưu."),
        preview=_preview(form.body.data))


@bp.route("/autosave", methods=["POST"])
@role_required(*WRITE_ROLES)
def autosave_new():
    """Autosave of the "Viết tin mới" page: the first one with a title creates the draft. Returns
    the autosave line (its next address is the draft's), the draft's version and picture panel out
    of band, and ``HX-Replace-Url`` to the draft's edit page; a refusal (no title yet) is the line's
    message, and the next keystrokes try again."""
    form = _article_form()
    form.validate()
    try:
        article = news.create_article(_data_from(form), current_user)
    except news.NewsError as exc:
        db.session.rollback()
        return render_template("news/_autosave.html", autosave_url=url_for("news.autosave_new"),
                               problem=_autosave_problem(exc))
    edit_url = url_for("news.edit", article_id=article.id)
    response = make_response(render_template(
        "news/_autosave.html", autosave_url=url_for("news.autosave", article_id=article.id), edit_url=edit_url,
        saved_at=article.updated_at, new_version=article.version, picture_panel_for=article,
        image_form=ArticleImageForm(formdata=None)))
    response.headers["HX-Replace-Url"] = edit_url
    return response


@bp.route("/<int:article_id>/autosave", methods=["POST"])
@role_required(*WRITE_ROLES)
def autosave(article_id: int):
    """Keep what is typed in the editor (``news.autosave``): returns the autosave line and, when it
    saved, the new version out of band so the next manual save is not a concurrent edit. A refusal
    is the line's message; after a concurrent edit or on a live article autosave stops there."""
    article = _editable_or_403(article_id)
    form = _article_form(article)
    form.validate()
    try:
        expected = int(form.version.data or 0)
    except ValueError:
        abort(400)
    own_url = url_for("news.autosave", article_id=article.id)
    try:
        changed = news.autosave(article, _data_from(form), current_user, expected)
    except Forbidden:
        db.session.rollback()
        abort(403)
    except DomainError as exc:
        db.session.rollback()
        stopped = isinstance(exc, ConcurrentEditError) or not news.can_autosave(article)
        return render_template("news/_autosave.html", autosave_url=None if stopped else own_url,
                               problem=_autosave_problem(exc))
    return render_template("news/_autosave.html", autosave_url=own_url, saved_at=article.updated_at,
                           new_version=article.version if changed else None)


def _autosave_problem(exc: DomainError) -> str:
    if isinstance(exc, ConcurrentEditError):
        return "Đã ngừng tự động lưu: " + str(exc).split(" Nội dung bạn nhập")[0] + \
            " Bấm «Lưu bản nháp» để xem bản mới; nội dung bạn nhập vẫn được giữ."
    message = str(exc)
    if "Chưa nhập tiêu đề" in message:
        return "Chưa tự động lưu: bài cần có tiêu đề."
    return "Chưa tự động lưu: " + message


@bp.route("/preview", methods=["POST"])
@role_required(*WRITE_ROLES)
def preview():
    """Return the sanitised rendering of the Markdown in ``body`` (the live preview while typing)."""
    return render_template("news/_preview.html", preview=_preview(request.form.get("body", "")))


def _preview(body: str | None) -> Markup:
    """The rendered body for a preview; a body longer than an article may be is not rendered
    (its rendering would cost seconds for nothing: it cannot be saved), the preview says so."""
    if len(body or "") > news.MAX_BODY:
        limit = f"{news.MAX_BODY:,}".replace(",", ".")
        return Markup('<p class="flash flash--error" role="alert">Nội dung bài quá dài để xem trước (tối đa {} '
                      "ký tự); bài dài như vậy cũng không lưu được.</p>").format(limit)
    return Markup(render_markdown(body))


@bp.route("/<int:article_id>/images", methods=["POST"])
@allows_uploads
@role_required(*WRITE_ROLES)
def add_image(article_id: int):
    """Store a picture for the article body (with its caption). For htmx (the editor's picture
    button): the status line carrying the Markdown to insert at the cursor, and the picture added
    to the editor's list out of band; the text being written is not touched. Without JavaScript:
    back to the editor with the line to copy. Refuses bad pictures with a message."""
    article = _editable_or_403(article_id)
    form = ArticleImageForm()
    if not form.validate_on_submit():
        problem = " ".join(e for errors in form.errors.values() for e in errors) or "Chưa chọn ảnh để tải lên."
        if wants_fragment():
            return render_template("news/_picture_status.html", problem=problem)
        flash(problem, "error")
        return redirect(url_for("news.edit", article_id=article.id)), 303
    try:
        picture = news.add_image(article, form.file.data.read(news_images.MAX_IMAGE_BYTES + 1), current_user)
    except news_images.ImageError as exc:
        if wants_fragment():
            return render_template("news/_picture_status.html", problem=str(exc))
        flash(str(exc), "error")
        return redirect(url_for("news.edit", article_id=article.id)), 303
    markdown = _picture_markdown(picture, form.caption.data)
    if wants_fragment():
        return render_template("news/_picture_status.html", picture=picture, markdown=markdown)
    flash(f"Đã tải ảnh lên. Chép dòng sau vào nội dung: {markdown}", "success")
    return redirect(url_for("news.edit", article_id=article.id)), 303


# Workflow

def _expected_version(form) -> int | None:
    try:
        return int(form.version.data) if form.version.data else None
    except ValueError:
        abort(400)


def _workflow(article_id: int, step):
    """Run one workflow ``step`` on the article and go back to its page with what happened.
    A step the user may not take is a 403 (``app.routes.errors``); any other refusal is flashed."""
    article = db.get_or_404(Article, article_id)
    try:
        message = step(article)
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(message, "success")
    return redirect(url_for("news.show", article_id=article_id)), 303


@bp.route("/<int:article_id>/submit", methods=["POST"])
@role_required(*WRITE_ROLES)
def submit(article_id: int):
    """Send the article for review (its author or a reviewer)."""
    form = ReviewCommentForm()
    form.validate()
    return _workflow(article_id, lambda a: (news.submit(a, current_user, _expected_version(form)),
                                            "Đã gửi bài chờ duyệt.")[1])


@bp.route("/<int:article_id>/publish", methods=["POST"])
@role_required("publisher")
def publish(article_id: int):
    """Publish now or at the chosen time, optionally until an expiry time (reviewers only)."""
    form = PublishForm()
    if not form.validate():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("news.show", article_id=article_id)), 303

    def step(article):
        news.publish(article, current_user, form.publish_at.data, form.expires_at.data, _expected_version(form))
        if article.publish_at > clock.utcnow():
            return f"Đã hẹn giờ đăng lúc {clock.to_vietnam(article.publish_at):%H:%M %d/%m/%Y}."
        return "Đã xuất bản bài viết."

    return _workflow(article_id, step)


@bp.route("/<int:article_id>/send-back", methods=["POST"])
@role_required("publisher")
def send_back(article_id: int):
    """Return a submitted article to its author with a comment (reviewers only)."""
    form = ReviewCommentForm()
    form.validate()
    return _workflow(article_id, lambda a: (news.send_back(a, current_user, form.comment.data or "",
                                                           _expected_version(form)), "Đã trả lại bài cho tác giả.")[1])


@bp.route("/<int:article_id>/unpublish", methods=["POST"])
@role_required("publisher")
def unpublish(article_id: int):
    """Take a published article down everywhere (reviewers only)."""
    form = ReviewCommentForm()
    form.validate()
    return _workflow(article_id, lambda a: (news.unpublish(a, current_user, form.comment.data or "",
                                                           _expected_version(form)), "Đã gỡ bài viết.")[1])


# Revisions

@bp.route("/<int:article_id>/history")
@role_required(*WRITE_ROLES)
def history(article_id: int):
    """Return the list of revisions (who, when, what) with a form to compare two of them."""
    article = db.get_or_404(Article, article_id)
    if not access.can_see_unpublished(current_user, article) and not news.can_review(current_user):
        abort(404)
    revisions = list(db.session.scalars(db.select(ArticleRevision).where(ArticleRevision.article_id == article.id)
                                        .order_by(ArticleRevision.number.desc())))
    return render_template("news/history.html", article=article, revisions=revisions,
                           labels=news.ACTION_LABELS, can_edit=news.can_edit(current_user, article),
                           comment_form=ReviewCommentForm(formdata=None, version=article.version))


def _revision_or_404(article: Article, number: int) -> ArticleRevision:
    revision = db.session.scalar(db.select(ArticleRevision).where(
        ArticleRevision.article_id == article.id, ArticleRevision.number == number))
    if revision is None:
        abort(404)
    return revision


def _diff_rows(old: str, new: str) -> list[tuple[str, str]]:
    rows = []
    for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
        if line.startswith("? "):
            continue
        kind = {"+ ": "added", "- ": "removed"}.get(line[:2], "same")
        rows.append((kind, line[2:]))
    return rows


@bp.route("/<int:article_id>/compare")
@role_required(*WRITE_ROLES)
def compare(article_id: int):
    """Return the differences between revisions ``a`` and ``b`` (title, summary, body line by line)."""
    article = db.get_or_404(Article, article_id)
    if not access.can_see_unpublished(current_user, article) and not news.can_review(current_user):
        abort(404)
    a, b = int_arg("a"), int_arg("b")
    if a is None or b is None:
        abort(400)
    old, new = _revision_or_404(article, min(a, b)), _revision_or_404(article, max(a, b))
    sections = []
    for name, label in (("title", "Tiêu đề"), ("summary", "Tóm tắt"), ("body", "Nội dung"),
                        ("author_name", "Tác giả"), ("source_line", "Nguồn"), ("cover_caption", "Chú thích ảnh")):
        before, after = old.snapshot.get(name) or "", new.snapshot.get(name) or ""
        sections.append({"label": label, "changed": before != after, "rows": _diff_rows(before, after)})
    return render_template("news/compare.html", article=article, old=old, new=new, sections=sections)


@bp.route("/<int:article_id>/restore/<int:number>", methods=["POST"])
@role_required(*WRITE_ROLES)
def restore(article_id: int, number: int):
    """Bring back the content of revision ``number`` as a new revision (who may edit the article)."""
    form = ReviewCommentForm()
    form.validate()
    article = _editable_or_403(article_id)
    try:
        news.restore(article, number, current_user, _expected_version(form))
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("news.history", article_id=article_id)), 303
    flash(f"Đã khôi phục nội dung phiên bản {number}.", "success")
    return redirect(url_for("news.show", article_id=article_id)), 303
