"""Highlighted snippets from anywhere in a text (no 32K limit), HTML-escaped except the marks.

The text is folded character by character (same length, same offsets), so accent-free query
syllables are found in accented text and the original characters are shown.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape

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


def _pattern(terms: tuple[str, ...]):
    escaped = sorted({re.escape(t) for t in terms if t}, key=len, reverse=True)
    if not escaped:
        return None
    return re.compile(r"(?<![^\W_])(" + "|".join(escaped) + r")(?![^\W_])")


def highlight_all(text: str, terms) -> Markup:
    """Return the whole (short) ``text`` escaped, every query syllable wrapped in ``<mark>``."""
    pattern = _pattern(tuple(terms))
    if not text or pattern is None:
        return Markup(escape(text or ""))
    return _marked(text, 0, len(text), [m.span() for m in pattern.finditer(fold_same_length(text))])


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


def snippets(text: str, terms, count: int = 2, window: int = WINDOW) -> list[Markup]:
    """Return up to ``count`` non-overlapping windows of ``text`` holding the most distinct query
    syllables (syllables side by side count extra), each escaped with the syllables marked."""
    if not text:
        return []
    pattern = _pattern(tuple(terms))
    if pattern is None:
        return [Markup(escape(_cut(text, 0, window)[2]))]
    folded = fold_same_length(text)
    matches = []
    for i, m in enumerate(pattern.finditer(folded)):
        if i >= MAX_MATCHES:
            break
        matches.append((m.start(), m.end(), m.group(1)))
    if not matches:
        start, end, _ = _cut(text, 0, window)
        return [Markup(escape(text[start:end])) + (Markup("…") if end < len(text) else Markup(""))]
    candidates = []
    for i, (start, _end, _term) in enumerate(matches):
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
