// Small behaviours on top of htmx. No inline scripts anywhere: this file is the only one we own.
(function () {
  "use strict";

  function showMessage(text, kind) {
    var box = document.getElementById("flash");
    if (!box) { return; }
    var p = document.createElement("p");
    p.className = "flash flash--" + (kind || "error");
    p.setAttribute("role", "alert");
    p.textContent = text;
    box.replaceChildren(p);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var messages = {
      400: "Yêu cầu không hợp lệ hoặc phiên làm việc đã hết hạn. Vui lòng tải lại trang.",
      403: "Bạn không có quyền thực hiện thao tác này.",
      404: "Không tìm thấy nội dung yêu cầu.",
      413: "Tệp tải lên vượt quá giới hạn cho phép.",
      503: "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút.",
      507: "Hết dung lượng lưu trữ, báo quản trị viên."
    };
    showMessage(messages[status] || "Đã xảy ra lỗi (mã " + status + "). Vui lòng thử lại.");
  });

  document.addEventListener("htmx:sendError", function () {
    showMessage("Không kết nối được tới máy chủ. Vui lòng kiểm tra mạng rồi thử lại.");
  });

  // Buttons and forms marked data-confirm ask before they act (works with and without htmx).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
