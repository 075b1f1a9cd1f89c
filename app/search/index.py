"""The index on disk: where it lives, who may write, atomic rebuilds, reused searchers.

``INDEX_DIR/CURRENT`` names the active index folder. A rebuild writes a new folder and then
replaces ``CURRENT`` in one rename, so searches keep answering from the old index meanwhile.
Every writer (web workers, imports, rebuild swaps) takes ``INDEX_DIR/write.lock`` first, so
only one process writes at a time; waiting is bounded and a timeout raises ``IndexBusy``.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import threading
import time
import uuid

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from app.search.schema import INDEX_FORMAT, make_schema

POINTER = "CURRENT"
FORMAT_FILE = "format.txt"
LOCK_FILE = "write.lock"


class IndexUnavailable(RuntimeError):
    """No usable index: missing, corrupt, or built with another schema (``reason`` says which)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class IndexBusy(RuntimeError):
    """Another process held the write lock for longer than the timeout."""


@contextlib.contextmanager
def write_lock(index_dir: str, timeout: float = 30.0):
    """Hold the cross-process index write lock (``flock``) for the block; IndexBusy after ``timeout``."""
    os.makedirs(index_dir, exist_ok=True)
    fd = os.open(os.path.join(index_dir, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    raise IndexBusy("chỉ mục đang được ghi bởi tiến trình khác")
                time.sleep(0.02)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def current_name(index_dir: str) -> str | None:
    """Return the name of the active index folder, or None when there is none."""
    try:
        with open(os.path.join(index_dir, POINTER), encoding="ascii") as fh:
            name = fh.read().strip()
    except OSError:
        return None
    return name or None


def _set_current(index_dir: str, name: str) -> None:
    tmp = os.path.join(index_dir, f".{POINTER}.{uuid.uuid4().hex}")
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, os.path.join(index_dir, POINTER))


def new_index_folder(index_dir: str):
    """Create an empty index in a new folder; return (name, path, Whoosh index)."""
    name = f"ix-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    path = os.path.join(index_dir, name)
    os.makedirs(path)
    ix = whoosh_index.create_in(path, make_schema())
    with open(os.path.join(path, FORMAT_FILE), "w", encoding="ascii") as fh:
        fh.write(INDEX_FORMAT + "\n")
    return name, path, ix


def activate(index_dir: str, name: str) -> None:
    """Make ``name`` the active index (atomic) and remove older index folders."""
    _set_current(index_dir, name)
    for entry in os.listdir(index_dir):
        if entry.startswith("ix-") and entry != name:
            shutil.rmtree(os.path.join(index_dir, entry), ignore_errors=True)


def open_current(index_dir: str):
    """Return the active Whoosh index; IndexUnavailable if missing, of another format, or corrupt."""
    name = current_name(index_dir)
    if name is None:
        raise IndexUnavailable("missing")
    path = os.path.join(index_dir, name)
    try:
        with open(os.path.join(path, FORMAT_FILE), encoding="ascii") as fh:
            found = fh.read().strip()
    except OSError:
        raise IndexUnavailable("missing")
    if found != INDEX_FORMAT:
        raise IndexUnavailable("schema")
    try:
        return whoosh_index.open_dir(path)
    except Exception as exc:  # noqa: BLE001 - any failure to open means corrupt
        raise IndexUnavailable(f"corrupt: {exc.__class__.__name__}")


def writer(ix) -> SegmentWriter:
    """Return a Whoosh segment writer (never AsyncWriter: it loses writes when a process exits)."""
    return ix.writer(timeout=30.0, delay=0.05, limitmb=256)


class SearcherCache:
    """One Whoosh searcher per process, reused across requests and refreshed when the index
    changes (a commit, or a rebuild that switched the active folder)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[str, tuple] = {}

    def get(self, index_dir: str):
        name = current_name(index_dir)
        with self._lock:
            entry = self._entries.get(index_dir)
            if entry is not None and entry[0] == name and name is not None:
                searcher = entry[2]
                try:
                    if searcher.up_to_date():
                        return searcher
                except Exception:  # noqa: BLE001 - files vanished under us: reopen below
                    pass
                # Not Searcher.refresh(): it reuses segment readers whose deletions are cached,
                # so a replaced document would still be found. A fresh searcher is exact.
                with contextlib.suppress(Exception):
                    searcher.close()
            ix = open_current(index_dir)
            try:
                searcher = ix.searcher()
            except Exception as exc:  # noqa: BLE001
                raise IndexUnavailable(f"corrupt: {exc.__class__.__name__}")
            self._entries[index_dir] = (name, ix, searcher)
            return searcher

    def clear(self):
        with self._lock:
            self._entries.clear()


searchers = SearcherCache()
