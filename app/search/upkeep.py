"""Keeping this node's index up to date: one round of upkeep, and the loop that repeats it.

``keep_up`` is the one catch-up loop of the portal, run by the web processes' thread
(``start_background``), by ``flask search worker`` and by an import's indexing process: it calls
a round, waits, waits longer after a failure (doubling up to a minute), and stops when a round
says so.
"""
from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable

from app import validity
from app.extensions import db
from app.resilience import log_round_failure
from app.search import index, merge, outbox

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0   # seconds between rounds after failures, at most
STOP = "stop"        # what a round returns to end the loop
FAILED = "failed"    # a round that failed: the next one waits longer
APPLIED = "applied"  # a round that applied changes: the next one may come sooner (``busy_interval``)


def keep_up(round_: Callable[[], str], wait: Callable[[float], object], interval: float,
            busy_interval: float | None = None) -> None:
    """Run ``round_()`` until it returns ``STOP``, calling ``wait(seconds)`` between rounds:
    ``interval``, doubled after each ``FAILED`` round up to ``MAX_BACKOFF``, or ``busy_interval``
    after an ``APPLIED`` round."""
    delay = interval
    while True:
        outcome = round_()
        if outcome == STOP:
            return
        if outcome == FAILED:
            delay = min(MAX_BACKOFF, delay * 2)
        elif outcome == APPLIED and busy_interval is not None:
            delay = busy_interval
        else:
            delay = interval
        wait(delay)


_start_lock = threading.Lock()
_started_in = {"pid": None}  # the process that started the thread (a forked child starts its own)

# Light steps other areas add to this thread (the notification scheduler, ``create_app``): each runs
# after a round of index upkeep, outside the index lock, and rate-limits itself. A step that fails
# is logged and the thread goes on.
_light_steps: list[Callable[[object], object]] = []


def add_light_step(step: Callable[[object], object]) -> None:
    """Run ``step(app)`` after every round of the web processes' upkeep thread (about once a second;
    the step decides how often it does anything). Adding the same step twice adds it once."""
    if step not in _light_steps:
        _light_steps.append(step)


def _light_round(app) -> None:
    for step in list(_light_steps):
        try:
            step(app)
        except Exception:  # noqa: BLE001
            log.exception("background step %s failed", getattr(step, "__qualname__", step))


def start_background(app, search: bool = True) -> None:
    """Start (once per process) the web process's background thread. With ``search`` it applies
    queued changes, with backoff on failure, and rebuilds a missing, corrupt or outdated index;
    without (``flask search worker`` is the node's writer) it only runs the light steps."""
    with _start_lock:
        if _started_in["pid"] == os.getpid():
            return
        _started_in["pid"] = os.getpid()
        event = threading.Event()
        if search:  # saves in this process wake the thread instead of applying their change inline
            outbox.catch_up.attach(event)
        thread = threading.Thread(target=_thread, args=(app, event, search), name="search-sync", daemon=True)
        thread.start()


def _thread(app, event: threading.Event, search: bool) -> None:
    def wait(seconds: float) -> None:
        event.wait(seconds)  # a save wakes it at once (outbox.sync_after_commit)
        event.clear()

    def round_() -> str:
        outcome = upkeep_once(app, merge_inline=False) if search else "synced"
        _light_round(app)  # after the round: the index lock is not held
        return outcome

    wait(app.config.get("SEARCH_SYNC_INTERVAL", 1.0))
    keep_up(round_, wait, app.config.get("SEARCH_SYNC_INTERVAL", 1.0))


_lag_logged = {"at": 0.0, "value": 0}


def upkeep_once(app, merge_inline: bool) -> str:
    """One round of index upkeep for this process: apply queued changes; rebuild an index that
    is missing, damaged, of an older schema or of another database (one process at a time);
    merge small segments when the policy asks (``merge_inline``: here, else in a separate
    process). Returns ``synced``, ``busy``, ``rebuilt``, ``rebuilding`` or ``failed``. Expected
    conditions are logged without a traceback."""
    index_dir = app.config["INDEX_DIR"]
    with app.app_context():
        validity.daily_upkeep()  # once a day: documents whose validity changes today are queued
        try:
            try:
                outbox.sync(lock_timeout=5.0)
            except index.IndexUnavailable as exc:
                log.warning("search index unavailable (%s): rebuilding", exc.reason)
                return "rebuilt" if rebuild_in_background(app) else "rebuilding"
            except index.DAMAGE_ERRORS as exc:
                if index.confirm_damage(index_dir, exc):
                    return "rebuilt" if rebuild_in_background(app) else "rebuilding"
                raise
            _log_lag()
            if merge.wanted(index_dir):
                if merge_inline:
                    merge.merge_all(index_dir)
                else:
                    merge.spawn(index_dir)
            return "synced"
        except index.IndexBusy:
            return "busy"
        except Exception as exc:  # noqa: BLE001
            log_round_failure(log, "search index upkeep", exc)
            return FAILED
        finally:
            with contextlib.suppress(Exception):
                db.session.remove()


def _log_lag() -> None:
    """Say how far behind the index is when it is behind (at most once a minute)."""
    now = time.monotonic()
    if now - _lag_logged["at"] < 60:
        return
    waiting = outbox.pending() or 0
    if waiting or _lag_logged["value"]:
        log.info("search index lag: %d changes waiting", waiting)
        _lag_logged.update(at=now, value=waiting)


def rebuild_in_background(app) -> bool:
    """Rebuild the index if it needs it, unless another process already is rebuilding.
    Returns True when this call did the rebuild."""
    with app.app_context():
        reason = outbox.needs_rebuild(app.config["INDEX_DIR"])
        if reason is None:
            return False
        started = time.time()
        result = outbox.rebuild(wait=False, reason=reason)
        if result is None:
            return False  # another process is rebuilding
        log.warning("search index rebuilt in %.1f s (was: %s)", time.time() - started, reason)
        return True
