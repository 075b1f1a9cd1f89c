"""The e-mail outbox against a real SMTP server (aiosmtpd): a 4xx is retried later with backoff and
the message arrives once; a 5xx marks it failed and admins see why; a server that is down stops
the round, uses up no tries, and everything arrives once it is back; nothing is sent while e-mail is
off; two senders never deliver the same message."""
from __future__ import annotations

from datetime import timedelta

from app import mail
from app.extensions import db
from app.models import MailOutbox, User
from app.services.notify import notifications as center
from app.services.notify import sender
from tests.services.notify.conftest import SENDER
from tests.smtp_server import Mailbox, free_port, smtp_server


def _queue(app, world, *usernames, subject="Nhắc việc: báo cáo quý I/2024 của Vụ Pháp chế"):
    with app.app_context():
        ids = []
        for name in usernames:
            user = db.session.get(User, world.users[name])
            user.email = f"{name.replace('_', '.')}@example.gov.vn"
            content = mail.MailContent(subject=subject, text="Đề nghị đơn vị nộp báo cáo trước ngày 15/04/2024.\n",
                                       html="<p>Đề nghị đơn vị nộp báo cáo trước ngày 15/04/2024.</p>")
            ids.append(center.queue_mail(user, "reminder", content))
        db.session.commit()
        return [row.id for row in ids]


def _rows(app):
    with app.app_context():
        return {row.id: (row.status, row.attempts) for row in db.session.scalars(db.select(MailOutbox))}


def test_a_4xx_is_retried_after_a_minute_then_delivered_once(app, world, at_vietnam_time):
    box = Mailbox(refuse={"RCPT": "451 4.3.0 Mailbox temporarily unavailable"}, refusals=1)
    now = at_vietnam_time(2024, 4, 10, 9)
    [row_id] = _queue(app, world, "rep_vpc")
    with smtp_server(box) as port:
        app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", MAIL_FROM=SENDER)
        with app.app_context():
            first = sender.send_round(now)
            assert (first.sent, first.retried, first.failed) == (0, 1, 0)
            row = db.session.get(MailOutbox, row_id)
            assert row.next_attempt_at == now + timedelta(minutes=1) and "451" in row.last_error
            assert sender.send_round(now + timedelta(seconds=59)).attempted == 0  # not due yet
            assert sender.send_round(now + timedelta(minutes=1)).sent == 1
            assert sender.send_round(now + timedelta(hours=1)).attempted == 0
    assert _rows(app) == {row_id: ("sent", 2)}
    [message] = box.messages()
    assert message["Subject"] == "Nhắc việc: báo cáo quý I/2024 của Vụ Pháp chế"
    assert message["From"].addresses[0].display_name == "Cổng thông tin CCHC"
    assert "15/04/2024" in message.get_body(("plain",)).get_content()


def test_a_5xx_fails_that_message_only_and_admins_see_it(app, world, at_vietnam_time):
    box = Mailbox(refuse={"RCPT": "550 5.1.1 User unknown"}, refusals=1)
    now = at_vietnam_time(2024, 4, 10, 9)
    unknown, known = _queue(app, world, "rep_vpc", "rep_tccb")
    with smtp_server(box) as port:
        app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", MAIL_FROM=SENDER)
        with app.app_context():
            result = sender.send_round(now)
            assert (result.sent, result.failed) == (1, 1)
            state = sender.status()
            assert [row.id for row in state.failed] == [unknown] and "550" in state.failed[0].last_error
    assert _rows(app) == {unknown: ("failed", 1), known: ("sent", 1)}
    assert [m["To"].addresses[0].addr_spec for m in box.messages()] == ["rep.tccb@example.gov.vn"]


def test_a_server_that_is_down_stops_the_round_and_loses_nothing(app, world, at_vietnam_time):
    now = at_vietnam_time(2024, 4, 10, 9)
    ids = _queue(app, world, "rep_vpc", "rep_tccb", "rep_vp")
    port = free_port()  # nothing listens there
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}?timeout=2", MAIL_FROM=SENDER)
    with app.app_context():
        for minutes in (0, 1, 3, 7, 15):
            result = sender.send_round(now + timedelta(minutes=minutes))
            assert (result.sent, result.retried, result.failed) == (0, 1, 0) and result.stopped
    assert _rows(app) == {ids[0]: ("pending", 5), ids[1]: ("pending", 0), ids[2]: ("pending", 0)}
    box = Mailbox()
    with smtp_server(box, port=port) as same_port:
        assert same_port == port
        with app.app_context():
            assert sender.send_round(now + timedelta(hours=2)).sent == 3
            assert sender.send_round(now + timedelta(hours=3)).attempted == 0
    assert sorted(m["To"].addresses[0].addr_spec for m in box.messages()) == [
        "rep.tccb@example.gov.vn", "rep.vp@example.gov.vn", "rep.vpc@example.gov.vn"]


def test_a_message_that_keeps_failing_is_marked_failed_after_the_last_try(app, world, at_vietnam_time):
    box = Mailbox(refuse={"RCPT": "452 4.2.2 Mailbox full"})
    now = at_vietnam_time(2024, 4, 10, 9)
    [row_id] = _queue(app, world, "rep_vpc")
    with smtp_server(box) as port:
        app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", MAIL_FROM=SENDER)
        with app.app_context():
            moment = now
            for _ in range(mail.MAX_ATTEMPTS):
                assert sender.send_round(moment).attempted == 1
                moment = db.session.get(MailOutbox, row_id).next_attempt_at or moment
            assert sender.send_round(moment + timedelta(days=1)).attempted == 0
    assert _rows(app) == {row_id: ("failed", mail.MAX_ATTEMPTS)}
    assert box.envelopes == []


def test_a_row_taken_by_another_sender_is_not_sent_twice(app, world, at_vietnam_time, mailbox):
    now = at_vietnam_time(2024, 4, 10, 9)
    [row_id] = _queue(app, world, "rep_vpc")
    with app.app_context():
        assert sender.take(row_id, now, timedelta(minutes=10))  # another process holds it
        assert sender.send_round(now).attempted == 0
        assert sender.send_round(now + timedelta(minutes=11)).sent == 1  # its lease ran out: it died
    assert len(mailbox.envelopes) == 1


def test_nothing_is_queued_or_sent_while_email_is_off(app, world, at_vietnam_time):
    from app.services.notify import scheduler

    at_vietnam_time(2024, 6, 23, 9)
    app.config["SMTP_URL"] = ""
    with app.app_context():
        db.session.get(User, world.users["rep_vpc"]).email = "daumoi.vpc@example.gov.vn"
        db.session.commit()
        result = scheduler.run()
        assert result.created == {"task_due_in_7": 2} and result.mail.attempted == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(MailOutbox)) == 0
