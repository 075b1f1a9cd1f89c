"""The reform plan: plans, tasks, progress updates, report periods and units' periodic reports."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.models.accounts import Unit, User
from app.models.documents import StoredFileColumns
from app.models.reference import ReformField
from app.models.searchable import Searchable, SearchPart

NOT_STARTED, IN_PROGRESS, DONE, DELAYED = "not_started", "in_progress", "done", "delayed"
TASK_STATUSES = {
    NOT_STARTED: "Chưa triển khai",
    IN_PROGRESS: "Đang thực hiện",
    DONE: "Hoàn thành",
    DELAYED: "Chậm tiến độ",
}

# A task's state for counting and filtering (from its latest update and its deadline,
# ``app.services.plans.progress.TaskState``): exactly one of these.
TASK_STATES = {
    "done": "Hoàn thành",
    "in_progress": "Đang thực hiện",
    "late": "Chậm tiến độ / quá hạn",
    "not_started": "Chưa triển khai",
}

# period kind → (label, default deadline month/day in the plan's year; the year report is due in December)
PERIOD_KINDS = {
    "q1": ("Quý I", (4, 15)),
    "h1": ("6 tháng", (7, 15)),
    "q3": ("9 tháng", (10, 15)),
    "year": ("Năm", (12, 20)),
}

task_units = Table(
    "task_units",
    db.metadata,
    Column("task_id", ForeignKey("plan_tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True, index=True),
)


class Plan(db.Model):
    """A yearly reform plan (``2337/KH-TTCP``), linked to its document in the library when there is one."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    number: Mapped[str] = mapped_column(String(100))
    number_key: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    tasks: Mapped[list[Task]] = relationship(back_populates="plan", order_by="Task.position",
                                             cascade="all, delete-orphan")
    periods: Mapped[list[ReportPeriod]] = relationship(back_populates="plan", order_by="ReportPeriod.deadline",
                                                       cascade="all, delete-orphan")


class Task(SearchPart, db.Model):
    """A task of a plan: reform field, lead unit, cooperating units, deadline, expected output.

    Its status is that of its latest progress update (``app.services.plans.progress.task_states``).
    """

    __tablename__ = "plan_tasks"
    search_parent = ("progress", "updates")
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_plan_tasks_plan_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(1000))
    field_id: Mapped[int] = mapped_column(ForeignKey("reform_fields.id"), index=True)
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    deadline: Mapped[date | None]
    expected_output: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    field: Mapped[ReformField] = relationship(lazy="joined")
    lead_unit: Mapped[Unit] = relationship(lazy="joined")
    cooperating_units: Mapped[list[Unit]] = relationship(secondary=task_units, order_by=Unit.code, lazy="selectin")
    updates: Mapped[list[ProgressUpdate]] = relationship(back_populates="task", order_by="ProgressUpdate.id.desc()",
                                                         cascade="all, delete-orphan")

    @property
    def unit_ids(self) -> set[int]:
        """The lead unit and the cooperating units: who may post progress."""
        return {self.lead_unit_id} | {u.id for u in self.cooperating_units}


class ReportPeriod(db.Model):
    """A reporting period of a plan (quý I, 6 tháng, 9 tháng, năm) with its deadline."""

    __tablename__ = "report_periods"
    __table_args__ = (UniqueConstraint("plan_id", "kind", name="uq_report_periods_plan_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    deadline: Mapped[date]

    plan: Mapped[Plan] = relationship(back_populates="periods")

    @property
    def label(self) -> str:
        """``Quý I/2024``, ``6 tháng/2024`` (also the search facet value)."""
        return f"{PERIOD_KINDS[self.kind][0]}/{self.plan.year}"


class ProgressUpdate(Searchable, db.Model):
    """One progress report on a task by one unit; the history is never edited."""

    __tablename__ = "progress_updates"
    search_kind = "progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period_id: Mapped[int | None] = mapped_column(ForeignKey("report_periods.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20))
    percent: Mapped[int]
    done: Mapped[str] = mapped_column(Text, default="")
    figures: Mapped[str] = mapped_column(Text, default="")
    lacks_figures: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    version: Mapped[int] = mapped_column(default=1)

    task: Mapped[Task] = relationship(back_populates="updates")
    unit: Mapped[Unit] = relationship(lazy="joined")
    period: Mapped[ReportPeriod | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    attachments: Mapped[list[ProgressAttachment]] = relationship(back_populates="update",
                                                                 order_by="ProgressAttachment.id",
                                                                 cascade="all, delete-orphan", lazy="selectin")

    @property
    def status_label(self) -> str:
        return TASK_STATUSES.get(self.status, self.status)

    @property
    def title(self) -> str:  # search results
        return f"Tiến độ: {self.task.title} ({self.unit.code})"

    @property
    def summary(self) -> str:
        return f"{self.status_label}, {self.percent}%"


class ProgressAttachment(StoredFileColumns, SearchPart, db.Model):
    """A file attached to a progress update (evidence), stored like library attachments."""

    __tablename__ = "progress_attachments"
    search_parent = ("progress", "update_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_updates.id", ondelete="CASCADE"), index=True)

    update: Mapped[ProgressUpdate] = relationship(back_populates="attachments")


class UnitReport(Searchable, db.Model):
    """A unit's report for one period; each (re)submission is a ``ReportVersion``, none is deleted.

    Lateness is that of the first submission (the unit reported then); ``version`` counts the
    submissions and guards against two people resubmitting over each other.
    """

    __tablename__ = "unit_reports"
    search_kind = "report"
    __table_args__ = (UniqueConstraint("period_id", "unit_id", name="uq_unit_reports_period_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("report_periods.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    first_submitted_at: Mapped[datetime]
    late_days: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    period: Mapped[ReportPeriod] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    versions: Mapped[list[ReportVersion]] = relationship(back_populates="report",
                                                         order_by="ReportVersion.version_no.desc()",
                                                         cascade="all, delete-orphan")

    @property
    def latest(self) -> ReportVersion:
        return self.versions[0]

    @property
    def title(self) -> str:  # search results
        return f"Báo cáo {self.period.label} – {self.unit.name}"

    @property
    def summary(self) -> str:
        return self.latest.title if self.versions else ""


class ReportVersion(SearchPart, db.Model):
    """One submitted .docx of a unit report: the file, its number and date, its text, its lateness."""

    __tablename__ = "report_versions"
    search_parent = ("report", "report_id")
    __table_args__ = (UniqueConstraint("report_id", "version_no", name="uq_report_versions_report_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("unit_reports.id", ondelete="CASCADE"), index=True)
    version_no: Mapped[int]
    doc_number: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date | None]
    title: Mapped[str] = mapped_column(String(1000), default="")
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    body_lines: Mapped[list] = mapped_column(JSON, default=list)
    lacks_figures: Mapped[bool] = mapped_column(default=False)
    items_without_figures: Mapped[list] = mapped_column(JSON, default=list)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime]
    late_days: Mapped[int] = mapped_column(default=0)

    report: Mapped[UnitReport] = relationship(back_populates="versions")
    submitted_by: Mapped[User | None] = relationship()
