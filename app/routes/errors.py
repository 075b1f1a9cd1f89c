"""Vietnamese error pages for 400, 403, 404, 405, 413 and 500, for a failed CSRF check, for a
service's refusal (``app.errors``: each kind has its status, here and only here), and for the
database or the disk failing under a request (503, 507)."""
import logging

from flask import current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc

from app import resilience, vntext
from app.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, StorageFull
from app.extensions import htmx, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không hợp lệ. Vui lòng kiểm tra lại và thử lại."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không có quyền thực hiện thao tác này. "
          "Nếu cần quyền, vui lòng liên hệ Tổ CCHC."),
    404: ("Không tìm thấy trang", "Trang hoặc nội dung bạn tìm không tồn tại hoặc bạn không có quyền xem."),
    405: ("Phương thức không được hỗ trợ", "Thao tác này không được hỗ trợ tại địa chỉ này."),
    413: ("Nội dung gửi lên quá lớn", "Tệp tải lên vượt quá giới hạn cho phép ({limit}). "
          "Vui lòng nén hoặc chia nhỏ tệp rồi thử lại."),
    503: ("Hệ thống tạm thời gián đoạn", resilience.DATABASE_DOWN_MESSAGE),
    507: ("Hết dung lượng lưu trữ", resilience.DISK_FULL_MESSAGE),
    500: ("Lỗi hệ thống", "Đã xảy ra lỗi ngoài ý muốn. Dữ liệu của bạn chưa được lưu; vui lòng thử lại sau "
          "hoặc báo cho quản trị hệ thống."),
}


# The HTTP status of each kind of refusal, for pages, htmx and the API alike.
STATUS_OF = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 400, StorageFull: 507}


def status_for(error: DomainError) -> int:
    """The HTTP status of a service's refusal: its kind's (the nearest in its class's ancestry)."""
    for kind in type(error).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 500


def too_large_message() -> str:
    """The Vietnamese 413 message for the current request's limit (``g.body_limit``, set by ``app.guards``)."""
    limit, kind = g.get("body_limit") or (current_app.config.get("MAX_CONTENT_LENGTH") or 0, "upload")
    if kind == "anonymous":
        return ("Bạn chưa đăng nhập hoặc phiên làm việc đã hết hạn nên nội dung gửi lên không được nhận. "
                "Vui lòng đăng nhập lại rồi gửi lại.")
    if kind == "form":
        return (f"Nội dung gửi lên vượt quá giới hạn cho phép ({vntext.human_size(limit)}). "
                "Vui lòng rút ngắn nội dung rồi thử lại.")
    return (f"Tệp tải lên vượt quá giới hạn cho phép ({vntext.human_size(limit)}). "
            "Vui lòng nén hoặc chia nhỏ tệp rồi thử lại.")


def render_error(status: int, message: str | None = None):
    """Return the Vietnamese error page for ``status``: JSON under /api/, and for an htmx request
    that gets a ``message`` of its own the message alone as text (``app.js`` shows it)."""
    title, text = MESSAGES.get(status, MESSAGES[500])
    text = message or text.format(limit=vntext.human_size(current_app.config.get("MAX_CONTENT_LENGTH") or 0))
    if request.path.startswith("/api/"):
        return jsonify(error=text), status
    if message and htmx:
        return text, status, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("errors/error.html", status=status, title=title, message=text), status


def render_unavailable(status: int):
    """Return the 503 (database unavailable) or 507 (disk full) page, or JSON under /api/.

    The page needs nothing from the database (it may be gone): no user menu, no navigation.
    A 503 carries ``Retry-After``."""
    title, text = MESSAGES[status]
    g.database_unavailable = True  # read by the layout's context processor (app.templating)
    if "_login_user" not in g:
        # Loading the user is what failed: Flask-Login would try again to put current_user in
        # the template; render the page as for a visitor instead.
        g._login_user = login_manager.anonymous_user()
    if request.path.startswith("/api/"):
        response = jsonify(error=text)
    else:
        response = current_app.make_response(render_template("errors/error.html", status=status, title=title,
                                                             message=text))
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = str(resilience.RETRY_AFTER_SECONDS)
    return response


def _failure_response(error):
    """The 503/507 answer for a database outage or a full disk, else None."""
    if resilience.is_disk_full(error):
        resilience.discard_transaction()
        log.error("storage full, nothing saved: %s %s: %s", request.method, request.path, resilience.describe(error))
        return render_unavailable(STATUS_OF[StorageFull])
    if resilience.is_outage(error):
        resilience.discard_transaction()
        log.warning("database unavailable: %s %s: %s", request.method, request.path, resilience.describe(error))
        return render_unavailable(503)
    return None


def init_app(app):
    """Register the error handlers on ``app``."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "Phiên làm việc đã hết hạn hoặc biểu mẫu thiếu mã bảo mật. Vui lòng tải lại trang rồi thử lại; "
            "dữ liệu chưa được lưu.",
        )

    for status in (400, 403, 404, 405):
        app.register_error_handler(status, lambda error, status=status: render_error(status))

    @app.errorhandler(DomainError)
    def refused(error):
        """A refusal no view turned into a form message: nothing of the change is kept, and the
        answer is the kind's status with the service's message (JSON under /api/, text for htmx)."""
        resilience.discard_transaction()
        status = status_for(error)
        if status == STATUS_OF[StorageFull]:
            log.error("storage full, nothing saved: %s %s: %s", request.method, request.path, error)
            return render_unavailable(status)
        return render_error(status, str(error) or None)

    @app.errorhandler(413)
    def too_large(error):
        return render_error(413, too_large_message())

    def database_or_disk_failure(error):
        response = _failure_response(error)
        if response is None:
            raise error  # any other database or OS error: the 500 below, logged with its traceback
        return response

    for exception in (sa_exc.DBAPIError, sa_exc.TimeoutError, OSError):
        app.register_error_handler(exception, database_or_disk_failure)

    @app.errorhandler(500)
    def server_error(error):
        # A failure outside the view (an after_request hook) arrives here wrapped.
        original = getattr(error, "original_exception", None)
        response = _failure_response(original) if original is not None else None
        if response is not None:
            return response
        resilience.discard_transaction()
        return render_error(500)
