"""Login, logout and changing one's own password."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.forms import ChangePasswordForm, LoginForm
from app.services import accounts

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Return ``target`` when it is a local path, else the home page (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on valid credentials sign in and go to ``next``.

    Refuses wrong credentials, deactivated accounts and locked usernames with a message.
    """
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        result = accounts.authenticate(form.username.data, form.password.data)
        if result.user is not None:
            login_user(result.user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        error = result.error
    status = 200 if request.method == "GET" else (401 if error else 400)
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out and return to the login page; clears the browser's stored page history."""
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let the signed-in user change their password; refuses a wrong current password."""
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            accounts.change_own_password(
                current_user, form.current_password.data, form.new_password.data, form.confirm.data
            )
        except accounts.AccountError as exc:
            error = str(exc)
        else:
            login_user(current_user._get_current_object())  # keep this session, others are signed out
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất.", "success")
            return redirect(url_for("main.index"))
    status = 200 if request.method == "GET" else 400
    return render_template("auth/password.html", form=form, error=error), status
