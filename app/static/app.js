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

  // ---- News editor -------------------------------------------------------------------------
  // Everything here adds to a form that works without it: the toolbar and the "insert" buttons
  // are hidden until this file runs.

  function editorOf(element) {
    var form = element && element.closest ? element.closest("form") : null;
    return form ? form.querySelector("textarea[name=body]") : null;
  }

  function changed(textarea) {
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Put ``text`` at the cursor (replacing the selection) as a paragraph of its own.
  function insertBlock(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
    var before = value.slice(0, start), after = value.slice(end);
    var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var tail = after === "" ? "\n" : (/^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n"));
    textarea.setRangeText(lead + text + tail, start, end, "end");
    var at = textarea.selectionEnd;  // go on writing after the blank line that follows the block
    while (at < textarea.value.length && textarea.value.charAt(at) === "\n" && at < textarea.selectionEnd + 2) { at += 1; }
    textarea.setSelectionRange(at, at);
    textarea.focus();
    changed(textarea);
  }

  function wrapSelection(textarea, left, right, placeholder) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var chosen = textarea.value.slice(start, end) || placeholder;
    textarea.setRangeText(left + chosen + right, start, end, "select");
    textarea.setSelectionRange(start + left.length, start + left.length + chosen.length);
    textarea.focus();
    changed(textarea);
  }

  // Prefix every line the selection touches (``## `` for a heading, ``- `` for a list).
  function prefixLines(textarea, prefix, only) {
    var value = textarea.value;
    var start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    var end = value.indexOf("\n", textarea.selectionEnd);
    if (end === -1 || only) { end = only ? (value.indexOf("\n", start) === -1 ? value.length : value.indexOf("\n", start)) : value.length; }
    var lines = value.slice(start, end).split("\n").map(function (line) {
      var bare = line.replace(/^(#{1,6} |- |\* )/, "");
      return prefix + bare;
    });
    textarea.setRangeText(lines.join("\n"), start, end, "end");
    textarea.focus();
    changed(textarea);
  }

  var toolbarActions = {
    bold: function (t) { wrapSelection(t, "**", "**", "chữ đậm"); },
    heading: function (t) { prefixLines(t, "## ", true); },
    list: function (t) { prefixLines(t, "- ", false); },
    link: function (t) {
      var start = t.selectionStart, end = t.selectionEnd;
      var chosen = t.value.slice(start, end) || "chữ liên kết";
      t.setRangeText("[" + chosen + "](https://)", start, end, "end");
      var url = start + chosen.length + 3;
      t.setSelectionRange(url, url + 8);  // the address, ready to be typed over
      t.focus();
      changed(t);
    },
    picture: function (t) {
      var file = t.form.querySelector("#picture-file");
      var panel = t.form.querySelector("#picture-panel");
      if (panel) { panel.scrollIntoView({ block: "center" }); }
      if (file) { file.focus(); file.click(); } else if (panel) { panel.querySelector("p").focus(); }
    }
  };

  function enhanceEditor(root) {
    root.querySelectorAll("[data-md-toolbar], [data-insert-picture]").forEach(function (el) { el.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceEditor(document); });
  document.addEventListener("htmx:load", function (event) { enhanceEditor(event.detail.elt); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-md], [data-insert-picture]") : null;
    if (!button) { return; }
    var textarea = editorOf(button);
    if (!textarea) { return; }
    event.preventDefault();
    if (button.hasAttribute("data-insert-picture")) {
      insertBlock(textarea, button.getAttribute("data-insert-picture"));
    } else if (toolbarActions[button.getAttribute("data-md")]) {
      toolbarActions[button.getAttribute("data-md")](textarea);
    }
  });

  // A picture uploaded by htmx comes back with the line to insert (data-insert-markdown): put it
  // at the cursor of the body, leave the rest of the text alone, empty the picture's fields.
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = document.querySelector("[data-insert-markdown]");
    if (!status) { return; }
    var textarea = editorOf(status);
    var markdown = status.getAttribute("data-insert-markdown");
    status.removeAttribute("data-insert-markdown");
    if (!textarea) { return; }
    insertBlock(textarea, markdown);
    ["#picture-file", "#picture-caption"].forEach(function (selector) {
      var input = textarea.form.querySelector(selector);
      if (input) { input.value = ""; }
    });
  });

  // What a form holds, to tell whether something is unsaved (files count when chosen).
  function formState(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "version") { return; }
      if (typeof value !== "string") { value = value.name ? "file:" + value.name + ":" + value.size : ""; }
      parts.push(name + "=" + value);
    });
    return parts.join("&");
  }

  // Forms marked data-unsaved-warning ask before the page is left with unsaved changes; sending
  // the form, or an autosave of everything typed, clears the warning.
  var guarded = [];
  function guardForms() {
    document.querySelectorAll("form[data-unsaved-warning]").forEach(function (form) {
      if (form.__savedState === undefined) {
        form.__savedState = formState(form);
        guarded.push(form);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", guardForms);
  // Sending the form stops autosave; while an autosave is on its way (it may be creating the
  // draft this form must then save), the sending waits for its answer.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || event.defaultPrevented) { return; }
    if (form.hasAttribute("data-autosave-form")) {
      window.clearTimeout(form.__autosaveTimer);
      form.__autosaveTimer = null;
      var line = form.querySelector("[data-autosave]");
      if (line && line.classList.contains("htmx-request")) {
        event.preventDefault();
        form.__pendingSubmit = event.submitter || true;
        return;
      }
    }
    if (form.hasAttribute("data-unsaved-warning")) { form.__leaving = true; }
  });
  window.addEventListener("beforeunload", function (event) {
    var unsaved = guarded.some(function (form) {
      return document.contains(form) && !form.__leaving && formState(form) !== form.__savedState;
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("pageshow", function () {
    guarded.forEach(function (form) { form.__leaving = false; });
  });

  // Autosave: a few seconds after typing starts (and again while it goes on), when the form holds
  // something new, send the autosave line (event "autosave"; it posts the form with htmx).
  var AUTOSAVE_MS = 4000;
  document.addEventListener("input", function (event) {
    var form = event.target.form || (event.target.closest && event.target.closest("form"));
    if (!form || !form.hasAttribute("data-autosave-form") || event.target.type === "file") { return; }
    if (form.__autosaveTimer) { return; }
    form.__autosaveTimer = window.setTimeout(function run() {
      var line = form.querySelector("[data-autosave]");
      if (!line || !window.htmx) { form.__autosaveTimer = null; return; }
      if (line.classList.contains("htmx-request")) {  // the previous one is still on its way
        form.__autosaveTimer = window.setTimeout(run, 1000);
        return;
      }
      form.__autosaveTimer = null;
      var state = formState(form);
      if (state === form.__autosavedState || state === form.__savedState) { return; }
      form.__autosaveSending = state;
      window.htmx.trigger(line, "autosave");
    }, AUTOSAVE_MS);
  });

  // The answer replaces the line: data-saved says everything sent is kept (the warning about
  // unsaved changes is measured from there); data-edit-url that the new article's draft exists.
  document.addEventListener("htmx:load", function (event) {
    var line = event.detail.elt;
    if (!line || line.id !== "autosave-status") { return; }
    var form = line.closest("form");
    if (!form) { return; }
    if (line.hasAttribute("data-saved") && form.__autosaveSending !== undefined) {
      form.__savedState = form.__autosaveSending;
    }
    form.__autosavedState = form.__autosaveSending;
    var editUrl = line.getAttribute("data-edit-url");
    if (editUrl) { form.setAttribute("action", editUrl); }
    if (form.__pendingSubmit) {
      var submitter = form.__pendingSubmit;
      form.__pendingSubmit = null;
      form.requestSubmit(submitter === true ? undefined : submitter);
    }
  });

  // An autosave that failed (the server unreachable, the body over the limit) releases a waiting send.
  document.addEventListener("htmx:afterRequest", function (event) {
    var line = event.detail.elt;
    if (event.detail.successful || !line || !line.hasAttribute || !line.hasAttribute("data-autosave")) { return; }
    var form = line.closest("form");
    if (form && form.__pendingSubmit) {
      var submitter = form.__pendingSubmit;
      form.__pendingSubmit = null;
      form.requestSubmit(submitter === true ? undefined : submitter);
    }
  });

  // ---- Uploads: a progress bar and a disabled button while a file is on its way ----------
  function uploadButtons(form) {
    return form ? form.querySelectorAll("button[type=submit], button:not([type])") : [];
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var config = event.detail.requestConfig || {};
    if (!elt || !elt.closest) { return; }
    if (!elt.hasAttribute("data-upload") && !(elt.tagName === "FORM" && elt.enctype === "multipart/form-data")) { return; }
    var hasFile = Array.prototype.some.call((elt.closest("form") || elt).querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
    if (!hasFile || (config.verb || "").toLowerCase() !== "post") { return; }
    var scope = elt.closest("form");
    var button = elt.matches("button") ? elt : (scope ? scope.querySelector("button[type=submit], button:not([type])") : null);
    var bar = (button && button.parentNode.querySelector(".upload-progress")) || (scope && scope.querySelector(".upload-progress"));
    elt.__upload = { button: button, bar: bar };
    if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
    if (bar) { bar.hidden = false; bar.value = 0; }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var upload = event.detail.elt && event.detail.elt.__upload;
    if (upload && upload.bar && event.detail.lengthComputable) {
      upload.bar.value = Math.round(100 * event.detail.loaded / event.detail.total);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var upload = event.detail.elt && event.detail.elt.__upload;
    if (!upload) { return; }
    event.detail.elt.__upload = null;
    if (upload.button && document.contains(upload.button)) {
      upload.button.disabled = false;
      upload.button.removeAttribute("aria-busy");
    }
    if (upload.bar && document.contains(upload.bar)) { upload.bar.hidden = true; }
  });

  // A form sent the ordinary way with a file: its buttons wait (the browser shows the progress).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.querySelectorAll) { return; }
    var files = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
    if (!files || form.hasAttribute("hx-post")) { return; }
    window.setTimeout(function () {  // after the browser has taken the pressed button's value
      uploadButtons(form).forEach(function (button) { button.disabled = true; });
      var bar = form.querySelector(".upload-progress");
      if (bar) { bar.hidden = false; bar.removeAttribute("value"); }
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form button[disabled]").forEach(function (button) {
      if (button.closest("form").querySelector("input[type=file]")) { button.disabled = false; }
    });
  });

  // ---- Dates: dd/mm/yyyy text boxes (no browser date input, whose order follows its language) --
  // When a box is left, what was typed is tidied: 1/4/2024, 1-4-2024 or 01042024 → 01/04/2024,
  // and "9h30" → 09:30. Anything else is left for the server to explain.
  function two(n) { return (n.length < 2 ? "0" : "") + n; }
  function tidyDate(text) {
    var m = /^\s*(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{2}|\d{4})\s*$/.exec(text) ||
            /^\s*(\d{2})(\d{2})(\d{4})\s*$/.exec(text);
    if (!m) { return null; }
    return two(m[1]) + "/" + two(m[2]) + "/" + (m[3].length === 2 ? "20" + m[3] : m[3]);
  }
  function tidy(input) {
    var value = input.value.trim();
    if (!value) { return; }
    var kind = input.getAttribute("data-date");
    if (kind === "datetime") {
      var parts = /^(\S+)(?:\s+(\d{1,2})\s*[:hg]\s*(\d{2})?)?$/.exec(value);
      var day = parts ? tidyDate(parts[1]) : null;
      if (day) {
        input.value = parts[2] ? day + " " + two(parts[2]) + ":" + (parts[3] || "00") : day;
      }
      return;
    }
    var tidied = tidyDate(value);
    if (tidied) { input.value = tidied; }
  }
  // Capture phase: tidied before the change sends a filter form (data-autosubmit).
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[data-date]")) { tidy(event.target); }
  }, true);

  // ---- After a refused form: the cursor goes to the first field to correct ------------------
  function focusFirstProblem(root) {
    var field = root.querySelector("[aria-invalid=true]");
    if (field) { field.focus(); return; }
    var alert = root.querySelector(".flash--error[role=alert], .flash--warning[role=alert]");
    if (alert) {
      if (!alert.hasAttribute("tabindex")) { alert.setAttribute("tabindex", "-1"); }
      alert.focus();
    }
  }
  var PROBLEM = "[aria-invalid=true], .flash--error[role=alert], .flash--warning[role=alert]";
  // After a form sent with htmx (not the header's live search, not autosave) comes back.
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig || {};
    var elt = config.elt;
    if (!elt || !elt.tagName || (elt.tagName !== "FORM" && elt.tagName !== "BUTTON")) { return; }
    if (elt.hasAttribute("data-live-search") || (elt.closest && elt.closest("[data-live-search]"))) { return; }
    var target = event.detail.target;
    var root = target && target.isConnected ? target : document.getElementById("noi-dung");
    var problem = root ? root.querySelector(PROBLEM) : null;
    if (problem) { focusFirstProblem(problem.closest("form") || root); }
  });
  // A page that comes back with a refused form (without htmx) does the same.
  document.addEventListener("DOMContentLoaded", function () {
    var main = document.getElementById("noi-dung");
    var problem = main ? main.querySelector("form " + PROBLEM.split(", ").join(", form ")) : null;
    if (problem) { focusFirstProblem(problem.closest("form")); }
  });
})();
