"""Configuration: defaults, then the environment, then ``instance/config.py``, then test config."""
from __future__ import annotations

import os
import re
import secrets

SECRET_FILE = "secret_key"


def database_url_from_env(instance_path: str) -> str:
    """Return the SQLAlchemy URL: ``DATABASE_URL`` if set, else SQLite in the instance folder.

    ``postgres://`` and ``postgresql://`` URLs are pointed at the psycopg 3 driver.
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "portal.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_or_create_secret(instance_path: str) -> str:
    """Return the secret key stored in the instance folder, creating it on first run.

    Created with O_EXCL so several workers starting together agree on one key.
    """
    path = os.path.join(instance_path, SECRET_FILE)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as fh:
            key = fh.read().strip()
        if key:
            return key
        raise RuntimeError(f"{path} is empty: delete it to generate a new secret key") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


def base_url_from_env() -> str:
    """Return ``PORTAL_BASE_URL`` (``https://cchc.example.gov.vn``) without a trailing slash: the
    scheme, host and port users reach the portal at, for absolute links (the Atom feed). Never
    taken from a request's Host header. ``http://127.0.0.1:5000`` (``scripts/run.sh``) when unset."""
    url = os.environ.get("PORTAL_BASE_URL", "").strip().rstrip("/") or "http://127.0.0.1:5000"
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?", url):
        raise RuntimeError(f"PORTAL_BASE_URL must be http(s)://host[:port] without a path, not {url!r}")
    return url


def default_config(instance_path: str) -> dict:
    """Return the built-in settings for an instance folder, with environment overrides."""
    https = os.environ.get("PORTAL_HTTPS", "").lower() in {"1", "true", "yes"}
    max_mb = int(os.environ.get("PORTAL_MAX_UPLOAD_MB", "50"))
    ocr_mode = os.environ.get("PORTAL_OCR", "background").strip().lower() or "background"
    if ocr_mode not in {"off", "background", "worker"}:
        raise RuntimeError(f"PORTAL_OCR must be 'off', 'background' or 'worker', not {ocr_mode!r}")
    log_format = os.environ.get("PORTAL_LOG_FORMAT", "text").strip().lower()
    if log_format not in {"text", "json"}:
        raise RuntimeError(f"PORTAL_LOG_FORMAT must be 'text' or 'json', not {log_format!r}")
    writer = os.environ.get("PORTAL_SEARCH_WRITER", "web").strip().lower()
    if writer not in {"web", "worker"}:
        raise RuntimeError(f"PORTAL_SEARCH_WRITER must be 'web' or 'worker', not {writer!r}")
    return {
        "SQLALCHEMY_DATABASE_URI": database_url_from_env(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "INDEX_DIR": os.path.join(instance_path, "index"),
        "UPLOAD_DIR": os.path.join(instance_path, "uploads"),
        "MAX_CONTENT_LENGTH": max_mb * 1024 * 1024,  # upload routes (app.guards.allows_uploads)
        "MAX_FORM_BYTES": 2 * 1024 * 1024,           # every other form: a news body is at most ~1.8 MB encoded
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,     # one text field of a form with files
        "BASE_URL": base_url_from_env(),
        "PASSWORD_HASH_METHOD": "scrypt",
        "HTTPS": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_NAME": "cchc_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_NAME": "cchc_remember",
        "REMEMBER_COOKIE_DURATION": 14 * 24 * 3600,
        "SESSION_IDLE_SECONDS": 12 * 3600,  # a login session unused this long ends (app/services/accounts/sessions.py)
        # Reverse proxies in front of the portal that append X-Forwarded-For (0: none, the client
        # address is the connection's). Login lockouts and the audit log use this address.
        "PROXY_COUNT": int(os.environ.get("PORTAL_PROXIES", "0")),
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_CSRF_SSL_STRICT": https,
        # Search index upkeep (app/search/outbox.py, app/search/upkeep.py).
        # OCR of scanned attachments (app/services/library/ocr.py): who runs the jobs, per-file limits,
        # how many run at once on a node.
        "OCR_MODE": ocr_mode,
        "OCR_MAX_PAGES": int(os.environ.get("PORTAL_OCR_MAX_PAGES", "200")),
        "OCR_MAX_SECONDS": float(os.environ.get("PORTAL_OCR_MAX_SECONDS", "1800")),
        "OCR_PAGE_SECONDS": 180.0,
        "OCR_SLOTS": int(os.environ.get("PORTAL_OCR_SLOTS", "1")),
        "OCR_MAX_ATTEMPTS": 3,
        "OCR_POLL_SECONDS": 2.0,
        "SEARCH_BACKGROUND_SYNC": os.environ.get("PORTAL_SEARCH_BACKGROUND", "1") != "0",
        # Who writes the index: "web" (each web process's catch-up thread, the default) or "worker"
        # (one `flask search worker` per node; web processes only queue their changes).
        "SEARCH_WRITER": writer,
        # Searches evaluated at once per process (others wait their turn; 0: no limit), so saves and
        # pages keep their share of the process when searches pile up.
        "SEARCH_CONCURRENCY": int(os.environ.get("PORTAL_SEARCH_CONCURRENCY", "2")),
        # Reading requests (GET, HEAD) run at once per process, 0: no limit (app/read_gate.py). Saves
        # never wait for a turn; give gunicorn more --threads than this.
        "READ_CONCURRENCY": int(os.environ.get("PORTAL_READ_CONCURRENCY", "0")),
        "READ_QUEUE_SECONDS": float(os.environ.get("PORTAL_READ_QUEUE_SECONDS", "30")),
        "SEARCH_SYNC_INTERVAL": 1.0,   # seconds between background catch-ups
        "SEARCH_SYNC_WAIT": 0.25,      # how long a save waits for the index writer before leaving it queued
        # Arrays of postings and positions kept per process (least recently used dropped first).
        "SEARCH_CACHE_MB": int(os.environ.get("PORTAL_SEARCH_CACHE_MB", "256")),
        # Malloc arenas a process's threads share (app.heap); 0 leaves glibc's default (8 per core).
        "MALLOC_ARENAS": int(os.environ.get("PORTAL_MALLOC_ARENAS", "2")),
        # Seconds between returns of freed memory to the system by the background thread (0: never).
        "HEAP_TRIM_SECONDS": float(os.environ.get("PORTAL_HEAP_TRIM_SECONDS", "30")),
        # Operations (see app/observability.py and app/services/health.py).
        "LOG_LEVEL": os.environ.get("PORTAL_LOG_LEVEL", "INFO").strip().upper(),
        "LOG_FORMAT": log_format,
        "SLOW_REQUEST_MS": float(os.environ.get("PORTAL_SLOW_REQUEST_MS", "2000")),
        "HEALTH_MIN_FREE_MB": int(os.environ.get("PORTAL_HEALTH_MIN_FREE_MB", "200")),
        "HEALTH_MAX_INDEX_LAG_SECONDS": 300,  # changes waiting longer than this: "degraded"
        # Notifications and e-mail (app/services/notify/, app/mail.py). No SMTP URL: e-mail is off.
        "SMTP_URL": os.environ.get("PORTAL_SMTP_URL", "").strip(),
        "MAIL_FROM": os.environ.get("PORTAL_MAIL_FROM", "").strip(),
        "NOTIFY_BACKGROUND": os.environ.get("PORTAL_NOTIFY_BACKGROUND", "1") != "0",
        "NOTIFY_INTERVAL": 60.0,       # seconds between the web processes' reminder and e-mail rounds
        "NOTIFY_BELL_SECONDS": 60,     # how often an open page asks for the bell's count
        "MAIL_BATCH": 50,              # e-mails one sender round delivers at most
        "MAIL_LEASE_SECONDS": 600,     # a message 'sending' longer than this was left by a dead process
        "DATABASE_CONNECT_TIMEOUT": 3,         # seconds (PostgreSQL connect_timeout, health probe)
    }
