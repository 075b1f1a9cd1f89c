"""Plan rules: creating and editing plans, tasks and report periods, and who may report on a task.

Every function commits or rolls back as a whole and raises ``PlanError`` (Vietnamese message)
for data it refuses. Every change is written to the audit log in its transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm.exc import StaleDataError

from app import clock, vntext
from app.errors import ConcurrentEditError, Invalid
from app.extensions import db
from app.models import (
    PERIOD_KINDS,
    REPORTER,
    TASK_STATES,
    Plan,
    ReformField,
    ReportPeriod,
    Task,
    Unit,
    User,
    task_units,
)
from app.services import audit
from app.services.library.documents import find_by_number


class PlanError(Invalid):
    """A refused plan operation; the message is Vietnamese and shown to the user."""


def today() -> date:
    """Today's date in Vietnam (deadlines are Vietnamese calendar days)."""
    return clock.to_vietnam(clock.utcnow()).date()


# Who may do what

def can_post_progress(user: User, task: Task) -> bool:
    """True for a reporter (or admin) whose unit is the task's lead or a cooperating unit."""
    return (user.is_authenticated and user.has_role(REPORTER) and user.unit_id is not None
            and user.unit_id in task.unit_ids)


def can_submit_report(user: User, unit_id: int) -> bool:
    """True for a reporter (or admin) of the report's unit."""
    return user.is_authenticated and user.has_role(REPORTER) and user.unit_id is not None and user.unit_id == unit_id


# Plans

@dataclass
class PlanData:
    year: int | None = None
    number: str = ""
    title: str = ""


def _validate_plan(data: PlanData, plan: Plan | None = None) -> PlanData:
    number = " ".join(vntext.as_written(data.number).split())
    title = " ".join(vntext.as_written(data.title).split())
    if not data.year or not 2000 <= data.year <= 2100:
        raise PlanError("Năm kế hoạch phải từ 2000 đến 2100.")
    if not number or not vntext.number_key(number):
        raise PlanError("Nhập số ký hiệu kế hoạch, ví dụ 2337/KH-TTCP.")
    if len(number) > 100 or len(title) > 500:
        raise PlanError("Số ký hiệu tối đa 100 ký tự, tên kế hoạch tối đa 500 ký tự.")
    if not title:
        raise PlanError("Tên kế hoạch không được để trống.")
    duplicate = db.session.scalar(db.select(Plan).where(Plan.number_key == vntext.number_key(number)))
    if duplicate is not None and (plan is None or duplicate.id != plan.id):
        raise PlanError(f"Kế hoạch số {number} đã có.")
    return PlanData(year=data.year, number=number, title=title)


def _link_document(plan: Plan) -> None:
    document = find_by_number(plan.number)
    plan.document_id = document.id if document is not None else None


def create_plan(data: PlanData, user: User | None) -> Plan:
    """Create a plan with the four report periods (default deadlines); return it. Refuses invalid
    data or a number already used (PlanError). Links the library document with the same number."""
    data = _validate_plan(data)
    now = clock.utcnow()
    plan = Plan(year=data.year, number=data.number, number_key=vntext.number_key(data.number), title=data.title,
                created_by_id=user.id if user else None, created_at=now, updated_at=now)
    _link_document(plan)
    for kind, (_label, (month, day)) in PERIOD_KINDS.items():
        plan.periods.append(ReportPeriod(kind=kind, deadline=date(data.year, month, day)))
    db.session.add(plan)
    db.session.flush()
    audit.record("plan.create", plan, actor=user, after={**_plan_state(plan), **_deadlines(plan)})
    db.session.commit()
    return plan


def _plan_state(plan: Plan) -> dict:
    return {"year": plan.year, "number": plan.number, "title": plan.title}


def _deadlines(plan: Plan) -> dict:
    """Each period's deadline, keyed by its Vietnamese name (``Hạn Quý I``)."""
    return {f"Hạn {PERIOD_KINDS[p.kind][0]}": p.deadline for p in sorted(plan.periods, key=lambda p: p.deadline)}


def update_plan(plan: Plan, data: PlanData, expected_version: int) -> Plan:
    """Save a plan's year, number and title; refuses a concurrent edit (ConcurrentEditError)."""
    if plan.version != expected_version:
        raise ConcurrentEditError(CONFLICT)
    data = _validate_plan(data, plan)
    before = _plan_state(plan)
    plan.year, plan.number, plan.title = data.year, data.number, data.title
    audit.record("plan.update", plan, before=before, after=_plan_state(plan), only_if_changed=True)
    plan.number_key = vntext.number_key(data.number)
    plan.updated_at = clock.utcnow()
    _link_document(plan)
    _commit_or_conflict()
    return plan


CONFLICT = ("Nội dung đã được người khác sửa sau khi bạn mở trang. Nội dung bạn nhập vẫn còn bên dưới; "
            "hãy tải lại trang để xem bản mới rồi lưu lại.")


def _commit_or_conflict() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ConcurrentEditError(CONFLICT) from None


def set_period_deadlines(plan: Plan, deadlines: dict[str, date | None]) -> None:
    """Set the deadline of each period kind (``q1``, ``h1``, ``q3``, ``year``); a kind without a
    date keeps its deadline. Refuses a deadline outside the plan's year or the next one."""
    by_kind = {p.kind: p for p in plan.periods}
    before = _deadlines(plan)
    for kind, deadline in deadlines.items():
        if kind not in PERIOD_KINDS or deadline is None:
            continue
        if not plan.year <= deadline.year <= plan.year + 1:
            raise PlanError(f"Hạn nộp báo cáo {PERIOD_KINDS[kind][0]} phải trong năm {plan.year} "
                            f"hoặc năm {plan.year + 1}.")
        if kind in by_kind:
            by_kind[kind].deadline = deadline
        else:
            plan.periods.append(ReportPeriod(kind=kind, deadline=deadline))
    audit.record("period.update", plan, before=before, after=_deadlines(plan), only_if_changed=True)
    db.session.commit()
    db.session.refresh(plan)


def current_period(plan: Plan, on: date | None = None) -> ReportPeriod | None:
    """The period being reported on: the first whose deadline is today or later; the last one
    once every deadline has passed; None for a plan without periods."""
    on = on or today()
    periods = sorted(plan.periods, key=lambda p: p.deadline)
    return next((p for p in periods if p.deadline >= on), periods[-1] if periods else None)


def period_for(plan: Plan, on: date) -> ReportPeriod | None:
    """The period a day belongs to (the first whose deadline is that day or later), or None after the last."""
    return next((p for p in sorted(plan.periods, key=lambda p: p.deadline) if p.deadline >= on), None)


# Tasks

@dataclass
class TaskData:
    code: str = ""
    title: str = ""
    field_id: int | None = None
    lead_unit_id: int | None = None
    unit_ids: list[int] = field(default_factory=list)
    deadline: date | None = None
    expected_output: str = ""


def validate_task(plan: Plan, data: TaskData, task: Task | None = None) -> TaskData:
    """Return cleaned task data, or raise PlanError naming what is wrong."""
    code = " ".join(vntext.as_written(data.code).split())
    title = " ".join(vntext.as_written(data.title).split())
    output = vntext.as_written(data.expected_output).strip()
    if not code:
        raise PlanError("Nhập mã nhiệm vụ (ví dụ 1.2).")
    if len(code) > 20:
        raise PlanError("Mã nhiệm vụ tối đa 20 ký tự.")
    if not title:
        raise PlanError("Tên nhiệm vụ không được để trống.")
    if len(title) > 1000 or len(output) > 5000:
        raise PlanError("Tên nhiệm vụ tối đa 1.000 ký tự, sản phẩm dự kiến tối đa 5.000 ký tự.")
    if data.field_id is None or db.session.get(ReformField, data.field_id) is None:
        raise PlanError("Chọn lĩnh vực CCHC.")
    if data.lead_unit_id is None or db.session.get(Unit, data.lead_unit_id) is None:
        raise PlanError("Chọn đơn vị chủ trì.")
    unit_ids = sorted(set(data.unit_ids or []) - {data.lead_unit_id})
    if unit_ids and len(db.session.scalars(db.select(Unit.id).where(Unit.id.in_(unit_ids))).all()) != len(unit_ids):
        raise PlanError("Đơn vị phối hợp không hợp lệ.")
    if data.deadline and not plan.year - 1 <= data.deadline.year <= plan.year + 5:
        raise PlanError(f"Thời hạn phải gần năm kế hoạch {plan.year}.")
    duplicate = db.session.scalar(db.select(Task.id).where(Task.plan_id == plan.id, Task.code == code))
    if duplicate is not None and (task is None or duplicate != task.id):
        raise PlanError(f"Mã nhiệm vụ {code} đã có trong kế hoạch.")
    return TaskData(code=code, title=title, field_id=data.field_id, lead_unit_id=data.lead_unit_id,
                    unit_ids=unit_ids, deadline=data.deadline, expected_output=output)


def task_state(task: Task) -> dict:
    """A task's fields as the audit log shows them (unit codes, the field's name)."""
    field_row = db.session.get(ReformField, task.field_id) if task.field_id else None
    lead = db.session.get(Unit, task.lead_unit_id) if task.lead_unit_id else None
    return {"code": task.code, "title": task.title, "field": field_row.name if field_row else None,
            "lead_unit": lead.code if lead else None, "units": [u.code for u in task.cooperating_units],
            "deadline": task.deadline, "expected_output": task.expected_output}


def _apply_task(task: Task, data: TaskData) -> None:
    task.code, task.title, task.field_id = data.code, data.title, data.field_id
    task.lead_unit_id, task.deadline, task.expected_output = data.lead_unit_id, data.deadline, data.expected_output
    task.cooperating_units = [db.session.get(Unit, unit_id) for unit_id in data.unit_ids]
    task.updated_at = clock.utcnow()


def _code_order(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 10**6 for p in code.replace("-", ".").split("."))


def add_task(plan: Plan, data: TaskData, commit: bool = True, validated: bool = False,
             position: int | None = None, audited: bool = True) -> Task:
    """Add a task to the plan (recorded in the audit log unless ``audited=False``: an import
    records itself once); return it. Refuses invalid data or a code already in the plan.
    ``commit=False`` leaves the commit to the caller (an import saves all its rows at once)."""
    data = data if validated else validate_task(plan, data)
    task = Task(created_at=clock.utcnow())
    _apply_task(task, data)
    task.position = position if position is not None else max([t.position for t in plan.tasks] + [0]) + 1
    plan.tasks.append(task)  # through the relationship, so plan.tasks stays current after the commit
    if audited:
        db.session.flush()
        audit.record("task.create", task, after=task_state(task))
    if commit:
        db.session.commit()
    return task


def update_task(task: Task, data: TaskData, expected_version: int) -> Task:
    """Save a task's details; refuses invalid data and a concurrent edit. The task's progress
    updates are re-indexed (their titles show the task: ``Task`` is a ``SearchPart`` of them)."""
    if task.version != expected_version:
        raise ConcurrentEditError(CONFLICT)
    data = validate_task(task.plan, data, task)
    before = task_state(task)
    _apply_task(task, data)
    audit.record("task.update", task, before=before, after=task_state(task), only_if_changed=True)
    _commit_or_conflict()
    return task


@dataclass
class TaskFilters:
    """Filters of a plan's task list, read from query parameters (bad values ignored)."""

    field_id: int | None = None
    unit_id: int | None = None
    state: str = ""

    @classmethod
    def from_args(cls, args) -> TaskFilters:
        """The filters in ``args``; a value that is not a number or a known state is ignored."""
        def integer(name):
            try:
                return int(args.get(name, ""))
            except ValueError:
                return None

        state = args.get("state", "")
        return cls(field_id=integer("field"), unit_id=integer("unit"), state=state if state in TASK_STATES else "")

    def as_args(self) -> dict:
        return {k: v for k, v in {"field": self.field_id, "unit": self.unit_id, "state": self.state}.items() if v}


def tasks_of(plan: Plan, filters: TaskFilters | None = None) -> list[Task]:
    """Return the plan's tasks (by field, then code), narrowed by field and unit (lead or cooperating)."""
    stmt = db.select(Task).where(Task.plan_id == plan.id)
    if filters and filters.field_id:
        stmt = stmt.where(Task.field_id == filters.field_id)
    if filters and filters.unit_id:
        stmt = stmt.where(db.or_(Task.lead_unit_id == filters.unit_id, Task.id.in_(
            db.select(task_units.c.task_id).where(task_units.c.unit_id == filters.unit_id))))
    tasks = db.session.scalars(stmt).unique().all()
    return sorted(tasks, key=lambda t: (t.field.position, _code_order(t.code), t.id))


def tasks_of_unit(unit_id: int) -> list[Task]:
    """Every task (all plans, newest plan first) whose lead or cooperating unit is ``unit_id``."""
    tasks = db.session.scalars(db.select(Task).join(Plan).where(db.or_(
        Task.lead_unit_id == unit_id,
        Task.id.in_(db.select(task_units.c.task_id).where(task_units.c.unit_id == unit_id)))))
    return sorted(tasks.unique().all(), key=lambda t: (-t.plan.year, t.plan_id, t.field.position,
                                                       _code_order(t.code), t.id))


def plans() -> list[Plan]:
    """Every plan, newest year first."""
    return list(db.session.scalars(db.select(Plan).order_by(Plan.year.desc(), Plan.id.desc())))


def units() -> list[Unit]:
    """Every unit, by code (the choices of the task form and filters)."""
    return list(db.session.scalars(db.select(Unit).order_by(Unit.code)))


def fields() -> list[ReformField]:
    """The 7 reform fields in their official order."""
    return list(db.session.scalars(db.select(ReformField).order_by(ReformField.position)))
