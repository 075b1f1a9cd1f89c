"""CSRF, anonymous htmx, security headers and Vietnamese error pages across the portal."""
import re

import pytest
from flask import abort

from app import create_app
from tests.helpers import login, page_token

STRICT_CSP_PARTS = ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
                    "base-uri 'self'"]


def _get_pages(app):
    """Every GET route without URL parameters."""
    return sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    )


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user("quantri", roles=["admin"])
    login(client, "quantri")
    response = client.post("/admin/units", data={"code": "X1", "name": "Đơn vị X"})
    assert response.status_code == 400
    assert "mã bảo mật" in response.get_data(as_text=True)
    assert "X1" not in client.get("/admin/units").get_data(as_text=True)


def test_post_with_form_token_passes(client, make_user):
    make_user("quantri", roles=["admin"])
    login(client, "quantri")
    response = client.post("/admin/units", data={"csrf_token": page_token(client), "code": "X1", "name": "Đơn vị X"})
    assert response.status_code == 302


def test_htmx_post_with_header_token_passes(client, make_user):
    make_user("quantri", roles=["admin"])
    login(client, "quantri")
    token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    response = client.post("/admin/units", data={"code": "X2", "name": "Đơn vị Y"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 302
    assert "X2" in client.get("/admin/units").get_data(as_text=True)


def test_login_form_itself_needs_csrf(client, make_user):
    make_user("lan")
    response = client.post("/login", data={"username": "lan", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_anonymous_htmx_request_gets_hx_redirect(client):
    for method in ("get", "post"):
        response = getattr(client, method)("/admin/users", headers={"HX-Request": "true"})
        assert response.headers["HX-Redirect"] == "/login"
        assert response.status_code == 401


def test_expired_session_on_htmx_post_redirects_rather_than_csrf_error(app, client, make_user):
    make_user("lan")
    login(client, "lan")
    token = page_token(client)
    client.delete_cookie("cchc_session")
    response = client.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.headers.get("HX-Redirect") == "/login"


def test_strict_csp_and_frame_denial_on_every_page(client, make_user):
    make_user("quantri", roles=["admin"])
    login_page = client.get("/login")
    pages = [login_page]
    login(client, "quantri")
    for path in _get_pages(client.application):
        if path in ("/login",):
            continue
        pages.append(client.get(path))
    pages.append(client.get("/khong-co-trang-nay"))
    assert len(pages) > 8
    for response in pages:
        csp = response.headers["Content-Security-Policy"]
        for part in STRICT_CSP_PARTS:
            assert part in csp, (response.request.path, csp)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        if response.mimetype != "text/html":
            continue  # a download (the audit log's .xlsx) has no markup
        html = response.get_data(as_text=True)
        # No inline scripts or event-handler attributes that the CSP would block.
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), response.request.path
        assert not re.search(r"\son[a-z]+\s*=", html), response.request.path


def test_htmx_config_keeps_csp_working(client, make_user):
    make_user("lan")
    login(client, "lan")
    html = client.get("/").get_data(as_text=True)
    assert '"allowEval": false' in html
    assert '"includeIndicatorStyles": false' in html
    assert '"historyRestoreAsHxRequest": false' in html
    assert re.search(r'<script src="/static/htmx-2\.0\.\d+\.min\.js"', html)


def test_vietnamese_error_pages(app_config, make_user):
    app = create_app({**app_config, "MAX_CONTENT_LENGTH": 1024, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/_boom")
    def boom():
        raise RuntimeError("lỗi thử")

    @app.route("/_bad")
    def bad():
        abort(400)

    client = app.test_client()
    with app.app_context():
        from app.services.accounts import users as accounts

        accounts.create_user("lan", "mat-khau-thu-nghiem", roles=["reader"])
    login(client, "lan")
    expectations = {
        "/_bad": (400, "Yêu cầu không hợp lệ"),
        "/khong-co": (404, "Không tìm thấy trang"),
        "/_boom": (500, "Lỗi hệ thống"),
    }
    for path, (status, text) in expectations.items():
        response = client.get(path)
        assert response.status_code == status
        body = response.get_data(as_text=True)
        assert text in body and 'lang="vi"' in body
        assert "lỗi thử" not in body and "Traceback" not in body
    too_big = client.post("/admin/units", data={"csrf_token": page_token(client), "name": "x" * 4096})
    assert too_big.status_code == 413
    assert "vượt quá giới hạn" in too_big.get_data(as_text=True)
    assert client.post("/").status_code == 405


@pytest.mark.parametrize("path", ["/static/app.css", "/static/app.js"])
def test_static_files_need_no_login(client, path):
    assert client.get(path).status_code == 200
