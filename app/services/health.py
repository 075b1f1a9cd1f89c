"""The state of this node for the load balancer (``/healthz``) and for admins (``/admin/system``):
database reachable and how fast, search index state and lag, free disk space.

- ``down`` (HTTP 503): the database does not answer, or free disk space is under
  ``HEALTH_MIN_FREE_MB`` — this node cannot save anything.
- ``degraded`` (HTTP 200): pages work but the search index is not usable or lags (changes
  waiting longer than ``HEALTH_MAX_INDEX_LAG_SECONDS``, or a rebuild running).
- ``ok`` otherwise.

Nothing here raises, and nothing returned holds record contents, URLs or secrets.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import time

import sqlalchemy as sa
from flask import current_app, request
from sqlalchemy.pool import NullPool

from app import search
from app.extensions import db
from app.resilience import describe

log = logging.getLogger(__name__)



def _process_started() -> float:
    """When this process started (from /proc on Linux; else when this module was imported)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat", encoding="ascii") as fh:
            boot = next(int(line.split()[1]) for line in fh if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return time.time()

_ENGINE_KEY = "portal_health_engine"


def _probe_engine() -> sa.Engine:
    """An engine for the probe alone: no pool (a fresh connection each time, so a dead pool or
    one exhausted by busy requests does not hide or delay the answer), bounded connect and
    statement time."""
    engine = current_app.extensions.get(_ENGINE_KEY)
    if engine is None:
        url = db.engine.url
        timeout = current_app.config["DATABASE_CONNECT_TIMEOUT"]
        if url.get_backend_name() == "postgresql":
            connect_args = {"connect_timeout": timeout, "options": f"-c statement_timeout={int(timeout * 1000)}"}
        else:
            connect_args = {"timeout": timeout}
        engine = sa.create_engine(url, poolclass=NullPool, connect_args=connect_args)
        current_app.extensions[_ENGINE_KEY] = engine
    return engine


def check_database() -> dict:
    """Return ``ok``, ``ms`` (connect + ``SELECT 1``), ``error`` (the failure's class, safe to
    show anyone) and ``detail`` (its first line, for admins). Bounded by the connect timeout."""
    started = time.perf_counter()
    try:
        with _probe_engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        detail = describe(exc)
        log.warning("health check: database unreachable: %s", detail)
        return {"ok": False, "ms": round((time.perf_counter() - started) * 1000, 1),
                "error": detail.split(":")[0], "detail": detail}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1), "error": None, "detail": None}


def check_disk() -> dict:
    """Return the free space of the instance folder (database, uploads, index) and whether it is
    above ``HEALTH_MIN_FREE_MB``."""
    path = current_app.instance_path
    minimum = current_app.config["HEALTH_MIN_FREE_MB"] * 1024 * 1024
    try:
        usage = shutil.disk_usage(path)
    except OSError as exc:
        log.warning("health check: cannot read free space of %s: %s", path, exc)
        return {"free_bytes": None, "total_bytes": None, "min_free_bytes": minimum, "path": path, "ok": False}
    return {"free_bytes": usage.free, "total_bytes": usage.total, "min_free_bytes": minimum, "path": path,
            "ok": usage.free >= minimum}


INDEX_FIELDS = ("state", "pending_changes", "last_commit_age_seconds", "segments", "records", "rebuilding")


def check_index(database_ok: bool) -> dict:
    """Return the index figures of ``app.search.index_health`` and ``lagging``. When the database
    is down they are not asked for (counting waiting changes needs the database, and the probe
    must stay bounded): ``state`` is then ``unknown``."""
    if not database_ok:
        return {**{key: None for key in INDEX_FIELDS}, "state": "unknown", "lagging": None}
    health = search.index_health()
    figures = {key: health.get(key) for key in INDEX_FIELDS}
    pending = figures["pending_changes"]
    age = figures["last_commit_age_seconds"]
    figures["lagging"] = bool(pending and age is not None and age > current_app.config["HEALTH_MAX_INDEX_LAG_SECONDS"])
    return figures


def system_status() -> dict:
    """Return the whole report: ``status`` (ok / degraded / down), ``http_status`` (200 or 503),
    ``database``, ``index`` and ``disk``."""
    database = check_database()
    disk = check_disk()
    index = check_index(database["ok"])
    if not database["ok"] or not disk["ok"]:
        status = "down"
    elif index["state"] != "ok" or index["lagging"] or index["rebuilding"]:
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "http_status": 503 if status == "down" else 200,
            "database": database, "index": index, "disk": disk}


def process_info() -> dict:
    """What can honestly be said about the process that answered: its id, its parent (the
    gunicorn master under gunicorn), the server, the thread, uptime, Python and the backend."""
    return {
        "pid": os.getpid(),
        "parent_pid": os.getppid(),
        "server": request.environ.get("SERVER_SOFTWARE", ""),
        "thread": threading.current_thread().name,
        "threads": threading.active_count(),
        "uptime_seconds": max(0.0, time.time() - _process_started()),
        "python": sys.version.split()[0],
        "database_backend": db.engine.dialect.name,
    }
