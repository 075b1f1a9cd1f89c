"""Turning what a user typed into search requirements. Never raises: any input gives a query.

- all syllables are required (accent-free: matched on the folded field);
- "quoted phrases" must appear as written (adjacent syllables);
- document numbers in any written form (``107/2021/nd-cp``, ``nghị định 107/2021``,
  ``Quyết định 3567``) are recognised for the number field;
- abbreviations expand both ways (``CCHC`` ↔ ``cải cách hành chính``);
- operators, field prefixes, brackets, wildcards, emoji and control characters are just ignored.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from app import vntext
from app.search.analysis import abbreviations, bigrams, folded_syllables, syllables

MAX_QUERY_CHARS = 2000
MAX_GROUPS = 24

TYPE_WORDS = {
    "nghi dinh": "Nghị định", "thong tu": "Thông tư", "quyet dinh": "Quyết định", "chi thi": "Chỉ thị",
    "nghi quyet": "Nghị quyết", "ke hoach": "Kế hoạch", "bao cao": "Báo cáo", "thong bao": "Thông báo",
    "cong van": "Công văn", "quy trinh": "Quy trình", "quy che": "Quy chế", "luat": "Luật",
}
_FULL_NUMBER = re.compile(
    r"(?<![\w/])(\d{1,5}(?:/\d{4})?/[a-z][a-z]{0,7}(?:-[a-z][a-z0-9]{0,11})+|\d{1,5}-[a-z]{1,6}/[a-z][a-z]{0,10})(?![\w/])")
_PARTIAL_NUMBER = re.compile(r"(?<![\w/])(\d{1,5}/\d{4})(?![\w/])")
_TYPED_NUMBER = re.compile(
    r"\b(" + "|".join(TYPE_WORDS) + r")\s+(?:so\s+)?(\d{1,5})(?![\w/])")


@dataclass
class Alternative:
    """One way to satisfy a requirement: every syllable present (side by side when ``phrase``)."""

    unigrams: list[str] = field(default_factory=list)
    phrase: bool = False


@dataclass
class Group:
    """One requirement of the query: any of its alternatives."""

    alternatives: list[Alternative]
    label: str = ""


@dataclass
class ParsedQuery:
    text: str = ""                                          # the cleaned query as shown back to the user
    groups: list[Group] = field(default_factory=list)
    number_keys: list[str] = field(default_factory=list)   # full number keys
    number_prefixes: list[str] = field(default_factory=list)
    type_hint: str | None = None
    exact: list[str] = field(default_factory=list)         # accented syllables, when the user typed accents
    folded: list[str] = field(default_factory=list)        # every folded syllable (for highlighting)
    phrase_bigrams: list[str] = field(default_factory=list)
    sequence: list[str] = field(default_factory=list)       # folded syllables in the order typed (proximity)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.number_keys and not self.number_prefixes

    @property
    def has_accents(self) -> bool:
        return bool(self.exact)


def clean(raw: str | None) -> str:
    """Return the query without control characters, NFC, trimmed to MAX_QUERY_CHARS."""
    text = (raw or "")[:MAX_QUERY_CHARS]
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(vntext.nfc(text).split())


def _key_text(text: str) -> str:
    """Folded lower-case text with spaces around slashes removed, for spotting numbers."""
    folded = vntext.fold(text).lower()
    folded = re.sub(r"\s*/\s*", "/", folded)
    return folded.translate({ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})


def parse(raw: str | None) -> ParsedQuery:
    """Return the requirements for what the user typed (see the module docstring)."""
    text = clean(raw)
    parsed = ParsedQuery(text=text)
    if not text:
        return parsed
    keyed = _key_text(text)
    for match in _FULL_NUMBER.finditer(keyed):
        key = re.sub(r"\s+", "", match.group(1))
        if key not in parsed.number_keys:
            parsed.number_keys.append(key)
    for match in _PARTIAL_NUMBER.finditer(keyed):
        if not any(k.startswith(match.group(1) + "/") for k in parsed.number_keys):
            parsed.number_prefixes.append(match.group(1))
    for match in _TYPED_NUMBER.finditer(keyed):
        parsed.type_hint = TYPE_WORDS[match.group(1)]
        if not any(k.split("/")[0] == match.group(2) for k in parsed.number_keys + parsed.number_prefixes):
            parsed.number_prefixes.append(match.group(2))
    if parsed.type_hint is None:
        for words, doc_type in TYPE_WORDS.items():
            if re.search(rf"\b{words}\b", keyed) and (parsed.number_keys or parsed.number_prefixes):
                parsed.type_hint = doc_type

    # Quoted phrases (balanced pairs only; a stray quote is ignored).
    phrases = re.findall(r'"([^"]+)"', text)
    rest = re.sub(r'"[^"]+"', " ", text).replace('"', " ")
    for phrase in phrases:
        folded = folded_syllables(phrase)
        if folded:
            parsed.groups.append(Group([Alternative(unigrams=folded, phrase=len(folded) > 1)], label=phrase))
            parsed.folded += folded
            parsed.phrase_bigrams += bigrams(folded)

    exact = syllables(rest)
    folded = [vntext.fold(s) for s in exact]
    parsed.folded += folded
    parsed.phrase_bigrams += bigrams(folded)
    if any(vntext.fold(s) != s for s in exact) or any(vntext.fold(p) != p for p in phrases):
        parsed.exact = [s for s in exact + [w for p in phrases for w in syllables(p)] if vntext.fold(s) != s]
    parsed.sequence = folded[:16]
    parsed.groups += _groups_with_abbreviations(folded)
    parsed.groups = parsed.groups[:MAX_GROUPS]
    parsed.folded = list(dict.fromkeys(parsed.folded))[:64]
    parsed.phrase_bigrams = list(dict.fromkeys(parsed.phrase_bigrams))[:32]
    return parsed


def _groups_with_abbreviations(folded: list[str]) -> list[Group]:
    table = abbreviations()
    longest = max((len(k.split()) for k in table if " " in k), default=1)
    groups: list[Group] = []
    i = 0
    while i < len(folded):
        matched = False
        for size in range(min(longest, len(folded) - i), 1, -1):  # long form typed out → also its abbreviation
            words = folded[i:i + size]
            short = table.get(" ".join(words))
            if short:
                # Typed out, the words are required as usual (anywhere); the phrase only ranks higher.
                groups.append(Group([Alternative(unigrams=words), Alternative(unigrams=short)],
                                    label=" ".join(words)))
                i += size
                matched = True
                break
        if matched:
            continue
        word = folded[i]
        expansion = table.get(word)
        if expansion and " " not in word:
            groups.append(Group([Alternative(unigrams=[word]), Alternative(unigrams=expansion)], label=word))
        else:
            groups.append(Group([Alternative(unigrams=[word])], label=word))
        i += 1
    return groups
