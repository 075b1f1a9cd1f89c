"""Whoosh's file formats, read and written directly: the one module that touches Whoosh's private
names (``tests/search/test_whoosh_adapter.py`` fails if another module of ``app/search`` does).

Search reads a term's posting blocks as numpy arrays (``arrays``), writes whole posting blocks and
term table rows at once (``postings``) and copies segments term by term (``index``, ``merge``):
each of these steps relies on the layout of Whoosh 3 codec files and on attributes Whoosh does not
publish. They are all here, checked against Whoosh's public reader (``reader.postings``,
``stored_fields``, ``doc_field_length``) and its own writer by the tests, for one version of
Whoosh: the pinned one, checked when this module is imported.
"""
from __future__ import annotations

import importlib.metadata

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermInfo, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.writing import SegmentWriter

DISTRIBUTION = "whoosh-reloaded"
VERSION = "2.7.5"   # as pinned in requirements.txt


class WhooshVersionError(RuntimeError):
    """The installed Whoosh is not the one whose file formats this module was checked against."""


def check_version(distribution_version: str | None, module_version: tuple) -> None:
    """Refuse (WhooshVersionError, saying what to do) any Whoosh but ``DISTRIBUTION`` ``VERSION``:
    ``distribution_version`` is the installed ``whoosh-reloaded``'s (None: not installed, another
    Whoosh provides the module), ``module_version`` is ``whoosh.__version__``."""
    wanted = tuple(int(part) for part in VERSION.split("."))
    if distribution_version == VERSION and tuple(module_version) == wanted:
        return
    found = (f"{DISTRIBUTION} {distribution_version}" if distribution_version
             else f"another Whoosh ({'.'.join(map(str, module_version))}), not {DISTRIBUTION}")
    raise WhooshVersionError(
        f"The portal's search reads and writes Whoosh's file formats directly (app/search/whoosh_adapter.py) "
        f"and was checked against {DISTRIBUTION} {VERSION}; found {found}. Install the pinned version "
        f"(pip install -r requirements.txt). To move to another version, change the pin and VERSION together "
        f"and make tests/search/test_whoosh_adapter.py and tests/search/test_index.py pass first.")


def _installed_version() -> str | None:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None


check_version(_installed_version(), whoosh.__version__)


# Index

def segments(ix) -> list:
    """The segments of a Whoosh index, as its table of contents lists them now."""
    return ix._segments()


# Reading a segment

def read_blocks(matcher):
    """Yield ``(ids, weights, values)`` of each posting block of a Whoosh matcher, ids absolute
    (Whoosh stores each block's ids as deltas from the previous one, the first absolute). Deleted
    documents are included: a ``FilterMatcher`` is read through (callers map or mask them)."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while not matcher._atend:
            matcher._read_data()
            ids, weights, values = matcher._data
            count = matcher._blocklength
            ids = np.cumsum(np.asarray(ids, dtype=np.int64))
            if weights is None:
                weights = np.ones(count, dtype=np.float32)
            elif isinstance(weights, float):
                weights = np.full(count, weights, dtype=np.float32)
            else:
                weights = np.asarray(weights, dtype=np.float32)
            yield ids, weights, values
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
        return
    ids, weights, values = [], [], []
    while matcher.is_active():  # inlined short postings and other matcher types
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value())
        matcher.next()
    if ids:
        yield np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32), values


def terms_by_field(reader) -> dict[str, list[tuple[bytes, object]]]:
    """Every term of a segment reader with its term info, per field, in term order: one pass over
    the term table (looking each term up in its hash table costs several reads per term)."""
    found: dict[str, list] = {}
    for (fieldname, tbytes), terminfo in reader._terms.items():
        found.setdefault(fieldname, []).append((tbytes, terminfo))
    return found


def postings_of(reader, fieldname: str, tbytes: bytes, terminfo):
    """A Whoosh matcher over one term's postings, from its term info (no look-up); deleted
    documents included (callers map or mask them)."""
    return reader._codec.postings_reader(reader._terms._postfile, terminfo, reader.schema[fieldname].format,
                                         term=(fieldname, tbytes))


def length_column(reader, fieldname: str):
    """The column of a segment reader holding each document's length byte for ``fieldname``
    (``byte_to_length`` gives the length), or None when the field has no lengths."""
    return reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)


# Writing a segment

POSTINGS_HEADER = WHOOSH3_HEADER_MAGIC   # what starts each term's postings in the postings file


class FieldOutput:
    """Where the postings of the field a Whoosh ``FieldWriter`` has started go: the postings file
    (``postfile``), the postings per block (``block_limit``) and the term table (``add_term``)."""

    def __init__(self, fieldwriter):
        self.postfile = fieldwriter._postfile
        self.block_limit = fieldwriter._postwriter._blocklimit
        self._field_key = pack_ushort(fieldwriter._fieldid)
        self._add = fieldwriter._tindex.add
        self._row = W3TermInfo._struct.pack

    def add_term(self, term_bytes: bytes, weight_sum: float, doc_count: int, min_length_byte: int,
                 max_length_byte: int, max_weight: float, first_id: int, last_id: int, offset: int,
                 size: int) -> None:
        """Add the term table row of a term whose postings were written at ``offset`` (``size``
        bytes), as ``FieldWriter.start_term`` / ``finish_term`` would: its statistics, then where
        its postings are."""
        row = self._row(False, weight_sum, doc_count, min_length_byte, max_length_byte, max_weight, first_id, last_id)
        self._add(self._field_key + term_bytes, row + pack_long(offset) + pack_int(size))


class SegmentWriterBase(SegmentWriter):
    """Whoosh's ``SegmentWriter`` with public names for what a writer of its own needs: its
    state checks, marking it as holding documents, and ``write_postings(per_doc_reader)``, called
    where Whoosh writes the segment's postings from its pool (``_flush_segment``)."""

    def check_open(self) -> None:
        """Raise Whoosh's error when the writer was committed or cancelled already."""
        self._check_state()

    def check_fields(self, schema, names) -> None:
        """Raise Whoosh's ``UnknownFieldError`` for a name the schema does not have."""
        self._check_fields(schema, names)

    def mark_added(self) -> None:
        """Record that this writer holds documents (so a commit writes a segment)."""
        self._added = True

    def write_postings(self, per_doc_reader) -> None:
        """Write the segment's postings through ``self.fieldwriter``; ``per_doc_reader`` reads the
        lengths just written (None when the codec keeps none)."""
        raise NotImplementedError

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        self.write_postings(pdr)
        self.fieldwriter.close()
        if pdr:
            pdr.close()
