"""Login sessions kept on the server, so signing out really signs out.

Each login is a ``user_sessions`` row. The session cookie and the remember-me cookie (both
signed by Flask) carry a random token; the row stores only its SHA-256. Every request looks the
token up once (a unique index) and is anonymous when the row is gone or expired, so logging out,
ending a session from "Phiên đăng nhập", changing or resetting a password and an admin
deactivating the account take effect on the next request of every browser concerned, including
cookies copied before. ``last_seen_at`` is written at most once a minute.

A session ends after ``SESSION_IDLE_SECONDS`` without a request (12 hours by default); one made
with "Ghi nhớ đăng nhập" lasts ``REMEMBER_COOKIE_DURATION`` (14 days) from the login, like its
cookie.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app, flash, has_request_context, request, session
from sqlalchemy.orm import joinedload

from app import clock, vntext
from app.extensions import db
from app.models import User, UserSession
from app.services import audit

LAST_SEEN_EVERY = timedelta(minutes=1)
# Requests a page makes by itself (the bell's poll every minute): they do not count as the user's
# activity, so a tab left open still ends its session after the idle limit.
PASSIVE_ENDPOINTS = {"notifications.bell"}
DEFAULT_IDLE_SECONDS = 12 * 3600
DEFAULT_REMEMBER_SECONDS = 14 * 24 * 3600


def token_hash(token: str) -> str:
    """Return the stored form of a session token (SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _idle_limit() -> timedelta:
    return timedelta(seconds=current_app.config.get("SESSION_IDLE_SECONDS", DEFAULT_IDLE_SECONDS))


def _remember_limit() -> timedelta:
    value = current_app.config.get("REMEMBER_COOKIE_DURATION", DEFAULT_REMEMBER_SECONDS)
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


def limits_text() -> tuple[str, str]:
    """The idle limit and the remembered sessions' life in words, e.g. ``("12 giờ", "14 ngày")``."""
    return vntext.vn_duration(_idle_limit().total_seconds()), vntext.vn_duration(_remember_limit().total_seconds())


def expires_at(row: UserSession) -> datetime:
    """When the session ends unless used again: login + remember duration, or last request + idle limit."""
    return row.created_at + _remember_limit() if row.remember else row.last_seen_at + _idle_limit()


_BROWSERS = [("coc_coc", "Cốc Cốc"), ("edg", "Edge"), ("opr", "Opera"), ("firefox", "Firefox"),
             ("chrom", "Chrome"), ("safari", "Safari")]
_SYSTEMS = [("android", "Android"), ("iphone", "iOS"), ("ipad", "iPadOS"), ("windows", "Windows"),
            ("mac os", "macOS"), ("cros", "ChromeOS"), ("linux", "Linux")]


def describe_user_agent(user_agent: str | None) -> str:
    """A short name for a browser, e.g. ``Cốc Cốc trên Windows``; the raw text (cut) if unknown."""
    text = (user_agent or "").lower()
    browser = next((name for key, name in _BROWSERS if key in text), "")
    system = next((name for key, name in _SYSTEMS if key in text), "")
    if browser and system:
        return f"{browser} trên {system}"
    if browser or system:
        return browser or system
    return re.sub(r"\s+", " ", user_agent or "").strip()[:200]


def start(user: User, remember: bool, client_address: str | None, user_agent: str | None) -> UserSession:
    """Add a session row for ``user`` (not committed; the login commits it); return it. The new
    token is set on ``user.session_token`` for Flask-Login. Expired sessions of everyone are
    deleted on the way."""
    prune_expired()
    token = secrets.token_urlsafe(32)
    now = clock.utcnow()
    row = UserSession(token_hash=token_hash(token), user=user, created_at=now, last_seen_at=now,
                      client_address=(client_address or None) and client_address[:45],
                      user_agent=describe_user_agent(user_agent), remember=bool(remember))
    db.session.add(row)
    user.session_token = token
    return row


def prune_expired() -> int:
    """Delete every expired session row (not committed); return how many."""
    now = clock.utcnow()
    return db.session.execute(db.delete(UserSession).where(db.or_(
        db.and_(UserSession.remember.is_(True), UserSession.created_at <= now - _remember_limit()),
        db.and_(UserSession.remember.is_(False), UserSession.last_seen_at <= now - _idle_limit()),
    ))).rowcount


def _forget_cookie() -> None:
    """Drop a dead token from this browser: Flask-Login's session keys and its remember-me cookie."""
    if not has_request_context():
        return
    had_login = session.pop("_user_id", None) is not None
    session.pop("_fresh", None)
    session.pop("_id", None)
    session["_remember"] = "clear"
    if had_login:
        flash("Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại.", "info")


def load(token: str) -> User | None:
    """Flask-Login's user loader: return the active user of the session ``token``, or None when
    the session was ended, has expired or the account is deactivated (the browser's cookies are
    then cleared). Updates ``last_seen_at`` when it is more than a minute old."""
    if not token or not isinstance(token, str) or len(token) > 128:
        _forget_cookie()
        return None
    # The user's unit and roles come in the same query: every page shows the one and checks the other.
    found = db.session.execute(
        db.select(UserSession, User).join(User, UserSession.user_id == User.id)
        .options(joinedload(User.unit), joinedload(User.roles))
        .where(UserSession.token_hash == token_hash(token))
    ).unique().first()
    now = clock.utcnow()
    if found is None or not found.User.active or expires_at(found.UserSession) <= now:
        _forget_cookie()
        return None
    row, user = found
    passive = has_request_context() and request.endpoint in PASSIVE_ENDPOINTS
    if now - row.last_seen_at >= LAST_SEEN_EVERY and not passive:
        db.session.execute(db.update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        db.session.commit()
        row.last_seen_at = now
    user.session_token = token
    user.session_id = row.id
    return user


def current_id(user: User) -> int | None:
    """The id of the session row this request is signed in with, or None."""
    return getattr(user, "session_id", None)


def of_user(user: User) -> list[UserSession]:
    """The user's sessions that have not expired, most recently used first."""
    now = clock.utcnow()
    rows = db.session.scalars(db.select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).all()
    return [row for row in rows if expires_at(row) > now]


def end_all(user: User, keep_id: int | None = None) -> int:
    """Delete the user's sessions except ``keep_id`` (not committed); return how many were ended."""
    stmt = db.delete(UserSession).where(UserSession.user_id == user.id)
    if keep_id is not None:
        stmt = stmt.where(UserSession.id != keep_id)
    return db.session.execute(stmt).rowcount


def end_one(user: User, session_id: int) -> bool:
    """End one of the user's own sessions (recorded in the audit log) and commit; return False when
    ``session_id`` is not one of theirs (nothing changes)."""
    row = db.session.scalar(db.select(UserSession).where(UserSession.id == session_id,
                                                        UserSession.user_id == user.id))
    if row is None:
        return False
    audit.record("session.end", row, actor=user, note=f"Máy {row.client_address or 'không rõ'}")
    db.session.delete(row)
    db.session.commit()
    return True


def end_others(user: User) -> int:
    """End every session of the user but the current one (recorded in the audit log) and commit;
    return how many were ended."""
    count = end_all(user, keep_id=current_id(user))
    if count:
        audit.record("session.end_others", user, actor=user, note=f"Kết thúc {count} phiên khác")
    db.session.commit()
    return count


def logout(user: User) -> None:
    """Delete the current session (recorded in the audit log) and commit."""
    session_id = current_id(user)
    if session_id is not None:
        db.session.execute(db.delete(UserSession).where(UserSession.id == session_id))
    audit.record("logout", user, actor=user)
    db.session.commit()
