"""Convert text typed in legacy 8-bit Vietnamese fonts (TCVN3/ABC and VNI) to Unicode.

Old Vietnamese government Word files were typed with 8-bit "Vietnamese" fonts that draw
Vietnamese letters at the positions of Western (Windows-1252 / Latin-1) characters. Word keeps
the *bytes* and stores them as the Windows-1252 characters, so python-docx hands back text such
as ``c¶i c¸ch hµnh chÝnh`` (TCVN3) or ``caûi caùch haønh chính`` (VNI) for ``cải cách hành chính``.
Which encoding applies is known only from the run's font name, so conversion is done run by run:

    >>> convert("c¶i c¸ch hµnh chÝnh", encoding_for_font(".VnTime"))
    'cải cách hành chính'
    >>> convert("b¸o c¸o", encoding_for_font(".VnTimeH"))
    'BÁO CÁO'
    >>> convert("Vieät Nam", encoding_for_font("VNI-Times"))
    'Việt Nam'

Encodings handled
-----------------
``tcvn3``
    TCVN 5712:1993 "VN3" (the ABC fonts, names starting with ``.Vn``: ``.VnTime``, ``.VnArial``…).
    One byte per letter: the 67 lower-case Vietnamese letters plus the capitals Ă Â Ê Ô Ơ Ư Đ.
    Other capitals with diacritics do not exist in VN3 (VN1's capitals in 0x80–0x9F and in the C0
    control range are deliberately *not* decoded: in the ``.Vn*`` Windows fonts those positions hold
    the usual Windows-1252 punctuation such as “ ” – …).
``tcvn3-caps``
    The capitals family of the ABC fonts (``.VnTimeH``, ``.VnArialH``…: the name ends in ``H``):
    the same code points, but every letter is drawn as a capital, so the text is decoded as
    ``tcvn3`` and upper-cased (ASCII letters included, ``đ`` → ``Đ``).
``vni``
    VNI-Windows (fonts ``VNI-Times``, ``VNI-Helve``…): a letter is an ASCII base letter followed by
    a "mark" byte (``a`` + ``ù`` = ``á``, ``e`` + ``ä`` = ``ệ``); ơ ư đ, and the i / ỵ forms are
    single bytes. Marks are decoded to Unicode combining diacritics and the result is NFC-composed,
    so a base letter and its mark compose even if Word split them into two runs, as long as the
    caller NFC-normalises the joined paragraph text.

Byte forms accepted
-------------------
Every legacy byte ``b`` is recognised as ``chr(b)`` (Latin-1 view), as the Windows-1252 character
for ``b`` in 0x80–0x9F (e.g. 0x93 → “), and as ``chr(0xF000 + b)`` (the private-use form Word uses
for symbol-charset fonts). Raw C1 controls U+0080–U+009F and ``U+F0xx`` that are not letters are
turned into their Windows-1252 character. ASCII text is returned unchanged (except that the
capitals fonts upper-case it).

All conversion is a single ``str.translate`` over precomputed tables followed by
``unicodedata.normalize("NFC")``, both implemented in C, so megabytes of text are cheap.
This module has no Flask (or other third-party) dependency.
"""
from __future__ import annotations

import re
import unicodedata
from types import MappingProxyType

__all__ = [
    "TCVN3",
    "TCVN3_CAPS",
    "TCVN3_LETTERS",
    "VNI",
    "VNI_CODES",
    "convert",
    "convert_tcvn3",
    "convert_vni",
    "encoding_for_font",
    "looks_like_tcvn3",
]

#: Values returned by :func:`encoding_for_font` and accepted by :func:`convert`.
TCVN3 = "tcvn3"
TCVN3_CAPS = "tcvn3-caps"
VNI = "vni"

# --------------------------------------------------------------------------------------------
# Common byte handling
# --------------------------------------------------------------------------------------------

_PUA_BASE = 0xF000  # symbol-charset fonts: Word stores byte b as U+F000 + b


def _cp1252_char(byte: int) -> str | None:
    """The Windows-1252 character for ``byte``, or None for the five undefined bytes."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return None


def _base_table() -> dict[int, str]:
    """Translation entries shared by every legacy font for bytes that are *not* letters.

    Raw C1 controls (U+0080–U+009F) become the Windows-1252 character for that byte (the glyph the
    legacy fonts draw there, e.g. U+0093 → “), and the private-use forms U+F020–U+F0FF become the
    ordinary character for their byte. Letter entries added later override these.
    """
    table: dict[int, str] = {}
    for byte in range(0x80, 0xA0):
        char = _cp1252_char(byte)
        if char is not None:
            table[byte] = char
    for byte in range(0x20, 0x100):
        char = _cp1252_char(byte) if 0x80 <= byte < 0xA0 else chr(byte)
        if char is not None:
            table[_PUA_BASE + byte] = char
    return table


def _code_points(byte: int) -> list[int]:
    """Every code point under which legacy ``byte`` can arrive in python-docx text."""
    points = [byte, _PUA_BASE + byte]
    if 0x80 <= byte < 0xA0:
        char = _cp1252_char(byte)
        if char is not None:
            points.append(ord(char))
    return points


def _add(table: dict[int, str], byte: int, value: str) -> None:
    """Map every form of ``byte`` (see :func:`_code_points`) to ``value``."""
    for point in _code_points(byte):
        table[point] = value


# --------------------------------------------------------------------------------------------
# TCVN3 (TCVN 5712:1993, VN3 subset) — the ABC ".Vn*" fonts
# --------------------------------------------------------------------------------------------

#: Single letters: the seven capitals VN3 has, then their lower-case forms.
_TCVN3_SINGLES: tuple[tuple[int, str], ...] = (
    (0xA1, "Ă"), (0xA2, "Â"), (0xA3, "Ê"), (0xA4, "Ô"), (0xA5, "Ơ"), (0xA6, "Ư"), (0xA7, "Đ"),
    (0xA8, "ă"), (0xA9, "â"), (0xAA, "ê"), (0xAB, "ô"), (0xAC, "ơ"), (0xAD, "ư"), (0xAE, "đ"),
)

#: Toned vowels, one row per vowel; columns are the tones in the standard's order:
#: huyền (grave), hỏi (hook above), ngã (tilde), sắc (acute), nặng (dot below).
_TCVN3_TONED: tuple[tuple[str, tuple[int, int, int, int, int]], ...] = (
    ("àảãáạ", (0xB5, 0xB6, 0xB7, 0xB8, 0xB9)),
    ("ằẳẵắặ", (0xBB, 0xBC, 0xBD, 0xBE, 0xC6)),
    ("ầẩẫấậ", (0xC7, 0xC8, 0xC9, 0xCA, 0xCB)),
    ("èẻẽéẹ", (0xCC, 0xCE, 0xCF, 0xD0, 0xD1)),
    ("ềểễếệ", (0xD2, 0xD3, 0xD4, 0xD5, 0xD6)),
    ("ìỉĩíị", (0xD7, 0xD8, 0xDC, 0xDD, 0xDE)),
    ("òỏõóọ", (0xDF, 0xE1, 0xE2, 0xE3, 0xE4)),
    ("ồổỗốộ", (0xE5, 0xE6, 0xE7, 0xE8, 0xE9)),
    ("ờởỡớợ", (0xEA, 0xEB, 0xEC, 0xED, 0xEE)),
    ("ùủũúụ", (0xEF, 0xF1, 0xF2, 0xF3, 0xF4)),
    ("ừửữứự", (0xF5, 0xF6, 0xF7, 0xF8, 0xF9)),
    ("ỳỷỹýỵ", (0xFA, 0xFB, 0xFC, 0xFD, 0xFE)),
)


def _tcvn3_letters() -> dict[int, str]:
    """byte -> Unicode letter for every VN3 letter byte (74 bytes)."""
    letters = dict(_TCVN3_SINGLES)
    for row, byte_row in _TCVN3_TONED:
        letters.update(zip(byte_row, row))
    return letters


_TCVN3_LETTERS: dict[int, str] = _tcvn3_letters()


def _build_tcvn3_tables() -> tuple[dict[int, str], dict[int, str]]:
    """(normal table, capitals table) for ``str.translate``."""
    normal = _base_table()
    for byte, letter in _TCVN3_LETTERS.items():
        _add(normal, byte, letter)
    capitals = _base_table()
    for byte, letter in _TCVN3_LETTERS.items():
        _add(capitals, byte, letter.upper())
    for char in "abcdefghijklmnopqrstuvwxyz":
        _add(capitals, ord(char), char.upper())
    return normal, capitals


_TCVN3_TABLE, _TCVN3_CAPS_TABLE = _build_tcvn3_tables()

# --------------------------------------------------------------------------------------------
# VNI-Windows — the "VNI-*" fonts
# --------------------------------------------------------------------------------------------

_GRAVE, _ACUTE, _TILDE, _HOOK, _DOT = "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"

#: Lower-case VNI bytes. Marks (decoded to combining diacritics) follow a base letter:
#: tones alone (a+ù=á), circumflex alone or with a tone (a+â=â, a+á=ấ, e+ä=ệ, o+à=ồ), breve alone
#: or with a tone (a+ê=ă, a+é=ắ, a+ú=ẳ). Single-byte letters: ô=ơ, ö=ư, ñ=đ, the five toned i
#: (ì í æ=ỉ ó=ĩ ò=ị) and î=ỵ; ơ/ư take tone marks like any vowel (ô+ø=ờ, ö+ù=ứ).
_VNI_LOWER: dict[int, str] = {
    # tone marks
    0xF8: _GRAVE,  # ø
    0xFB: _HOOK,  # û
    0xF5: _TILDE,  # õ
    0xF9: _ACUTE,  # ù
    0xEF: _DOT,  # ï
    # circumflex (â ê ô), alone and with each tone
    0xE2: _CIRCUMFLEX,  # â
    0xE0: _CIRCUMFLEX + _GRAVE,  # à
    0xE5: _CIRCUMFLEX + _HOOK,  # å
    0xE3: _CIRCUMFLEX + _TILDE,  # ã
    0xE1: _CIRCUMFLEX + _ACUTE,  # á
    0xE4: _CIRCUMFLEX + _DOT,  # ä
    # breve (ă), alone and with each tone
    0xEA: _BREVE,  # ê
    0xE8: _BREVE + _GRAVE,  # è
    0xFA: _BREVE + _HOOK,  # ú
    0xFC: _BREVE + _TILDE,  # ü
    0xE9: _BREVE + _ACUTE,  # é
    0xEB: _BREVE + _DOT,  # ë
    # single-byte letters
    0xF4: "ơ",  # ô
    0xF6: "ư",  # ö
    0xF1: "đ",  # ñ
    0xEC: "ì",  # ì
    0xE6: "ỉ",  # æ
    0xF3: "ĩ",  # ó
    0xED: "í",  # í
    0xF2: "ị",  # ò
    0xEE: "ỵ",  # î
}

#: Upper-case VNI bytes sit exactly 0x20 lower (Ù Ø Û Õ Ï Â À Å Ã Á Ä Ê È Ú Ü É Ë Ô Ö Ñ Ì Æ Ó Í Ò Î)
#: and mean the same mark or the capital letter.
_VNI_UPPER: dict[int, str] = {byte - 0x20: value.upper() for byte, value in _VNI_LOWER.items()}


def _build_vni_table() -> dict[int, str]:
    table = _base_table()
    for byte, value in (*_VNI_LOWER.items(), *_VNI_UPPER.items()):
        _add(table, byte, value)
    return table


_VNI_TABLE = _build_vni_table()

#: Read-only views of the decode tables, for code that writes legacy text by inverting them
#: (app/demo/wordfile.py): TCVN3 byte -> letter, VNI byte -> letter or combining marks.
TCVN3_LETTERS = MappingProxyType(_TCVN3_LETTERS)
VNI_CODES = MappingProxyType({**_VNI_LOWER, **_VNI_UPPER})

# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def encoding_for_font(font_name: str | None) -> str | None:
    """Return the legacy encoding of a Word font, from its name.

    Returns ``"tcvn3"`` for ABC fonts (name starts with ``.Vn``), ``"tcvn3-caps"`` for their
    capitals variants (``.Vn…`` whose name ends in ``H``: ``.VnTimeH``, ``.VnArialH``…),
    ``"vni"`` for VNI fonts (name starts with ``VNI-``) and ``None`` for anything else (a Unicode
    font such as ``Times New Roman``), for ``None`` and for an empty name. Matching ignores case
    and surrounding whitespace. ``.VnTime`` itself is *not* a capitals font.
    """
    if not font_name:
        return None
    name = font_name.strip().lower()
    if name.startswith(".vn") and len(name) > 3:
        return TCVN3_CAPS if name.endswith("h") else TCVN3
    if name.startswith("vni-") and len(name) > 4:
        return VNI
    return None


def convert_tcvn3(text: str, capitals: bool = False) -> str:
    """Return ``text`` (TCVN3 / ABC bytes as characters) decoded to NFC Unicode.

    With ``capitals=True`` (the ``.Vn…H`` fonts) the result is entirely upper case, ASCII
    letters included (``b¸o c¸o`` → ``BÁO CÁO``, ``®`` → ``Đ``). Otherwise ASCII text comes back
    unchanged and characters that are not TCVN3 letters are kept as they are.
    """
    if not text:
        return text
    if not capitals:
        if text.isascii():
            return text
        return unicodedata.normalize("NFC", text.translate(_TCVN3_TABLE))
    return unicodedata.normalize("NFC", text.translate(_TCVN3_CAPS_TABLE))


def convert_vni(text: str) -> str:
    """Return ``text`` (VNI-Windows bytes as characters) decoded to NFC Unicode.

    Base letters followed by VNI mark bytes are composed (``Vieät`` → ``Việt``); the single-byte
    letters (ô=ơ, ö=ư, ñ=đ, Ñ=Đ…) are replaced. A mark with no base letter before it (e.g. at the
    start of a run Word split mid-letter) is returned as a Unicode combining mark, so that
    NFC-normalising the concatenated runs still composes the letter. ASCII comes back unchanged.
    """
    if not text or text.isascii():
        return text
    return unicodedata.normalize("NFC", text.translate(_VNI_TABLE))


def convert(text: str, encoding: str | None) -> str:
    """Convert ``text`` according to ``encoding`` as returned by :func:`encoding_for_font`.

    Returns the NFC-normalised Unicode text for ``"tcvn3"``, ``"tcvn3-caps"`` and ``"vni"``, and
    ``text`` unchanged when ``encoding`` is ``None`` (a Unicode font). Raises ``ValueError`` for
    any other value.
    """
    if encoding is None:
        return text
    if encoding == TCVN3:
        return convert_tcvn3(text)
    if encoding == TCVN3_CAPS:
        return convert_tcvn3(text, capitals=True)
    if encoding == VNI:
        return convert_vni(text)
    raise ValueError(f"unknown legacy font encoding: {encoding!r}")


# --------------------------------------------------------------------------------------------
# Detection heuristic (fallback when no font information is available)
# --------------------------------------------------------------------------------------------


def _vietnamese_letters() -> frozenset[str]:
    """The 134 Vietnamese letters with diacritics (lower and upper case), precomposed."""
    lower: set[str] = {"đ"}
    for base in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"):
        decomposed = unicodedata.normalize("NFD", base)
        if base not in "aeiouy":
            lower.add(base)
        for tone in (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT):
            lower.add(unicodedata.normalize("NFC", decomposed + tone))
    return frozenset(lower | {c.upper() for c in lower})


_VIETNAMESE_LETTERS = _vietnamese_letters()

#: Characters of TCVN3 letter bytes (Latin-1 view) that are not themselves Vietnamese letters in
#: Unicode (¶ ¸ µ ® « Ö …): real Unicode Vietnamese text never contains them inside words.
_TCVN3_SIGNS = "".join(
    sorted(chr(b) for b in _TCVN3_LETTERS if chr(b) not in _VIETNAMESE_LETTERS)
)
#: Upper-case Latin-1 letters that TCVN3 uses for lower-case letters (kÕt, viÖt, chÝnh): a
#: capital right after a lower-case ASCII letter is a TCVN3 sign too.
_TCVN3_INNER_CAPS = "".join(
    sorted(chr(b) for b in _TCVN3_LETTERS if chr(b) in _VIETNAMESE_LETTERS and chr(b).isupper())
)
_TCVN3_ALL = "".join(sorted(chr(b) for b in _TCVN3_LETTERS))
_WORDISH = "A-Za-z" + re.escape(_TCVN3_ALL)
_SIGN_RE = re.compile(
    rf"(?<=[{_WORDISH}])[{re.escape(_TCVN3_SIGNS)}]"
    rf"|[{re.escape(_TCVN3_SIGNS)}](?=[{_WORDISH}])"
    rf"|(?<=[a-z])[{re.escape(_TCVN3_INNER_CAPS)}]"
)
#: Vietnamese letters TCVN3 text cannot contain (outside Latin-1: ă đ ơ ư ạ ế …).
_UNICODE_ONLY_RE = re.compile(
    "[" + re.escape("".join(sorted(c for c in _VIETNAMESE_LETTERS if ord(c) > 0xFF))) + "]"
)

_MIN_SIGNS = 3  # "several" TCVN3 signs
_MAX_UNICODE_PER_SIGN = 0.25  # at most one genuine Unicode Vietnamese letter per four signs
_MIN_SIGN_DENSITY = 0.02  # signs per letter: ignores a stray ® or « in a long Western text


def looks_like_tcvn3(text: str) -> bool:
    """Guess whether ``text`` (with no font information) is TCVN3 bytes read as Latin-1.

    Returns True when the text contains at least three TCVN3 signs — characters such as
    ¶ ¸ µ ® « Ö that TCVN3 uses for Vietnamese letters, counted only when they touch a letter, plus
    capitals like Ý Õ right after a lower-case letter (``chÝnh``, ``kÕt``) — they make up at least
    2 % of the letters, and genuine Unicode Vietnamese letters (ạ ế ư đ …) number at most a
    quarter of the signs. Returns False otherwise, including for ASCII and for ordinary Unicode
    Vietnamese. A heuristic, meant only as a fallback when the font is unknown; text typed in
    VNI fonts is not recognised.
    """
    if not text or text.isascii():
        return False
    signs = len(_SIGN_RE.findall(text))
    if signs < _MIN_SIGNS:
        return False
    unicode_letters = len(_UNICODE_ONLY_RE.findall(text))
    if unicode_letters > signs * _MAX_UNICODE_PER_SIGN:
        return False
    letters = sum(1 for c in text if c.isalpha()) + signs
    return signs >= letters * _MIN_SIGN_DENSITY
