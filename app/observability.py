"""Logging: one handler, text or JSON lines, a request id on every line, one line per request.

- ``PORTAL_LOG_LEVEL`` (default INFO) is the level of the portal's own loggers (``app.*``).
- ``PORTAL_LOG_FORMAT`` = ``text`` (default) or ``json`` (one object per line: time, level, logger,
  message, request_id, and any ``extra=`` fields).
- Each request gets an id: the incoming ``X-Request-ID`` when it is short and safe, else a new
  one. It is on every log line written while the request runs and in the response header.
- One line per finished request (method, path, status, duration, user id) at INFO, or at
  WARNING when slower than ``SLOW_REQUEST_MS``; ``/static`` and ``/healthz`` only at DEBUG.

If the root logger already has handlers (gunicorn ``--log-config``, a test runner), those are
used and nothing is added, so no line is printed twice; creating several apps installs one
handler only.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import g, has_app_context, request
from sqlalchemy import inspect

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_QUIET_ENDPOINTS = {"static", "health.healthz"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

log = logging.getLogger(__name__)

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id", "taskName"}


def current_request_id() -> str | None:
    """The id of the request being served in this context, or None outside a request."""
    return g.get("request_id") if has_app_context() else None


def _install_record_factory() -> None:
    """Give every log record a ``request_id`` attribute, whichever handler formats it (ours,
    gunicorn's, pytest's). A record factory reaches records of every logger, which a filter on
    one logger or handler would not. Installed once per process."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "portal_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = current_request_id()
        return record

    factory.portal_request_id = True
    logging.setLogRecordFactory(factory)


class RequestIdFilter(logging.Filter):
    """Make ``%(request_id)s`` safe in a format: ``-`` outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the
    record's extra fields, and ``exception`` when there is a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": None if getattr(record, "request_id", "-") in (None, "-") else record.request_id,
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                data.setdefault(key, value)  # an extra never hides the time, level or message
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def _formatter(name: str) -> logging.Formatter:
    return JsonFormatter() if name == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(level: str, fmt: str) -> None:
    """Set up logging for the process (idempotent): see the module docstring."""
    _install_record_factory()
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "portal_handler", False)]
    if ours:
        ours[0].setFormatter(_formatter(fmt))
    elif not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.portal_handler = True
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(_formatter(fmt))
        root.addHandler(handler)
    logging.getLogger("app").setLevel(level)


def _request_id_from_header() -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def _user_id() -> int | None:
    """The id of the user this request loaded, without loading it (no database query here)."""
    user = g.get("_login_user")  # set by Flask-Login once the request has looked at current_user
    state = inspect(user, raiseerr=False) if user is not None else None
    return state.identity[0] if state is not None and state.identity else None


def init_app(app) -> None:
    """Configure logging from the app's config and register the request id and request line.
    Call first in ``create_app`` so the request id exists before any other hook logs."""
    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    slow_ms = float(app.config["SLOW_REQUEST_MS"])

    @app.before_request
    def assign_request_id():
        g.request_id = _request_id_from_header()
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        request_id = g.get("request_id") or _request_id_from_header()
        response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        if request.endpoint in _QUIET_ENDPOINTS and response.status_code < 500:
            level = logging.DEBUG
        elif duration_ms is not None and duration_ms > slow_ms:
            level = logging.WARNING
        else:
            level = logging.INFO
        if log.isEnabledFor(level):
            user_id = _user_id()
            log.log(level, "%s %s %s %s ms%s", request.method, request.path, response.status_code, duration_ms,
                    f" user={user_id}" if user_id else "",
                    extra={"method": request.method, "path": request.path, "status": response.status_code,
                           "duration_ms": duration_ms, "user_id": user_id})
        return response
