"""Reminders from the Đôn đốc page: which units to remind, the text prefilled for each, sending it
(notifications, and e-mail as each reporter chose) and the record of who reminded whom, shown on
the unit's row ("đã nhắc 2 lần, lần cuối 28/11/2026"). Only admins (the reform office) send.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app import clock, vntext
from app.errors import Forbidden, Invalid
from app.extensions import db
from app.models import Plan, ReminderLog, ReportPeriod, Unit, User
from app.notify import texts
from app.services.notify import notifications as center
from app.services.plans import progress

UNIT_PLACEHOLDER = "[tên đơn vị]"  # in the text for every unit, replaced by each unit's name
MAX_SUBJECT, MAX_TEXT = 300, 10_000


@dataclass
class History:
    """How often a unit was reminded about a plan's period, and when last."""

    count: int = 0
    last_at: datetime | None = None


@dataclass
class UnitRow:
    """A unit on the Đôn đốc page's reminder table: whether its report is missing, its late tasks,
    and the reminders it already got."""

    unit: Unit
    missing_report: bool
    late_tasks: list = field(default_factory=list)
    history: History = field(default_factory=History)


def history(plan: Plan, period: ReportPeriod | None) -> dict[int, History]:
    """Reminders sent about ``plan`` and ``period`` (None: those about no period), by unit id."""
    condition = ReminderLog.period_id == period.id if period is not None else ReminderLog.period_id.is_(None)
    rows = db.session.execute(db.select(ReminderLog.unit_id, db.func.count(), db.func.max(ReminderLog.sent_at))
                              .where(ReminderLog.plan_id == plan.id, condition).group_by(ReminderLog.unit_id)).all()
    return {unit_id: History(count, last) for unit_id, count, last in rows}


def unit_rows(plan: Plan, follow: progress.FollowUp) -> list[UnitRow]:
    """The units to chase for the follow-up ``follow``: those without a report for its period and
    those answerable (lead or cooperating) for a late task, by code, each with its reminders."""
    missing = {u.id for u in follow.missing_units}
    rows: dict[int, UnitRow] = {u.id: UnitRow(u, True) for u in follow.missing_units}
    for state in follow.late_tasks:
        for unit in [state.task.lead_unit, *state.task.cooperating_units]:
            row = rows.setdefault(unit.id, UnitRow(unit, unit.id in missing))
            row.late_tasks.append(state)
    sent = history(plan, follow.period)
    for row in rows.values():
        row.history = sent.get(row.unit.id, History())
    return sorted(rows.values(), key=lambda r: r.unit.code)


def _link(period: ReportPeriod | None, unit: Unit | None) -> str:
    if period is not None and unit is not None:
        return center.absolute(f"/plans/reports/periods/{period.id}/units/{unit.id}")
    return center.absolute("/plans/mine")


def draft(plan: Plan, follow: progress.FollowUp, unit: Unit) -> texts.ReminderDraft:
    """The subject and editable text prefilled for ``unit``: its missing report (period, deadline,
    days late) and its late tasks. Raises Invalid when the unit has nothing to be reminded of."""
    row = next((r for r in unit_rows(plan, follow) if r.unit.id == unit.id), None)
    if row is None:
        raise Invalid(f"Đơn vị {unit.code} đã nộp báo cáo và không có nhiệm vụ chậm: không có gì để nhắc.")
    period = follow.period if row.missing_report else None
    tasks = [texts.TaskLine(s.task.code, s.task.title, s.task.deadline, s.overdue_days) for s in row.late_tasks]
    return texts.reminder_draft(unit_name=unit.name, today=follow.today, link=_link(period, unit),
                                period_label=period.label if period else None,
                                period_deadline=period.deadline if period else None, tasks=tasks)


def draft_for_all(follow: progress.FollowUp) -> texts.ReminderDraft:
    """The text prefilled for "nhắc tất cả đơn vị chưa nộp": the period's report, with
    :data:`UNIT_PLACEHOLDER` where each unit's name goes. Raises Invalid without a period."""
    if follow.period is None:
        raise Invalid("Kế hoạch chưa có kỳ báo cáo.")
    link = center.absolute("/plans/reports/")
    return texts.reminder_draft(unit_name=UNIT_PLACEHOLDER, today=follow.today, link=link,
                                period_label=follow.period.label, period_deadline=follow.period.deadline)


def send(plan: Plan, period: ReportPeriod | None, units: list[Unit], subject: str, text: str, actor: User,
         task_ids: dict[int, list[int]] | None = None) -> list[ReminderLog]:
    """Send the reminder ``subject``/``text`` (edited by the office; :data:`UNIT_PLACEHOLDER` becomes
    each unit's name) to the reporters of each unit in ``units``: a notification each, and an
    e-mail for those who chose it; record one ``ReminderLog`` per unit; commit; return the logs
    (``recipients`` 0 for a unit without a reporter).

    Raises Forbidden unless ``actor`` is an admin, Invalid for no unit, an empty or too long
    subject or text, or a period of another plan."""
    if not (actor.is_authenticated and actor.is_admin):
        raise Forbidden("Chỉ Tổ CCHC (quản trị) được gửi nhắc việc.")
    subject = " ".join(vntext.as_written(subject or "").split())
    text = vntext.as_written(text or "").strip()
    if not units:
        raise Invalid("Chọn ít nhất một đơn vị để nhắc.")
    if not subject or not text:
        raise Invalid("Nhập tiêu đề và nội dung nhắc việc.")
    if len(subject) > MAX_SUBJECT or len(text) > MAX_TEXT:
        raise Invalid("Tiêu đề tối đa 300 ký tự, nội dung tối đa 10.000 ký tự.")
    if period is not None and period.plan_id != plan.id:
        raise Invalid("Kỳ báo cáo không thuộc kế hoạch này.")
    now = clock.utcnow()
    logs = []
    for unit in units:
        own_subject = subject.replace(UNIT_PLACEHOLDER, unit.name)
        own_text = text.replace(UNIT_PLACEHOLDER, unit.name)
        path = (f"/plans/reports/periods/{period.id}/units/{unit.id}" if period is not None else "/plans/mine")
        made = center.deliver(center.reporters_of([unit.id]), "reminder",
                              dict(subject=own_subject, text=own_text), center.Record("plan", plan.id, path))
        log = ReminderLog(plan_id=plan.id, period_id=period.id if period else None, unit_id=unit.id,
                          sent_by_id=actor.id, sent_at=now, subject=own_subject, text=own_text,
                          task_ids=list((task_ids or {}).get(unit.id, [])), recipients=len(made))
        db.session.add(log)
        logs.append(log)
    db.session.commit()
    return logs
