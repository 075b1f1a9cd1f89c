"""The demo's Word files, written for the portal in our own words and built on demand.

Three files show what units really upload: Vụ Pháp chế's report for quý I/2024 (Unicode, with a
page header and footer and a table nested in the progress table), its report for the first six
months typed in the old TCVN3 fonts (``.VnTime`` for the text, ``.VnTimeH`` for lines in
capitals), and an internal procedure of Ban Tiếp công dân Trung ương. Each follows the layout of
an official document (Decree 30/2020/NĐ-CP): issuing body and number on the left, the national
motto and the place and date on the right, the type in capitals, the summary line, the body,
*Nơi nhận* and the signature.

The figures are the demo plan's (app/demo/plans.py): 12/KH-VPC, 37/52 documents
reviewed, 24/24 civil servants assessed, 86,5% of outgoing documents signed digitally; the
reports leave two results unproven (the job-position review and the internal spending rules)
so that the "thiếu số liệu" rule has something to point at.

    with demo_files() as paths:  # written into a temporary folder, removed afterwards
        stored = uploads.accept_path(paths[QUARTERLY_REPORT])
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from app.demo.wordfile import Block, Paragraph, Run, Table, WordDocument, para, write_docx

QUARTERLY_REPORT = "bao-cao-cchc-quy-1-2024.docx"
SIX_MONTH_REPORT = "bao-cao-cchc-6-thang-2024-tcvn3.docx"
PROCEDURE = "quy-trinh-tiep-cong-dan.docx"

#: The seven reform fields, by position (the names the reference data carries).
REFORM_FIELDS = {
    1: "Công tác chỉ đạo, điều hành cải cách hành chính",
    2: "Xây dựng, hoàn thiện thể chế",
    3: "Cải cách thủ tục hành chính",
    4: "Cải cách tổ chức bộ máy hành chính nhà nước",
    5: "Cải cách chế độ công vụ",
    6: "Cải cách tài chính công",
    7: "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
}

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass(frozen=True)
class TaskResult:
    """One task of a unit report: its line under its reform field and its row in the progress table."""

    field: int  # reform field position
    task: str  # the task's title, as in the plan
    status: str  # Hoàn thành / Đang thực hiện / Chậm tiến độ
    done: str  # what was done, after "task:" in the bullet line
    evidence: str  # the "Số liệu kiểm chứng" cell


def place_and_date(place: str, day: date) -> str:
    """Return the place-and-date line of an official document: day below 10 and months 1 and 2
    written with a leading zero, as Decree 30/2020/NĐ-CP asks ('Hà Nội, ngày 02 tháng 8 năm 2023')."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def official_document(*, parent: str, issuer: str, number: str, issued: date, kind: str, summary: str,
                      body: list[Block], recipients: list[str], signer_title: str, signer: str = "",
                      header: list[Paragraph] | None = None, footer: list[Paragraph] | None = None,
                      font: str = "Times New Roman", caps_font: str | None = None,
                      place: str = "Hà Nội") -> WordDocument:
    """Return an official document laid out as Decree 30/2020/NĐ-CP shows it, around ``body``.

    ``parent`` and ``issuer`` are the issuing bodies (the actual issuer below), ``kind`` the type
    heading ('BÁO CÁO'); text is in ``font``, lines in capitals in ``caps_font`` (``font`` when
    None: a TCVN3 document gives ``.VnTimeH`` here). Writing refuses (ValueError) text a legacy
    font cannot hold, as :func:`app.demo.wordfile.encode_for_font` does.
    """
    caps = caps_font or font
    top = Table([
        [para(Run(parent.upper() + "\n", font=caps), Run(issuer.upper(), bold=True, font=caps), align="center"),
         [para(MOTTO[0], bold=True, font=caps, align="center"), para(MOTTO[1], bold=True, align="center")]],
        [para(f"Số: {number}", align="center"), para(place_and_date(place, issued), italic=True, align="center")],
    ], widths=[2, 3], borders=False)
    closing = [para("Nơi nhận:", bold=True, italic=True), *(para(f"- {line}") for line in recipients)]
    signature = [para(signer_title.upper(), bold=True, font=caps, align="center"),
                 para("(Đã ký)", italic=True, align="center")]
    if signer:
        signature.append(para(signer, bold=True, align="center"))
    return WordDocument(
        blocks=[top, para(kind.upper(), bold=True, font=caps, align="center"), para(summary, bold=True, align="center"),
                *body, Table([[closing, signature]], widths=[1, 1], borders=False)],
        header=header or [], footer=footer or [], font=font, title=summary,
        created=datetime.combine(issued, datetime.min.time()).replace(hour=8),
    )


def unit_report(*, number: str, issued: date, period: str, results: list[TaskResult], breakdown: Table,
                problems: str, next_title: str, next_steps: list[str], legacy: bool = False) -> WordDocument:
    """Return a periodic CCHC report of Vụ Pháp chế for ``period`` ('quý I năm 2024').

    Results are listed field by field, then as a progress table whose last row holds ``breakdown``
    (a nested table). ``legacy`` types the body in TCVN3 (``.VnTime``, capitals in ``.VnTimeH``)
    while the page header and footer stay in Unicode, as in files edited on newer machines.
    """
    heading_font = ".VnTimeH" if legacy else None
    unicode_font = "Times New Roman"
    body: list[Block] = [
        para("Căn cứ Kế hoạch số 2337/KH-TTCP của Thanh tra Chính phủ về cải cách hành chính năm 2024, "
             f"Vụ Pháp chế tổng hợp kết quả triển khai các nhiệm vụ được giao trong {period} như sau:"),
        para("I. KẾT QUẢ TRIỂN KHAI NHIỆM VỤ", bold=True, font=heading_font, style="Heading 2"),
    ]
    for result in sorted(results, key=lambda r: r.field):
        body.append(para(f"{result.field}. {REFORM_FIELDS[result.field]}", bold=True))
        body.append(para(f"- {result.task}: {result.done}"))
    rows: list[list] = [["STT", "Nhiệm vụ", "Lĩnh vực", "Tiến độ", "Số liệu kiểm chứng"]]
    for index, result in enumerate(results, start=1):
        evidence: str | list = result.evidence
        if index == len(results):
            evidence = [para(result.evidence), breakdown]
        rows.append([str(index), result.task, REFORM_FIELDS[result.field], result.status, evidence])
    body += [
        para("Tiến độ và số liệu kiểm chứng của từng nhiệm vụ:", italic=True),
        Table(rows, widths=[2, 9, 8, 5, 9], header_rows=1),
        para("II. TỒN TẠI, HẠN CHẾ", bold=True, font=heading_font, style="Heading 2"),
        para(problems),
        para(next_title, bold=True, font=heading_font, style="Heading 2"),
        *(para(f"- {step}") for step in next_steps),
    ]
    return official_document(
        parent="Thanh tra Chính phủ", issuer="Vụ Pháp chế", number=number, issued=issued, kind="Báo cáo",
        summary=f"Kết quả thực hiện công tác cải cách hành chính {period}", body=body,
        recipients=["Vụ Kế hoạch, Tài chính và Tổng hợp (để tổng hợp);", "Lãnh đạo Vụ;", "Lưu: VT, VPC."],
        signer_title="Vụ trưởng", signer="Nguyễn Văn An",
        header=[para("Thanh tra Chính phủ - Vụ Pháp chế", italic=True, font=unicode_font, align="right")],
        footer=[para(f"Báo cáo CCHC {period} - số {number}", italic=True, font=unicode_font, align="center")],
        font=".VnTime" if legacy else unicode_font, caps_font=heading_font,
    )


def _results(reviewed: str, reviewed_note: str, positions_note: str, spending_draft: str,
             signed_note: str) -> list[TaskResult]:
    """The seven tasks Vụ Pháp chế reports on, with what changes between two reports."""
    return [
        TaskResult(1, "Ban hành kế hoạch CCHC năm 2024 của đơn vị", "Hoàn thành",
                   "đã xong; Vụ ban hành 01 kế hoạch (số 12/KH-VPC ngày 15/01/2024) và giao việc cho từng phòng.",
                   "01 kế hoạch số 12/KH-VPC ngày 15/01/2024"),
        TaskResult(2, "Rà soát văn bản quy phạm pháp luật thuộc lĩnh vực thanh tra", "Đang thực hiện",
                   f"đang làm; đã rà soát {reviewed} văn bản, {reviewed_note}", f"Đã rà soát {reviewed} văn bản"),
        TaskResult(3, "Cập nhật quy trình nội bộ giải quyết TTHC tiếp công dân", "Hoàn thành",
                   "đã xong; 100% TTHC tiếp công dân đã có quy trình nội bộ được phê duyệt.",
                   "100% TTHC có quy trình nội bộ được phê duyệt"),
        TaskResult(4, "Rà soát vị trí việc làm theo đề án được phê duyệt", "Chậm tiến độ", positions_note,
                   "Chưa có số liệu"),
        TaskResult(5, "Đánh giá, phân loại công chức, viên chức quý I", "Hoàn thành",
                   "đã xong; 24/24 công chức của Vụ được đánh giá, phân loại đúng thời hạn.",
                   "24/24 công chức được đánh giá"),
        TaskResult(6, "Xây dựng quy chế chi tiêu nội bộ sửa đổi", "Đang thực hiện",
                   f"đang làm; đã có dự thảo lần {spending_draft}, các phòng đang góp ý.",
                   f"Dự thảo lần {spending_draft}"),
        TaskResult(7, "Phát hành văn bản điện tử có chữ ký số", "Đang thực hiện",
                   f"đang làm; 86,5% văn bản đi {signed_note} được ký số (chi tiết trong bảng dưới).",
                   "86,5% văn bản đi có chữ ký số"),
    ]


def quarterly_report() -> WordDocument:
    """Vụ Pháp chế's report for quý I/2024 (15/BC-VPC, 10/04/2024), in Unicode."""
    breakdown = Table([["Tháng", "Văn bản đi", "Được ký số"], ["Tháng 1", "130", "112"], ["Tháng 2", "110", "95"],
                       ["Tháng 3", "160", "139"], ["Cộng", "400", "346"]], header_rows=1)
    return unit_report(
        number="15/BC-VPC", issued=date(2024, 4, 10), period="quý I năm 2024", breakdown=breakdown,
        results=_results("37/52", "số còn lại chuyển sang quý II.",
                         "chậm so với kế hoạch vì còn chờ ý kiến của các vụ, cục có liên quan.", "2", "trong quý"),
        problems="Việc rà soát vị trí việc làm chưa theo kịp kế hoạch do các đơn vị phối hợp gửi ý kiến chậm; "
                 "quy chế chi tiêu nội bộ sửa đổi mới dừng ở bản dự thảo nên chưa đo được kết quả.",
        next_title="III. NHIỆM VỤ QUÝ II NĂM 2024",
        next_steps=["Hoàn thành rà soát vị trí việc làm, trình phương án điều chỉnh.",
                    "Trình ký ban hành quy chế chi tiêu nội bộ sửa đổi.",
                    "Giữ tỷ lệ văn bản đi được ký số từ 85% trở lên."],
    )


def six_month_report() -> WordDocument:
    """Vụ Pháp chế's report for the first six months of 2024 (27/BC-VPC, 16/07/2024), typed in TCVN3."""
    breakdown = Table([["Thời gian", "Văn bản đi", "Được ký số"], ["Quý I", "400", "346"], ["Quý II", "420", "363"],
                       ["Cộng", "820", "709"]], header_rows=1)
    return unit_report(
        number="27/BC-VPC", issued=date(2024, 7, 16), period="6 tháng đầu năm 2024", breakdown=breakdown,
        results=_results("45/52", "phần còn lại xong trong tháng 8.",
                         "vẫn chậm so với kế hoạch; đang chờ các vụ, cục gửi ý kiến lần cuối.", "3",
                         "trong 6 tháng đầu năm"),
        problems="Việc rà soát vị trí việc làm tiếp tục chậm vì chưa đủ ý kiến của các đơn vị phối hợp; "
                 "quy chế chi tiêu nội bộ sửa đổi chưa được ban hành.",
        next_title="III. NHIỆM VỤ 6 THÁNG CUỐI NĂM 2024",
        next_steps=["Trình phương án điều chỉnh vị trí việc làm trong quý III.",
                    "Hoàn thành rà soát văn bản quy phạm pháp luật thuộc lĩnh vực thanh tra.",
                    "Ban hành quy chế chi tiêu nội bộ sửa đổi."],
        legacy=True,
    )


def procedure() -> WordDocument:
    """Ban Tiếp công dân Trung ương's internal procedure 05/QT-BTCD (02/08/2023): steps and a table of time limits."""
    steps = [
        "Bước 1. Người dân gửi đơn hoặc đặt lịch tiếp qua dịch vụ công trực tuyến trên cổng thông tin điện tử.",
        "Bước 2. Phòng Tiếp nhận kiểm tra hồ sơ và xác nhận lịch với người dân trong 02 ngày làm việc.",
        "Bước 3. Ban Tiếp công dân tiếp người dân theo lịch đã xác nhận, trực tiếp hoặc trực tuyến.",
        "Bước 4. Văn phòng trả kết quả cho người dân và cập nhật Cơ sở dữ liệu quốc gia về khiếu nại, tố cáo.",
    ]
    limits = Table([["Bước", "Bộ phận thực hiện", "Thời hạn"], ["1", "Người dân", "Không quy định"],
                    ["2", "Phòng Tiếp nhận", "02 ngày"], ["3", "Ban Tiếp công dân", "Theo lịch đã hẹn"],
                    ["4", "Văn phòng", "01 ngày"]], widths=[1, 4, 3], header_rows=1)
    return official_document(
        parent="Thanh tra Chính phủ", issuer="Ban Tiếp công dân Trung ương", number="05/QT-BTCD",
        issued=date(2023, 8, 2), kind="Quy trình",
        summary="Tiếp nhận, xử lý đơn và đăng ký lịch tiếp công dân trực tuyến",
        body=[para("Phạm vi: quy trình áp dụng tại bộ phận một cửa của Ban Tiếp công dân Trung ương, trong hệ "
                   "thống quản lý chất lượng theo TCVN ISO 9001:2015."),
              para("Các bước thực hiện:", bold=True), *(para(step) for step in steps),
              para("Thời hạn của từng bước:", bold=True), limits],
        recipients=["Các phòng thuộc Ban;", "Lưu: VT."], signer_title="Trưởng ban",
    )


#: File name -> the document it holds.
DEMO_FILES = {QUARTERLY_REPORT: quarterly_report, SIX_MONTH_REPORT: six_month_report, PROCEDURE: procedure}


def write_demo_file(name: str, folder: str | os.PathLike) -> str:
    """Write the demo file ``name`` (a key of :data:`DEMO_FILES`) into ``folder``; return its path.
    Raises KeyError for a name that is not a demo file."""
    return write_docx(DEMO_FILES[name](), os.path.join(folder, name))


@contextmanager
def demo_files() -> Iterator[dict[str, str]]:
    """Write every demo file into a new temporary folder and yield {file name: path}; the folder
    and the files are removed when the block ends. Raises what writing raises (OSError when the
    disk is full)."""
    with tempfile.TemporaryDirectory(prefix="cchc-demo-") as folder:
        yield {name: write_demo_file(name, folder) for name in DEMO_FILES}
