"""Postings of the syllable fields built for a whole batch of documents at once, with numpy.

Indexing one document at a time costs several Python operations per posting (a dictionary
look-up, list appends, a position list to encode), and a long Vietnamese text has a few hundred
distinct syllables. Here a writer only turns each text into syllable ids (``SyllableVocabulary``);
at commit one sort of all the batch's (term, token) pairs gives every term's documents,
frequencies and position deltas (``PackedPositions``), and the posting blocks are written
straight to Whoosh's postings file and term table (``whoosh_adapter.FieldOutput``), the layout
Whoosh's own writer produces.
"""
from __future__ import annotations

import zlib
from array import array
from pickle import dumps

import numpy as np
from whoosh.util.numeric import byte_to_length, length_to_byte

from app.search.analysis import NARROW_LIMIT, WIDE, PackedPositions, SyllableVocabulary
from app.search.whoosh_adapter import POSTINGS_HEADER, FieldOutput

COMPRESSION = 1          # zlib level of posting blocks (level 3, Whoosh's, took 15% longer for 3% less)
SMALL_BLOCK = 64         # bytes under which compressing a block only makes it longer
# Block data pickled with protocol 4: bytes values as raw bytes (protocol 2, which Whoosh uses,
# spells each one out as a call to _codecs.encode with a Latin-1 string). Any protocol reads back.
PROTOCOL = 4
_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]
_BYTE_OF_LENGTH = [length_to_byte(n) for n in _LENGTH_OF_BYTE]


class SyllableBatch:
    """The syllable ids of one ``SyllableField``'s texts, per document, for one segment writer,
    with positions (``PackedPositions``) or frequencies only."""

    def __init__(self, positions: bool, vocabulary: SyllableVocabulary):
        self.positions = positions
        self.vocabulary = vocabulary
        self.tokens = array("i")
        self.docnums = array("q")
        self.counts = array("q")

    def __len__(self) -> int:
        return len(self.docnums)

    def add(self, docnum: int, text) -> int:
        """Remember the text of document ``docnum``; return the field length (its number of syllables)."""
        ids = self.vocabulary.ids(text)
        if ids:
            self.tokens.extend(ids)
            self.docnums.append(docnum)
            self.counts.append(len(ids))
        return len(ids)

    def grouped(self, length_byte: np.ndarray) -> GroupedPostings:
        """Every term's postings; ``length_byte``: docnum → the document's stored length byte."""
        return GroupedPostings.from_tokens(
            np.frombuffer(self.tokens, dtype=np.int32), np.frombuffer(self.counts, dtype=np.int64),
            np.frombuffer(self.docnums, dtype=np.int64), self.vocabulary.terms, self.positions, length_byte)


class GroupedPostings:
    """A segment field's postings as flat arrays: posting ``p`` is a term in document ``doc[p]``
    with weight ``weight[p]`` and value ``values[p]``; postings are ordered by term bytes, then
    docnum, and ``starts[t]:starts[t + 1]`` are those of ``term_bytes[t]``. ``length_byte[p]``
    is the field length of ``doc[p]`` as Whoosh stores it (one byte, 0 for none)."""

    def __init__(self, term_bytes, starts, doc, weight, values, length_byte):
        self.term_bytes = term_bytes
        self.starts = starts
        self.doc = doc
        self.weight = weight
        self.values = values
        self.length_byte = length_byte

    @classmethod
    def from_tokens(cls, tokens, counts, docnums, terms, positions: bool, length_byte) -> GroupedPostings:
        """The postings of documents ``docnums`` whose texts are ``counts[i]`` consecutive term
        indices each in ``tokens`` (indices into ``terms``): with positions (``PackedPositions``
        values) or frequencies (``Frequency`` values)."""
        present = np.flatnonzero(np.bincount(tokens))
        encoded = [terms[i].encode("utf-8") for i in present.tolist()]
        order = sorted(range(len(encoded)), key=encoded.__getitem__)
        term_bytes = [encoded[i] for i in order]
        rank = np.zeros(int(present[-1]) + 1 if len(present) else 1, dtype=np.int64)
        rank[present[order]] = np.arange(len(order), dtype=np.int64)

        # One sort orders every token by (term rank, place in the batch): documents were added
        # in docnum order and each text in position order, so each term's tokens come out
        # grouped by document with positions ascending.
        keys = rank[tokens]
        del rank
        keys <<= 32
        keys |= np.arange(len(tokens), dtype=np.int64)
        keys.sort()
        term_of = (keys >> 32).astype(np.int32)
        keys &= 0xFFFFFFFF
        token_at = keys.astype(np.int32)
        del keys
        doc_index = np.repeat(np.arange(len(docnums), dtype=np.int32), counts)[token_at]

        new_posting = np.ones(len(term_of), dtype=bool)
        new_posting[1:] = (term_of[1:] != term_of[:-1]) | (doc_index[1:] != doc_index[:-1])
        posting_start = np.flatnonzero(new_posting)
        del new_posting
        posting_end = np.append(posting_start[1:], len(term_of))
        frequency = posting_end - posting_start
        if positions:
            first_token = (np.cumsum(counts) - counts).astype(np.int32)
            position = token_at - first_token[doc_index]
            deltas = position.copy()
            deltas[1:] -= position[:-1]
            deltas[posting_start] = position[posting_start]
            narrow = deltas.astype("<u2").tobytes()
            values = [narrow[a:b] for a, b in zip((posting_start * 2).tolist(), (posting_end * 2).tolist())]
            del narrow
            wide = np.flatnonzero(position[posting_end - 1] >= NARROW_LIMIT)  # see PackedPositions
            for p in wide.tolist():
                a, b = int(posting_start[p]), int(posting_end[p])
                values[p] = WIDE + deltas[a:b].astype("<u4").tobytes()
            del position, deltas
        else:
            values = frequency.astype(">u4").tobytes()  # Frequency: pack_uint(freq) per posting, side by side
        del token_at
        doc = docnums[doc_index[posting_start]]
        posting_term = term_of[posting_start]
        del term_of, doc_index
        boundaries = np.flatnonzero(posting_term[1:] != posting_term[:-1]) + 1
        starts = np.concatenate(([0], boundaries, [len(posting_term)])).astype(np.int64)
        return cls(term_bytes, starts, doc, frequency.astype(np.float64), values, length_byte[doc])

    @classmethod
    def from_pool(cls, by_term: dict, ordered: bool, length_byte) -> GroupedPostings:
        """The postings of a ``_TermPool`` field, ``{term: (docs, weights, values)}``;
        ``length_byte(docs)`` gives the stored length bytes of a list of docnums."""
        term_bytes = sorted(by_term)
        docs: list[int] = []
        weights: list[float] = []
        values: list[bytes] = []
        starts = [0]
        for tbytes in term_bytes:
            term_docs, term_weights, term_values = by_term[tbytes]
            if not ordered:
                term_docs, term_weights, term_values = (list(column) for column in zip(*sorted(
                    zip(term_docs, term_weights, term_values), key=lambda posting: posting[0])))
            docs += term_docs
            weights += term_weights
            values += term_values
            starts.append(len(docs))
        doc = np.array(docs, dtype=np.int64)
        return cls(term_bytes, np.array(starts, dtype=np.int64), doc, np.array(weights, dtype=np.float64), values,
                   length_byte(doc))

    def into_pool(self, by_term: dict) -> None:
        """Add these postings to a ``_TermPool`` field's ``{term: (docs, weights, values)}``."""
        docs, weights = self.doc.tolist(), self.weight.tolist()
        starts = self.starts.tolist()
        values = self.values
        if isinstance(values, bytes):  # fixed-size values side by side
            size = len(values) // max(len(docs), 1)
            values = [values[i:i + size] for i in range(0, len(values), size)]
        for t, tbytes in enumerate(self.term_bytes):
            a, b = starts[t], starts[t + 1]
            entry = by_term.setdefault(tbytes, ([], [], []))
            entry[0].extend(docs[a:b])
            entry[1].extend(weights[a:b])
            entry[2].extend(values[a:b])

    def write(self, fieldwriter, format_) -> None:
        """Write every term's postings through a Whoosh ``FieldWriter`` whose field is started:
        the blocks ``W3PostingsWriter`` writes (ids, weights and values pickled, zlib), with
        their statistics, but computed for all blocks at once. Tiny blocks are not compressed,
        nor are packed positions (compact already, and read faster uncompressed)."""
        compression = 0 if isinstance(format_, PackedPositions) else COMPRESSION
        output = FieldOutput(fieldwriter)
        limit = output.block_limit
        postfile = output.postfile
        starts = self.starts
        term_count = len(self.term_bytes)
        postings = len(self.doc)
        if not term_count:
            return

        # Blocks: each term's postings, ``limit`` at a time. Per-block figures in one pass each.
        in_term = np.arange(postings, dtype=np.int64) - np.repeat(starts[:-1], np.diff(starts))
        block_start = np.flatnonzero(in_term % limit == 0)
        del in_term
        block_end = np.append(block_start[1:], postings)
        blocks_of_term = np.searchsorted(block_start, starts)  # first block of each term (and the end)
        weight_max = np.maximum.reduceat(self.weight, block_start)
        weight_min = np.minimum.reduceat(self.weight, block_start)
        lengths = self.length_byte
        length_min = np.minimum.reduceat(np.where(lengths > 0, lengths, 256), block_start)
        length_max = np.maximum.reduceat(lengths, block_start)
        deltas = self.doc.copy()
        deltas[1:] -= self.doc[:-1]
        deltas[block_start] = self.doc[block_start]

        fixed_size = format_.fixed_value_size()
        packed = isinstance(self.values, bytes)  # fixed-size values side by side (``from_tokens``)
        values = self.values
        delta_list = deltas.tolist()
        weight_list = self.weight.astype(np.float32).tolist()  # Whoosh keeps weights as 32-bit floats
        doc_list = self.doc.tolist()
        block_start_l, block_end_l = block_start.tolist(), block_end.tolist()
        weight_max_l, weight_min_l = weight_max.tolist(), weight_min.tolist()
        length_min_l, length_max_l = length_min.tolist(), length_max.tolist()
        blocks_l, starts_l = blocks_of_term.tolist(), starts.tolist()
        sums = np.add.reduceat(self.weight.astype(np.float32).astype(np.float64), starts[:-1]).tolist()
        byte_of_length = _BYTE_OF_LENGTH
        add_term = output.add_term
        tell = postfile.tell
        for t in range(term_count):
            offset = tell()
            postfile.write(POSTINGS_HEADER)
            first_block, end_block = blocks_l[t], blocks_l[t + 1]
            term_min_length, term_max_length, term_max_weight = 256, 0, 0.0
            for k in range(first_block, end_block):
                a, b = block_start_l[k], block_end_l[k]
                top = weight_max_l[k]
                if weight_min_l[k] == top:
                    weights = None if top == 1.0 else weight_list[a]
                else:
                    weights = tuple(weight_list[a:b])
                if fixed_size is None:
                    block_values = tuple(filter(None, values[a:b]))  # Whoosh keeps only non-empty values
                elif fixed_size == 0:
                    block_values = None
                elif packed:
                    block_values = values[a * fixed_size:b * fixed_size]
                else:
                    block_values = b"".join(values[a:b])
                data = dumps((tuple(delta_list[a:b]), weights, block_values), PROTOCOL)
                level = compression if len(data) >= SMALL_BLOCK else 0
                if level:
                    data = zlib.compress(data, level)
                low, high = length_min_l[k], length_max_l[k]
                if high:
                    term_min_length = min(term_min_length, low)
                    term_max_length = max(term_max_length, high)
                info = dumps((b - a, doc_list[b - 1], top, level, byte_of_length[low] if high else 0,
                              byte_of_length[high]), 2)
                size = len(info) + len(data)
                postfile.write_int(-size if k == end_block - 1 else size)
                postfile.write(info)
                postfile.write(data)
                term_max_weight = max(term_max_weight, top)
            a, b = starts_l[t], starts_l[t + 1]
            add_term(self.term_bytes[t], sums[t], b - a, byte_of_length[term_min_length] if term_max_length else 0,
                     byte_of_length[term_max_length], term_max_weight, doc_list[a], doc_list[b - 1], offset,
                     tell() - offset)
