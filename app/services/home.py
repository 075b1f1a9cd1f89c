"""The home page per role: what each user has to act on, from the rules of the areas themselves
(``plans``, ``progress``, ``reports``, ``news``, ``documents``) — nothing is re-decided here.

- a unit's focal point (*đầu mối*, role ``reporter``): the unit's tasks overdue or due soon, and
  the report of the current period of every plan the unit reports on, with its state (and any
  earlier period's report still missing);
- communications staff (``editor``, ``publisher``): their drafts and sent-back articles, and what
  awaits review (a publisher: every submitted article, awaiting their review);
- the reform office (``admin``): the follow-up (*đôn đốc*) of the newest plan in figures;
- everyone: the newest documents they may read and the latest news.

Blocks follow the roles a user holds by name (an admin is not shown a reporter's block unless
they are one), so each role's page stays short.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app import validity
from app.extensions import db
from app.models import ADMIN, EDITOR, PUBLISHER, REPORTER, Plan, ReportPeriod, UnitReport, User
from app.services.library import documents as library
from app.services.news import articles as news
from app.services.plans import plans as plan_rules
from app.services.plans import progress
from app.services.plans import reports as report_rules

DUE_SOON_DAYS = 14   # a task whose deadline is this close is "due soon"
SHOWN = 8            # rows per block; the block links to the full page


@dataclass
class PeriodReport:
    """A plan's current period for one unit: its report (None when not sent) and where it stands."""

    plan: Plan
    period: ReportPeriod
    report: UnitReport | None
    today: date

    @property
    def days_left(self) -> int:
        return (self.period.deadline - self.today).days

    @property
    def label(self) -> str:
        """``Đã nộp – đúng hạn``, ``Đã nộp – nộp muộn 2 ngày``, ``Chưa nộp – còn 5 ngày``,
        ``Chưa nộp – quá hạn 3 ngày``."""
        if self.report is not None:
            return f"Đã nộp – {report_rules.late_label(self.report.late_days).lower()}"
        if self.days_left < 0:
            return f"Chưa nộp – quá hạn {-self.days_left} ngày"
        return "Chưa nộp – hạn hôm nay" if self.days_left == 0 else f"Chưa nộp – còn {self.days_left} ngày"

    @property
    def late(self) -> bool:
        return (self.report is None and self.days_left < 0) or bool(self.report and self.report.late_days)


@dataclass
class UnitBlock:
    """A focal point's block: the unit's tasks overdue or due soon, and its reports due."""

    tasks: list[progress.TaskState] = field(default_factory=list)
    task_total: int = 0
    reports: list[PeriodReport] = field(default_factory=list)


@dataclass
class OfficeBlock:
    """The reform office's block: the follow-up of the newest plan."""

    plan: Plan
    follow_up: progress.FollowUp


@dataclass
class Home:
    today: date
    unit: UnitBlock | None = None
    news_board: dict | None = None
    reviewer: bool = False
    office: OfficeBlock | None = None
    documents: list = field(default_factory=list)
    validities: dict = field(default_factory=dict)
    latest_news: list = field(default_factory=list)


def unit_block(user: User, on: date) -> UnitBlock:
    """The unit's unfinished tasks that are late (overdue or reported late) or due within
    ``DUE_SOON_DAYS``, most urgent first; and, for each plan the unit works on, its report of the
    current period (``plans.current_period``) and of every earlier period it has not sent."""
    tasks = plan_rules.tasks_of_unit(user.unit_id)
    states = progress.task_states(tasks, on)
    soon = on + timedelta(days=DUE_SOON_DAYS)
    urgent = [s for s in states.values() if s.state != "done" and (
        s.state == "late" or (s.task.deadline is not None and s.task.deadline <= soon))]
    urgent.sort(key=lambda s: (-s.overdue_days, s.task.deadline or date.max, s.task.code))
    block = UnitBlock(tasks=urgent[:SHOWN], task_total=len(urgent))
    for plan in {t.plan_id: t.plan for t in tasks}.values():
        current = plan_rules.current_period(plan, on)
        for period in plan.periods:
            report = report_rules.report_of(period, user.unit_id)
            if period == current or (period.deadline < on and report is None):
                block.reports.append(PeriodReport(plan, period, report, on))
    block.reports.sort(key=lambda r: (r.period.deadline, r.plan.number))
    return block


def office_block(on: date) -> OfficeBlock | None:
    """The follow-up (đôn đốc) of the newest plan, or None when there is no plan."""
    plans = plan_rules.plans()
    if not plans:
        return None
    return OfficeBlock(plans[0], progress.follow_up(plans[0]))


def home_for(user: User) -> Home:
    """Return what the home page shows ``user``: their role's blocks, new documents they may read
    and the latest news."""
    on = plan_rules.today()
    roles = user.role_names
    home = Home(today=on)
    if REPORTER in roles and user.unit_id is not None:
        home.unit = unit_block(user, on)
    if EDITOR in roles or PUBLISHER in roles:
        home.news_board = news.dashboard(user)
        home.reviewer = news.can_review(user)
    if ADMIN in roles:
        home.office = office_block(on)
    home.documents = list(db.session.scalars(
        library.list_statement(user, library.DocumentFilters()).limit(5)))
    home.validities = validity.for_documents(home.documents, user)
    home.latest_news = news.latest(5)
    return home
