"""Task import from .xlsx/.csv (all rows or none, errors by line), the template, and the .xlsx export."""
import io
import unicodedata
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from tests.helpers import files_under, logged_in, page_token

HEADER = ["Mã nhiệm vụ", "Tên nhiệm vụ", "Lĩnh vực", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn",
          "Sản phẩm dự kiến"]


@pytest.fixture
def admin(app, world):
    return logged_in(app, "admin")


def xlsx(rows) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def upload(client, world, stream, name):
    return client.post(f"/plans/{world.plan}/import", data={
        "csrf_token": page_token(client, f"/plans/{world.plan}/import"), "file": (stream, name)},
        content_type="multipart/form-data")


def task_codes(app):
    from app.extensions import db
    from app.models import Task

    with app.app_context():
        return sorted(db.session.scalars(db.select(Task.code)))


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(app, world, admin):
    stream = xlsx([
        ["Danh sách nhiệm vụ năm 2024"],  # a title line above the header is not allowed: see below
    ])
    response = upload(admin, world, stream, "ds.xlsx")
    assert response.status_code == 400 and "thiếu cột" in response.get_data(as_text=True)

    stream = xlsx([
        HEADER,
        ["4.1", "Rà soát chức năng, nhiệm vụ", 4, "TCCB", "VPC, VP", datetime(2024, 5, 31), "Báo cáo"],
        ["4.2", "", 4, "TCCB", "", "31/05/2024", ""],                    # line 3: no title
        ["4.3", "Sắp xếp đơn vị", 9, "TCCB", "", "31/05/2024", ""],      # line 4: no field 9
        ["4.4", "Phân cấp", "Cải cách tổ chức bộ máy hành chính nhà nước", "XYZ", "", "", ""],  # line 5: unit
        ["4.1", "Trùng mã", 4, "VPC", "", "", ""],                       # line 6: duplicate of line 2
        ["2.1", "Trùng mã đã có", 2, "VPC", "", "", ""],                  # line 7: already in the plan
        ["4.7", "Hạn sai", 4, "VPC", "", "31/13/2024", ""],               # line 8: bad date
    ])
    response = upload(admin, world, stream, "ds.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dòng 3: Tên nhiệm vụ không được để trống." in html
    assert "Dòng 4: Lĩnh vực «9» không có" in html
    assert "Dòng 5: Đơn vị chủ trì «XYZ» không có" in html
    assert "Dòng 6: Mã nhiệm vụ 4.1 trùng với dòng 2." in html
    assert "Dòng 7: Mã nhiệm vụ 2.1 đã có trong kế hoạch." in html
    assert "Dòng 8: Thời hạn «31/13/2024» không hợp lệ" in html
    assert "Dòng 2:" not in html
    assert task_codes(app) == ["2.1", "2.2", "3.1"]  # none imported, not even line 2
    assert files_under(app.config["UPLOAD_DIR"]) == []


def test_a_good_xlsx_imports_every_row(app, world, admin):
    stream = xlsx([HEADER,
                   ["4.1", "Rà soát chức năng, nhiệm vụ", 4, "tccb", "VPC; VP", datetime(2024, 5, 31), "Báo cáo"],
                   [None, None, None, None, None, None, None],
                   ["7.1", "Phát hành văn bản điện tử", "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
                    "Văn phòng VP", "", "2024-06-30", ""]])
    response = upload(admin, world, stream, "ds.xlsx")
    assert response.status_code == 400 and "Dòng 4: Đơn vị chủ trì «Văn phòng VP»" in response.get_data(as_text=True)
    stream = xlsx([HEADER,
                   ["4.1", "Rà soát chức năng, nhiệm vụ", 4, "tccb", "VPC; VP", datetime(2024, 5, 31), "Báo cáo"],
                   ["7.1", "Phát hành văn bản điện tử", "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
                    "VP", "", "2024-06-30", ""]])
    response = upload(admin, world, stream, "ds.xlsx")
    assert response.status_code == 302
    assert task_codes(app) == ["2.1", "2.2", "3.1", "4.1", "7.1"]
    page = admin.get(f"/plans/{world.plan}?field=4").get_data(as_text=True)
    assert "Rà soát chức năng, nhiệm vụ" in page and "VP, VPC" in page and "31/05/2024" in page


def test_csv_with_semicolons_from_excel_and_the_template(app, world, admin):
    template = admin.get("/plans/import-template.csv")
    text = template.data.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADER)
    body = ";".join(HEADER) + "\n5.1;Đào tạo công chức;5;TCCB;;30/10/2024;300 lượt\n"
    response = upload(admin, world, io.BytesIO(body.encode("utf-8-sig")), "ds.csv")
    assert response.status_code == 302 and "5.1" in task_codes(app)
    legacy = unicodedata.normalize("NFD", body.replace("5.1", "5.2")).encode("cp1258", errors="replace")
    latin = upload(admin, world, io.BytesIO(legacy), "ds.csv")
    assert latin.status_code == 400 and "UTF-8" in latin.get_data(as_text=True)
    wrong = upload(admin, world, io.BytesIO(b"%PDF-1.4 ..."), "ds.pdf")
    assert wrong.status_code == 400 and "Chỉ nhận tệp Excel (.xlsx) hoặc CSV" in wrong.get_data(as_text=True)


def test_the_xlsx_template_opens_with_the_header_and_the_lists(app, world, admin):
    response = admin.get("/plans/import-template.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook["Nhiệm vụ"]
    assert [c.value for c in sheet[1]] == HEADER
    codes = [row[0] for row in workbook["Danh mục"].iter_rows(values_only=True)]
    assert "VPC" in codes and 7 in codes
    # the template itself imports (its example row)
    stream = io.BytesIO(response.data)
    assert upload(admin, world, stream, "mau.xlsx").status_code == 302


def test_the_export_opens_and_holds_the_progress_table(app, world, admin):
    reporter = logged_in(app, "rep_vpc")
    reporter.post(f"/plans/tasks/{world.task}/updates", data={
        "csrf_token": page_token(reporter, f"/plans/tasks/{world.task}"), "status": "done", "percent": "100",
        "done": "=HYPERLINK(\"http://evil\")", "figures": "52/52 văn bản"})
    response = admin.get(f"/plans/{world.plan}/overview.xlsx")
    assert response.status_code == 200
    assert "tien-do-2337-KH-TTCP.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    rows = list(workbook["Nhiệm vụ"].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[3], r[6], r[7]) for r in rows] == [
        ("2.1", "VPC", "Hoàn thành", 100), ("2.2", "VP", "Chậm tiến độ / quá hạn", 0),
        ("3.1", "TCCB", "Chậm tiến độ / quá hạn", 0)]
    assert rows[0][4] == "TCCB" and rows[0][5].date().isoformat() == "2024-06-30"
    # what a unit typed stays text: never a formula in the reform office's Excel
    result_cell = workbook["Nhiệm vụ"].cell(row=3, column=11)
    assert result_cell.value.startswith("=HYPERLINK") and result_cell.data_type == "s"
    by_field = list(workbook["Theo lĩnh vực"].iter_rows(values_only=True))
    assert by_field[1][:3] == ("Xây dựng, hoàn thiện thể chế", 2, 1) and by_field[1][-1] == 50
    assert by_field[-1][0] == "Tổng cộng" and by_field[-1][1] == 3
    units = {r[0]: r[1] for r in workbook["Theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert units["Tổng cộng"] == 3 and len(units) == 4
