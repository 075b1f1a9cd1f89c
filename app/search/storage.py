"""Reading index files with ``pread``: no memory maps, no shared file positions.

Whoosh maps segment files into memory by default. A mapped file that is truncated under a
running process (a full disk, a bad copy, an operator's mistake) kills the process with SIGBUS
the next time a page beyond the new end is touched. Whoosh's non-mapped fallback shares one
file position between every reader of a segment, which is not safe across threads.

Here every open index file is a ``PreadFile``: absolute reads (``get``) go straight to
``os.pread`` and never move a shared position, sequential reads keep their own position per
object, and a read past the end of the file raises ``IndexFileDamaged`` (an ``OSError``) that
the caller turns into "the index is corrupt" instead of a crashed worker.
"""
from __future__ import annotations

import io
import os
import pickle
import threading
from array import array

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import FileIndex
from whoosh.system import IS_LITTLE

INDEX_NAME = "MAIN"


class IndexFileDamaged(OSError):
    """An index file is shorter than its own structure says (truncated or overwritten)."""


class _Handle:
    """One open file descriptor shared by a file and its sub-files; closed once, by its owner."""

    __slots__ = ("fd", "name", "size", "_lock")

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self.name = os.path.basename(path)
        self.size = os.fstat(self.fd).st_size
        self._lock = threading.Lock()

    def pread(self, offset: int, length: int) -> bytes:
        fd = self.fd
        if fd < 0:
            raise IndexFileDamaged(f"{self.name}: read after close")
        data = os.pread(fd, length, offset)
        if len(data) != length:
            raise IndexFileDamaged(f"{self.name}: {length} bytes wanted at {offset}, file ends sooner (truncated?)")
        return data

    def close(self) -> None:
        with self._lock:
            fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)

    def __del__(self):
        # Like Python's own file objects: a handle dropped without close() (Whoosh does that on
        # some paths) gives its descriptor back when collected, or deleted segment files would
        # stay open (and their disk space taken) for the life of the process.
        fd = getattr(self, "fd", -1)
        if fd >= 0:
            self.fd = -1
            try:
                os.close(fd)
            except OSError:
                pass


class _Window:
    """A byte range of a handle read like a file, with its own position (what ``StructFile``
    wraps). Small sequential reads (Whoosh unpickles block headers a few bytes at a time) are
    served from a read-ahead buffer: one ``pread`` per 8 KB instead of one per read."""

    __slots__ = ("handle", "base", "length", "pos", "_buffer", "_buffer_at")
    AHEAD = 8192

    def __init__(self, handle: _Handle, base: int, length: int):
        self.handle, self.base, self.length, self.pos = handle, base, length, 0
        self._buffer, self._buffer_at = b"", 0

    def read(self, size: int | None = None) -> bytes:
        if size is None or size < 0:
            size = self.length - self.pos
        size = max(0, min(size, self.length - self.pos))
        if not size:
            return b""
        offset = self.pos - self._buffer_at
        if not (0 <= offset and offset + size <= len(self._buffer)):
            if size >= self.AHEAD:
                data = self.handle.pread(self.base + self.pos, size)
                self.pos += size
                return data
            self._buffer = self.handle.pread(self.base + self.pos, min(self.AHEAD, self.length - self.pos))
            self._buffer_at, offset = self.pos, 0
        self.pos += size
        return self._buffer[offset:offset + size]

    def seek(self, where: int, whence: int = 0) -> int:
        if whence == 1:
            where += self.pos
        elif whence == 2:
            where += self.length
        self.pos = where
        return where

    def tell(self) -> int:
        return self.pos

    def readline(self) -> bytes:  # pickle's protocol-0 opcodes; rare
        chunk = b""
        while True:
            piece = self.read(256)
            if not piece:
                return chunk
            end = piece.find(b"\n")
            if end >= 0:
                self.pos -= len(piece) - end - 1
                return chunk + piece[:end + 1]
            chunk += piece


class PreadFile(StructFile):
    """A Whoosh ``StructFile`` over ``pread``: ``get``/``get_array`` are absolute and thread-safe;
    ``subset`` shares the descriptor (the owner closes it)."""

    def __init__(self, window: _Window, name=None, owner: bool = False):
        super().__init__(window, name=name)
        self.is_real = False
        self._owner = owner
        self._file_name = name

    def get(self, position, length):
        window = self.file
        if position < 0 or position + length > window.length:
            raise IndexFileDamaged(f"{window.handle.name}: read outside the file ({position}+{length})")
        return window.handle.pread(window.base + position, length)

    def get_array(self, position, typecode, length):
        values = array(typecode)
        values.frombytes(self.get(position, length * values.itemsize))
        if IS_LITTLE:
            values.byteswap()
        return values

    def read_array(self, typecode, length):
        values = array(typecode)
        wanted = length * values.itemsize
        data = self.read(wanted)
        if len(data) != wanted:
            raise IndexFileDamaged(f"{self.file.handle.name}: array runs past the end")
        values.frombytes(data)
        if IS_LITTLE:
            values.byteswap()
        return values

    def read_pickle(self):
        """Unpickle the object at the current position from one buffered slice (pickle reads
        a file object an opcode at a time) and move past exactly what it used."""
        window = self.file
        size = 256
        while True:
            start = window.pos
            chunk = window.read(size)
            stream = io.BytesIO(chunk)
            try:
                found = pickle.load(stream)
            except (EOFError, pickle.UnpicklingError):
                if len(chunk) < size:  # the file ends first: the pickle is cut short
                    raise IndexFileDamaged(f"{window.handle.name}: truncated record at {start}") from None
                window.pos = start
                size *= 8
                continue
            window.pos = start + stream.tell()
            return found

    def subset(self, offset, length, name=None):
        window = self.file
        if offset < 0 or offset + length > window.length:
            raise IndexFileDamaged(f"{window.handle.name}: part outside the file")
        return PreadFile(_Window(window.handle, window.base + offset, length), name=name or self._file_name)

    def close(self):
        if self.is_closed:
            return
        self.is_closed = True
        if self._owner:
            self.file.handle.close()


class SafeFileStorage(FileStorage):
    """A Whoosh ``FileStorage`` whose files are opened as ``PreadFile`` (never memory-mapped)."""

    supports_mmap = False

    def __init__(self, path: str):
        super().__init__(path, supports_mmap=False)

    def open_file(self, name, **kwargs):
        handle = _Handle(os.path.abspath(os.path.join(self.folder, name)))
        return PreadFile(_Window(handle, 0, handle.size), name=name, owner=True)


def open_index(path: str) -> FileIndex:
    """Open the Whoosh index in ``path`` through ``SafeFileStorage`` (raises Whoosh's errors)."""
    return FileIndex(SafeFileStorage(path), indexname=INDEX_NAME)
