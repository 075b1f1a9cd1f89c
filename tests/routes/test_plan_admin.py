"""The reform office: creating plans, tasks and periods (concurrent edits refused), the overview
with its chart, the follow-up page, and the demo plan."""
import io
import re
from datetime import datetime

from docx import Document as WordDocument

from app import clock
from tests.helpers import logged_in, page_token, sample


def test_admin_creates_a_plan_linked_to_its_document_with_four_periods(app, world, make_document):
    doc = make_document(number="99/KH-TTCP", title="Kế hoạch CCHC năm 2025", doc_type="Kế hoạch",
                        issuer="Thanh tra Chính phủ")
    admin = logged_in(app, "admin")
    token = page_token(admin, "/plans/new")
    duplicate = admin.post("/plans/new", data={"csrf_token": token, "year": "2024", "number": "2337/kh-ttcp",
                                               "title": "Trùng số"})
    assert duplicate.status_code == 400 and "Kế hoạch số 2337/kh-ttcp đã có." in duplicate.get_data(as_text=True)
    response = admin.post("/plans/new", data={"csrf_token": token, "year": "2025", "number": "99/KH-TTCP",
                                              "title": "Kế hoạch CCHC năm 2025"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/periods")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count('data-date="date"') == 4 and 'value="15/04/2025"' in page  # dd/mm/yyyy, never a date input
    assert 'type="date"' not in page
    plan_id = int(response.headers["Location"].split("/")[2])
    plan_page = admin.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert f'href="/documents/{doc}"' in plan_page
    bad = admin.post(f"/plans/{plan_id}/periods", data={"csrf_token": token, "q1": "2030-04-15"})
    assert bad.status_code == 400 and "phải trong năm 2025" in bad.get_data(as_text=True)
    good = admin.post(f"/plans/{plan_id}/periods", data={"csrf_token": token, "q1": "10/04/2025"})
    assert good.status_code == 302
    assert "Quý I/2025 (hạn 10/04/2025)" in admin.get(f"/plans/{plan_id}").get_data(as_text=True)


def test_task_edit_refuses_a_concurrent_save_and_keeps_the_input(app, world):
    admin = logged_in(app, "admin")
    form = admin.get(f"/plans/tasks/{world.task}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    token = page_token(admin, "/plans/")
    data = {"csrf_token": token, "version": version, "code": "2.1", "title": "Rà soát văn bản (sửa lần 1)",
            "field_id": "2", "lead_unit_id": str(world.units["VPC"]), "unit_ids": [str(world.units["VP"])],
            "deadline": "2024-07-31", "expected_output": "Danh mục"}
    assert admin.post(f"/plans/tasks/{world.task}/edit", data=data).status_code == 302
    data["title"] = "Bản sửa của người thứ hai"
    second = admin.post(f"/plans/tasks/{world.task}/edit", data=data)  # same, now stale, version
    html = second.get_data(as_text=True)
    assert second.status_code == 409 and "sau khi bạn mở trang" in html and "Bản sửa của người thứ hai" in html
    page = admin.get(f"/plans/tasks/{world.task}").get_data(as_text=True)
    assert "Rà soát văn bản (sửa lần 1)" in page and "31/07/2024" in page and "VP</td>" in page
    fresh = admin.get(f"/plans/tasks/{world.task}/edit").get_data(as_text=True)
    data.update(version=re.search(r'name="version" type="hidden" value="(\d+)"', fresh).group(1), code="2.2")
    clash = admin.post(f"/plans/tasks/{world.task}/edit", data=data)
    assert clash.status_code == 400 and "Mã nhiệm vụ 2.2 đã có trong kế hoạch." in clash.get_data(as_text=True)


def test_overview_by_field_and_unit_with_an_accessible_chart(app, world, monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 5, 2, 3))
    reporter = logged_in(app, "rep_vpc")
    reporter.post(f"/plans/tasks/{world.task}/updates", data={
        "csrf_token": page_token(reporter, "/plans/"), "status": "done", "percent": "100", "done": "Xong",
        "figures": "52/52 văn bản"})
    html = logged_in(app, "admin").get(f"/plans/{world.plan}/overview").get_data(as_text=True)
    chart = html.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
    assert "Xây dựng, hoàn thiện thể chế: 50,0% (1/2 nhiệm vụ hoàn thành)" in chart
    assert "Cải cách thủ tục hành chính: 0,0% (0/1 nhiệm vụ hoàn thành)" in chart
    assert "<script" not in html.split("</head>")[1]
    by_unit = html.split('id="theo-don-vi"')[1]
    assert re.search(r'VPC – Đơn vị VPC</th><td data-label="Số nhiệm vụ">1</td><td data-label="Hoàn thành">1</td>',
                     by_unit)
    assert re.search(r'Tổng cộng</th><td data-label="Số nhiệm vụ">3</td><td data-label="Hoàn thành">1</td>', by_unit)


def report_without_figures() -> io.BytesIO:
    """A quarterly report whose results have no figure (only dates, numbers of documents, headings)."""
    doc = WordDocument()
    for line in ["THANH TRA CHÍNH PHỦ", "VỤ TỔ CHỨC CÁN BỘ", "Số: 08/BC-TCCB", "Hà Nội, ngày 20 tháng 4 năm 2024",
                 "BÁO CÁO", "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024",
                 "I. KẾT QUẢ THỰC HIỆN", "1. Cải cách tổ chức bộ máy",
                 "- Rà soát vị trí việc làm: đang thực hiện theo Kế hoạch 2337/KH-TTCP.",
                 "- Đánh giá công chức: đã triển khai, kết quả tốt.", "II. TỒN TẠI, HẠN CHẾ", "Còn 3 nhiệm vụ chậm."]:
        doc.add_paragraph(line)
    stream = io.BytesIO()
    doc.save(stream)
    stream.seek(0)
    return stream


def test_follow_up_shows_who_is_late_and_whose_report_lacks_figures(app, world, monkeypatch):
    # VPC reports quý I on time with figures; TCCB reports 5 days late without figures; VP never reports.
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 4, 12, 3))
    vpc = logged_in(app, "rep_vpc")
    with open(sample("bao-cao-cchc-quy-1-2024.docx"), "rb") as fh:
        assert vpc.post(f"/plans/reports/periods/{world.periods['q1']}/units/{world.units['VPC']}", data={
            "csrf_token": page_token(vpc, "/plans/"), "action": "submit", "version": "0",
            "file": (fh, "bc-quy-1.docx")}, content_type="multipart/form-data").status_code == 302
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 4, 20, 3))
    tccb = logged_in(app, "rep_tccb")
    assert tccb.post(f"/plans/reports/periods/{world.periods['q1']}/units/{world.units['TCCB']}", data={
        "csrf_token": page_token(tccb, "/plans/"), "action": "submit", "version": "0",
        "file": (report_without_figures(), "bc-tccb.docx")}, content_type="multipart/form-data").status_code == 302
    tccb.post(f"/plans/tasks/{world.field3_task}/updates", data={
        "csrf_token": page_token(tccb, "/plans/"), "status": "delayed", "percent": "10",
        "done": "Đang chờ ý kiến các vụ", "figures": ""})

    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 7, 5, 3))  # current period: 6 tháng, due 15/07
    admin = logged_in(app, "admin")
    html = admin.get(f"/plans/{world.plan}/follow-up?period={world.periods['q1']}").get_data(as_text=True)
    missing = html.split('id="chua-nop"')[1].split('id="nop-muon"')[0]
    assert "<strong>VP</strong>" in missing and "VPC" not in missing and "TCCB" not in missing
    assert "đã quá hạn 81 ngày" in missing
    late = html.split('id="nop-muon"')[1].split('id="thieu-so-lieu"')[0]
    assert "TCCB" in late and "Nộp muộn 5 ngày" in late and "VPC" not in late
    figures = html.split('id="thieu-so-lieu"')[1].split('id="cham"')[0]
    lacking = figures.split("<h3>")[0]
    assert "TCCB – Quý I/2024" in lacking and "VPC" not in lacking
    assert "VPC – Quý I/2024</a>: Rà soát vị trí việc làm theo đề án được phê duyệt" in figures
    assert "3.1. Đơn giản hóa thủ tục hành chính" in figures
    tasks = html.split('id="cham"')[1]
    assert "Đơn giản hóa thủ tục hành chính" in tasks and "Chậm tiến độ" in tasks
    assert "Rà soát văn bản quy phạm pháp luật" in tasks and "Quá hạn 5 ngày" in tasks  # due 30/06
    assert "Hệ thống hóa văn bản" not in tasks  # due 31/12, not started yet: not late
    default = admin.get(f"/plans/{world.plan}/follow-up").get_data(as_text=True)
    assert "chưa nộp báo cáo 6 tháng/2024 (3)" in default.lower()
    report_page = admin.get("/plans/reports/2").get_data(as_text=True)
    assert "Thiếu số liệu" in report_page and "Nộp muộn 5 ngày" in report_page


def test_demo_plan_loads_once_with_40_tasks_in_7_fields_and_a_late_report(app):
    from app.demo.loader import load_demo
    from app.extensions import db
    from app.models import Plan, ProgressUpdate, UnitReport

    with app.test_request_context():
        lines = load_demo()
        assert "Kế hoạch 2337/KH-TTCP: 40 nhiệm vụ, 8 cập nhật tiến độ." in lines
        again = load_demo()
        assert "Kế hoạch 2337/KH-TTCP: đã có." in again
        plan = db.session.scalar(db.select(Plan))
        assert len(plan.tasks) == 40 and {t.field.position for t in plan.tasks} == set(range(1, 8))
        assert db.session.scalar(db.select(db.func.count(ProgressUpdate.id))) == 8
        reports = db.session.scalars(db.select(UnitReport).order_by(UnitReport.id)).all()
        assert [(r.period.label, r.late_days) for r in reports] == [("Quý I/2024", 0), ("6 tháng/2024", 3)]
        assert plan.document_id is not None
