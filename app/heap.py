"""How many malloc arenas a process may use: the memory a many-threaded worker keeps.

glibc gives threads their own malloc arenas, up to eight per core, so that they do not wait for
each other's allocations. Under the GIL they hardly run at once, but a gunicorn worker of 32
threads still ends up with 16 arenas on 2 cores, and each keeps the memory its threads freed
(search arrays, pages, query results) for itself: tens of megabytes per worker, and more as the
index grows (``bench/README.md``, "Memory per worker").

``limit_malloc_arenas`` is called by ``create_app``, before a worker starts its threads. An
operator's own ``MALLOC_ARENA_MAX`` wins; elsewhere than glibc it does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import platform

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
