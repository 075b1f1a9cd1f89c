"""Saves before page views: at most ``READ_CONCURRENCY`` reading requests (GET, HEAD) of one web
process run at once; the others wait their turn before the portal touches them (no database
connection, no session, no CPU). Requests that change something (POST, PUT, PATCH, DELETE) never
wait, so a save made while the portal is saturated by readers shares the process with a few
readers, not with every thread.

A WSGI middleware, so a waiting request holds nothing but its thread: run gunicorn with more
threads than the limit (README, "Production"). Readers get their turns in the order they came: a
freed turn passes straight to the oldest waiting reader, so one arriving just then cannot take it
(a plain semaphore let some readers wait tens of seconds while later ones went first). A read that
waits longer than ``READ_QUEUE_SECONDS`` answers 503 with a Vietnamese message and ``Retry-After``.
Static files and ``/healthz`` pass.
"""
from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable

READING_METHODS = frozenset({"GET", "HEAD"})
PASSING_PREFIXES = ("/static/", "/healthz")

BUSY_PAGE = ("<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Máy chủ đang bận</title>"
             "<p>Máy chủ đang bận, vui lòng thử lại sau ít giây.</p></html>").encode()


class Turns:
    """``limit`` turns handed out first come, first served."""

    def __init__(self, limit: int):
        self._lock = threading.Lock()
        self._free = limit
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        """Take a turn, waiting at most ``timeout`` seconds behind those who came first; False when
        none came in time."""
        with self._lock:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return True
            ticket = threading.Event()
            self._waiting.append(ticket)
        if ticket.wait(timeout):
            return True
        with self._lock:
            if ticket.is_set():  # handed over just as the wait ended: the turn is ours
                return True
            self._waiting.remove(ticket)
            return False

    def release(self) -> None:
        """Give the turn to the oldest waiting reader, or back to the pool when none waits."""
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1


class ReadGate:
    """Wrap ``app`` (a WSGI callable) so that at most ``limit`` reading requests run at once in this
    process; ``limit`` ≤ 0 passes everything. Built per process: a forked child gets its own."""

    def __init__(self, app: Callable, limit: int, queue_seconds: float):
        self.app = app
        self.limit = limit
        self.queue_seconds = queue_seconds
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._turns: Turns | None = None

    def _process_turns(self) -> Turns:
        with self._lock:
            if self._pid != os.getpid():
                self._pid, self._turns = os.getpid(), Turns(self.limit)
            return self._turns

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if (self.limit <= 0 or environ.get("REQUEST_METHOD", "GET") not in READING_METHODS
                or environ.get("PATH_INFO", "").startswith(PASSING_PREFIXES)):
            return self.app(environ, start_response)
        turns = self._process_turns()
        if not turns.acquire(self.queue_seconds):
            start_response("503 Service Unavailable", [("Content-Type", "text/html; charset=utf-8"),
                                                       ("Retry-After", "5"),
                                                       ("Content-Length", str(len(BUSY_PAGE)))])
            return [BUSY_PAGE]
        try:
            # Flask has rendered the whole answer when it returns; sending it (a file download to a
            # slow client, say) costs no CPU, so the turn ends here, not when the last byte leaves.
            return self.app(environ, start_response)
        finally:
            turns.release()
