"""Turning what a user typed into search requirements. Never raises: any input gives a query.

- every syllable is required; a syllable typed with accents means that form (``cửa`` is not
  ``của``), one typed without accents matches every form (``cua``); tone conventions are one
  (``hoà`` = ``hòa``);
- "quoted phrases" must appear as written (adjacent syllables, punctuation between ignored);
- the whole query as a phrase, then its adjacent syllable pairs, decide the ranking (``engine``);
- document numbers in any written form (``107/2021/nd-cp``, ``nghị định 107/2021``,
  ``Quyết định 3567``) are recognised for the number field;
- numbers in text match with or without separators: ``185.969``, ``185 969`` and ``185969``;
- abbreviations expand both ways (``CCHC`` ↔ ``cải cách hành chính``);
- operators, field prefixes, brackets, wildcards, emoji and control characters are just ignored.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from app import vntext
from app.search.analysis import abbreviations, fold_syllable, syllables

MAX_QUERY_CHARS = 2000
MAX_GROUPS = 24
MAX_SEQUENCE = 16   # syllables of the query considered for phrase and pair ranking
MAX_VARIANTS = 8    # ways of reading the query as a phrase (abbreviation or long form…)

TYPE_WORDS = {
    "nghi dinh": "Nghị định", "thong tu": "Thông tư", "quyet dinh": "Quyết định", "chi thi": "Chỉ thị",
    "nghi quyet": "Nghị quyết", "ke hoach": "Kế hoạch", "bao cao": "Báo cáo", "thong bao": "Thông báo",
    "cong van": "Công văn", "quy trinh": "Quy trình", "quy che": "Quy chế", "luat": "Luật",
}
_FULL_NUMBER = re.compile(
    r"(?<![\w/])(\d{1,5}(?:/\d{4})?/[a-z][a-z]{0,7}(?:-[a-z][a-z0-9]{0,11})+|\d{1,5}-[a-z]{1,6}/[a-z][a-z]{0,10}"
    r"|\d{1,5}/\d{4}/(?:ubtv)?qh\d{1,2})(?![\w/])")
_PARTIAL_NUMBER = re.compile(r"(?<![\w/])(\d{1,5}/\d{4})(?![\w/])")
_TYPED_NUMBER = re.compile(
    r"\b(" + "|".join(TYPE_WORDS) + r")\s+(?:so\s+)?(\d{1,5})(?![\w/])")
_QUOTED = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class Syllable:
    """One syllable of the query: ``text`` as typed (lower case, NFC, one tone convention) and
    ``folded`` without accents. ``accented``: typed with diacritics, so only that form matches."""

    text: str
    folded: str

    @property
    def accented(self) -> bool:
        return self.text != self.folded

    @classmethod
    def folded_only(cls, folded: str) -> Syllable:
        return cls(folded, folded)


@dataclass
class Alternative:
    """One way to satisfy a requirement: every syllable present (side by side when ``phrase``)."""

    syllables: list[Syllable] = field(default_factory=list)
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
    # The query read as a phrase, in typed order, one list per way of reading it (the first as
    # typed; others with an abbreviation written out or a long form abbreviated).
    phrase_variants: list[list[Syllable]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.number_keys and not self.number_prefixes

    @property
    def has_accents(self) -> bool:
        return any(s.accented for g in self.groups for a in g.alternatives for s in a.syllables)

    @property
    def has_phrase(self) -> bool:
        """Whether some way of reading the query has two syllables or more (phrase ranking applies)."""
        return any(len(v) > 1 for v in self.phrase_variants)

    @property
    def sequence(self) -> list[Syllable]:
        """The query's syllables as typed, in order (phrase and pair ranking)."""
        return self.phrase_variants[0] if self.phrase_variants else []

    def all_syllables(self) -> list[Syllable]:
        """Every distinct syllable any alternative asks for (highlighting)."""
        found = {s: None for g in self.groups for a in g.alternatives for s in a.syllables}
        return list(found)


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


def query_syllables(text: str) -> list[Syllable]:
    """The syllables of ``text`` with their accent-free forms (a syllable folding to nothing is dropped)."""
    result = []
    for word in syllables(text):
        folded = fold_syllable(word)
        if len(folded) == 1:
            result.append(Syllable(word, folded[0]))
        else:
            result += [Syllable.folded_only(f) for f in folded]
    return result


def parse(raw: str | None) -> ParsedQuery:
    """Return the requirements for what the user typed (see the module docstring)."""
    text = clean(raw)
    parsed = ParsedQuery(text=text)
    if not text:
        return parsed
    _find_numbers(parsed, _key_text(text))

    # Quoted phrases (balanced pairs only; a stray quote is ignored), kept in typed order.
    position = 0
    for match in itertools.chain(_QUOTED.finditer(text), [None]):
        before = text[position:match.start() if match else len(text)].replace('"', " ")
        parsed.groups += _groups(query_syllables(before))
        if match is None:
            break
        quoted = query_syllables(match.group(1))
        if quoted:
            parsed.groups.append(Group([Alternative(quoted, phrase=len(quoted) > 1)], label=match.group(1)))
        position = match.end()
    parsed.groups = parsed.groups[:MAX_GROUPS]
    parsed.phrase_variants = _phrase_variants(parsed.groups)
    return parsed


def _find_numbers(parsed: ParsedQuery, keyed: str) -> None:
    for match in _FULL_NUMBER.finditer(keyed):
        key = re.sub(r"\s+", "", match.group(1))
        if key not in parsed.number_keys:
            parsed.number_keys.append(key)
    for match in _PARTIAL_NUMBER.finditer(keyed):
        if not any(k.startswith(match.group(1) + "/") for k in parsed.number_keys):
            parsed.number_prefixes.append(match.group(1))
    for match in _TYPED_NUMBER.finditer(keyed):
        parsed.type_hint = TYPE_WORDS[match.group(1)]
        heads = {re.split(r"[/-]", k)[0] for k in parsed.number_keys + parsed.number_prefixes}
        if match.group(2) not in heads:  # "Nghị quyết số 16-NQ/TU" names 16-NQ/TU, not every number 16
            parsed.number_prefixes.append(match.group(2))
    if parsed.type_hint is None:
        for words, doc_type in TYPE_WORDS.items():
            if re.search(rf"\b{words}\b", keyed) and (parsed.number_keys or parsed.number_prefixes):
                parsed.type_hint = doc_type


def _grouped_digits(digits: str) -> list[str] | None:
    """``185969`` → ``["185", "969"]``: a number typed without its thousands separators, as the
    text writes it (``185.969``). None for short numbers and years."""
    if len(digits) < 4 or digits.startswith("0") or (len(digits) == 4 and digits[:2] in ("19", "20")):
        return None
    head = len(digits) % 3 or 3
    return [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]


def _groups(typed: list[Syllable]) -> list[Group]:
    """One group per syllable (or per abbreviation, or per long form that has one)."""
    table = abbreviations()
    longest = max((len(k.split()) for k in table if " " in k), default=1)
    groups: list[Group] = []
    i = 0
    while i < len(typed):
        for size in range(min(longest, len(typed) - i), 1, -1):  # long form typed out → also its abbreviation
            words = typed[i:i + size]
            short = table.get(" ".join(s.folded for s in words))
            if short:
                # Typed out, the words are required as usual (anywhere); the phrase only ranks higher.
                groups.append(Group([Alternative(list(words)),
                                     Alternative([Syllable.folded_only(f) for f in short])],
                                    label=" ".join(s.text for s in words)))
                i += size
                break
        else:
            syllable = typed[i]
            alternatives = [Alternative([syllable])]
            expansion = table.get(syllable.folded)
            if expansion:
                alternatives.append(Alternative([Syllable.folded_only(f) for f in expansion]))
            elif syllable.text.isdigit():
                grouped = _grouped_digits(syllable.text)
                if grouped:
                    alternatives.append(Alternative([Syllable.folded_only(d) for d in grouped], phrase=True))
            groups.append(Group(alternatives, label=syllable.text))
            i += 1
    return groups


def _phrase_variants(groups: list[Group]) -> list[list[Syllable]]:
    """The ways to read the groups as one phrase, the typed one first, at most MAX_VARIANTS."""
    choices = [g.alternatives for g in groups]
    variants = []
    for combination in itertools.islice(itertools.product(*choices), MAX_VARIANTS):
        sequence = [s for alt in combination for s in alt.syllables][:MAX_SEQUENCE]
        if sequence and sequence not in variants:
            variants.append(sequence)
    return variants
