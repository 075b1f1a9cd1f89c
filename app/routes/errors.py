"""Vietnamese error pages for 400, 403, 404, 405, 413 and 500, and for a failed CSRF check."""
from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from app.extensions import db

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không hợp lệ. Vui lòng kiểm tra lại và thử lại."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không có quyền thực hiện thao tác này. "
          "Nếu cần quyền, vui lòng liên hệ Tổ CCHC."),
    404: ("Không tìm thấy trang", "Trang hoặc nội dung bạn tìm không tồn tại hoặc bạn không có quyền xem."),
    405: ("Phương thức không được hỗ trợ", "Thao tác này không được hỗ trợ tại địa chỉ này."),
    413: ("Tệp quá lớn", "Tệp tải lên vượt quá giới hạn cho phép ({limit}). "
          "Vui lòng nén hoặc chia nhỏ tệp rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã xảy ra lỗi ngoài ý muốn. Dữ liệu của bạn chưa được lưu; vui lòng thử lại sau "
          "hoặc báo cho quản trị hệ thống."),
}


def human_size(size: int) -> str:
    """``52428800`` → ``50 MB``; ``65536`` → ``64 KB``."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB".replace(".", ",")
    return f"{max(1, size // 1024)} KB"


def render_error(status: int, message: str | None = None):
    """Return the Vietnamese error page (or JSON under /api/) for ``status``."""
    title, text = MESSAGES.get(status, MESSAGES[500])
    text = message or text.format(limit=human_size(current_app.config.get("MAX_CONTENT_LENGTH") or 0))
    if request.path.startswith("/api/"):
        return jsonify(error=text), status
    return render_template("errors/error.html", status=status, title=title, message=text), status


def init_app(app):
    """Register the error handlers on ``app``."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "Phiên làm việc đã hết hạn hoặc biểu mẫu thiếu mã bảo mật. Vui lòng tải lại trang rồi thử lại; "
            "dữ liệu chưa được lưu.",
        )

    for status in (400, 403, 404, 405, 413):
        app.register_error_handler(status, lambda error, status=status: render_error(status))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
