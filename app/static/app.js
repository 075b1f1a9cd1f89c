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
    // A refusal that explains itself (413 with the limit, a bad parameter) comes as a short text.
    var xhr = event.detail.xhr;
    var type = xhr ? (xhr.getResponseHeader("Content-Type") || "") : "";
    if (type.indexOf("text/plain") === 0 && xhr.responseText && xhr.responseText.length < 500) {
      showMessage(xhr.responseText);
      return;
    }
    showMessage(messages[status] || "Đã xảy ra lỗi (mã " + status + "). Vui lòng thử lại.");
  });

  document.addEventListener("htmx:sendError", function () {
    showMessage("Không kết nối được tới máy chủ. Vui lòng kiểm tra mạng rồi thử lại.");
  });

  // One history entry per search. The header box (form[data-live-search]) searches as the
  // reader types: the first results push an entry (so Back returns to the page before the
  // search), later keystrokes and the Enter that confirms them replace that same entry. After
  // Enter the entry is confirmed: typing again starts a new one. Any request that would push
  // the address already shown (a form sent twice) replaces it instead.
  var liveUrl = null;      // the address of the entry live typing is refining, if it is the current one
  var pendingLive = false;

  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    var update = event.detail.history;
    var config = event.detail.requestConfig || {};
    var form = config.elt;
    var fromBox = !!(form && form.hasAttribute && form.hasAttribute("data-live-search"));
    var confirmed = !!(config.triggeringEvent && config.triggeringEvent.type === "submit");
    if (update.type === "push") {
      var target = new URL(update.path, window.location.href).href;
      if (target === window.location.href || (fromBox && liveUrl === window.location.href)) {
        update.type = "replace";
      }
    }
    pendingLive = fromBox && !confirmed;
  });

  function historyUpdated() {
    liveUrl = pendingLive ? window.location.href : null;
    pendingLive = false;
  }
  document.addEventListener("htmx:pushedIntoHistory", historyUpdated);
  document.addEventListener("htmx:replacedInHistory", historyUpdated);
  window.addEventListener("popstate", function () { liveUrl = null; });

  // Controls marked data-autosubmit (sort, "Tìm trong", dates) send their form when changed; the
  // form's own button does the same without JavaScript.
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control.hasAttribute && control.hasAttribute("data-autosubmit") && control.form) {
      control.form.requestSubmit();
    }
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

  // Panels marked data-open-wide (the search facets) are a closed <details> behind a "Bộ lọc"
  // button, which is what phones and browsers without JavaScript get; wide screens show them open.
  var wide = window.matchMedia("(min-width: 801px)");
  function openWidePanels(root) {
    if (!wide.matches) { return; }
    (root || document).querySelectorAll("details[data-open-wide]").forEach(function (panel) {
      panel.open = true;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { openWidePanels(document); });
  document.addEventListener("htmx:load", function (event) { openWidePanels(event.detail.elt.parentNode || document); });
  wide.addEventListener("change", function () { openWidePanels(document); });
})();
