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

from app.demo.wordfile import Block, Note, Paragraph, Run, Table, TextBox, WordDocument, para, write_docx

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


def official_document(*, parent: str, issuer: str, number: str, issued: date, kind: str, summary: str | Paragraph,
                      body: list[Block], recipients: list[str], signer_title: str, signer: str = "",
                      header: list[Paragraph] | None = None, footer: list[Paragraph] | None = None,
                      font: str = "Times New Roman", caps_font: str | None = None,
                      place: str = "Hà Nội") -> WordDocument:
    """Return an official document laid out as Decree 30/2020/NĐ-CP shows it, around ``body``.

    ``parent`` and ``issuer`` are the issuing bodies (the actual issuer below; ``parent`` "" for a
    body that has none, such as the Government), ``kind`` the type
    heading ('BÁO CÁO'); text is in ``font``, lines in capitals in ``caps_font`` (``font`` when
    None: a TCVN3 document gives ``.VnTimeH`` here). Writing refuses (ValueError) text a legacy
    font cannot hold, as :func:`app.demo.wordfile.encode_for_font` does.
    """
    caps = caps_font or font
    top = Table([
        [para(*([Run(parent.upper() + "\n", font=caps)] if parent else []), Run(issuer.upper(), bold=True, font=caps),
              align="center"),
         [para(MOTTO[0], bold=True, font=caps, align="center"), para(MOTTO[1], bold=True, align="center")]],
        [para(f"Số: {number}", align="center"), para(place_and_date(place, issued), italic=True, align="center")],
    ], widths=[2, 3], borders=False)
    closing = [para("Nơi nhận:", bold=True, italic=True), *(para(f"- {line}") for line in recipients)]
    signature = [*(para(line.upper(), bold=True, font=caps, align="center") for line in signer_title.split("\n")),
                 para("(Đã ký)", italic=True, align="center")]
    if signer:
        signature.append(para(signer, bold=True, align="center"))
    return WordDocument(
        blocks=[top, para(kind.upper(), bold=True, font=caps, align="center"),
                summary if isinstance(summary, Paragraph) else para(summary, bold=True, align="center"),
                *body, Table([[closing, signature]], widths=[1, 1], borders=False)],
        header=header or [], footer=footer or [], font=font,
        title=summary if isinstance(summary, str) else "".join(r.text for r in summary.runs if isinstance(r, Run)),
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


# ------------------------------------------------------------------------------------------------
# Files of the other shapes agencies send: a decree with footnotes and its annexes (each in a file
# of its own), forms under the national motto, a report with footnotes and a text box. Our own
# words; the tests and the import report (``import-docx --dry-run``) read them.
# ------------------------------------------------------------------------------------------------

DECREE = "nghi-dinh-30-2020-cong-tac-van-thu.docx"
#: The annexes, named so that file-name order is not annex order (III, I, II).
ANNEX_FILES = ["phu-luc-chu-viet-tat.docx", "phu-luc-the-thuc.docx", "phu-luc-viet-hoa.docx"]
APPLICATION_FORM = "mau-don-de-nghi-cap-ban-sao.docx"
MINUTES_FORM = "mau-bien-ban-hop-to-cchc.docx"
CERTIFICATE_FORM = "mau-giay-xac-nhan.docx"
NOTED_REPORT = "bao-cao-tu-danh-gia-co-chu-thich.docx"
DECREE_WITH = "Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020"


def decree() -> WordDocument:
    """The Government's decree 30/2020/NĐ-CP of 05/03/2020 on records work, abridged in our words:
    number, date, two footnotes (one in ``.VnTime``) and an endnote; its annexes are files of their own."""
    body = [
        para("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015",
             Note("Luật này đã được sửa đổi, bổ sung bởi Luật số 47/2019/QH14 ngày 22 tháng 11 năm 2019."), ";"),
        para("Căn cứ Luật Lưu trữ ngày 11 tháng 11 năm 2011;"),
        para("Theo đề nghị của Bộ trưởng Bộ Nội vụ;"),
        para("Chính phủ ban hành Nghị định về công tác văn thư."),
        para("Chương I", bold=True, align="center"),
        para("QUY ĐỊNH CHUNG", bold=True, align="center"),
        para("Điều 1. Phạm vi điều chỉnh", bold=True),
        para("Nghị định này quy định việc soạn thảo, ký ban hành, quản lý văn bản, lập hồ sơ và nộp lưu hồ sơ, "
             "tài liệu vào lưu trữ cơ quan, quản lý và sử dụng con dấu, thiết bị lưu khóa bí mật",
             Note("Thiết bị lưu khóa bí mật là thiết bị vật lý chứa chứng thư số và khóa bí mật của cơ quan, tổ "
                  "chức, dùng để ký số văn bản điện tử theo chữ ký số chuyên dùng công vụ.", font=".VnTime"),
             " trong công tác văn thư."),
        para("Điều 8. Thể thức văn bản", bold=True),
        para("Thể thức và kỹ thuật trình bày văn bản hành chính theo Phụ lục I; viết hoa trong văn bản hành chính "
             "theo Phụ lục II; chữ viết tắt tên loại văn bản theo Phụ lục III kèm theo Nghị định này."),
        para("Điều 38. Hiệu lực thi hành", bold=True),
        para("Nghị định này có hiệu lực thi hành kể từ ngày ký ban hành",
             Note("Các văn bản hướng dẫn trước đây về thể thức văn bản hết hiệu lực cùng ngày.", endnote=True), "."),
    ]
    return official_document(
        parent="", issuer="Chính phủ", number="30/2020/NĐ-CP", issued=date(2020, 3, 5), kind="Nghị định",
        summary="Về công tác văn thư", body=body,
        recipients=["Ban Bí thư Trung ương Đảng;", "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ;",
                    "Lưu: VT, TCCV."],
        signer_title="TM. Chính phủ\nThủ tướng",
    )


def _annex_page_header(label: str) -> list[Paragraph]:
    return [para(f"{label} kèm theo {DECREE_WITH}", italic=True, align="right")]


def annex_layout() -> WordDocument:
    """Phụ lục I: label, heading and '(Kèm theo …)' as the annex's first lines, the same in the page header."""
    return WordDocument(
        blocks=[para("Phụ lục I", bold=True, align="center"),
                para("THỂ THỨC, KỸ THUẬT TRÌNH BÀY VĂN BẢN HÀNH CHÍNH", bold=True, align="center"),
                para(f"(Kèm theo {DECREE_WITH} của Chính phủ)", italic=True, align="center"),
                para("_______", align="center"),
                para("I. THỂ THỨC VĂN BẢN", bold=True),
                para("1. Quốc hiệu và Tiêu ngữ được trình bày ở góc trên bên phải trang đầu, Tiêu ngữ có gạch chân."),
                para("2. Số, ký hiệu của văn bản gồm số thứ tự đăng ký tại văn thư và chữ viết tắt tên loại văn bản."),
                para("II. KỸ THUẬT TRÌNH BÀY", bold=True),
                para("Văn bản trình bày trên khổ giấy A4, phông chữ Times New Roman, cỡ chữ từ 13 đến 14.")],
        header=_annex_page_header("Phụ lục I"), title="Phụ lục I", created=datetime(2020, 3, 5, 8),
    )


def annex_capitals() -> WordDocument:
    """Phụ lục II: only its page header says what it is; the body starts with its heading. Keeps
    the old tone placement (``Uỷ ban``, ``Hoà Bình``) as its author typed it."""
    return WordDocument(
        blocks=[para("VIẾT HOA TRONG VĂN BẢN HÀNH CHÍNH", bold=True, align="center"),
                para("I. VIẾT HOA VÌ PHÉP ĐẶT CÂU", bold=True),
                para("Viết hoa chữ cái đầu âm tiết thứ nhất của một câu hoàn chỉnh và sau dấu chấm câu."),
                para("II. VIẾT HOA DANH TỪ RIÊNG CHỈ TÊN CƠ QUAN, TỔ CHỨC", bold=True),
                para("Viết hoa chữ cái đầu của các từ chỉ loại hình cơ quan: Uỷ ban nhân dân tỉnh Hoà Bình, "
                     "Toà án nhân dân tối cao.")],
        header=_annex_page_header("Phụ lục II"), title="Phụ lục II", created=datetime(2020, 3, 5, 8),
    )


def annex_abbreviations() -> WordDocument:
    """Phụ lục III typed in TCVN3 (``.VnTime``, capitals in ``.VnTimeH``): label and reference as its
    first lines, the heading after them; no page header."""
    return WordDocument(
        blocks=[para("PHỤ LỤC III", bold=True, align="center", font=".VnTimeH"),
                para(f"(Kèm theo {DECREE_WITH}", italic=True, align="center"),
                para("của Chính phủ)", italic=True, align="center"),
                para("CHỮ VIẾT TẮT TÊN LOẠI VĂN BẢN VÀ BẢN SAO VĂN BẢN", bold=True, align="center", font=".VnTimeH"),
                Table([["STT", "Tên loại văn bản", "Chữ viết tắt"], ["1", "Nghị quyết (cá biệt)", "NQ"],
                       ["2", "Quyết định (cá biệt)", "QĐ"], ["3", "Kế hoạch", "KH"], ["4", "Báo cáo", "BC"],
                       ["5", "Thông báo", "TB"]], widths=[1, 6, 3], header_rows=1)],
        font=".VnTime", title="Phụ lục III", created=datetime(2020, 3, 5, 8),
    )


def _form(mark: str | None, heading: list[str], body: list[Block], title: str) -> WordDocument:
    """A form: an optional 'Mẫu số …' mark, the national motto and its underline, the heading, the body."""
    top = [para(mark, italic=True, align="right")] if mark else []
    return WordDocument(
        blocks=[*top, para(MOTTO[0], bold=True, align="center"), para(MOTTO[1], bold=True, align="center"),
                para("---------------", align="center"),
                *(para(line, bold=True, align="center") for line in heading), *body],
        title=title, created=datetime(2024, 5, 2, 8),
    )


def application_form() -> WordDocument:
    """A blank application for a copy of a document kept in the records: no number, no issuing body."""
    return _form("Mẫu số 01", ["ĐƠN ĐỀ NGHỊ", "CẤP BẢN SAO VĂN BẢN TỪ SỔ GỐC"], [
        para("Kính gửi: Văn phòng Thanh tra Chính phủ"),
        para("Họ và tên người đề nghị: ....................................................."),
        para("Số định danh cá nhân: ........................................................"),
        para("Văn bản đề nghị cấp bản sao (số, ký hiệu, ngày ban hành): ......................"),
        para("Số bản sao đề nghị cấp: ........ bản."),
        para("........., ngày ..... tháng ..... năm .....", italic=True, align="right"),
        para("NGƯỜI ĐỀ NGHỊ", bold=True, align="right"),
    ], "Đơn đề nghị cấp bản sao văn bản từ sổ gốc")


def minutes_form() -> WordDocument:
    """The reform team's meeting minutes template: the heading is a bare 'BIÊN BẢN' with its subject below."""
    return _form(None, ["BIÊN BẢN"], [
        para("Họp Tổ công tác cải cách hành chính quý II năm 2024", bold=True, align="center"),
        para("Thời gian: ..... giờ ....., ngày ..... tháng ..... năm 2024."),
        para("Thành phần: đại diện 6 đơn vị được kiểm tra và Tổ công tác CCHC."),
        para("Nội dung: rà soát tiến độ 40 nhiệm vụ của Kế hoạch số 2337/KH-TTCP."),
    ], "Biên bản họp Tổ công tác CCHC")


def certificate_form() -> WordDocument:
    """A certificate of service: its heading names no type the library keeps."""
    return _form("Mẫu số 05", ["GIẤY XÁC NHẬN", "THỜI GIAN CÔNG TÁC"], [
        para("Cơ quan xác nhận: ...................................................."),
        para("Xác nhận ông/bà: ............................. đã công tác tại cơ quan từ ngày ....../....../......"),
    ], "Giấy xác nhận thời gian công tác")


def noted_report() -> WordDocument:
    """Vụ Tổ chức cán bộ's self-assessment 41/BC-TCCB of 20/12/2024: a footnote on its summary line,
    footnotes and an endnote in the body, a text box beside the results."""
    results = [
        para("I. KẾT QUẢ TỰ ĐÁNH GIÁ", bold=True, style="Heading 2"),
        para("Vụ tự chấm 86,5/100 điểm theo bộ tiêu chí PAR Index của Thanh tra Chính phủ",
             Note("Bộ tiêu chí ban hành kèm theo Kế hoạch số 2337/KH-TTCP; điểm tối đa 100."), ".",
             TextBox([para("Điểm tự đánh giá", bold=True), para("86,5/100 điểm"), para("Tăng 4,2 điểm so với 2023")])),
        para("- 24/24 công chức được đánh giá, xếp loại đúng thời hạn."),
        para("- 100% hồ sơ công việc được lập trên môi trường điện tử",
             Note("Không kể hồ sơ mật, lập bằng giấy theo quy định bảo vệ bí mật nhà nước."), "."),
        para("II. TỒN TẠI, HẠN CHẾ", bold=True, style="Heading 2"),
        para("Việc số hoá tài liệu lưu trữ còn chậm", Note("Số liệu đến ngày 15/12/2024.", endnote=True), "."),
    ]
    return official_document(
        parent="Thanh tra Chính phủ", issuer="Vụ Tổ chức cán bộ", number="41/BC-TCCB", issued=date(2024, 12, 20),
        kind="Báo cáo",
        summary=para("Tự đánh giá kết quả cải cách hành chính năm 2024",
                     Note("Theo hướng dẫn chấm điểm Chỉ số cải cách hành chính của Bộ Nội vụ."), bold=True,
                     align="center"),
        body=results, recipients=["Vụ Kế hoạch, Tài chính và Tổng hợp;", "Lưu: VT, TCCB."],
        signer_title="Vụ trưởng",
    )


#: File name -> the document it holds (the shapes above).
SHAPE_FILES = {
    DECREE: decree, ANNEX_FILES[0]: annex_abbreviations, ANNEX_FILES[1]: annex_layout,
    ANNEX_FILES[2]: annex_capitals, APPLICATION_FORM: application_form, MINUTES_FORM: minutes_form,
    CERTIFICATE_FORM: certificate_form, NOTED_REPORT: noted_report,
}


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
