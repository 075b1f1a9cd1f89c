"""Read the metadata of an official Vietnamese document from its header (thể thức văn bản).

Layout (Decree 30/2020/NĐ-CP): top left the issuing body (parent body above, the actual issuer
on the lowest line) and ``Số: 15/BC-VPC``; top right the national motto ``CỘNG HÒA XÃ HỘI CHỦ
NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc`` and ``Hà Nội, ngày 10 tháng 4 năm 2024``; then
the type in capitals (``BÁO CÁO``) and the summary line (trích yếu). A Công văn has no type
heading: its summary is the ``V/v …`` line under the number.

The parser takes the first lines in reading order (a two-column header table gives left cell,
right cell, row by row; a PDF may glue both columns into one line, which is split at the motto
and at ``Số:``). It never raises: anything it cannot read is ``None``.

Two more shapes are read as a clerk reads them:

* **An annex** (phụ lục) says so in its page header or first lines: ``Phụ lục II`` and
  ``(Kèm theo Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ)``. It is a
  document of type *Phụ lục* with no number of its own: the number, type, date and issuer in that
  line are its parent's (``parent_*``), and its title is ``Phụ lục II: <its heading>``.
* **A form** (đơn, tờ khai, biên bản…) has the national motto but neither a number nor an issuing
  body: its title is the first heading after the motto block, its type that heading's first words
  when they name a known type (:data:`FORM_TYPES`), else none.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

MAX_LINES = 60  # only the top of the document is read
HEADING_ZONE = 25  # the type heading is looked for in this many lines
HEADER_ZONE = 20  # without a type heading, number/date/issuer are looked for in this many lines


@dataclass
class HeaderMetadata:
    """Metadata read from an official header; every field is None when not found."""

    number: str | None = None  # số ký hiệu as written, e.g. '15/BC-VPC', '107/2021/NĐ-CP', '16-NQ/TU'
    doc_type: str | None = None  # loại văn bản, title case: 'Báo cáo', 'Nghị định', 'Công văn'…
    issuer: str | None = None  # the actual issuing body (lowest line of the top-left block)
    issuer_parent: str | None = None  # the body above it in the top-left block, if any
    place: str | None = None  # 'Hà Nội'
    issued_on: datetime.date | None = None
    summary: str | None = None  # trích yếu; for a Công văn the 'V/v …' line; an annex's heading
    heading: str | None = None  # the first heading after the motto (a form's title), when there is no summary
    annex_label: str | None = None  # 'Phụ lục II' (an annex), 'Phụ lục' when it carries no number
    annex_position: int | None = None  # 2 for 'Phụ lục II' or 'Phụ lục 02': the annexes' order
    parent_type: str | None = None  # the document an annex comes with: 'Nghị định'
    parent_number: str | None = None  # '30/2020/NĐ-CP'
    parent_issued_on: datetime.date | None = None
    parent_issuer: str | None = None  # 'Chính phủ', from '… của Chính phủ'

    @property
    def title(self) -> str | None:
        """What a clerk would call the document: 'Phụ lục II: <heading>' for an annex, else the
        summary (trích yếu), else the first heading after the motto; None when none was read."""
        if self.annex_label:
            return f"{self.annex_label}: {self.summary}" if self.summary else self.annex_label
        return self.summary or self.heading


#: Type headings (upper case, as printed) → type name. Longer headings first where one contains another.
DOC_TYPES: dict[str, str] = {
    "THÔNG TƯ LIÊN TỊCH": "Thông tư liên tịch",
    "NGHỊ QUYẾT LIÊN TỊCH": "Nghị quyết liên tịch",
    "LUẬT": "Luật",
    "BỘ LUẬT": "Bộ luật",
    "PHÁP LỆNH": "Pháp lệnh",
    "LỆNH": "Lệnh",
    "NGHỊ ĐỊNH": "Nghị định",
    "NGHỊ QUYẾT": "Nghị quyết",
    "THÔNG TƯ": "Thông tư",
    "QUYẾT ĐỊNH": "Quyết định",
    "CHỈ THỊ": "Chỉ thị",
    "KẾ HOẠCH": "Kế hoạch",
    "BÁO CÁO": "Báo cáo",
    "THÔNG BÁO": "Thông báo",
    "CÔNG VĂN": "Công văn",
    "CÔNG ĐIỆN": "Công điện",
    "TỜ TRÌNH": "Tờ trình",
    "HƯỚNG DẪN": "Hướng dẫn",
    "QUY TRÌNH": "Quy trình",
    "QUY CHẾ": "Quy chế",
    "QUY ĐỊNH": "Quy định",
    "CHƯƠNG TRÌNH": "Chương trình",
    "ĐỀ ÁN": "Đề án",
    "PHƯƠNG ÁN": "Phương án",
    "DỰ ÁN": "Dự án",
    "KẾT LUẬN": "Kết luận",
    "BIÊN BẢN": "Biên bản",
    "GIẤY MỜI": "Giấy mời",
    "THÔNG CÁO": "Thông cáo",
    "HỢP ĐỒNG": "Hợp đồng",
    "BẢN GHI NHỚ": "Bản ghi nhớ",
    "BẢN THỎA THUẬN": "Bản thỏa thuận",
    "GIẤY ỦY QUYỀN": "Giấy ủy quyền",
    "GIẤY GIỚI THIỆU": "Giấy giới thiệu",
    "PHIẾU GỬI": "Phiếu gửi",
    "PHIẾU CHUYỂN": "Phiếu chuyển",
}

#: The first words of a form's heading (upper case) → type name; the type headings above count too.
FORM_TYPES: dict[str, str] = {
    "GIẤY ĐỀ NGHỊ": "Giấy đề nghị",
    "TỜ KHAI": "Tờ khai",
    "ĐƠN": "Đơn",
    "MẪU": "Mẫu",
    "BẢN KHAI": "Bản khai",
    "BẢN CAM KẾT": "Bản cam kết",
    "PHIẾU": "Phiếu",
}
_NOT_FORM_TYPES = ("ĐƠN VỊ", "MẪU SỐ")  # 'ĐƠN VỊ …' is a unit, 'MẪU SỐ 01' a mark above the motto

#: Legal texts: after their heading a line in capitals is the signing authority, not the summary.
_LEGAL_TYPES = {"Luật", "Bộ luật", "Pháp lệnh", "Lệnh", "Nghị định", "Nghị quyết", "Nghị quyết liên tịch", "Thông tư",
                "Thông tư liên tịch", "Quyết định", "Chỉ thị"}

#: Type codes in numbers (15/BC-VPC → BC) used when no heading is found.
TYPE_CODES: dict[str, str] = {
    "NĐ": "Nghị định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch", "QĐ": "Quyết định", "CT": "Chỉ thị",
    "NQ": "Nghị quyết", "KH": "Kế hoạch", "BC": "Báo cáo", "TB": "Thông báo", "TTR": "Tờ trình",
    "HD": "Hướng dẫn", "QT": "Quy trình", "QC": "Quy chế", "QYĐ": "Quy định", "CTR": "Chương trình",
    "ĐA": "Đề án", "KL": "Kết luận", "BB": "Biên bản", "GM": "Giấy mời", "CĐ": "Công điện", "PA": "Phương án",
}

_SPACES = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_LOOKALIKES = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ"})  # Ð (Icelandic eth) etc.

_MOTTO_RE = re.compile(
    r"C[ỘO]NG\s+H(?:ÒA|OÀ|OA)\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM"
    r"|Đ[ỘO]C\s+L[ẬA]P\s*[-–—‐]+\s*T[ỰU]\s+DO\s*[-–—‐]+\s*H[ẠA]NH\s+PH[ÚU]C"
    r"|^\s*Đ[ẢA]NG\s+C[ỘO]NG\s+S[ẢA]N\s+VI[ỆE]T\s+NAM\s*$",
    re.IGNORECASE,
)
_SEPARATOR_RE = re.compile(r"^[\s\-–—‐_=*.~·•]{3,}$")
# "Số: 15/BC-VPC", "Số:15/BC-VPC", "Số 107/2021/NĐ-CP", "Số 16-NQ/TU"; blank drafts "Số:    /BC-VPC".
_NUMBER_LABEL_RE = re.compile(r"(?<!\w)S[ốỐ]\s*(?:[:.]\s*)?(?=[\d/ ]|$)", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\d+[\w.]*(?:(?:\s?/\s?|-)[\w.]+)+|\d+")
_DATE_WORDS = r"(?:ngày\s*)?(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*,?\s*năm\s*(?P<y>\d{4})"
_DATE_NUMERIC = r"(?:ngày\s*)?(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"
_PLACE = r"(?P<place>[^\W\d_](?:[^\W\d_]|[ .'\-])*?)"
_PLACE_DATE_RES = [
    re.compile(rf"^{_PLACE}\s*,\s*{_DATE_WORDS}", re.IGNORECASE),
    re.compile(rf"^{_PLACE}\s*,\s*{_DATE_NUMERIC}", re.IGNORECASE),
    re.compile(rf"^(?P<place>){_DATE_WORDS}", re.IGNORECASE),  # no place: must start with a date form
    re.compile(r"^(?P<place>)ngày\s*(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})",
               re.IGNORECASE),
]
_PLACE_ONLY_RE = re.compile(rf"^{_PLACE}\s*,\s*ngày\b", re.IGNORECASE)  # "Hà Nội, ngày   tháng   năm 2024"
_VV_RE = re.compile(r"^(?:V/v|V/V|v/v|Về việc|VỀ VIỆC)\b\.?\s*", re.UNICODE)
_MARKS = {"MẬT", "TUYỆT MẬT", "TỐI MẬT", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC", "HOẢ TỐC", "HỎA TỐC HẸN GIỜ"}
_MARK_RE = re.compile(r"^(?:DỰ THẢO|Dự thảo|Mẫu số|MẪU SỐ|Phụ lục|PHỤ LỤC)\b")
_ANNEX_RE = re.compile(r"^[(\[]?\s*(?:PHỤ\s+LỤC|Phụ\s+lục|Phụ\s+Lục)\b\s*(?:(?:số|SỐ|Số)\s*)?"
                       r"(?P<label>[IVXLC]{1,8}|\d{1,3}[a-zA-Z]?)?(?![\w/])\s*[.:\-–—]?\s*(?P<rest>.*)$")
_WITH_RE = re.compile(r"(?:ban\s+hành\s+)?kèm\s+theo\s+(?P<type>[^\W\d_][^\d]*?)?\s*(?:số\s*:?\s*)?"
                      r"(?P<number>\d+[\w.]*(?:(?:\s?/\s?|-)[\w.]+)+)(?P<after>.*)$", re.IGNORECASE)
_OF_RE = re.compile(r"\bcủa\s+(?P<issuer>[^()]+?)\s*[).;]*\s*$", re.IGNORECASE)
_ANNEX_ZONE = 12  # an annex says so within this many lines
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_FILL_IN_DATE_RE = re.compile(r"ngày\W*tháng\W*năm", re.IGNORECASE)  # "…, ngày … tháng … năm …" left blank
_SUMMARY_STOP_RE = re.compile(
    r"^(?:Căn cứ|Theo đề nghị|Xét đề nghị|Kính gửi|Nơi nhận|Điều \d|Chương [IVXLC\d]|Phần [IVXLC\d]|Mục \d"
    r"|[IVXLC]+\.|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[-+•*–])",
)

#: Words (lower case) that begin the name of a body; a top-left line not starting with one of these
#: continues the line above it ("ỦY BAN NHÂN DÂN" / "TỈNH CAO BẰNG").
_ORG_PREFIXES = sorted(
    {
        "ủy ban nhân dân", "uỷ ban nhân dân", "hội đồng nhân dân", "ubnd", "hđnd", "ủy ban", "uỷ ban",
        "thanh tra", "văn phòng", "bộ", "sở", "vụ", "cục", "tổng cục", "chi cục", "ban chỉ đạo", "ban",
        "phòng", "trung tâm", "viện", "học viện", "trường", "đại học", "tòa án", "toà án", "viện kiểm sát",
        "kiểm toán", "bảo hiểm", "ngân hàng", "kho bạc", "công an", "bộ chỉ huy", "bộ tư lệnh", "tổng công ty",
        "công ty", "tập đoàn", "đảng ủy", "đảng uỷ", "đảng bộ", "tỉnh ủy", "tỉnh uỷ", "thành ủy", "thành uỷ",
        "huyện ủy", "huyện uỷ", "quận ủy", "quận uỷ", "thị ủy", "thị uỷ", "chi bộ", "tổ", "nhóm", "hội đồng",
        "hội", "liên đoàn", "liên hiệp", "đoàn", "mặt trận", "báo", "tạp chí", "đài", "quốc hội", "chính phủ",
        "thủ tướng", "chủ tịch", "bệnh viện", "hạt", "đội", "trạm", "chi nhánh", "cơ quan", "tổng liên đoàn",
    },
    key=len,
    reverse=True,
)
#: Bodies whose name is followed directly by a place name (Tỉnh ủy Cao Bằng).
_PLACE_NAMED = {"tỉnh ủy", "tỉnh uỷ", "thành ủy", "thành uỷ", "huyện ủy", "huyện uỷ", "quận ủy", "quận uỷ",
                "thị ủy", "thị uỷ"}
#: Administrative levels: lower case, and the place name after them is title-cased (tỉnh Cao Bằng).
_ADMIN_LEVELS = sorted({"tỉnh", "thành phố", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường", "tp.", "tp"},
                       key=len, reverse=True)
#: Proper names always capitalised inside a body's name.
_PROPER = {
    "chính phủ": "Chính phủ", "trung ương": "Trung ương", "quốc hội": "Quốc hội", "việt nam": "Việt Nam",
    "nhà nước": "Nhà nước", "tổ quốc": "Tổ quốc", "thủ tướng": "Thủ tướng", "đảng": "Đảng",
    "tỉnh ủy": "Tỉnh ủy", "tỉnh uỷ": "Tỉnh uỷ", "thành ủy": "Thành ủy", "thành uỷ": "Thành uỷ",
    "hồ chí minh": "Hồ Chí Minh", "hà nội": "Hà Nội",
}
_PROPER_PHRASES = sorted(_PROPER, key=len, reverse=True)
#: Kinds of body written with a capital inside the kind itself.
_PREFIX_FORMS = {"ban chỉ đạo": "Ban Chỉ đạo"}
_ACRONYMS = {"UBND", "HĐND", "TTCP", "VPCP", "BCĐ", "MTTQ", "CCHC", "TTHC", "TW", "TP", "TP.", "CP",
             "BNV", "CNTT", "KHCN", "ĐHQG", "BHXH", "QLNN", "CAND", "QĐND", "TNHH", "CNXH", "ISO", "II", "III", "IV"}
_VOWELS = set("aăâeêioôơuưyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def _clean(line: str) -> str:
    text = unicodedata.normalize("NFC", line).translate(_INVISIBLE).translate(_LOOKALIKES)
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def _is_upper(text: str) -> bool:
    """True when (nearly) every letter is a capital (acronyms and 'và' style slips tolerated)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper / len(letters) >= 0.8


def _is_separator(text: str) -> bool:
    return bool(_SEPARATOR_RE.match(text))


def _is_mark(text: str) -> bool:
    return text.upper().rstrip(".:!") in _MARKS or bool(_MARK_RE.match(text))


def _split_line(text: str) -> list[tuple[str, bool]]:
    """Split a line at the motto (kept as a motto segment) → [(text, is_motto), …]."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for match in _MOTTO_RE.finditer(text):
        before = text[pos:match.start()].strip(" -–—|")
        if before:
            out.append((before, False))
        out.append((match.group(0), True))
        pos = match.end()
    rest = text[pos:].strip(" -–—|")
    if rest:
        out.append((rest, False))
    return out


def _prepare(lines: list[str]) -> list[tuple[str, bool]]:
    """NFC, whitespace-collapsed, non-empty lines (split at line breaks, the motto and 'Số:')."""
    out: list[tuple[str, bool]] = []
    for raw in lines[: MAX_LINES * 2]:
        if not isinstance(raw, str):
            continue
        for piece in raw.splitlines():
            text = _clean(piece)
            if not text:
                continue
            for segment, is_motto in _split_line(text):
                if is_motto:
                    out.append((segment, True))
                    continue
                # "THANH TRA CHÍNH PHỦ Số: 15/BC-VPC Hà Nội, ngày …" (PDF columns glued together)
                label = _NUMBER_LABEL_RE.search(segment)
                if (label and label.start() > 0 and segment[label.start()] == "S"
                        and _NUMBER_RE.match(segment, label.end())):  # running text says "số", lower case
                    head = segment[: label.start()].strip()
                    if head:
                        out.append((head, False))
                    segment = segment[label.start():]
                out.append((segment, False))
        if len(out) >= MAX_LINES:
            break
    return out[:MAX_LINES]


def _match_number(text: str) -> tuple[str | None, str] | None:
    """For a 'Số: …' line return (number or None for a blank draft number, rest of the line)."""
    label = _NUMBER_LABEL_RE.match(text)
    if not label:
        return None
    after = text[label.end():]
    number = _NUMBER_RE.match(after.lstrip())
    if number:
        value = re.sub(r"\s?/\s?", "/", number.group(0)).rstrip(".")
        rest = after.lstrip()[number.end():].strip()
        if "/" not in value and "-" not in value and rest and not rest.startswith("/"):
            return None  # "Số 5 …" in running text, not a document number
        return value, rest
    if after.strip().startswith("/") or not after.strip():
        return None, ""  # number left blank in a draft: "Số:     /BC-VPC"
    return None


def _match_date(text: str) -> tuple[str | None, datetime.date | None] | None:
    """For a place-and-date line return (place, date or None if invalid); None if not such a line."""
    for regex in _PLACE_DATE_RES:
        match = regex.match(text)
        if not match:
            continue
        place = _clean(match.group("place") or "").strip(" ,.-") or None
        if place and (len(place.split()) > 6 or _is_upper(place) and len(place) > 25):
            continue
        try:
            year, month, day = int(match.group("y")), int(match.group("m")), int(match.group("d"))
            issued = datetime.date(year, month, day) if 1900 <= year <= 2100 else None
        except ValueError:
            issued = None
        return place, issued
    match = _PLACE_ONLY_RE.match(text)
    if match and len(match.group("place").split()) <= 6:
        return _clean(match.group("place")).strip(" ,.-") or None, None
    return None


def _match_heading(text: str, glued_capitals: bool = False) -> tuple[str, str] | None:
    """(type name, rest of line) when ``text`` is a type heading such as 'BÁO CÁO'.

    Also a heading glued to its summary: 'BÁO CÁO Kết quả …' (PDF text), and with
    ``glued_capitals`` a line all in capitals such as 'KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2024'
    (multi-word types only, so that 'LUẬT SƯ …' is not a Luật).
    """
    candidate = text.rstrip(" .")
    if candidate.upper() in DOC_TYPES and _is_upper(candidate):
        return DOC_TYPES[candidate.upper()], ""
    for heading, name in DOC_TYPES.items():
        if not text.startswith(heading + " "):
            continue
        rest = text[len(heading):].strip()
        if not _is_upper(rest) and rest[:1].isupper():  # "BÁO CÁO Kết quả …"
            return name, rest
        if glued_capitals and _is_upper(rest) and " " in heading and len(rest.split()) >= 2:
            return name, rest
    return None


def _is_summary_line(text: str, first: bool, capitals: bool) -> bool:
    """Can ``text`` be (the first / a further) line of a summary? ``capitals``: summaries in capitals allowed."""
    if _SUMMARY_STOP_RE.match(text) or _is_separator(text) or len(text) > 400:
        return False
    if first:
        return not text.endswith(":") and (capitals or not _is_upper(text) or bool(_VV_RE.match(text)))
    if capitals:
        return _is_upper(text) and not text.endswith(":")
    return text[:1].islower() or text[:1].isdigit() or text[:1] == "("


def _collect_summary(
    items: list[tuple[str, bool]], start: int, first_text: str | None = None, doc_type: str | None = None
) -> str | None:
    """The summary starting at ``items[start]`` (or ``first_text``), with its continuation lines.

    Continuation lines start in lower case (a wrapped sentence), or are in capitals when the
    summary itself is. A summary in capitals is accepted except after the heading of a legal text,
    where a line in capitals is the signing authority ('BỘ TRƯỞNG BỘ NỘI VỤ').
    """
    capitals_allowed = doc_type not in _LEGAL_TYPES
    parts: list[str] = []
    index = start
    if first_text is None:
        while index < len(items) and not items[index][1] and _is_separator(items[index][0]):
            index += 1
        if index >= len(items) or items[index][1] or not _is_summary_line(items[index][0], True, capitals_allowed):
            return None
        first_text = items[index][0]
        index += 1
    elif not _is_summary_line(first_text, True, capitals_allowed):
        return None
    parts.append(first_text)
    in_capitals = _is_upper(first_text) and not _VV_RE.match(first_text)
    while index < len(items) and len(parts) < 4:
        text, is_motto = items[index]
        if is_motto or parts[-1].endswith((".", ":", ";")) or not _is_summary_line(text, False, in_capitals):
            break
        parts.append(text)
        index += 1
    summary = _SPACES.sub(" ", " ".join(parts)).strip(" -–—_")
    return summary or None


def _type_from_number(number: str | None) -> str | None:
    if not number:
        return None
    party = re.match(r"^\d+-([^\W\d_]+)/", number)  # 16-NQ/TU
    if party:
        code = party.group(1)
    else:
        code = number.rsplit("/", 1)[-1].split("-", 1)[0]
    return TYPE_CODES.get(code.upper())


# ------------------------------------------------------------------------------------------------
# Issuer names: "THANH TRA CHÍNH PHỦ" → "Thanh tra Chính phủ"
# ------------------------------------------------------------------------------------------------


def _starts_with(words: list[str], index: int, phrases: list[str]) -> str | None:
    for phrase in phrases:
        size = len(phrase.split())
        if " ".join(words[index:index + size]) == phrase:
            if phrase == "xã" and index + 1 < len(words) and words[index + 1] == "hội":
                continue  # "Xã hội" (Lao động - Thương binh và Xã hội) is not a commune
            return phrase
    return None


def _org_prefix(text: str) -> str | None:
    return _starts_with(text.lower().split(), 0, _ORG_PREFIXES)


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _is_acronym(word: str) -> bool:
    bare = word.strip(".,()")
    if bare.upper() in _ACRONYMS:
        return True
    letters = [c for c in bare.lower() if c.isalpha()]
    return len(letters) >= 2 and not any(c in _VOWELS for c in letters)


def org_case(name: str) -> str:
    """Write an upper-case body name the way running text does: 'VỤ PHÁP CHẾ' → 'Vụ Pháp chế'.

    Rule of Decree 30/2020 (appendix II): capitalise the first syllable of the name, the first
    syllable of the specific part after the kind of body (Bộ *Nội* vụ), each item after a comma,
    hyphen or 'và' (Bộ Lao động - *Thương* binh và *Xã* hội), place names after an administrative
    level (tỉnh *Cao Bằng*) and proper names (Chính phủ, Trung ương). Acronyms stay upper case.
    A name that is not in capitals is returned unchanged.
    """
    if not _is_upper(name):
        return name
    original = name.split()
    words = [w.lower() for w in original]
    out: list[str] = []
    i = 0
    capitalise_next = True  # the first syllable of the name, of the specific part, of a list item
    place_mode = False  # inside a place name: every syllable capitalised
    prefix = _starts_with(words, 0, _ORG_PREFIXES)
    if prefix and not _is_acronym(original[0]):
        size = len(prefix.split())
        if prefix in _PREFIX_FORMS:
            out.extend(_PREFIX_FORMS[prefix].split())
            capitalise_next = False
        else:
            out.append(_cap(words[0]))
            out.extend(words[1:size])
        i = size
        place_mode = prefix in _PLACE_NAMED
    while i < len(words):
        word = words[i]
        if _is_acronym(original[i]):
            out.append(original[i])
            place_mode = place_mode or original[i].rstrip(".").upper() == "TP"
            i += 1
            capitalise_next = i == 1  # after a leading "UBND" comes the specific part
            continue
        proper = None if place_mode else _starts_with(words, i, _PROPER_PHRASES)
        if proper:
            out.extend(_PROPER[proper].split())
            i += len(proper.split())
            capitalise_next = False
            continue
        level = _starts_with(words, i, _ADMIN_LEVELS) if out else None
        if level:
            size = len(level.split())
            out.extend(words[i:i + size])
            i += size
            place_mode = True
            capitalise_next = False
            continue
        out.append(_cap(word) if place_mode or capitalise_next else word)
        capitalise_next = word in ("-", "–", "—", "và") or word.endswith(",")
        i += 1
    return " ".join(out)


def _issuer_units(lines: list[str]) -> list[str]:
    """Group the top-left lines into bodies: a line not starting with a kind of body continues the one above."""
    units: list[str] = []
    for line in lines:
        if units and _org_prefix(line) is None:
            units[-1] = units[-1] + " " + line
        else:
            units.append(line)
    return units


def _looks_like_issuer_line(text: str) -> bool:
    if _is_separator(text) or _is_mark(text) or len(text) > 120 or any(c.isdigit() for c in text):
        return False
    if text.endswith((".", ":", ";")):
        return False
    return _is_upper(text) or (len(text.split()) <= 10 and _org_prefix(text) is not None)


# ------------------------------------------------------------------------------------------------


def _roman_value(label: str) -> int | None:
    """Value of a Roman numeral label ('IV' → 4), None if it is not one."""
    values = [_ROMAN.get(c) for c in label.upper()]
    if not values or None in values:
        return None
    total = 0
    for index, value in enumerate(values):
        total += -value if index + 1 < len(values) and values[index + 1] > value else value
    return total


def _label_position(label: str | None) -> int | None:
    """The order an annex label gives: 'II' → 2, '02' → 2, '3a' → 3; None without a label."""
    if not label:
        return None
    if label[0].isdigit():
        return int(label.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") or 0)
    return _roman_value(label)


def is_motto(line: str | None) -> bool:
    """True for a line of the national motto ('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự
    do - Hạnh phúc', either tone placement, any case) or the Party's ('ĐẢNG CỘNG SẢN VIỆT NAM')."""
    return bool(line) and bool(_MOTTO_RE.search(_clean(line)))


def annex_position(title: str | None) -> int | None:
    """The place of an annex among its parent's annexes read from its title: 2 for 'Phụ lục II: …',
    'PHỤ LỤC 02' or 'Phụ lục số 2'; None when the title does not start with a numbered 'Phụ lục'."""
    match = _ANNEX_RE.match(_clean(title or ""))
    return _label_position(match.group("label")) if match else None


def type_from_number(number: str | None) -> str | None:
    """The type a document number's code names ('30/2020/NĐ-CP' → 'Nghị định', '16-NQ/TU' →
    'Nghị quyết'); None for an unknown code or no number."""
    return _type_from_number(number)


def _doc_type_named(words: str | None) -> str | None:
    """The type a phrase names ('Nghị định', 'quyết định', 'THÔNG TƯ LIÊN TỊCH'), None otherwise."""
    if not words:
        return None
    return DOC_TYPES.get(" ".join(words.split()).upper().strip(" ,.:;("))


def _parent_reference(text: str) -> tuple[str | None, str, datetime.date | None, str | None] | None:
    """(type, number, date, issuer) of the document a 'kèm theo <type> số <number> ngày … của …'
    phrase names; None when ``text`` holds no such phrase with a document number."""
    match = _WITH_RE.search(text)
    if not match:
        return None
    number = re.sub(r"\s?/\s?", "/", match.group("number")).rstrip(".")
    if "/" not in number:
        return None
    after = match.group("after")
    issued = None
    for regex in (_DATE_WORDS, _DATE_NUMERIC):
        date_match = re.search(regex, after, re.IGNORECASE)
        if date_match:
            try:
                issued = datetime.date(int(date_match.group("y")), int(date_match.group("m")),
                                       int(date_match.group("d")))
            except ValueError:
                issued = None
            break
    of = _OF_RE.search(after)
    issuer = org_case(of.group("issuer").strip()) if of else None
    doc_type = _doc_type_named(match.group("type")) or _type_from_number(number)
    return doc_type, number, issued, issuer


def _joined_parenthesis(lines: list[str], index: int) -> tuple[str, int]:
    """The line at ``index`` joined with the next ones up to its closing bracket (at most 3 more):
    '(Kèm theo Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020' / 'của Chính phủ)'; and the
    index after the last line used."""
    text = lines[index]
    end = index + 1
    if text.startswith("(") and ")" not in text:
        while end < len(lines) and end <= index + 3:
            text += " " + lines[end]
            end += 1
            if ")" in lines[end - 1]:
                break
    return text, end


def _heading_after(lines: list[str], start: int, skip=lambda _text: False) -> str | None:
    """The heading at or after ``lines[start]``: motto, separators, marks ('Mẫu số 01'), blank
    place-and-date lines and whatever ``skip`` says are passed over; a heading in capitals takes
    the lines in capitals of two words or more that follow it (a wrapped heading), at most four
    lines in all. None when the first line left is body text ('Điều 1.', 'I. …', 'Kính gửi')."""
    index = start
    while index < len(lines):
        text = lines[index]
        if (_MOTTO_RE.search(text) or _is_separator(text) or _is_mark(text) or skip(text)
                or _match_date(text) or _FILL_IN_DATE_RE.search(text) or _match_number(text) is not None):
            index += 1
            continue
        break
    if index >= len(lines) or _SUMMARY_STOP_RE.match(lines[index]):
        return None
    parts = [lines[index]]
    if _is_upper(parts[0]):
        for text in lines[index + 1:index + 4]:
            if (not _is_upper(text) or len(text.split()) < 2 or _MOTTO_RE.search(text) or _is_separator(text)
                    or skip(text) or _SUMMARY_STOP_RE.match(text) or text.endswith(":")):
                break  # one word in capitals ('STT', a table's first cell) does not continue a heading
            parts.append(text)
    heading = _SPACES.sub(" ", " ".join(parts)).strip(" -–—_:.")
    return heading or None


def _read_annex(page_header: list[str], lines: list[str], meta: HeaderMetadata) -> bool:
    """Fill ``meta`` as an annex when the page header or the first lines say 'Phụ lục … kèm theo
    <type> số <number>' (the reference may follow the 'Phụ lục' line within three lines); return
    whether they do. A 'Phụ lục' line after the document's own 'Số:' line is not an annex's."""
    def is_reference(text: str) -> bool:
        return bool(_WITH_RE.search(text)) and (text.startswith(("(", "[")) or text.lower().startswith(
            ("kèm theo", "ban hành kèm theo")))

    found = None  # (label, rest of the 'Phụ lục' line, index in lines or None for the page header, reference)
    for where, source in (("body", lines[:_ANNEX_ZONE]), ("header", page_header)):  # the body's says more
        for index, text in enumerate(source):
            if where == "body" and _match_number(text) is not None:
                break  # the document's own number comes first: not an annex
            match = _ANNEX_RE.match(text)
            if not match:
                continue
            reference = _parent_reference(text)
            for later in range(index + 1, min(index + 4, len(source))):
                if reference is not None:
                    break
                joined, _end = _joined_parenthesis(source, later)
                if is_reference(joined):
                    reference = _parent_reference(joined)
            if reference is not None:
                rest = match.group("rest")
                found = (match.group("label"), rest, index if where == "body" else None, reference)
                break
        if found:
            break
    if not found:
        return False
    label, rest, at, (meta.parent_type, meta.parent_number, meta.parent_issued_on, meta.parent_issuer) = found
    meta.doc_type = "Phụ lục"
    meta.annex_label = f"Phụ lục {label}" if label else "Phụ lục"
    meta.annex_position = _label_position(label)
    meta.issued_on = meta.parent_issued_on
    meta.issuer = meta.parent_issuer
    own_heading = rest.strip(" .:-–—")
    if own_heading and not own_heading.lower().startswith(("kèm theo", "ban hành kèm theo", "(")) \
            and not _WITH_RE.search(own_heading):
        meta.summary = own_heading
    else:
        def skip(text: str) -> bool:  # the label, the reference and the lines a reference wraps over
            return (bool(_ANNEX_RE.match(text)) or is_reference(text) or (text.startswith("(") and ")" not in text)
                    or (text.rstrip().endswith(")") and text.count("(") < text.count(")")))
        meta.summary = _heading_after(lines, 0 if at is None else at + 1, skip)
    return True


def _form_type(heading: str) -> str | None:
    """The type a form's heading names by its first words ('ĐƠN ĐỀ NGHỊ …' → 'Đơn'), else None."""
    upper = heading.upper()
    if upper.startswith(_NOT_FORM_TYPES):
        return None
    known = {**DOC_TYPES, **FORM_TYPES}
    for words in sorted(known, key=len, reverse=True):
        if upper == words or upper.startswith(words + " ") or upper.startswith(words + ":"):
            return known[words]
    return None


def parse_official_header(lines: list[str], page_header: list[str] | None = None) -> HeaderMetadata:
    """Parse the first lines of an official document (in reading order) into a HeaderMetadata.

    Reads the number ('Số: 15/BC-VPC'), the place and date ('Hà Nội, ngày 10 tháng 4 năm 2024',
    also 'ngày 02/8/2019', missing 'ngày', extra spaces), the type heading ('BÁO CÁO' → 'Báo cáo';
    a 'V/v …' line without heading → 'Công văn'; otherwise the type code of the number), the
    summary line(s) after the heading (or the 'V/v' line) and the issuer (lowest body of the
    top-left block, its parent in ``issuer_parent``). Lines may be NFC or NFD. The motto lines
    are never taken as issuer or summary. An impossible date (31/2) gives ``issued_on=None``.

    An annex ('Phụ lục II … kèm theo Nghị định số 30/2020/NĐ-CP', in ``page_header`` — the page
    header's lines — or the first lines) gives type 'Phụ lục', no number, its heading as summary and
    the parent's type, number, date and issuer in ``parent_*`` (the date and issuer also as its
    own). A document with the motto but neither number nor issuer (a form) gets ``heading``, the
    first heading after the motto, and the type its first words name (:data:`FORM_TYPES`, the type
    headings), else no type; any other document without a summary gets ``heading`` too, its type
    unchanged. ``title`` says which of these names the document. Never raises: whatever cannot be
    read is None.
    """
    try:
        return _parse(lines, page_header)
    except Exception:  # noqa: BLE001 - the contract is "never raises"; a bad header is just unknown
        return HeaderMetadata()


def _plain_lines(lines) -> list[str]:
    """Cleaned, non-empty lines split at line breaks (not at the motto or 'Số:')."""
    out = []
    for raw in list(lines or [])[: MAX_LINES * 2]:
        if isinstance(raw, str):
            out += [text for text in (_clean(piece) for piece in raw.splitlines()) if text]
    return out[:MAX_LINES]


def _parse(lines: list[str], page_header: list[str] | None = None) -> HeaderMetadata:
    meta = HeaderMetadata()
    plain = _plain_lines(lines)
    if _read_annex(_plain_lines(page_header), plain, meta):
        return meta
    items = _prepare(list(lines or []))
    if not items:
        return meta

    heading_at = None
    heading_rest = ""
    for index, (text, is_motto) in enumerate(items[:HEADING_ZONE]):
        if not is_motto and _VV_RE.match(text) and not text.startswith(("Về việc", "VỀ VIỆC")):
            break  # a Công văn: no type heading; capitals further down are body sections
        if not is_motto:
            found = _match_heading(text, glued_capitals=index > 0)
            if found:
                heading_at = index
                meta.doc_type, heading_rest = found
                break
    zone_end = heading_at if heading_at is not None else min(len(items), HEADER_ZONE)

    number_at = date_at = vv_at = None
    for index in range(zone_end):
        text, is_motto = items[index]
        if is_motto:
            continue
        if number_at is None:
            found_number = _match_number(text)
            if found_number is not None:
                number_at = index
                meta.number, rest = found_number
                if rest and date_at is None:
                    found_date = _match_date(rest)
                    if found_date:
                        date_at = index
                        meta.place, meta.issued_on = found_date
                continue
        if date_at is None:
            found_date = _match_date(text)
            if found_date:
                date_at = index
                meta.place, meta.issued_on = found_date
                continue
        if vv_at is None and _VV_RE.match(text):
            vv_at = index

    # Summary: the line(s) after the heading; for a Công văn the "V/v …" line.
    if heading_at is not None:
        meta.summary = _collect_summary(items, heading_at + 1, heading_rest or None, meta.doc_type)
    if meta.summary is None and vv_at is not None:
        meta.summary = _collect_summary(items, vv_at)
        if meta.doc_type is None and meta.summary:
            meta.doc_type = "Công văn"
    if meta.doc_type is None:
        meta.doc_type = _type_from_number(meta.number)

    # Issuer: the top-left lines before the first number / date / heading / V/v line.
    anchors = [i for i in (number_at, date_at, heading_at, vv_at) if i is not None]
    has_motto = any(is_motto for _, is_motto in items[:zone_end])
    if anchors or has_motto:
        # Without a number, date or heading the issuing body stands before the motto (left column
        # first): what follows the motto is a form's heading, not a body.
        end = min(anchors) if anchors else next(i for i, (_, is_motto) in enumerate(items) if is_motto)
        block = [text for text, is_motto in items[:end] if not is_motto and _looks_like_issuer_line(text)]
        units = _issuer_units(block)
        if units:
            meta.issuer = org_case(units[-1])
            meta.issuer_parent = org_case(units[-2]) if len(units) > 1 else None

    # A form: the motto, then its heading; no number, no issuing body.
    motto_at = [index for index, (_, is_motto) in enumerate(items[:HEADING_ZONE]) if is_motto]
    if motto_at and meta.summary is None or motto_at and meta.number is None and meta.issuer is None:
        texts = [text for text, _ in items]
        heading = _heading_after(texts, motto_at[-1] + 1)
        if heading and meta.number is None and meta.issuer is None:
            found_type = _form_type(heading)
            bare = found_type is not None and heading.upper().rstrip(" .:") in {**DOC_TYPES, **FORM_TYPES}
            if bare:  # 'BIÊN BẢN' / 'Họp Tổ công tác CCHC': the line under a bare type word completes it
                at = texts.index(heading) if heading in texts else None
                subtitle = _collect_summary(items, at + 1, None, found_type) if at is not None else None
                heading = f"{heading} {subtitle}" if subtitle else heading
            meta.heading = heading
            meta.doc_type = found_type
            meta.summary = None
        elif heading and meta.summary is None:
            meta.heading = heading
    return meta
