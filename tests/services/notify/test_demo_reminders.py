"""Issue 18's "Done when", tried as a new user would: the demo loaded (``flask demo``), a real SMTP
server, the clock moved to the day after a demo report period's deadline with ``flask reminders run
--at``: each reporter of each unit that has not reported gets one notification and one e-mail, units
that reported get none, a second run adds nothing; the office's "Nhắc" from the Đôn đốc page shows on
the unit's row and in its reporter's bell, and goes by e-mail in the next round."""
from __future__ import annotations

import html
import re
from collections import Counter

from app.demo.loader import DEMO_PASSWORD, demo_email
from app.demo.plans import PLAN_NUMBER
from app.extensions import db
from app.models import Notification, Plan, ReportPeriod, UnitReport, User
from app.services.notify import notifications as center
from app.services.plans import progress
from tests.helpers import logged_in, page_token


def _bell_count(page: str) -> int:
    return int(re.search(r'class="bell__count" data-count="(\d+)"', page).group(1))


def _run_at(runner, moment: str):
    result = runner.invoke(args=["reminders", "run", "--at", moment])
    assert result.exit_code == 0, result.output
    return result.output


def _late_reporters(period_kind: str) -> tuple[int, int, set[str]]:
    """The demo plan's id, the period's id and the usernames of the reporters of every unit expected
    to report on the plan that has no report for the period (read from the database, not guessed)."""
    plan = db.session.scalar(db.select(Plan).where(Plan.number == PLAN_NUMBER))
    period = db.session.scalar(db.select(ReportPeriod).where(ReportPeriod.plan_id == plan.id,
                                                             ReportPeriod.kind == period_kind))
    reported = set(db.session.scalars(db.select(UnitReport.unit_id).where(UnitReport.period_id == period.id)))
    late_units = [u.id for u in progress.expected_units(plan) if u.id not in reported]
    return plan.id, period.id, {u.username for u in center.reporters_of(late_units)}


def _overdue_by_user(period_id: int) -> Counter:
    rows = db.session.execute(db.select(User.username).join(Notification, Notification.user_id == User.id).where(
        Notification.kind == "period_overdue", Notification.record_id == period_id)).scalars()
    return Counter(rows)


def test_the_demo_with_a_mail_server_and_the_clock_moved_past_a_report_deadline(app, mailbox, at_vietnam_time):
    runner = app.test_cli_runner()
    # The demo as scripts/run.sh loads it: without an SMTP server, so nothing is queued by its own steps.
    smtp_url = app.config.pop("SMTP_URL")
    loaded = runner.invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    assert f"daumoi.tccb  / {DEMO_PASSWORD} / reporter, reader / TCCB / daumoi.tccb@cchc.example (mới)" \
        in loaded.output
    app.config["SMTP_URL"] = smtp_url
    at_vietnam_time(2024, 7, 16, 9)  # the office's wall clock, for the pages and the Đôn đốc reminder

    # 16/07/2024 08:00: the 6-month report (due 15/07) is one day late; Vụ Pháp chế sent theirs.
    with app.app_context():
        plan_id, h1, late = _late_reporters("h1")
        reporters = {u.username for u in center.holders_of("reporter")}
        users = {u.username: u for u in db.session.scalars(db.select(User))}
        tccb_unit = users["daumoi.tccb"].unit_id
    assert late == {"daumoi.tccb"} and reporters == {"daumoi.vpc", "daumoi.tccb"}  # what the demo holds

    output = _run_at(runner, "2024-07-16 08:00")
    assert "Chạy như lúc 16/07/2024 08:00 (giờ Việt Nam): ngày nhắc việc 16/07/2024" in output
    assert f"Thông báo mới: {len(late)}\n  period_overdue: {len(late)}\n" in output
    assert f"E-mail: đã gửi {len(late)}, gửi lại sau 0, hỏng 0" in output
    with app.app_context():
        assert _overdue_by_user(h1) == Counter({name: 1 for name in late})  # daumoi.vpc: none
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)
                                 .where(Notification.user_id == users["daumoi.vpc"].id)) == 0
    messages = mailbox.messages()
    assert Counter(m["To"].addresses[0].addr_spec for m in messages) == Counter(demo_email(n) for n in late)
    raw_headers = mailbox.envelopes[0].content.split(b"\r\n\r\n")[0].decode("ascii")  # headers are ASCII
    assert "Subject: =?utf-8?" in raw_headers  # encoded on the wire, read back in Vietnamese below
    assert {str(m["Subject"]) for m in messages} == {"Quá hạn nộp báo cáo CCHC 6 tháng/2024 (1 ngày)"}
    assert "đã quá hạn 1 ngày (hạn nộp 15/07/2024)" in messages[0].get_body(("plain",)).get_content()

    # The same moment again: nothing new, nothing sent.
    again = _run_at(runner, "2024-07-16 08:00")
    assert "Thông báo mới: 0\n" in again and "E-mail: đã gửi 0," in again
    assert len(mailbox.messages()) == len(late)
    with app.app_context():
        assert _overdue_by_user(h1) == Counter({name: 1 for name in late})

    # The reporter sees it in the bell; the office reminds the unit from the Đôn đốc page.
    reporter = logged_in(app, "daumoi.tccb", DEMO_PASSWORD)
    assert _bell_count(reporter.get("/").get_data(as_text=True)) == 1
    admin = logged_in(app, "quantri", DEMO_PASSWORD)
    follow = f"/plans/{plan_id}/follow-up?period={h1}"
    row = admin.get(follow).get_data(as_text=True).split(f'id="nhac-{tccb_unit}"')[1].split("</tr>")[0]
    assert "Chưa nộp báo cáo 6 tháng/2024" in row and "chưa nhắc" in row
    form = admin.get(f"/plans/{plan_id}/follow-up/remind?period={h1}&unit={tccb_unit}").get_data(as_text=True)
    subject = html.unescape(re.search(r'id="subject" name="subject" value="([^"]*)"', form).group(1))
    text = html.unescape(re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', form, re.S).group(1))
    assert "Vụ Tổ chức Cán bộ" in text and "6 tháng/2024" in text
    without_token = admin.post(f"/plans/{plan_id}/follow-up/remind", data={
        "unit": str(tccb_unit), "period": str(h1), "subject": subject, "text": text})
    assert without_token.status_code == 400
    sent = admin.post(f"/plans/{plan_id}/follow-up/remind", data={
        "csrf_token": page_token(admin, follow), "unit": str(tccb_unit), "period": str(h1),
        "subject": subject, "text": text})
    assert sent.status_code == 302
    row = admin.get(follow).get_data(as_text=True).split(f'id="nhac-{tccb_unit}"')[1].split("</tr>")[0]
    assert "đã nhắc 1 lần, lần cuối 16/07/2024" in row
    assert _bell_count(reporter.get("/").get_data(as_text=True)) == 2
    listing = reporter.get("/notifications/").get_data(as_text=True)
    assert html.escape(subject) in listing and "Quá hạn nộp báo cáo CCHC 6 tháng/2024 (1 ngày)" in listing
    assert _bell_count(logged_in(app, "daumoi.vpc", DEMO_PASSWORD).get("/").get_data(as_text=True)) == 0

    # The reminder's e-mail leaves with the next round; the deadline reminders are not sent again.
    third = _run_at(runner, "2024-07-16 08:00")
    assert "Thông báo mới: 0\n" in third and "E-mail: đã gửi 1, gửi lại sau 0, hỏng 0" in third
    reminder_mail = mailbox.messages()[-1]
    assert reminder_mail["To"].addresses[0].addr_spec == "daumoi.tccb@cchc.example"
    assert str(reminder_mail["Subject"]) == subject

    # 16/10/2024 08:00: nobody reported for 9 tháng/2024 (due 15/10): every reporter, once.
    with app.app_context():
        _, q3, late = _late_reporters("q3")
    assert late == {"daumoi.vpc", "daumoi.tccb"}
    before = len(mailbox.messages())
    output = _run_at(runner, "2024-10-16 08:00")
    assert "Thông báo mới: 2\n  period_overdue: 2\n" in output and "E-mail: đã gửi 2," in output
    assert _run_at(runner, "2024-10-16 08:00").count("Thông báo mới: 0") == 1
    with app.app_context():
        assert _overdue_by_user(q3) == Counter({"daumoi.vpc": 1, "daumoi.tccb": 1})
    new = mailbox.messages()[before:]
    assert sorted(m["To"].addresses[0].addr_spec for m in new) == sorted(demo_email(n) for n in late)
    assert {str(m["Subject"]) for m in new} == {"Quá hạn nộp báo cáo CCHC 9 tháng/2024 (1 ngày)"}
