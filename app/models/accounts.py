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
    """A portal account. ``auth_version`` changes when the password changes,
    which signs out every other session and remember-me cookie."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    auth_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship(back_populates="users")
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin", order_by=Role.name)

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_version}"

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
    """One failed login for a username (existing or not), for the lockout rule."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
