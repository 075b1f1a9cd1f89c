"""The audit log: who did what, when, from where. Append-only (see ``app.services.audit``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class AuditEntry(db.Model):
    """One action: the actor (and their username at the time), the action, its target, the
    changed fields before and after, a note, and the request's time, client address and id.

    Written in the transaction of the change it describes; the portal never updates or deletes
    a row (no route does; the migration adds database triggers refusing UPDATE and DELETE)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(20), default="")
    target_id: Mapped[int | None]
    target_label: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(500), default="")
    client_address: Mapped[str | None] = mapped_column(String(45))
    request_id: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.target_type}:{self.target_id}>"
