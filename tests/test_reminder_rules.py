"""Which deadline reminders are due on a day, as pure functions: walking the calendar across a
deadline gives each reminder once, a scheduler that missed days sends what is still true, a moved
deadline gets its own reminders, a done task none."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.notify import rules
from app.notify.kinds import KINDS
from app.notify.rules import (
    claim_is_stale,
    event_key,
    parse_event_key,
    period_events,
    period_opens_on,
    reminder_day,
    task_events,
)

DEADLINE = date(2026, 12, 7)


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def walk(events_on, first: date, last: date) -> dict[str, list[date]]:
    """Run the rule every day from ``first`` to ``last``: event key → the days it was due."""
    seen: dict[str, list[date]] = {}
    for day in days(first, last):
        due = events_on(day)
        assert len(due) <= 1, f"two reminders of one record on {day}: {due}"
        for event in due:
            seen.setdefault(event.key, []).append(day)
    return seen


def test_a_task_gets_three_reminders_around_its_deadline():
    seen = walk(lambda day: task_events(12, DEADLINE, day), DEADLINE - timedelta(days=60),
                DEADLINE + timedelta(days=60))
    assert {key: (found[0], found[-1]) for key, found in seen.items()} == {
        "task:12:due_in_7:2026-12-07": (date(2026, 11, 30), date(2026, 12, 5)),
        "task:12:due_tomorrow:2026-12-07": (date(2026, 12, 6), date(2026, 12, 7)),
        "task:12:overdue:2026-12-07": (date(2026, 12, 8), date(2026, 12, 21)),
    }
    [event] = task_events(12, DEADLINE, date(2026, 12, 6))
    assert (event.kind, event.record, event.record_id, event.deadline) == ("task_due_tomorrow", "task", 12, DEADLINE)
    assert all(event.kind in KINDS for key in seen for event in task_events(12, DEADLINE, seen[key][0]))


def test_a_report_period_opens_is_due_in_3_days_then_overdue():
    deadline = date(2026, 4, 15)  # quý I
    assert period_opens_on(deadline) == date(2026, 3, 31)
    seen = walk(lambda day: period_events(3, deadline, day), date(2026, 1, 1), date(2026, 7, 1))
    assert {key: (found[0], found[-1]) for key, found in seen.items()} == {
        "period:3:open:2026-04-15": (date(2026, 3, 31), date(2026, 4, 11)),
        "period:3:due_in_3:2026-04-15": (date(2026, 4, 12), date(2026, 4, 15)),
        "period:3:overdue:2026-04-15": (date(2026, 4, 16), date(2026, 4, 29)),
    }
    assert rules.ONLY_UNITS_WITHOUT_REPORT == {"period_due_in_3", "period_overdue"}


def test_a_period_with_its_own_opening_day():
    deadline = date(2026, 7, 15)
    early = walk(lambda day: period_events(4, deadline, day, opens_on=date(2026, 7, 1)), date(2026, 6, 1), deadline)
    assert early["period:4:open:2026-07-15"][0] == date(2026, 7, 1)
    assert early["period:4:open:2026-07-15"][-1] == date(2026, 7, 11)
    late = walk(lambda day: period_events(4, deadline, day, opens_on=date(2026, 7, 13)), date(2026, 6, 1), deadline)
    assert set(late) == {"period:4:due_in_3:2026-07-15"}  # opened inside the last 3 days: the due reminder says it
    after = walk(lambda day: period_events(4, deadline, day, opens_on=date(2026, 8, 1)), date(2026, 6, 1), deadline)
    assert set(after) == {"period:4:due_in_3:2026-07-15"}


def test_the_clock_moved_across_a_deadline_sends_only_what_is_true_now():
    # The scheduler last ran 8 days before the deadline and next runs 2 days after it.
    assert task_events(12, DEADLINE, DEADLINE - timedelta(days=8)) == []
    [event] = task_events(12, DEADLINE, DEADLINE + timedelta(days=2))
    assert event.key == "task:12:overdue:2026-12-07"
    # A plan imported long after its deadlines: nothing automatic (the office reminds from Đôn đốc).
    assert task_events(12, DEADLINE, DEADLINE + timedelta(days=15)) == []
    assert period_events(3, DEADLINE, DEADLINE + timedelta(days=40)) == []


def test_every_run_of_a_day_claims_each_reminder_once():
    """Four schedulers a day (every 6 hours, on two nodes) for two months: with a claim per event key and
    recipient (the unique constraint phase 2 adds), each reminder goes once to each recipient."""
    claims: set[tuple[str, int]] = set()
    sent: list[tuple[str, int]] = []
    recipients = [101, 102]  # the reporters of the task's units
    now = datetime(2026, 10, 15, 0, 0)
    while now < datetime(2026, 12, 31):
        for _node in ("a", "b"):
            for event in task_events(12, DEADLINE, reminder_day(now)):
                for user in recipients:
                    if (event.key, user) not in claims:  # INSERT … ON CONFLICT DO NOTHING got a row
                        claims.add((event.key, user))
                        sent.append((event.kind, user))
        now += timedelta(hours=6)
    assert sorted(sent) == sorted((kind, user) for kind in ("task_due_in_7", "task_due_tomorrow", "task_overdue")
                                  for user in recipients)


def test_a_moved_deadline_gets_its_own_reminders_and_a_done_task_none():
    before = task_events(12, DEADLINE, date(2026, 11, 30))
    after = task_events(12, DEADLINE + timedelta(days=10), date(2026, 12, 10))
    assert before[0].key == "task:12:due_in_7:2026-12-07" and after[0].key == "task:12:due_in_7:2026-12-17"
    assert task_events(12, DEADLINE, date(2026, 12, 8), done=True) == []
    assert task_events(12, None, date(2026, 12, 8)) == []


def test_windows_of_a_record_never_overlap():
    for windows in (rules.TASK_WINDOWS, rules.PERIOD_WINDOWS):
        spans = sorted(windows.values())
        assert all(first <= last for first, last in spans)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))


def test_event_keys_are_stable_and_parse_back():
    assert event_key("task", 12, "due_in_7", DEADLINE) == "task:12:due_in_7:2026-12-07"
    assert event_key("period", 3, "overdue", date(2026, 4, 15)) == "period:3:overdue:2026-04-15"
    assert parse_event_key("period:3:open:2026-04-15") == ("period", 3, "open", date(2026, 4, 15))
    for bad in ("task:12:due_in_30:2026-12-07", "news:1:overdue:2026-12-07", "task:x:overdue:2026-12-07",
                "task:12:overdue", "task:012:overdue:2026-12-07", "task:12:overdue:07/12/2026"):
        with pytest.raises(ValueError):
            parse_event_key(bad)
    with pytest.raises(ValueError):
        event_key("task", 12, "open", DEADLINE)


def test_the_scheduler_day_starts_at_seven_in_vietnam():
    assert reminder_day(datetime(2026, 12, 6, 23, 59)) == date(2026, 12, 6)  # 06:59 on 07/12 in Hà Nội
    assert reminder_day(datetime(2026, 12, 7, 0, 0)) == date(2026, 12, 7)  # 07:00
    assert reminder_day(datetime(2026, 12, 7, 16, 59)) == date(2026, 12, 7)  # 23:59
    assert reminder_day(datetime(2026, 12, 7, 17, 30)) == date(2026, 12, 7)  # 00:30 on 08/12: still the 7th
    assert reminder_day(datetime(2026, 12, 7, 0, 0), hour=0) == date(2026, 12, 7)


def test_a_claim_left_by_a_dead_process_is_taken_over_after_the_lease():
    claimed = datetime(2026, 12, 7, 0, 0)
    assert not claim_is_stale(claimed, claimed + rules.CLAIM_LEASE)
    assert claim_is_stale(claimed, claimed + rules.CLAIM_LEASE + timedelta(seconds=1))
    assert claim_is_stale(claimed, claimed + timedelta(minutes=5), lease=timedelta(minutes=1))
