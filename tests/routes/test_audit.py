"""The audit log (/admin/audit): who did what, when and from where, for every admin and
permission-relevant action; filters, pages, htmx rows, the Excel export, and that nobody can
change it."""
import html
import io
import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AuditEntry, User
from tests.helpers import TEST_PASSWORD, logged_in, login, page_token

ROW = re.compile(r"<tr>(.*?)</tr>", re.S)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def rows(client, **filters) -> list[str]:
    """The rows of the audit page as the htmx filter shows them (text only), newest first."""
    response = client.get("/admin/audit", query_string=filters, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body
    return [_text(r) for r in ROW.findall(body.split("<tbody>", 1)[1]) if "Không có mục nào khớp" not in r]


def _from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_account_administration_is_recorded_with_actor_before_and_after(app, make_user, make_unit):
    make_user("quantri", roles=["admin"])
    unit_id = make_unit("TCCB", "Vụ Tổ chức Cán bộ")
    admin = _from(app, "10.2.0.7")
    login(admin, "quantri")
    token = page_token(admin, "/admin/users/new")
    admin.post("/admin/users/new", data={"csrf_token": token, "username": "hoa", "password": "bong-sen-ven-ho-1",
                                         "full_name": "Trần Thị Hoa", "unit_id": "0", "roles": ["reader"],
                                         "active": "y"})
    with app.app_context():
        hoa = db.session.scalar(db.select(User.id).where(User.username == "hoa"))
    admin.post(f"/admin/users/{hoa}", data={"csrf_token": token, "full_name": "Trần Thị Hoa",
                                            "unit_id": str(unit_id), "roles": ["reporter", "admin"], "active": "y"})
    admin.post(f"/admin/users/{hoa}", data={"csrf_token": token, "full_name": "Trần Thị Hoa",
                                            "unit_id": str(unit_id), "roles": ["reporter"]})  # deactivated
    admin.post(f"/admin/users/{hoa}/password", data={"csrf_token": token, "new_password": "bong-sen-ven-ho-2"})
    admin.post("/admin/units", data={"csrf_token": token, "code": "VCL", "name": "Viện Chiến lược"})

    listed = rows(admin)
    assert all("quantri" in row and "10.2.0.7" in row for row in listed[:9]), listed
    assert listed[0].startswith(clock.to_vietnam(clock.utcnow()).strftime("%d/%m/%Y"))
    actions = [row.split("quantri", 1)[1] for row in listed[:9]]
    assert actions[0].startswith(" Tạo đơn vị Đơn vị VCL")
    assert actions[1].startswith(" Đặt lại mật khẩu Tài khoản hoa")
    assert "Vô hiệu hóa tài khoản" in actions[2] and "Đang hoạt động: có → không" in actions[2]
    assert "Thu hồi vai trò" in actions[3] and "Vai trò: admin → —" in actions[3]
    first_edit = actions[4:8]  # one save: its details, two roles granted, one revoked
    assert any("Cấp vai trò" in a and "Vai trò: — → admin" in a for a in first_edit)
    assert any("Cấp vai trò" in a and "Vai trò: — → reporter" in a for a in first_edit)
    assert any("Thu hồi vai trò" in a and "Vai trò: reader → —" in a for a in first_edit)
    assert any("Sửa tài khoản" in a and "Đơn vị: — → TCCB" in a for a in first_edit)
    assert "Tạo tài khoản Tài khoản hoa" in actions[8] and "Vai trò: — → reader" in actions[8]
    # Passwords never reach the log.
    everything = admin.get("/admin/audit").get_data(as_text=True)
    assert "bong-sen-ven-ho" not in everything


def test_logins_failures_lockouts_logouts_and_ended_sessions_are_recorded(app, make_user):
    make_user("quantri", roles=["admin"])
    make_user("lan")
    guesser = _from(app, "10.9.9.9")
    login(guesser, "ai-do", "doan-bua")
    for _ in range(5):
        login(guesser, "lan", "doan-bua")
    lan = _from(app, "10.2.0.8")
    login(lan, "lan", remember=True)
    other = logged_in(app, "lan")
    lan.post("/account/sessions/end-others", data={"csrf_token": page_token(lan)})
    lan.post("/logout", data={"csrf_token": page_token(lan)})
    admin = logged_in(app, "quantri")

    listed = rows(admin, target="lan")
    assert "Đăng xuất" in listed[0] and "10.2.0.8" in listed[0]
    assert "Kết thúc các phiên khác" in listed[1] and "Kết thúc 1 phiên khác" in listed[1]
    assert "Đăng nhập" in listed[2] and "Ghi nhớ đăng nhập" in listed[3] and "10.2.0.8" in listed[3]
    assert "Tạm khóa đăng nhập" in listed[4] and "10.9.9.9" in listed[4]
    failures = [row for row in listed if "Đăng nhập sai" in row]
    assert len(failures) == 5 and all("Sai mật khẩu" in row and "10.9.9.9" in row for row in failures)
    unknown = rows(admin, target="ai-do")
    assert len(unknown) == 1 and "Đăng nhập sai" in unknown[0] and "Tên đăng nhập không tồn tại" in unknown[0]
    assert other.get("/").status_code == 302


def test_plans_tasks_and_deadlines_are_recorded(app, world):
    admin = logged_in(app, "admin")
    token = page_token(admin, "/plans/")
    admin.post("/plans/new", data={"csrf_token": token, "year": "2025", "number": "99/KH-TTCP",
                                   "title": "Kế hoạch CCHC năm 2025"})
    admin.post(f"/plans/{world.plan}/periods", data={"csrf_token": token, "q1": "10/04/2024"})
    form = admin.get(f"/plans/tasks/{world.task}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    admin.post(f"/plans/tasks/{world.task}/edit", data={
        "csrf_token": token, "version": version, "code": "2.1", "title": "Rà soát văn bản quy phạm pháp luật",
        "field_id": "2", "lead_unit_id": str(world.units["VPC"]), "unit_ids": [str(world.units["VP"])],
        "deadline": "2024-07-31", "expected_output": "Danh mục văn bản"})
    admin.post(f"/plans/{world.plan}/tasks/new", data={
        "csrf_token": token, "code": "7.1", "title": "Số hóa hồ sơ", "field_id": "7",
        "lead_unit_id": str(world.units["VP"]), "deadline": "2024-10-31", "expected_output": ""})

    listed = rows(admin, actor="admin")
    assert "Thêm nhiệm vụ" in listed[0] and "2337/KH-TTCP – nhiệm vụ 7.1" in listed[0]
    assert "Sửa nhiệm vụ" in listed[1]
    assert "Thời hạn: 30/06/2024 → 31/07/2024" in listed[1] and "Đơn vị phối hợp: TCCB → VP" in listed[1]
    assert "Tên:" not in listed[1]  # unchanged fields are left out
    assert "Đổi hạn nộp báo cáo" in listed[2] and "Hạn Quý I: 15/04/2024 → 10/04/2024" in listed[2]
    assert "Tạo kế hoạch" in listed[3] and "99/KH-TTCP" in listed[3]


def test_task_import_is_one_entry_naming_the_tasks(app, world):
    admin = logged_in(app, "admin")
    csv = ("Mã nhiệm vụ,Tên nhiệm vụ,Lĩnh vực,Đơn vị chủ trì,Đơn vị phối hợp,Thời hạn,Sản phẩm dự kiến\n"
           "5.1,Đào tạo công chức,5,TCCB,,30/09/2024,Lớp học\n"
           "5.2,Tuyển dụng công chức,5,TCCB,VP,31/10/2024,Kết quả thi\n").encode()
    response = admin.post(f"/plans/{world.plan}/import", data={
        "csrf_token": page_token(admin, "/plans/"), "file": (io.BytesIO(csv), "nhiem-vu.csv")},
        content_type="multipart/form-data")
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    listed = rows(admin, action="task.import")
    assert len(listed) == 1 and "Nhập 2 nhiệm vụ từ tệp .csv" in listed[0] and "5.1, 5.2" in listed[0]
    assert rows(admin, action="task.create", target="5.1") == []


def test_document_visibility_and_news_publication_are_recorded(app, make_user, make_document):
    from app import access
    from app.services.library import documents as library
    from app.services.news import articles as news

    admin_id = make_user("quantri", roles=["admin"])
    editor_id = make_user("bientap", roles=["editor"], unit="VP")
    doc_id = make_document(number="15/BC-VPC", title="Báo cáo CCHC quý I", doc_type="Báo cáo", issuer="Vụ Pháp chế",
                           units=["VPC"], created_by=admin_id)
    with app.app_context():
        admin, editor = db.session.get(User, admin_id), db.session.get(User, editor_id)
        document = access.readable_document_or_none(admin, doc_id)
        data = library.DocumentData(category=document.category, doc_type=document.doc_type, number=document.number,
                                    title=document.title, issuer=document.issuer, visibility="units",
                                    unit_ids=[u.id for u in document.units] + [editor.unit_id])
        library.update_document(document, data, admin, document.version)
        library.update_document(document, library.DocumentData(
            category=document.category, doc_type=document.doc_type, number=document.number,
            title="Báo cáo CCHC quý I năm 2024", issuer=document.issuer, visibility="units",
            unit_ids=[u.id for u in document.units]), admin, document.version)  # text only: not recorded
        article = news.create_article(news.ArticleData(title="Hội nghị CCHC", body="Nội dung."), editor)
        news.publish(article, admin)
        news.unpublish(article, admin, comment="Sai số liệu")
    client = logged_in(app, "quantri")
    listed = rows(client, action="news")
    assert "Gỡ tin" in listed[0] and "Hội nghị CCHC" in listed[0] and "Trạng thái: Đã đăng → Đã gỡ" in listed[0]
    assert "Sai số liệu" in listed[0]
    assert "Xuất bản tin" in listed[1] and "Trạng thái: Bản nháp → Đã đăng" in listed[1]
    visibility = rows(client, action="document.visibility")
    assert len(visibility) == 2
    assert "15/BC-VPC" in visibility[0] and "quantri" in visibility[0]
    assert re.search(r"Đơn vị được xem: VPC → (VP, VPC|VPC, VP)\b", visibility[0]), visibility[0]
    assert "Văn bản mới, hạn chế phạm vi xem" in visibility[1]


def test_filters_dates_pages_and_htmx_rows(app, make_user, monkeypatch):
    make_user("quantri", roles=["admin"])
    make_user("lan")
    base = datetime(2026, 3, 10, 3, 0)  # 10:00 in Vietnam
    for day in range(3):
        monkeypatch.setattr(clock, "utcnow", lambda day=day: base + timedelta(days=day))
        for _ in range(2):
            login(app.test_client(), "lan")
    monkeypatch.setattr(clock, "utcnow", lambda: base + timedelta(days=3))
    admin = logged_in(app, "quantri")
    page = admin.get("/admin/audit")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nhật ký hệ thống" in text and 'id="audit-rows"' in text
    assert 'aria-current="page">Nhật ký hệ thống' in text
    assert len(rows(admin, actor="lan", action="login.success")) == 6
    second_day = rows(admin, actor="lan", **{"from": "2026-03-11", "to": "2026-03-11"})
    assert len(second_day) == 2 and all(row.startswith("11/03/2026 10:00") for row in second_day)
    assert len(rows(admin, action="login", **{"from": "2026-03-12"})) == 3  # a group: lan twice, quantri once
    assert rows(admin, actor="khong-ai") == []
    assert 'href="/admin/audit.xlsx?actor=lan' in admin.get(
        "/admin/audit?actor=lan", headers={"HX-Request": "true"}).get_data(as_text=True)

    monkeypatch.setattr(clock, "utcnow", lambda: base + timedelta(days=4))
    for _ in range(50):
        login(app.test_client(), "lan")
    admin = logged_in(app, "quantri")  # a day later: the idle session has ended
    first = admin.get("/admin/audit?actor=lan").get_data(as_text=True)
    assert "Trang 1/2" in first and 'href="/admin/audit?page=2&amp;actor=lan"' in first
    second = admin.get("/admin/audit?actor=lan&page=2").get_data(as_text=True)
    assert "Trang 2/2" in second and "10/03/2026" in second and "14/03/2026" not in second


def test_export_is_the_filtered_list_as_excel(app, make_user, monkeypatch):
    from openpyxl import load_workbook

    make_user("quantri", roles=["admin"])
    make_user("lan")
    login(app.test_client(), "=cmd|' /C calc'!A0", "x")  # a username typed as a formula stays text
    login(app.test_client(), "lan")
    admin = logged_in(app, "quantri")
    response = admin.get("/admin/audit.xlsx?action=login")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "nhat-ky-" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:5] == ["Thời điểm", "Người thực hiện", "Hành động", "Loại đối tượng", "Đối tượng"]
    assert [row[2] for row in values[1:]] == ["Đăng nhập", "Đăng nhập", "Đăng nhập sai"]
    assert [row[1] for row in values[1:3]] == ["quantri", "lan"]
    formula = sheet.cell(row=4, column=5)
    assert formula.value == "=cmd|' /c calc'!a0" and formula.data_type == "s"  # usernames are lower-cased


@pytest.mark.parametrize("roles", [("reader",), ("editor",), ("reporter",), ("publisher",)])
def test_only_admins_read_the_log(app, make_user, roles):
    make_user("lan", roles=roles)
    client = logged_in(app, "lan")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.xlsx").status_code == 403


def test_nobody_can_change_or_delete_entries(app, make_user):
    make_user("quantri", roles=["admin"])
    admin = logged_in(app, "quantri")
    token = page_token(admin)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(admin, method)("/admin/audit", data={"csrf_token": token}).status_code == 405
    assert not [rule for rule in app.url_map.iter_rules()
                if "audit" in rule.rule and rule.methods - {"GET", "HEAD", "OPTIONS"}]
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry.id))
        for statement in (f"UPDATE audit_log SET actor_label = 'ai-do' WHERE id = {entry}",
                          f"DELETE FROM audit_log WHERE id = {entry}"):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                with db.engine.begin() as conn:
                    conn.execute(sa.text(statement))
    assert "quantri" in rows(admin)[0]


def test_a_refused_change_leaves_no_entry(app, make_user):
    admin_id = make_user("quantri", roles=["admin"])
    admin = logged_in(app, "quantri")
    before = len(rows(admin))
    refused = admin.post(f"/admin/users/{admin_id}", data={"csrf_token": page_token(admin), "full_name": "Q",
                                                           "unit_id": "0", "roles": ["reader"], "active": "y"})
    assert refused.status_code == 400
    taken = admin.post("/admin/users/new", data={"csrf_token": page_token(admin), "username": "quantri",
                                                 "password": "bong-sen-ven-ho-1", "full_name": "Q", "unit_id": "0",
                                                 "roles": ["reader"]})
    assert taken.status_code == 400
    assert len(rows(admin)) == before


def test_an_entry_is_only_saved_with_its_change(app, make_user):
    """``record`` never commits on its own: rolled back with the change, it is gone."""
    from app.services import audit

    make_user("lan")
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count(AuditEntry.id)))
        user = db.session.scalar(db.select(User).where(User.username == "lan"))
        user.full_name = "Tên chưa lưu"
        audit.record("user.update", user, before={"full_name": "Lan"}, after={"full_name": "Tên chưa lưu"})
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == count


def test_entries_carry_the_request_id(app, make_user):
    make_user("quantri", roles=["admin"])
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "quantri", "password": TEST_PASSWORD,
                                           "csrf_token": token.group(1)}, headers={"X-Request-ID": "yeu-cau-42"})
    assert response.status_code == 302
    page = client.get("/admin/audit").get_data(as_text=True)
    assert 'title="Mã yêu cầu">yeu-cau-42' in page
    with app.app_context():
        assert db.session.scalar(db.select(AuditEntry.request_id).where(AuditEntry.action == "login.success")) \
            == "yeu-cau-42"


def test_command_line_changes_are_recorded_as_such(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["units", "create", "VPC", "Vụ Pháp chế"])
    runner.invoke(args=["users", "create", "quantri", "--password", "bong-sen-ven-ho-1", "--role", "admin"])
    admin = app.test_client()
    login(admin, "quantri", "bong-sen-ven-ho-1")
    listed = rows(admin, **{"from": date.today().isoformat()})
    assert listed[-1].split(" ", 2)[2].startswith("(dòng lệnh) Tạo đơn vị")
    assert "(dòng lệnh) Tạo tài khoản" in listed[-2]
