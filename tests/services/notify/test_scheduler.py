"""Deadline reminders as the scheduler sends them: the clock moved across a task's and a report
period's deadlines creates exactly the expected notifications, each (event, reporter) once however
often the round runs, none before 07:00, none for a finished task or a unit that has reported; and
e-mail for those who chose it, received by a real SMTP server in Vietnamese."""
from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.models import Notification as N
from app.models import NotificationClaim, UnitReport, User
from app.services.notify import claims, scheduler
from tests.services.notify.conftest import set_email


def _bells(world):
    """Each user's notifications as (username, kind, record id), oldest first."""
    names = {uid: name for name, uid in world.users.items()}
    return [(names[n.user_id], n.kind, n.record_id) for n in db.session.scalars(db.select(N).order_by(N.id))]


def _run(app):
    with app.app_context():
        return scheduler.run(send_mail=False).created


def test_the_clock_moved_across_a_task_deadline_creates_each_reminder_once(app, world, at_vietnam_time):
    task = world.task  # 2.1, led by VPC with TCCB cooperating, due 30/06/2024
    at_vietnam_time(2024, 6, 23, 6, 59)  # the scheduler's day begins at 07:00: still 22/06
    assert _run(app) == {}
    at_vietnam_time(2024, 6, 23, 7, 0)
    assert _run(app) == {"task_due_in_7": 2}
    assert _run(app) == {}  # the same day again: nothing twice
    at_vietnam_time(2024, 6, 26, 15)
    assert _run(app) == {}  # still the window of "due in 7 days": claimed already
    at_vietnam_time(2024, 6, 29, 9)
    assert _run(app) == {"task_due_tomorrow": 2}
    at_vietnam_time(2024, 7, 1, 9)  # overdue, and the 6-month period (due 15/07) opens for every unit
    assert _run(app) == {"task_overdue": 2, "period_open": 3}
    at_vietnam_time(2024, 7, 20, 9)
    with app.app_context():
        assert scheduler.run(send_mail=False).created == {"period_overdue": 3}
        assert _bells(world) == [
            ("rep_vpc", "task_due_in_7", task), ("rep_tccb", "task_due_in_7", task),
            ("rep_vpc", "task_due_tomorrow", task), ("rep_tccb", "task_due_tomorrow", task),
            ("rep_vpc", "task_overdue", task), ("rep_tccb", "task_overdue", task),
            # a period's units in the order of progress.expected_units: by unit code
            ("rep_tccb", "period_open", world.periods["h1"]), ("rep_vp", "period_open", world.periods["h1"]),
            ("rep_vpc", "period_open", world.periods["h1"]),
            ("rep_tccb", "period_overdue", world.periods["h1"]), ("rep_vp", "period_overdue", world.periods["h1"]),
            ("rep_vpc", "period_overdue", world.periods["h1"])]
        first = db.session.scalar(db.select(N).order_by(N.id))
        assert first.title == "Nhiệm vụ 2.1 còn 7 ngày đến hạn (30/06/2024)"
        assert first.link == f"/plans/tasks/{task}"


def test_a_scheduler_that_missed_days_sends_the_reminder_of_the_day_not_a_stale_one(app, world, at_vietnam_time):
    at_vietnam_time(2024, 7, 3, 9)  # nobody ran the scheduler before: due_in_7 and due_tomorrow are past
    assert _run(app) == {"task_overdue": 2, "period_open": 3}


def test_a_finished_task_and_a_unit_that_reported_are_not_reminded(app, world, at_vietnam_time, make_user):
    from app.services.plans import progress

    at_vietnam_time(2024, 6, 20, 9)
    with app.app_context():
        rep = db.session.get(User, world.users["rep_vpc"])
        task = db.session.get(progress.Task, world.task)
        progress.post_update(task, rep, progress.UpdateData(status="done", percent=100, done="Đã rà soát 52 văn bản"))
        db.session.add(UnitReport(period_id=world.periods["h1"], unit_id=world.units["VPC"],
                                  first_submitted_at=at_vietnam_time(2024, 7, 10, 9)))
        db.session.commit()
    at_vietnam_time(2024, 7, 12, 9)  # the period is due in 3 days: only units without a report
    assert _run(app) == {"period_due_in_3": 2}
    at_vietnam_time(2024, 7, 1, 9)
    assert _run(app) == {"period_open": 3}  # the task is done: no overdue reminder; opening goes to all
    with app.app_context():
        assert ("rep_vpc", "period_due_in_3", world.periods["h1"]) not in _bells(world)


def test_a_moved_deadline_gets_its_own_reminders(app, world, at_vietnam_time):
    at_vietnam_time(2024, 6, 29, 9)
    assert _run(app) == {"task_due_tomorrow": 2}
    with app.app_context():
        task = db.session.get(scheduler.Task, world.task)
        task.deadline = date(2024, 7, 10)
        db.session.commit()
    at_vietnam_time(2024, 7, 3, 9)
    assert _run(app) == {"task_due_in_7": 2, "period_open": 3}


def test_a_stale_claim_is_taken_over_once_and_a_fresh_one_is_left_alone(app, world, at_vietnam_time):
    moment = at_vietnam_time(2024, 6, 23, 9)
    key = f"task:{world.task}:due_in_7:2024-06-30"
    with app.app_context():
        # A process claimed for rep_vpc and died before finishing (a claim committed on its own).
        db.session.add(NotificationClaim(event_key=key, user_id=world.users["rep_vpc"], claimed_at=moment,
                                         claimed_by="node-2:4242"))
        db.session.commit()
    assert _run(app) == {"task_due_in_7": 1}  # rep_tccb only: rep_vpc's claim is fresh
    at_vietnam_time(2024, 6, 23, 9, 20)  # the lease (15 minutes) is over
    assert _run(app) == {"task_due_in_7": 1}
    assert _run(app) == {}
    with app.app_context():
        claim = db.session.scalar(db.select(NotificationClaim)
                                  .where(NotificationClaim.user_id == world.users["rep_vpc"]))
        assert claim.status == "sent" and claim.claimed_by == claims.worker_name()
        assert db.session.scalar(db.select(db.func.count()).select_from(N)) == 2


def test_a_failure_between_claim_and_notification_leaves_nothing_and_is_retried(app, world, at_vietnam_time,
                                                                                 monkeypatch):
    from app.services.notify import notifications as center

    at_vietnam_time(2024, 6, 23, 9)
    real = center.deliver

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("process killed")

    monkeypatch.setattr(center, "deliver", crash)
    with app.app_context(), pytest.raises(RuntimeError):
        scheduler.run(send_mail=False)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(N)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(NotificationClaim)) == 0
    monkeypatch.setattr(center, "deliver", real)
    assert _run(app) == {"task_due_in_7": 2}


def test_reporters_who_chose_email_get_one_vietnamese_message_each(app, world, at_vietnam_time, mailbox):
    set_email(app, world.users["rep_vpc"], "daumoi.vpc@example.gov.vn")
    set_email(app, world.users["rep_tccb"], "daumoi.tccb@example.gov.vn")
    with app.app_context():
        from app.services.notify import notifications as center

        center.set_preferences(db.session.get(User, world.users["rep_tccb"]), {"task_due_in_7": "portal"})
    at_vietnam_time(2024, 6, 23, 9)
    with app.app_context():
        result = scheduler.run()
        assert result.created == {"task_due_in_7": 2} and result.mail.sent == 1
        assert scheduler.run().mail.attempted == 0
    [message] = mailbox.messages()
    assert message["To"].addresses[0].addr_spec == "daumoi.vpc@example.gov.vn"
    assert "=?utf-8?" in mailbox.envelopes[0].content.decode().split("\r\n\r\n")[0]
    assert "2.1" in message["Subject"]
    assert "Rà soát văn bản quy phạm pháp luật" in message.get_body(("plain",)).get_content()
    assert f"http://127.0.0.1:5000/plans/tasks/{world.task}" in message.get_body(("html",)).get_content()
