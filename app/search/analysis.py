"""Text analysis for Vietnamese: the same steps at index time and at query time.

NFC and one tone convention, lower case, one token per syllable (no stemming, no stop
words, one-letter syllables kept). Three views of the same text are indexed:

- exact: accented syllables (``hòa``), used to rank an exact-accent match higher;
- folded: accents removed, ``đ`` → ``d`` (``hoa``), what every query must match;
- bigrams: adjacent folded syllables joined (``cai_cach``), what makes a phrase, or the query's
  syllables side by side, rank above the same syllables scattered; they are also rarer than
  single syllables, which keeps common-word queries fast.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

from app import vntext

SYLLABLE = re.compile(r"[^\W_]+", re.UNICODE)
BIGRAM_JOINER = "_"


def syllables(text: str | None) -> list[str]:
    """Return the lower-case NFC syllables of ``text`` (tone marks unified)."""
    return SYLLABLE.findall(vntext.nfc(text or "").lower())


def folded_syllables(text: str | None) -> list[str]:
    """Return the syllables of ``text`` without diacritics."""
    return SYLLABLE.findall(vntext.fold(vntext.nfc(text or "")).lower())


def bigrams(folded: list[str]) -> list[str]:
    """Return adjacent pairs of folded syllables, joined: ``cai_cach``."""
    return [a + BIGRAM_JOINER + b for a, b in zip(folded, folded[1:])]


class _ListTokenizer(Tokenizer):
    """A Whoosh tokenizer producing the tokens of one of the functions above (no positions needed)."""

    def __init__(self, kind: str):
        self.kind = kind

    def __eq__(self, other):
        return isinstance(other, _ListTokenizer) and other.kind == self.kind

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        if self.kind == "exact":
            words = syllables(value)
        elif self.kind == "folded":
            words = folded_syllables(value)
        else:
            words = bigrams(folded_syllables(value))
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, word in enumerate(words):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            yield token


def exact_analyzer():
    return _ListTokenizer("exact")


def folded_analyzer():
    return _ListTokenizer("folded")


def bigram_analyzer():
    return _ListTokenizer("bigram")


# Bumped whenever the analysis above changes: the index must then be rebuilt.
ANALYZER_VERSION = 2


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


# Fast indexing: the fields below count their terms with one C-level Counter pass instead of
# Whoosh's token-object loop, which dominated indexing time for long Vietnamese texts.

from collections import Counter  # noqa: E402
from pickle import dumps  # noqa: E402

from whoosh.fields import TEXT  # noqa: E402
from whoosh.system import pack_uint  # noqa: E402

# Folding and splitting are the same whether applied to the whole text or to each run between
# whitespace (nothing composes, changes case or forms a syllable across whitespace), and those
# runs repeat a lot, so their folded syllables are remembered.
_FOLDED_RUNS: dict[str, list[str]] = {}
_FOLDED_RUNS_MAX = 300_000


def fast_folded_syllables(text: str | None) -> list[str]:
    """``folded_syllables(text)``, computed faster."""
    words: list[str] = []
    runs = _FOLDED_RUNS
    for run in vntext.nfc(text).split():
        found = runs.get(run)
        if found is None:
            found = SYLLABLE.findall(vntext.fold(run).lower())
            if len(runs) >= _FOLDED_RUNS_MAX:
                runs.clear()
            runs[run] = found
        words += found
    return words


_ONE_POSITION: dict[int, bytes] = {}


def encode_positions(spots: list[int]) -> bytes:
    """``formats.Positions.encode(spots)`` (the bytes Whoosh stores), computed faster."""
    if len(spots) == 1:
        position = spots[0]
        encoded = _ONE_POSITION.get(position)
        if encoded is None:
            encoded = pack_uint(1) + dumps([position], 2)
            if position < 100_000:
                _ONE_POSITION[position] = encoded
        return encoded
    return pack_uint(len(spots)) + dumps([b - a for a, b in zip([0] + spots, spots)], 2)


_TERMS = {"exact": lambda text: SYLLABLE.findall(vntext.nfc(text).lower()), "folded": fast_folded_syllables,
          "bigram": lambda text: bigrams(fast_folded_syllables(text))}


class SyllableField(TEXT):
    """A TEXT field whose terms come from one of the functions above: frequencies only, or
    with ``positions=True`` also where each syllable stands (for phrases and proximity)."""

    def __init__(self, kind: str, positions: bool = False):
        analyzer = {"exact": exact_analyzer, "folded": folded_analyzer, "bigram": bigram_analyzer}[kind]()
        super().__init__(analyzer=analyzer, phrase=positions)
        self.kind = kind
        self.positions = positions

    def index(self, value, **kwargs):
        words = _TERMS[self.kind](value)
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
        one = _ONE_POSITION
        terms = []
        for word, spots in where.items():
            count = len(spots)
            encoded = one.get(spots[0]) if count == 1 else None
            terms.append((word.encode("utf-8"), count, float(count), encoded or encode_positions(spots)))
        return terms
