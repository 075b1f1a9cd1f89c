"""The "lacks figures" rule (*thiếu số liệu kiểm chứng*) for progress updates and unit reports."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from app import vntext

# What looks like a number but proves nothing about results, removed before looking for digits.
_LEADING_MARKS = re.compile(r"^\s*(?:(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s+|[-–—•+*]\s*)+", re.IGNORECASE)
_DATES = [
    re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b"),                           # 15/01/2024
    re.compile(r"\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?", re.IGNORECASE),     # ngày 10 tháng 4 năm 2024
    re.compile(r"\b(?:năm|quý|tháng|kỳ)\s+\d{1,4}\b", re.IGNORECASE),                        # năm 2024, tháng 6
    re.compile(r"\b\d{1,2}\s+tháng\s+(?:đầu|cuối)\s+năm\b", re.IGNORECASE),                  # 6 tháng đầu năm
    re.compile(r"\blần\s+(?:thứ\s+)?\d+\b", re.IGNORECASE),                                   # dự thảo lần 2
]
_DIGIT = re.compile(r"\d")
_RESULTS_HEADING = re.compile(r"^\s*(?:[IVX]+|\d+)[.)]\s*kết quả", re.IGNORECASE)
_NEXT_SECTION = re.compile(r"^\s*(?:[IVX]+[.)]\s+\S|nơi nhận\b)", re.IGNORECASE)
_ITEM = re.compile(r"^\s*[-–—•+*]\s*\S")


def figures_in(text: str | None) -> list[str]:
    """Return the figures written in ``text``: each run of text holding a digit that is a count,
    quantity, ratio or percentage (``37/52``, ``100%``, ``86,5%``, ``01 kế hoạch``).

    Digits that prove nothing are ignored: list and heading numbering at the start of a line
    (``1.``, ``II.``, ``a)``, ``-``), dates (``15/01/2024``, ``ngày 10 tháng 4 năm 2024``,
    ``năm 2024``, ``quý 1``, ``6 tháng đầu năm``), document numbers (``12/KH-VPC``) and
    draft counters (``lần 2``). Figures spelled out in words are not counted: official reports
    write verifiable figures in digits.
    """
    found = []
    for line in vntext.nfc(text or "").split("\n"):
        line = _LEADING_MARKS.sub("", line)
        for start, end, _number in reversed(vntext.find_numbers(line)):
            line = line[:start] + " " + line[end:]
        for pattern in _DATES:
            line = pattern.sub(" ", line)
        found += [m.group(0) for m in re.finditer(r"\S*\d\S*", line)]
    return found


def lacks_figures(text: str | None) -> bool:
    """True when ``text`` (what was done and its evidence) holds no figure as ``figures_in`` defines it."""
    return not figures_in(text)


@dataclass
class FiguresCheck:
    """The rule applied to a report: ``lacks_figures`` when its results section holds no figure;
    ``items_without`` names the result items (bullets or table rows) that hold none."""

    lacks_figures: bool
    items_without: list[str] = field(default_factory=list)
    items: int = 0


def results_section(lines: list[str]) -> list[str]:
    """Return the lines that describe results: from a numbered heading starting with *Kết quả*
    (``I. KẾT QUẢ THỰC HIỆN``, ``2. Kết quả``) or one in capitals (``KẾT QUẢ ĐẠT ĐƯỢC``) to the
    next Roman-numbered heading or *Nơi nhận*; the whole text
    when there is no such heading."""
    start = next((i for i, line in enumerate(lines)
                  if _RESULTS_HEADING.match(line) or (line.isupper() and line.startswith("KẾT QUẢ"))), None)
    if start is None:
        return list(lines)
    section = []
    for line in lines[start + 1:]:
        if _NEXT_SECTION.match(line):
            break
        section.append(line)
    return section


def _row_cells(line: str) -> list[str] | None:
    """The cells of a table row (``1 | task | … | evidence``) after its number column, or None."""
    if " | " not in line:
        return None
    cells = [c.strip() for c in line.split(" | ")]
    if not cells[0].rstrip(".").isdigit():
        return []  # a header row (STT | Nhiệm vụ | …): not a result item
    return cells[1:]


def check_report(lines: list[str]) -> FiguresCheck:
    """Apply the rule to a report's lines (its text, one line per paragraph or table row).

    A report **lacks figures** when no line of its results section holds a figure. Each result
    item — a bullet line or a numbered table row in that section — without a figure is listed, so
    the reform office sees which results are unproven even in a report that has some figures.
    """
    section = results_section(lines)
    items, without = 0, []
    for line in section:
        cells = _row_cells(line)
        if cells == []:
            continue
        if cells is not None:
            items += 1
            if lacks_figures(" ".join(cells)):
                without.append(cells[0] if cells else line)
        elif _ITEM.match(line):
            items += 1
            if lacks_figures(line):
                without.append(_LEADING_MARKS.sub("", line).split(":")[0].strip())
    has_any = any(figures_in(line if _row_cells(line) is None else " ".join(_row_cells(line) or []))
                  for line in section)
    return FiguresCheck(lacks_figures=not has_any, items_without=list(dict.fromkeys(without)), items=items)
