"""Text analysis for Vietnamese: the same steps at index time and at query time.

NFC and one tone convention, lower case, one token per syllable (no stemming, no stop
words, one-letter syllables kept). Syllables are indexed as written, accents kept (``hòa``,
``của``, ``cửa``), with their positions; the accent-free form (``hoa``, ``đ`` → ``d``) is what a
syllable typed without accents is matched through (``fold_syllable``; see ``app.search.arrays``).
"""
from __future__ import annotations

import os
import re
import sys
from array import array
from collections import Counter
from functools import lru_cache
from itertools import accumulate

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.system import pack_uint

from app import vntext

SYLLABLE = re.compile(r"[^\W_]+", re.UNICODE)


def syllables(text: str | None) -> list[str]:
    """Return the lower-case NFC syllables of ``text`` (tone marks unified)."""
    return SYLLABLE.findall(vntext.nfc(text or "").lower())


def fold_syllable(word: str) -> list[str]:
    """Return the folded syllables of one syllable of ``syllables()`` (almost always one:
    ``hòa`` → ``["hoa"]``; folding can in principle split or empty an odd one)."""
    return SYLLABLE.findall(vntext.fold(word).lower())


def folded_syllables(text: str | None) -> list[str]:
    """Return the syllables of ``text`` without diacritics: each syllable of ``syllables(text)``, folded."""
    return [folded for word in syllables(text) for folded in fold_syllable(word)]


class _SyllableTokenizer(Tokenizer):
    """A Whoosh tokenizer giving ``syllables(value)`` (Whoosh's own query parsing and highlighting
    are not used; the portal indexes through ``SyllableField.index`` and ``app.search.postings``)."""

    def __eq__(self, other):
        return isinstance(other, _SyllableTokenizer)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, word in enumerate(syllables(value)):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            yield token


# Bumped whenever the analysis above changes: the index must then be rebuilt.
ANALYZER_VERSION = 4  # 4: syllables as written only (no folded or pair fields)


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, list[str]]:
    """Return folded abbreviation → folded expansion syllables, both ways:
    ``{"cchc": ["cai", "cach", "hanh", "chinh"]}`` and the reverse under ``"cai cach hanh chinh"``."""
    path = os.path.join(os.path.dirname(__file__), "abbreviations.txt")
    table: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if "=" not in line:
                continue
            short, long = (part.strip() for part in line.split("=", 1))
            short_key = "".join(folded_syllables(short))
            long_syllables = folded_syllables(long)
            table[short_key] = long_syllables
            table[" ".join(long_syllables)] = [short_key]
    return table


# Fast indexing: texts become syllable ids in C-level passes instead of Whoosh's token-object
# loop, which dominated indexing time for long Vietnamese texts.

# Runs of ASCII letters and digits and non-ASCII characters, in UTF-8: splitting there is
# several times faster than SYLLABLE on str, and every place it splits (an ASCII character that is
# not a letter or digit) is also a syllable boundary. A run holding a non-ASCII character that is
# not a letter (a curly quote, a no-break space) is split further, once, when first seen.
_RUN = re.compile(rb"[0-9A-Za-z\x80-\xff]+")
_NO_SYLLABLE = -1


class SyllableVocabulary:
    """Numbers for syllables, so a text becomes a list of term ids in C-level passes.

    ``ids(text)`` equals ``[term_id(s) for s in syllables(text)]``. Each distinct run is split
    once and remembered; the numbers stay valid while the vocabulary lives (callers start a new
    one when ``len()`` grows past what they want to keep)."""

    def __init__(self):
        self.id_of_run: dict[bytes, int] = {}            # a run that is one syllable → its id
        self.ids_of_odd: dict[bytes, tuple[int, ...]] = {}  # runs of 0 or 2+ syllables
        self.id_of_term: dict[str, int] = {}
        self.terms: list[str] = []                       # id → syllable

    def __len__(self) -> int:
        return len(self.terms)

    def term_id(self, term: str) -> int:
        found = self.id_of_term.get(term)
        if found is None:
            found = self.id_of_term[term] = len(self.terms)
            self.terms.append(term)
        return found

    def _learn(self, runs) -> bool:
        """Add unknown runs; return whether any of ``runs`` is not exactly one syllable."""
        known, odd = self.id_of_run, self.ids_of_odd
        for run in set(runs).difference(known):
            if run in odd:
                continue
            words = SYLLABLE.findall(run.decode("utf-8"))
            if len(words) == 1:
                known[run] = self.term_id(words[0])
            elif not words:
                known[run] = _NO_SYLLABLE  # punctuation alone ("…", "–"): dropped after the look-up
            else:
                odd[run] = tuple(self.term_id(w) for w in words)
        return bool(odd) and not odd.keys().isdisjoint(runs)

    def ids(self, text: str | None) -> list[int]:
        """The term ids of ``text``'s syllables, in order."""
        runs = _RUN.findall(vntext.nfc(text).lower().encode("utf-8"))
        known = self.id_of_run
        try:
            ids = list(map(known.__getitem__, runs))
        except KeyError:
            if self._learn(runs):
                odd = self.ids_of_odd
                ids = [i for run in runs for i in (odd[run] if run in odd else (known[run],))]
            else:
                ids = list(map(known.__getitem__, runs))
        if _NO_SYLLABLE in ids:
            ids = list(filter(_NO_SYLLABLE.__ne__, ids))
        return ids


_VOCABULARY = {"current": SyllableVocabulary()}
_VOCABULARY_MAX = 500_000


def vocabulary() -> SyllableVocabulary:
    """The process's shared vocabulary, replaced by a new one when it has grown too large: call
    this once per batch and keep the object for the batch."""
    if len(_VOCABULARY["current"]) > _VOCABULARY_MAX:
        _VOCABULARY["current"] = SyllableVocabulary()
    return _VOCABULARY["current"]


_LITTLE_ENDIAN = sys.byteorder == "little"
assert array("I").itemsize == 4 and array("H").itemsize == 2


WIDE = b"\x00"  # first byte of a position list that needs 32-bit deltas
NARROW_LIMIT = 1 << 16


class PackedPositions(Positions):
    """Positions as little-endian deltas and nothing else: 16 bits each when every position is
    below 65,536 (an even number of bytes), else a zero byte and 32 bits each (an odd number).
    The frequency is the number of deltas. Whoosh's ``Positions`` pickles each list; these
    bytes are written for a whole batch of documents at once with numpy
    (``app.search.postings``), need no compression, and are read back without unpickling."""

    def encode(self, poslist) -> bytes:
        poslist = list(poslist)
        wide = bool(poslist) and poslist[-1] >= NARROW_LIMIT
        deltas = array("I" if wide else "H", [b - a for a, b in zip([0] + poslist, poslist)])
        if not _LITTLE_ENDIAN:
            deltas.byteswap()
        return WIDE + deltas.tobytes() if wide else deltas.tobytes()

    def decode_positions(self, valuestring) -> list[int]:
        if len(valuestring) & 1:
            deltas = array("I")
            deltas.frombytes(valuestring[1:])
        else:
            deltas = array("H")
            deltas.frombytes(valuestring)
        if not _LITTLE_ENDIAN:
            deltas.byteswap()
        return list(accumulate(deltas))

    def decode_frequency(self, valuestring) -> int:
        return (len(valuestring) - 1) // 4 if len(valuestring) & 1 else len(valuestring) // 2

    def decode_weight(self, valuestring) -> float:
        return self.decode_frequency(valuestring) * self.field_boost


encode_positions = PackedPositions().encode


class SyllableField(TEXT):
    """A TEXT field of syllables as written (``syllables``): frequencies only, or with
    ``positions=True`` also where each syllable stands (for phrases and adjacent pairs).

    ``TermGroupingWriter`` indexes these fields a batch of documents at a time
    (``app.search.postings``); ``index()`` gives the same terms one document at a time."""

    def __init__(self, positions: bool = False):
        super().__init__(analyzer=_SyllableTokenizer(), phrase=positions)
        self.positions = positions
        if positions:
            self.format = PackedPositions(field_boost=self.format.field_boost)

    def index(self, value, **kwargs):
        words = SYLLABLE.findall(vntext.nfc(value).lower())
        if not self.positions:
            counts = Counter(words)
            return [(word.encode("utf-8"), freq, float(freq), pack_uint(freq)) for word, freq in counts.items()]
        where: dict[str, list[int]] = {}
        for position, word in enumerate(words):
            spots = where.get(word)
            if spots is None:
                where[word] = [position]
            else:
                spots.append(position)
        return [(word.encode("utf-8"), len(spots), float(len(spots)), encode_positions(spots))
                for word, spots in where.items()]
