"""Highlighted snippets from anywhere in a text (no 32K limit), HTML-escaped except the marks.

What is marked is what made the record match, most specific first: the query as a phrase
(``phòng, chống tham nhũng`` as one mark, punctuation included); else its adjacent syllable
pairs; else its syllables. A syllable typed with accents is marked only in that form when the
search matched accents (``bãi bỏ`` never marks ``bộ``). Snippets are cut around those marks.

The text is folded character by character (same length, same offsets), so accent-free
patterns are found in accented text and the original characters are shown.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape

from app import vntext
from app.search.analysis import SYLLABLE
from app.search.query import ParsedQuery, Syllable

WINDOW = 220
MAX_MATCHES = 3000


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        base = base.lower()
        if len(base) == 1 and base != ch:
            table[code] = base
    for ch, base in (("đ", "d"), ("Đ", "d"), ("Ð", "d")):
        table[ord(ch)] = base
    return table


def fold_same_length(text: str) -> str:
    """Return ``text`` folded and lower-cased with exactly the same length and offsets."""
    return text.translate(_fold_table())


@lru_cache(maxsize=20000)
def _as_indexed(word: str) -> str:
    return vntext.nfc(word).lower()


class Highlighter:
    """Marks for one query: built once per search, applied to each result's title and text."""

    def __init__(self, parsed: ParsedQuery, exact: bool):
        sequence = parsed.sequence
        quoted = [a.syllables for g in parsed.groups for a in g.alternatives if a.phrase and len(a.syllables) > 1]
        self.phrases = _Level([v for v in parsed.phrase_variants if len(v) > 1] + quoted, exact)
        self.pairs = _Level([list(p) for p in dict.fromkeys(zip(sequence, sequence[1:]))] + quoted
                            if len(sequence) > 2 else [], exact)
        self.syllables = _Level(quoted + [[s] for s in parsed.all_syllables()], exact)

    def _spans(self, text: str, folded: str) -> list[tuple[int, int, str]]:
        for level in (self.phrases, self.pairs, self.syllables):
            spans = level.spans(text, folded)
            if spans:
                return spans
        return []

    def title(self, text: str) -> Markup:
        """The whole (short) ``text`` escaped, what matched wrapped in ``<mark>``."""
        if not text:
            return Markup("")
        text = unicodedata.normalize("NFC", text)
        spans = self._spans(text, fold_same_length(text))
        return _marked(text, 0, len(text), [(s, e) for s, e, _ in spans])

    def snippets(self, text: str, count: int = 2, window: int = WINDOW) -> list[Markup]:
        """Up to ``count`` non-overlapping windows of ``text`` around what matched, escaped and marked."""
        if not text:
            return []
        text = unicodedata.normalize("NFC", text)
        matches = self._spans(text, fold_same_length(text))
        if not matches:
            start, end, _ = _cut(text, 0, window)
            return [Markup(escape(text[start:end])) + (Markup("…") if end < len(text) else Markup(""))]
        return _windows(text, matches, count, window)


class _Level:
    """Sequences of query syllables side by side (phrases, pairs or single syllables), found
    in one pass of one regex over the folded text, longest sequence first."""

    def __init__(self, sequences: list[list[Syllable]], exact: bool):
        unique = list({tuple(seq): None for seq in sequences if seq})
        unique.sort(key=lambda seq: -sum(len(s.folded) + 1 for s in seq))
        self.sequences = unique
        self.labels = [" ".join(s.folded for s in seq) for seq in unique]
        self.check = [exact and any(s.accented for s in seq) for seq in unique]
        alternatives = [f"(?P<g{i}>" + r"[\W_]+".join(re.escape(s.folded) for s in seq) + ")"
                        for i, seq in enumerate(unique)]
        # Literal first, so the regex engine scans for the literal prefix; the left word boundary
        # is checked below (a leading look-behind made every search ~25 times slower).
        self.regex = re.compile(r"(?:" + "|".join(alternatives) + r")(?![^\W_])") if unique else None

    def spans(self, text: str, folded: str) -> list[tuple[int, int, str]]:
        if self.regex is None:
            return []
        found = []
        for match in self.regex.finditer(folded):
            start = match.start()
            if start and folded[start - 1].isalnum():
                continue  # inside a word: "hanh" in "thanh"
            i = int(match.lastgroup[1:])
            if self.check[i]:
                words = SYLLABLE.findall(text[match.start():match.end()])
                sequence = self.sequences[i]
                if len(words) != len(sequence) or any(
                        s.accented and _as_indexed(w) != s.text for s, w in zip(sequence, words)):
                    continue
            found.append((match.start(), match.end(), self.labels[i]))
            if len(found) >= MAX_MATCHES:
                break
        return found


def highlight_all(text: str, parsed: ParsedQuery, exact: bool = True) -> Markup:
    """``text`` escaped with what matched the query marked (see ``Highlighter``)."""
    return Highlighter(parsed, exact).title(text)


def snippets(text: str, parsed: ParsedQuery, count: int = 2, exact: bool = True) -> list[Markup]:
    """Snippets of ``text`` for the query (see ``Highlighter``)."""
    return Highlighter(parsed, exact).snippets(text, count)


def _marked(text: str, start: int, end: int, spans) -> Markup:
    parts, position = [], start
    for s, e in spans:
        if s < start or e > end or s < position:
            continue
        parts.append(str(escape(text[position:s])))
        parts.append("<mark>" + str(escape(text[s:e])) + "</mark>")
        position = e
    parts.append(str(escape(text[position:end])))
    return Markup("".join(parts))


def _windows(text: str, matches, count: int, window: int) -> list[Markup]:
    """Choose up to ``count`` windows holding the most distinct marks (marks side by side
    count extra; the earliest wins a tie) and render them."""
    candidates = []
    for i, (start, _end, _label) in enumerate(matches):
        distinct, adjacent, j = set(), 0, i
        while j < len(matches) and matches[j][0] < start + window - 40:
            distinct.add(matches[j][2])
            if j > i and matches[j][0] - matches[j - 1][1] <= 2:
                adjacent += 1
            j += 1
        candidates.append((len(distinct) * 10 + adjacent * 8, -start, i, j))
    candidates.sort(reverse=True)
    chosen = []
    for _score, _neg, i, j in candidates:
        start = max(0, matches[i][0] - 40)
        if any(abs(start - other) < window for other, _ in chosen):
            continue
        chosen.append((start, matches[i:j]))
        if len(chosen) == count:
            break
    result = []
    for start, spans in sorted(chosen):
        s, e, _ = _cut(text, start, window)
        piece = _marked(text, s, e, [(a, b) for a, b, _ in spans])
        result.append((Markup("…") if s > 0 else Markup("")) + piece + (Markup("…") if e < len(text) else Markup("")))
    return result


def _cut(text: str, start: int, window: int) -> tuple[int, int, str]:
    """Return a window moved to word boundaries."""
    if start > 0:
        space = text.rfind(" ", max(0, start - 20), start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + window)
    if end < len(text):
        space = text.rfind(" ", start + window // 2, end)
        end = space if space > 0 else end
    return start, end, text[start:end]
