"""Progress rules: posting updates on tasks, each task's state, the overview by field and by unit,
and the follow-up lists (*đôn đốc*) of the reform office."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app import clock, vntext
from app.errors import Forbidden, Invalid
from app.extensions import db
from app.models import (
    DELAYED,
    DONE,
    NOT_STARTED,
    TASK_STATES,
    TASK_STATUSES,
    Plan,
    ProgressAttachment,
    ProgressUpdate,
    ReportPeriod,
    Task,
    Unit,
    UnitReport,
    User,
)
from app.services.library.documents import _saving  # roll back and remove the files written for a failed save
from app.services.notify import events as notify_events
from app.services.plans import plans as plan_rules
from app.services.plans.figures import lacks_figures
from app.services.uploads import StoredUpload

MAX_TEXT = 10_000


class ProgressError(Invalid):
    """A refused update; the message is Vietnamese and shown to the user."""


@dataclass
class UpdateData:
    status: str = ""
    percent: int | None = None
    done: str = ""
    figures: str = ""


def validate_update(data: UpdateData) -> UpdateData:
    """Return cleaned data or raise ProgressError: a known status, a percent from 0 to 100 (100 for
    a finished task), and what was done."""
    done = vntext.as_written(data.done).strip()
    figures = vntext.as_written(data.figures).strip()
    if data.status not in TASK_STATUSES:
        raise ProgressError("Chọn tình trạng thực hiện.")
    if data.percent is None or not 0 <= data.percent <= 100:
        raise ProgressError("Tỷ lệ hoàn thành phải là số từ 0 đến 100.")
    if data.status == DONE and data.percent != 100:
        raise ProgressError("Nhiệm vụ đã hoàn thành thì tỷ lệ hoàn thành phải là 100%.")
    if not done:
        raise ProgressError("Nhập nội dung công việc đã thực hiện.")
    if len(done) > MAX_TEXT or len(figures) > MAX_TEXT:
        raise ProgressError("Mỗi ô nội dung tối đa 10.000 ký tự.")
    return UpdateData(status=data.status, percent=data.percent, done=done, figures=figures)


def update_lacks_figures(status: str, done: str, figures: str) -> bool:
    """An update lacks figures when it reports work (any status but *chưa triển khai*) and neither
    what was done nor its evidence holds a figure (``app.services.plans.figures.figures_in``)."""
    return status != NOT_STARTED and lacks_figures(f"{done}\n{figures}")


def post_update(task: Task, user: User, data: UpdateData, uploads: list[StoredUpload] = (),
                posted_at=None) -> ProgressUpdate:
    """Record a progress update on ``task`` by ``user``'s unit, with its attachments; return it.

    Raises Forbidden unless the user is a reporter of the task's lead or a cooperating unit,
    ProgressError for invalid data; nothing is saved then and the uploaded files are removed.
    ``posted_at`` is for the demo loader only; routes use the clock.
    """
    uploads = list(uploads)
    with _saving(uploads):
        if not plan_rules.can_post_progress(user, task):
            raise Forbidden("Chỉ đầu mối CCHC của đơn vị chủ trì hoặc phối hợp được cập nhật tiến độ nhiệm vụ này.")
        data = validate_update(data)
        now = posted_at or clock.utcnow()
        period = plan_rules.period_for(task.plan, clock.to_vietnam(now).date())
        update = ProgressUpdate(
            unit_id=user.unit_id, period_id=period.id if period else None, status=data.status,
            percent=data.percent, done=data.done, figures=data.figures, created_by_id=user.id,
            created_at=now, lacks_figures=update_lacks_figures(data.status, data.done, data.figures),
        )
        for upload in uploads:
            update.attachments.append(ProgressAttachment(
                original_name=upload.original_name, stored_name=upload.commit_file(),
                content_type=upload.content_type, size=upload.size, sha256=upload.sha256, kind=upload.kind,
                text=upload.text))
        task.updates.insert(0, update)  # newest first, as the relationship orders them; current after commit
        db.session.flush()
        notify_events.progress_submitted(update, user)  # the reform office, in this transaction
        db.session.commit()
    return update


# States and overview

@dataclass
class TaskState:
    """Where a task stands: its latest update's status and percent, and whether it is overdue."""

    task: Task
    latest: ProgressUpdate | None
    today: date

    @property
    def status(self) -> str:
        return self.latest.status if self.latest else NOT_STARTED

    @property
    def status_label(self) -> str:
        return TASK_STATUSES[self.status]

    @property
    def percent(self) -> int:
        return self.latest.percent if self.latest else 0

    @property
    def overdue_days(self) -> int:
        """Days past the deadline for an unfinished task (0 when not overdue)."""
        if self.status == DONE or self.task.deadline is None or self.task.deadline >= self.today:
            return 0
        return (self.today - self.task.deadline).days

    @property
    def state(self) -> str:
        if self.status == DONE:
            return "done"
        if self.status == DELAYED or self.overdue_days:
            return "late"
        return "in_progress" if self.status != NOT_STARTED else "not_started"


def task_states(tasks: list[Task], on: date | None = None) -> dict[int, TaskState]:
    """Return each task's state (latest update by id) in two queries whatever the number of tasks."""
    on = on or plan_rules.today()
    ids = [t.id for t in tasks]
    latest = {}
    if ids:
        newest = db.select(db.func.max(ProgressUpdate.id)).where(ProgressUpdate.task_id.in_(ids)) \
            .group_by(ProgressUpdate.task_id)
        rows = db.session.scalars(db.select(ProgressUpdate).where(ProgressUpdate.id.in_(newest)))
        latest = {u.task_id: u for u in rows}
    return {t.id: TaskState(t, latest.get(t.id), on) for t in tasks}


@dataclass
class SummaryRow:
    """Counts for one reform field or one unit."""

    key: int
    label: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TASK_STATES, 0))
    percent_sum: int = 0

    @property
    def percent(self) -> float:
        """% complete: the mean of the tasks' current percent (a task without update counts 0)."""
        return self.percent_sum / self.total if self.total else 0.0


def _summarize(states: dict[int, TaskState], key_label) -> list[SummaryRow]:
    rows: dict[int, SummaryRow] = {}
    for state in states.values():
        key, label = key_label(state.task)
        row = rows.setdefault(key, SummaryRow(key, label))
        row.total += 1
        row.counts[state.state] += 1
        row.percent_sum += state.percent
    return list(rows.values())


def by_field(plan: Plan, states: dict[int, TaskState] | None = None) -> list[SummaryRow]:
    """Progress by reform field, in the official order of the 7 fields (fields without tasks left out)."""
    states = states if states is not None else task_states(plan_rules.tasks_of(plan))
    rows = _summarize(states, lambda t: (t.field.position, t.field.name))
    return sorted(rows, key=lambda r: r.key)


def field_row(plan: Plan, field_id: int) -> SummaryRow | None:
    """Progress of one field of the plan (the block on a task page), or None when it has no task."""
    filters = plan_rules.TaskFilters(field_id=field_id)
    rows = by_field(plan, task_states(plan_rules.tasks_of(plan, filters)))
    return rows[0] if rows else None


def by_unit(plan: Plan, states: dict[int, TaskState] | None = None) -> list[SummaryRow]:
    """Progress by lead unit (each task counted once, under the unit answerable for it)."""
    states = states if states is not None else task_states(plan_rules.tasks_of(plan))
    rows = _summarize(states, lambda t: (t.lead_unit_id, f"{t.lead_unit.code} – {t.lead_unit.name}"))
    return sorted(rows, key=lambda r: r.label)


def total_row(rows: list[SummaryRow]) -> SummaryRow:
    """The sum of summary rows (the table's last line)."""
    total = SummaryRow(0, "Tổng cộng")
    for row in rows:
        total.total += row.total
        total.percent_sum += row.percent_sum
        for key, value in row.counts.items():
            total.counts[key] += value
    return total


# Follow-up (đôn đốc)

@dataclass
class FollowUp:
    period: ReportPeriod | None
    today: date
    late_tasks: list[TaskState]
    missing_units: list[Unit]
    late_reports: list[UnitReport]
    reports_without_figures: list[UnitReport]
    reports_with_gaps: list[UnitReport]
    updates_without_figures: list[ProgressUpdate]

    @property
    def period_overdue_days(self) -> int:
        if self.period is None or self.period.deadline >= self.today:
            return 0
        return (self.today - self.period.deadline).days


def expected_units(plan: Plan) -> list[Unit]:
    """Units that report on the plan: the lead and cooperating units of its tasks."""
    ids = set()
    for task in plan.tasks:
        ids |= task.unit_ids
    return sorted((db.session.get(Unit, i) for i in ids), key=lambda u: u.code)


def follow_up(plan: Plan, period: ReportPeriod | None = None) -> FollowUp:
    """What the reform office chases for ``period`` (the current one by default): unfinished tasks
    past their deadline or reported late, units without a report, reports sent late, reports whose
    results hold no figure (and those with results items lacking one), and tasks whose latest
    update holds no figure."""
    on = plan_rules.today()
    period = period or plan_rules.current_period(plan, on)
    tasks = plan_rules.tasks_of(plan)
    states = task_states(tasks, on)
    late = sorted((s for s in states.values() if s.state == "late"),
                  key=lambda s: (-s.overdue_days, s.task.field.position, s.task.code))
    reports = list(db.session.scalars(db.select(UnitReport).join(ReportPeriod)
                                      .where(ReportPeriod.plan_id == plan.id)))
    reported = {r.unit_id for r in reports if period is not None and r.period_id == period.id}
    missing = [u for u in expected_units(plan) if u.id not in reported] if period is not None else []
    order = lambda r: (r.period.deadline, r.unit.code)  # noqa: E731
    return FollowUp(
        period=period, today=on, late_tasks=late, missing_units=missing,
        late_reports=sorted((r for r in reports if r.late_days > 0), key=order),
        reports_without_figures=sorted((r for r in reports if r.latest.lacks_figures), key=order),
        reports_with_gaps=sorted((r for r in reports if not r.latest.lacks_figures and r.latest.items_without_figures),
                                 key=order),
        updates_without_figures=[s.latest for s in states.values() if s.latest is not None and s.latest.lacks_figures],
    )
