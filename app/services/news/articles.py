"""Rules for reform news: who may write, submit, publish, send back and unpublish; revisions;
what readers see and when (publication and expiry are checked on every read).

Every change writes a revision in its transaction; the search index follows each commit
(``app.search.tracking``).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm.exc import StaleDataError

from app import access, clock, vntext
from app.errors import ConcurrentEditError, Forbidden, Invalid
from app.extensions import db
from app.models import EDITOR, PUBLISHER, Article, ArticleImage, ArticleRevision, ReformField, User
from app.models.news import DRAFT, PUBLISHED, SUBMITTED, UNPUBLISHED
from app.news_text import plain_text, render_markdown, slugify
from app.services import audit
from app.services.news import images as news_images
from app.services.notify import events as notify_events

MAX_TITLE = 500
MAX_SUMMARY = 1000
MAX_BODY = 200_000
MAX_LINE = 300
SNAPSHOT_FIELDS = ("title", "summary", "body", "author_name", "source_line", "cover_caption")

ACTION_LABELS = {
    "create": "Tạo bài",
    "edit": "Sửa bài",
    "submit": "Gửi duyệt",
    "publish": "Xuất bản",
    "send_back": "Trả lại",
    "unpublish": "Gỡ bài",
    "restore": "Khôi phục phiên bản",
    "import_docx": "Tạo từ tệp Word",
    "autosave": "Tự động lưu",
}


class NewsError(Invalid):
    """A news change was refused; the message says why, in Vietnamese."""


@dataclass
class ArticleData:
    """What an editor supplies for an article."""

    title: str = ""
    summary: str = ""
    body: str = ""
    author_name: str = ""
    source_line: str = ""
    cover_caption: str = ""
    field_ids: list[int] = field(default_factory=list)


# Who may do what

def can_write(user) -> bool:
    """Communications staff (editors) write news; reviewers and admins too."""
    return user.is_authenticated and user.has_role(EDITOR, PUBLISHER)


def can_review(user) -> bool:
    """Reviewers publish, send back and unpublish: admins and editors granted the publish right
    (``app.access.is_news_reviewer``; they also read every unpublished article)."""
    return access.is_news_reviewer(user)


def can_edit(user, article: Article) -> bool:
    """Reviewers edit any article; an editor edits their own while it is a draft or unpublished."""
    if can_review(user):
        return True
    return can_write(user) and article.created_by_id == user.id and article.status in (DRAFT, UNPUBLISHED)


# Validation and snapshots

def _clean(text: str | None) -> str:
    return vntext.as_written((text or "").replace("\r\n", "\n")).strip()


def validate(data: ArticleData) -> ArticleData:
    """Return cleaned data; raise NewsError with every problem listed."""
    data = ArticleData(
        title=" ".join(_clean(data.title).split()), summary=_clean(data.summary), body=_clean(data.body),
        author_name=" ".join(_clean(data.author_name).split()), source_line=" ".join(_clean(data.source_line).split()),
        cover_caption=" ".join(_clean(data.cover_caption).split()), field_ids=sorted(set(data.field_ids)),
    )
    problems = []
    if not data.title:
        problems.append("Chưa nhập tiêu đề.")
    if len(data.title) > MAX_TITLE:
        problems.append(f"Tiêu đề dài quá {MAX_TITLE} ký tự.")
    if len(data.summary) > MAX_SUMMARY:
        problems.append(f"Tóm tắt dài quá {MAX_SUMMARY} ký tự.")
    if len(data.body) > MAX_BODY:
        problems.append("Nội dung bài quá dài.")
    labelled = ((data.author_name, "Tác giả"), (data.source_line, "Nguồn"), (data.cover_caption, "Chú thích ảnh"))
    for value, label in labelled:
        if len(value) > MAX_LINE:
            problems.append(f"{label} dài quá {MAX_LINE} ký tự.")
    if problems:
        raise NewsError(" ".join(problems))
    return data


def snapshot(article: Article) -> dict:
    """Return the article's content as plain JSON data (what a revision stores)."""
    data = {name: getattr(article, name) for name in SNAPSHOT_FIELDS}
    data["fields"] = [f.id for f in article.fields]
    data["cover_name"] = article.cover_name
    data["cover_thumb_name"] = article.cover_thumb_name
    data["status"] = article.status
    data["publish_at"] = article.publish_at.isoformat() if article.publish_at else None
    data["expires_at"] = article.expires_at.isoformat() if article.expires_at else None
    return data


def _apply(article: Article, data: ArticleData) -> None:
    for name in SNAPSHOT_FIELDS:
        setattr(article, name, getattr(data, name))
    article.body_html = render_markdown(article.body)
    article.fields = list(db.session.scalars(db.select(ReformField).where(ReformField.id.in_(data.field_ids)))) \
        if data.field_ids else []


def _unique_slug(title: str, article_id: int | None = None) -> str:
    base = slugify(title)
    slug, n = base, 1
    while True:
        clash = db.session.scalar(db.select(Article.id).where(Article.slug == slug))
        if clash is None or clash == article_id:
            return slug
        n += 1
        slug = f"{base[: 100 - len(str(n)) - 1]}-{n}"


def _record(article: Article, action: str, user: User | None, comment: str = "") -> ArticleRevision:
    db.session.flush()
    number = (db.session.scalar(db.select(func.max(ArticleRevision.number))
                                .where(ArticleRevision.article_id == article.id)) or 0) + 1
    revision = ArticleRevision(article_id=article.id, number=number, action=action, comment=comment,
                               snapshot=snapshot(article), changed_by_id=user.id if user else None,
                               changed_at=clock.utcnow())
    db.session.add(revision)
    return revision


@contextmanager
def _undo_on_failure(article: Article, written: list[str]):
    """On any failure inside: roll back, delete the pictures written for this save, and turn
    a lost version race into ConcurrentEditError."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        news_images.remove(*written)
        raise ConcurrentEditError(_conflict_message(db.session.get(Article, article.id))) from None
    except Exception:
        db.session.rollback()
        news_images.remove(*written)
        raise


def _commit(article: Article, written: list[str] = ()) -> None:
    """Commit (the search index follows, ``app.search.tracking``); on failure roll back and remove new files."""
    with _undo_on_failure(article, list(written)):
        db.session.commit()


def _conflict_message(article: Article | None) -> str:
    if article is None:
        return "Bài viết không còn tồn tại."
    who = article.updated_by.full_name if article.updated_by else "người khác"
    when = clock.to_vietnam(article.updated_at)
    return (f"Bài viết đã được {who} cập nhật lúc {when:%H:%M %d/%m/%Y} sau khi bạn mở trang. "
            "Nội dung bạn nhập vẫn còn bên dưới; hãy xem bản mới rồi lưu lại.")


def _check_version(article: Article, expected_version: int | None) -> None:
    if expected_version is not None and article.version != expected_version:
        raise ConcurrentEditError(_conflict_message(article))


def _touch(article: Article, user: User) -> None:
    article.updated_by_id = user.id
    article.updated_at = clock.utcnow()


def _store_cover(article: Article, cover: bytes | None) -> list[str]:
    if not cover:
        return []
    full, thumb = news_images.store_cover(cover)  # raises ImageError before anything is written
    article.cover_name, article.cover_thumb_name = full.stored_name, thumb.stored_name
    return [full.stored_name, thumb.stored_name]


# Writing

def create_article(data: ArticleData, user: User, cover: bytes | None = None, action: str = "create",
                   extra_images: list[news_images.StoredImage] = ()) -> Article:
    """Create a draft written by ``user``; return it. Refuses (Forbidden) a user who may not
    write news, (NewsError/ImageError) invalid data or a bad cover picture; nothing is saved then."""
    if not can_write(user):
        raise Forbidden("Bạn không có quyền viết tin.")
    data = validate(data)
    if not data.author_name:
        data.author_name = user.full_name
    now = clock.utcnow()
    article = Article(slug=_unique_slug(data.title), status=DRAFT, created_by_id=user.id, updated_by_id=user.id,
                      created_at=now, updated_at=now)
    _apply(article, data)
    written = [image.stored_name for image in extra_images]
    with _undo_on_failure(article, written):
        written += _store_cover(article, cover)
        db.session.add(article)
        db.session.flush()
        for image in extra_images:
            db.session.add(ArticleImage(article_id=article.id, stored_name=image.stored_name,
                                        content_type=image.content_type, width=image.width, height=image.height,
                                        size=image.size, uploaded_by_id=user.id, uploaded_at=now))
        _record(article, action, user)
    _commit(article, written)
    return article


def update_article(article: Article, data: ArticleData, user: User, expected_version: int | None,
                   cover: bytes | None = None, remove_cover: bool = False) -> Article:
    """Save an edit as a new revision; return the article. Refuses Forbidden, ConcurrentEditError
    (someone saved since ``expected_version``; the caller keeps the input) and invalid data."""
    if not can_edit(user, article):
        raise Forbidden("Bạn không được sửa bài này ở trạng thái hiện tại.")
    _check_version(article, expected_version)
    data = validate(data)
    if article.first_published_at is None and article.title != data.title:
        article.slug = _unique_slug(data.title, article.id)  # the address is kept once readers have it
    _apply(article, data)
    written: list[str] = []
    with _undo_on_failure(article, written):
        if remove_cover:
            article.cover_name = article.cover_thumb_name = None
        written += _store_cover(article, cover)
        _touch(article, user)
        _record(article, "edit", user)
    _commit(article, written)
    return article


def can_autosave(article: Article) -> bool:
    """Autosave keeps drafts only: never an article that is published or scheduled (readers would
    see half-typed text, or get it at the scheduled time)."""
    return article.status != PUBLISHED


def _content(article: Article) -> ArticleData:
    return ArticleData(**{name: getattr(article, name) or "" for name in SNAPSHOT_FIELDS},
                       field_ids=sorted(f.id for f in article.fields))


def autosave(article: Article, data: ArticleData, user: User, expected_version: int | None) -> bool:
    """Keep what the editor has typed so far (title, summary, body, lines, fields; never the cover).
    Return True when it changed the article, False when there was nothing new (nothing written:
    the version stays, so the editor's next save is not a concurrent edit). Consecutive autosaves
    by the same editor share one revision ("Tự động lưu"), brought up to date each time.
    Refuses Forbidden, ConcurrentEditError (someone saved since ``expected_version``), NewsError
    for a published or scheduled article and for invalid data (no title yet)."""
    if not can_edit(user, article):
        raise Forbidden("Bạn không được sửa bài này ở trạng thái hiện tại.")
    if not can_autosave(article):
        raise NewsError("Bài đang đăng hoặc hẹn giờ đăng nên không tự động lưu; bấm «Lưu» để lưu thay đổi.")
    _check_version(article, expected_version)
    data = validate(data)
    if data == _content(article):
        return False
    if article.first_published_at is None and article.title != data.title:
        article.slug = _unique_slug(data.title, article.id)
    _apply(article, data)
    with _undo_on_failure(article, []):
        _touch(article, user)
        latest = db.session.scalar(db.select(ArticleRevision).where(ArticleRevision.article_id == article.id)
                                   .order_by(ArticleRevision.number.desc()).limit(1))
        if latest is not None and latest.action == "autosave" and latest.changed_by_id == user.id:
            db.session.flush()
            latest.snapshot = snapshot(article)
            latest.changed_at = clock.utcnow()
        else:
            _record(article, "autosave", user)
    _commit(article)
    return True


def add_image(article: Article, data: bytes, user: User) -> ArticleImage:
    """Store a picture for the article's body; return it. Refuses Forbidden and ImageError."""
    if not can_edit(user, article):
        raise Forbidden("Bạn không được sửa bài này ở trạng thái hiện tại.")
    stored = news_images.store(data)
    image = ArticleImage(article_id=article.id, stored_name=stored.stored_name, content_type=stored.content_type,
                         width=stored.width, height=stored.height, size=stored.size, uploaded_by_id=user.id,
                         uploaded_at=clock.utcnow())
    db.session.add(image)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        news_images.remove(stored.stored_name)
        raise
    return image


# Workflow

def _timing(article: Article) -> dict:
    return {"status": article.status, "publish_at": article.publish_at, "expires_at": article.expires_at}


def _transition(article: Article, user: User, expected_version: int | None, allowed_from: tuple[str, ...],
                to: str, action: str, comment: str = "", before: dict | None = None) -> Article:
    _check_version(article, expected_version)
    if article.status not in allowed_from:
        raise NewsError(f"Bài đang ở trạng thái “{article.status_label}”, không thể {ACTION_LABELS[action].lower()}.")
    before = before or _timing(article)
    article.status = to
    _touch(article, user)
    _record(article, action, user, comment)
    if action in ("publish", "unpublish"):
        audit.record(f"news.{action}", article, actor=user, before=before, after=_timing(article), note=comment)
    notify_events.news_step(article, action, user, comment)  # reviewers or the author, in this transaction
    _commit(article)
    return article


def submit(article: Article, user: User, expected_version: int | None = None) -> Article:
    """Send a draft for review. Refuses Forbidden (not the author or a reviewer) and an empty body."""
    if not (can_review(user) or (can_write(user) and article.created_by_id == user.id)):
        raise Forbidden("Chỉ tác giả hoặc người duyệt được gửi duyệt bài này.")
    if not article.body.strip():
        raise NewsError("Bài chưa có nội dung; hãy viết nội dung trước khi gửi duyệt.")
    article.review_note = ""
    return _transition(article, user, expected_version, (DRAFT, UNPUBLISHED), SUBMITTED, "submit")


def publish(article: Article, user: User, publish_at: datetime | None = None, expires_at: datetime | None = None,
            expected_version: int | None = None) -> Article:
    """Publish now or at ``publish_at`` (naive UTC), until ``expires_at`` if given. Reviewers only;
    refuses an empty body and an expiry that is not after the publication time."""
    if not can_review(user):
        raise Forbidden("Chỉ người được giao quyền duyệt mới xuất bản tin.")
    now = clock.utcnow()
    publish_at = publish_at or now
    if expires_at is not None and expires_at <= publish_at:
        raise NewsError("Thời điểm hết hạn phải sau thời điểm đăng.")
    if not article.body.strip():
        raise NewsError("Bài chưa có nội dung.")
    before = _timing(article)
    article.publish_at = publish_at
    article.expires_at = expires_at
    article.published_by_id = user.id
    article.review_note = ""
    if article.first_published_at is None:
        article.first_published_at = publish_at
    return _transition(article, user, expected_version, (DRAFT, SUBMITTED, UNPUBLISHED), PUBLISHED, "publish",
                       before=before)


def send_back(article: Article, user: User, comment: str, expected_version: int | None = None) -> Article:
    """Return a submitted article to its author as a draft with a comment. Reviewers only;
    refuses an empty comment (the author must know what to fix)."""
    if not can_review(user):
        raise Forbidden("Chỉ người duyệt được trả lại bài.")
    comment = _clean(comment)
    if not comment:
        raise NewsError("Hãy ghi lý do trả lại để tác giả biết cần sửa gì.")
    if len(comment) > 2000:
        raise NewsError("Lý do trả lại dài quá 2.000 ký tự.")
    article.review_note = comment
    return _transition(article, user, expected_version, (SUBMITTED,), DRAFT, "send_back", comment)


def unpublish(article: Article, user: User, comment: str = "", expected_version: int | None = None) -> Article:
    """Take a published article down (it disappears from lists, its page and search at once). Reviewers only."""
    if not can_review(user):
        raise Forbidden("Chỉ người duyệt được gỡ bài.")
    return _transition(article, user, expected_version, (PUBLISHED,), UNPUBLISHED, "unpublish", _clean(comment)[:2000])


def restore(article: Article, revision_number: int, user: User, expected_version: int | None = None) -> Article:
    """Bring back the content (not the workflow state) of an earlier revision as a new revision.
    Refuses Forbidden and a revision that does not exist (NewsError)."""
    if not can_edit(user, article):
        raise Forbidden("Bạn không được sửa bài này ở trạng thái hiện tại.")
    _check_version(article, expected_version)
    revision = db.session.scalar(db.select(ArticleRevision).where(
        ArticleRevision.article_id == article.id, ArticleRevision.number == revision_number))
    if revision is None:
        raise NewsError("Không có phiên bản này.")
    old = revision.snapshot
    data = ArticleData(**{name: old.get(name) or "" for name in SNAPSHOT_FIELDS}, field_ids=old.get("fields") or [])
    _apply(article, validate(data))
    article.cover_name, article.cover_thumb_name = old.get("cover_name"), old.get("cover_thumb_name")
    _touch(article, user)
    _record(article, "restore", user, f"Khôi phục phiên bản {revision_number}")
    _commit(article)
    return article


def record_view(article: Article, user) -> int:
    """Count one view by ``user`` unless they wrote it; return the count to show.
    The increment is a single UPDATE, so simultaneous readers are all counted."""
    if user.is_authenticated and user.id == article.created_by_id:
        return article.view_count
    db.session.execute(db.update(Article).where(Article.id == article.id)
                       .values(view_count=Article.view_count + 1).execution_options(synchronize_session=False))
    db.session.commit()
    return db.session.scalar(db.select(Article.view_count).where(Article.id == article.id))


# Reading

def live_statement(field_id: int | None = None, now: datetime | None = None):
    """Published, live articles, newest first (optionally in one reform field)."""
    stmt = db.select(Article).where(access.live_clause(now))
    if field_id:
        stmt = stmt.where(Article.fields.any(ReformField.id == field_id))
    return stmt.order_by(Article.publish_at.desc(), Article.id.desc())


def latest(limit: int = 5) -> list[Article]:
    """The newest live articles (home page block, feed)."""
    return list(db.session.scalars(live_statement().limit(limit)))


def dashboard(user) -> dict:
    """The editor dashboard: own drafts (incl. sent back), awaiting review, scheduled, recently
    published, expired. Lists only what ``user`` may open: a reviewer every article, an editor
    the live ones and their own (another editor's scheduled or expired article is not listed)."""
    now = clock.utcnow()
    mine = db.select(Article).where(Article.created_by_id == user.id)
    pending = db.select(Article).where(Article.status == SUBMITTED)
    scheduled = db.select(Article).where(Article.status == PUBLISHED, Article.publish_at > now)
    expired = db.select(Article).where(Article.status == PUBLISHED, Article.expires_at <= now)
    if not can_review(user):
        pending = pending.where(Article.created_by_id == user.id)
        scheduled = scheduled.where(Article.created_by_id == user.id)
        expired = expired.where(Article.created_by_id == user.id)
    return {
        "drafts": list(db.session.scalars(mine.where(Article.status.in_((DRAFT, UNPUBLISHED)))
                                          .order_by(Article.updated_at.desc()))),
        "pending": list(db.session.scalars(pending.order_by(Article.updated_at))),
        "scheduled": list(db.session.scalars(scheduled.order_by(Article.publish_at))),
        "published": list(db.session.scalars(db.select(Article).where(access.live_clause(now))
                                             .order_by(Article.publish_at.desc()).limit(10))),
        "expired": list(db.session.scalars(expired.order_by(Article.expires_at.desc()).limit(10))),
    }


def image_owner(stored_name: str) -> Article | None:
    """The article a stored picture belongs to (cover, list copy or body picture), if any."""
    article = db.session.scalar(db.select(Article).where(
        db.or_(Article.cover_name == stored_name, Article.cover_thumb_name == stored_name)))
    if article is not None:
        return article
    image = db.session.scalar(db.select(ArticleImage).where(ArticleImage.stored_name == stored_name))
    return image.article if image is not None else None


def plain_body(article: Article) -> str:
    """The article's text without markup (search, feed summaries)."""
    return plain_text(article.body_html)
