"""The audit log: who did what, when, from where.

``record`` adds one entry to the database session of the change it describes and never commits:
the service that made the change commits both at once, so a change that is rolled back leaves no
entry and a committed change always has one. Entries are never changed or deleted by the portal.

The actor is, in this order: the ``actor`` passed in, the user of an ``acting_as`` block (the
demo loader), the signed-in user of the current request, else nobody (a command-line tool:
``actor_label`` says so). The client address and the request id come from the current request.
"""
from __future__ import annotations

import contextvars
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import has_request_context, request
from flask_login import current_user

from app import clock
from app.dates import DateFormatError, date_text, parse_date
from app.extensions import db
from app.models import Article, AuditEntry, Document, Plan, Task, Unit, User, UserSession
from app.observability import current_request_id

ACTION_LABELS = {
    "login.success": "Đăng nhập",
    "login.failed": "Đăng nhập sai",
    "login.locked": "Tạm khóa đăng nhập",
    "logout": "Đăng xuất",
    "session.end": "Kết thúc phiên đăng nhập",
    "session.end_others": "Kết thúc các phiên khác",
    "user.create": "Tạo tài khoản",
    "user.update": "Sửa tài khoản",
    "user.disable": "Vô hiệu hóa tài khoản",
    "user.enable": "Kích hoạt lại tài khoản",
    "role.grant": "Cấp vai trò",
    "role.revoke": "Thu hồi vai trò",
    "password.change": "Đổi mật khẩu",
    "password.reset": "Đặt lại mật khẩu",
    "unit.create": "Tạo đơn vị",
    "plan.create": "Tạo kế hoạch",
    "plan.update": "Sửa kế hoạch",
    "period.update": "Đổi hạn nộp báo cáo",
    "task.create": "Thêm nhiệm vụ",
    "task.update": "Sửa nhiệm vụ",
    "task.import": "Nhập nhiệm vụ từ tệp",
    "document.visibility": "Đổi phạm vi xem văn bản",
    "news.publish": "Xuất bản tin",
    "news.unpublish": "Gỡ tin",
}

# A filter on a group ("login") finds every action of it (login.success, login.failed, …).
GROUP_LABELS = {
    "login": "Mọi việc đăng nhập",
    "session": "Mọi việc về phiên đăng nhập",
    "user": "Mọi thay đổi tài khoản",
    "role": "Mọi thay đổi vai trò",
    "password": "Mọi thay đổi mật khẩu",
    "task": "Mọi thay đổi nhiệm vụ",
    "news": "Mọi việc xuất bản tin",
}
_GROUPS = GROUP_LABELS

TARGET_LABELS = {
    "user": "Tài khoản",
    "session": "Phiên đăng nhập",
    "unit": "Đơn vị",
    "plan": "Kế hoạch",
    "task": "Nhiệm vụ",
    "document": "Văn bản",
    "news": "Tin tức",
}

# How the page names the fields an entry stores (the stored keys stay short and stable).
FIELD_LABELS = {
    "full_name": "Họ và tên", "unit": "Đơn vị", "roles": "Vai trò", "role": "Vai trò", "active": "Đang hoạt động",
    "code": "Mã", "name": "Tên", "year": "Năm", "number": "Số ký hiệu", "title": "Tên",
    "field": "Lĩnh vực", "lead_unit": "Đơn vị chủ trì", "deadline": "Thời hạn",
    "expected_output": "Sản phẩm dự kiến", "visibility": "Phạm vi xem", "status": "Trạng thái",
    "publish_at": "Thời điểm đăng", "expires_at": "Hết hạn hiển thị", "tasks": "Nhiệm vụ",
    "locked_until": "Khóa đến", "email": "E-mail",
}
# The same key means different things on some targets.
TARGET_FIELD_LABELS = {
    ("task", "units"): "Đơn vị phối hợp",
    ("document", "units"): "Đơn vị được xem",
    ("news", "title"): "Tiêu đề",
}
VALUE_LABELS = {
    "visibility": {"all": "Toàn thể cán bộ, công chức", "units": "Chỉ các đơn vị được chọn"},
    "status": {"draft": "Bản nháp", "submitted": "Chờ duyệt", "published": "Đã đăng", "unpublished": "Đã gỡ"},
}

COMMAND_LINE = "(dòng lệnh)"
MAX_EXPORT_ROWS = 100_000

_acting: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("audit_acting", default=None)


@contextmanager
def acting_as(user: User | None, client_address: str | None = None):
    """Within the block, entries without an explicit actor are written as ``user``'s (for work a
    command does on someone's behalf, such as the demo loader)."""
    token = _acting.set((user, client_address))
    try:
        yield
    finally:
        _acting.reset(token)


def describe(target) -> tuple[str, int | None, str]:
    """Return ``(type, id, label)`` for a model instance the log names as a target."""
    if isinstance(target, User):
        return "user", target.id, target.username
    if isinstance(target, Unit):
        return "unit", target.id, target.code
    if isinstance(target, Plan):
        return "plan", target.id, target.number
    if isinstance(target, Task):
        return "task", target.id, f"{target.plan.number} – nhiệm vụ {target.code}"
    if isinstance(target, Document):
        return "document", target.id, (target.number or target.title)[:300]
    if isinstance(target, Article):
        return "news", target.id, target.title[:300]
    if isinstance(target, UserSession):
        return "session", target.id, f"{target.user.username} · {target.user_agent or 'không rõ trình duyệt'}"[:300]
    raise TypeError(f"no audit description for {type(target).__name__}")


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Return the items of ``before`` and ``after`` whose values differ (keys of either)."""
    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in keys if k in before}, {k: after.get(k) for k in keys if k in after}


def _json(value):
    """Dates as ISO text, sets as sorted lists: what a JSON column can hold."""
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted(_json(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _current_actor():
    acting = _acting.get()
    if acting is not None:
        return acting[0]
    if has_request_context():
        if current_user and current_user.is_authenticated:
            return current_user._get_current_object()
    return None


def record(action: str, target=None, *, before: dict | None = None, after: dict | None = None, note: str = "",
           actor: User | None = None, target_type: str = "", target_id: int | None = None, target_label: str = "",
           only_if_changed: bool = False) -> AuditEntry | None:
    """Add an audit entry to the current database session (the caller commits it with its change);
    return it. ``actor`` defaults as the module says. ``target`` is a model instance (or give
    ``target_type``/``target_id``/``target_label``). When both ``before`` and ``after`` are given,
    only the fields that differ are kept; with ``only_if_changed`` nothing is written (None
    returned) when none differ.
    Refuses (ValueError) an action that is not in ``ACTION_LABELS``."""
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown audit action {action!r}")
    if before is not None and after is not None:
        before, after = changed(before, after)
        if only_if_changed and not before and not after:
            return None
    if target is not None:
        target_type, target_id, target_label = describe(target)
    user = actor if actor is not None else _current_actor()
    acting = _acting.get()
    address = acting[1] if acting is not None else None
    request_id = None
    if has_request_context():
        address = address or request.remote_addr
        request_id = current_request_id()
        anonymous = ""
    else:
        anonymous = COMMAND_LINE
    entry = AuditEntry(
        at=clock.utcnow(), actor_id=user.id if user is not None else None,
        actor_label=user.username if user is not None else anonymous, action=action,
        target_type=target_type, target_id=target_id, target_label=(target_label or "")[:300],
        before=_json(before) if before else None, after=_json(after) if after else None,
        note=(note or "")[:500], client_address=(address or None) and address[:45], request_id=request_id,
    )
    db.session.add(entry)
    return entry


# Reading (the admin page and its export)

@dataclass
class AuditFilters:
    actor: str = ""
    action: str = ""
    target_type: str = ""
    target: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        """Filters from a query string (dates ``dd/mm/yyyy`` or ``yyyy-mm-dd``); unknown actions and
        types and malformed dates are ignored (the page says which date it could not read)."""
        def day(name):
            try:
                return parse_date(args.get(name))
            except DateFormatError:
                return None

        action = (args.get("action") or "").strip()
        target_type = (args.get("target_type") or "").strip()
        return cls(actor=(args.get("actor") or "").strip()[:64].lower(),
                   action=action if action in ACTION_LABELS or action in _GROUPS else "",
                   target_type=target_type if target_type in TARGET_LABELS else "",
                   target=(args.get("target") or "").strip()[:100], date_from=day("from"), date_to=day("to"))

    def as_args(self) -> dict:
        """The filters as query-string arguments (empty ones left out)."""
        args = {"actor": self.actor, "action": self.action, "target_type": self.target_type, "target": self.target,
                "from": date_text(self.date_from), "to": date_text(self.date_to)}
        return {k: v for k, v in args.items() if v}




def _vietnam_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time()) - timedelta(hours=7)


def statement(filters: AuditFilters):
    """The entries matching ``filters``, newest first (a select for ``db.paginate`` or an export).
    Dates are Vietnamese calendar days, both ends included."""
    stmt = db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if filters.actor:
        stmt = stmt.where(db.func.lower(AuditEntry.actor_label).like(f"%{_escape(filters.actor)}%", escape="\\"))
    if filters.action in ACTION_LABELS:
        stmt = stmt.where(AuditEntry.action == filters.action)
    elif filters.action:
        stmt = stmt.where(AuditEntry.action.like(f"{filters.action}.%"))
    if filters.target_type:
        stmt = stmt.where(AuditEntry.target_type == filters.target_type)
    if filters.target:
        text = filters.target.lstrip("#")
        condition = db.func.lower(AuditEntry.target_label).like(f"%{_escape(filters.target.lower())}%", escape="\\")
        if text.isdigit():
            condition = db.or_(condition, AuditEntry.target_id == int(text))
        stmt = stmt.where(condition)
    if filters.date_from:
        stmt = stmt.where(AuditEntry.at >= _vietnam_midnight_utc(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(AuditEntry.at < _vietnam_midnight_utc(filters.date_to + timedelta(days=1)))
    return stmt


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def action_label(action: str) -> str:
    """The Vietnamese name of an audit action (``news.publish`` → ``Xuất bản tin``), or the action itself."""
    return ACTION_LABELS.get(action, action)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


def value_text(value, key: str = "") -> str:
    """A before/after value as short Vietnamese text: lists joined, booleans có/không, dates
    dd/mm/yyyy, moments in Vietnam time, known codes named; empty '—'."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list):
        return ", ".join(value_text(v, key) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, str):
        if value in VALUE_LABELS.get(key, {}):
            return VALUE_LABELS[key][value]
        if _ISO_TIME.fullmatch(value):
            return clock.to_vietnam(datetime.fromisoformat(value)).strftime("%d/%m/%Y %H:%M")
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def field_label(entry: AuditEntry, key: str) -> str:
    """The Vietnamese name of a changed field of ``entry`` (by its target type first), or the key itself."""
    return TARGET_FIELD_LABELS.get((entry.target_type, key)) or FIELD_LABELS.get(key, key)


def changes_text(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """The entry's changed fields as (field name, before, after) Vietnamese texts, in the order written."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(field_label(entry, key), value_text(before.get(key), key) if key in before else "—",
             value_text(after.get(key), key) if key in after else "—") for key in keys]


def export_workbook(filters: AuditFilters) -> io.BytesIO:
    """The entries matching ``filters`` (newest first, at most ``MAX_EXPORT_ROWS``) as an .xlsx file.
    Typed text never becomes a formula."""
    # here, not at the top: openpyxl takes about a second to import, for the few requests that need it
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nhật ký")
    header = ["Thời điểm", "Người thực hiện", "Hành động", "Loại đối tượng", "Đối tượng", "Mã đối tượng",
              "Thay đổi", "Ghi chú", "Địa chỉ máy", "Mã yêu cầu"]
    sheet.append(_row(sheet, header, bold=Font(bold=True)))
    rows = db.session.execute(statement(filters).limit(MAX_EXPORT_ROWS).execution_options(yield_per=1000)).scalars()
    for entry in rows:
        changes = "; ".join(f"{k}: {b} → {a}" for k, b, a in changes_text(entry))
        sheet.append(_row(sheet, [
            clock.to_vietnam(entry.at).strftime("%d/%m/%Y %H:%M:%S"), entry.actor_label or "—",
            action_label(entry.action), TARGET_LABELS.get(entry.target_type, entry.target_type),
            entry.target_label, entry.target_id, changes, entry.note, entry.client_address or "",
            entry.request_id or ""]))
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def _row(sheet, values: list, bold=None) -> list:
    """Cells for a write-only sheet; text starting with = + - @ stays text (never a formula)."""
    # here, not at the top: openpyxl takes about a second to import, for the few requests that need it
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
            cell.data_type = "s"
        if bold is not None:
            cell.font = bold
        cells.append(cell)
    return cells
