"""The address notifications go to by e-mail, set by the reform office on Quản trị → Người dùng:
optional, trimmed, checked as one address (refused in Vietnamese, nothing saved), shown in the list
and on the user's page, recorded in the audit log; only admins reach it."""
import html

import pytest

from app.extensions import db
from app.models import AuditEntry, User
from tests.helpers import login, page_token


def _user(app, username):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        return None if user is None else (user.full_name, user.email)


def _count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(User.id)))


def _new_user(client, token, **fields):
    data = {"csrf_token": token, "username": "hoa.tccb", "password": "mat-khau-dai", "full_name": "Trần Thị Hoa",
            "unit_id": "0", "roles": ["reader"], "active": "y", **fields}
    return client.post("/admin/users/new", data=data)


def test_admin_creates_a_user_with_an_address_shown_in_the_list(app, client, make_user):
    make_user("quantri", roles=["admin"])
    login(client, "quantri")
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert 'name="email" type="email"' in form and "E-mail nhận thông báo" in form
    response = _new_user(client, page_token(client, "/admin/users/new"), email="  hoa.tccb@thanhtra.gov.vn ")
    assert response.status_code == 302
    assert _user(app, "hoa.tccb") == ("Trần Thị Hoa", "hoa.tccb@thanhtra.gov.vn")  # trimmed
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "hoa.tccb@thanhtra.gov.vn" in listing
    # found by its address too, the rows only for htmx
    rows = client.get("/admin/users?q=thanhtra.gov", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hoa.tccb@thanhtra.gov.vn" in rows and "quantri" not in rows
    # without an address: none, shown as a dash
    assert _new_user(client, page_token(client), username="lan", email="   ").status_code == 302
    assert _user(app, "lan") == ("Trần Thị Hoa", None)


def test_admin_changes_and_removes_an_address(app, client, make_user):
    make_user("quantri", roles=["admin"])
    user_id = make_user("lan", full_name="Nguyễn Thị Lan", unit=None)
    login(client, "quantri")
    page = client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert 'name="email" type="email" value=""' in page
    data = {"csrf_token": page_token(client), "full_name": "Nguyễn Thị Lan", "unit_id": "0", "roles": ["reader"],
            "active": "y"}
    assert client.post(f"/admin/users/{user_id}", data={**data, "email": "lan@thanhtra.gov.vn"}).status_code == 302
    assert _user(app, "lan") == ("Nguyễn Thị Lan", "lan@thanhtra.gov.vn")
    assert 'value="lan@thanhtra.gov.vn"' in client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "lan@thanhtra.gov.vn" in client.get("/admin/users").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.update")
                                  .order_by(AuditEntry.id.desc()))
        assert entry.before == {"email": None} and entry.after == {"email": "lan@thanhtra.gov.vn"}
    log = client.get("/admin/audit?action=user.update").get_data(as_text=True)
    assert "E-mail" in log and "lan@thanhtra.gov.vn" in log
    # A form posted without the field (an older page) keeps the address; an empty one removes it.
    assert client.post(f"/admin/users/{user_id}", data=data).status_code == 302
    assert _user(app, "lan") == ("Nguyễn Thị Lan", "lan@thanhtra.gov.vn")
    assert client.post(f"/admin/users/{user_id}", data={**data, "email": ""}).status_code == 302
    assert _user(app, "lan") == ("Nguyễn Thị Lan", None)


@pytest.mark.parametrize("address", ["hoa.tccb", "hoa@", "@thanhtra.gov.vn", "hoa tccb@thanhtra.gov.vn",
                                     "hoa@a@b.vn", "Hoa <hoa@thanhtra.gov.vn>", "a@b.vn, c@d.vn",
                                     "x" * 250 + "@b.vn"])
def test_a_bad_address_is_refused_with_a_message_and_nothing_saved(app, client, make_user, address):
    make_user("quantri", roles=["admin"])
    user_id = make_user("lan", full_name="Nguyễn Thị Lan", unit=None)
    login(client, "quantri")
    before = _count(app)
    created = _new_user(client, page_token(client, "/admin/users/new"), email=address)
    body = html.unescape(created.get_data(as_text=True))
    assert created.status_code == 400
    assert "không phải là một địa chỉ e-mail" in body or "Tối đa 254 ký tự" in body
    assert 'class="field__error"' in created.get_data(as_text=True)  # beside the address field
    assert _count(app) == before and _user(app, "hoa.tccb") is None
    edited = client.post(f"/admin/users/{user_id}", data={
        "csrf_token": page_token(client), "full_name": "Tên mới", "unit_id": "0", "roles": ["reader"], "active": "y",
        "email": address})
    body = html.unescape(edited.get_data(as_text=True))
    assert edited.status_code == 400
    assert "không phải là một địa chỉ e-mail" in body or "Tối đa 254 ký tự" in body
    assert _user(app, "lan") == ("Nguyễn Thị Lan", None)  # neither the name nor the address changed


@pytest.mark.parametrize("roles", [["reader"], ["editor"], ["reporter"]])
def test_only_admins_set_an_address(app, client, make_user, roles):
    make_user("khach", roles=roles)
    target = make_user("lan", full_name="Nguyễn Thị Lan")
    login(client, "khach")
    assert client.get(f"/admin/users/{target}").status_code == 403
    token = page_token(client)
    edited = client.post(f"/admin/users/{target}", data={
        "csrf_token": token, "full_name": "Nguyễn Thị Lan", "unit_id": "0", "roles": ["reader"], "active": "y",
        "email": "ke-gian@example.com"})
    assert edited.status_code == 403 and "Không có quyền truy cập" in edited.get_data(as_text=True)
    created = _new_user(client, token, email="ke-gian@example.com")
    assert created.status_code == 403
    assert _user(app, "lan") == ("Nguyễn Thị Lan", None) and _user(app, "hoa.tccb") is None
