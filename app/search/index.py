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
import heapq
import json
import logging
import os
import pickle
import shutil
import struct
import threading
import time
import uuid
import zlib

import numpy as np
from whoosh.columns import TranslatingColumnReader
from whoosh.util.numeric import byte_to_length, length_to_byte

from app.search import analysis, arrays, storage
from app.search.engine import View
from app.search.postings import GroupedPostings, SyllableBatch
from app.search.schema import INDEX_FORMAT, make_schema
from app.search.whoosh_adapter import (
    SegmentWriterBase,
    length_column,
    postings_of,
    read_blocks,
    segments,
    terms_by_field,
)

log = logging.getLogger(__name__)

POINTER = "CURRENT"
FORMAT_FILE = "format.txt"
LOCK_FILE = "write.lock"
CHECKSUMS_FILE = "checksums.json"   # segment id → size and CRC-32 of its file, written at each commit
DAMAGE_FILE = "DAMAGED"             # present when a process found the folder's files damaged
OPEN_ATTEMPTS = 5                   # reads of the table of contents when commits replace it meanwhile
# What reading a damaged segment raises (short reads, bad pickles, bad compressed blocks…). Broad on
# purpose: ``confirm_damage`` then checks the files, and a failure they do not explain is re-raised.
DAMAGE_ERRORS = (OSError, EOFError, zlib.error, ValueError, KeyError, IndexError, TypeError,
                 pickle.UnpicklingError, struct.error)


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
                    raise IndexBusy("chỉ mục đang được ghi bởi tiến trình khác") from exc
                time.sleep(0.02)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


REBUILD_LOCK = "rebuild.lock"   # held for a whole rebuild: one at a time, never two folders being built


@contextlib.contextmanager
def held(index_dir: str, filename: str, wait: bool):
    """Hold an ``flock`` on ``INDEX_DIR/filename`` for the block; yields False (holding nothing)
    when it is taken and ``wait`` is false."""
    os.makedirs(index_dir, exist_ok=True)
    fd = os.open(os.path.join(index_dir, filename), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def is_held(index_dir: str, filename: str) -> bool:
    """Whether some process holds that lock right now."""
    if not os.path.exists(os.path.join(index_dir, filename)):
        return False
    with held(index_dir, filename, wait=False) as free:
        return not free


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
    ix = storage.SafeFileStorage(path).create_index(make_schema(), indexname=storage.INDEX_NAME)
    with open(os.path.join(path, FORMAT_FILE), "w", encoding="ascii") as fh:
        fh.write(INDEX_FORMAT + "\n")
    return name, path, ix


def activate(index_dir: str, name: str) -> None:
    """Make ``name`` the active index (atomic) and remove the folders of older indexes. The
    caller holds the rebuild lock, so no other index folder is being built meanwhile."""
    _set_current(index_dir, name)
    for entry in os.listdir(index_dir):
        if entry.startswith("ix-") and entry != name:
            shutil.rmtree(os.path.join(index_dir, entry), ignore_errors=True)


def open_current(index_dir: str):
    """Return the active Whoosh index; IndexUnavailable if missing, of another format, damaged
    (a marker left by a process that found it so, or a segment file whose size is not the one
    recorded at its commit) or unreadable."""
    name = current_name(index_dir)
    if name is None:
        raise IndexUnavailable("missing")
    path = os.path.join(index_dir, name)
    try:
        with open(os.path.join(path, FORMAT_FILE), encoding="ascii") as fh:
            found = fh.read().strip()
    except OSError:
        raise IndexUnavailable("missing") from None
    if found != INDEX_FORMAT:
        raise IndexUnavailable("schema")
    damage = damage_reason(path)
    if damage:
        raise IndexUnavailable(f"corrupt: {damage}")
    for attempt in range(OPEN_ATTEMPTS):
        try:
            ix = storage.open_index(path)
            problems = current_problems(ix, path, full=False)
            break
        except FileNotFoundError:
            # A commit replaced the table of contents (and its files) while it was read: read the new one.
            if attempt == OPEN_ATTEMPTS - 1:
                raise IndexUnavailable("corrupt: files keep vanishing") from None
        except Exception as exc:  # noqa: BLE001 - any other failure to open means corrupt
            raise IndexUnavailable(f"corrupt: {exc.__class__.__name__}") from exc
    if problems:
        mark_damaged(path, problems[0])
        raise IndexUnavailable(f"corrupt: {problems[0]}")
    return ix


def current_problems(ix, path: str, full: bool) -> list[str]:
    """``check_segments`` for the newest table of contents. A commit that replaced segments (a
    merge) deletes their files right after writing a new table of contents: a file missing from
    a table that is no longer the newest is not damage, so the check is repeated on the new one."""
    for _attempt in range(OPEN_ATTEMPTS):
        generation = ix.latest_generation()
        problems = check_segments(path, segments(ix), full)
        if not problems or ix.latest_generation() == generation:
            return problems
    return problems


# Integrity: every commit records the size and CRC-32 of each segment file it created.

def _segment_file(path: str, segment) -> str:
    return os.path.join(path, segment.make_filename(segment.COMPOUND_EXT))


def _crc32(filename: str) -> int:
    crc = 0
    with open(filename, "rb") as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                return crc
            crc = zlib.crc32(chunk, crc)


def load_checksums(path: str) -> dict:
    """Segment id → ``{"size", "crc32"}`` recorded for an index folder (empty when none was)."""
    try:
        with open(os.path.join(path, CHECKSUMS_FILE), encoding="ascii") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def record_checksums(path: str, segments) -> None:
    """Record size and CRC-32 of the segments' files not yet recorded; forget removed ones.
    Called under the write lock, right after a commit."""
    known = load_checksums(path)
    wanted = {}
    for segment in segments:
        sid = segment.segment_id()
        if sid in known:
            wanted[sid] = known[sid]
            continue
        filename = _segment_file(path, segment)
        wanted[sid] = {"size": os.path.getsize(filename), "crc32": _crc32(filename)}
    tmp = os.path.join(path, f".{CHECKSUMS_FILE}.tmp")
    with open(tmp, "w", encoding="ascii") as fh:
        json.dump(wanted, fh)
    os.replace(tmp, os.path.join(path, CHECKSUMS_FILE))


def check_segments(path: str, segments, full: bool) -> list[str]:
    """Problems with the segments' files: missing, another size than recorded, or (``full``)
    another CRC-32. Segments committed before checksums existed are only checked to exist."""
    known = load_checksums(path)
    problems = []
    for segment in segments:
        sid = segment.segment_id()
        filename = _segment_file(path, segment)
        try:
            size = os.path.getsize(filename)
        except OSError:
            problems.append(f"{os.path.basename(filename)} missing")
            continue
        expected = known.get(sid)
        if expected is None:
            continue
        if size != expected["size"]:
            problems.append(f"{os.path.basename(filename)} is {size} bytes, {expected['size']} were written")
        elif full and _crc32(filename) != expected["crc32"]:
            problems.append(f"{os.path.basename(filename)} content changed (CRC-32)")
    return problems


def damage_reason(path: str) -> str | None:
    """Why a process marked this index folder damaged, or None when none did."""
    try:
        with open(os.path.join(path, DAMAGE_FILE), encoding="utf-8") as fh:
            return fh.read().strip() or "damaged"
    except OSError:
        return None


def mark_damaged(path: str, reason: str) -> None:
    """Leave a marker so every process treats this folder as unusable until a rebuild replaces it."""
    log.error("search index %s is damaged: %s", os.path.basename(path), reason)
    with contextlib.suppress(OSError):
        with open(os.path.join(path, DAMAGE_FILE), "w", encoding="utf-8") as fh:
            fh.write(reason[:500] + "\n")


def confirm_damage(index_dir: str, error: BaseException) -> bool:
    """After a read failed with ``error``: check the active folder's files in full; when they
    are damaged, mark the folder (a rebuild follows) and return True. A failure the files do
    not explain is logged and left alone (False)."""
    name = current_name(index_dir)
    if name is None:
        return False
    path = os.path.join(index_dir, name)
    if damage_reason(path):
        return True
    try:
        problems = current_problems(storage.open_index(path), path, full=True)
    except Exception as exc:  # noqa: BLE001 - the table of contents itself is unreadable
        problems = [f"table of contents unreadable ({exc.__class__.__name__})"]
    if problems:
        mark_damaged(path, problems[0])
        searchers.clear()
        return True
    log.error("search read failed but the index files check out: %r", error)
    return False


def writer(ix) -> TermGroupingWriter:
    """Return a segment writer for a bounded batch of documents (never AsyncWriter: it loses
    writes when a process exits). Callers commit every few thousand documents at most: the
    postings of a commit are kept in memory (see ``TermGroupingWriter``)."""
    return TermGroupingWriter(ix, timeout=30.0, delay=0.05)


class _TermPool:
    """A writer's postings grouped by field and term as documents are added, in place of
    Whoosh's list of posting tuples that is sorted at commit and then fed to the codec one
    posting at a time. Document numbers only grow, so each term's postings stay in order."""

    def __init__(self):
        self.terms: dict[str, dict[bytes, tuple[list, list, list]]] = {}
        self.ordered = True
        self.merged = False  # postings added through ``add`` (a merged segment)

    def add(self, item) -> None:
        """Whoosh's pool interface, used for the postings of merged segments."""
        fieldname, tbytes, docnum, weight, vbytes = item
        docs, weights, values = self.terms.setdefault(fieldname, {}).setdefault(tbytes, ([], [], []))
        if docs and docnum <= docs[-1]:
            self.ordered = False
        self.merged = True
        docs.append(docnum)
        weights.append(weight)
        values.append(vbytes if vbytes is not None else b"")

    def iter_postings(self):
        for fieldname in sorted(self.terms):
            for tbytes, (docs, weights, values) in sorted(self.terms[fieldname].items()):
                for posting in sorted(zip(docs, weights, values)) if not self.ordered else zip(docs, weights, values):
                    yield (fieldname, tbytes) + posting

    def cleanup(self) -> None:
        self.terms = {}


# How a field is indexed by TermGroupingWriter.add_document.
_BATCHED = "batched"          # a SyllableField: a SyllableBatch, postings built at commit
_INDEXED = "indexed"          # terms from field.index(value)
_REPEATING = "repeating"      # the same, remembered per value (kind, category, year, issuer, access…)
_STORED_ONLY = "stored"
TERM_CACHE_SIZE = 20_000


class TermGroupingWriter(SegmentWriterBase):
    """A Whoosh ``SegmentWriter`` that writes the same segment faster: postings are grouped by
    term while documents are added (``_TermPool``), field lengths are remembered instead of
    read back from disk, and each term's postings go to the codec a block at a time. Indexing
    a document was dominated by that per-posting bookkeeping. The files are Whoosh's own format
    (checked against Whoosh's writer in ``tests/search/test_index.py``)."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self._ix = ix
        self.pool = _TermPool()
        self._lengths: dict[str, dict[int, int]] = {}  # field → docnum → stored length (when not 0)
        self._own_docs: set[int] = set()  # added here, not merged from another segment
        self._batches: dict[str, SyllableBatch] = {}  # syllable fields: postings built at commit
        self._plans: dict[tuple, list] = {}
        self._term_cache: dict[tuple, tuple] = {}  # (field, value) → (postings, length) of short values
        self._sources: list[tuple[object, np.ndarray]] = []  # segments copied in (merges): reader, docnum map

    def add_document(self, **fields):
        """``SegmentWriter.add_document`` with the postings added per term list (no spelling
        fields, vectors or boosts in this schema: those are refused)."""
        self.check_open()
        docnum = self.docnum
        perdocwriter = self.perdocwriter
        terms = self.pool.terms
        overrides = any(name.startswith("_") for name in fields)
        if overrides and any(name.startswith("_") and not name.startswith("_stored_") for name in fields):
            raise ValueError("boosts are not supported by TermGroupingWriter")
        perdocwriter.start_doc(docnum)
        try:
            for fieldname, field, how, column in self._plan(fields):
                value = fields[fieldname]
                if value is None:
                    continue
                length = 0
                if how is _BATCHED:
                    batch = self._batches.get(fieldname)
                    if batch is None:
                        batch = self._batches[fieldname] = SyllableBatch(field.positions, analysis.vocabulary())
                    length = batch.add(docnum, value)
                elif how is not _STORED_ONLY:
                    cacheable = how is _REPEATING and isinstance(value, (str, int)) and len(str(value)) <= 100
                    found = self._term_cache.get((fieldname, value)) if cacheable else None
                    if found is None:
                        postings = [(tbytes, freq, float(weight), vbytes)
                                    for tbytes, freq, weight, vbytes in field.index(value)]
                        found = (postings, sum(p[1] for p in postings) if field.scorable else 0)
                        if cacheable and len(self._term_cache) < TERM_CACHE_SIZE:
                            self._term_cache[fieldname, value] = found
                    postings, length = found
                    by_term = terms.get(fieldname)
                    if by_term is None:
                        by_term = terms[fieldname] = {}
                    for tbytes, _freq, weight, vbytes in postings:
                        entry = by_term.get(tbytes)
                        if entry is None:
                            by_term[tbytes] = ([docnum], [weight], [vbytes])
                        else:
                            entry[0].append(docnum)
                            entry[1].append(weight)
                            entry[2].append(vbytes)
                if length:
                    quantized = length_to_byte(length)
                    if quantized:
                        self._lengths.setdefault(fieldname, {})[docnum] = byte_to_length(quantized)
                if overrides:
                    value = fields.get("_stored_" + fieldname, value)
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                if column and value is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._own_docs.add(docnum)
        self.mark_added()
        self.docnum += 1

    def _plan(self, fields) -> list:
        """For the given field names (sorted, as Whoosh adds them): (name, field object, how
        it is indexed, column type). Unknown names raise Whoosh's ``UnknownFieldError``."""
        key = tuple(sorted(name for name in fields if not name.startswith("_")))
        plan = self._plans.get(key)
        if plan is None:
            schema = self.schema
            self.check_fields(schema, key)
            plan = []
            for name in key:
                field = schema[name]
                if field.separate_spelling() or field.vector:
                    raise ValueError(f"{name}: not supported by TermGroupingWriter")
                if isinstance(field, analysis.SyllableField):
                    how = _BATCHED
                elif not field.indexed:
                    how = _STORED_ONLY
                elif field.unique:
                    how = _INDEXED
                else:
                    how = _REPEATING
                plan.append((name, field, how, field.column_type))
            self._plans[key] = plan
        return plan

    def commit(self, mergetype=None, merge: bool = False):
        """Write the new segment and record its checksum. Never merges other segments (merging is
        slow and runs away from the saves' write lock, ``app.search.merge``); ``mergetype`` only
        lets a merge swap the segment list it prepared."""
        try:
            super().commit(mergetype=mergetype, merge=False)
        finally:
            self._release()
        record_checksums(self._ix.storage.folder, segments(self._ix))

    def cancel(self):
        try:
            super().cancel()
        finally:
            self._release()

    def add_segment(self, reader) -> np.ndarray:
        """Copy a segment's live documents into this writer (how a merge feeds it): stored fields,
        lengths and columns now, with Whoosh's own per-document copy; postings at commit, term by
        term as arrays (Whoosh's ``add_reader`` adds them one posting at a time: minutes for a
        large merge). Returns the segment's docnum → new docnum table (-1: deleted)."""
        self.check_open()
        if len(self._batches) or any(self.pool.terms.values()):
            raise ValueError("add_segment: this writer already holds added documents")
        table = self._copy_documents(reader)
        self._sources.append((reader, table))
        self.mark_added()
        return table

    def _copy_documents(self, reader) -> np.ndarray:
        """Whoosh's ``write_per_doc`` for this schema (stored fields, field lengths, columns of the
        live documents), reading each length and value column once instead of looking the
        column's file up on disk for every document and field."""
        schema, pdw = self.schema, self.perdocwriter
        names = sorted(schema.names())
        length_columns = {name: length_column(reader, name) for name in names if schema[name].scorable}
        value_columns = {}
        for name in names:
            if schema[name].column_type and reader.has_column(name):
                column = reader.column_reader(name, schema[name].column_type)
                value_columns[name] = column.raw_column() if isinstance(column, TranslatingColumnReader) else column
        table = np.full(reader.doc_count_all(), -1, dtype=np.int64)
        for docnum, stored in reader.iter_docs():
            table[docnum] = self.docnum
            pdw.start_doc(self.docnum)
            for name in names:
                column = length_columns.get(name)
                length = byte_to_length(column[docnum]) if column is not None else 0
                pdw.add_field(name, schema[name], stored.get(name), length)
                if name in value_columns:
                    pdw.add_column_value(name, schema[name].column_type, value_columns[name][docnum])
            pdw.finish_doc()
            self.docnum += 1
        return table

    def _release(self) -> None:
        """Drop this writer's postings at once: a writer is part of reference cycles, and with
        few allocations between collections its memory would otherwise wait for the cycle
        collector (an indexing process grew by ~100 MB per commit)."""
        self.pool = _TermPool()
        self._batches = {}
        self._lengths = {}
        self._term_cache = {}
        self._own_docs = set()
        self._sources = []

    def write_postings(self, pdr) -> None:
        """What ``FieldWriter.add_postings`` does, for all of a field's postings at once
        (``GroupedPostings``); a syllable field's postings are first built from its batch."""
        if self._sources:
            self._write_copied_terms(pdr)
            return
        pool, fieldwriter = self.pool, self.fieldwriter
        batches = {name: batch for name, batch in self._batches.items() if len(batch)}
        self._batches = {}
        for fieldname in sorted({name for name, by_term in pool.terms.items() if by_term} | set(batches)):
            fieldobj = self.schema[fieldname]
            length_byte = self._length_bytes(fieldname, pdr)
            batch = batches.pop(fieldname, None)
            by_term = pool.terms.get(fieldname)
            if batch is not None:
                grouped = batch.grouped(length_byte)
                del batch
                if by_term:  # postings merged from another segment too: all of them the general way
                    grouped.into_pool(by_term)
                    pool.ordered = False
            if by_term:
                grouped = GroupedPostings.from_pool(by_term, pool.ordered, length_byte.__getitem__)
                pool.terms[fieldname] = {}
            fieldwriter.start_field(fieldname, fieldobj)
            grouped.write(fieldwriter, fieldobj.format)
            del grouped
            fieldwriter.finish_field()

    def _write_copied_terms(self, pdr) -> None:
        """The postings of the segments given to ``add_segment``, field by field and term by term
        in order, a few hundred thousand postings per ``GroupedPostings`` (bounded memory)."""
        fieldwriter = self.fieldwriter
        sources = [(reader, table, terms_by_field(reader)) for reader, table in self._sources]
        names = sorted({name for _r, _t, terms in sources for name in terms if name in self.schema})
        for fieldname in names:
            fieldobj = self.schema[fieldname]
            if fieldobj.scorable and pdr:
                length_byte = np.fromiter((length_to_byte(pdr.doc_field_length(d, fieldname) or 0)
                                           for d in range(self.docnum)), dtype=np.int64, count=self.docnum)
            else:
                length_byte = np.zeros(self.docnum + 1, dtype=np.int64)
            # (term, source index, term info) in term order, then source order (= docnum order)
            streams = [_tagged(terms.get(fieldname, ()), i) for i, (_r, _t, terms) in enumerate(sources)]
            chunk = _CopiedPostings(fieldobj.format.fixed_value_size())
            fieldwriter.start_field(fieldname, fieldobj)
            current = None
            for tbytes, i, info in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
                if tbytes != current:
                    if current is not None:
                        chunk.end_term(current)
                        if chunk.size >= _CopiedPostings.FLUSH:
                            chunk.write(fieldwriter, fieldobj.format, length_byte)
                    current = tbytes
                reader, table, _terms = sources[i]
                for ids, weights, values in read_blocks(postings_of(reader, fieldname, tbytes, info)):
                    chunk.add(table[ids], weights, values)
            if current is not None:
                chunk.end_term(current)
            chunk.write(fieldwriter, fieldobj.format, length_byte)
            fieldwriter.finish_field()

    def _length_bytes(self, fieldname: str, pdr) -> np.ndarray:
        """docnum → the field's stored length byte in the new segment (0: none)."""
        table = np.zeros(self.docnum + 1, dtype=np.int64)
        known = self._lengths.get(fieldname, {})
        if known:
            table[np.fromiter(known.keys(), dtype=np.int64, count=len(known))] = [
                length_to_byte(n) for n in known.values()]
        if self.pool.merged and pdr:
            own = self._own_docs
            for docnum in range(self.docnum):
                if docnum not in own:  # a document merged from another segment
                    table[docnum] = length_to_byte(pdr.doc_field_length(docnum, fieldname) or 0)
        return table


def _tagged(terms, source: int):
    """``(term, source, term info)`` for each of a source's ``(term, term info)``."""
    return ((tbytes, source, info) for tbytes, info in terms)


class _CopiedPostings:
    """Postings copied from other segments, gathered term by term and written in chunks."""

    FLUSH = 400_000  # postings per chunk

    def __init__(self, fixed_size):
        self.fixed_size = fixed_size  # bytes per value; None: variable (positions); 0: no values
        self._reset()

    def _reset(self):
        self.terms: list[bytes] = []
        self.starts = [0]
        self.docs: list[np.ndarray] = []
        self.weights: list[np.ndarray] = []
        self.values: list = [] if self.fixed_size is None else bytearray()
        self.size = 0

    def add(self, new_ids: np.ndarray, weights: np.ndarray, values) -> None:
        keep = new_ids >= 0
        whole = bool(keep.all())
        if not whole and not keep.any():
            return
        self.docs.append(new_ids if whole else new_ids[keep])
        self.weights.append(weights if whole else weights[keep])
        if self.fixed_size is None:
            self.values.extend(values if whole else (v for v, k in zip(values, keep.tolist()) if k))
        elif self.fixed_size:
            if not isinstance(values, (bytes, bytearray)):  # postings read one by one (inlined terms)
                values = b"".join(values)
            raw = np.frombuffer(values, dtype=np.uint8).reshape(len(new_ids), self.fixed_size)
            self.values += raw.tobytes() if whole else raw[keep].tobytes()
        self.size += len(self.docs[-1])

    def end_term(self, tbytes: bytes) -> None:
        if self.size > self.starts[-1]:
            self.terms.append(tbytes)
            self.starts.append(self.size)

    def write(self, fieldwriter, format_, length_byte: np.ndarray) -> None:
        if self.terms:
            doc = np.concatenate(self.docs)
            values = self.values if self.fixed_size is None else bytes(self.values)
            GroupedPostings(self.terms, np.array(self.starts, dtype=np.int64), doc,
                            np.concatenate(self.weights).astype(np.float64), values,
                            length_byte[doc]).write(fieldwriter, format_)
        self._reset()


class Snapshot:
    """One point-in-time view of the index, shared by the threads of a process. It is closed
    only once a newer one has replaced it *and* no request still uses it."""

    def __init__(self, index_dir: str, name: str, ix, searcher, view):
        self.index_dir, self.name, self.ix, self.searcher, self.view = index_dir, name, ix, searcher, view
        self.users = 0
        self.retired = False
        self.closed = False

    def segment_ids(self) -> set[str]:
        return {reader.segment().segment_id() for reader, _offset, _arrays in self.view.leaves}

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(Exception):
            self.searcher.close()


class SearcherCache:
    """The process's current snapshot per index folder, reused across requests and replaced when
    the index changes (a commit, or a rebuild that switched the active folder).

    ``with searchers.snapshot(index_dir) as view:`` holds a reference for the block. A snapshot
    that has been replaced is closed by the last thread that releases it, never under a running
    request; the arrays cached for its segments are dropped when no open snapshot uses them."""

    def __init__(self):
        self._lock = threading.Lock()          # guards the tables and the reference counts
        self._open_lock = threading.Lock()     # one thread opens a new snapshot, the others wait for it
        self._current: dict[str, Snapshot] = {}
        self._open: set[Snapshot] = set()      # current and retired snapshots not yet closed

    @contextlib.contextmanager
    def snapshot(self, index_dir: str):
        snap = self.acquire(index_dir)
        try:
            yield snap.view
        finally:
            self.release(snap)

    def acquire(self, index_dir: str) -> Snapshot:
        """Return the current snapshot with one more user (call ``release`` after use);
        IndexUnavailable when there is no usable index."""
        snap = self._reuse(index_dir)
        if snap is not None:
            return snap
        with self._open_lock:
            snap = self._reuse(index_dir)
            if snap is not None:
                return snap
            fresh = self._open_snapshot(index_dir)
            with self._lock:
                old = self._current.get(index_dir)
                self._current[index_dir] = fresh
                self._open.add(fresh)
                fresh.users += 1
                closing = []
                if old is not None:
                    old.retired = True
                    if old.users == 0:
                        closing.append(old)
                        self._open.discard(old)
            self._close(closing)
            return fresh

    def release(self, snap: Snapshot) -> None:
        with self._lock:
            snap.users -= 1
            closing = []
            if snap.retired and snap.users == 0 and snap in self._open:
                self._open.discard(snap)
                closing.append(snap)
        self._close(closing)

    def _reuse(self, index_dir: str) -> Snapshot | None:
        name = current_name(index_dir)
        with self._lock:
            snap = self._current.get(index_dir)
            if snap is None or snap.name != name or name is None:
                return None
            snap.users += 1  # held while checking freshness, so nobody closes it meanwhile
        try:
            fresh = snap.searcher.up_to_date()
        except Exception:  # noqa: BLE001 - files vanished under us: reopen
            fresh = False
        if fresh:
            return snap
        self.release(snap)
        return None

    def _open_snapshot(self, index_dir: str) -> Snapshot:
        for attempt in range(OPEN_ATTEMPTS):
            name = current_name(index_dir)
            ix = open_current(index_dir)
            try:
                searcher = ix.searcher()
                return Snapshot(index_dir, name, ix, searcher, View(searcher))
            except FileNotFoundError:
                # A commit (a merge) replaced segments between reading the table and opening them.
                if attempt == OPEN_ATTEMPTS - 1:
                    raise IndexUnavailable("corrupt: files keep vanishing") from None
            except Exception as exc:  # noqa: BLE001 - any other failure to read the segments means corrupt
                raise IndexUnavailable(f"corrupt: {exc.__class__.__name__}") from exc

    def _close(self, snapshots: list[Snapshot]) -> None:
        if not snapshots:
            return
        for snap in snapshots:
            snap.close()
        with self._lock:
            keep = set().union(*(s.segment_ids() for s in self._open)) if self._open else set()
        arrays.forget_segments(keep)

    def clear(self):
        """Forget every snapshot (each is closed when its last user releases it)."""
        with self._lock:
            closing = []
            for snap in self._current.values():
                snap.retired = True
                if snap.users == 0 and snap in self._open:
                    self._open.discard(snap)
                    closing.append(snap)
            self._current.clear()
        self._close(closing)


searchers = SearcherCache()
