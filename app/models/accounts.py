"""Units, users, roles and the login-failure log."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db

READER, EDITOR, REPORTER, ADMIN = "reader", "editor", "reporter", "admin"
PUBLISHER = "publisher"
ROLE_LABELS = {
    READER: "Công chức (đọc, tra cứu)",
    EDITOR: "Cán bộ truyền thông (tin tức)",
    PUBLISHER: "Duyệt đăng tin (xuất bản tin tức)",
    REPORTER: "Đầu mối CCHC của đơn vị (tiến độ, báo cáo)",
    ADMIN: "Tổ CCHC / Quản trị",
}
ALL_ROLES = tuple(ROLE_LABELS)

user_roles = Table(
    "user_roles",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_name", ForeignKey("roles.name", ondelete="CASCADE"), primary_key=True),
)


class Unit(db.Model):
    """An agency department (vụ, cục, đơn vị), e.g. ``VPC`` Vụ Pháp chế."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    users: Mapped[list[User]] = relationship(back_populates="unit")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Role(db.Model):
    """A role a user may hold; the four rows are reference data from a migration."""

    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))


class User(UserMixin, db.Model):
    """A portal account. Each login is a row of ``user_sessions``; the browser's cookies carry
    that session's token, so ending the row signs that browser out (``app.services.accounts.sessions``)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))  # where notifications go by e-mail; none: portal only
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship(back_populates="users")
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin", order_by=Role.name)

    # The token of the login this object was loaded for (not a column): what Flask-Login keeps in
    # the session cookie and the remember-me cookie, see ``get_id``.
    session_token = None
    session_id = None  # that login's ``user_sessions`` row id

    __hash__ = object.__hash__

    def __eq__(self, other):
        """Two objects are equal when they are the same account (whatever login loaded them)."""
        if isinstance(other, User):
            return self.id == other.id
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    def get_id(self) -> str:
        """Return the token of this login's ``user_sessions`` row (Flask-Login stores it in the
        session and remember-me cookies); refuses (RuntimeError) a user not loaded for a login."""
        if not self.session_token:
            raise RuntimeError("user has no login session: use accounts.authenticate()")
        return self.session_token

    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.roles}

    def has_role(self, *names: str) -> bool:
        """True when the user holds any of ``names``; admins hold every role."""
        held = self.role_names
        return ADMIN in held or any(name in held for name in names)

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.role_names

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginFailure(db.Model):
    """One failed login for a username (existing or not) from a client address, for the lockout rule."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client_address: Mapped[str | None] = mapped_column(String(45), index=True)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class UserSession(db.Model):
    """One signed-in browser: created at login, checked on every request, deleted at logout or
    when it is ended (by its user from "Phiên đăng nhập", a password change or reset, an admin
    deactivating the account). The cookies carry the token; only its SHA-256 is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    client_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    remember: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()
