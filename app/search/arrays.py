"""Postings as numpy arrays, read once per immutable segment and kept in one bounded cache.

Whoosh stores postings in blocks of (ids, weights, values). Reading a whole term's blocks into
arrays once lets a query combine thousands of matching documents with vector operations
instead of a Python loop per document: that is what keeps common Vietnamese syllables
(``hành``, ``chính``), which occur in most documents, fast. Whoosh's blocks and length columns are
read through ``app.search.whoosh_adapter``; what this module returns is checked against Whoosh's
public reader in ``tests/search/test_whoosh_adapter.py``.

The syllable fields hold syllables as written (accents kept). A syllable typed without accents
matches every accented form: ``variants("content", "cua")`` lists the forms a segment holds
(``cua``, ``của``, ``cửa``…) and the ``*_any`` readers return their union.

Everything read is kept in ``CACHE``: one least-recently-used store per process, bounded in
bytes (``SEARCH_CACHE_MB``), keyed by segment. Entries of a segment are dropped as soon as no
open snapshot uses the segment (``forget_segments``), so memory follows the live index.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from app import vntext
from app.search.whoosh_adapter import length_column, read_blocks

_LENGTH_TABLE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
DOC_IDS = np.int32  # what cached posting lists hold (a segment's document numbers)
EMPTY_IDS = np.zeros(0, dtype=DOC_IDS)
EMPTY_KEYS = np.zeros(0, dtype=np.int64)  # position keys (below)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
# A position is kept in the low bits of a key: (docnum << POSITION_BITS) | position.
POSITION_BITS = 24
MAX_POSITION = (1 << POSITION_BITS) - 1
DEFAULT_CACHE_BYTES = 256 * 1024 * 1024


class ArrayCache:
    """A thread-safe least-recently-used store bounded by the bytes of what it holds."""

    def __init__(self, limit_bytes: int = DEFAULT_CACHE_BYTES):
        self.limit = limit_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict = OrderedDict()  # (segment id, what…) → (value, bytes)
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key, value, nbytes: int):
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (value, nbytes)
            self.size += nbytes
            while self.size > self.limit and len(self._entries) > 1:
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self.size -= dropped
        return value

    def forget_segments(self, keep: set[str]) -> int:
        """Drop every entry of a segment not in ``keep``; return how many were dropped."""
        with self._lock:
            doomed = [key for key in self._entries if key[0] not in keep]
            for key in doomed:
                self.size -= self._entries.pop(key)[1]
        return len(doomed)

    def segments(self) -> set[str]:
        with self._lock:
            return {key[0] for key in self._entries}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0

    def stats(self) -> dict:
        with self._lock:
            return {"bytes": self.size, "limit": self.limit, "entries": len(self._entries),
                    "hits": self.hits, "misses": self.misses}


CACHE = ArrayCache()


def configure(limit_bytes: int) -> None:
    """Set the cache's byte limit (from ``SEARCH_CACHE_MB``)."""
    CACHE.limit = max(8 * 1024 * 1024, int(limit_bytes))


def forget_segments(keep: set[str]) -> None:
    """Drop cached arrays of segments no open snapshot uses."""
    CACHE.forget_segments(keep)


def _nbytes(*arrays) -> int:
    return sum(a.nbytes for a in arrays) + 200


def decode_position_keys(ids: np.ndarray, values: list[bytes]) -> np.ndarray:
    """Position keys ``(docnum << POSITION_BITS) | position`` of postings whose values are
    ``PackedPositions`` bytes (16-bit deltas; a leading zero byte and 32-bit deltas when odd)."""
    if not len(values):
        return EMPTY_KEYS
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    wide = np.flatnonzero(lengths & 1)
    if len(wide):
        parts = []
        for i in range(len(values)):
            raw = values[i]
            if len(raw) & 1:
                deltas = np.frombuffer(raw, dtype="<u4", offset=1).astype(np.int64)
            else:
                deltas = np.frombuffer(raw, dtype="<u2").astype(np.int64)
            spots = np.minimum(np.cumsum(deltas), MAX_POSITION)
            parts.append((ids[i] << POSITION_BITS) | spots)
        return np.concatenate(parts)
    counts = lengths >> 1
    deltas = np.frombuffer(b"".join(values), dtype="<u2").astype(np.int64)
    running = np.cumsum(deltas)
    first = np.cumsum(counts) - counts
    running -= np.repeat(running[first] - deltas[first], counts)  # restart at each posting
    np.minimum(running, MAX_POSITION, out=running)
    return (np.repeat(ids, counts) << POSITION_BITS) | running


def union_postings(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """One posting list from several of the same segment: sorted unique ids, summed weights."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return EMPTY_IDS, EMPTY_WEIGHTS
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p[0] for p in parts])
    weights = np.concatenate([p[1] for p in parts])
    order = np.argsort(ids, kind="stable")
    ids, weights = ids[order], weights[order]
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    return ids[starts], np.add.reduceat(weights, starts).astype(np.float32)


class SegmentArrays:
    """Arrays of one segment, read through one snapshot's reader (reads are serialised: a
    Whoosh reader's postings file keeps a position). Cached values live in ``CACHE`` under the
    segment's id, so every snapshot that holds the segment shares them."""

    def __init__(self, reader):
        self.segment_id = reader.segment().segment_id()
        self.doc_count = reader.doc_count_all()
        self._reader = reader
        self._lock = threading.Lock()

    def cache_key(self, *parts):
        """A key of ``CACHE`` for something computed from this segment (dropped with the segment)."""
        return (self.segment_id, self.doc_count) + parts

    # Exact terms

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, weights) of one term as indexed."""
        key = self.cache_key("p", field, term)
        found = CACHE.get(key)
        if found is not None:
            return found
        with self._lock:
            try:
                blocks = list(read_blocks(self._reader.postings(field, term)))
            except TermNotFound:
                blocks = []
        if blocks:
            # A segment's document numbers fit 32 bits: the largest entries shrink by a third.
            found = (np.concatenate([b[0] for b in blocks]).astype(DOC_IDS),
                     np.concatenate([b[1] for b in blocks]))
        else:
            found = (EMPTY_IDS, EMPTY_WEIGHTS)
        return CACHE.put(key, found, _nbytes(*found))

    def positions(self, field: str, term: str) -> np.ndarray:
        """Sorted position keys of one term as indexed (a positional field). Not cached: they
        are large (millions of keys for a common syllable) and only needed to compute phrase and
        pair results, which are cached (``app.search.engine``); keeping them would push the small,
        hot entries out of the cache."""
        with self._lock:
            try:
                blocks = list(read_blocks(self._reader.postings(field, term)))
            except TermNotFound:
                blocks = []
        ids = np.concatenate([b[0] for b in blocks]) if blocks else EMPTY_KEYS
        return decode_position_keys(ids, [v for b in blocks for v in b[2]])

    # Folded syllables: the union of every accented form the segment holds

    def variants(self, field: str, folded: str) -> tuple[str, ...]:
        """The indexed forms of ``field`` whose accent-free form is ``folded``."""
        key = self.cache_key("v", field)
        table = CACHE.get(key)
        if table is None:
            terms = self.lexicon(field, keep=False)
            # Terms are lower-case NFC syllables: one translate over all of them folds them (a
            # term still not ASCII afterwards, another script, takes the general path).
            plain_terms = "\n".join(terms).translate(vntext.FOLD_TABLE).split("\n") if terms else []
            table = {}
            for term, plain in zip(terms, plain_terms):
                if not plain.isascii():
                    plain = vntext.fold(term).lower()
                table.setdefault(plain, []).append(term)
            table = {k: tuple(v) for k, v in table.items()}
            CACHE.put(key, table, 200 * len(terms) + 200)
        return table.get(folded, ())

    def postings_any(self, field: str, folded: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, summed weights) of every form of a folded syllable."""
        forms = self.variants(field, folded)
        if len(forms) <= 1:
            return self.postings(field, forms[0]) if forms else (EMPTY_IDS, EMPTY_WEIGHTS)
        key = self.cache_key("P", field, folded)
        found = CACHE.get(key)
        if found is not None:
            return found
        found = union_postings([self.postings(field, form) for form in forms])
        return CACHE.put(key, found, _nbytes(*found))

    def positions_any(self, field: str, folded: str) -> np.ndarray:
        """Sorted position keys of every form of a folded syllable (not cached, see ``positions``)."""
        forms = self.variants(field, folded)
        if len(forms) <= 1:
            return self.positions(field, forms[0]) if forms else EMPTY_KEYS
        found = np.concatenate([self.positions(field, form) for form in forms])
        found.sort(kind="stable")  # sorted runs: merged, not re-sorted
        return found

    # Per-document values

    def lengths(self, field: str) -> np.ndarray:
        key = self.cache_key("l", field)
        found = CACHE.get(key)
        if found is None:
            with self._lock:
                column = length_column(self._reader, field)
                if column is None:
                    found = np.ones(self.doc_count, dtype=np.float32)
                else:
                    raw = np.fromiter((column[i] for i in range(self.doc_count)), dtype=np.uint8,
                                      count=self.doc_count)
                    found = _LENGTH_TABLE[raw]
            CACHE.put(key, found, _nbytes(found))
        return found

    def column(self, field: str) -> np.ndarray:
        key = self.cache_key("c", field)
        found = CACHE.get(key)
        if found is None:
            with self._lock:
                reader = self._reader.column_reader(field)
                found = np.fromiter((int(v or 0) for v in reader), dtype=np.int64, count=self.doc_count)
            CACHE.put(key, found, _nbytes(found))
        return found

    def value_codes(self, field: str) -> tuple[list[str], np.ndarray]:
        """For a field holding one value per document (a facet): its values, and per document the
        index of its value (-1: none). Counting a facet is then one ``bincount``."""
        key = self.cache_key("f", field)
        found = CACHE.get(key)
        if found is None:
            values = self.lexicon(field)
            codes = np.full(self.doc_count, -1, dtype=np.int32)
            for code, value in enumerate(values):
                codes[self.postings(field, value)[0]] = code
            found = CACHE.put(key, (values, codes), _nbytes(codes) + 80 * len(values))
        return found

    def lexicon(self, field: str, keep: bool = True) -> list[str]:
        """The field's terms, in order (``keep=False``: not cached, for a large field read once)."""
        key = self.cache_key("x", field)
        found = CACHE.get(key)
        if found is None:
            with self._lock:
                try:
                    found = [t.decode("utf-8") for t in self._reader.lexicon(field)]
                except TermNotFound:
                    found = []
            if keep:
                CACHE.put(key, found, 80 * len(found) + 200)
        return found
