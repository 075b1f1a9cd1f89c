"""Login, logout, changing one's own password and one's login sessions."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.forms import ChangePasswordForm, ConfirmForm, LoginForm
from app.routes import wants_fragment
from app.services.accounts import sessions
from app.services.accounts import users as accounts

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
        result = accounts.authenticate(form.username.data, form.password.data, client_address=request.remote_addr,
                                       user_agent=request.user_agent.string, remember=form.remember.data)
        if result.user is not None:
            login_user(result.user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        error = result.error
    status = 200 if request.method == "GET" else (401 if error else 400)
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    """End this login session (its cookies no longer work anywhere) and return to the login page;
    clears the browser's stored page history."""
    if current_user.is_authenticated:
        sessions.logout(current_user._get_current_object())
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let the signed-in user change their password (their other sessions end); refuses a wrong
    current password and one the policy does not accept, with the reason."""
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            accounts.change_own_password(
                current_user._get_current_object(), form.current_password.data, form.new_password.data,
                form.confirm.data
            )
        except accounts.AccountError as exc:
            error = str(exc)
        else:
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất.", "success")
            return redirect(url_for("main.index"))
    status = 200 if request.method == "GET" else 400
    return render_template("auth/password.html", form=form, error=error), status


def _sessions_page(message: str | None = None, status: int = 200):
    """The sessions page, or only its rows (with ``message``) for htmx."""
    rows = sessions.of_user(current_user)
    context = {"rows": rows, "current_id": sessions.current_id(current_user), "form": ConfirmForm(formdata=None),
               "message": message, "expires_at": sessions.expires_at, "limits": sessions.limits_text()}
    template = "auth/_session_rows.html" if wants_fragment() else "auth/sessions.html"
    return render_template(template, **context), status


@bp.route("/account/sessions")
@login_required
def login_sessions():
    """Return "Phiên đăng nhập": the user's signed-in browsers, this one marked "Phiên này"."""
    return _sessions_page()


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    """End one of the user's other sessions; 404 for a session that is not theirs (or already
    ended). The current session is ended by logging out."""
    user = current_user._get_current_object()
    if session_id == sessions.current_id(user) or not sessions.end_one(user, session_id):
        if not wants_fragment():
            abort(404)
        return _sessions_page("Không tìm thấy phiên đăng nhập này (có thể đã kết thúc).")
    message = "Đã kết thúc phiên đăng nhập."
    if wants_fragment():
        return _sessions_page(message)
    flash(message, "success")
    return redirect(url_for("auth.login_sessions"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    """End every session of the user except this one."""
    count = sessions.end_others(current_user._get_current_object())
    message = f"Đã kết thúc {count} phiên đăng nhập khác." if count else "Không có phiên đăng nhập nào khác."
    if wants_fragment():
        return _sessions_page(message)
    flash(message, "success")
    return redirect(url_for("auth.login_sessions"))
