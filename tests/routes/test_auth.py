"""Login, logout, lockout, deactivation, password changes and remember-me."""
from datetime import timedelta

from app import clock
from tests.helpers import TEST_PASSWORD, csrf_from, login, page_token


def test_anonymous_page_redirects_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/users")


def test_login_shows_vietnamese_home_then_logout(client, make_user):
    make_user("lan", full_name="Nguyễn Thị Lan")
    response = login(client, "lan")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Xin chào, Nguyễn Thị Lan" in home
    assert "Trang chủ" in home and "Văn bản" in home and "Đăng xuất" in home
    assert "Quản trị" not in home  # not an admin

    response = client.post("/logout", data={"csrf_token": page_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_logout_requires_post(client, make_user):
    make_user("lan")
    login(client, "lan")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200  # still logged in


def test_wrong_password_refused_with_message(client, make_user):
    make_user("lan")
    response = login(client, "lan", "sai-mat-khau")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_username_is_case_insensitive(client, make_user):
    make_user("lan")
    assert login(client, "  LAN ").status_code == 302


def test_five_failures_lock_the_username_for_fifteen_minutes(client, make_user, monkeypatch):
    make_user("lan")
    now = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: now)
    for _ in range(5):
        assert login(client, "lan", "sai-mat-khau").status_code == 401
    # The right password no longer gets in while locked.
    response = login(client, "lan", TEST_PASSWORD)
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert "tạm khóa" in text and "15 phút" in text
    # Another user is not affected.
    make_user("hoa")
    assert login(client.application.test_client(), "hoa").status_code == 302

    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(minutes=10))
    assert "5 phút" in login(client, "lan").get_data(as_text=True)
    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(minutes=15, seconds=1))
    assert login(client, "lan").status_code == 302


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(client, make_user, monkeypatch):
    make_user("lan")
    start = clock.utcnow()
    for i in range(5):
        monkeypatch.setattr(clock, "utcnow", lambda i=i: start + timedelta(minutes=4 * i))
        login(client, "lan", "sai-mat-khau")
    monkeypatch.setattr(clock, "utcnow", lambda: start + timedelta(minutes=17))
    assert login(client, "lan").status_code == 302


def test_unknown_username_locks_the_same_way(client):
    for _ in range(5):
        login(client, "khong-ton-tai", "x")
    assert "tạm khóa" in login(client, "khong-ton-tai", "x").get_data(as_text=True)


def test_deactivated_user_refused(client, make_user):
    make_user("cu", active=False)
    response = login(client, "cu")
    assert response.status_code == 401
    assert "vô hiệu hóa" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivation_ends_an_open_session(app, client, make_user):
    make_user("quantri", roles=["admin"])
    user_id = make_user("lan")
    login(client, "lan")
    assert client.get("/").status_code == 200
    admin = app.test_client()
    login(admin, "quantri")
    token = page_token(admin, f"/admin/users/{user_id}")
    response = admin.post(
        f"/admin/users/{user_id}",
        data={"csrf_token": token, "full_name": "Lan", "unit_id": "0", "roles": ["reader"]},  # active unticked
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # the open session is gone


def test_change_own_password(client, make_user):
    make_user("lan")
    login(client, "lan")
    token = page_token(client, "/account/password")
    wrong = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": "sai", "new_password": "bong-sen-ven-ho-1",
              "confirm": "bong-sen-ven-ho-1"},
    )
    assert wrong.status_code == 400 and "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    short = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": TEST_PASSWORD, "new_password": "ngan", "confirm": "ngan"},
    )
    assert short.status_code == 400 and "ít nhất 10 ký tự" in short.get_data(as_text=True)
    ok = client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": TEST_PASSWORD, "new_password": "bong-sen-ven-ho-1",
              "confirm": "bong-sen-ven-ho-1"},
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # this session stays
    fresh = client.application.test_client()
    assert login(fresh, "lan", TEST_PASSWORD).status_code == 401
    assert login(fresh, "lan", "bong-sen-ven-ho-1").status_code == 302


def test_password_change_signs_out_other_sessions(app, make_user):
    make_user("lan")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "lan")
    login(phone, "lan")
    token = page_token(laptop, "/account/password")
    laptop.post(
        "/account/password",
        data={"csrf_token": token, "current_password": TEST_PASSWORD, "new_password": "bong-sen-ven-ho-1",
              "confirm": "bong-sen-ven-ho-1"},
    )
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_remember_me_cookie_is_httponly_and_lax(client, make_user):
    make_user("lan")
    response = login(client, "lan", remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("cchc_remember=")]
    session = [c for c in cookies if c.startswith("cchc_session=")]
    assert remember and "HttpOnly" in remember[0] and "SameSite=Lax" in remember[0]
    assert session and "HttpOnly" in session[0] and "SameSite=Lax" in session[0]
    # The remember cookie alone logs the user back in once the session cookie is gone.
    client.delete_cookie("cchc_session")
    assert client.get("/").status_code == 200


def test_login_without_remember_sets_no_remember_cookie(client, make_user):
    make_user("lan")
    cookies = login(client, "lan").headers.getlist("Set-Cookie")
    assert not [c for c in cookies if c.startswith("cchc_remember=")]


def test_next_parameter_cannot_redirect_off_site(client, make_user):
    make_user("lan")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        response = client.post(f"/login?next={target}", data={"username": "lan", "password": TEST_PASSWORD,
                                                                  "csrf_token": token})
        assert response.headers["Location"] == "/"
        client.post("/logout", data={"csrf_token": page_token(client)})
        token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=/admin/users", data={"username": "lan", "password": TEST_PASSWORD,
                                                               "csrf_token": token})
    assert response.headers["Location"] == "/admin/users"


def _from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_lockout_from_one_address_does_not_stop_the_user_elsewhere(app, make_user):
    make_user("quantri", roles=["admin"])
    attacker, office = _from(app, "10.1.1.66"), _from(app, "10.1.1.20")
    for _ in range(5):
        assert login(attacker, "quantri", "doan-mo-mat-khau").status_code == 401
    locked = login(attacker, "quantri", TEST_PASSWORD)
    assert locked.status_code == 401 and "tạm khóa" in locked.get_data(as_text=True)
    # The admin at their own desk still gets in, and may keep failing their own count.
    assert login(office, "quantri", "go-nham-mot-lan").status_code == 401
    assert login(office, "quantri", TEST_PASSWORD).status_code == 302


def test_guessing_across_many_usernames_locks_that_address(app, make_user):
    make_user("lan")
    sprayer, desk = _from(app, "10.1.1.66"), _from(app, "10.1.1.20")
    for i in range(20):
        login(sprayer, f"nguoi-dung-{i // 4}", "Matkhau@2024")  # four tries per name stays under the per-name lock
    refused = login(sprayer, "lan", TEST_PASSWORD)
    assert refused.status_code == 401
    assert "Máy này đã đăng nhập sai quá nhiều lần" in refused.get_data(as_text=True)
    assert login(desk, "lan").status_code == 302


def test_forwarded_addresses_count_only_behind_a_configured_proxy(app, app_config, make_user):
    from app import create_app

    make_user("lan")
    # Without PORTAL_PROXIES a client cannot dodge the lock by inventing X-Forwarded-For addresses.
    for i in range(5):
        client = _from(app, "10.1.1.66")
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{i}"
        login(client, "lan", "doan-mo")
    spoofing = _from(app, "10.1.1.66")
    spoofing.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.99"
    assert "tạm khóa" in login(spoofing, "lan").get_data(as_text=True)

    # Behind one proxy (PORTAL_PROXIES=1) the address it appends is the client's.
    proxied = create_app({**app_config, "PROXY_COUNT": 1})
    try:
        for _ in range(5):
            guesser = _from(proxied, "127.0.0.1")
            guesser.environ_base["HTTP_X_FORWARDED_FOR"] = "10.7.7.7"
            login(guesser, "lan", "doan-mo")
        locked = _from(proxied, "127.0.0.1")
        locked.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.1, 10.7.7.7"  # a forged first entry is ignored
        assert "tạm khóa" in login(locked, "lan").get_data(as_text=True)
        desk = _from(proxied, "127.0.0.1")
        desk.environ_base["HTTP_X_FORWARDED_FOR"] = "10.7.7.8"
        assert login(desk, "lan").status_code == 302
        assert "10.7.7.8" in desk.get("/account/sessions").get_data(as_text=True)
    finally:
        from app.extensions import db

        with proxied.app_context():
            db.session.remove()
            db.engine.dispose()
