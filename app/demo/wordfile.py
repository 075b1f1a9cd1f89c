"""Write Word (.docx) files: reports with headings, paragraphs, tables (nested too), a page header
and footer, and runs typed in the legacy Vietnamese fonts.

A document is described with a few plain classes and written with :func:`docx_bytes` or
:func:`write_docx`::

    report = WordDocument(
        blocks=[para("BÁO CÁO", bold=True, align="center"),
                Table([["STT", "Nhiệm vụ"], ["1", "Ban hành kế hoạch CCHC"]], header_rows=1)],
        footer=[para("Báo cáo CCHC quý I/2024")],
    )
    write_docx(report, "bao-cao.docx")

The same description always gives the same bytes: the core properties carry the document's own
date (``created``), every zip entry the same timestamp, and nothing else depends on the clock.

Text is always given in Unicode. A run whose font is a legacy one is stored the way a Word file
typed with that font stores it, through encoder tables made by inverting the decode tables of
:mod:`app.ingest.legacy_fonts` (so what is written is exactly what the portal reads back):
``.VnTime``, ``.VnArial``… (TCVN3/ABC), the capitals fonts ``.VnTimeH``… (text in capitals) and
``VNI-Times``, ``VNI-Helve``… (VNI-Windows). The scaffolding (styles, page, header and footer
parts) is python-docx's; paragraphs and tables are built as WordprocessingML directly, which keeps
a 30,000-paragraph report quick to write.
"""
from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import docx
from docx.document import Document as DocxDocument
from docx.shared import Mm, Pt
from lxml import etree

from app.ingest.legacy_fonts import (
    TCVN3,
    TCVN3_CAPS,
    TCVN3_LETTERS,
    VNI,
    VNI_CODES,
    convert,
    encoding_for_font,
)

__all__ = [
    "Paragraph",
    "Run",
    "Table",
    "WordDocument",
    "docx_bytes",
    "encode_for_font",
    "encode_tcvn3",
    "encode_vni",
    "para",
    "write_docx",
]

Align = Literal["left", "center", "right", "justify"]

#: Every zip entry carries this timestamp (the earliest a zip can hold), whatever the clock says.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DEFAULT_CREATED = datetime(2024, 1, 2, 8, 0, 0)

_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
# A4 with the margins of Decree 30/2020/NĐ-CP (top/bottom 20 mm, left 30 mm, right 15 mm); the text width in twips.
_PAGE_WIDTH, _PAGE_HEIGHT = Mm(210), Mm(297)
_MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
_TEXT_WIDTH = (_PAGE_WIDTH - _MARGINS["left"] - _MARGINS["right"]) // 635  # EMU -> twips
_CELL_PADDING = 220  # twips a nested table gives up inside its cell


# ------------------------------------------------------------------------------------------------
# What a document is made of
# ------------------------------------------------------------------------------------------------


@dataclass
class Run:
    """A piece of text with one look. ``font`` None means the document's font; ``"\\n"`` in the
    text is a manual line break and ``"\\t"`` a tab."""

    text: str
    bold: bool = False
    italic: bool = False
    font: str | None = None


@dataclass
class Paragraph:
    """A paragraph: its runs, an optional Word style name ("Heading 2", "List Bullet"…) and alignment."""

    runs: list[Run] = field(default_factory=list)
    style: str | None = None
    align: Align | None = None


@dataclass
class Table:
    """A table. Every row has the same number of cells; ``widths`` are relative column widths
    (equal when None); ``header_rows`` rows repeat on each page and their string cells are bold;
    ``borders`` False gives the borderless layout of an official header or signature block."""

    rows: list[list[str | Paragraph | Table | list[Paragraph | Table]]]
    widths: list[int] | None = None
    header_rows: int = 0
    borders: bool = True


Block = Paragraph | Table


@dataclass
class WordDocument:
    """A whole document: body blocks, page header and footer paragraphs, the default font and
    size, and the core properties (``created`` is also the modification date)."""

    blocks: list[Block]
    header: list[Paragraph] = field(default_factory=list)
    footer: list[Paragraph] = field(default_factory=list)
    font: str = "Times New Roman"
    font_size: float = 13
    title: str = ""
    author: str = "Cổng thông tin CCHC"
    created: datetime = DEFAULT_CREATED


def para(*parts: str | Run, bold: bool = False, italic: bool = False, font: str | None = None,
         style: str | None = None, align: Align | None = None) -> Paragraph:
    """Return a paragraph of ``parts``: strings become runs with ``bold``/``italic``/``font``,
    :class:`Run` objects are kept as they are."""
    runs = [part if isinstance(part, Run) else Run(part, bold=bold, italic=italic, font=font) for part in parts]
    return Paragraph(runs=runs, style=style, align=align)


# ------------------------------------------------------------------------------------------------
# Legacy encodings: the decode tables of app.ingest.legacy_fonts, inverted
# ------------------------------------------------------------------------------------------------


def _vietnamese_letters() -> frozenset[str]:
    """The 134 Vietnamese letters that carry a diacritic (67 lower case, 67 upper case), NFC."""
    lower = {"đ", "ă", "â", "ê", "ô", "ơ", "ư"}
    for base in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"):
        for tone in ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323"):
            lower.add(unicodedata.normalize("NFC", base + tone))
    return frozenset(lower | {letter.upper() for letter in lower})


VIETNAMESE_LETTERS = _vietnamese_letters()


def _tcvn3_encoder() -> dict[str, str]:
    """Unicode letter -> its TCVN3 byte (as the Latin-1 character Word stores): 74 letters."""
    return {letter: chr(byte) for byte, letter in TCVN3_LETTERS.items()}


def _vni_encoder() -> dict[str, str]:
    """Unicode letter -> its VNI-Windows bytes: a single-byte letter (ơ ư đ, the i forms, ỵ) or an
    ASCII base (or ơ/ư) followed by one mark byte; the shortest form, marks in the letter's case."""
    singles: dict[str, str] = {}
    marks: dict[str, str] = {}
    for byte, value in VNI_CODES.items():
        if unicodedata.combining(value[0]):
            marks[chr(byte)] = value
        else:
            singles[value] = chr(byte)
    encoder: dict[str, str] = {}
    for letter in VIETNAMESE_LETTERS:
        upper = letter.isupper()
        candidates = [singles[letter]] if letter in singles else []
        bases = {c: c for c in "aeiouy"} | {v: s for v, s in singles.items() if v in "ơư"}
        for base_letter, base_code in bases.items():
            if upper:
                base_letter, base_code = base_letter.upper(), base_code.upper()
            for mark_code, combining in marks.items():
                if mark_code.isupper() == upper and unicodedata.normalize("NFC", base_letter + combining) == letter:
                    candidates.append(base_code + mark_code)
        if candidates:
            encoder[letter] = min(candidates, key=lambda code: (len(code), code))
    return encoder


_ENCODERS: dict[str, dict[str, str]] = {TCVN3: _tcvn3_encoder(), VNI: _vni_encoder()}


def _encode(text: str, encoding: str) -> str:
    """Encode NFC ``text`` with the letter table of ``encoding`` ('tcvn3' or 'vni'); ValueError
    for a character the font cannot hold or that the reader would take for something else."""
    table = _ENCODERS[encoding]
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
        elif char in table:
            out.append(table[char])
        elif char in VIETNAMESE_LETTERS:
            hint = " (.VnTime has no capitals with tone marks: use a capitals font such as .VnTimeH)" \
                if encoding == TCVN3 else ""
            raise ValueError(f"{char!r} has no code in {encoding}{hint}")
        elif unicodedata.combining(char) or convert(char, encoding) != char:
            raise ValueError(f"{char!r} cannot be written in {encoding}: it would read back as another character")
        else:
            out.append(char)  # punctuation the font draws as Windows-1252 (– “ ” …)
    return "".join(out)


def encode_tcvn3(text: str, capitals: bool = False) -> str:
    """Return ``text`` as a Word file typed in a TCVN3 (ABC) font stores it.

    With ``capitals`` (the ``.Vn…H`` fonts, which draw every letter as a capital) ``text`` must
    be in capitals and is stored in lower-case codes. Raises ValueError for lower-case text in a
    capitals font, for a capital with a tone mark outside it (``Ấ``: .VnTime has none) and for a
    character that would read back as something else (``«`` is the TCVN3 code of ``ô``).
    """
    text = unicodedata.normalize("NFC", text)
    if capitals:
        if text != text.upper():
            raise ValueError(f"a capitals font draws every letter as a capital: {text!r} is not in capitals")
        encoded = _encode(text.lower(), TCVN3)
    else:
        encoded = _encode(text, TCVN3)
    if convert(encoded, TCVN3_CAPS if capitals else TCVN3) != text:
        raise ValueError(f"{text!r} does not read back the same in TCVN3")
    return encoded


def encode_vni(text: str) -> str:
    """Return ``text`` as a Word file typed in a VNI font (``VNI-Times``) stores it.

    Raises ValueError for a character that has no VNI code and would read back as another one
    (the VNI mark characters such as ``ù`` are letters' marks, not themselves).
    """
    text = unicodedata.normalize("NFC", text)
    encoded = _encode(text, VNI)
    if convert(encoded, VNI) != text:
        raise ValueError(f"{text!r} does not read back the same in VNI")
    return encoded


def encode_for_font(text: str, font: str | None) -> str:
    """Return ``text`` as stored in a run of ``font``: encoded for a TCVN3, TCVN3 capitals or VNI
    font (see :func:`encode_tcvn3`, :func:`encode_vni`, which say when it is refused), unchanged
    for a Unicode font."""
    encoding = encoding_for_font(font)
    if encoding == TCVN3:
        return encode_tcvn3(text)
    if encoding == TCVN3_CAPS:
        return encode_tcvn3(text, capitals=True)
    if encoding == VNI:
        return encode_vni(text)
    return text


# ------------------------------------------------------------------------------------------------
# WordprocessingML
# ------------------------------------------------------------------------------------------------


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _el(tag: str, parent: etree._Element | None = None, **attrs: str) -> etree._Element:
    """A new ``w:tag`` element with ``w:`` attributes, appended to ``parent`` when given."""
    attrib = {f"{{{_W}}}{name}": value for name, value in attrs.items()}
    if parent is None:
        return etree.Element(f"{{{_W}}}{tag}", attrib, nsmap={"w": _W})
    return etree.SubElement(parent, f"{{{_W}}}{tag}", attrib)


class _Writer:
    """Turns blocks into elements for one python-docx document (styles resolved by name)."""

    def __init__(self, document: DocxDocument, spec: WordDocument):
        self.document = document
        self.font = spec.font
        self.style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        """Return the id of the built-in style ``name`` ('Heading 2' → 'Heading2'); ValueError if Word has none."""
        if name not in self.style_ids:
            try:
                self.style_ids[name] = self.document.styles[name].style_id
            except KeyError:
                raise ValueError(f"unknown Word style {name!r}") from None
        return self.style_ids[name]

    def paragraph(self, spec: Paragraph, bold: bool = False) -> etree._Element:
        """Return the ``w:p`` of ``spec`` (every run bold when ``bold``); refuses what :meth:`run` refuses."""
        p = _el("p")
        if spec.style or spec.align:
            ppr = _el("pPr", p)
            if spec.style:
                _el("pStyle", ppr, val=self.style_id(spec.style))
            if spec.align:
                _el("jc", ppr, val=_JC[spec.align])
        for run in spec.runs:
            p.append(self.run(run, bold))
        return p

    def run(self, spec: Run, bold: bool = False) -> etree._Element:
        """Return the ``w:r`` of ``spec``, its font named on the run itself (so no style can make the
        reader take another encoding) and its text encoded for that font; ValueError when it cannot be."""
        font = spec.font or self.font
        text = encode_for_font(spec.text, font)
        r = _el("r")
        rpr = _el("rPr", r)
        _el("rFonts", rpr, ascii=font, hAnsi=font, cs=font)
        if spec.bold or bold:
            _el("b", rpr)
        if spec.italic:
            _el("i", rpr)
        for line_no, line in enumerate(text.split("\n")):
            if line_no:
                _el("br", r)
            for part_no, part in enumerate(line.split("\t")):
                if part_no:
                    _el("tab", r)
                if part:
                    t = _el("t", r)
                    t.text = part
                    t.set(_XML_SPACE, "preserve")
        return r

    def block(self, spec: Block, width: int) -> etree._Element:
        """Return the element of a paragraph or of a table ``width`` twips wide."""
        if isinstance(spec, Table):
            return self.table(spec, width)
        return self.paragraph(spec)

    def table(self, spec: Table, width: int) -> etree._Element:
        """Return the ``w:tbl`` of ``spec``, ``width`` twips wide, nested tables inside their cells;
        ValueError when rows differ in length or widths do not match the columns."""
        columns = len(spec.rows[0]) if spec.rows else 0
        if not columns or any(len(row) != columns for row in spec.rows):
            raise ValueError("a table needs rows with the same, non-zero number of cells")
        weights = spec.widths or [1] * columns
        if len(weights) != columns:
            raise ValueError(f"{len(weights)} column widths for {columns} columns")
        widths = [width * w // sum(weights) for w in weights]
        tbl = _el("tbl")
        tblpr = _el("tblPr", tbl)
        if spec.borders:
            _el("tblStyle", tblpr, val=self.style_id("Table Grid"))
        _el("tblW", tblpr, w=str(sum(widths)), type="dxa")
        _el("tblLayout", tblpr, type="fixed")
        grid = _el("tblGrid", tbl)
        for w in widths:
            _el("gridCol", grid, w=str(w))
        for index, row in enumerate(spec.rows):
            tr = _el("tr", tbl)
            header = index < spec.header_rows
            if header:
                _el("tblHeader", _el("trPr", tr))
            for content, w in zip(row, widths):
                tc = _el("tc", tr)
                _el("tcW", _el("tcPr", tc), w=str(w), type="dxa")
                blocks = content if isinstance(content, list) else [content]
                last = None
                for block in blocks:
                    if isinstance(block, str):
                        last = self.paragraph(para(block, align="center" if header else None), bold=header)
                    else:
                        last = self.block(block, w - _CELL_PADDING)
                    tc.append(last)
                if last is None or last.tag != f"{{{_W}}}p":
                    _el("p", tc)  # Word requires every cell to end with a paragraph
        return tbl


def _repack(data: bytes) -> bytes:
    """The same package with every entry stamped :data:`ZIP_TIME` (python-docx stamps the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def docx_bytes(spec: WordDocument) -> bytes:
    """Return the .docx file described by ``spec``; the same description gives the same bytes.

    Raises ValueError when a run's text cannot be written in its legacy font (see
    :func:`encode_for_font`), a style name is not one of Word's built-in styles, or a table's
    rows or widths do not match its columns.
    """
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = _PAGE_WIDTH, _PAGE_HEIGHT
    for side, size in _MARGINS.items():
        setattr(section, f"{side}_margin", size)
    normal = document.styles["Normal"]
    normal.font.name = spec.font
    normal.font.size = Pt(spec.font_size)
    properties = document.core_properties
    properties.title = spec.title
    properties.author = properties.last_modified_by = spec.author
    properties.comments = ""
    properties.language = "vi-VN"
    properties.created = properties.modified = spec.created
    properties.revision = 1

    writer = _Writer(document, spec)
    end = document.element.body.sectPr
    for block in spec.blocks:
        end.addprevious(writer.block(block, _TEXT_WIDTH))
    for part, paragraphs in ((section.header, spec.header), (section.footer, spec.footer)):
        if not paragraphs:
            continue
        part.is_linked_to_previous = False
        element = part._element  # the w:hdr / w:ftr root, emptied of its placeholder paragraph
        for child in list(element):
            element.remove(child)
        for paragraph in paragraphs:
            element.append(writer.paragraph(paragraph))

    raw = io.BytesIO()
    document.save(raw)
    return _repack(raw.getvalue())


def write_docx(spec: WordDocument, path: str | os.PathLike) -> str:
    """Write the .docx described by ``spec`` to ``path`` (replacing any file there); return the path.
    Refuses (ValueError) what :func:`docx_bytes` refuses, before anything is written."""
    data = docx_bytes(spec)
    with open(path, "wb") as handle:
        handle.write(data)
    return os.fspath(path)
