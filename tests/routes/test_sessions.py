"""Login sessions live on the server: logging out, ending a session, changing or resetting a password
and deactivating an account sign the browsers concerned out, even with cookies copied before."""
from datetime import timedelta

from app import clock
from tests.helpers import TEST_PASSWORD, logged_in, login, page_token

SESSION, REMEMBER = "cchc_session", "cchc_remember"


def _cookie(client, name) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _client_with(app, **cookies):
    """A new browser holding only the given cookies (copied from another one)."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _browser(app, address, user_agent):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": user_agent})
    return client


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _logout(client):
    return client.post("/logout", data={"csrf_token": page_token(client)})


def test_session_cookie_copied_before_logout_no_longer_works(app, client, make_user):
    make_user("lan")
    login(client, "lan")
    stolen = _cookie(client, SESSION)
    assert _signed_in(_client_with(app, cchc_session=stolen))  # the copy works while the session lives
    _logout(client)
    thief = _client_with(app, cchc_session=stolen)
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_remember_me_cookie_copied_before_logout_no_longer_works(app, client, make_user):
    make_user("lan")
    login(client, "lan", remember=True)
    stolen = _cookie(client, REMEMBER)
    assert _signed_in(_client_with(app, cchc_remember=stolen))
    _logout(client)
    assert not _signed_in(_client_with(app, cchc_remember=stolen))


def test_an_ended_session_is_told_once_and_its_cookie_dropped(app, client, make_user):
    make_user("lan")
    login(client, "lan", remember=True)
    stolen = _client_with(app, cchc_session=_cookie(client, SESSION), cchc_remember=_cookie(client, REMEMBER))
    _logout(client)
    response = stolen.get("/")
    assert response.status_code == 302
    cleared = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{REMEMBER}=;")]
    assert cleared, "the dead remember-me cookie is deleted"
    page = stolen.get(response.headers["Location"]).get_data(as_text=True)
    assert "Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại." in page


def test_ended_session_on_htmx_request_gets_hx_redirect(app, client, make_user):
    make_user("lan")
    login(client, "lan")
    other = logged_in(app, "lan")
    token = page_token(other)
    _logout(client)  # ends only this browser's session
    assert _signed_in(other)
    # The other browser's session is ended from the first one after logging in again.
    login(client, "lan")
    client.post("/account/sessions/end-others", data={"csrf_token": page_token(client)})
    response = other.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/login"
    response = other.get("/documents/", headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/login"


def test_sessions_page_lists_browsers_and_ends_one(app, make_user):
    make_user("lan")
    laptop = _browser(app, "10.0.0.5", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                      "(KHTML, like Gecko) coc_coc_browser/120.0 Chrome/120.0 Safari/537.36")
    phone = _browser(app, "10.0.0.9", "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 "
                     "(KHTML, like Gecko) Chrome/121.0 Mobile Safari/537.36")
    login(laptop, "lan")
    login(phone, "lan", remember=True)
    page = laptop.get("/account/sessions")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Phiên đăng nhập" in html
    assert "Cốc Cốc trên Windows" in html and "Chrome trên Android" in html
    assert "10.0.0.5" in html and "10.0.0.9" in html
    assert html.count("Phiên này") == 1 and "Ghi nhớ" in html
    # The link is in the user menu.
    assert 'href="/account/sessions"' in laptop.get("/").get_data(as_text=True)

    with app.app_context():
        from app.extensions import db
        from app.models import UserSession

        phone_id = db.session.scalar(db.select(UserSession.id).where(UserSession.client_address == "10.0.0.9"))
    rows = laptop.post(f"/account/sessions/{phone_id}/end", data={},
                       headers={"HX-Request": "true", "X-CSRFToken": page_token(laptop)})
    assert rows.status_code == 200
    body = rows.get_data(as_text=True)
    assert "<html" not in body and "Đã kết thúc phiên đăng nhập." in body and "10.0.0.9" not in body
    assert not _signed_in(phone)
    assert _signed_in(laptop)


def test_end_all_other_sessions_without_javascript(app, make_user):
    make_user("lan")
    first, second, third = logged_in(app, "lan"), logged_in(app, "lan"), app.test_client()
    login(third, "lan", remember=True)
    response = first.post("/account/sessions/end-others", data={"csrf_token": page_token(first)})
    assert response.status_code == 302 and response.headers["Location"] == "/account/sessions"
    page = first.get("/account/sessions").get_data(as_text=True)
    assert "Đã kết thúc 2 phiên đăng nhập khác." in page and page.count("Kết thúc phiên") == 0
    assert _signed_in(first) and not _signed_in(second) and not _signed_in(third)


def test_someone_elses_session_cannot_be_ended(app, make_user):
    make_user("lan")
    make_user("hoa")
    lan = logged_in(app, "lan")
    hoa = logged_in(app, "hoa")
    with app.app_context():
        from app.extensions import db
        from app.models import User, UserSession

        hoa_session = db.session.scalar(db.select(UserSession.id).join(User).where(User.username == "hoa"))
    response = lan.post(f"/account/sessions/{hoa_session}/end", data={"csrf_token": page_token(lan)})
    assert response.status_code == 404
    assert _signed_in(hoa)


def test_password_change_ends_other_sessions_and_their_remember_cookies(app, make_user):
    make_user("lan")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "lan")
    login(phone, "lan", remember=True)
    remembered = _client_with(app, cchc_remember=_cookie(phone, REMEMBER))
    laptop.post("/account/password", data={"csrf_token": page_token(laptop, "/account/password"),
                                           "current_password": TEST_PASSWORD, "new_password": "bong-sen-ven-ho-1",
                                           "confirm": "bong-sen-ven-ho-1"})
    assert _signed_in(laptop)
    assert not _signed_in(phone) and not _signed_in(remembered)
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert page.count("<tr>") == 2 and "Phiên này" in page  # the header row and this browser only


def test_admin_reset_and_deactivation_end_the_users_sessions(app, make_user):
    make_user("quantri", roles=["admin"])
    user_id = make_user("lan")
    admin = logged_in(app, "quantri")
    lan = app.test_client()
    login(lan, "lan", remember=True)
    remembered = _client_with(app, cchc_remember=_cookie(lan, REMEMBER))
    admin.post(f"/admin/users/{user_id}/password", data={"csrf_token": page_token(admin),
                                                         "new_password": "bong-sen-ven-ho-9"})
    assert not _signed_in(lan) and not _signed_in(remembered)

    login(lan, "lan", "bong-sen-ven-ho-9", remember=True)
    remembered = _client_with(app, cchc_remember=_cookie(lan, REMEMBER))
    admin.post(f"/admin/users/{user_id}", data={"csrf_token": page_token(admin), "full_name": "Lan",
                                                "unit_id": "0", "roles": ["reader"]})  # active unticked
    assert not _signed_in(lan) and not _signed_in(remembered)
    # Reactivated, the old cookies still do not come back to life, and the user sees one session.
    admin.post(f"/admin/users/{user_id}", data={"csrf_token": page_token(admin), "full_name": "Lan",
                                                "unit_id": "0", "roles": ["reader"], "active": "y"})
    assert not _signed_in(remembered)
    login(lan, "lan", "bong-sen-ven-ho-9")
    page = lan.get("/account/sessions").get_data(as_text=True)
    assert page.count("<tr>") == 2 and "Phiên này" in page and "tag\">Ghi nhớ" not in page


def test_admin_resetting_own_password_keeps_own_session(app, make_user):
    admin_id = make_user("quantri", roles=["admin"])
    admin, other = logged_in(app, "quantri"), logged_in(app, "quantri")
    admin.post(f"/admin/users/{admin_id}/password", data={"csrf_token": page_token(admin),
                                                          "new_password": "bong-sen-ven-ho-9"})
    assert _signed_in(admin) and not _signed_in(other)


def test_idle_session_ends_and_remembered_one_lasts_its_cookie(app, make_user, monkeypatch):
    make_user("lan")
    start = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: start)
    plain, remembered = app.test_client(), app.test_client()
    login(plain, "lan")
    login(remembered, "lan", remember=True)
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(hours=11, minutes=59))
    assert _signed_in(plain)  # used within the idle limit: the clock restarts
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(hours=23, minutes=58))
    assert _signed_in(plain)
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(hours=36))
    assert not _signed_in(plain)  # 12 hours without a request
    assert _signed_in(remembered)
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(days=14, minutes=1))
    assert not _signed_in(remembered)


def test_last_activity_is_written_at_most_once_a_minute(app, make_user, monkeypatch):
    make_user("lan")
    start = clock.utcnow().replace(second=0, microsecond=0)
    monkeypatch.setattr(clock, "utcnow", lambda: start)
    client = logged_in(app, "lan")

    def last_seen():
        from app.extensions import db
        from app.models import UserSession

        with app.app_context():
            return db.session.scalar(db.select(UserSession.last_seen_at))

    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(seconds=40))
    client.get("/")
    assert last_seen() == start
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(minutes=3))
    client.get("/")
    assert last_seen() == start + timedelta(minutes=3)
    page = client.get("/account/sessions").get_data(as_text=True)
    assert clock.to_vietnam(start + timedelta(minutes=3)).strftime("%d/%m/%Y %H:%M") in page
