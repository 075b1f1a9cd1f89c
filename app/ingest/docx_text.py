"""Text of a .docx, in reading order, with legacy Vietnamese fonts converted run by run.

The package is opened with :mod:`zipfile` after :func:`~app.ingest.safety.check_upload` has
judged it, every part is read through :func:`~app.ingest.safety.read_member` (hard size cap) and
parsed with lxml with entity resolution, DTD loading and network access all off. python-docx is
not used here, so nothing is read from the package without a cap.

Output conventions (:class:`ExtractedText`):

* ``body_lines``: one entry per line of text — a paragraph, or each part of a paragraph split at
  a manual line break (``w:br``) — in reading order: body paragraphs and tables interleaved as in
  the file, table cells row by row and left to right, nested tables inside their cell, content
  controls (``w:sdt``), text boxes right after the paragraph that anchors them. Empty lines dropped.
* Footnotes and endnotes (``word/footnotes.xml``, ``word/endnotes.xml``) are read in the order the
  body refers to them: the reference becomes a mark in the text (``[1]``, ``[2]`` for footnotes,
  ``[i]``, ``[ii]`` for endnotes as Word numbers them by default; a custom mark such as ``*`` is
  kept as ``[*]``), and the notes follow the body under a line ``Chú thích``, footnotes then
  endnotes, one line each (``[1] Nghị định số 30/2020/NĐ-CP…``), converted from legacy fonts like
  the body; ``body_lines`` ends with the same lines. At the end rather than after each paragraph so
  that the body reads on without interruption, the header parser and the report rules see the
  document's own lines, and a note is still found with its mark.
* ``text``: header lines, then the body (and its notes), then footer lines, joined with ``'\\n'``.
  A paragraph is one line (manual line breaks kept as ``'\\n'``); **a table row is one line with its cells joined
  by ``' | '``** (a cell's paragraphs joined by a space); a nested table's rows follow, one line
  each, right after the row holding it. Empty lines dropped.
* Everything is NFC; non-breaking spaces and tabs become spaces, runs of spaces are collapsed, soft
  hyphens and zero-width characters are removed. Deleted text (tracked changes) and field codes
  are left out; inserted text and field results are kept.
"""
from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from app.ingest.header import HeaderMetadata, parse_official_header
from app.ingest.legacy_fonts import convert, encoding_for_font
from app.ingest.safety import (
    DEFAULT_MAX_BYTES,
    MB,
    IngestError,
    check_upload,
    main_document_part,
    open_zip,
    parse_xml,
    read_member,
)

W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # "Strict Open XML" documents
)
R_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

DOCUMENT_CAP = 80 * MB  # word/document.xml
PART_CAP = 20 * MB  # styles, theme, each header/footer
HEADER_LINES_FOR_METADATA = 40

#: Inline containers whose children are runs (or more containers).
_INLINE_CONTAINERS = {"hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "sdt", "sdtContent",
                      "dir", "bdo"}
#: Block containers whose children are paragraphs/tables.
_BLOCK_CONTAINERS = {"sdt", "sdtContent", "customXml", "ins", "moveTo", "txbxContent", "body", "hdr", "ftr",
                     "tc", "docPartBody"}
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_TO_SPACE = dict.fromkeys(map(ord, "\t\u00a0\u2007\u202f\u000b\u000c"), " ")


NOTES_HEADING = "Chú thích"
_NOTE_OPEN, _NOTE_CLOSE = "\ue000", "\ue001"  # around a note mark while lines are collected
_NOTE_MARK_RE = re.compile(f"{_NOTE_OPEN}([^{_NOTE_CLOSE}]*){_NOTE_CLOSE}")
_ON = {"1", "true", "on"}  # w:ST_OnOff values that say yes


@dataclass
class ExtractedText:
    """Text and header metadata of a .docx (see the module docstring for the layout)."""

    text: str
    body_lines: list[str] = field(default_factory=list)
    header_lines: list[str] = field(default_factory=list)
    footer_lines: list[str] = field(default_factory=list)
    metadata: HeaderMetadata = field(default_factory=HeaderMetadata)
    legacy_runs: int = 0  # runs converted from TCVN3 / VNI
    notes: list[str] = field(default_factory=list)  # footnotes then endnotes as read: "[1] text"


def _roman(number: int) -> str:
    """Lower-case Roman numeral of ``number`` ≥ 1 (Word's default endnote numbers: i, ii, iii…)."""
    out = []
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _show_marks(line: str) -> str:
    """A collected line with its note marks written as the reader sees them: ``[1]``."""
    return _NOTE_MARK_RE.sub(r"[\1]", line) if _NOTE_OPEN in line else line


def _without_marks(line: str) -> str:
    """A collected line without its note marks (what the header parser reads)."""
    return " ".join(_NOTE_MARK_RE.sub(" ", line).split()) if _NOTE_OPEN in line else line


def clean_line(text: str) -> str:
    """NFC, spaces normalised and collapsed, invisible characters removed, stripped."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_TO_SPACE)
    return " ".join(text.split())


def _lines(text: str) -> list[str]:
    return [line for line in (clean_line(part) for part in text.split("\n")) if line]


class _FontResolver:
    """Effective font of a run: run rFonts, its character style, the paragraph style, docDefaults."""

    def __init__(self, w: str, styles: etree._Element | None, theme: etree._Element | None):
        self.w = w
        self.styles: dict[str, tuple[str | None, dict[str, str]]] = {}  # id -> (basedOn, fonts)
        self.default_paragraph_style: str | None = None
        self.defaults: dict[str, str] = {}
        self.theme_fonts = self._theme_fonts(theme)
        self._cache: dict[tuple, str | None] = {}
        if styles is not None:
            self._read_styles(styles)

    @staticmethod
    def _theme_fonts(theme: etree._Element | None) -> dict[str, str]:
        fonts: dict[str, str] = {}
        if theme is None:
            return fonts
        for kind in ("major", "minor"):
            scheme = theme.find(f".//{{{A_NS}}}{kind}Font")
            if scheme is None:
                continue
            for script, suffix in (("latin", ("HAnsi", "Ascii")), ("cs", ("Bidi",))):
                el = scheme.find(f"{{{A_NS}}}{script}")
                if el is not None and el.get("typeface"):
                    for s in suffix:
                        fonts[kind + s] = el.get("typeface")
        return fonts

    def _fonts(self, rpr: etree._Element | None) -> dict[str, str]:
        """{'hAnsi'|'ascii'|'cs': font name} defined by an rPr's rFonts (theme attributes win)."""
        if rpr is None:
            return {}
        rfonts = rpr.find(self.w + "rFonts")
        if rfonts is None:
            return {}
        found: dict[str, str] = {}
        for key, theme_key in (("hAnsi", "hAnsiTheme"), ("ascii", "asciiTheme"), ("cs", "cstheme")):
            theme_value = rfonts.get(self.w + theme_key)
            if theme_value:  # a theme font (Calibri, Times New Roman…): never a legacy font in practice
                found[key] = self.theme_fonts.get(theme_value, theme_value)
            elif rfonts.get(self.w + key):
                found[key] = rfonts.get(self.w + key)
        return found

    def _read_styles(self, styles: etree._Element) -> None:
        w = self.w
        defaults = styles.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr")
        self.defaults = self._fonts(defaults)
        for style in styles.iter(w + "style"):
            style_id = style.get(w + "styleId")
            if not style_id:
                continue
            based = style.find(w + "basedOn")
            self.styles[style_id] = (based.get(w + "val") if based is not None else None,
                                     self._fonts(style.find(w + "rPr")))
            if style.get(w + "type") == "paragraph" and style.get(w + "default") in ("1", "true", "on"):
                self.default_paragraph_style = style_id

    def _chain(self, style_id: str | None) -> list[dict[str, str]]:
        """Fonts of a style and of the styles it is based on, nearest first (cycles stopped)."""
        out: list[dict[str, str]] = []
        seen: set[str] = set()
        while style_id and style_id in self.styles and style_id not in seen and len(seen) < 50:
            seen.add(style_id)
            based_on, fonts = self.styles[style_id]
            out.append(fonts)
            style_id = based_on
        return out

    def encoding(self, rpr: etree._Element | None, paragraph_style: str | None) -> str | None:
        """Legacy encoding ('tcvn3', 'tcvn3-caps', 'vni') of a run, or None for Unicode text."""
        run_fonts = self._fonts(rpr)
        char_style = None
        if rpr is not None:
            rstyle = rpr.find(self.w + "rStyle")
            char_style = rstyle.get(self.w + "val") if rstyle is not None else None
        key = (tuple(sorted(run_fonts.items())), char_style, paragraph_style)
        if key in self._cache:
            return self._cache[key]
        levels = [run_fonts, *self._chain(char_style),
                  *self._chain(paragraph_style or self.default_paragraph_style), self.defaults]

        def find(attr: str) -> tuple[int, str] | None:
            for depth, fonts in enumerate(levels):
                if attr in fonts:
                    return depth, fonts[attr]
            return None

        # hAnsi draws the non-ASCII characters, so it decides; a more specific ascii wins over an
        # inherited hAnsi (a run that sets only w:ascii=".VnTime"); cs only when neither is known.
        candidates = [c for c in (find("hAnsi"), find("ascii")) if c is not None]
        if candidates:
            font = min(candidates, key=lambda c: c[0])[1]
        else:
            cs = find("cs")
            font = cs[1] if cs else None
        result = encoding_for_font(font)
        self._cache[key] = result
        return result


class _Walker:
    """Walks one part (document, header or footer) and collects its text."""

    def __init__(self, w: str, fonts: _FontResolver):
        self.w = w
        self.fonts = fonts
        self.legacy_runs = 0
        self.sect_refs: list[tuple[str, str]] = []  # (kind 'header'|'footer', relationship id)
        self.note_refs: list[tuple[str, str, str]] = []  # (kind 'footnote'|'endnote', note id, mark) in order
        self.reading_notes = False  # inside a note a reference to another note is not followed
        self._numbers = {"footnote": 0, "endnote": 0}

    def local(self, el: etree._Element) -> str | None:
        """Local name of a WordprocessingML element, None for anything else."""
        tag = el.tag
        if not isinstance(tag, str) or not tag.startswith(self.w):
            return None
        return tag[len(self.w):]

    # -- blocks ---------------------------------------------------------------------------------

    def blocks(self, container: etree._Element, body: list[str], items: list[tuple[str, str]], depth: int = 0) -> None:
        """Walk block content: paragraphs, tables, content controls. Appends to ``body`` (lines)
        and ``items`` (('p', paragraph text) / ('row', table row text)) in reading order."""
        if depth > 60:
            raise IngestError("Tệp có cấu trúc lồng nhau quá sâu (bảng trong bảng…) nên không đọc được.", "corrupt")
        for child in container:
            name = self.local(child)
            if name == "p":
                self.paragraph(child, body, items, depth)
            elif name == "tbl":
                self.table(child, body, items, depth)
            elif name in _BLOCK_CONTAINERS:
                self.blocks(child, body, items, depth + 1)
            elif name == "sectPr":
                self._section(child)
            elif child.tag == f"{{{MC_NS}}}AlternateContent":
                choice = child.find(f"{{{MC_NS}}}Choice")
                if choice is not None:
                    self.blocks(choice, body, items, depth + 1)

    def _section(self, sect: etree._Element) -> None:
        for ref in sect:
            name = self.local(ref)
            if name in ("headerReference", "footerReference"):
                rid = next((ref.get(f"{{{ns}}}id") for ns in R_NAMESPACES if ref.get(f"{{{ns}}}id")), None)
                if rid:
                    self.sect_refs.append((name[:-9], rid))

    def table(self, tbl: etree._Element, body: list[str], items: list[tuple[str, str]], depth: int) -> None:
        for row in self._children(tbl, "tr"):
            cells: list[str] = []
            nested: list[tuple[str, str]] = []
            for cell in self._children(row, "tc"):
                cell_items: list[tuple[str, str]] = []
                self.blocks(cell, body, cell_items, depth + 1)
                cells.append(" ".join(" ".join(_lines(text)) for kind, text in cell_items if kind == "p").strip())
                nested.extend(item for item in cell_items if item[0] == "row")
            if any(cells):
                items.append(("row", clean_line(" | ".join(cells))))
            items.extend(nested)

    def _children(self, parent: etree._Element, wanted: str):
        """Direct ``wanted`` children, also those wrapped in content controls / customXml."""
        for child in parent:
            name = self.local(child)
            if name == wanted:
                yield child
            elif name in ("sdt", "sdtContent", "customXml", "ins", "moveTo"):
                yield from self._children(child, wanted)

    # -- paragraphs and runs --------------------------------------------------------------------

    def paragraph(self, p: etree._Element, body: list[str], items: list[tuple[str, str]], depth: int) -> None:
        style = None
        ppr = p.find(self.w + "pPr")
        if ppr is not None:
            pstyle = ppr.find(self.w + "pStyle")
            style = pstyle.get(self.w + "val") if pstyle is not None else None
            sect = ppr.find(self.w + "sectPr")
            if sect is not None:
                self._section(sect)
        parts: list[str] = []
        boxes: list[etree._Element] = []
        self.inline(p, style, parts, boxes)
        text = unicodedata.normalize("NFC", "".join(parts))
        lines = _lines(text)
        body.extend(lines)
        if lines:
            items.append(("p", "\n".join(lines)))
        for box in boxes:
            self.blocks(box, body, items, depth + 1)

    def inline(self, el: etree._Element, style: str | None, parts: list[str], boxes: list[etree._Element]) -> None:
        for child in el:
            name = self.local(child)
            if name == "r":
                self.run(child, style, parts, boxes)
            elif name in _INLINE_CONTAINERS:
                self.inline(child, style, parts, boxes)
            elif child.tag == f"{{{MC_NS}}}AlternateContent":
                choice = child.find(f"{{{MC_NS}}}Choice")
                if choice is not None:
                    self.inline(choice, style, parts, boxes)
            elif child.tag == f"{{{M_NS}}}oMathPara" or child.tag == f"{{{M_NS}}}oMath":
                parts.append(" ".join(t.text or "" for t in child.iter(f"{{{M_NS}}}t")))
            # w:del, w:moveFrom (deleted text), w:pPr, bookmarks, comments… are skipped

    def _note_reference(self, ref: etree._Element) -> tuple[str, str] | None:
        """(kind, note id) of a footnote/endnote reference to follow, numbered unless its mark is custom."""
        if self.reading_notes:
            return None
        kind = self.local(ref)[:-len("Reference")]
        note_id = ref.get(self.w + "id")
        if note_id is None:
            return None
        return kind, note_id

    def _number_note(self, kind: str, note_id: str, parts: list[str], mark: str | None = None) -> None:
        if mark is None:
            self._numbers[kind] += 1
            number = self._numbers[kind]
            mark = str(number) if kind == "footnote" else _roman(number)
        self.note_refs.append((kind, note_id, mark))
        parts.append(f"{_NOTE_OPEN}{mark}{_NOTE_CLOSE}")

    def run(self, r: etree._Element, style: str | None, parts: list[str], boxes: list[etree._Element]) -> None:
        encoding = self.fonts.encoding(r.find(self.w + "rPr"), style)
        converted = False
        custom_mark: tuple[str, str] | None = None  # a reference whose mark is the text that follows
        for child in r:
            name = self.local(child)
            if name == "t":
                text = (child.text or "") + "".join(sub.tail or "" for sub in child)  # entity refs dropped
                if text:
                    if encoding:
                        text = convert(text, encoding)
                        converted = True
                    if _NOTE_OPEN in text or _NOTE_CLOSE in text:
                        text = text.replace(_NOTE_OPEN, "").replace(_NOTE_CLOSE, "")
                    if custom_mark is not None:
                        self._number_note(*custom_mark, parts, clean_line(text) or None)
                        custom_mark = None
                        continue
                    parts.append(text)
            elif name in ("footnoteReference", "endnoteReference"):
                found = self._note_reference(child)
                if found is not None and child.get(self.w + "customMarkFollows", "0") in _ON:
                    custom_mark = found
                elif found is not None:
                    self._number_note(*found, parts)
            elif name in ("tab", "ptab"):
                parts.append("\t")
            elif name in ("br", "cr"):
                parts.append("\n")
            elif name == "noBreakHyphen":
                parts.append("-")
            elif name in ("drawing", "pict", "object") or child.tag == f"{{{MC_NS}}}AlternateContent":
                self._text_boxes(child, boxes)
            # w:instrText (field codes), w:delText (deleted), w:sym, w:softHyphen, w:rPr: skipped
        if custom_mark is not None:  # no mark text came: numbered like the others
            self._number_note(*custom_mark, parts)
        if converted:
            self.legacy_runs += 1

    def _text_boxes(self, el: etree._Element, boxes: list[etree._Element]) -> None:
        """Collect ``w:txbxContent`` below ``el``, skipping mc:Fallback copies (VML duplicates)."""
        for child in el:
            if not isinstance(child.tag, str) or child.tag == f"{{{MC_NS}}}Fallback":
                continue
            if self.local(child) == "txbxContent":
                boxes.append(child)
            else:
                self._text_boxes(child, boxes)


def _relationships(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """{rId: (type, target part name)} of ``part`` (internal targets only)."""
    rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels_name not in zf.NameToInfo:
        return {}
    root = parse_xml(read_member(zf, rels_name, PART_CAP))
    out: dict[str, tuple[str, str]] = {}
    for rel in root.iter(PKG_REL_NS + "Relationship"):
        if rel.get("TargetMode") == "External" or not rel.get("Id") or not rel.get("Target"):
            continue
        target = rel.get("Target")
        if target.startswith("/"):
            name = posixpath.normpath(target.lstrip("/"))
        else:
            name = posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
        out[rel.get("Id")] = (rel.get("Type") or "", name)
    return out


def _optional_part(zf: zipfile.ZipFile, rels: dict[str, tuple[str, str]], type_suffix: str) -> etree._Element | None:
    for rel_type, name in rels.values():
        if rel_type.endswith("/" + type_suffix) and name in zf.NameToInfo:
            return parse_xml(read_member(zf, name, PART_CAP))
    return None


def _notes(zf: zipfile.ZipFile, rels: dict[str, tuple[str, str]], walker: _Walker) -> list[str]:
    """The text of every footnote, then every endnote, the body referred to, each kind in the order
    of its references, one line each starting with its mark ('[1] …'); notes that are not referred
    to are left out."""
    parts: dict[str, dict[str, etree._Element]] = {}
    for kind in ("footnote", "endnote"):
        root = _optional_part(zf, rels, kind + "s")
        found: dict[str, etree._Element] = {}
        if root is not None:
            for note in root:
                if walker.local(note) == kind and note.get(walker.w + "type") in (None, "normal"):
                    found.setdefault(note.get(walker.w + "id"), note)
        parts[kind] = found
    lines: list[str] = []
    walker.reading_notes = True
    for wanted in ("footnote", "endnote"):
        for kind, note_id, mark in walker.note_refs:
            note = parts[kind].get(note_id) if kind == wanted else None
            if note is None:
                continue
            items: list[tuple[str, str]] = []
            walker.blocks(note, [], items, 1)
            text = " ".join(" ".join(_lines(_without_marks(text))) for _, text in items)
            if text.startswith(mark) and not mark.isdigit():  # a custom mark is typed again in its note
                text = text[len(mark):].lstrip()
            lines.append(f"[{mark}] {text}".rstrip())
    walker.reading_notes = False
    return lines


def _dedupe(lines: list[str]) -> list[str]:
    seen: set[str] = set()
    return [line for line in lines if not (line in seen or seen.add(line))]


def extract_docx(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ExtractedText:
    """Extract the text of the .docx at ``path`` and read its official header.

    First runs :func:`check_upload` on it as a .docx (zip-bomb, macro, corruption and content
    checks), then parses the main document, styles, theme and the headers/footers referenced by
    the sections. Returns an :class:`ExtractedText` (text in reading order, NFC; body, header and
    footer lines; :class:`HeaderMetadata` from the first 40 body lines; the number of runs
    converted from TCVN3/VNI fonts). Raises :class:`IngestError` (Vietnamese message) for a file
    that is not a safe, readable Word document. Creates no files.
    """
    check_upload(path, "document.docx", max_bytes=max_bytes, allowed=("docx",))
    try:
        with open_zip(path) as zf:
            return _extract(zf)
    except IngestError:
        raise
    except (RecursionError, MemoryError, etree.LxmlError, zipfile.BadZipFile, OSError, ValueError, KeyError,
            TypeError, AttributeError) as exc:
        raise IngestError(
            "Không đọc được nội dung văn bản Word (tệp bị hỏng hoặc có cấu trúc lạ). Hãy mở tệp bằng Word, "
            "lưu lại thành tệp .docx mới rồi tải lên lại.",
            "corrupt",
        ) from exc


def _extract(zf: zipfile.ZipFile) -> ExtractedText:
    part = main_document_part(zf)
    if part is None or part not in zf.NameToInfo:
        raise IngestError("Tệp bị hỏng hoặc không đầy đủ: không tìm thấy nội dung văn bản Word.", "corrupt")
    root = parse_xml(read_member(zf, part, DOCUMENT_CAP))
    w = next((f"{{{ns}}}" for ns in W_NAMESPACES if root.tag.startswith(f"{{{ns}}}")), None)
    if w is None:
        raise IngestError("Tệp không phải văn bản Word hợp lệ (phần nội dung chính không đúng định dạng).", "mismatch")
    rels = _relationships(zf, part)
    fonts = _FontResolver(w, _optional_part(zf, rels, "styles"), _optional_part(zf, rels, "theme"))

    walker = _Walker(w, fonts)
    body_lines: list[str] = []
    items: list[tuple[str, str]] = []
    body = root.find(w + "body")
    if body is not None:
        walker.blocks(body, body_lines, items)

    header_lines: list[str] = []
    footer_lines: list[str] = []
    done: set[str] = set()
    for kind, rid in list(walker.sect_refs):
        rel = rels.get(rid)
        if rel is None or rel[1] in done or rel[1] not in zf.NameToInfo:
            continue
        done.add(rel[1])
        part_root = parse_xml(read_member(zf, rel[1], PART_CAP))
        part_lines: list[str] = []
        walker.blocks(part_root, part_lines, [])
        (header_lines if kind == "header" else footer_lines).extend(part_lines)
    header_lines = _dedupe(header_lines)
    footer_lines = _dedupe(footer_lines)

    notes = _notes(zf, rels, walker) if walker.note_refs else []
    note_lines = [NOTES_HEADING, *notes] if notes else []
    text_lines = [*header_lines, *(_show_marks(text) for _, text in items), *note_lines, *footer_lines]
    plain_lines = [_without_marks(line) for line in body_lines[:HEADER_LINES_FOR_METADATA]]
    return ExtractedText(
        text="\n".join(text_lines),
        body_lines=[*(_show_marks(line) for line in body_lines), *note_lines],
        header_lines=header_lines,
        footer_lines=footer_lines,
        metadata=parse_official_header([line for line in plain_lines if line], page_header=header_lines),
        legacy_runs=walker.legacy_runs,
        notes=notes,
    )
