"""The kinds of notification: who receives each, how a user may receive it, and what a text needs.

A kind's key is stored with each notification and each user preference, so keys never change.
``fields`` are the values :func:`app.notify.texts.render` needs for the kind (besides the
optional ``recipient_name`` and ``settings_link``).
"""
from __future__ import annotations

from dataclasses import dataclass

# How a user receives a kind (their preference; the portal's bell always shows it).
PORTAL, EMAIL, DIGEST = "portal", "email", "digest"
CHANNELS = {
    PORTAL: "Chỉ trên Cổng",
    EMAIL: "Trên Cổng và qua e-mail",
    DIGEST: "Trên Cổng và e-mail tóm tắt hằng ngày",
}

_TASK = ("unit_name", "unit_role", "task_code", "task_title", "plan_number", "deadline", "today", "link")
_PERIOD = ("unit_name", "period_label", "plan_number", "deadline", "today", "link")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # on the preferences page and the notification list's filter
    audience: str  # who receives it, as the preferences page says
    template: str  # mail/<template>.txt and mail/<template>.html
    fields: tuple[str, ...]
    scheduled: bool = False  # sent by the scheduler for a deadline (app.notify.rules), not by an action
    default_channel: str = PORTAL


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("task_due_in_7", "Nhiệm vụ sắp đến hạn (trước 7 ngày)",
         "Đầu mối CCHC của đơn vị chủ trì và phối hợp", "task_deadline", _TASK, True, EMAIL),
    Kind("task_due_tomorrow", "Nhiệm vụ đến hạn ngày mai",
         "Đầu mối CCHC của đơn vị chủ trì và phối hợp", "task_deadline", _TASK, True, EMAIL),
    Kind("task_overdue", "Nhiệm vụ quá hạn",
         "Đầu mối CCHC của đơn vị chủ trì và phối hợp", "task_deadline", _TASK, True, EMAIL),
    Kind("period_open", "Mở kỳ báo cáo",
         "Đầu mối CCHC của đơn vị", "period_deadline", _PERIOD, True, EMAIL),
    Kind("period_due_in_3", "Kỳ báo cáo sắp hết hạn (trước 3 ngày)",
         "Đầu mối CCHC của đơn vị chưa nộp", "period_deadline", _PERIOD, True, EMAIL),
    Kind("period_overdue", "Quá hạn nộp báo cáo",
         "Đầu mối CCHC của đơn vị chưa nộp", "period_deadline", _PERIOD, True, EMAIL),
    Kind("report_submitted", "Đơn vị nộp báo cáo", "Tổ CCHC (quản trị)", "plan_activity",
         ("unit_code", "unit_name", "period_label", "report_title", "version_no", "late_days", "submitted_by",
          "submitted_at", "link")),
    Kind("progress_submitted", "Đơn vị cập nhật tiến độ", "Tổ CCHC (quản trị)", "plan_activity",
         ("unit_code", "unit_name", "task_code", "task_title", "status_label", "percent", "submitted_by",
          "submitted_at", "link")),
    Kind("report_lacks_figures", "Báo cáo thiếu số liệu", "Tổ CCHC (quản trị)", "plan_activity",
         ("unit_code", "unit_name", "period_label", "items_without_figures", "link"), default_channel=EMAIL),
    Kind("news_submitted", "Tin bài chờ duyệt", "Người có quyền duyệt đăng tin", "news",
         ("title", "author_name", "link"), default_channel=EMAIL),
    Kind("news_returned", "Tin bài bị trả lại", "Tác giả của tin bài", "news",
         ("title", "actor_name", "comment", "link"), default_channel=EMAIL),
    Kind("news_published", "Tin bài đã được đăng", "Tác giả của tin bài", "news",
         ("title", "actor_name", "published_at", "link")),
    Kind("document_changed", "Văn bản đang theo dõi được cập nhật", "Người theo dõi văn bản", "document",
         ("document_label", "actor_name", "changed_at", "changes", "link")),
    Kind("document_related", "Văn bản đang theo dõi có liên kết mới", "Người theo dõi văn bản", "document",
         ("document_label", "relation_label", "other_label", "link")),
    Kind("reminder", "Nhắc việc của Tổ CCHC (Đôn đốc)", "Đầu mối CCHC của đơn vị được nhắc", "reminder",
         ("subject", "text", "link"), default_channel=EMAIL),
)}

SCHEDULED_KINDS = tuple(k for k, kind in KINDS.items() if kind.scheduled)
