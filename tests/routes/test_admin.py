"""Admin pages: only admins reach them; users and units are created and changed through forms."""
import pytest

from app.extensions import db
from app.models import User
from tests.helpers import login, page_token

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/units"]


@pytest.mark.parametrize("roles", [["reader"], ["editor"], ["reporter"], ["editor", "reporter"]])
def test_non_admins_get_vietnamese_403(client, make_user, roles):
    make_user("khach", roles=roles)
    target = make_user("muc-tieu")
    login(client, "khach")
    for path in ADMIN_PAGES + [f"/admin/users/{target}"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Không có quyền truy cập" in response.get_data(as_text=True)
    token = page_token(client)
    for path in ["/admin/users/new", f"/admin/users/{target}", f"/admin/users/{target}/password", "/admin/units"]:
        response = client.post(path, data={"csrf_token": token, "username": "x", "password": "12345678",
                                           "new_password": "12345678", "code": "X", "name": "X",
                                           "full_name": "X", "roles": ["admin"], "unit_id": "0"})
        assert response.status_code == 403, path
    with client.application.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 2


def test_admin_creates_user_who_can_log_in(app, client, make_user, make_unit):
    make_user("quantri", roles=["admin"])
    unit_id = make_unit("TCCB", "Vụ Tổ chức Cán bộ")
    login(client, "quantri")
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert "Vụ Tổ chức Cán bộ" in form
    response = client.post(
        "/admin/users/new",
        data={"csrf_token": page_token(client, "/admin/users/new"), "username": "Hoa.TCCB",
              "password": "mat-khau-dai", "full_name": "Trần Thị Hoa", "unit_id": str(unit_id),
              "roles": ["reporter", "reader"], "active": "y"},
    )
    assert response.status_code == 302
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "hoa.tccb" in listing and "Trần Thị Hoa" in listing and "TCCB" in listing
    other = app.test_client()
    assert login(other, "hoa.tccb", "mat-khau-dai").status_code == 302
    assert "Vụ Tổ chức Cán bộ" in other.get("/").get_data(as_text=True)


def test_create_user_errors_are_shown_and_nothing_saved(client, make_user):
    make_user("quantri", roles=["admin"])
    login(client, "quantri")
    token = page_token(client, "/admin/users/new")
    base = {"csrf_token": token, "password": "mat-khau-dai", "full_name": "A", "unit_id": "0", "roles": ["reader"]}
    taken = client.post("/admin/users/new", data={**base, "username": "quantri"})
    assert taken.status_code == 400 and "đã có người dùng" in taken.get_data(as_text=True)
    bad_name = client.post("/admin/users/new", data={**base, "username": "tên có dấu"})
    assert bad_name.status_code == 400 and "chỉ gồm chữ không dấu" in bad_name.get_data(as_text=True)
    reporter_without_unit = client.post("/admin/users/new", data={**base, "username": "dm", "roles": ["reporter"]})
    assert "phải thuộc một đơn vị" in reporter_without_unit.get_data(as_text=True)
    no_role = client.post("/admin/users/new", data={**base, "username": "dm", "roles": []})
    assert "Chọn ít nhất một vai trò" in no_role.get_data(as_text=True)
    with client.application.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_admin_changes_roles_and_user_gains_access(app, client, make_user):
    make_user("quantri", roles=["admin"])
    user_id = make_user("lan")
    login(client, "quantri")
    response = client.post(
        f"/admin/users/{user_id}",
        data={"csrf_token": page_token(client), "full_name": "Lan", "unit_id": "0",
              "roles": ["admin", "reader"], "active": "y"},
    )
    assert response.status_code == 302
    lan = app.test_client()
    login(lan, "lan")
    assert lan.get("/admin/users").status_code == 200


def test_admin_cannot_remove_own_admin_role_or_deactivate_self(client, make_user):
    admin_id = make_user("quantri", roles=["admin"])
    login(client, "quantri")
    token = page_token(client)
    response = client.post(f"/admin/users/{admin_id}",
                           data={"csrf_token": token, "full_name": "Q", "unit_id": "0", "roles": ["reader"],
                                 "active": "y"})
    assert response.status_code == 400 and "Không thể tự gỡ quyền quản trị" in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 200


def test_admin_resets_password(app, client, make_user):
    make_user("quantri", roles=["admin"])
    user_id = make_user("lan")
    login(client, "quantri")
    short = client.post(f"/admin/users/{user_id}/password", data={"csrf_token": page_token(client),
                                                                  "new_password": "123"})
    assert short.status_code == 302
    assert "ít nhất 10 ký tự" in client.get(short.headers["Location"]).get_data(as_text=True)
    client.post(f"/admin/users/{user_id}/password", data={"csrf_token": page_token(client),
                                                          "new_password": "bong-sen-ven-ho-9"})
    lan = app.test_client()
    assert login(lan, "lan").status_code == 401
    assert login(lan, "lan", "bong-sen-ven-ho-9").status_code == 302


def test_admin_creates_unit_and_duplicate_is_refused(client, make_user):
    make_user("quantri", roles=["admin"], unit=None)
    login(client, "quantri")
    token = page_token(client, "/admin/units")
    data = {"csrf_token": token, "code": "vpc", "name": "Vụ Pháp chế"}
    assert client.post("/admin/units", data=data).status_code == 302
    page = client.get("/admin/units").get_data(as_text=True)
    assert "VPC" in page and "Vụ Pháp chế" in page
    again = client.post("/admin/units", data={"csrf_token": token, "code": "VPC", "name": "Khác"})
    assert again.status_code == 400 and "đã tồn tại" in again.get_data(as_text=True)


def test_user_list_filters_and_answers_htmx_with_rows_only(client, make_user):
    make_user("quantri", roles=["admin"])
    make_user("lan", full_name="Nguyễn Thị Lan")
    make_user("hung", full_name="Phạm Minh Hùng")
    login(client, "quantri")
    full = client.get("/admin/users?q=lan")
    assert "<html" in full.get_data(as_text=True)
    rows = client.get("/admin/users?q=lan", headers={"HX-Request": "true"})
    body = rows.get_data(as_text=True)
    assert "<html" not in body and "Nguyễn Thị Lan" in body and "Phạm Minh Hùng" not in body
    assert "HX-Request" in rows.headers["Vary"]
    # A history-restore request gets the full page.
    restore = client.get("/admin/users?q=lan", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_user_supplied_text_is_escaped(client, make_user):
    make_user("quantri", roles=["admin"])
    make_user("xss", full_name='<script>alert("x")</script><img src=x onerror=alert(1)>')
    login(client, "quantri")
    body = client.get("/admin/users").get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body


def test_admin_sees_the_system_state_in_vietnamese(app, client, make_user, make_document, monkeypatch):
    import os
    import shutil
    from collections import namedtuple

    make_user("quantri", roles=["admin"])
    make_document(title="Văn bản một")
    make_document(title="Văn bản hai")
    usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(500 * 2**30, 487 * 2**30, int(12.5 * 2**30)))
    login(client, "quantri")
    assert 'href="/admin/system"' in client.get("/admin/users").get_data(as_text=True)  # in the admin menu
    page = client.get("/admin/system")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h1>Tình trạng hệ thống</h1>" in html and "Bình thường" in html
    assert "Truy cập được" in html and " ms (kết nối và một truy vấn)" in html
    assert "<th scope=\"row\">Số bản ghi</th><td>2</td>" in html
    assert "<th scope=\"row\">Thay đổi chờ đưa vào tìm kiếm</th>\n      <td>0" in html
    assert "12,5 GB / 500 GB" in html
    assert f"{os.getpid()} (tiến trình cha {os.getppid()})" in html
    assert 'hx-trigger="every 10s"' in html
    partial = client.get("/admin/system", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in partial and 'id="tinh-trang"' in partial


def test_admin_sees_low_disk_and_a_lagging_state(app, client, make_user, monkeypatch):
    import shutil
    from collections import namedtuple

    make_user("quantri", roles=["admin"])
    usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10 * 2**30, 10 * 2**30, 80 * 2**20))
    login(client, "quantri")
    html = client.get("/admin/system").get_data(as_text=True)
    assert "Không phục vụ được" in html and "80 MB" in html and "dưới mức tối thiểu 200 MB" in html
    assert "Chưa có chỉ mục" in html  # nothing indexed yet on this node


def test_system_page_is_for_admins_only(client, make_user):
    make_user("congchuc")
    anonymous = client.get("/admin/system")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, "congchuc")
    refused = client.get("/admin/system")
    assert refused.status_code == 403 and "Không có quyền truy cập" in refused.get_data(as_text=True)
