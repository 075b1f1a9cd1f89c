"""Demo data for a newcomer's first run. Every step checks what exists, so running it twice changes nothing."""
from __future__ import annotations

from app.demo.articles import load_demo_news
from app.demo.library import load_demo_documents
from app.demo.plans import load_demo_plans
from app.extensions import db
from app.models import User
from app.services import audit
from app.services.accounts import users as accounts

# The units the seed articles name (Thanh tra Chính phủ and its departments).
DEMO_UNITS = [
    ("VPC", "Vụ Pháp chế"),
    ("TCCB", "Vụ Tổ chức Cán bộ"),
    ("KHTCTH", "Vụ Kế hoạch, Tài chính và Tổng hợp"),
    ("VP", "Văn phòng Thanh tra Chính phủ"),
    ("BTCDTW", "Ban Tiếp công dân Trung ương"),
    ("VCL", "Viện Chiến lược và Khoa học Thanh tra"),
    ("TCBTT", "Trường Cán bộ Thanh tra"),
    ("BAOTT", "Báo Thanh tra"),
    ("TCTT", "Tạp chí Thanh tra"),
]

DEMO_PASSWORD = "Tinh-gon-2024"  # passes the password policy (app/services/accounts/password_policy.py)
# The demo accounts' addresses (<username>@cchc.example): .example is reserved (RFC 2606), so with
# PORTAL_SMTP_URL set the demo mails only a local test server (aiosmtpd): no real mailbox can get it.
DEMO_EMAIL_DOMAIN = "cchc.example"

# username, full name, unit code, roles
DEMO_USERS = [
    ("quantri", "Nguyễn Thị Quản Trị", "KHTCTH", ["admin", "reader"]),
    ("bientap", "Phương Hiếu", "VP", ["editor", "reader"]),
    ("duyettin", "Hoàng Văn Duyệt", "VP", ["editor", "publisher", "reader"]),
    ("daumoi.vpc", "Lê Văn Đầu Mối", "VPC", ["reporter", "reader"]),
    ("daumoi.tccb", "Trần Thị Báo Cáo", "TCCB", ["reporter", "reader"]),
    ("congchuc", "Phạm Minh Công", "TCCB", ["reader"]),
]


def demo_email(username: str) -> str:
    """The address a demo account is created with: ``<username>@cchc.example``."""
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def load_demo() -> list[str]:
    """Create the demo units and one user per role if missing, each with an address in
    :data:`DEMO_EMAIL_DOMAIN`; return lines to print.

    Never changes an existing unit or user (so a changed demo password or address stays changed;
    accounts created by an older demo keep having none, and the lines say so).
    """
    lines = []
    created_units = 0
    for code, name in DEMO_UNITS:
        if accounts.get_unit_by_code(code) is None:
            accounts.create_unit(code, name)
            created_units += 1
    lines.append(f"Đơn vị: {len(DEMO_UNITS)} ({created_units} mới).")

    lines.append("Tài khoản demo (tên đăng nhập / mật khẩu / vai trò / đơn vị / e-mail):")
    for username, full_name, unit_code, roles in DEMO_USERS:
        user = db.session.scalar(db.select(User).where(User.username == username))
        exists = user is not None
        if not exists:
            user = accounts.create_user(
                username, DEMO_PASSWORD, full_name=full_name, roles=roles, unit=accounts.get_unit_by_code(unit_code),
                email=demo_email(username),
            )
        state = "đã có" if exists else "mới"
        lines.append(f"  {username:<12} / {DEMO_PASSWORD} / {', '.join(roles)} / {unit_code} / "
                     f"{user.email or 'chưa có e-mail'} ({state})")

    # What follows is written to the audit log as done by the demo's admin unless a step names its user.
    with audit.acting_as(db.session.scalar(db.select(User).where(User.username == "quantri"))):
        lines += load_demo_documents()
        lines += load_demo_news()
        lines += load_demo_plans()
    return lines
