"""Claiming an event for a recipient, so each scheduled notification goes once, whichever process
(web workers, nodes, ``flask reminders run``) gets there first. The rule is set out in
:mod:`app.notify.rules`; here are its two statements and the transaction around them.
"""
from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from app import clock
from app.extensions import db
from app.models import NotificationClaim
from app.models.notify import CLAIM_SENT, CLAIMED
from app.notify.rules import CLAIM_LEASE


def worker_name() -> str:
    """``host:pid``: who holds a claim (for whoever investigates a stuck one)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _insert():
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(NotificationClaim)


def try_claim(event_key: str, user_id: int, worker: str, now: datetime) -> int | None:
    """Claim (``event_key``, ``user_id``) in the current transaction; return the claim's id when this
    call got it, None when another process has it.

    ``INSERT … ON CONFLICT DO NOTHING`` on the unique (event_key, user_id): on PostgreSQL a second
    process inserting the same pair waits for the first one's transaction, then inserts nothing;
    on SQLite the database lock serializes writers. A ``'claimed'`` row older than the lease (its
    process died between claiming and finishing) is taken over by compare-and-set, which only one
    process can win."""
    stmt = _insert().values(event_key=event_key, user_id=user_id, status=CLAIMED, claimed_at=now,
                            claimed_by=worker).on_conflict_do_nothing(index_elements=["event_key", "user_id"])
    # RETURNING, not rowcount: run through the ORM session, the PostgreSQL INSERT gets an implicit
    # RETURNING and psycopg then reports rowcount -1, so no claim was ever seen as won there.
    claim_id = db.session.execute(stmt.returning(NotificationClaim.id)).scalar_one_or_none()
    if claim_id is not None:
        return claim_id
    stale = db.session.execute(
        db.update(NotificationClaim)
        .where(NotificationClaim.event_key == event_key, NotificationClaim.user_id == user_id,
               NotificationClaim.status == CLAIMED, NotificationClaim.claimed_at < now - CLAIM_LEASE)
        .values(claimed_at=now, claimed_by=worker))
    if stale.rowcount == 1:
        return db.session.scalar(db.select(NotificationClaim.id).where(
            NotificationClaim.event_key == event_key, NotificationClaim.user_id == user_id))
    return None


def once(event_key: str, user_id: int, work: Callable[[], object], worker: str | None = None) -> bool:
    """Do ``work()`` (which adds the notification and its e-mail to the session) for the pair unless
    it was done or is being done, in one transaction with the claim marked ``'sent'``; commit.
    Returns True when this call did it. An exception in ``work`` rolls everything back (the claim
    too) and propagates: the next round claims the pair again."""
    now = clock.utcnow()
    try:
        claim_id = try_claim(event_key, user_id, worker or worker_name(), now)
        if claim_id is None:
            db.session.rollback()
            return False
        work()
        db.session.execute(db.update(NotificationClaim).where(NotificationClaim.id == claim_id)
                           .values(status=CLAIM_SENT, sent_at=now))
        db.session.commit()
        return True
    except BaseException:
        db.session.rollback()
        raise
