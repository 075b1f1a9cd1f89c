"""Notifications: the bell in the header, the list, marking read, how each kind is received, and
following a document. Every signed-in user has their own; nobody reads another's."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import access
from app.errors import Invalid
from app.notify.kinds import CHANNELS, DIGEST, EMAIL, KINDS
from app.routes import or_404, wants_fragment
from app.services.notify import notifications as center

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def init_app(app) -> None:
    """Give every template the bell's count (asked only when the header shows it) and whether the
    user follows a document."""

    @app.context_processor
    def notification_helpers():
        def unread_notifications() -> int:
            return center.unread_count(current_user) if current_user.is_authenticated else 0

        def follows_document(document) -> bool:
            return current_user.is_authenticated and center.is_following(current_user, document)

        return {"unread_notifications": unread_notifications, "follows_document": follows_document,
                "bell_seconds": int(app.config.get("NOTIFY_BELL_SECONDS", 60))}


def _page_number() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


@bp.route("/")
def index():
    """Return the user's notifications, newest first, 20 a page (``?page=``; ``?unread=1`` only the
    unread); an htmx request ("Xem thêm") gets the rows only."""
    unread_only = request.args.get("unread") == "1"
    page = center.page_of(current_user, _page_number(), unread_only)
    template = "notifications/_rows.html" if wants_fragment() else "notifications/index.html"
    return render_template(template, page=page, unread_only=unread_only, unread=center.unread_count(current_user))


@bp.route("/bell")
def bell():
    """Return the bell alone (its unread count: one indexed query), which htmx polls every minute.
    This poll does not count as the user's activity (``sessions.PASSIVE_ENDPOINTS``)."""
    return render_template("notifications/_bell.html")


@bp.route("/<int:notification_id>/read", methods=["POST"])
def mark_read(notification_id: int):
    """Mark one of the user's notifications read (404 for another's); htmx gets the row and the bell
    again, a form goes back to the list (or to the notification's link with ``open=1``)."""
    notification = center.mark_read(current_user, notification_id)
    if request.form.get("open") == "1" and notification.link.startswith("/"):
        return redirect(notification.link)
    if wants_fragment():
        return render_template("notifications/_read.html", n=notification)
    return redirect(url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
def mark_all_read():
    """Mark every notification of the user read and go back to the list."""
    count = center.mark_all_read(current_user)
    flash(f"Đã đánh dấu {count} thông báo là đã đọc." if count else "Không có thông báo chưa đọc.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Return and save how the user receives each kind (portal only, also e-mail, daily digest) and
    their e-mail address; says e-mail is off when no SMTP server is configured."""
    chosen = center.preferences(current_user)
    error, status = None, 200
    email = current_user.email or ""
    if request.method == "POST":
        wanted = {kind: request.form.get(f"kind-{kind}", chosen[kind]) for kind in KINDS}
        email = request.form.get("email", "")
        try:
            center.set_preferences(current_user, wanted, email=email)
        except Invalid as exc:
            error, status, chosen = str(exc), 400, wanted
        else:
            flash("Đã lưu cách nhận thông báo.", "success")
            return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", kinds=KINDS, chosen=chosen, channels=CHANNELS,
                           mail_on=center.mail_enabled(), email=email, error=error,
                           email_channels=(EMAIL, DIGEST)), status


@bp.route("/documents/<int:document_id>", methods=["POST"])
def follow(document_id: int):
    """Follow (``action=follow``) or stop following (``unfollow``) a document the user may read
    (404 otherwise); htmx gets the button again, a form goes back to the document."""
    document = or_404(access.readable_document_or_none(current_user, document_id))
    if request.form.get("action") == "unfollow":
        center.unfollow(current_user, document)
        message = "Đã bỏ theo dõi văn bản."
    else:
        center.follow(current_user, document)
        message = "Đang theo dõi văn bản: anh/chị sẽ nhận thông báo khi văn bản thay đổi hoặc có liên kết mới."
    if wants_fragment():
        return render_template("notifications/_follow.html", document=document, message=message)
    flash(message, "success")
    return redirect(url_for("documents.show", document_id=document.id))
