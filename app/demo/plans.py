"""Demo plan: 2337/KH-TTCP with 40 tasks across the 7 reform fields, a few progress updates and
Vụ Pháp chế's two reports (app/demo/documents.py, written at load time) submitted for their periods:
quý I on time, the first six months, typed in TCVN3, three days late.
Runs once: if the plan exists nothing is changed."""
from __future__ import annotations

from datetime import date, datetime

from app import ingest, vntext
from app.demo.documents import QUARTERLY_REPORT, SIX_MONTH_REPORT, demo_files
from app.extensions import db
from app.models import Plan, ReformField, Unit, User
from app.services import uploads
from app.services.plans import plans as plan_rules
from app.services.plans import progress, reports

PLAN_NUMBER = "2337/KH-TTCP"
PLAN_TITLE = "Kế hoạch cải cách hành chính năm 2024 của Thanh tra Chính phủ"
DEADLINES = {"q1": date(2024, 4, 15), "h1": date(2024, 7, 15), "q3": date(2024, 10, 15), "year": date(2024, 12, 20)}

# field position → tasks (title, lead unit, cooperating units, deadline month, expected output)
TASKS = {
    1: [
        ("Ban hành kế hoạch CCHC năm 2024 của đơn vị", "VPC", [], 1, "Kế hoạch CCHC năm 2024"),
        ("Tổ chức hội nghị triển khai công tác CCHC năm 2024", "KHTCTH", ["VP"], 2, "Hội nghị, thông báo kết luận"),
        ("Kiểm tra công tác CCHC tại các đơn vị thuộc Thanh tra Chính phủ",
         "KHTCTH", ["TCCB"], 9, "Báo cáo kết quả kiểm tra"),
        ("Tuyên truyền CCHC trên Báo Thanh tra và Tạp chí Thanh tra", "BAOTT", ["TCTT"], 11, "Tối thiểu 24 tin, bài"),
        ("Khảo sát mức độ hài lòng của người dân về tiếp công dân", "BTCDTW", ["VCL"], 10, "Báo cáo khảo sát"),
        ("Xác định chỉ số CCHC của Thanh tra Chính phủ năm 2023", "KHTCTH", ["VPC", "TCCB"], 5, "Báo cáo tự đánh giá"),
    ],
    2: [
        ("Rà soát văn bản quy phạm pháp luật thuộc lĩnh vực thanh tra",
         "VPC", ["VCL"], 6, "Danh mục văn bản cần sửa đổi"),
        ("Xây dựng Nghị định sửa đổi Nghị định 43/2023/NĐ-CP", "VPC", ["VP"], 12, "Dự thảo Nghị định"),
        ("Theo dõi thi hành pháp luật về khiếu nại, tố cáo", "VPC", ["BTCDTW"], 11, "Báo cáo theo dõi thi hành"),
        ("Kiểm tra, xử lý văn bản quy phạm pháp luật", "VPC", [], 10, "Báo cáo kiểm tra văn bản"),
        ("Hệ thống hóa văn bản quy phạm pháp luật kỳ 2019–2023", "VPC", ["VCL"], 8, "Bộ văn bản hệ thống hóa"),
        ("Nghiên cứu hoàn thiện thể chế về phòng, chống tham nhũng", "VCL", ["VPC"], 12, "Báo cáo chuyên đề"),
    ],
    3: [
        ("Cập nhật quy trình nội bộ giải quyết TTHC tiếp công dân",
         "BTCDTW", ["VPC"], 3, "Quy trình nội bộ được phê duyệt"),
        ("Rà soát, đơn giản hóa thủ tục hành chính thuộc phạm vi quản lý", "VPC", ["VP"], 6, "Phương án đơn giản hóa"),
        ("Công khai thủ tục hành chính trên Cơ sở dữ liệu quốc gia", "VP", ["VPC"], 4, "100% TTHC được công khai"),
        ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "VP", ["BTCDTW"], 9, "Tỷ lệ hồ sơ được số hóa"),
        ("Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính", "VP", [], 12, "Báo cáo tiếp nhận, xử lý"),
        ("Thực hiện cơ chế một cửa trong tiếp công dân", "BTCDTW", ["VP"], 7, "Bộ phận một cửa hoạt động"),
    ],
    4: [
        ("Rà soát vị trí việc làm theo đề án được phê duyệt", "TCCB", ["VPC"], 6, "Đề án vị trí việc làm điều chỉnh"),
        ("Rà soát chức năng, nhiệm vụ của các vụ, cục, đơn vị", "TCCB", [], 5, "Báo cáo rà soát"),
        ("Sắp xếp các đơn vị sự nghiệp công lập trực thuộc", "TCCB", ["KHTCTH"], 11, "Phương án sắp xếp"),
        ("Ban hành quy chế làm việc sửa đổi của Thanh tra Chính phủ", "VP", ["TCCB"], 8, "Quy chế làm việc"),
        ("Thực hiện phân cấp, ủy quyền trong quản lý", "TCCB", ["VP"], 10, "Quyết định phân cấp"),
        ("Đánh giá mô hình tổ chức của Ban Tiếp công dân Trung ương", "BTCDTW", ["TCCB"], 12, "Báo cáo đánh giá"),
    ],
    5: [
        ("Đánh giá, phân loại công chức, viên chức quý I", "TCCB", [], 4, "Kết quả đánh giá hằng quý"),
        ("Đào tạo, bồi dưỡng kỹ năng thanh tra cho công chức", "TCBTT", ["TCCB"], 10, "Tối thiểu 300 lượt học viên"),
        ("Tuyển dụng công chức theo vị trí việc làm", "TCCB", [], 9, "Kết quả thi tuyển"),
        ("Kiểm tra kỷ luật, kỷ cương hành chính", "VP", ["TCCB"], 11, "Báo cáo kiểm tra"),
        ("Bồi dưỡng kiến thức CCHC cho đầu mối các đơn vị", "TCBTT", ["KHTCTH"], 6, "Lớp bồi dưỡng"),
        ("Thực hiện quy tắc ứng xử của cán bộ tiếp công dân", "BTCDTW", ["TCCB"], 12, "Báo cáo thực hiện"),
    ],
    6: [
        ("Xây dựng quy chế chi tiêu nội bộ sửa đổi", "KHTCTH", ["VP"], 3, "Quy chế chi tiêu nội bộ"),
        ("Giao quyền tự chủ tài chính cho đơn vị sự nghiệp", "KHTCTH", ["TCBTT", "BAOTT"], 8, "Quyết định giao tự chủ"),
        ("Công khai dự toán, quyết toán ngân sách", "KHTCTH", [], 4, "Báo cáo công khai"),
        ("Quản lý, sử dụng tài sản công theo tiêu chuẩn, định mức", "VP", ["KHTCTH"], 10, "Báo cáo kiểm kê tài sản"),
        ("Thực hành tiết kiệm, chống lãng phí", "KHTCTH", ["VP"], 12, "Báo cáo kết quả"),
    ],
    7: [
        ("Phát hành văn bản điện tử có chữ ký số", "VP", ["VPC", "TCCB"], 6, "Tỷ lệ văn bản đi có chữ ký số"),
        ("Nâng cấp Cổng thông tin điện tử Thanh tra Chính phủ", "VP", ["BAOTT"], 9, "Cổng thông tin được nâng cấp"),
        ("Kết nối Hệ thống cơ sở dữ liệu quốc gia về khiếu nại, tố cáo", "BTCDTW", ["VP"], 11, "Hệ thống kết nối"),
        ("Triển khai hệ thống họp trực tuyến", "VP", [], 5, "Hệ thống họp trực tuyến"),
        ("Đảm bảo an toàn thông tin hệ thống mạng nội bộ", "VP", ["VCL"], 12, "Báo cáo đánh giá an toàn thông tin"),
    ],
}

# (field position, task index, reporter, status, percent, done, figures, posted on)
UPDATES = [
    (1, 0, "daumoi.vpc", "done", 100, "Đã ban hành Kế hoạch CCHC năm 2024 của Vụ Pháp chế.",
     "01 kế hoạch số 12/KH-VPC ngày 15/01/2024", datetime(2024, 1, 16, 3)),
    (2, 0, "daumoi.vpc", "in_progress", 70, "Đã rà soát phần lớn văn bản quy phạm pháp luật thuộc lĩnh vực thanh tra.",
     "Đã rà soát 37/52 văn bản", datetime(2024, 3, 28, 4)),
    (2, 3, "daumoi.vpc", "in_progress", 40, "Đang kiểm tra văn bản theo kế hoạch, tổng hợp kết quả.", "",
     datetime(2024, 6, 20, 2)),
    (3, 0, "daumoi.vpc", "done", 100, "Cập nhật quy trình nội bộ giải quyết TTHC tiếp công dân.",
     "100% TTHC có quy trình nội bộ được phê duyệt", datetime(2024, 3, 25, 8)),
    (4, 0, "daumoi.tccb", "delayed", 30, "Đang rà soát vị trí việc làm; chưa hoàn thành do chờ ý kiến các vụ.", "",
     datetime(2024, 6, 28, 9)),
    (5, 0, "daumoi.tccb", "done", 100, "Hoàn thành đánh giá, phân loại công chức, viên chức quý I.",
     "24/24 công chức được đánh giá", datetime(2024, 4, 5, 2)),
    (4, 1, "daumoi.tccb", "in_progress", 60, "Đã rà soát chức năng, nhiệm vụ của 6/9 đơn vị.", "",
     datetime(2024, 5, 10, 3)),
    (7, 0, "daumoi.vpc", "in_progress", 86, "Vụ Pháp chế phát hành văn bản điện tử có chữ ký số.",
     "Tỷ lệ 86,5% văn bản đi có chữ ký số", datetime(2024, 6, 25, 3)),
]

# demo Word file, unit, period kind, reporter, submitted at (UTC)
REPORTS = [
    (QUARTERLY_REPORT, "VPC", "q1", "daumoi.vpc", datetime(2024, 4, 10, 2, 30)),
    (SIX_MONTH_REPORT, "VPC", "h1", "daumoi.vpc", datetime(2024, 7, 18, 8, 0)),
]


def load_demo_plans() -> list[str]:
    """Create the demo plan with its tasks, updates and reports if the plan is missing; return lines to print."""
    if db.session.scalar(db.select(Plan.id).where(Plan.number_key == vntext.number_key(PLAN_NUMBER))):
        return [f"Kế hoạch {PLAN_NUMBER}: đã có."]
    units = {u.code: u.id for u in db.session.scalars(db.select(Unit))}
    fields = {f.position: f.id for f in db.session.scalars(db.select(ReformField))}
    admin = db.session.scalar(db.select(User).where(User.username == "quantri"))
    plan = plan_rules.create_plan(plan_rules.PlanData(year=2024, number=PLAN_NUMBER, title=PLAN_TITLE), admin)
    plan_rules.set_period_deadlines(plan, DEADLINES)
    tasks = {}
    for position, rows in TASKS.items():
        for index, (title, lead, cooperating, month, output) in enumerate(rows):
            data = plan_rules.TaskData(
                code=f"{position}.{index + 1}", title=title, field_id=fields[position], lead_unit_id=units[lead],
                unit_ids=[units[c] for c in cooperating if c in units],
                deadline=date(2024, month, 28 if month == 2 else 30) if month != 12 else date(2024, 12, 31),
                expected_output=output)
            tasks[(position, index)] = plan_rules.add_task(plan, data)
    users = {u.username: u for u in db.session.scalars(db.select(User))}
    for position, index, username, status, percent, done, figures, posted in UPDATES:
        progress.post_update(tasks[(position, index)], users[username],
                             progress.UpdateData(status=status, percent=percent, done=done, figures=figures),
                             posted_at=posted)
    lines = [f"Kế hoạch {PLAN_NUMBER}: {len(tasks)} nhiệm vụ, {len(UPDATES)} cập nhật tiến độ."]
    periods = {p.kind: p for p in plan.periods}
    with demo_files() as paths:
        for name, unit_code, kind, username, submitted in REPORTS:
            try:
                stored = uploads.accept_path(paths[name], allowed=("docx",))
                meta = stored.extracted.metadata
                report = reports.submit_report(
                    periods[kind], units[unit_code], users[username], stored,
                    reports.ReportData(number=meta.number or "", issued_on=meta.issued_on, title=meta.title or ""),
                    expected_version=0, submitted_at=submitted)
            except (ingest.IngestError, reports.ReportError) as exc:
                lines.append(f"  {name}: {exc}")
                continue
            lines.append(f"  Báo cáo {periods[kind].label} của {unit_code}: {reports.late_label(report.late_days)}.")
    return lines
