"""Jinja filters and globals for the Vietnamese interface (dates dd/mm/yyyy, 1.305, 86,5%)."""
from __future__ import annotations

from datetime import date, datetime

from flask import g, request
from flask_login import current_user

from app import search
from app.clock import to_vietnam
from app.dates import date_text
from app.models import ROLE_LABELS
from app.vntext import vn_duration, vn_number, vn_size


def vn_date(value) -> str:
    """Format a date or datetime as ``dd/mm/yyyy`` (datetimes in Vietnam time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_vietnam(value)
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    return str(value)


def vn_datetime(value) -> str:
    """Format a stored naive-UTC datetime as ``dd/mm/yyyy HH:MM`` in Vietnam time."""
    if value is None:
        return ""
    return to_vietnam(value).strftime("%d/%m/%Y %H:%M")


def vn_time(value) -> str:
    """Format a stored naive-UTC datetime as ``HH:MM`` (24-hour) in Vietnam time."""
    if value is None:
        return ""
    return to_vietnam(value).strftime("%H:%M")


NAV_ITEMS = [
    ("main.index", "Trang chủ", None),
    ("documents.index", "Văn bản", None),
    ("news.index", "Tin tức", None),
    ("plans.index", "Tiến độ CCHC", None),
    ("reports.index", "Báo cáo", None),
    ("search.results", "Tìm kiếm", None),
    ("admin.users", "Quản trị", "admin"),
]


def init_app(app):
    """Register the filters and the navigation shown in ``base.html``."""
    app.jinja_env.filters["vn_date"] = vn_date
    app.jinja_env.filters["vn_datetime"] = vn_datetime
    app.jinja_env.filters["vn_time"] = vn_time
    app.jinja_env.filters["date_text"] = date_text
    app.jinja_env.filters["vn_number"] = vn_number
    app.jinja_env.filters["vn_size"] = vn_size
    app.jinja_env.filters["vn_duration"] = vn_duration

    @app.context_processor
    def layout_context():
        if g.get("database_unavailable"):
            # The 503/507 page: nothing that would ask the database (the user's name, roles).
            return {"nav_items": [], "role_labels": ROLE_LABELS, "index_problem": None, "database_unavailable": True}
        items = []
        if current_user.is_authenticated:
            for endpoint, label, role in NAV_ITEMS:
                if role and not current_user.has_role(role):
                    continue
                if endpoint not in app.view_functions:
                    continue
                area = endpoint.split(".")[0]
                current = request.endpoint or ""
                active = current == endpoint if area == "main" else current.split(".")[0] == area
                items.append({"endpoint": endpoint, "label": label, "active": active})
        index_problem = None
        if current_user.is_authenticated and current_user.is_admin and request.endpoint != "static":
            index_problem = search.status()
        return {"nav_items": items, "role_labels": ROLE_LABELS, "index_problem": index_problem,
                "database_unavailable": False}
