"""Unit report rules: submitting a .docx for a period (versions kept), lateness against the period
deadline, and the readable preview. Who reads a report: ``app.access.can_read_report``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import access, clock, vntext
from app.errors import ConcurrentEditError, Forbidden, Invalid
from app.extensions import db
from app.models import ReportPeriod, ReportVersion, UnitReport, User
from app.services.library.documents import _saving
from app.services.notify import events as notify_events
from app.services.plans import plans as plan_rules
from app.services.plans.figures import check_report
from app.services.uploads import Prefill, StoredUpload

_ROMAN_HEADING = re.compile(r"^[IVX]+\.\s")


class ReportError(Invalid):
    """A refused submission; the message is Vietnamese and shown to the user."""


def late_days(deadline: date, submitted_at: datetime) -> int:
    """Days late: the submission's day in Vietnam minus the deadline (a report sent any time on
    the deadline day is on time); 0 when on time."""
    return max(0, (clock.to_vietnam(submitted_at).date() - deadline).days)


def late_label(days: int) -> str:
    """``Nộp muộn 3 ngày`` or ``Đúng hạn``."""
    return f"Nộp muộn {days} ngày" if days > 0 else "Đúng hạn"


@dataclass
class ReportData:
    number: str = ""
    issued_on: date | None = None
    title: str = ""


def preview_lines(extracted) -> list[str]:
    """The body of an extracted .docx as lines (page header and footer left out), tables one row per line."""
    lines = extracted.text.split("\n")
    end = len(lines) - len(extracted.footer_lines)
    return lines[len(extracted.header_lines):end]


def docx_prefill(stored: StoredUpload) -> Prefill:
    """What an accepted .docx fills in the report form when the form has none of them: the number,
    date and summary line (as title) of its official header."""
    meta = stored.extracted.metadata
    fill = {name: value for name, value in (("number", meta.number), ("issued_on", meta.issued_on),
                                            ("title", meta.title)) if value}
    found = [label for label, value in (("số ký hiệu", meta.number), ("ngày", meta.issued_on),
                                        ("trích yếu", meta.title)) if value]
    return Prefill({}, fill, found)


# What a report's summary line says about its period (accents folded, lower case).
_PERIOD_WORDS = (
    ("q3", re.compile(r"\b(9|chin) thang\b|\bquy (iii|3)\b")),
    ("h1", re.compile(r"\b(6|sau) thang\b")),
    ("q1", re.compile(r"\bquy (i|1)\b|\b(3|ba) thang\b")),
    ("year", re.compile(r"\b(ca nam|tong ket nam|bao cao nam)\b")),
)
_YEAR = re.compile(r"\bnam (20\d\d)\b")
_KIND_WORDS = {"q1": "quý I", "h1": "6 tháng", "q3": "9 tháng"}


def period_named(text: str | None) -> tuple[str | None, int | None]:
    """Return the period kind (``q1``, ``h1``, ``q3``, ``year``) and the year a report's summary
    line names (``… 6 tháng đầu năm 2024`` → ``("h1", 2024)``), None for what it does not say.
    A line naming a year and no shorter period is a yearly report."""
    folded = " ".join(vntext.fold(text or "").lower().split())
    kind = next((kind for kind, words in _PERIOD_WORDS if words.search(folded)), None)
    year = _YEAR.search(folded)
    if kind is None and year:
        kind = "year"
    return kind, int(year.group(1)) if year else None


def period_mismatch(period: ReportPeriod, *texts: str | None) -> str | None:
    """Return a warning when one of ``texts`` (the file's summary line, the summary typed) names
    another period or year than ``period``'s (a "6 tháng" report sent to "9 tháng"); None when
    they agree or say nothing."""
    for text in texts:
        kind, year = period_named(text)
        if (kind and kind != period.kind) or (year and year != period.plan.year):
            label = _KIND_WORDS[kind] if kind and kind != "year" else ""
            named = " ".join(part for part in (label, f"năm {year}" if year else ("năm" if kind == "year" else ""))
                             if part)
            return (f"Trích yếu của báo cáo ghi «{' '.join((text or '').split())[:200]}», tức là báo cáo {named}, "
                    f"nhưng bạn đang nộp vào kỳ {period.label}. Hãy kiểm tra lại tệp hoặc chọn đúng kỳ báo cáo.")
    return None


def report_of(period: ReportPeriod, unit_id: int) -> UnitReport | None:
    """The unit's report for the period, or None before its first submission."""
    return db.session.scalar(db.select(UnitReport).where(UnitReport.period_id == period.id,
                                                         UnitReport.unit_id == unit_id))


def submit_report(period: ReportPeriod, unit_id: int, user: User, upload: StoredUpload, data: ReportData,
                  expected_version: int, submitted_at: datetime | None = None) -> UnitReport:
    """Submit (or resubmit) ``unit_id``'s report for ``period`` as a new version; return the report.

    ``expected_version`` is the number of versions the user saw (0 for a first submission): if
    someone submitted meanwhile the save is refused (ConcurrentEditError) so nobody replaces a
    version unseen. Raises Forbidden unless ``user`` is a reporter of that unit, ReportError
    for a file that is not a .docx or invalid data; nothing is saved then and the file is removed.
    ``submitted_at`` is for the demo loader only; routes use the clock.
    """
    with _saving([upload]):
        if not plan_rules.can_submit_report(user, unit_id):
            raise Forbidden("Chỉ đầu mối CCHC của đơn vị được nộp báo cáo của đơn vị.")
        if upload.kind != "docx" or upload.extracted is None:
            raise ReportError("Báo cáo phải là tệp Word (.docx).")
        number = " ".join(vntext.as_written(data.number).split())
        title = " ".join(vntext.as_written(data.title).split())
        if len(number) > 100 or len(title) > 1000:
            raise ReportError("Số ký hiệu tối đa 100 ký tự, trích yếu tối đa 1.000 ký tự.")
        now = submitted_at or clock.utcnow()
        report = report_of(period, unit_id)
        seen = report.version if report is not None else 0
        if seen != expected_version:
            raise ConcurrentEditError(_conflict_message(report))
        lines = preview_lines(upload.extracted)
        check = check_report(lines)
        days = late_days(period.deadline, now)
        if report is None:
            report = UnitReport(period_id=period.id, unit_id=unit_id, first_submitted_at=now, late_days=days,
                                updated_at=now)
            db.session.add(report)
            version_no = 1
        else:
            report.updated_at = now
            version_no = len(report.versions) + 1
        version = ReportVersion(
            version_no=version_no, doc_number=number, issued_on=data.issued_on, title=title,
            original_name=upload.original_name, stored_name=upload.commit_file(), content_type=upload.content_type,
            size=upload.size, sha256=upload.sha256, text=upload.text or "", body_lines=lines,
            lacks_figures=check.lacks_figures, items_without_figures=check.items_without,
            submitted_by_id=user.id, submitted_at=now, late_days=days,
        )
        report.versions.append(version)
        try:
            db.session.flush()
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            raise ConcurrentEditError(_conflict_message(report_of(period, unit_id))) from None
        notify_events.report_submitted(report, version, user)  # the reform office, in this transaction
        db.session.commit()
    return report


def _conflict_message(report: UnitReport | None) -> str:
    if report is None or not report.versions:
        return "Báo cáo đã thay đổi sau khi bạn mở trang. Hãy tải lại trang rồi nộp lại."
    latest = report.latest
    who = latest.submitted_by.full_name if latest.submitted_by else "người khác"
    when = clock.to_vietnam(latest.submitted_at)
    return (f"Báo cáo đã được {who} nộp lúc {when:%H:%M %d/%m/%Y} sau khi bạn mở trang. "
            "Hãy xem bản mới nhất rồi nộp lại nếu cần.")


def reports_for(period_ids: list[int], user: User) -> dict[tuple[int, int], UnitReport]:
    """The reports of these periods that ``user`` may read, by (period id, unit id)."""
    if not period_ids:
        return {}
    rows = db.session.scalars(db.select(UnitReport).where(UnitReport.period_id.in_(period_ids)))
    return {(r.period_id, r.unit_id): r for r in rows if access.can_read_report(user, r)}


@dataclass
class Block:
    """A piece of the preview: a paragraph, a heading or a table (rows of cells)."""

    kind: str
    text: str = ""
    rows: list[list[str]] | None = None


def preview(lines: list[str]) -> list[Block]:
    """Turn a report's lines into paragraphs, headings (Roman-numbered or all capitals) and tables
    (consecutive lines of cells separated by `` | ``), for a readable HTML page (escaped by Jinja)."""
    blocks: list[Block] = []
    for line in lines:
        if " | " in line:
            cells = [c.strip() for c in line.split(" | ")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        elif (line.isupper() and len(line) < 120) or _ROMAN_HEADING.match(line):
            blocks.append(Block("heading", line))
        else:
            blocks.append(Block("p", line))
    return blocks
