"""The memory a many-threaded worker keeps: how many malloc arenas it uses, and giving back what it freed.

glibc gives threads their own malloc arenas, up to eight per core, so that they do not wait for
each other's allocations. Under the GIL they hardly run at once, but a gunicorn worker of 32
threads still ends up with 16 arenas on 2 cores, and each keeps the memory its threads freed
(search arrays, pages, query results) for itself: tens of megabytes per worker, and more as the
index grows (``bench/README.md``, "Memory per worker").

``limit_malloc_arenas`` is called by ``create_app``, before a worker starts its threads. An
operator's own ``MALLOC_ARENA_MAX`` wins; elsewhere than glibc it does nothing. ``trim_step``
(below) gives freed memory back to the system from time to time.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import platform
import time

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


def _glibc():
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def limit_malloc_arenas(count: int) -> bool:
    """Let this process's threads share at most ``count`` malloc arenas (0: glibc's default).
    Returns True when the limit was set; False when ``count`` is 0, ``MALLOC_ARENA_MAX`` is in the
    environment or the C library is not glibc."""
    if count <= 0 or "MALLOC_ARENA_MAX" in os.environ:
        return False
    libc = _glibc()
    if libc is None:
        return False
    if not libc.mallopt(M_ARENA_MAX, int(count)):
        log.warning("mallopt(M_ARENA_MAX, %d) refused", count)
        return False
    return True


# Giving freed memory back. What a process frees stays in its arenas for reuse; only the top of a
# heap goes back to the system by itself. After the index changes a lot at once (an import: dozens
# of small segments, each with cached arrays, then merged into a few), a worker's resident size
# stays at its high-water mark. ``malloc_trim`` returns every free page; it takes a few
# milliseconds, so the web processes' background thread calls it now and then (``trim_step``).

_last_trim = {"at": None}


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def release_free_memory() -> int | None:
    """Return the pages malloc holds free to the system; the bytes by which the resident size
    fell (None where that cannot be done or measured: not glibc, no /proc)."""
    libc = _glibc()
    if libc is None:
        return None
    before = _resident_bytes()
    started = time.perf_counter()
    libc.malloc_trim(0)
    after = _resident_bytes()
    released = None if before is None or after is None else max(0, before - after)
    log.debug("malloc_trim: %s bytes back in %.1f ms", released, (time.perf_counter() - started) * 1000)
    return released


def trim_step(app) -> int | None:
    """A light step of the background thread: ``release_free_memory`` once every
    ``HEAP_TRIM_SECONDS``; returns what it released, None when it was not time yet."""
    every = app.config.get("HEAP_TRIM_SECONDS", 0)
    now = time.monotonic()
    if every <= 0 or (_last_trim["at"] is not None and now - _last_trim["at"] < every):
        return None
    _last_trim["at"] = now
    return release_free_memory()
