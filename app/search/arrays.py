"""Postings as numpy arrays, cached per immutable index segment.

Whoosh stores postings in blocks of (ids, weights). Reading a whole term's block list into
arrays once, and keeping it while the segment lives, lets a query combine thousands of
matching documents with vector operations instead of a Python loop per document. That is
what keeps common Vietnamese syllables (``hành``, ``chính``), which occur in most documents,
fast. Only the index format stays Whoosh's; this module is the one place that reads it this way.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

_LENGTH_TABLE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
MAX_CACHED_TERMS = 4000
MAX_CACHED_POSITIONS = 2_000_000  # encoded position lists kept per segment (~100 MB), LRU by term


def _read_matcher(matcher) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(matcher, FilterMatcher):  # deletions are applied by the caller's mask
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        id_parts, weight_parts = [], []
        while not matcher._atend:
            matcher._read_data()
            data = matcher._data
            id_parts.append(np.cumsum(np.asarray(data[0], dtype=np.int64)))
            weights = data[1]
            count = matcher._blocklength
            if weights is None:
                weight_parts.append(np.ones(count, dtype=np.float32))
            elif isinstance(weights, float):
                weight_parts.append(np.full(count, weights, dtype=np.float32))
            else:
                weight_parts.append(np.asarray(weights, dtype=np.float32))
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
        if not id_parts:
            return EMPTY_IDS, EMPTY_WEIGHTS
        return np.concatenate(id_parts), np.concatenate(weight_parts)
    ids, weights = [], []
    while matcher.is_active():  # inlined short postings and other matcher types
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)


class SegmentArrays:
    """Arrays for one segment: postings per term (LRU), field lengths, numeric columns."""

    def __init__(self, reader):
        self.doc_count = reader.doc_count_all()
        self._reader = reader
        self._lock = threading.Lock()
        self._postings: OrderedDict = OrderedDict()
        self._values: OrderedDict = OrderedDict()
        self._values_size = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._lexicons: dict[str, list[str]] = {}

    def rebind(self, reader) -> None:
        """Use a fresh reader of the same segment (after a searcher refresh)."""
        self._reader = reader

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        key = (field, term)
        with self._lock:
            hit = self._postings.get(key)
            if hit is not None:
                self._postings.move_to_end(key)
                return hit
        with self._lock:  # the reader's file position is shared: one read at a time
            try:
                arrays = _read_matcher(self._reader.postings(field, term))
            except TermNotFound:
                arrays = (EMPTY_IDS, EMPTY_WEIGHTS)
            self._postings[key] = arrays
            while len(self._postings) > MAX_CACHED_TERMS:
                self._postings.popitem(last=False)
        return arrays

    def _encoded_positions(self, field: str, term: str):
        """(sorted docnums, encoded position lists) of a term, read once and kept (LRU)."""
        key = (field, term)
        with self._lock:
            hit = self._values.get(key)
            if hit is not None:
                self._values.move_to_end(key)
                return hit
            try:
                matcher = self._reader.postings(field, term)
            except TermNotFound:
                found = (EMPTY_IDS, [], None)
            else:
                if isinstance(matcher, FilterMatcher):
                    matcher = matcher.child
                decode = matcher.format.decode_positions
                ids, values = [], []
                if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
                    while not matcher._atend:
                        matcher._read_data()
                        ids.append(np.cumsum(np.asarray(matcher._data[0], dtype=np.int64)))
                        values.extend(matcher._data[2])
                        if matcher._lastblock:
                            break
                        matcher._goto(matcher._nextoffset)
                    id_array = np.concatenate(ids) if ids else EMPTY_IDS
                else:
                    while matcher.is_active():
                        ids.append(matcher.id())
                        values.append(matcher.value())
                        matcher.next()
                    id_array = np.asarray(ids, dtype=np.int64)
                found = (id_array, values, decode)
            self._values[key] = found
            self._values_size += len(found[1])
            while self._values_size > MAX_CACHED_POSITIONS and len(self._values) > 1:
                _key, evicted = self._values.popitem(last=False)
                self._values_size -= len(evicted[1])
            return found

    def positions(self, field: str, term: str, wanted: np.ndarray) -> dict[int, list[int]]:
        """Return ``{docnum: [positions]}`` of ``term`` for the (segment-local) ``wanted`` docnums."""
        if not len(wanted):
            return {}
        ids, values, decode = self._encoded_positions(field, term)
        if not len(ids):
            return {}
        spots = np.searchsorted(ids, wanted)
        found = {}
        for docnum, spot in zip(wanted.tolist(), spots.tolist()):
            if spot < len(ids) and ids[spot] == docnum:
                found[docnum] = decode(values[spot])
        return found

    def lengths(self, field: str) -> np.ndarray:
        found = self._lengths.get(field)
        if found is None:
            column = self._reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            if column is None:
                found = np.ones(self.doc_count, dtype=np.float32)
            else:
                raw = np.fromiter((column[i] for i in range(self.doc_count)), dtype=np.uint8, count=self.doc_count)
                found = _LENGTH_TABLE[raw]
            self._lengths[field] = found
        return found

    def column(self, field: str) -> np.ndarray:
        found = self._columns.get(field)
        if found is None:
            reader = self._reader.column_reader(field)
            found = np.fromiter((int(v or 0) for v in reader), dtype=np.int64, count=self.doc_count)
            self._columns[field] = found
        return found

    def lexicon(self, field: str) -> list[str]:
        found = self._lexicons.get(field)
        if found is None:
            try:
                found = [t.decode("utf-8") for t in self._reader.lexicon(field)]
            except TermNotFound:
                found = []
            self._lexicons[field] = found
        return found


_segments: dict[str, SegmentArrays] = {}
_segments_lock = threading.Lock()


def segment_arrays(reader) -> SegmentArrays:
    """Return the cached arrays of a segment reader's segment (created on first use)."""
    key = reader.segment().segment_id()
    with _segments_lock:
        found = _segments.get(key)
        if found is None or found.doc_count != reader.doc_count_all():
            found = SegmentArrays(reader)
            _segments[key] = found
        else:
            found.rebind(reader)
        return found


def forget_segments(keep: set[str]) -> None:
    """Drop cached arrays of segments no longer in use."""
    with _segments_lock:
        for key in list(_segments):
            if key not in keep:
                del _segments[key]
