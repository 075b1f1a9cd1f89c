"""The scheduler's round: deadline reminders due today (``app.notify.rules``), the daily digests, then
the e-mail outbox. Run by the web processes' background thread about once a minute
(:func:`background_round`, registered with ``app.search.upkeep``) and by
``flask --app wsgi reminders run`` (cron, systemd timer); any number of them may run at once:
each (event, recipient) is claimed (``claims.once``), so it is sent once.
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app import clock
from app.extensions import db
from app.models import DONE, Notification, ReportPeriod, Task, UnitReport, User
from app.notify import rules, texts
from app.resilience import log_round_failure
from app.services.notify import claims, sender
from app.services.notify import notifications as center
from app.services.plans import progress

log = logging.getLogger(__name__)


@dataclass
class RoundResult:
    """What one round did: notifications created per kind, digests queued, and the sender's result."""

    created: dict[str, int] = field(default_factory=dict)
    digests: int = 0
    mail: sender.SendResult | None = None

    @property
    def total(self) -> int:
        return sum(self.created.values())

    def count(self, kind: str, n: int = 1) -> None:
        self.created[kind] = self.created.get(kind, 0) + n


def _task_context(task: Task, unit, role: str, today) -> dict:
    return dict(unit_name=unit.name, unit_role=role, task_code=task.code, task_title=task.title,
                plan_number=task.plan.number, deadline=task.deadline, today=today)


def task_reminders(now: datetime, result: RoundResult, worker: str) -> None:
    """Send the task reminders due on the scheduler's day at ``now`` to the reporters of each task's
    lead and cooperating units (tasks done are left out), each (event, user) once."""
    today = rules.reminder_day(now)
    tasks = list(db.session.scalars(db.select(Task).where(
        Task.deadline.between(today - timedelta(days=rules.OVERDUE_WINDOW_DAYS), today + timedelta(days=7)))
        .order_by(Task.id)))
    states = progress.task_states(tasks, today)
    for task in tasks:
        for event in rules.task_events(task.id, task.deadline, today, done=states[task.id].status == DONE):
            units = [task.lead_unit] + list(task.cooperating_units)
            for unit in units:
                role = "lead" if unit.id == task.lead_unit_id else "cooperating"
                for user in center.reporters_of([unit.id]):
                    context = _task_context(task, unit, role, today)
                    record = center.Record("task", task.id, f"/plans/tasks/{task.id}")
                    if claims.once(event.key, user.id, lambda u=user, c=context, r=record, k=event.kind, e=event.key:
                                   center.deliver([u], k, c, r, event_key=e), worker):
                        result.count(event.kind)


def period_reminders(now: datetime, result: RoundResult, worker: str) -> None:
    """Send the report-period reminders due on the scheduler's day: the period opens (every unit
    that reports on the plan), due in 3 days and overdue (only units without a report for it)."""
    today = rules.reminder_day(now)
    periods = list(db.session.scalars(db.select(ReportPeriod).where(ReportPeriod.deadline.between(
        today - timedelta(days=rules.OVERDUE_WINDOW_DAYS),
        today + timedelta(days=rules.PERIOD_OPENS_DAYS_BEFORE))).order_by(ReportPeriod.id)))
    for period in periods:
        events = rules.period_events(period.id, period.deadline, today)
        if not events:
            continue
        reported = set(db.session.scalars(db.select(UnitReport.unit_id).where(UnitReport.period_id == period.id)))
        for event in events:
            for unit in progress.expected_units(period.plan):
                if event.kind in rules.ONLY_UNITS_WITHOUT_REPORT and unit.id in reported:
                    continue
                context = dict(unit_name=unit.name, period_label=period.label, plan_number=period.plan.number,
                               deadline=period.deadline, today=today)
                record = center.Record("period", period.id, f"/plans/reports/periods/{period.id}/units/{unit.id}")
                for user in center.reporters_of([unit.id]):
                    if claims.once(event.key, user.id, lambda u=user, c=context, r=record, k=event.kind, e=event.key:
                                   center.deliver([u], k, c, r, event_key=e), worker):
                        result.count(event.kind)


def digests(now: datetime, result: RoundResult, worker: str) -> None:
    """Queue one summary e-mail per user who chose the daily digest and has notifications waiting
    for it, once per scheduler day (claimed as ``digest:<user>:<day>``); nothing while e-mail is off."""
    if not center.mail_enabled():
        return
    day = rules.reminder_day(now)
    user_ids = list(db.session.scalars(db.select(Notification.user_id).distinct().where(
        Notification.digest.is_(True), Notification.digested_at.is_(None))))
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        if user is None or not user.active or not user.email:
            continue

        def work(user=user):
            items = list(db.session.scalars(db.select(Notification).where(
                Notification.user_id == user.id, Notification.digest.is_(True), Notification.digested_at.is_(None))
                .order_by(Notification.id)))
            if not items:
                return
            content = texts.digest([texts.DigestItem(n.title, center.absolute(n.link or "/notifications"),
                                                     n.created_at) for n in items],
                                   day=day, link=center.absolute("/notifications"), recipient_name=user.full_name,
                                   settings_link=center.absolute(center.SETTINGS_PATH))
            center.queue_mail(user, "digest", content)
            for n in items:
                n.digested_at = now
            result.digests += 1

        claims.once(f"digest:{user.id}:{day.isoformat()}", user.id, work, worker)


def run(now: datetime | None = None, send_mail: bool = True) -> RoundResult:
    """One round: deadline reminders, digests, then (``send_mail``) one batch of the e-mail outbox.
    Returns what it did. Needs an app context; commits per claimed event."""
    now = now or clock.utcnow()
    worker = claims.worker_name()
    result = RoundResult()
    task_reminders(now, result, worker)
    period_reminders(now, result, worker)
    digests(now, result, worker)
    if send_mail:
        result.mail = sender.send_round()
    return result


_last_round = {"at": None}
_round_lock = threading.Lock()


def background_round(app) -> None:
    """The web processes' step, called by the search upkeep thread after each of its rounds (outside
    the index lock): at most once per ``NOTIFY_INTERVAL`` seconds (60), run :func:`run`. Failures are
    logged and the thread goes on (a database outage is one line)."""
    interval = app.config.get("NOTIFY_INTERVAL", 60.0)
    with _round_lock:
        moment = time.monotonic()
        if _last_round["at"] is not None and moment - _last_round["at"] < interval:
            return
        _last_round["at"] = moment
    with app.app_context():
        try:
            result = run()
            if result.total or result.digests or (result.mail and result.mail.attempted):
                log.info("notifications: %d created, %d digests, mail %s", result.total, result.digests,
                         result.mail.summary() if result.mail else "off")
        except Exception as exc:  # noqa: BLE001
            log_round_failure(log, "notifications round", exc)
        finally:
            with contextlib.suppress(Exception):
                db.session.remove()
