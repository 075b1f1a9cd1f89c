"""Vietnamese text helpers shared by the library, ingestion and search.

- ``as_written``: NFC only, the author's characters kept (``hoà`` stays ``hoà``): what is stored and shown.
- ``nfc``: NFC and one tone-mark convention (``hoà`` → ``hòa``, ``thuỷ`` → ``thủy``): for indexing,
  matching and keys only, never for text that is stored or shown.
- ``fold``: remove diacritics, ``đ``/``Đ``/``Ð`` → ``d``.
- ``number_key``: the normalised key of a document number, so ``107/2021/nd-cp`` finds ``107/2021/NĐ-CP``.
- ``find_numbers``: document numbers mentioned in running text.
- ``sort_key``: a collation key in Vietnamese alphabetical order.
- ``vn_number``, ``vn_size``, ``vn_duration``, ``human_size``: numbers, sizes, durations and size
  limits in Vietnamese wording (``1.305``, ``86,5``, ``1,5 GB``, ``3 giờ 5 phút``, ``50 MB``).
"""
from __future__ import annotations

import functools
import re
import unicodedata

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# Old-style tone placement at the end of a syllable: oà, oè, uỳ (not after q: quý stays quý).
_OLD_TONE = re.compile(r"(?<![qQ])([oO])([aAeE])([" + TONE_MARKS + r"])(?![\w\u0300-\u036f])|"
                       r"(?<![qQ])([uU])([yY])([" + TONE_MARKS + r"])(?![\w\u0300-\u036f])")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def _move_tone(match: re.Match) -> str:
    if match.group(1):
        return match.group(1) + match.group(3) + match.group(2)
    return match.group(4) + match.group(6) + match.group(5)


def _toned(bases: str) -> str:
    return "".join(sorted({unicodedata.normalize("NFC", base + mark) for base in bases for mark in TONE_MARKS}))


# Text in NFC can need a tone moved only where a bare o/u is followed by a toned a/e/y ending the
# syllable; other text skips the decomposition round trip (same result: tests/search/test_analysis.py).
# Written to start with a plain character set ([oOuU]), which lets the regex engine skip ahead
# quickly (a leading look-behind made it try every position: ~4x slower on long texts).
_MAYBE_OLD_TONE = re.compile(rf"[oOuU](?<![qQ].)(?:(?<=[oO])[{_toned('aeAE')}]|(?<=[uU])[{_toned('yY')}])(?!\w)")


def as_written(text: str | None) -> str:
    """Return ``text`` in NFC and nothing else: the author's spelling is kept (``hoà``, ``uỷ``,
    ``thoả`` stay as typed). What the library stores and shows; "" for None."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text)


def same_words(a: str | None, b: str | None) -> bool:
    """True when ``a`` and ``b`` are the same text under either tone convention (``Uỷ ban`` and
    ``Ủy ban``), NFC or NFD, spaces around them ignored."""
    return nfc(a).strip() == nfc(b).strip()


def nfc(text: str | None) -> str:
    """Return ``text`` in NFC with tone marks placed the new way (``hòa``, ``thủy``, ``khỏe``) and
    the look-alike ``Ð`` as ``Đ``: the form text is indexed and compared in. Never store it in
    place of what the author wrote (see :func:`as_written`)."""
    if not text:
        return ""
    composed = unicodedata.normalize("NFC", text)
    if _MAYBE_OLD_TONE.search(composed):
        return _nfc_reference(text)
    return composed.replace("Ð", "Đ")


def _nfc_reference(text: str) -> str:
    """``nfc`` the straightforward way: decompose, move old-style tones, recompose."""
    decomposed = unicodedata.normalize("NFD", text)
    if any(mark in decomposed for mark in TONE_MARKS):
        decomposed = _OLD_TONE.sub(_move_tone, decomposed)
    return unicodedata.normalize("NFC", decomposed).replace("Ð", "Đ")


def _build_fold_table() -> dict[int, str]:
    table = {}
    for code in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if base != chr(code) and len(base) == 1:
            table[code] = base
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("Ð"): "D", ord("ð"): "d"})
    return table


FOLD_TABLE = _FOLD_TABLE = _build_fold_table()  # for str.translate: accented letter → base letter
_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold(text: str | None) -> str:
    """Return ``text`` without diacritics (``Nghị định`` → ``Nghi dinh``), case kept."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)
    return _COMBINING.sub("", folded) if not folded.isascii() else folded


def number_key(number: str | None) -> str | None:
    """Return the lookup key of a document number: folded, lower-case, no spaces, one kind of dash.

    ``' 107 / 2021 / NĐ-CP '``, ``107/2021/ND-CP`` and ``107/2021/nd-cp`` all give ``107/2021/nd-cp``.
    """
    if not number:
        return None
    key = fold(nfc(number)).translate(_DASHES).lower()
    key = re.sub(r"\s+", "", key)
    return key or None


def number_sort(number: str | None) -> str | None:
    """Return a key that sorts numbers naturally (``2/…`` before ``10/…``)."""
    key = number_key(number)
    if key is None:
        return None
    return re.sub(r"\d+", lambda m: m.group().zfill(8), key)[:200]


_UPPER = "A-ZĐÐ"
_LETTERS = "A-Za-zĐđÐ"
# A number starts with a digit not preceded by a letter, digit or slash. Written as "a digit,
# then look behind it" so the regex engine can jump between digits (a leading look-behind made
# it try every position: several times slower on long texts). Same matches as the plain
# form with the look-behind first (tests/test_vntext.py).
NUMBER_PATTERN = re.compile(
    rf"(\d(?<![\w/]\d)(?:"
    rf"\d{{0,4}}(?:/\d{{4}})?/[{_UPPER}][{_LETTERS}]{{0,7}}(?:-[{_UPPER}][{_LETTERS}0-9]{{0,11}})+"  # 107/2021/NĐ-CP
    rf"|\d{{0,4}}-[{_UPPER}]{{1,6}}/[{_UPPER}][{_LETTERS}]{{0,10}}"  # 16-NQ/TU
    rf"|\d{{0,4}}/\d{{4}}/(?:UBTV)?QH\d{{1,2}}"  # laws and resolutions of the National Assembly: 25/2018/QH14
    rf"))(?![\w/-])"
)


def find_numbers(text: str | None) -> list[tuple[int, int, str]]:
    """Return ``(start, end, number)`` for each document number written in ``text``."""
    if not text:
        return []
    return [(m.start(1), m.end(1), m.group(1)) for m in NUMBER_PATTERN.finditer(text)]


# Vietnamese alphabet order; tones are a secondary level.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONE_RANK = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_BASE_OF = {"ă": "ă", "â": "â", "ê": "ê", "ô": "ô", "ơ": "ơ", "ư": "ư", "đ": "đ"}


@functools.lru_cache(maxsize=4096)
def _letter_and_tone(ch: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in decomposed if c in _TONE_RANK and c)
    rest = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return rest, tone


def _char_codes(ch: str) -> tuple[int, int]:
    """(primary, secondary) sort codes of one lower-case NFC character (primary 1: a separator)."""
    if ch.isdigit() and ch.isascii():
        return 2 + int(ch), 0
    letter, tone = _letter_and_tone(ch)
    if letter == "ð":
        letter = "đ"
    index = _ALPHABET.find(letter) if len(letter) == 1 else -1
    if index >= 0:
        return 20 + index, _TONE_RANK.get(tone, 0)
    if ch.isalpha():
        return 98, 0  # other scripts after Vietnamese letters
    return 1, 0  # spaces and punctuation


class _CodeTable(dict):
    """character → one private-use character standing for its (primary, secondary) codes,
    filled on first sight (``str.translate`` looks characters up with ``[]``)."""

    def __missing__(self, code: int) -> str:
        primary, secondary = _char_codes(chr(code))
        found = self[code] = chr(_CODE_BASE + primary * 10 + secondary)
        return found


_CODE_BASE = 0xE000
_SEPARATOR = chr(_CODE_BASE + 10)
_SEPARATORS = re.compile(_SEPARATOR + "{2,}")
_CODES = _CodeTable()
_PRIMARY = {_CODE_BASE + c: f"{c // 10:02d}" for c in range(1000)}
_SECONDARY = {_CODE_BASE + c: str(c % 10) for c in range(1000)}


def sort_key(text: str | None, length: int = 120) -> str:
    """Return a digits-only key that sorts ``text`` in Vietnamese order under any SQL collation.

    Primary level: letters in the Vietnamese alphabet (``d`` < ``đ`` < ``e``, ``a`` < ``ă`` < ``â``),
    tone marks ignored, so ``Ánh`` sorts with ``A``; secondary level: tones (none, huyền,
    hỏi, ngã, sắc, nặng). Digits sort before letters; other characters count as a space.
    """
    codes = nfc(text or "").lower()[:length].translate(_CODES)
    codes = _SEPARATORS.sub(_SEPARATOR, codes).rstrip(_SEPARATOR)
    return codes.translate(_PRIMARY) + "00" + codes.translate(_SECONDARY)


def vn_number(value, decimals: int = 0) -> str:
    """Format a number the Vietnamese way: ``1.305``, ``86,5``."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_size(size) -> str:
    """Format a number of bytes the Vietnamese way: ``1,5 GB``, ``830 MB``, ``12 KB``."""
    if size is None:
        return "—"
    value, unit = float(size), "byte"
    for next_unit in ("KB", "MB", "GB", "TB"):
        if value < 1024:
            break
        value, unit = value / 1024, next_unit
    if unit == "byte":
        return f"{vn_number(int(value))} byte"
    text = vn_number(value, 0 if value >= 100 else 1)
    return f"{text[:-2] if text.endswith(',0') else text} {unit}"


def vn_duration(seconds) -> str:
    """Format a duration in words: ``45 giây``, ``12 phút``, ``3 giờ 5 phút``, ``2 ngày 4 giờ``."""
    if seconds is None:
        return "—"
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} giây"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if seconds < 3600:
        return f"{minutes} phút"
    if seconds < 86400:
        return f"{hours} giờ" + (f" {minutes % 60} phút" if minutes % 60 else "")
    return f"{vn_number(days)} ngày" + (f" {hours % 24} giờ" if hours % 24 else "")


def human_size(size: int) -> str:
    """``52428800`` → ``50 MB``; ``1572864`` → ``1,5 MB``; ``65536`` → ``64 KB`` (limits in messages)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB".replace(".", ",")
    return f"{max(1, size // 1024)} KB"
