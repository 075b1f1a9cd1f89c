"""The bell, the notification list, marking read, preferences, following a document, and the
reminders of the Đôn đốc page, as users reach them through the pages (real CSRF tokens)."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import Notification, ReminderLog
from tests.helpers import logged_in, page_token


def at_vietnam_time(monkeypatch, year, month, day, hour=9):
    moment = datetime(year, month, day, hour) - timedelta(hours=7)
    monkeypatch.setattr(clock, "utcnow", lambda: moment)


def _bell_count(html: str) -> int:
    return int(re.search(r'class="bell__count" data-count="(\d+)"', html).group(1))


def _notify(app, user_id, title, link="/plans/"):
    with app.app_context():
        db.session.add(Notification(user_id=user_id, kind="reminder", title=title, text=title, link=link))
        db.session.commit()
        return db.session.scalar(db.select(db.func.max(Notification.id)))


def test_the_bell_counts_unread_and_the_list_shows_newest_first(app, world):
    client = logged_in(app, "rep_vpc")
    assert _bell_count(client.get("/").get_data(as_text=True)) == 0
    first = _notify(app, world.users["rep_vpc"], "Nhắc việc: báo cáo quý I")
    _notify(app, world.users["rep_vpc"], "Nhắc việc: báo cáo 6 tháng")
    _notify(app, world.users["rep_tccb"], "Thông báo của đơn vị khác")
    bell = client.get("/notifications/bell", headers={"HX-Request": "true"})
    assert bell.status_code == 200 and _bell_count(bell.get_data(as_text=True)) == 2
    assert 'hx-trigger="every 60s"' in bell.get_data(as_text=True)
    page = client.get("/notifications/").get_data(as_text=True)
    assert page.index("báo cáo 6 tháng") < page.index("báo cáo quý I") and "đơn vị khác" not in page
    # Mark one read (htmx: the row and the bell come back); another user's is not found.
    token = page_token(client, "/notifications/")
    answer = client.post(f"/notifications/{first}/read", data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and 'hx-swap-oob="true"' in answer.get_data(as_text=True)
    assert _bell_count(answer.get_data(as_text=True)) == 1
    other = logged_in(app, "rep_tccb")
    assert other.post(f"/notifications/{first}/read", data={"csrf_token": page_token(other)}).status_code == 404
    assert client.post("/notifications/read-all", data={"csrf_token": token}).status_code == 302
    assert _bell_count(client.get("/notifications/").get_data(as_text=True)) == 0


def test_marking_read_needs_the_csrf_token(app, world):
    notification = _notify(app, world.users["rep_vpc"], "Nhắc việc")
    client = logged_in(app, "rep_vpc")
    assert client.post(f"/notifications/{notification}/read").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400
    assert _bell_count(client.get("/").get_data(as_text=True)) == 1


def test_the_bell_poll_does_not_keep_a_session_alive(app, world, monkeypatch):
    client = logged_in(app, "rep_vpc")
    start = clock.utcnow()
    for hours in range(1, 13):  # a tab left open polls all day
        monkeypatch.setattr(clock, "utcnow", lambda h=hours: start + timedelta(hours=h, minutes=1))
        client.get("/notifications/bell", headers={"HX-Request": "true"})
    assert client.get("/notifications/").status_code == 302  # 12 idle hours: signed out


def test_preferences_are_saved_and_say_when_email_is_off(app, world):
    client = logged_in(app, "rep_vpc")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "E-mail đang tắt" in page and 'value="email" checked' in page
    response = client.post("/notifications/settings", data={
        "csrf_token": page_token(client, "/notifications/settings"), "email": "daumoi.vpc@example.gov.vn",
        "kind-task_overdue": "digest", "kind-news_published": "portal"})
    assert response.status_code == 302
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'value="daumoi.vpc@example.gov.vn"' in page
    assert re.search(r'name="kind-task_overdue" value="digest" checked', page)
    refused = client.post("/notifications/settings", data={
        "csrf_token": page_token(client, "/notifications/settings"), "email": "không phải địa chỉ"})
    assert refused.status_code == 400 and "không phải là một địa chỉ e-mail" in refused.get_data(as_text=True)
    too_long = client.post("/notifications/settings", data={  # the column's 254: refused, not a database error
        "csrf_token": page_token(client, "/notifications/settings"), "email": "x" * 250 + "@b.vn"})
    assert too_long.status_code == 400 and "Địa chỉ e-mail tối đa 254 ký tự." in too_long.get_data(as_text=True)
    assert 'value="daumoi.vpc@example.gov.vn"' in client.get("/notifications/settings").get_data(as_text=True)
    app.config["SMTP_URL"] = "smtp://127.0.0.1:2525"
    assert "E-mail đang tắt" not in client.get("/notifications/settings").get_data(as_text=True)


def test_following_a_document_from_its_page(app, world, make_document):
    public = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa")
    restricted = make_document(number="15/BC-VPC", title="Báo cáo nội bộ", units=["VPC"])
    client = logged_in(app, "rep_tccb")
    page = client.get(f"/documents/{public}").get_data(as_text=True)
    assert "Theo dõi văn bản" in page
    token = page_token(client, f"/documents/{public}")
    answer = client.post(f"/notifications/documents/{public}", data={"csrf_token": token, "action": "follow"},
                         headers={"HX-Request": "true"})
    assert answer.status_code == 200 and "Bỏ theo dõi" in answer.get_data(as_text=True)
    assert "Bỏ theo dõi" in client.get(f"/documents/{public}").get_data(as_text=True)
    assert client.post(f"/notifications/documents/{restricted}", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/notifications/documents/{public}", data={
        "csrf_token": token, "action": "unfollow"}).status_code == 302
    assert "Theo dõi văn bản" in client.get(f"/documents/{public}").get_data(as_text=True)


def test_the_office_reminds_a_unit_from_the_follow_up_page(app, world, monkeypatch):
    at_vietnam_time(monkeypatch, 2024, 7, 20)  # the 6-month report (due 15/07) is 5 days late for every unit
    admin = logged_in(app, "admin")
    follow = f"/plans/{world.plan}/follow-up?period={world.periods['h1']}"
    page = admin.get(follow).get_data(as_text=True)
    assert "Nhắc tất cả đơn vị chưa nộp" in page and "chưa nhắc" in page
    remind = f"/plans/{world.plan}/follow-up/remind?period={world.periods['h1']}&unit={world.units['VP']}"
    form = admin.get(remind).get_data(as_text=True)
    assert "Đơn vị VP" in form and "6 tháng/2024" in form and "15/07/2024" in form
    text = html.unescape(re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', form, re.S).group(1))
    subject = html.unescape(re.search(r'id="subject" name="subject" value="([^"]*)"', form).group(1))
    response = admin.post(f"/plans/{world.plan}/follow-up/remind", data={
        "csrf_token": page_token(admin, follow), "unit": str(world.units["VP"]), "period": str(world.periods["h1"]),
        "subject": subject, "text": text + "\nĐề nghị gửi trước 25/07/2024."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#nhac-viec")
    page = admin.get(follow).get_data(as_text=True)
    row = page.split(f'id="nhac-{world.units["VP"]}"')[1].split("</tr>")[0]
    assert "đã nhắc 1 lần, lần cuối 20/07/2024" in row
    # The unit's reporter sees it in the bell and the list; nobody else does.
    reporter = logged_in(app, "rep_vp")
    assert _bell_count(reporter.get("/").get_data(as_text=True)) == 1
    assert html.escape(subject) in reporter.get("/notifications/").get_data(as_text=True)
    with app.app_context():
        note = db.session.scalar(db.select(Notification).where(Notification.user_id == world.users["rep_vp"]))
        assert "Đề nghị gửi trước 25/07/2024." in note.text
        assert note.link == f"/plans/reports/periods/{world.periods['h1']}/units/{world.units['VP']}"
    assert reporter.get(note.link).status_code == 200  # the link opens the unit's report form
    assert _bell_count(logged_in(app, "rep_vpc").get("/").get_data(as_text=True)) == 0


def test_remind_every_unit_without_a_report(app, world, monkeypatch):
    at_vietnam_time(monkeypatch, 2024, 7, 20)
    admin = logged_in(app, "admin")
    url = f"/plans/{world.plan}/follow-up/remind?period={world.periods['h1']}&unit=all"
    form = admin.get(url).get_data(as_text=True)
    assert "[tên đơn vị]" in form
    response = admin.post(f"/plans/{world.plan}/follow-up/remind", data={
        "csrf_token": page_token(admin, url), "unit": "all", "period": str(world.periods["h1"]),
        "subject": "Nhắc nộp báo cáo 6 tháng/2024", "text": "Kính gửi [tên đơn vị]: đề nghị nộp báo cáo."})
    assert response.status_code == 302
    with app.app_context():
        logs = db.session.scalars(db.select(ReminderLog).order_by(ReminderLog.unit_id)).all()
        assert sorted(log.unit.code for log in logs) == ["TCCB", "VP", "VPC"]
        assert {log.text for log in logs} == {f"Kính gửi Đơn vị {code}: đề nghị nộp báo cáo."
                                              for code in ("TCCB", "VP", "VPC")}
    page = admin.get(f"/plans/{world.plan}/follow-up?period={world.periods['h1']}").get_data(as_text=True)
    assert page.count("đã nhắc 1 lần, lần cuối 20/07/2024") >= 3


@pytest.mark.parametrize("name", ["rep_vpc", "reader_vpc", "editor_vpc"])
def test_only_the_office_sends_reminders(app, world, name):
    client = logged_in(app, name)
    url = f"/plans/{world.plan}/follow-up/remind?period={world.periods['h1']}&unit={world.units['VP']}"
    assert client.get(url).status_code == 403
    sent = client.post(f"/plans/{world.plan}/follow-up/remind", data={
        "csrf_token": page_token(client), "unit": str(world.units["VP"]), "subject": "x", "text": "y"})
    assert sent.status_code == 403
    assert client.get("/admin/mail").status_code == 403


def test_admins_see_failed_emails(app, world):
    from app.models import MailOutbox

    with app.app_context():
        db.session.add(MailOutbox(kind="reminder", to_address="sai@example.gov.vn", to_name="Sai", subject="Nhắc việc",
                                  text="x", status="failed", attempts=1, last_error="550 5.1.1 User unknown"))
        db.session.commit()
    page = logged_in(app, "admin").get("/admin/mail").get_data(as_text=True)
    assert "E-mail đang tắt" in page and "sai@example.gov.vn" in page and "550 5.1.1 User unknown" in page
