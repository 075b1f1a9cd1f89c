"""``flask --app wsgi reminders run --at "YYYY-MM-DD HH:MM"``: a round as of a Vietnam wall-clock
moment (to try the reminders of a deadline without waiting for it); anything else is refused in
Vietnamese with exit status 65 and runs nothing."""
from datetime import datetime

import pytest

from app.cli.notify import moment_at
from app.errors import Invalid
from app.extensions import db
from app.models import Notification, NotificationClaim
from tests.plan_world import build_world


@pytest.mark.parametrize("text", ["2024-07-16 08:00", "16/07/2024 08:00", "2024-07-16T08:00", " 2024-07-16  8:00 "])
def test_the_moment_is_vietnam_time_stored_as_utc(text):
    assert moment_at(text) == datetime(2024, 7, 16, 1, 0)


def test_the_scheduler_day_begins_at_seven_vietnam_time(app, make_user, make_unit):
    world = build_world(app, make_user, make_unit)  # task 2.1, due 30/06/2024, VPC lead and TCCB cooperating
    runner = app.test_cli_runner()
    early = runner.invoke(args=["reminders", "run", "--no-mail", "--at", "2024-06-23 06:59"])
    assert early.exit_code == 0, early.output
    assert "Chạy như lúc 23/06/2024 06:59 (giờ Việt Nam): ngày nhắc việc 22/06/2024" in early.output
    assert "Thông báo mới: 0" in early.output
    on_time = runner.invoke(args=["reminders", "run", "--no-mail", "--at", "2024-06-23 07:00"])
    assert on_time.exit_code == 0, on_time.output
    assert "ngày nhắc việc 23/06/2024" in on_time.output
    assert "Thông báo mới: 2\n  task_due_in_7: 2\n" in on_time.output
    assert "E-mail: tắt (chưa đặt PORTAL_SMTP_URL)" in on_time.output
    with app.app_context():
        assert {n.record_id for n in db.session.scalars(db.select(Notification))} == {world.task}


@pytest.mark.parametrize("text", ["2024-07-16", "16/07/2024", "2024-13-01 08:00", "2024-02-30 08:00",
                                  "2024-07-16 25:00", "2024-07-16 08:60", "hôm qua", "ngày mai 8 giờ", ""])
def test_a_bad_moment_is_refused_in_vietnamese_with_status_65_and_nothing_runs(app, make_user, make_unit, text):
    build_world(app, make_user, make_unit)
    with pytest.raises(Invalid, match="không phải là một thời điểm hợp lệ"):
        moment_at(text)
    result = app.test_cli_runner().invoke(args=["reminders", "run", "--at", text])
    assert result.exit_code == 65, result.output
    assert "Error: --at «" in result.output and "ví dụ --at \"2024-07-16 08:00\"" in result.output
    assert "Thông báo mới" not in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(NotificationClaim)) == 0
