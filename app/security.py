"""Who may do what: login everywhere, role checks, CSRF order, and security headers."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app, jsonify, redirect, request, url_for
from flask_login import current_user

from app.extensions import csrf, htmx, login_manager
from app.services.accounts.users import load_user_from_session_id

# Endpoints reachable without logging in (``/healthz`` is for the load balancer).
PUBLIC_ENDPOINTS = {"auth.login", "static", "health.healthz"}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def role_required(*roles: str):
    """Decorate a view so only users holding one of ``roles`` (or admin) reach it; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _login_redirect():
    """Answer an anonymous request: HX-Redirect for htmx, 401 JSON for the API, else a redirect."""
    target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if htmx:
        response = current_app.response_class(status=401)
        response.headers["HX-Redirect"] = url_for("auth.login")
        return response
    if request.path.startswith("/api/"):
        return jsonify(error="Chưa đăng nhập hoặc phiên làm việc đã hết hạn."), 401
    return redirect(target)


def init_app(app):
    """Wire login loading, the login-before-CSRF check and the response headers."""
    # CSRF is checked by our own hook, after the login check (see below).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    login_manager.login_view = "auth.login"
    login_manager.user_loader(load_user_from_session_id)
    login_manager.unauthorized_handler(_login_redirect)

    @app.before_request
    def require_login_then_csrf():
        if request.endpoint in PUBLIC_ENDPOINTS and request.endpoint != "auth.login":
            return None
        if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
            return _login_redirect()
        # Login is checked first so an expired session on htmx gets HX-Redirect, not a CSRF error.
        if app.config.get("WTF_CSRF_ENABLED", True) and request.routing_exception is None:
            csrf.protect()
        return None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HTTPS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            response.vary.add("HX-Request")
            headers.setdefault("Cache-Control", "no-store")
        return response
