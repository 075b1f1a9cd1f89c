"""What people read is Vietnamese and says the state as it is: role names, the feed link, a
scheduled article, the report matrix's overdue cells."""
from datetime import datetime

from app import clock
from tests.helpers import logged_in


def test_roles_feed_and_history_header_read_in_vietnamese(app, make_user):
    make_user("admin", roles=("admin", "reader"), unit="KHTCTH")
    make_user("bientap", roles=("editor", "reader"), unit="VP")
    admin = logged_in(app, "admin")
    users = admin.get("/admin/users").get_data(as_text=True)
    row = users.split(">bientap</a>")[1].split("</tr>")[0]
    assert "Cán bộ truyền thông" in row and "Công chức" in row
    assert ">editor<" not in users and ">reader<" not in users
    news = logged_in(app, "bientap").get("/news/").get_data(as_text=True)
    assert "Theo dõi tin (RSS/Atom)" in news and "Nguồn tin Atom" not in news


def test_the_report_matrix_marks_missing_and_overdue_strongest(app, world, monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 5, 2, 3))  # quý I (15/04) overdue, 6 tháng not yet
    page = logged_in(app, "admin").get("/plans/reports/").get_data(as_text=True)
    vpc = page.split('<th scope="row" class="cell--main">VPC</th>')[1].split("</tr>")[0]
    cells = vpc.split("<td")[1:]
    assert "matrix-cell--missing-overdue" in cells[0] and "Chưa nộp – quá hạn 17 ngày" in cells[0]
    assert "matrix-cell--missing\"" in cells[1] and "quá hạn" not in cells[1]
