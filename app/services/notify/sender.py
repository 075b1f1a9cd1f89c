"""The e-mail sender: delivers the ``mail_outbox`` rows through ``app.mail``, never in a request.

A row is taken by compare-and-set (``pending`` and due, or ``sending`` with an expired lease →
``sending`` with a lease), so two senders never deliver the same row; then it is marked ``sent``,
given its next try (``app.mail.next_attempt``: 1, 2, 4… minutes up to 4 hours) or ``failed``
(after ``app.mail.MAX_ATTEMPTS`` temporary failures, or at once for a permanent one: 5xx, an
address the server refuses). A failure that concerns every message (server down, password or
certificate refused: ``affects_all``) stops the round and leaves the rest queued; such failures
never use up a message's tries, so an outage loses nothing.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address

from flask import current_app

from app import clock, mail
from app.extensions import db
from app.models import MailOutbox
from app.models.notify import FAILED, PENDING, SENDING, SENT
from app.services.notify import notifications as center

log = logging.getLogger(__name__)


@dataclass
class SendResult:
    """One round: messages sent, rescheduled and failed, and why the round stopped early (or None)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    stopped: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed

    def summary(self) -> str:
        text = f"{self.sent} sent, {self.retried} to retry, {self.failed} failed"
        return text + (f"; stopped: {self.stopped}" if self.stopped else "")


def _due(now: datetime):
    return db.or_(db.and_(MailOutbox.status == PENDING, MailOutbox.next_attempt_at <= now),
                  db.and_(MailOutbox.status == SENDING, MailOutbox.lease_until < now))


def take(row_id: int, now: datetime, lease: timedelta) -> bool:
    """Take one row for sending by compare-and-set and commit; True when this process got it."""
    result = db.session.execute(db.update(MailOutbox).where(MailOutbox.id == row_id, _due(now))
                                .values(status=SENDING, lease_until=now + lease))
    db.session.commit()
    return result.rowcount == 1


def send_round(now: datetime | None = None, limit: int | None = None) -> SendResult:
    """Deliver up to ``limit`` (``MAIL_BATCH``) due messages, oldest first; return what happened.
    Does nothing while e-mail is off (no row is queued then). Commits after each message."""
    result = SendResult()
    settings = center.mail_settings()
    if settings is None:
        return result
    now = now or clock.utcnow()
    limit = limit or current_app.config.get("MAIL_BATCH", 50)
    lease = timedelta(seconds=current_app.config.get("MAIL_LEASE_SECONDS", 600))
    ids = list(db.session.scalars(db.select(MailOutbox.id).where(_due(now)).order_by(MailOutbox.id).limit(limit)))
    db.session.commit()
    for row_id in ids:
        if not take(row_id, now, lease):
            continue  # another sender has it
        row = db.session.get(MailOutbox, row_id)
        try:
            message = mail.compose(mail.MailContent(subject=row.subject, text=row.text, html=row.html),
                                   to=Address(row.to_name, addr_spec=row.to_address), sender=settings.sender,
                                   message_id=row.message_id or None, when=now)
            mail.send(message, settings)
        except mail.MailError as exc:
            _after_failure(row, exc, now, result)
            if exc.affects_all:
                result.stopped = exc.reason
                break
            continue
        except ValueError as exc:  # an address the message cannot carry
            _mark(row, status=FAILED, error=f"Địa chỉ không gửi được: {exc}", now=now)
            result.failed += 1
            continue
        row.status, row.sent_at, row.lease_until = SENT, clock.utcnow(), None
        row.attempts += 1
        row.last_error = ""
        db.session.commit()
        result.sent += 1
    return result


def _mark(row: MailOutbox, *, status: str, error: str, now: datetime, next_at: datetime | None = None) -> None:
    row.status, row.last_error, row.lease_until = status, error, None
    if next_at is not None:
        row.next_attempt_at = next_at
    db.session.commit()


def _after_failure(row: MailOutbox, exc: mail.MailError, now: datetime, result: SendResult) -> None:
    result.errors.append(exc.reason)
    if exc.affects_all:
        # The server or the settings, not this message: try again later without using up its tries.
        tries = min(row.attempts + 1, mail.MAX_ATTEMPTS - 1)
        row.attempts = tries
        _mark(row, status=PENDING, error=exc.reason, now=now, next_at=mail.next_attempt(tries, now))
        result.retried += 1
        log.warning("e-mail: %s; the round stops, messages stay queued", exc.reason)
        return
    row.attempts += 1
    next_at = mail.next_attempt(row.attempts, now) if exc.temporary else None
    if next_at is None:
        _mark(row, status=FAILED, error=exc.reason, now=now)
        result.failed += 1
        log.warning("e-mail #%d to %s failed for good: %s", row.id, row.to_address, exc.reason)
    else:
        _mark(row, status=PENDING, error=exc.reason, now=now, next_at=next_at)
        result.retried += 1


@dataclass
class MailStatus:
    """What admins see: whether e-mail is on (and where it goes), counts by status, the failed ones."""

    enabled: bool
    server: str
    counts: dict[str, int]
    failed: list[MailOutbox]
    waiting: list[MailOutbox]


def status(limit: int = 50) -> MailStatus:
    """The outbox as the system page shows it: counts by status, the newest failed messages and the
    messages waiting for a retry (with their last error)."""
    settings = center.mail_settings()
    counts = dict(db.session.execute(db.select(MailOutbox.status, db.func.count()).group_by(MailOutbox.status)).all())
    failed = list(db.session.scalars(db.select(MailOutbox).where(MailOutbox.status == FAILED)
                                     .order_by(MailOutbox.id.desc()).limit(limit)))
    waiting = list(db.session.scalars(db.select(MailOutbox).where(MailOutbox.status == PENDING,
                                                                  MailOutbox.attempts > 0)
                                      .order_by(MailOutbox.id).limit(limit)))
    return MailStatus(enabled=settings is not None, server=settings.describe() if settings else "",
                      counts=counts, failed=failed, waiting=waiting)


def retry_failed(row_id: int) -> None:
    """Put a failed message back in the queue (an admin fixed the address or the server); commit."""
    row = db.session.get(MailOutbox, row_id)
    if row is not None and row.status == FAILED:
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, clock.utcnow()
        db.session.commit()
