"""Account rules: authentication with lockout, creating and changing users and units."""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.extensions import db
from app.models import ALL_ROLES, LoginFailure, Role, Unit, User

log = logging.getLogger(__name__)

LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8

# A fixed hash checked when the username does not exist, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("khong-co-tai-khoan", method="pbkdf2:sha256:1000")


class AccountError(ValueError):
    """A refused account operation; the message is Vietnamese and shown to the user."""


@dataclass
class LoginResult:
    user: User | None = None
    error: str | None = None


def normalise_username(username: str) -> str:
    """Return the username as stored: trimmed and lower-case."""
    return (username or "").strip().lower()


def hash_password(password: str) -> str:
    """Return a salted hash of ``password`` using the configured method."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_rules(password: str) -> None:
    """Refuse (AccountError) a password shorter than the minimum length."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")


def locked_until(username: str):
    """Return the naive-UTC time until which ``username`` is locked, or None.

    A username is locked for 15 minutes once it has 5 failed logins within 15 minutes.
    """
    now = clock.utcnow()
    since = now - LOCKOUT_WINDOW - LOCKOUT_DURATION
    times = db.session.scalars(
        db.select(LoginFailure.failed_at)
        .where(LoginFailure.username == username, LoginFailure.failed_at > since)
        .order_by(LoginFailure.failed_at)
    ).all()
    until = None
    for i in range(LOCKOUT_FAILURES - 1, len(times)):
        if times[i] - times[i - LOCKOUT_FAILURES + 1] <= LOCKOUT_WINDOW:
            candidate = times[i] + LOCKOUT_DURATION
            if until is None or candidate > until:
                until = candidate
    return until if until and until > now else None


def prune_login_failures() -> int:
    """Delete failed-login rows too old for ``locked_until`` ever to read again (older than the
    lockout window plus the lock's duration); return how many were deleted. Does not commit."""
    cutoff = clock.utcnow() - LOCKOUT_WINDOW - LOCKOUT_DURATION
    return db.session.execute(db.delete(LoginFailure).where(LoginFailure.failed_at <= cutoff)).rowcount


def authenticate(username: str, password: str) -> LoginResult:
    """Return the user for valid credentials, or an error message.

    Refuses while the username is locked (without checking the password, and without
    extending the lock), a wrong password, an unknown user and a deactivated account.
    """
    username = normalise_username(username)
    if not username or not password:
        return LoginResult(error="Vui lòng nhập tên đăng nhập và mật khẩu.")
    until = locked_until(username)
    if until is not None:
        log.info("login refused: username %r is locked", username, extra={"username": username})
        minutes = max(1, math.ceil((until - clock.utcnow()).total_seconds() / 60))
        return LoginResult(
            error=f"Tài khoản tạm khóa do đăng nhập sai {LOCKOUT_FAILURES} lần. "
            f"Vui lòng thử lại sau {minutes} phút."
        )
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        valid = False
    else:
        valid = check_password_hash(user.password_hash, password)
    if not valid:
        prune_login_failures()  # the table holds the last half hour of failures, never more
        db.session.add(LoginFailure(username=username, failed_at=clock.utcnow()))
        db.session.commit()
        until = locked_until(username)
        if until is not None:  # this failure started a lock (attempts while locked are not recorded)
            log.warning("login locked: username %r after %d failed attempts, until %s UTC", username,
                        LOCKOUT_FAILURES, f"{until:%Y-%m-%d %H:%M}",
                        extra={"username": username, "locked_until": until.isoformat(timespec="seconds")})
        return LoginResult(error="Tên đăng nhập hoặc mật khẩu không đúng.")
    if not user.active:
        return LoginResult(error="Tài khoản đã bị vô hiệu hóa. Liên hệ Tổ CCHC để được hỗ trợ.")
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.username == username))
    user.last_login_at = clock.utcnow()
    db.session.commit()
    return LoginResult(user=user)


def get_unit_by_code(code: str) -> Unit | None:
    """Return the unit with this code (case-insensitive), or None."""
    return db.session.scalar(db.select(Unit).where(Unit.code == (code or "").strip().upper()))


def create_unit(code: str, name: str) -> Unit:
    """Create and commit a unit. Refuses an empty or duplicate code and an empty name."""
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not code or not name:
        raise AccountError("Mã và tên đơn vị không được để trống.")
    if len(code) > 20:
        raise AccountError("Mã đơn vị tối đa 20 ký tự.")
    if get_unit_by_code(code) is not None:
        raise AccountError(f"Mã đơn vị {code} đã tồn tại.")
    unit = Unit(code=code, name=name)
    db.session.add(unit)
    db.session.commit()
    return unit


def _roles(names) -> list[Role]:
    names = sorted(set(names))
    unknown = [n for n in names if n not in ALL_ROLES]
    if unknown:
        raise AccountError(f"Vai trò không hợp lệ: {', '.join(unknown)}.")
    if not names:
        raise AccountError("Chọn ít nhất một vai trò.")
    return list(db.session.scalars(db.select(Role).where(Role.name.in_(names))))


def create_user(username, password, full_name="", roles=("reader",), unit: Unit | None = None) -> User:
    """Create and commit a user. Refuses a bad or taken username, a short password,
    unknown roles and a reporter without a unit."""
    username = normalise_username(username)
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError("Tên đăng nhập chỉ gồm chữ, số và các ký tự . _ - (tối đa 64 ký tự).")
    if db.session.scalar(db.select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"Tên đăng nhập {username} đã có người dùng.")
    check_password_rules(password)
    role_rows = _roles(roles)
    if "reporter" in roles and unit is None:
        raise AccountError("Đầu mối CCHC phải thuộc một đơn vị.")
    user = User(
        username=username,
        full_name=(full_name or "").strip() or username,
        password_hash=hash_password(password),
        unit=unit,
        roles=role_rows,
    )
    db.session.add(user)
    db.session.commit()
    return user


def update_user(user: User, full_name: str, unit: Unit | None, roles, active: bool, acting_user: User) -> User:
    """Change a user's name, unit, roles and active flag and commit.

    Refuses unknown roles, a reporter without a unit, and an admin removing their own
    admin role or deactivating themselves (so the portal never loses its last way in).
    """
    role_rows = _roles(roles)
    if user.id == acting_user.id and ("admin" not in roles or not active):
        raise AccountError("Không thể tự gỡ quyền quản trị hoặc tự vô hiệu hóa tài khoản của mình.")
    if "reporter" in roles and unit is None:
        raise AccountError("Đầu mối CCHC phải thuộc một đơn vị.")
    user.full_name = (full_name or "").strip() or user.username
    user.unit = unit
    user.roles = role_rows
    if user.active and not active:
        user.auth_version += 1  # end the user's open sessions at once
    user.active = active
    db.session.commit()
    return user


def set_password(user: User, new_password: str) -> None:
    """Set a new password and sign out the user's other sessions. Refuses a short password."""
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    user.auth_version += 1
    db.session.commit()


def change_own_password(user: User, current_password: str, new_password: str, confirm: str) -> None:
    """Change the user's own password. Refuses a wrong current password, a mismatch
    between the two new entries, an unchanged password and a short one."""
    if not check_password_hash(user.password_hash, current_password or ""):
        raise AccountError("Mật khẩu hiện tại không đúng.")
    if new_password != confirm:
        raise AccountError("Hai lần nhập mật khẩu mới không khớp.")
    if new_password == current_password:
        raise AccountError("Mật khẩu mới phải khác mật khẩu hiện tại.")
    set_password(user, new_password)


def load_user_from_session_id(session_id: str) -> User | None:
    """Return the active user for a Flask-Login id ``"<id>:<auth_version>"``, or None
    when the account is gone, deactivated or its password changed since."""
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.auth_version != version:
        return None
    return user
