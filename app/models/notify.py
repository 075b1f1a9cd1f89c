"""Notifications and reminders (issue 18): the bell's notifications, the claims that make each
deadline reminder go once per event and recipient, the e-mail outbox, users' preferences per kind,
the reform office's reminders (Đôn đốc) and who follows which document."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.models.accounts import Unit, User

CLAIMED, CLAIM_SENT = "claimed", "sent"
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
MAIL_STATUSES = {PENDING: "Chờ gửi", SENDING: "Đang gửi", SENT: "Đã gửi", FAILED: "Gửi không được"}


class Notification(db.Model):
    """One notification in one user's bell: its kind (``app.notify.kinds``), title (the e-mail's
    subject), text, the portal path it links to, and when it was read. ``digest`` marks one the
    user takes in the daily e-mail summary; ``digested_at`` when it went into one."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    record_type: Mapped[str | None] = mapped_column(String(20))
    record_id: Mapped[int | None]
    event_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    digest: Mapped[bool] = mapped_column(default=False)
    digested_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class NotificationClaim(db.Model):
    """Who sends the notification of one event to one user: at most one row per (event, user), taken
    by ``INSERT … ON CONFLICT DO NOTHING`` (``app.services.notify.claims``)."""

    __tablename__ = "notification_claims"
    __table_args__ = (UniqueConstraint("event_key", "user_id", name="uq_notification_claims_event_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=CLAIMED)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    sent_at: Mapped[datetime | None]


class MailOutbox(db.Model):
    """One e-mail to one recipient, queued in the transaction that made it and delivered later by
    the sender (``app.services.notify.sender``): pending → sending (leased) → sent, or failed."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return MAIL_STATUSES.get(self.status, self.status)


class NotificationPreference(db.Model):
    """How a user receives one kind: ``portal``, ``email`` or ``digest`` (``app.notify.kinds.CHANNELS``);
    no row means the kind's default."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))


class ReminderLog(db.Model):
    """A reminder the reform office sent a unit from the Đôn đốc page: who, when, about which
    period and tasks, and the text as sent."""

    __tablename__ = "reminder_log"
    __table_args__ = (Index("ix_reminder_log_plan_unit", "plan_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("report_periods.id", ondelete="SET NULL"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    task_ids: Mapped[list] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(default=0)

    unit: Mapped[Unit] = relationship()
    sent_by: Mapped[User | None] = relationship()


class DocumentFollow(db.Model):
    """A user follows a library document: told when it changes or gets a new relation."""

    __tablename__ = "document_follows"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
