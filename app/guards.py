"""Request guards, applied to every request before any view reads it.

- **Integers** in URLs (``<int:…>``) and in query strings stay within the database's integer
  range: a larger id is a 404 from routing, a larger ``?page=`` a 400, never a database error.
- **Control characters** (NUL and the rest of C0/C1 but tab, line feed and carriage return) are
  removed from every query and form value before a view sees it: PostgreSQL refuses NUL in text,
  XML (the Atom feed) refuses most of them, and nobody types them on purpose.
- **Body size** is limited per route and checked before the body is read: upload routes (marked
  with ``@allows_uploads``) take ``MAX_CONTENT_LENGTH``, every other form ``MAX_FORM_BYTES``, and
  a request without a session a few kilobytes (the login form a little more). A larger body is
  answered 413 with a Vietnamese page, or a short message for htmx.
"""
from __future__ import annotations

import re

from flask import abort, current_app, g, request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, ValidationError

from app.routes.errors import render_error, too_large_message

# PostgreSQL ``integer`` (every id, year and count column). SQLite holds more; both answer the same.
DB_INT_MAX = 2**31 - 1
# Query parameters the portal reads as integers anywhere (paging, filters by id or year, revisions).
INT_QUERY_PARAMS = frozenset({"page", "per_page", "field", "unit", "year", "a", "b", "period"})

ANONYMOUS_MAX_BYTES = 4 * 1024     # no session: nothing to send but the login form
LOGIN_MAX_BYTES = 16 * 1024        # username, password, CSRF token, "remember me"


class DatabaseIntConverter(IntegerConverter):
    """``<int:…>`` that matches only non-negative integers the database can hold (up to
    ``DB_INT_MAX``); anything larger does not match the rule, so the answer is 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        if len(value.lstrip("+-")) > len(str(DB_INT_MAX)):  # also spares int() a 5,000-digit string
            raise ValidationError()
        return super().to_python(value)


def int_arg(name: str, default: int | None = None, low: int = -DB_INT_MAX - 1, high: int = DB_INT_MAX,
            args=None) -> int | None:
    """Return query parameter ``name`` as an int in ``[low, high]``; ``default`` when it is
    missing, not an integer or out of that range (never raises)."""
    raw = (args if args is not None else request.args).get(name, "")
    raw = raw.strip()
    if not re.fullmatch(r"[+-]?\d{1,10}", raw):
        return default
    value = int(raw)
    return value if low <= value <= high else default


# Control characters

_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BREAKS = re.compile("[\x0b\x0c]")  # vertical tab, form feed (pasted from PDF or Word): a space


def clean_text(value: str) -> str:
    """Return ``value`` without control characters: tab, line feed and carriage return are kept,
    vertical tab and form feed become a space, the others (NUL, ESC, DEL, C1…) are removed."""
    if not value.isprintable():  # fast path: most values have nothing to clean
        value = _CONTROL.sub("", _BREAKS.sub(" ", value))
    return value


def _cleaned(multidict) -> ImmutableMultiDict | None:
    """A copy of ``multidict`` with its keys and values cleaned, or None when nothing changes."""
    items = list(multidict.items(multi=True))
    cleaned = [(clean_text(k), clean_text(v) if isinstance(v, str) else v) for k, v in items]
    return None if cleaned == items else ImmutableMultiDict(cleaned)


def _clean_request() -> None:
    """Replace ``request.args`` and ``request.form`` with cleaned copies; a string URL part with a
    control character (``/news/images/%00``) is a 404."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and clean_text(value) != value:
            abort(404)
    args = _cleaned(request.args)
    if args is not None:
        request.args = args
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        form = _cleaned(request.form)
        if form is not None:
            request.form = form
    if args is not None or request.method != "GET":
        request.__dict__.pop("values", None)  # recomputed from the cleaned parts


def _oversized_int_param() -> str | None:
    """The name of an integer query parameter outside the database's range (``?page=9999999999``), if any."""
    for name in sorted(INT_QUERY_PARAMS):
        for raw in request.args.getlist(name):
            digits = raw.strip().lstrip("+-")
            if digits.isdigit() and (len(digits) > 10 or int(digits) > DB_INT_MAX):
                return name
    return None


# Body size

def allows_uploads(view):
    """Mark a view that receives files: its body may reach ``MAX_CONTENT_LENGTH``."""
    view.allows_uploads = True
    return view


def body_limit() -> tuple[int, str]:
    """Return ``(bytes, kind)`` for the current request: the largest body it may send, and
    ``"anonymous"``, ``"upload"`` or ``"form"`` (which message a refusal gives)."""
    config = current_app.config
    upload_max = config.get("MAX_CONTENT_LENGTH") or 50 * 1024 * 1024
    if request.endpoint == "auth.login":
        return LOGIN_MAX_BYTES, "form" if current_user.is_authenticated else "anonymous"
    if not current_user.is_authenticated:
        return ANONYMOUS_MAX_BYTES, "anonymous"
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "allows_uploads", False):
        return upload_max, "upload"
    return min(config["MAX_FORM_BYTES"], upload_max), "form"


class _CappedInput:
    """A streamed request body (chunked, no Content-Length) that raises 413 once more than
    ``limit`` bytes have been read from it. Werkzeug alone would cut such a body short at the
    limit without a word, and a form would then be parsed from its first megabytes."""

    def __init__(self, stream, limit: int):
        self._stream, self._limit, self._read = stream, limit, 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            raise RequestEntityTooLarge()
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.read() if size is None or size < 0 else self._stream.read(size))

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.readline() if size is None or size < 0 else self._stream.readline(size))

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _limit_body() -> bool:
    """Set this request's body limit (enforced by Werkzeug on every read; a streamed body without
    Content-Length is counted as it is read); return False when the declared length is already
    over it, so the request is refused before anything reads its body."""
    limit, kind = body_limit()
    g.body_limit = (limit, kind)
    request.max_form_memory_size = min(limit, current_app.config["MAX_FORM_BYTES"])
    if request.content_length is None and request.environ.get("wsgi.input_terminated"):
        request.environ["wsgi.input"] = _CappedInput(request.environ["wsgi.input"], limit)
        request.max_content_length = limit + 1  # Werkzeug stops at this; the cap raises first
        return True
    request.max_content_length = limit
    return request.content_length is None or request.content_length <= limit


def init_app(app) -> None:
    """Register the integer converter and the guards (before ``app.security``'s login and CSRF
    check, which reads the form: the size limit must be set first)."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.config.setdefault("MAX_FORM_BYTES", 2 * 1024 * 1024)
    app.config.setdefault("MAX_FORM_MEMORY_SIZE", app.config["MAX_FORM_BYTES"])

    @app.before_request
    def guard_request():
        if request.endpoint in ("static", "health.healthz") or request.routing_exception is not None:
            return None  # nothing to read, and the health check must not load a user
        if not _limit_body():
            return render_error(413, too_large_message())
        name = _oversized_int_param()
        if name is not None:
            return render_error(400, f"Tham số «{name}» quá lớn.")
        _clean_request()
        return None
