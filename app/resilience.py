"""What the portal does when the database or the disk fails under it.

- ``is_outage(exc)``: the database cannot be reached right now (a lost or refused connection, a
  restart, an exhausted pool, a lock that never came): the user gets a 503 and may try again.
- ``is_disconnect(exc)``: the connection broke under a statement; worth one immediate retry.
- ``is_disk_full(exc)``: a write failed for lack of space (ENOSPC/EDQUOT, SQLite ``SQLITE_FULL``,
  PostgreSQL SQLSTATE 53100): the user gets "Hết dung lượng lưu trữ, báo quản trị viên."
- ``PortalFlask``: the app class ``create_app`` builds; it retries a GET/HEAD view once when its
  connection was lost (everything it read is read again on a fresh connection).
"""
from __future__ import annotations

import errno
import logging
import sqlite3

from flask import Flask, g, request
from sqlalchemy import exc as sa_exc

from app.extensions import db

log = logging.getLogger(__name__)

DISK_FULL_MESSAGE = "Hết dung lượng lưu trữ, báo quản trị viên."
DATABASE_DOWN_MESSAGE = (
    "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút; "
    "nếu bạn vừa gửi biểu mẫu, hãy kiểm tra lại xem dữ liệu đã được lưu chưa."
)
RETRY_AFTER_SECONDS = 10

_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_PG_DISK_FULL = "53100"
# SQLSTATEs of a connection that went away: class 08 (connection exception), and the server
# shutting down or starting up (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now).
_PG_GONE_PREFIX = "08"
_PG_GONE = {"57P01", "57P02", "57P03"}
_SQLITE_UNAVAILABLE = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR}


def _dbapi_error(exc: BaseException):
    """The driver's exception inside a SQLAlchemy DBAPIError (or None)."""
    return exc.orig if isinstance(exc, sa_exc.DBAPIError) else None


def is_disk_full(exc: BaseException) -> bool:
    """True when ``exc`` says a write found no space left (file system or database)."""
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS:
        return True
    orig = _dbapi_error(exc)
    if orig is None:
        return False
    if getattr(orig, "sqlstate", None) == _PG_DISK_FULL:
        return True
    if isinstance(orig, sqlite3.Error):
        return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(orig)
    return False


def is_disconnect(exc: BaseException) -> bool:
    """True when the connection under a statement broke (server restarted, network cut)."""
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if not isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)) or isinstance(orig, sqlite3.Error):
        return False
    sqlstate = getattr(orig, "sqlstate", None)
    # psycopg gives no SQLSTATE for failures on the client side ("server closed the connection").
    return sqlstate is None or sqlstate.startswith(_PG_GONE_PREFIX) or sqlstate in _PG_GONE


def is_outage(exc: BaseException) -> bool:
    """True when the database is unavailable for now rather than the request being wrong:
    a lost or refused connection, an operational failure (restart, SQLite lock timeout,
    too many connections) or no free connection in the pool. Not for disk full (see above)."""
    if isinstance(exc, sa_exc.TimeoutError):
        return True
    if is_disk_full(exc):
        return False
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if isinstance(exc.orig, sqlite3.Error):
        # SQLite also says OperationalError for a syntax error or a missing table: only a lock
        # that never came, a file it cannot open or an I/O error are "unavailable for now".
        code = (getattr(exc.orig, "sqlite_errorcode", None) or 0) & 0xFF
        return code in _SQLITE_UNAVAILABLE or "database is locked" in str(exc.orig)
    # psycopg's OperationalError is operational only (syntax errors are ProgrammingError).
    return isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError))


def describe(exc: BaseException) -> str:
    """One line naming the failure for a log or the admin page: class and first line of the message."""
    orig = _dbapi_error(exc) or exc
    first_line = (str(orig).strip().splitlines() or [""])[0][:300]
    return f"{type(orig).__name__}: {first_line}" if first_line else type(orig).__name__


def log_round_failure(log: logging.Logger, what: str, exc: BaseException) -> None:
    """Log a background loop's failed round before it retries: one WARNING line when the database
    is unreachable for now (an expected condition), the traceback for anything else."""
    if is_outage(exc):
        log.warning("%s: database unreachable (%s); retrying", what, describe(exc))
    else:
        log.exception("%s failed; retrying", what)


def discard_transaction() -> None:
    """Roll the request's session back after a failure; if the connection is too dead even for
    a rollback, drop it without talking to the server. Never raises."""
    try:
        db.session.rollback()
    except Exception as error:  # noqa: BLE001 - the connection is gone; nothing left to undo
        log.warning("rollback failed, connection dropped: %s", describe(error))
        try:
            db.session.invalidate()
        except Exception:  # noqa: BLE001
            pass


class PortalFlask(Flask):
    """Flask, plus one retry of a read whose database connection was lost.

    After a PostgreSQL restart every pooled connection is dead. ``pool_pre_ping`` replaces the
    ones checked out later, but a request that already held one fails on its next statement.
    For GET and HEAD (they change nothing the user asked for) the view runs once more: SQLAlchemy
    has invalidated the pool by then, so the second run gets a fresh connection. Writes are
    never re-run: the user sees the 503 page and decides.
    """

    def dispatch_request(self):
        try:
            return super().dispatch_request()
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
            if request.method not in ("GET", "HEAD") or not is_disconnect(exc):
                raise
            log.warning("database connection lost during %s %s, retrying once: %s",
                        request.method, request.path, describe(exc))
            _reset_for_retry()
            return super().dispatch_request()


def _reset_for_retry() -> None:
    """Forget what the failed attempt loaded so the retry reads everything again."""
    try:
        db.session.rollback()  # objects stay in the session, expired: they reload on first use
    except Exception:  # noqa: BLE001 - too dead to roll back: start a new session instead
        try:
            db.session.invalidate()
        except Exception:  # noqa: BLE001
            pass
        g.pop("_login_user", None)  # Flask-Login reloads the user through the new session
