"""The password policy applies wherever a password is set: admin create and reset, one's own
change, and the command line; the refusal says what is wrong, in Vietnamese."""
import html

import pytest

from app.extensions import db
from app.models import User
from tests.helpers import TEST_PASSWORD, logged_in, login, page_token

WEAK = ["12345678", "aaaaaaaa", "password", "Cchc@2024", "matkhau123", "Admin@123"]


def _count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(User.id)))


@pytest.mark.parametrize("password", WEAK)
def test_admin_cannot_create_a_user_with_a_weak_password(app, make_user, make_unit, password):
    make_user("quantri", roles=["admin"])
    admin = logged_in(app, "quantri")
    response = admin.post("/admin/users/new", data={
        "csrf_token": page_token(admin, "/admin/users/new"), "username": "hoa", "password": password,
        "full_name": "Trần Thị Hoa", "unit_id": "0", "roles": ["reader"], "active": "y"})
    assert response.status_code == 400
    text = html.unescape(response.get_data(as_text=True))
    assert "ít nhất 10 ký tự" in text or "quá phổ biến" in text
    assert _count_users(app) == 1
    assert login(app.test_client(), "hoa", password).status_code == 401


def test_admin_create_refuses_username_and_unit_code_inside(app, make_user, make_unit):
    make_user("quantri", roles=["admin"])
    unit_id = make_unit("TCCB")
    admin = logged_in(app, "quantri")
    token = page_token(admin, "/admin/users/new")
    base = {"csrf_token": token, "username": "hoa.tccb", "full_name": "Hoa", "unit_id": str(unit_id),
            "roles": ["reader"], "active": "y"}
    named = admin.post("/admin/users/new", data={**base, "password": "hoa.tccb-mua-thu"})
    assert "Mật khẩu không được chứa tên đăng nhập." in html.unescape(named.get_data(as_text=True))
    coded = admin.post("/admin/users/new", data={**base, "username": "hoa", "password": "vu-tccb-la-nha"})
    assert "Mật khẩu không được chứa mã đơn vị (TCCB)." in html.unescape(coded.get_data(as_text=True))
    assert _count_users(app) == 1


@pytest.mark.parametrize("password", ["password12", "anhyeuem2024", "iloveyou99"])
def test_admin_reset_refuses_a_common_password(app, make_user, password):
    make_user("quantri", roles=["admin"])
    user_id = make_user("lan")
    admin = logged_in(app, "quantri")
    response = admin.post(f"/admin/users/{user_id}/password", data={"csrf_token": page_token(admin),
                                                                     "new_password": password})
    assert response.status_code == 302
    page = html.unescape(admin.get(response.headers["Location"]).get_data(as_text=True))
    assert "quá phổ biến" in page and "Đã đặt lại mật khẩu" not in page
    assert login(app.test_client(), "lan").status_code == 302  # the old password still works


def test_own_change_refuses_a_weak_password_with_the_reason(app, make_user):
    make_user("lan")
    client = logged_in(app, "lan")
    token = page_token(client, "/account/password")
    for password, reason in (("aaaaaaaa", "ít nhất 10 ký tự"), ("matkhau2024", "quá phổ biến"),
                             ("lan-mua-thu-ha-noi", "không được chứa tên đăng nhập")):
        response = client.post("/account/password", data={"csrf_token": token, "current_password": TEST_PASSWORD,
                                                           "new_password": password, "confirm": password})
        assert response.status_code == 400
        assert reason in html.unescape(response.get_data(as_text=True)), password
    assert login(app.test_client(), "lan").status_code == 302


def test_command_line_refuses_weak_passwords(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["units", "create", "VPC", "Vụ Pháp chế"])
    result = runner.invoke(args=["users", "create", "lan", "--password", "12345678"])
    assert result.exit_code != 0 and "ít nhất 10 ký tự" in result.output
    result = runner.invoke(args=["users", "create", "lan", "--password", "password123"])
    assert result.exit_code != 0 and "quá phổ biến" in result.output
    assert runner.invoke(args=["users", "create", "lan", "--password", "bong-sen-ven-ho-1"]).exit_code == 0
    result = runner.invoke(args=["users", "set-password", "lan", "--password", "anhyeuem1990"])
    assert result.exit_code != 0 and "quá phổ biến" in result.output
    assert login(app.test_client(), "lan", "bong-sen-ven-ho-1").status_code == 302
