"""Notifications: delivering one to its recipients (the bell, and e-mail or the daily digest as each
recipient chose), the bell's count, the list, marking read, preferences and document follows.

:func:`deliver` never commits: it adds its rows to the caller's transaction, so a notification
exists exactly when the change that caused it was saved, and an e-mail is only queued (the
``mail_outbox`` row), never sent in a request (``app.services.notify.sender`` sends it).
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app

from app import access, clock, mail
from app.errors import Invalid, NotFound
from app.extensions import db
from app.models import (
    ADMIN,
    PUBLISHER,
    REPORTER,
    Document,
    DocumentFollow,
    MailOutbox,
    Notification,
    NotificationPreference,
    User,
    user_roles,
)
from app.notify import texts
from app.notify.kinds import CHANNELS, DIGEST, EMAIL, KINDS
from app.services.accounts import users as accounts

PER_PAGE = 20
SETTINGS_PATH = "/notifications/settings"


# E-mail settings

def mail_settings() -> mail.SmtpSettings | None:
    """The SMTP settings of ``PORTAL_SMTP_URL``/``PORTAL_MAIL_FROM`` (config ``SMTP_URL``,
    ``MAIL_FROM``), or None when e-mail is off. Raises ``mail.SmtpConfigError`` for an unusable URL
    (``create_app`` checks it at start)."""
    url = current_app.config.get("SMTP_URL") or ""
    return mail.parse_smtp_url(url, current_app.config.get("MAIL_FROM") or "") if url else None


def mail_enabled() -> bool:
    """True when an SMTP server is configured."""
    return bool(current_app.config.get("SMTP_URL"))


def absolute(path: str) -> str:
    """``PORTAL_BASE_URL`` + ``path``: the links in e-mails (never from a request's Host)."""
    return current_app.config["BASE_URL"] + path


# Recipients

def _active_users():
    return db.select(User).where(User.active.is_(True))


def holders_of(role: str, unit_ids: Iterable[int] | None = None) -> list[User]:
    """Active users who hold ``role`` itself (not through admin), in ``unit_ids`` when given."""
    stmt = _active_users().join(user_roles, user_roles.c.user_id == User.id).where(user_roles.c.role_name == role)
    if unit_ids is not None:
        stmt = stmt.where(User.unit_id.in_(list(unit_ids)))
    return list(db.session.scalars(stmt.order_by(User.id)).unique())


def reporters_of(unit_ids: Iterable[int]) -> list[User]:
    """The unit's *đầu mối CCHC*: active users holding the reporter role in one of ``unit_ids``."""
    return holders_of(REPORTER, unit_ids)


def admins() -> list[User]:
    """The reform office: active admins."""
    return holders_of(ADMIN)


def news_reviewers() -> list[User]:
    """Who reviews news: holders of the publish right, or the admins when nobody holds it."""
    return holders_of(PUBLISHER) or admins()


# Delivering

@dataclass(frozen=True)
class Record:
    """What a notification is about: ``type`` (``task``, ``period``, ``report``, ``progress``,
    ``article``, ``document``, ``plan``) and id, and its path in the portal."""

    type: str
    id: int
    path: str


def channels_of(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each user's channel for ``kind``: their preference, else the kind's default."""
    ids = list(user_ids)
    chosen = dict(db.session.execute(
        db.select(NotificationPreference.user_id, NotificationPreference.channel)
        .where(NotificationPreference.kind == kind, NotificationPreference.user_id.in_(ids))).all()) if ids else {}
    return {uid: chosen.get(uid, KINDS[kind].default_channel) for uid in ids}


def deliver(recipients: Iterable[User], kind: str, context: dict | Callable[[User], dict], record: Record, *,
            event_key: str | None = None, skip: User | None = None,
            may_read: Callable[[User], bool] | None = None) -> list[Notification]:
    """Add a notification of ``kind`` about ``record`` for each recipient to the current transaction
    (the caller commits), and an outbox e-mail for those who chose e-mail and have an address
    while e-mail is on; those who chose the digest get it in the next daily summary. Returns the
    notifications.

    ``context`` holds the kind's fields but ``link`` (``texts.render``), or is a function of the
    recipient returning them. Left out: inactive users, ``skip`` (who caused it), duplicates, and
    anyone ``may_read`` refuses: a notification never names a record its recipient may not read."""
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or not user.active or user.id in seen or (skip is not None and user.id == skip.id):
            continue
        if may_read is not None and not may_read(user):
            continue
        seen.add(user.id)
        users.append(user)
    if not users:
        return []
    channels = channels_of(seen, kind)
    now = clock.utcnow()
    email_on = mail_enabled()
    made = []
    for user in users:
        values = context(user) if callable(context) else context
        content = texts.render(kind, **values, link=absolute(record.path), recipient_name=user.full_name,
                               settings_link=absolute(SETTINGS_PATH))
        channel = channels[user.id]
        notification = Notification(user_id=user.id, kind=kind, title=content.subject[:500], text=content.text,
                                    link=record.path, record_type=record.type, record_id=record.id,
                                    event_key=event_key, created_at=now, digest=channel == DIGEST and email_on)
        db.session.add(notification)
        if channel == EMAIL and email_on and user.email:
            db.session.flush()  # the notification's id for the outbox row
            queue_mail(user, kind, content, notification_id=notification.id)
        made.append(notification)
    return made


def queue_mail(user: User, kind: str, content: mail.MailContent, notification_id: int | None = None) -> MailOutbox:
    """Add one e-mail to ``user`` to the outbox (current transaction) and return it; its Message-ID
    is fixed now, so a copy sent again after a crash carries the same one."""
    domain = current_app.config["BASE_URL"].split("://", 1)[1].split(":")[0]
    row = MailOutbox(user_id=user.id, notification_id=notification_id, kind=kind, to_address=user.email,
                     to_name=user.full_name, subject=content.subject[:500], text=content.text, html=content.html,
                     next_attempt_at=clock.utcnow(), message_id=f"<{uuid.uuid4().hex}@{domain}>",
                     created_at=clock.utcnow())
    db.session.add(row)
    return row


# The bell and the list

def unread_count(user: User) -> int:
    """The number of ``user``'s unread notifications: one query on the (user_id, read_at) index."""
    return db.session.scalar(db.select(db.func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def page_of(user: User, page: int = 1, unread_only: bool = False):
    """``user``'s notifications, newest first, ``PER_PAGE`` a page (a Flask-SQLAlchemy pagination)."""
    stmt = db.select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return db.paginate(stmt.order_by(Notification.id.desc()), page=page, per_page=PER_PAGE, error_out=False)


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read (again is harmless) and commit; returns it. Raises
    NotFound for a notification that is not theirs (the same as one that does not exist)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound("Không tìm thấy thông báo.")
    if notification.read_at is None:
        notification.read_at = clock.utcnow()
        db.session.commit()
    return notification


def mark_all_read(user: User) -> int:
    """Mark every unread notification of ``user`` read and commit; returns how many there were."""
    result = db.session.execute(db.update(Notification)
                                .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                                .values(read_at=clock.utcnow()))
    db.session.commit()
    return result.rowcount or 0


# Preferences

def preferences(user: User) -> dict[str, str]:
    """``user``'s channel for every kind (``app.notify.kinds.KINDS`` order)."""
    chosen = dict(db.session.execute(db.select(NotificationPreference.kind, NotificationPreference.channel)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return {kind: chosen.get(kind, spec.default_channel) for kind, spec in KINDS.items()}


def set_preferences(user: User, chosen: dict[str, str], email: str | None = None) -> None:
    """Save ``user``'s channel per kind (kinds left out keep theirs) and, when given, their e-mail
    address (empty: none); commit. Raises Invalid for an unknown kind or channel or an address that
    is not one e-mail address (``accounts.normalise_email``)."""
    for kind, channel in chosen.items():
        if kind not in KINDS or channel not in CHANNELS:
            raise Invalid("Lựa chọn nhận thông báo không hợp lệ.")
    if email is not None:
        user.email = accounts.normalise_email(email)
    existing = {p.kind: p for p in db.session.scalars(
        db.select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind, channel in chosen.items():
        if kind in existing:
            existing[kind].channel = channel
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, channel=channel))
    db.session.commit()


# Following documents

def is_following(user: User, document: Document) -> bool:
    """True when ``user`` follows ``document``."""
    return db.session.get(DocumentFollow, (user.id, document.id)) is not None


def follow(user: User, document: Document) -> None:
    """Follow ``document`` (again is harmless) and commit. Raises NotFound when ``user`` may not read
    it (the same answer as a missing document)."""
    if not access.can_read_document(user, document):
        raise NotFound("Không tìm thấy văn bản.")
    if not is_following(user, document):
        db.session.add(DocumentFollow(user_id=user.id, document_id=document.id, created_at=clock.utcnow()))
        db.session.commit()


def unfollow(user: User, document: Document) -> None:
    """Stop following ``document`` (not following is harmless) and commit."""
    db.session.execute(db.delete(DocumentFollow).where(DocumentFollow.user_id == user.id,
                                                       DocumentFollow.document_id == document.id))
    db.session.commit()


def followers(document_id: int) -> list[User]:
    """The active users following a document."""
    return list(db.session.scalars(_active_users().join(DocumentFollow, DocumentFollow.user_id == User.id)
                                   .where(DocumentFollow.document_id == document_id).order_by(User.id)))


def forget_unreadable(document: Document) -> None:
    """After ``document``'s visibility changed: its followers who may no longer read it stop
    following it and lose their notifications about it (the bell never names it to them).
    Adds to the current transaction."""
    for user in followers(document.id):
        if not access.can_read_document(user, document):
            db.session.execute(db.delete(DocumentFollow).where(DocumentFollow.user_id == user.id,
                                                               DocumentFollow.document_id == document.id))
            db.session.execute(db.delete(Notification).where(
                Notification.user_id == user.id, Notification.record_type == "document",
                Notification.record_id == document.id))

