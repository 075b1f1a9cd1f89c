"""What each notification says (subject, plain text, HTML) and the reminder the Đôn đốc page
prefills: Vietnamese, dd/mm/yyyy, days left or late, the link, user text shown as text in the HTML.
Rendered with no Flask app; one reminder goes through a real SMTP server to its reader."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.mail import compose, parse_smtp_url, send
from app.notify.kinds import CHANNELS, KINDS, SCHEDULED_KINDS
from app.notify.texts import DigestItem, TaskLine, digest, reminder_draft, render, text_blocks
from tests.smtp_server import Mailbox, smtp_server

BASE = "https://cchc.example.gov.vn"
TASK = {"unit_name": "Văn phòng Bộ", "unit_role": "lead", "task_code": "2.3",
        "task_title": "Rà soát, đơn giản hóa thủ tục hành chính nội bộ", "plan_number": "1234/KH-BNV",
        "deadline": date(2026, 12, 7), "link": f"{BASE}/plans/tasks/12"}
PERIOD = {"unit_name": "Vụ Tổ chức cán bộ", "period_label": "Quý I/2026", "plan_number": "1234/KH-BNV",
          "deadline": date(2026, 4, 15), "link": f"{BASE}/reports/periods/3"}
SUBMITTED_AT = datetime(2026, 4, 16, 2, 30)  # naive UTC: 09:30 in Hà Nội

# kind → (context, subject the user sees)
CASES = {
    "task_due_in_7": ({**TASK, "today": date(2026, 11, 30)}, "Nhiệm vụ 2.3 còn 7 ngày đến hạn (07/12/2026)"),
    "task_due_tomorrow": ({**TASK, "today": date(2026, 12, 6)}, "Nhiệm vụ 2.3 đến hạn ngày mai (07/12/2026)"),
    "task_overdue": ({**TASK, "today": date(2026, 12, 8)}, "Nhiệm vụ 2.3 đã quá hạn 1 ngày (hạn 07/12/2026)"),
    "period_open": ({**PERIOD, "today": date(2026, 3, 31)}, "Mở kỳ báo cáo CCHC Quý I/2026, hạn nộp 15/04/2026"),
    "period_due_in_3": ({**PERIOD, "today": date(2026, 4, 12)},
                        "Báo cáo CCHC Quý I/2026: còn 3 ngày đến hạn nộp (15/04/2026)"),
    "period_overdue": ({**PERIOD, "today": date(2026, 4, 18)}, "Quá hạn nộp báo cáo CCHC Quý I/2026 (3 ngày)"),
    "report_submitted": ({"unit_code": "TCCB", "unit_name": "Vụ Tổ chức cán bộ", "period_label": "Quý I/2026",
                          "report_title": "Báo cáo kết quả CCHC quý I năm 2026", "version_no": 2, "late_days": 1,
                          "submitted_by": "Trần Văn Bình", "submitted_at": SUBMITTED_AT,
                          "link": f"{BASE}/reports/7"},
                         "TCCB đã nộp báo cáo Quý I/2026 (lần 2), muộn 1 ngày"),
    "progress_submitted": ({"unit_code": "VP", "unit_name": "Văn phòng Bộ", "task_code": "2.3",
                            "task_title": TASK["task_title"], "status_label": "Đang thực hiện", "percent": 60,
                            "submitted_by": "Lê Thị Cúc", "submitted_at": SUBMITTED_AT,
                            "link": f"{BASE}/plans/tasks/12#cap-nhat-40"},
                           "VP cập nhật tiến độ nhiệm vụ 2.3: Đang thực hiện, 60%"),
    "report_lacks_figures": ({"unit_code": "TCCB", "unit_name": "Vụ Tổ chức cán bộ", "period_label": "Quý I/2026",
                              "items_without_figures": ["Cải cách tổ chức bộ máy", "Xây dựng chính quyền số"],
                              "link": f"{BASE}/reports/7"},
                             "Báo cáo Quý I/2026 của TCCB thiếu số liệu"),
    "news_submitted": ({"title": "Hội nghị sơ kết CCHC 6 tháng", "author_name": "Phạm Minh Đức",
                        "link": f"{BASE}/news/5"}, "Tin bài chờ duyệt: Hội nghị sơ kết CCHC 6 tháng"),
    "news_returned": ({"title": "Hội nghị sơ kết CCHC 6 tháng", "actor_name": "Hoàng Thu Hà",
                       "comment": "Bổ sung số liệu.\nThay ảnh bìa.", "link": f"{BASE}/news/5/edit"},
                      "Tin bài bị trả lại: Hội nghị sơ kết CCHC 6 tháng"),
    "news_published": ({"title": "Hội nghị sơ kết CCHC 6 tháng", "actor_name": "Hoàng Thu Hà",
                        "published_at": SUBMITTED_AT, "link": f"{BASE}/news/5"},
                       "Tin bài đã được đăng: Hội nghị sơ kết CCHC 6 tháng"),
    "document_changed": ({"document_label": "Nghị định 107/2021/NĐ-CP", "actor_name": "Quản trị viên",
                          "changed_at": SUBMITTED_AT, "changes": ["Tình trạng: Còn hiệu lực → Hết hiệu lực một phần"],
                          "link": f"{BASE}/documents/9"},
                         "Văn bản đang theo dõi được cập nhật: Nghị định 107/2021/NĐ-CP"),
    "document_related": ({"document_label": "Nghị định 61/2018/NĐ-CP", "relation_label": "Được sửa đổi bởi",
                          "other_label": "Nghị định 107/2021/NĐ-CP", "link": f"{BASE}/documents/8"},
                         "Văn bản Nghị định 61/2018/NĐ-CP có liên kết mới: Được sửa đổi bởi Nghị định 107/2021/NĐ-CP"),
    "reminder": ({"subject": "V/v đôn đốc nộp Báo cáo CCHC Quý I/2026", "text": "Kính gửi: Vụ TCCB\n\nĐề nghị nộp.",
                  "link": f"{BASE}/reports/periods/3"}, "V/v đôn đốc nộp Báo cáo CCHC Quý I/2026"),
}


def test_every_kind_has_a_text_and_every_text_a_kind():
    assert set(CASES) == set(KINDS)
    assert set(SCHEDULED_KINDS) == {"task_due_in_7", "task_due_tomorrow", "task_overdue",
                                    "period_open", "period_due_in_3", "period_overdue"}
    assert {kind.default_channel for kind in KINDS.values()} <= set(CHANNELS)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_says_what_happened_with_a_link_in_both_parts(kind):
    context, subject = CASES[kind]
    content = render(kind, **context)
    assert content.subject == subject
    assert content.link == context["link"]
    assert context["link"] in content.text
    assert f'href="{context["link"]}"' in content.html
    assert '<html lang="vi">' in content.html and "<h1" in content.html
    assert "Thư gửi tự động từ Cổng thông tin CCHC" in content.text


def test_deadline_texts_count_days_and_name_the_unit_role():
    due = render("task_due_in_7", **{**TASK, "unit_role": "cooperating", "today": date(2026, 12, 2)})
    assert due.subject == "Nhiệm vụ 2.3 còn 5 ngày đến hạn (07/12/2026)"  # sent late: says what is true today
    assert "đơn vị phối hợp thực hiện, có thời hạn hoàn thành 07/12/2026 (còn 5 ngày)" in due.text
    assert "Kính gửi: Văn phòng Bộ" in due.text

    today = render("task_due_tomorrow", **{**TASK, "today": date(2026, 12, 7)})
    assert today.subject == "Nhiệm vụ 2.3 đến hạn hôm nay (07/12/2026)"

    late = render("task_overdue", **{**TASK, "today": date(2026, 12, 19), "recipient_name": "Nguyễn Văn An"})
    assert "Kính gửi Nguyễn Văn An (Văn phòng Bộ)," in late.text
    assert "đến ngày 19/12/2026 đã quá hạn 12 ngày" in late.text

    last_day = render("period_due_in_3", **{**PERIOD, "today": date(2026, 4, 15)})
    assert last_day.subject == "Báo cáo CCHC Quý I/2026: hôm nay là hạn nộp (15/04/2026)"
    overdue = render("period_overdue", **{**PERIOD, "today": date(2026, 4, 18)})
    assert "Đến ngày 18/04/2026, đơn vị chưa nộp Báo cáo cải cách hành chính Quý I/2026" in overdue.text
    assert "đã quá hạn 3 ngày (hạn nộp 15/04/2026)" in overdue.text


def test_activity_texts_show_moments_in_vietnam_time_and_list_what_is_missing():
    submitted = render("report_submitted", **CASES["report_submitted"][0])
    assert "đã nộp lại (lần 2) Báo cáo cải cách hành chính Quý I/2026 lúc 16/04/2026 09:30" in submitted.text
    assert "Báo cáo nộp muộn 1 ngày so với hạn." in submitted.text
    gaps = render("report_lacks_figures", **CASES["report_lacks_figures"][0])
    assert "- Cải cách tổ chức bộ máy\n- Xây dựng chính quyền số\n" in gaps.text
    assert "<li>Cải cách tổ chức bộ máy</li>" in gaps.html
    none = render("report_lacks_figures", **{**CASES["report_lacks_figures"][0], "items_without_figures": []})
    assert "không có con số nào" in none.text


def test_user_text_is_text_in_the_html_and_unchanged_in_the_plain_part():
    title = 'Tin <script>alert("x")</script> & ảnh <img src=x onerror=alert(1)>'
    content = render("news_returned", title=title, actor_name="Hoàng Thu Hà <duyệt tin>",
                     comment="Sửa đoạn 2.\n<b>Gấp</b> – xem https://cchc.example.gov.vn/news/5?x=1&y=2",
                     link=f"{BASE}/news/5/edit")
    assert "<script" not in content.html and "<img" not in content.html and "<b>" not in content.html
    assert "&lt;script&gt;" in content.html and "&lt;b&gt;Gấp&lt;/b&gt;" in content.html
    assert "Sửa đoạn 2.<br>&lt;b&gt;" in content.html  # the comment's line breaks kept
    assert 'href="https://cchc.example.gov.vn/news/5?x=1&amp;y=2"' in content.html  # a link in a comment works
    assert content.subject == f"Tin bài bị trả lại: {title}"
    assert '<b>Gấp</b>' in content.text and "Hoàng Thu Hà <duyệt tin>" in content.text


def test_render_refuses_missing_values_and_links_that_are_not_web_addresses():
    with pytest.raises(TypeError, match="missing"):
        render("task_overdue", **{k: v for k, v in TASK.items() if k != "deadline"}, today=date(2026, 12, 8))
    with pytest.raises(TypeError, match="unexpected"):
        render("news_submitted", title="x", author_name="y", link=f"{BASE}/news/1", titel="typo")
    for bad in ("javascript:alert(1)", "/news/1", "https://cchc.example.gov.vn/a b"):
        with pytest.raises(ValueError):
            render("news_submitted", title="x", author_name="y", link=bad)
    with pytest.raises(ValueError):
        render("task_overdue", **{**TASK, "unit_role": "owner", "today": date(2026, 12, 8)})
    with pytest.raises(KeyError):
        render("task_due_in_30", **TASK)


def test_settings_link_in_the_footer():
    content = render("news_submitted", title="x", author_name="y", link=f"{BASE}/news/1",
                     settings_link=f"{BASE}/notifications/settings")
    assert f"Đổi cách nhận thông báo: {BASE}/notifications/settings" in content.text
    assert f'<a href="{BASE}/notifications/settings" style="color:#0b5cad;">Đổi cách nhận thông báo</a>' in content.html


# The Đôn đốc page's reminder

def test_reminder_draft_for_a_missing_report_and_late_tasks():
    draft = reminder_draft(
        unit_name="Vụ Tổ chức cán bộ", today=date(2026, 4, 18), link=f"{BASE}/plans/1/follow-up",
        period_label="Quý I/2026", period_deadline=date(2026, 4, 15),
        tasks=[TaskLine("2.1", "Xây dựng đề án vị trí việc làm", date(2026, 3, 31), 18),
               TaskLine("3.4", "Số hóa hồ sơ lưu trữ", None)])
    assert draft.subject == "V/v đôn đốc nộp Báo cáo CCHC Quý I/2026 và thực hiện 2 nhiệm vụ chậm tiến độ"
    assert draft.text == (
        "Kính gửi: Vụ Tổ chức cán bộ\n\n"
        "Đến ngày 18/04/2026, đơn vị chưa nộp Báo cáo cải cách hành chính Quý I/2026, đã quá hạn 3 ngày "
        "(hạn nộp 15/04/2026).\n\n"
        "Ngoài ra, các nhiệm vụ sau do đơn vị thực hiện đang chậm tiến độ hoặc quá hạn:\n"
        "- 2.1. Xây dựng đề án vị trí việc làm (thời hạn 31/03/2026, quá hạn 18 ngày)\n"
        "- 3.4. Số hóa hồ sơ lưu trữ (thời hạn không ghi)\n\n"
        "Đề nghị đơn vị khẩn trương hoàn thành, cập nhật kết quả thực hiện (có số liệu cụ thể) trên Cổng: "
        f"{BASE}/plans/1/follow-up\n\n"
        "Trân trọng,\nTổ công tác cải cách hành chính\n")


def test_reminder_draft_for_one_thing_only():
    before = reminder_draft(unit_name="Văn phòng Bộ", today=date(2026, 4, 14), link=f"{BASE}/reports",
                            period_label="Quý I/2026", period_deadline=date(2026, 4, 15))
    assert before.subject == "V/v đôn đốc nộp Báo cáo CCHC Quý I/2026"
    assert "chưa nộp Báo cáo cải cách hành chính Quý I/2026 (hạn nộp 15/04/2026)." in before.text
    tasks = reminder_draft(unit_name="Văn phòng Bộ", today=date(2026, 4, 14), link=f"{BASE}/plans/1",
                           tasks=[TaskLine("1.1", "Ban hành kế hoạch", date(2026, 2, 1), 72)],
                           office_name="Văn phòng Bộ – Phòng Tổng hợp")
    assert tasks.subject == "V/v đôn đốc thực hiện 1 nhiệm vụ chậm tiến độ"
    assert tasks.text.startswith("Kính gửi: Văn phòng Bộ\n\nCác nhiệm vụ sau")
    assert tasks.text.endswith("Trân trọng,\nVăn phòng Bộ – Phòng Tổng hợp\n")
    with pytest.raises(ValueError):
        reminder_draft(unit_name="VP", today=date(2026, 4, 14), link=f"{BASE}/plans/1")
    with pytest.raises(ValueError):
        reminder_draft(unit_name="VP", today=date(2026, 4, 14), link=f"{BASE}/plans/1", period_label="Quý I/2026")


def test_an_edited_reminder_reaches_the_unit_as_the_office_typed_it():
    draft = reminder_draft(unit_name="Vụ Tổ chức cán bộ", today=date(2026, 4, 18), link=f"{BASE}/reports/periods/3",
                           period_label="Quý I/2026", period_deadline=date(2026, 4, 15))
    edited = draft.text.replace("Trân trọng,", "Đề nghị gửi trước 17:00 thứ Sáu <20/4>.\n\nTrân trọng,")
    content = render("reminder", subject=draft.subject, text=edited, link=f"{BASE}/reports/periods/3")
    assert content.text.count(f"{BASE}/reports/periods/3") == 1  # the draft holds the link: not added twice
    assert "&lt;20/4&gt;" in content.html

    box = Mailbox()
    with smtp_server(box) as port:
        settings = parse_smtp_url(f"smtp://127.0.0.1:{port}", "Tổ CCHC <cchc@example.gov.vn>")
        send(compose(content, to="daumoi.tccb@example.gov.vn", sender=settings.sender), settings)
    [received] = box.messages()
    assert received["Subject"] == "V/v đôn đốc nộp Báo cáo CCHC Quý I/2026"
    text = received.get_body(("plain",)).get_content()
    assert "Đến ngày 18/04/2026, đơn vị chưa nộp Báo cáo cải cách hành chính Quý I/2026, đã quá hạn 3 ngày" in text
    assert "Đề nghị gửi trước 17:00 thứ Sáu <20/4>." in text
    html = received.get_body(("html",)).get_content()
    assert "Đề nghị gửi trước 17:00 thứ Sáu &lt;20/4&gt;." in html and f'href="{BASE}/reports/periods/3"' in html


def test_daily_digest():
    items = [DigestItem("Tin bài chờ duyệt: B", f"{BASE}/news/2", datetime(2026, 11, 30, 9, 0)),
             DigestItem("Tin bài chờ duyệt: A", f"{BASE}/news/1", datetime(2026, 11, 30, 1, 15))]
    content = digest(items, day=date(2026, 11, 30), link=f"{BASE}/notifications", recipient_name="Hoàng Thu Hà")
    assert content.subject == "Tóm tắt thông báo ngày 30/11/2026 (2 thông báo)"
    assert content.text.index("08:15 · Tin bài chờ duyệt: A") < content.text.index("16:00 · Tin bài chờ duyệt: B")
    assert "Kính gửi Hoàng Thu Hà," in content.text
    assert content.html.count("<li>") == 2
    with pytest.raises(ValueError):
        digest([], day=date(2026, 11, 30), link=f"{BASE}/notifications")


def test_text_blocks_cut_paragraphs_lists_and_links():
    blocks = text_blocks("Dòng 1\nDòng 2\n\n- mục a\n- mục b (https://x.vn/a).\n\n\nCuối")
    assert [(b.kind, len(b.lines)) for b in blocks] == [("paragraph", 2), ("list", 2), ("paragraph", 1)]
    assert [p.url for p in blocks[1].lines[1] if p.url] == ["https://x.vn/a"]  # the closing ")." is not in it
