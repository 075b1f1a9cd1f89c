"""Account rules: authentication with lockout, creating and changing users and units.

Lockout (``lock_for``): five failed logins for one username from one client address within
15 minutes lock that username *from that address* for 15 minutes; the same person can still log
in from another machine, so nobody can lock a named account out of the whole portal. An address
with twenty failed logins within 15 minutes (any usernames: guessing across accounts) is locked
for 15 minutes for every username. Attempts while locked are not counted and do not extend a lock.

Every change here and every login, failure, lock and logout is written to the audit log in the
same transaction (``app.services.audit``).
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock, mail
from app.errors import Invalid
from app.extensions import db
from app.models import ALL_ROLES, LoginFailure, Role, Unit, User
from app.services import audit
from app.services.accounts import password_policy, sessions

log = logging.getLogger(__name__)

LOCKOUT_FAILURES = 5
ADDRESS_LOCKOUT_FAILURES = 20
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = password_policy.MIN_LENGTH
MAX_EMAIL_LENGTH = 254  # users.email; the longest address SMTP carries

# Hashes checked when the username does not exist, made with the configured method and its
# parameters, so an unknown username costs the same work as a wrong password (one per method).
_DUMMY_HASHES: dict[str, str] = {}


class AccountError(Invalid):
    """A refused account operation; the message is Vietnamese and shown to the user."""


class BadEmail(AccountError):
    """An e-mail address refused (forms show the message beside the address field)."""


@dataclass
class LoginResult:
    user: User | None = None
    error: str | None = None


@dataclass
class Lock:
    until: datetime
    whole_address: bool = False  # the address is locked for every username


def normalise_username(username: str) -> str:
    """Return the username as stored: trimmed and lower-case."""
    return (username or "").strip().lower()


def hash_password(password: str) -> str:
    """Return a salted hash of ``password`` using the configured method."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def dummy_hash() -> str:
    """Return the hash an unknown username's password is checked against: made once per process
    with the same method and parameters as real passwords (``PASSWORD_HASH_METHOD``)."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = hash_password("khong-co-tai-khoan")
    return _DUMMY_HASHES[method]


def check_password_rules(password: str, username: str = "", unit: Unit | None = None) -> None:
    """Refuse (AccountError, every reason in Vietnamese) a password the policy does not accept:
    see ``app.services.accounts.password_policy``."""
    problems = password_policy.problems(password, username=username, unit_code=unit.code if unit else "")
    if problems:
        raise AccountError(" ".join(problems))


def _lock_end(times: list[datetime], failures: int) -> datetime | None:
    """The end of the latest lock ``times`` started: ``failures`` of them within the window."""
    until = None
    for i in range(failures - 1, len(times)):
        if times[i] - times[i - failures + 1] <= LOCKOUT_WINDOW:
            candidate = times[i] + LOCKOUT_DURATION
            if until is None or candidate > until:
                until = candidate
    return until


def _same_address(client_address: str | None):
    return LoginFailure.client_address.is_(None) if client_address is None else \
        LoginFailure.client_address == client_address


def lock_for(username: str, client_address: str | None) -> Lock | None:
    """Return the lock that stops ``username`` logging in from ``client_address`` now, or None
    (the rule is in this module's docstring)."""
    now = clock.utcnow()
    since = now - LOCKOUT_WINDOW - LOCKOUT_DURATION
    rows = db.session.execute(
        db.select(LoginFailure.username, LoginFailure.failed_at)
        .where(_same_address(client_address), LoginFailure.failed_at > since)
        .order_by(LoginFailure.failed_at)
    ).all()
    pair = _lock_end([at for name, at in rows if name == username], LOCKOUT_FAILURES)
    address = _lock_end([at for _name, at in rows], ADDRESS_LOCKOUT_FAILURES)
    if address is not None and address > now and (pair is None or address >= pair):
        return Lock(until=address, whole_address=True)
    if pair is not None and pair > now:
        return Lock(until=pair)
    return None


def locked_until(username: str, client_address: str | None = None):
    """Return the naive-UTC time until which ``username`` is locked from ``client_address``, or None."""
    lock = lock_for(username, client_address)
    return lock.until if lock else None


def _lock_message(lock: Lock) -> str:
    minutes = max(1, math.ceil((lock.until - clock.utcnow()).total_seconds() / 60))
    if lock.whole_address:
        return (f"Máy này đã đăng nhập sai quá nhiều lần nên tạm khóa đăng nhập. "
                f"Vui lòng thử lại sau {minutes} phút.")
    return (f"Tài khoản tạm khóa trên máy này do đăng nhập sai {LOCKOUT_FAILURES} lần. "
            f"Vui lòng thử lại sau {minutes} phút.")


def prune_login_failures() -> int:
    """Delete failed-login rows too old for ``locked_until`` ever to read again (older than the
    lockout window plus the lock's duration); return how many were deleted. Does not commit."""
    cutoff = clock.utcnow() - LOCKOUT_WINDOW - LOCKOUT_DURATION
    return db.session.execute(db.delete(LoginFailure).where(LoginFailure.failed_at <= cutoff)).rowcount


def authenticate(username: str, password: str, client_address: str | None = None, user_agent: str | None = None,
                 remember: bool = False) -> LoginResult:
    """Return the user for valid credentials, signed in with a new session (``user.session_token``
    is its token), or an error message; the login, failure or lock is in the audit log.

    Refuses while the username is locked from ``client_address`` (without checking the password,
    and without extending the lock), a wrong password, an unknown user (after the same password
    work as a known one) and a deactivated account.
    """
    username = normalise_username(username)
    if not username or not password:
        return LoginResult(error="Vui lòng nhập tên đăng nhập và mật khẩu.")
    lock = lock_for(username, client_address)
    if lock is not None:
        log.info("login refused: username %r is locked from %s", username, client_address,
                 extra={"username": username, "client_address": client_address})
        return LoginResult(error=_lock_message(lock))
    user = db.session.scalar(db.select(User).where(User.username == username))
    valid = check_password_hash(user.password_hash if user is not None else dummy_hash(), password)
    if not valid or not user.active:
        return _failed(username, user, client_address, valid)
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.username == username,
                                                     _same_address(client_address)))
    user.last_login_at = clock.utcnow()
    sessions.start(user, remember, client_address, user_agent)
    audit.record("login.success", user, actor=user, note="Ghi nhớ đăng nhập" if remember else "")
    db.session.commit()
    return LoginResult(user=user)


def _failed(username: str, user: User | None, client_address: str | None, valid: bool) -> LoginResult:
    """Record a refused login (a failure counts towards the lock; a deactivated account's right
    password does not) and commit; return the message."""
    if valid:  # the right password of a deactivated account
        audit.record("login.failed", user, note="Tài khoản đã bị vô hiệu hóa")
        db.session.commit()
        return LoginResult(error="Tài khoản đã bị vô hiệu hóa. Liên hệ Tổ CCHC để được hỗ trợ.")
    prune_login_failures()  # the table holds the last half hour of failures, never more
    db.session.add(LoginFailure(username=username, client_address=client_address, failed_at=clock.utcnow()))
    note = "Sai mật khẩu" if user is not None else "Tên đăng nhập không tồn tại"
    audit.record("login.failed", target_type="user", target_id=user.id if user else None,
                 target_label=username, note=note)
    db.session.flush()
    lock = lock_for(username, client_address)
    if lock is not None:  # this failure started a lock (attempts while locked are not recorded)
        scope = "mọi tài khoản từ máy này" if lock.whole_address else "tài khoản trên máy này"
        audit.record("login.locked", target_type="user", target_id=user.id if user else None,
                     target_label=username, after={"locked_until": lock.until.isoformat(timespec="seconds")},
                     note=f"Khóa {scope} {int(LOCKOUT_DURATION.total_seconds() // 60)} phút")
        log.warning("login locked: username %r from %s after %d failed attempts, until %s UTC", username,
                    client_address, LOCKOUT_FAILURES, f"{lock.until:%Y-%m-%d %H:%M}",
                    extra={"username": username, "client_address": client_address,
                           "locked_until": lock.until.isoformat(timespec="seconds")})
    db.session.commit()
    return LoginResult(error="Tên đăng nhập hoặc mật khẩu không đúng.")


def get_unit_by_code(code: str) -> Unit | None:
    """Return the unit with this code (case-insensitive), or None."""
    return db.session.scalar(db.select(Unit).where(Unit.code == (code or "").strip().upper()))


def create_unit(code: str, name: str) -> Unit:
    """Create and commit a unit (recorded in the audit log); return it. Refuses an empty or
    duplicate code and an empty name."""
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
    db.session.flush()
    audit.record("unit.create", unit, after={"code": code, "name": name})
    db.session.commit()
    return unit


def normalise_email(email: str | None) -> str | None:
    """Return the address notifications go to as stored: trimmed, None when empty. Refuses (BadEmail)
    anything but one address (``app.mail.is_address``: one @, no space, bracket or list separator)
    and one longer than 254 characters."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > MAX_EMAIL_LENGTH:
        raise BadEmail(f"Địa chỉ e-mail tối đa {MAX_EMAIL_LENGTH} ký tự.")
    if not mail.is_address(email):
        raise BadEmail(f"«{email[:100]}» không phải là một địa chỉ e-mail.")
    return email


def _roles(names) -> list[Role]:
    names = sorted(set(names))
    unknown = [n for n in names if n not in ALL_ROLES]
    if unknown:
        raise AccountError(f"Vai trò không hợp lệ: {', '.join(unknown)}.")
    if not names:
        raise AccountError("Chọn ít nhất một vai trò.")
    return list(db.session.scalars(db.select(Role).where(Role.name.in_(names))))


def _account_state(user: User) -> dict:
    return {"full_name": user.full_name, "unit": user.unit.code if user.unit else None, "email": user.email,
            "roles": sorted(user.role_names), "active": user.active}


def create_user(username, password, full_name="", roles=("reader",), unit: Unit | None = None,
                active: bool = True, email: str | None = None) -> User:
    """Create and commit a user (recorded in the audit log); return it. ``email`` is where their
    notifications go by e-mail (optional). Refuses a bad or taken username, a password the policy
    refuses, unknown roles, a reporter without a unit and an address that is not one (BadEmail);
    nothing is saved then."""
    email = normalise_email(email)
    username = normalise_username(username)
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError("Tên đăng nhập chỉ gồm chữ, số và các ký tự . _ - (tối đa 64 ký tự).")
    if db.session.scalar(db.select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"Tên đăng nhập {username} đã có người dùng.")
    check_password_rules(password, username, unit)
    role_rows = _roles(roles)
    if "reporter" in roles and unit is None:
        raise AccountError("Đầu mối CCHC phải thuộc một đơn vị.")
    user = User(
        username=username,
        full_name=(full_name or "").strip() or username,
        password_hash=hash_password(password),
        unit=unit,
        roles=role_rows,
        active=active,
        email=email,
    )
    db.session.add(user)
    db.session.flush()
    state = _account_state(user)
    if state["email"] is None:
        del state["email"]
    audit.record("user.create", user, after=state)
    db.session.commit()
    return user


def update_user(user: User, full_name: str, unit: Unit | None, roles, active: bool, acting_user: User,
                email: str | None = None) -> User:
    """Change a user's name, unit, roles, active flag and, when ``email`` is given, their address
    for notifications (``""`` removes it), and commit, with one audit entry per kind of change
    (details, each role granted or revoked, deactivation); return the user. Deactivating ends all
    the user's sessions at once.

    Refuses unknown roles, a reporter without a unit, an address that is not one (BadEmail), and
    an admin removing their own admin role or deactivating themselves (so the portal never loses
    its last way in); nothing is changed then.
    """
    new_email = normalise_email(email) if email is not None else user.email
    role_rows = _roles(roles)
    if user.id == acting_user.id and ("admin" not in roles or not active):
        raise AccountError("Không thể tự gỡ quyền quản trị hoặc tự vô hiệu hóa tài khoản của mình.")
    if "reporter" in roles and unit is None:
        raise AccountError("Đầu mối CCHC phải thuộc một đơn vị.")
    before = _account_state(user)
    user.full_name = (full_name or "").strip() or user.username
    user.unit = unit
    user.roles = role_rows
    user.active = active
    user.email = new_email
    after = _account_state(user)
    audit.record("user.update", user, actor=acting_user,
                 before={k: before[k] for k in ("full_name", "unit", "email")},
                 after={k: after[k] for k in ("full_name", "unit", "email")}, only_if_changed=True)
    for role in sorted(set(after["roles"]) - set(before["roles"])):
        audit.record("role.grant", user, actor=acting_user, after={"role": role})
    for role in sorted(set(before["roles"]) - set(after["roles"])):
        audit.record("role.revoke", user, actor=acting_user, before={"role": role})
    if before["active"] and not active:
        ended = sessions.end_all(user)
        audit.record("user.disable", user, actor=acting_user, before={"active": True}, after={"active": False},
                     note=f"Kết thúc {ended} phiên đăng nhập")
    elif active and not before["active"]:
        audit.record("user.enable", user, actor=acting_user, before={"active": False}, after={"active": True})
    db.session.commit()
    return user


def set_password(user: User, new_password: str, keep_session_id: int | None = None,
                 action: str = "password.reset") -> int:
    """Set a new password, end the user's sessions except ``keep_session_id``, record it in the
    audit log and commit; return how many sessions were ended. Refuses (AccountError) a password
    the policy does not accept."""
    check_password_rules(new_password, user.username, user.unit)
    user.password_hash = hash_password(new_password)
    ended = sessions.end_all(user, keep_id=keep_session_id)
    audit.record(action, user, note=f"Kết thúc {ended} phiên đăng nhập khác" if keep_session_id
                 else f"Kết thúc {ended} phiên đăng nhập")
    db.session.commit()
    return ended


def change_own_password(user: User, current_password: str, new_password: str, confirm: str) -> int:
    """Change the user's own password, keeping the current session and ending the others; return
    how many were ended. Refuses a wrong current password, a mismatch between the two new
    entries, an unchanged password and one the policy does not accept."""
    if not check_password_hash(user.password_hash, current_password or ""):
        raise AccountError("Mật khẩu hiện tại không đúng.")
    if new_password != confirm:
        raise AccountError("Hai lần nhập mật khẩu mới không khớp.")
    if new_password == current_password:
        raise AccountError("Mật khẩu mới phải khác mật khẩu hiện tại.")
    return set_password(user, new_password, keep_session_id=sessions.current_id(user) or -1,
                        action="password.change")


def load_user_from_session_id(token: str) -> User | None:
    """Flask-Login's user loader (``app.services.accounts.sessions.load``): the active user of a live
    session token, or None."""
    return sessions.load(token)
