"""Tasks in spreadsheets: import from .xlsx/.csv (with a template) and the progress export (.xlsx).

The import is all or nothing: when any row is wrong, nothing is saved and every wrong row is
reported with its line number, so a corrected file can simply be imported again.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from app import clock, vntext
from app.errors import Invalid
from app.extensions import db
from app.models import TASK_STATES, Plan, ReformField, Unit
from app.services import audit
from app.services.plans import plans as plan_rules
from app.services.plans import progress

MAX_ROWS = 2000
# column header → TaskData attribute ("field"/"lead"/"units" are looked up)
COLUMNS = [
    ("Mã nhiệm vụ", "code", "3.2"),
    ("Tên nhiệm vụ", "title", "Rà soát, đơn giản hóa thủ tục hành chính nội bộ"),
    ("Lĩnh vực", "field", "3"),
    ("Đơn vị chủ trì", "lead", "VPC"),
    ("Đơn vị phối hợp", "units", "TCCB, VP"),
    ("Thời hạn", "deadline", "30/06/2024"),
    ("Sản phẩm dự kiến", "output", "Quyết định phê duyệt phương án đơn giản hóa"),
]
REQUIRED_COLUMNS = ("code", "title", "field", "lead")
WRONG_TYPE = "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv). Hãy tải tệp mẫu và điền theo mẫu."


class ImportFileError(Invalid):
    """The file as a whole cannot be read (Vietnamese message)."""


@dataclass
class ImportResult:
    created: int = 0
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return not self.errors and self.rows > 0


def _key(text) -> str:
    return " ".join(vntext.fold(str(text or "")).lower().split())


def _read_xlsx(path: str) -> list[tuple[int, list]]:
    # here, not at the top: openpyxl takes about a second to import, for the few requests that need it
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError("Không đọc được tệp Excel. Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi thử lại."
                              ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, list(values)))
            if number > MAX_ROWS + 50:
                break
        return rows
    finally:
        workbook.close()


def _read_csv(path: str) -> list[tuple[int, list]]:
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError("Tệp CSV phải lưu bằng bảng mã UTF-8 (trong Excel: CSV UTF-8).") from exc
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)]


def read_rows(path: str, extension: str) -> list[tuple[int, list]]:
    """Return (line number, cell values) for every line of the first sheet or the CSV file."""
    if extension == ".xlsx":
        return _read_xlsx(path)
    if extension == ".csv":
        return _read_csv(path)
    raise ImportFileError(WRONG_TYPE)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return vntext.as_written(str(value)).strip()


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise plan_rules.PlanError(f"Thời hạn «{text}» không hợp lệ (nhập theo dạng dd/mm/yyyy).")


class _Lookups:
    def __init__(self):
        self.fields = {}
        for f in db.session.scalars(db.select(ReformField)):
            for key in (str(f.position), f.code, f.name):
                self.fields[_key(key)] = f.id
        self.units = {}
        for u in db.session.scalars(db.select(Unit)):
            self.units[_key(u.code)] = u.id
            self.units[_key(u.name)] = u.id

    def field(self, text: str) -> int:
        key = _key(text)
        if key not in self.fields:
            raise plan_rules.PlanError(f"Lĩnh vực «{text}» không có (ghi số thứ tự 1–7 hoặc tên lĩnh vực).")
        return self.fields[key]

    def unit(self, text: str, role: str) -> int:
        key = _key(text)
        if key not in self.units:
            raise plan_rules.PlanError(
                f"Đơn vị {role} «{text}» không có trong danh sách đơn vị (ghi mã đơn vị, ví dụ VPC).")
        return self.units[key]


def _header_map(header: list) -> dict[str, int]:
    wanted = {_key(title): attr for title, attr, _example in COLUMNS}
    mapping = {}
    for index, value in enumerate(header):
        attr = wanted.get(_key(_cell(value)))
        if attr and attr not in mapping:
            mapping[attr] = index
    return mapping


def import_tasks(plan: Plan, path: str, extension: str) -> ImportResult:
    """Read tasks from the spreadsheet at ``path`` and add them to ``plan``: every row or none.

    Returns the result: ``created`` when every row was valid (one commit), otherwise ``errors``
    as (line number, Vietnamese message) and nothing saved. Raises ImportFileError when the file
    cannot be read or has no header line with the template's required columns.
    """
    rows = [(n, values) for n, values in read_rows(path, extension) if any(_cell(v) for v in values)]
    if not rows:
        raise ImportFileError("Tệp không có dòng nào. Hãy tải tệp mẫu và điền theo mẫu.")
    header_line, header = rows[0]
    columns = _header_map(header)
    missing = [title for title, attr, _ in COLUMNS if attr in REQUIRED_COLUMNS and attr not in columns]
    if missing:
        raise ImportFileError(f"Dòng {header_line} (dòng tiêu đề) thiếu cột: {', '.join(missing)}. "
                              "Hãy tải tệp mẫu và giữ nguyên dòng tiêu đề.")
    data_rows = rows[1:]
    result = ImportResult(rows=len(data_rows))
    if len(data_rows) > MAX_ROWS:
        raise ImportFileError(f"Tệp có {len(data_rows)} dòng, vượt giới hạn {MAX_ROWS} dòng mỗi lần nhập.")
    if not data_rows:
        raise ImportFileError("Tệp chỉ có dòng tiêu đề, chưa có nhiệm vụ nào.")
    lookups = _Lookups()
    seen_codes: dict[str, int] = {}
    valid = []
    for line, values in data_rows:
        def get(attr, values=values):
            index = columns.get(attr)
            return values[index] if index is not None and index < len(values) else None

        try:
            units_text = _cell(get("units"))
            data = plan_rules.TaskData(
                code=_cell(get("code")), title=_cell(get("title")),
                field_id=lookups.field(_cell(get("field"))) if _cell(get("field")) else None,
                lead_unit_id=lookups.unit(_cell(get("lead")), "chủ trì") if _cell(get("lead")) else None,
                unit_ids=[lookups.unit(part.strip(), "phối hợp")
                          for part in units_text.replace(";", ",").replace("\n", ",").split(",") if part.strip()],
                deadline=_date(get("deadline")), expected_output=_cell(get("output")),
            )
            data = plan_rules.validate_task(plan, data)
            if data.code in seen_codes:
                raise plan_rules.PlanError(f"Mã nhiệm vụ {data.code} trùng với dòng {seen_codes[data.code]}.")
            seen_codes[data.code] = line
            valid.append(data)
        except plan_rules.PlanError as exc:
            result.errors.append((line, str(exc)))
    if result.errors:
        db.session.rollback()
        return result
    position = max([t.position for t in plan.tasks] + [0])
    try:
        for data in valid:
            position += 1
            plan_rules.add_task(plan, data, commit=False, validated=True, position=position, audited=False)
        audit.record("task.import", plan, after={"tasks": [data.code for data in valid]},
                     note=f"Nhập {len(valid)} nhiệm vụ từ tệp .{extension.lstrip('.')}")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    result.created = len(valid)
    return result


def template_workbook() -> io.BytesIO:
    """The import template: the header line, one example row, and a sheet listing fields and units."""
    # here, not at the top: openpyxl takes about a second to import, for the few requests that need it
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhiệm vụ"
    sheet.append([title for title, _attr, _example in COLUMNS])
    sheet.append([example for _title, _attr, example in COLUMNS])
    for column, width in zip("ABCDEFG", (12, 60, 10, 16, 20, 12, 50)):
        sheet.column_dimensions[column].width = width
    help_sheet = workbook.create_sheet("Danh mục")
    help_sheet.append(["Lĩnh vực (số)", "Tên lĩnh vực"])
    for f in plan_rules.fields():
        help_sheet.append([f.position, f.name])
    help_sheet.append([])
    help_sheet.append(["Mã đơn vị", "Tên đơn vị"])
    for u in plan_rules.units():
        _append_text(help_sheet, [u.code, u.name])
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def template_csv() -> io.BytesIO:
    """The import template as CSV (UTF-8 with BOM so Excel shows Vietnamese correctly)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([title for title, _attr, _example in COLUMNS])
    writer.writerow([example for _title, _attr, example in COLUMNS])
    return io.BytesIO(text.getvalue().encode("utf-8-sig"))


def _append_text(sheet, values: list) -> None:
    """Append a row; text starting with = + - @ stays text (never a formula in someone's Excel)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
            cell.data_type = "s"


def export_workbook(plan: Plan) -> io.BytesIO:
    """The progress table as .xlsx: every task with its state, then the summary by field and by unit."""
    # here, not at the top: openpyxl takes about a second to import, for the few requests that need it
    from openpyxl import Workbook
    from openpyxl.styles import Font

    tasks = plan_rules.tasks_of(plan)
    states = progress.task_states(tasks)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhiệm vụ"
    sheet.append([f"Tiến độ thực hiện Kế hoạch {plan.number}: {plan.title}"])
    sheet.append(["Lĩnh vực", "Mã", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn", "Tình trạng", "Tỷ lệ (%)",
                  "Quá hạn (ngày)", "Cập nhật gần nhất", "Kết quả, số liệu gần nhất", "Thiếu số liệu"])
    for task in tasks:
        state = states[task.id]
        latest = state.latest
        _append_text(sheet, [
            task.field.name, task.code, task.title, task.lead_unit.code,
            ", ".join(u.code for u in task.cooperating_units), task.deadline, TASK_STATES[state.state],
            state.percent, state.overdue_days or None,
            clock.to_vietnam(latest.created_at).replace(tzinfo=None) if latest else None,
            "\n".join(p for p in (latest.done, latest.figures) if p) if latest else "",
            "Có" if latest and latest.lacks_figures else "",
        ])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=3, min_col=6, max_col=6):
        row[0].number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHIJKL", (40, 8, 60, 10, 16, 12, 22, 10, 14, 18, 60, 12)):
        sheet.column_dimensions[column].width = width
    rows_by_field = progress.by_field(plan, states)
    rows_by_unit = progress.by_unit(plan, states)
    for title, rows in (("Theo lĩnh vực", rows_by_field), ("Theo đơn vị", rows_by_unit)):
        summary = workbook.create_sheet(title)
        summary.append([title.replace("Theo ", "").capitalize(), "Số nhiệm vụ"] + list(TASK_STATES.values())
                       + ["% hoàn thành"])
        for row in rows + [progress.total_row(rows)]:
            _append_text(summary, [row.label, row.total] + [row.counts[k] for k in TASK_STATES]
                         + [round(row.percent, 1)])
        for cell in summary[1]:
            cell.font = Font(bold=True)
        summary.column_dimensions["A"].width = 50
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream
