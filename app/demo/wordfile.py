"""Write Word (.docx) files: reports with headings, paragraphs, tables (nested too), a page header
and footer, footnotes and endnotes, text boxes, and runs typed in the legacy Vietnamese fonts.

A document is described with a few plain classes and written with :func:`docx_bytes` or
:func:`write_docx`::

    report = WordDocument(
        blocks=[para("BÁO CÁO", bold=True, align="center"),
                Table([["STT", "Nhiệm vụ"], ["1", "Ban hành kế hoạch CCHC"]], header_rows=1)],
        footer=[para("Báo cáo CCHC quý I/2024")],
    )
    write_docx(report, "bao-cao.docx")

A paragraph may also hold a :class:`Note` (a footnote, or an endnote, numbered by Word where it
stands) and a :class:`TextBox` (a floating box anchored there, written the way Word 2010 and later
write one: a DrawingML shape with a VML copy for older readers)::

    para("Căn cứ Nghị định số 30/2020/NĐ-CP", Note("Về công tác văn thư."), ";")

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
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
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
    "Note",
    "Paragraph",
    "Run",
    "Table",
    "TextBox",
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
    """A paragraph: its runs (and notes, text boxes), an optional Word style name ("Heading 2",
    "List Bullet"…) and alignment."""

    runs: list[Run | Note | TextBox] = field(default_factory=list)
    style: str | None = None
    align: Align | None = None


@dataclass
class Note:
    """A footnote (an endnote with ``endnote``) referred to where it stands in its paragraph; Word
    numbers it (1, 2… for footnotes, i, ii… for endnotes) unless ``mark`` gives a custom mark
    (``"*"``). ``content`` is the note's text (one paragraph in ``font``) or its paragraphs."""

    content: str | list[Paragraph]
    endnote: bool = False
    mark: str | None = None
    font: str | None = None


@dataclass
class TextBox:
    """A floating text box anchored where it stands in its paragraph, ``width``×``height`` mm, on the
    right of the column, holding ``paragraphs``."""

    paragraphs: list[Paragraph]
    width: float = 60
    height: float = 25


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


def para(*parts: str | Run | Note | TextBox, bold: bool = False, italic: bool = False, font: str | None = None,
         style: str | None = None, align: Align | None = None) -> Paragraph:
    """Return a paragraph of ``parts``: strings become runs with ``bold``/``italic``/``font``;
    :class:`Run`, :class:`Note` and :class:`TextBox` objects are kept as they are."""
    runs = [part if isinstance(part, Run | Note | TextBox) else Run(part, bold=bold, italic=italic, font=font)
            for part in parts]
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
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_V = "urn:schemas-microsoft-com:vml"
_EMU_PER_MM = 36000


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
        self.notes: dict[str, list[etree._Element]] = {"footnote": [], "endnote": []}  # w:footnote / w:endnote
        self.shapes = 0  # text boxes written (each drawing needs its own id)

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
            if isinstance(run, Note):
                p.append(self.note(run))
            elif isinstance(run, TextBox):
                p.append(self.text_box(run))
            else:
                p.append(self.run(run, bold))
        return p

    def note(self, spec: Note) -> etree._Element:
        """Return the reference run of a footnote/endnote and keep the note for its part; refuses
        (ValueError) what :meth:`run` refuses in its text."""
        kind = "endnote" if spec.endnote else "footnote"
        note_id = str(len(self.notes[kind]) + 1)
        paragraphs = [para(spec.content, font=spec.font)] if isinstance(spec.content, str) else spec.content
        note = _el(kind, id=note_id)
        for index, paragraph in enumerate(paragraphs):
            p = self.paragraph(paragraph)
            if index == 0:  # the note starts with its own number (or mark), then a space
                if spec.mark is None:
                    ref = _el("r")
                    _el("vertAlign", _el("rPr", ref), val="superscript")
                    _el(f"{kind}Ref", ref)
                else:
                    ref = self.run(Run(spec.mark))
                    _el("vertAlign", ref.find(f"{{{_W}}}rPr"), val="superscript")
                space = self.run(Run(" "))
                first = 1 if p.find(f"{{{_W}}}pPr") is not None else 0
                p.insert(first, ref)
                p.insert(first + 1, space)
            note.append(p)
        self.notes[kind].append(note)
        r = _el("r")
        rpr = _el("rPr", r)
        _el("vertAlign", rpr, val="superscript")
        ref = _el(f"{kind}Reference", r, id=note_id)
        if spec.mark is not None:
            ref.set(f"{{{_W}}}customMarkFollows", "1")
            t = _el("t", r)
            t.text = spec.mark
        return r

    def text_box(self, spec: TextBox) -> etree._Element:
        """Return the run holding a floating text box: a DrawingML shape (``wps``) inside
        ``mc:AlternateContent`` with a VML copy as the fallback, both holding the same paragraphs."""
        self.shapes += 1
        cx, cy = round(spec.width * _EMU_PER_MM), round(spec.height * _EMU_PER_MM)

        def content() -> etree._Element:
            box = _el("txbxContent")
            for paragraph in spec.paragraphs:
                box.append(self.paragraph(paragraph))
            return box

        def sub(parent, ns, tag, **attrs):
            return etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)

        r = _el("r")
        alternate = etree.SubElement(r, f"{{{_MC}}}AlternateContent", nsmap={"mc": _MC, "wps": _WPS, "wp": _WP,
                                                                             "a": _A, "v": _V})
        drawing = _el("drawing", sub(alternate, _MC, "Choice", Requires="wps"))
        anchor = sub(drawing, _WP, "anchor", distT="45720", distB="45720", distL="114300", distR="114300",
                     simplePos="0", relativeHeight=str(251659264 + self.shapes), behindDoc="0", locked="0",
                     layoutInCell="1", allowOverlap="1")
        sub(anchor, _WP, "simplePos", x="0", y="0")
        sub(sub(anchor, _WP, "positionH", relativeFrom="column"), _WP, "align").text = "right"
        sub(sub(anchor, _WP, "positionV", relativeFrom="paragraph"), _WP, "posOffset").text = "0"
        sub(anchor, _WP, "extent", cx=str(cx), cy=str(cy))
        sub(anchor, _WP, "effectExtent", l="0", t="0", r="0", b="0")
        sub(anchor, _WP, "wrapSquare", wrapText="bothSides")
        sub(anchor, _WP, "docPr", id=str(self.shapes), name=f"Text Box {self.shapes}")
        sub(anchor, _WP, "cNvGraphicFramePr")
        data = sub(sub(anchor, _A, "graphic"), _A, "graphicData", uri=_WPS)
        shape = sub(data, _WPS, "wsp")
        sub(shape, _WPS, "cNvSpPr", txBox="1")
        properties = sub(shape, _WPS, "spPr")
        transform = sub(properties, _A, "xfrm")
        sub(transform, _A, "off", x="0", y="0")
        sub(transform, _A, "ext", cx=str(cx), cy=str(cy))
        sub(sub(properties, _A, "prstGeom", prst="rect"), _A, "avLst")
        sub(sub(properties, _A, "solidFill"), _A, "srgbClr", val="FFFFFF")
        sub(sub(sub(properties, _A, "ln", w="6350"), _A, "solidFill"), _A, "srgbClr", val="000000")
        sub(shape, _WPS, "txbx").append(content())
        body = sub(shape, _WPS, "bodyPr", rot="0", vert="horz", wrap="square", lIns="91440", tIns="45720",
                   rIns="91440", bIns="45720", anchor="t", anchorCtr="0")
        sub(body, _A, "noAutofit")
        pict = _el("pict", sub(alternate, _MC, "Fallback"))
        style = (f"position:absolute;margin-left:0;margin-top:0;width:{spec.width * 72 / 25.4:.1f}pt;"
                 f"height:{spec.height * 72 / 25.4:.1f}pt;z-index:{251659264 + self.shapes};"
                 "mso-position-horizontal:right;mso-position-horizontal-relative:text;"
                 "mso-position-vertical-relative:text")
        rect = sub(pict, _V, "rect", style=style, strokeweight=".5pt")
        sub(rect, _V, "textbox").append(content())
        return r

    def note_parts(self) -> dict[str, bytes]:
        """{'footnote'|'endnote': the XML of its part} for the kinds of note the document holds; each
        part starts with Word's separator and continuation separator notes (ids -1 and 0)."""
        parts = {}
        for kind, notes in self.notes.items():
            if not notes:
                continue
            root = _el(kind + "s")
            for note_id, separator in (("-1", "separator"), ("0", "continuationSeparator")):
                p = _el("p", _el(kind, root, type=separator, id=note_id))
                _el("spacing", _el("pPr", p), after="0", line="240", lineRule="auto")
                _el(separator, _el("r", p))
            root.extend(notes)
            parts[kind] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return parts

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

    _add_note_parts(document, writer)
    raw = io.BytesIO()
    document.save(raw)
    return _repack(raw.getvalue())


def _add_note_parts(document: DocxDocument, writer: _Writer) -> None:
    """Add the footnotes/endnotes parts the writer collected, related to the main document, and
    name their separators in the settings as Word does."""
    kinds = {"footnote": (CONTENT_TYPE.WML_FOOTNOTES, RELATIONSHIP_TYPE.FOOTNOTES),
             "endnote": (CONTENT_TYPE.WML_ENDNOTES, RELATIONSHIP_TYPE.ENDNOTES)}
    settings = document.settings.element
    compat = settings.find(f"{{{_W}}}compat")
    for kind, blob in writer.note_parts().items():
        content_type, relationship = kinds[kind]
        part = Part(PackURI(f"/word/{kind}s.xml"), content_type, blob, document.part.package)
        document.part.relate_to(part, relationship)
        properties = _el(f"{kind}Pr")
        for note_id in ("-1", "0"):
            _el(kind, properties, id=note_id)
        if compat is not None:
            compat.addprevious(properties)
        else:
            settings.append(properties)


def write_docx(spec: WordDocument, path: str | os.PathLike) -> str:
    """Write the .docx described by ``spec`` to ``path`` (replacing any file there); return the path.
    Refuses (ValueError) what :func:`docx_bytes` refuses, before anything is written."""
    data = docx_bytes(spec)
    with open(path, "wb") as handle:
        handle.write(data)
    return os.fspath(path)
