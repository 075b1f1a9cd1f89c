"""Reform news: articles written in Markdown, reviewed, published on schedule, with revisions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.clock import utcnow
from app.extensions import db
from app.models.accounts import User
from app.models.reference import ReformField
from app.models.searchable import Searchable

DRAFT, SUBMITTED, PUBLISHED, UNPUBLISHED = "draft", "submitted", "published", "unpublished"
ARTICLE_STATUSES = {
    DRAFT: "Bản nháp",
    SUBMITTED: "Chờ duyệt",
    PUBLISHED: "Đã đăng",
    UNPUBLISHED: "Đã gỡ",
}

article_fields = Table(
    "article_fields",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("reform_fields.id"), primary_key=True),
)


class Article(Searchable, db.Model):
    """A news item. Readers see it only while ``status`` is published, ``publish_at`` has come
    and ``expires_at`` (if any) has not: checked on every read, so no scheduler is needed.

    ``body`` is Markdown; ``body_html`` is its sanitised rendering, kept with the row.
    ``version`` guards against two people saving over each other.
    """

    __tablename__ = "articles"
    search_kind = "news"
    __table_args__ = (Index("ix_articles_status_publish_at", "status", "publish_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    author_name: Mapped[str] = mapped_column(String(200), default="")
    source_line: Mapped[str] = mapped_column(String(300), default="")
    cover_name: Mapped[str | None] = mapped_column(String(80))        # stored under UPLOAD_DIR
    cover_thumb_name: Mapped[str | None] = mapped_column(String(80))
    cover_caption: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    review_note: Mapped[str] = mapped_column(Text, default="")        # why it was sent back
    publish_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    first_published_at: Mapped[datetime | None]
    view_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    fields: Mapped[list[ReformField]] = relationship(secondary=article_fields, order_by=ReformField.position,
                                                     lazy="selectin")
    images: Mapped[list[ArticleImage]] = relationship(back_populates="article", order_by="ArticleImage.id",
                                                      cascade="all, delete-orphan")
    revisions: Mapped[list[ArticleRevision]] = relationship(back_populates="article",
                                                            order_by="ArticleRevision.number.desc()",
                                                            cascade="all, delete-orphan")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])

    @property
    def status_label(self) -> str:
        return ARTICLE_STATUSES.get(self.status, self.status)

    @property
    def state_label(self) -> str:
        """The status as a person would say it now: "Hẹn giờ đăng" for a published article whose
        time has not come, "Hết hạn hiển thị" for one past its expiry, else the status's label."""
        if self.status == PUBLISHED and self.publish_at is not None:
            now = clock.utcnow()
            if self.publish_at > now:
                return "Hẹn giờ đăng"
            if self.expires_at is not None and self.expires_at <= now:
                return "Hết hạn hiển thị"
        return self.status_label

    def is_live(self, now: datetime) -> bool:
        """True when readers may see it at ``now`` (naive UTC)."""
        return (self.status == PUBLISHED and self.publish_at is not None and self.publish_at <= now
                and (self.expires_at is None or self.expires_at > now))

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.slug!r}>"


class ArticleImage(db.Model):
    """A picture used in an article's body (uploaded or taken from a .docx), re-encoded on upload."""

    __tablename__ = "article_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="images")


class ArticleRevision(db.Model):
    """What an article looked like after one save or workflow step, and who did it."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_article_revisions_article_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict] = mapped_column(JSON)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")
    changed_by: Mapped[User | None] = relationship()
