"""OCR of scanned attachments: the queue of jobs and the recognised text, page by page."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.models.documents import Attachment

# ocr_jobs.status
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
JOB_STATUSES = (QUEUED, RUNNING, DONE, FAILED)


class OcrJob(db.Model):
    """One attachment waiting for OCR, being recognised, done or failed (one row per attachment).

    A worker claims a queued job (or a running one whose ``lease_until`` passed: its worker died)
    by setting ``status='running'``, ``claimed_by`` and a lease, counting ``attempts``; it renews
    the lease and writes ``pages_done`` after every page. ``error`` is the Vietnamese message shown
    on the document page when it failed.
    """

    __tablename__ = "ocr_jobs"
    __table_args__ = (Index("ix_ocr_jobs_status_lease", "status", "lease_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    pages_done: Mapped[int] = mapped_column(default=0)
    pages_total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(1000))
    error_code: Mapped[str | None] = mapped_column(String(30))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    seconds: Mapped[float | None]

    attachment: Mapped[Attachment] = relationship(back_populates="ocr_job")

    @property
    def active(self) -> bool:
        """True while the job waits or runs (the page keeps polling)."""
        return self.status in (QUEUED, RUNNING)


class OcrPageText(db.Model):
    """The text of one page of an attachment that went through OCR, in page order.

    ``source`` is ``ocr`` (recognised) or ``text`` (the PDF's own text layer, kept); ``corrected``
    is an editor's correction (the recognised ``text`` is kept beside it)."""

    __tablename__ = "ocr_pages"
    __table_args__ = (UniqueConstraint("attachment_id", "number", name="uq_ocr_pages_attachment_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    source: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    corrected: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float | None]

    @property
    def shown(self) -> str:
        """The text to show and index: the correction if there is one, else what was read."""
        return self.corrected if self.corrected is not None else self.text
