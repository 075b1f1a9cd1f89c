"""The search outbox: one row per change that affects the index, written in the same
transaction as the change itself. Its id is the change sequence every index follows."""
from datetime import date, datetime

from sqlalchemy import Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db

INTERACTIVE, BULK = 0, 1  # IndexChange.lane: a person's change, or one of a batch (import, daily upkeep)


class IndexChange(db.Model):
    """Record ``kind``/``record_id`` changed (created, edited, deleted, published, re-scoped…).

    Indexes apply changes in id order and remember the last id they applied, so a change
    committed but not yet indexed (a crash, a busy index, another node) is never lost, and
    a rolled-back change never exists. ``lane`` says who is waiting for it: ``INTERACTIVE`` (someone
    just saved and will search for it) is applied before ``BULK`` (thousands queued by an import),
    so a save never waits behind an import's backlog; order does not matter for correctness, each
    change re-reads its record's current state.
    """

    __tablename__ = "index_changes"
    __table_args__ = (Index("ix_index_changes_kind_record", "kind", "record_id"),
                      Index("ix_index_changes_lane_id", "lane", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lane: Mapped[int] = mapped_column(SmallInteger, default=INTERACTIVE, server_default="0")


class DatabaseIdentity(db.Model):
    """One row: a random id written when the schema is created (``flask db upgrade``). A search
    index records the id of the database it follows; another id means another database, and the
    index is rebuilt instead of trusted. (A restored backup keeps its id: the index notices it
    by the last change it applied, see ``app.search.outbox``.)"""

    __tablename__ = "database_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UpkeepMark(db.Model):
    """How far a daily upkeep job has got, by name: ``validity`` holds the last day (in Vietnam)
    whose validity changes were queued for the search index (``app.validity``). One row
    per job, moved forward by compare-and-set, so one process of the cluster does each day once."""

    __tablename__ = "upkeep_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
