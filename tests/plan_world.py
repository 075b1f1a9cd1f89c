"""A small plan for the plan/progress/report tests: units, one user per role and unit, a plan with tasks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass
class World:
    plan: int
    task: int          # led by VPC, TCCB cooperating, field 2
    other_task: int    # led by VP, field 2
    field3_task: int   # led by TCCB, field 3
    periods: dict      # kind → id
    units: dict        # code → id
    users: dict        # name → id


USERS = {
    "admin": (("admin", "reader"), "KHTCTH"),
    "rep_vpc": (("reporter", "reader"), "VPC"),
    "rep_tccb": (("reporter", "reader"), "TCCB"),
    "rep_vp": (("reporter", "reader"), "VP"),
    "reader_vpc": (("reader",), "VPC"),
    "editor_vpc": (("editor", "reader"), "VPC"),
}


def build_world(app, make_user, make_unit) -> World:
    units = {code: make_unit(code) for code in ("VPC", "TCCB", "VP", "KHTCTH")}
    users = {name: make_user(name, roles=roles, unit=unit) for name, (roles, unit) in USERS.items()}
    with app.app_context():
        from app.extensions import db
        from app.models import User
        from app.services.plans import plans as plan_rules

        admin = db.session.get(User, users["admin"])
        plan = plan_rules.create_plan(plan_rules.PlanData(year=2024, number="2337/KH-TTCP",
                                                          title="Kế hoạch CCHC năm 2024"), admin)
        fields = {f.position: f.id for f in plan_rules.fields()}
        task = plan_rules.add_task(plan, plan_rules.TaskData(
            code="2.1", title="Rà soát văn bản quy phạm pháp luật", field_id=fields[2], lead_unit_id=units["VPC"],
            unit_ids=[units["TCCB"]], deadline=date(2024, 6, 30), expected_output="Danh mục văn bản"))
        other = plan_rules.add_task(plan, plan_rules.TaskData(
            code="2.2", title="Hệ thống hóa văn bản", field_id=fields[2], lead_unit_id=units["VP"],
            deadline=date(2024, 12, 31)))
        third = plan_rules.add_task(plan, plan_rules.TaskData(
            code="3.1", title="Đơn giản hóa thủ tục hành chính", field_id=fields[3], lead_unit_id=units["TCCB"],
            deadline=date(2024, 9, 30)))
        return World(plan=plan.id, task=task.id, other_task=other.id, field3_task=third.id,
                     periods={p.kind: p.id for p in plan.periods}, units=units, users=users)
