"""When deadline reminders are due: pure functions of a deadline and a day, no database, no clock.

Each reminder is an *event* with a stable key, ``<record>:<id>:<event>:<deadline>``::

    task:12:due_in_7:2026-12-07        task 12, due 07/12/2026, seven days before
    task:12:due_tomorrow:2026-12-07
    task:12:overdue:2026-12-07
    period:3:open:2026-04-15           report period 3, due 15/04/2026, opens
    period:3:due_in_3:2026-04-15
    period:3:overdue:2026-04-15

The key holds the deadline, so a task whose deadline moves gets its reminders again for the new
date, and never twice for the same one.

An event is due on every day of its *window*, not only on its first day, so a scheduler that did
not run on that day (a restart, a node down over a weekend) still sends it the next time:

==================  ======================  ==========================  ========================
event               first day               last day                    who (phase 2 resolves)
==================  ======================  ==========================  ========================
task due_in_7       deadline − 7            deadline − 2                reporters of the lead
task due_tomorrow   deadline − 1            deadline (says "hôm nay")   and cooperating units,
task overdue        deadline + 1            deadline + 14               while the task is not done
period open         opens (deadline − 15)   deadline − 4                reporters of every unit
                                                                        that reports on the plan
period due_in_3     deadline − 3            deadline                    … of units that have not
period overdue      deadline + 1            deadline + 14               reported for the period
==================  ======================  ==========================  ========================

Windows of one record never overlap, so on any day at most one event of a record is due, and a
late scheduler sends the event of the day, not a stale one ("due in 7 days" is never sent after
the deadline). A record created after a window (a plan imported in March with January deadlines)
gets only what is still due; reminders past the overdue window are the reform office's to send,
from the Đôn đốc page. A period *opens* 15 days before its deadline (quý I, due 15/04, opens 31/03:
the quarter's end), the table has no opening date of its own.

The scheduler's day is :func:`reminder_day`: the Vietnamese calendar day, starting at 07:00, so
nobody gets a reminder at midnight.

How a reminder is sent at most once per event and recipient
-----------------------------------------------------------

Phase 2 keeps a claims table, ``notification_claims(event_key, user_id, status, claimed_at,
claimed_by, sent_at)`` with a UNIQUE constraint on ``(event_key, user_id)``. For each due event
and each recipient, a scheduler (any web process or node, or ``flask --app wsgi reminders run``)
runs, in one transaction::

    INSERT INTO notification_claims (event_key, user_id, status, claimed_at, claimed_by)
    VALUES (:key, :user, 'claimed', :now, :worker)
    ON CONFLICT (event_key, user_id) DO NOTHING

Both PostgreSQL and SQLite (3.24 or later; SQLAlchemy's ``postgresql.insert()`` and
``sqlite.insert()`` with ``.on_conflict_do_nothing()``) take this statement, with ``RETURNING id``
(SQLite 3.35 or later): an id, this process has the claim; no row, another process has it, skip.
(Not the rowcount: through the ORM session psycopg reports -1 for it.)
On PostgreSQL a second process inserting the same key waits for the first
one's transaction and then gets no row; on SQLite writers are serialized by the database lock.
The process that got the row writes, in the **same transaction**, the notification (the bell) and,
when the user asked for e-mail, the outbox row, sets the claim's status to ``'sent'`` with
``sent_at``, and commits. A crash before the commit leaves nothing, so the next run claims the
event again: retried, never doubled.

A claim whose work happens outside that transaction (a future channel that calls out) stays
``'claimed'`` until that work is done. A ``'claimed'`` row older than :data:`CLAIM_LEASE`
(:func:`claim_is_stale`) belongs to a process that died: another takes it over with a compare-and-set
that only one process can win on either database::

    UPDATE notification_claims SET claimed_at = :now, claimed_by = :worker
    WHERE id = :id AND status = 'claimed' AND claimed_at < :now - :lease      -- rowcount 1: ours

The e-mail itself is delivered later by the outbox sender, which takes a row the same way
(``UPDATE mail_outbox SET status='sending', lease_until=… WHERE id=… AND status='pending' AND
next_attempt_at <= :now``) and, after :func:`app.mail.send`, marks it ``'sent'`` or schedules the next
try (:func:`app.mail.next_attempt`). The one window left is a crash after the SMTP server answered
250 and before that commit: the message then goes again after the lease, with the same
``Message-ID``, which mail clients use to show it once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.clock import to_vietnam

TASK, PERIOD = "task", "period"
PERIOD_OPENS_DAYS_BEFORE = 15
OVERDUE_WINDOW_DAYS = 14
REMINDER_HOUR = 7  # the scheduler's day starts at 07:00 Vietnam time
CLAIM_LEASE = timedelta(minutes=15)

# event → (first day, last day) as offsets from the deadline
TASK_WINDOWS = {
    "due_in_7": (-7, -2),
    "due_tomorrow": (-1, 0),
    "overdue": (1, OVERDUE_WINDOW_DAYS),
}
PERIOD_WINDOWS = {
    "open": (-PERIOD_OPENS_DAYS_BEFORE, -4),
    "due_in_3": (-3, 0),
    "overdue": (1, OVERDUE_WINDOW_DAYS),
}
# Period events that go only to units without a report for the period (``period_open`` goes to all).
ONLY_UNITS_WITHOUT_REPORT = frozenset({"period_due_in_3", "period_overdue"})


@dataclass(frozen=True)
class DeadlineEvent:
    """A reminder due today: ``key`` to claim, ``kind`` of :data:`app.notify.kinds.KINDS`, the record
    (``record`` is ``"task"`` or ``"period"``, ``record_id``), its ``deadline`` and the window."""

    key: str
    kind: str
    record: str
    record_id: int
    event: str
    deadline: date
    first_day: date
    last_day: date


def event_key(record: str, record_id: int, event: str, deadline: date) -> str:
    """``task:12:due_in_7:2026-12-07``: the claim key of one reminder (the deadline included, so a
    moved deadline gets its own reminders). Refuses an unknown record or event."""
    windows = _windows(record)
    if event not in windows:
        raise ValueError(f"unknown {record} event {event!r}")
    return f"{record}:{int(record_id)}:{event}:{deadline.isoformat()}"


def parse_event_key(key: str) -> tuple[str, int, str, date]:
    """The record, id, event and deadline of a key from :func:`event_key`; ValueError otherwise."""
    try:
        record, record_id, event, deadline = key.split(":")
        parsed = (record, int(record_id), event, date.fromisoformat(deadline))
    except ValueError:
        raise ValueError(f"not an event key: {key!r}") from None
    if event_key(*parsed) != key:
        raise ValueError(f"not an event key: {key!r}")
    return parsed


def task_events(task_id: int, deadline: date | None, today: date, *, done: bool = False) -> list[DeadlineEvent]:
    """The reminders of a task due on ``today`` (a Vietnamese calendar day, :func:`reminder_day`):
    empty, or one of ``task_due_in_7``, ``task_due_tomorrow``, ``task_overdue``. None for a task
    without a deadline or done (its latest update says Hoàn thành)."""
    if deadline is None or done:
        return []
    return _due(TASK, task_id, deadline, today, TASK_WINDOWS)


def period_opens_on(deadline: date) -> date:
    """The day a report period opens: :data:`PERIOD_OPENS_DAYS_BEFORE` days before its deadline."""
    return deadline - timedelta(days=PERIOD_OPENS_DAYS_BEFORE)


def period_events(period_id: int, deadline: date, today: date, *, opens_on: date | None = None) -> list[DeadlineEvent]:
    """The reminders of a report period due on ``today``: empty, or one of ``period_open``,
    ``period_due_in_3``, ``period_overdue`` (the last two only for units that have not reported,
    :data:`ONLY_UNITS_WITHOUT_REPORT`). ``opens_on`` overrides :func:`period_opens_on`; a period
    opening later than 4 days before its deadline has its open event on that day only."""
    windows = dict(PERIOD_WINDOWS)
    if opens_on is not None:
        start = (opens_on - deadline).days
        if start > 0:
            del windows["open"]
        else:
            windows["open"] = (start, max(start, PERIOD_WINDOWS["open"][1]))
    events = _due(PERIOD, period_id, deadline, today, windows)
    # An open event that shares its day with due_in_3 (a period opened late) says less: keep the other.
    return events[-1:] if len(events) > 1 else events


def reminder_day(now: datetime, hour: int = REMINDER_HOUR) -> date:
    """The scheduler's day at ``now`` (naive UTC, the storage convention): the Vietnamese date, a day
    starting at ``hour`` o'clock, so before 07:00 it is still yesterday and the day's reminders
    wait for office hours."""
    return to_vietnam(now - timedelta(hours=hour)).date()


def claim_is_stale(claimed_at: datetime, now: datetime, lease: timedelta = CLAIM_LEASE) -> bool:
    """True when a claim still ``'claimed'`` was taken more than ``lease`` before ``now``: its process
    died before finishing, and another process may take it over (module docstring)."""
    return now - claimed_at > lease


def _windows(record: str) -> dict[str, tuple[int, int]]:
    if record == TASK:
        return TASK_WINDOWS
    if record == PERIOD:
        return PERIOD_WINDOWS
    raise ValueError(f"reminders are about a task or a period, not {record!r}")


def _due(record: str, record_id: int, deadline: date, today: date,
         windows: dict[str, tuple[int, int]]) -> list[DeadlineEvent]:
    events = []
    for event, (first, last) in windows.items():
        first_day, last_day = deadline + timedelta(days=first), deadline + timedelta(days=last)
        if first_day <= today <= last_day:
            events.append(DeadlineEvent(
                key=event_key(record, record_id, event, deadline), kind=f"{record}_{event}", record=record,
                record_id=record_id, event=event, deadline=deadline, first_day=first_day, last_day=last_day))
    return events
