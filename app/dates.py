"""Dates as people type them: ``dd/mm/yyyy`` (and ``dd/mm/yyyy HH:MM``, 24-hour), whatever the
browser's language. The portal never uses the browser's date inputs, whose order follows the
browser's locale (an English browser shows 10 April 2024 as ``04/10/2024``)."""
from __future__ import annotations

import re
from datetime import date, datetime

DATE_PLACEHOLDER = "dd/mm/yyyy"
DATETIME_PLACEHOLDER = "dd/mm/yyyy HH:MM"
# For the inputs' ``pattern`` (a hint for the browser; the server decides).
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"
DATETIME_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2})?"

_DAY_FIRST = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})[:hg](\d{2})$")


class DateFormatError(ValueError):
    """What was typed is not a date (or moment); the message says how to type it, in Vietnamese."""


def parse_date(text: str | None, label: str = "Ngày") -> date | None:
    """Return the date in ``text``: ``dd/mm/yyyy`` (also ``d/m/yyyy`` and ``.`` or ``-`` between
    the parts) or ISO ``yyyy-mm-dd`` (links and forms of earlier versions). None when empty.
    Refuses anything else, and days that do not exist (31/04), with DateFormatError."""
    text = (text or "").strip()
    if not text:
        return None
    found = _DAY_FIRST.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
    else:
        found = _ISO.match(text)
        if not found:
            raise DateFormatError(f"{label} «{text[:40]}» không đúng dạng dd/mm/yyyy (ví dụ 10/04/2024).")
        year, month, day = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DateFormatError(f"{label} «{text[:40]}» không có trên lịch (nhập theo dạng dd/mm/yyyy).") from None


def parse_datetime(text: str | None, label: str = "Thời điểm") -> datetime | None:
    """Return the (naive, local) moment in ``text``: ``dd/mm/yyyy HH:MM`` (24-hour; ``9h30`` too),
    ``dd/mm/yyyy`` alone meaning 00:00, or ISO ``yyyy-mm-ddTHH:MM``. None when empty; refuses
    anything else with DateFormatError."""
    text = " ".join((text or "").replace("T", " ").split())
    if not text:
        return None
    day_part, _, time_part = text.partition(" ")
    try:
        day = parse_date(day_part, label)
    except DateFormatError:
        raise DateFormatError(f"{label} «{text[:40]}» không đúng dạng dd/mm/yyyy HH:MM "
                              "(ví dụ 10/04/2024 08:30).") from None
    hour = minute = 0
    if time_part:
        found = _TIME.match(time_part)
        if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
            raise DateFormatError(f"Giờ «{time_part[:20]}» không hợp lệ: nhập giờ:phút theo 24 giờ, "
                                  "ví dụ 08:30 hoặc 14:00.")
        hour, minute = int(found.group(1)), int(found.group(2))
    return datetime(day.year, day.month, day.day, hour, minute)


def date_text(value) -> str:
    """Return ``value`` as typed in a date box: ``dd/mm/yyyy`` for a date or an ISO/any accepted
    string, the string itself when it is not a date (so a wrong entry is shown back as typed)."""
    if value is None or value == "":
        return ""
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    try:
        parsed = parse_date(str(value))
    except DateFormatError:
        return str(value)
    return parsed.strftime("%d/%m/%Y") if parsed else ""
