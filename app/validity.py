"""A document's validity (tình trạng hiệu lực) as readers see it.

Editors record a status; relations and dates then change it, computed **at read time** against
today's date in Vietnam, so nothing needs rewriting when a day comes:

1. *Hết hiệu lực toàn bộ* when a document that replaces or repeals it (thay thế, bãi bỏ) is in
   force — from that document's effective date (its issue date when it has none) — or when its
   own expiry date (ngày hết hiệu lực) has come; also when an editor recorded that status.
2. *Chưa có hiệu lực* while a document with a recorded status waits for its effective date.
3. *Hết hiệu lực một phần* when a document that amends or partly repeals it (sửa đổi, bổ sung;
   bãi bỏ một phần) is in force.
4. *Còn hiệu lực* once the effective date of a document recorded *Chưa có hiệu lực* has come.
5. Otherwise the recorded status.

Only relations from documents the reader may open count (``app.access``): a
restricted document never shows, even as a changed status, to those who may not read it. The
search index holds one status per record, for its facet, computed with the documents for all
staff only (``for_index``). Its records are re-queued when a relation is added or removed, when
a source's dates, visibility or existence change (``app.search.tracking``, in the changing flush), and each day for
the documents whose validity that day changes (``queue_due_changes``, run by the index upkeep of
every process, once a day for the whole cluster thanks to the ``upkeep_marks`` row).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, defer, lazyload

from app import access, clock
from app.extensions import db
from app.models import RELATION_TYPES, STATUSES, Document, DocumentRelation, IndexChange, UpkeepMark, User
from app.models.outbox import BULK

log = logging.getLogger(__name__)

VALID, EXPIRED, PARTLY, PENDING = STATUSES
FULL = ("replaces", "repeals")
PARTIAL = ("amends", "repeals_part")
AFFECTING = FULL + PARTIAL

BADGES = {VALID: "badge--valid", EXPIRED: "badge--expired", PARTLY: "badge--partial", PENDING: "badge--pending"}


def today() -> date:
    """Today's date in Vietnam (validity changes on Vietnamese calendar days)."""
    return clock.to_vietnam(clock.utcnow()).date()


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass(frozen=True)
class Reason:
    """Why a document's validity is what it is (or will be): another document's relation to it
    (``source``, with the wording on the target: *Bị thay thế bởi*), or its own date."""

    wording: str
    since: date | None
    source: Document | None = None
    full: bool = False

    @property
    def source_name(self) -> str:
        if self.source is None:
            return ""
        return self.source.number or self.source.display_name

    @property
    def text(self) -> str:
        """``Bị thay thế bởi 15/2024/NĐ-CP từ 01/07/2024`` or ``Hết hiệu lực từ 31/12/2025``."""
        head = f"{self.wording} {self.source_name}" if self.source is not None else self.wording
        return f"{head} từ {_day(self.since)}" if self.since else head


@dataclass
class Validity:
    """The status a reader sees (None: validity does not apply), the one recorded, the reasons
    that make it differ, and the changes to come (``upcoming``), earliest first."""

    status: str | None
    recorded: str | None
    reasons: list[Reason] = field(default_factory=list)
    upcoming: list[Reason] = field(default_factory=list)

    @property
    def badge(self) -> str:
        """The CSS class of the coloured badge."""
        return BADGES.get(self.status, "badge--other")

    @property
    def note(self) -> str:
        """One line for badges in lists: the first reason, ``(+2)`` when there are more."""
        if not self.reasons:
            return ""
        more = f" (và {len(self.reasons) - 1} văn bản khác)" if len(self.reasons) > 1 else ""
        return self.reasons[0].text + more

    @property
    def upcoming_note(self) -> str:
        if not self.upcoming:
            return ""
        first = self.upcoming[0]
        verb = "Sẽ hết hiệu lực" if first.full else "Sẽ hết hiệu lực một phần"
        return f"{verb} từ {_day(first.since)}" + (f" ({first.wording.lower()} {first.source_name})"
                                                  if first.source is not None else "")


def since(source: Document) -> date | None:
    """From when a relation of ``source`` takes effect: its effective date, else its issue date."""
    return source.effective_on or source.issued_on


def compute(document: Document, relations: list[tuple[str, Document]], on: date) -> Validity:
    """Return ``document``'s validity on day ``on`` given the affecting relations to it
    (``(relation type, source document)``, already limited to what the reader may open)."""
    recorded = document.status
    now_full, now_partial, upcoming = [], [], []
    for relation_type, source in relations:
        full = relation_type in FULL
        reason = Reason(RELATION_TYPES[relation_type][1], since(source), source, full)
        if reason.since is not None and reason.since > on:
            upcoming.append(reason)
        else:
            (now_full if full else now_partial).append(reason)
    if document.expires_on is not None:
        own = Reason("Hết hiệu lực", document.expires_on, None, True)
        (upcoming if document.expires_on > on else now_full).append(own)
    order = lambda r: (r.since or date.min, r.source.id if r.source is not None else 0)  # noqa: E731
    now_full.sort(key=order)
    now_partial.sort(key=order)
    upcoming.sort(key=order)
    if now_full:
        return Validity(EXPIRED, recorded, now_full, [])
    if recorded == EXPIRED:
        return Validity(EXPIRED, recorded, [], [])
    if recorded is not None and document.effective_on is not None and document.effective_on > on:
        return Validity(PENDING, recorded, [Reason("Có hiệu lực", document.effective_on)], upcoming)
    if now_partial:
        return Validity(PARTLY, recorded, now_partial, [r for r in upcoming if r.full])
    if recorded == PENDING and document.effective_on is not None:
        return Validity(VALID, recorded, [], upcoming)
    return Validity(recorded, recorded, [], upcoming)


def _affecting(ids: list[int], readable, session) -> dict[int, list[tuple[str, Document]]]:
    """The affecting relations to documents ``ids`` whose source satisfies ``readable``, in one query."""
    found: dict[int, list[tuple[str, Document]]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.execute(
        db.select(DocumentRelation.target_id, DocumentRelation.relation_type, Document)
        .join(Document, DocumentRelation.source_id == Document.id)
        .where(DocumentRelation.target_id.in_(ids), DocumentRelation.relation_type.in_(AFFECTING), readable)
        .options(defer(Document.body), lazyload(Document.fields), lazyload(Document.units))
        .order_by(DocumentRelation.id)).all()
    for target_id, relation_type, source in rows:
        found[target_id].append((relation_type, source))
    return found


def for_documents(documents, user: User, on: date | None = None) -> dict[int, Validity]:
    """Return the validity ``user`` sees of each document, by id, in one query whatever their number."""
    documents = list(documents)
    on = on or today()
    relations = _affecting([d.id for d in documents], access.document_clause(user), db.session)
    return {d.id: compute(d, relations[d.id], on) for d in documents}


def of(document: Document, user: User, on: date | None = None) -> Validity:
    """Return the validity ``user`` sees of one document."""
    return for_documents([document], user, on)[document.id]


def for_index(documents, session) -> dict[int, str | None]:
    """Return the status the search index stores for each document, by id: as everyone sees it
    (only relations from documents for all staff count), today."""
    documents = list(documents)
    on = today()
    relations = _affecting([d.id for d in documents], access.everyone_clause(), session)
    return {d.id: compute(d, relations[d.id], on).status for d in documents}


def status_expression(user: User, on: date | None = None):
    """Return a SQL expression giving, for each row of ``Document``, the status ``user`` sees on
    day ``on`` — the rules of ``compute`` in SQL, for the list filter."""
    on = on or today()
    source = aliased(Document)
    started = db.or_(db.func.coalesce(source.effective_on, source.issued_on).is_(None),
                     db.func.coalesce(source.effective_on, source.issued_on) <= on)

    def affected(types):
        return db.exists().where(DocumentRelation.target_id == Document.id,
                                 DocumentRelation.relation_type.in_(types),
                                 DocumentRelation.source_id == source.id,
                                 access.document_clause(user, source), started)

    expired = db.or_(affected(FULL), db.and_(Document.expires_on.is_not(None), Document.expires_on <= on))
    return db.case(
        (expired, EXPIRED),
        (Document.status == EXPIRED, EXPIRED),
        (db.and_(Document.status.is_not(None), Document.effective_on > on), PENDING),
        (affected(PARTIAL), PARTLY),
        (db.and_(Document.status == PENDING, Document.effective_on.is_not(None)), VALID),
        else_=Document.status,
    )


# The daily upkeep: validity changes with the calendar, the index must follow.

def due_documents(after: date | None, upto: date) -> set[int]:
    """Ids of live documents whose validity may change on a day in (``after``, ``upto``]: their own
    effective or expiry date, or the effective date of a document replacing, repealing or amending
    them. ``after=None`` means every day so far: every document the rules may set apart from its
    recorded status."""
    live = Document.deleted_at.is_(None)
    source = aliased(Document)
    start = db.func.coalesce(source.effective_on, source.issued_on)
    targets = (db.select(DocumentRelation.target_id)
               .join(source, DocumentRelation.source_id == source.id)
               .where(DocumentRelation.relation_type.in_(AFFECTING), source.deleted_at.is_(None)))
    if after is None:
        own = db.select(Document.id).where(live, db.or_(
            Document.expires_on <= upto,
            db.and_(Document.status.is_not(None), Document.effective_on > upto),
            db.and_(Document.status == PENDING, Document.effective_on <= upto)))
    else:
        own = db.select(Document.id).where(live, db.or_(
            db.and_(Document.expires_on > after, Document.expires_on <= upto),
            db.and_(Document.effective_on > after, Document.effective_on <= upto)))
        targets = targets.where(start > after, start <= upto)
    ids = set(db.session.scalars(own))
    wanted = set(db.session.scalars(targets))
    if wanted:
        ids |= set(db.session.scalars(db.select(Document.id).where(Document.id.in_(wanted), live)))
    return ids


def queue_due_changes(on: date | None = None) -> int | None:
    """Queue for the search index the documents whose validity changed since the last day done
    (the ``validity`` upkeep mark), then move the mark to ``on`` (today), in one transaction;
    return how many were queued, or None when the day was already done (here or by another
    process: the mark moves by compare-and-set, so each day is queued once)."""
    on = on or today()
    mark = db.session.execute(db.select(UpkeepMark.day).where(UpkeepMark.name == "validity")).first()
    last = mark.day if mark is not None else None
    if last is not None and last >= on:
        db.session.rollback()
        return None
    ids = sorted(due_documents(last, on))
    now = clock.utcnow()
    try:
        if mark is None:
            db.session.add(UpkeepMark(name="validity", day=on, updated_at=now))
            db.session.flush()
        else:
            moved = db.session.execute(
                db.update(UpkeepMark).where(UpkeepMark.name == "validity",
                                            UpkeepMark.day.is_(None) if last is None else UpkeepMark.day == last)
                .values(day=on, updated_at=now).execution_options(synchronize_session=False))
            if moved.rowcount != 1:
                db.session.rollback()
                return None
        if ids:
            db.session.execute(IndexChange.__table__.insert(),
                               [{"kind": "document", "record_id": i, "created_at": now, "lane": BULK} for i in ids])
        db.session.commit()
    except IntegrityError:  # another process inserted the mark first
        db.session.rollback()
        return None
    if ids:
        log.info("validity: %d documents change status by %s, queued for the search index", len(ids), on)
    return len(ids)


_done = {"day": None}


def daily_upkeep() -> None:
    """Run ``queue_due_changes`` at most once a day in this process (called by the index upkeep
    every round: one dictionary lookup when the day is done). Never raises."""
    on = today()
    if _done["day"] == on:
        return
    try:
        queue_due_changes(on)
    except Exception:  # noqa: BLE001 - retried next round; the pages compute validity themselves
        db.session.rollback()
        log.warning("validity upkeep deferred", exc_info=True)
        return
    _done["day"] = on
