"""A document's diagram (lược đồ): the documents it amends, replaces, repeals, guides, is based on
and cites, and those that do so to it, grouped by relation with counts — only documents the
reader may open are listed or counted (``app.access``).

The cost is bounded whatever the number of related documents: the first few of every group and
every group's count come from four queries (relations from it, relations to it, what it cites,
what cites it), and the rest of a group is read one page at a time (``group_page``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import aliased, defer, lazyload

from app import access
from app.extensions import db
from app.models import RELATION_TYPES, Citation, Document, DocumentRelation, User

FIRST = 5         # documents shown per group on the diagram
PAGE_SIZE = 20    # documents per "Xem thêm" and per page of a group's list

# group key (in URLs) → (direction, relation type or "cites", heading)
GROUPS: dict[str, tuple[str, str, str]] = {
    "sua-doi": ("out", "amends", RELATION_TYPES["amends"][0]),
    "thay-the": ("out", "replaces", RELATION_TYPES["replaces"][0]),
    "bai-bo": ("out", "repeals", RELATION_TYPES["repeals"][0]),
    "bai-bo-mot-phan": ("out", "repeals_part", RELATION_TYPES["repeals_part"][0]),
    "huong-dan": ("out", "guides", RELATION_TYPES["guides"][0]),
    "can-cu": ("out", "based_on", RELATION_TYPES["based_on"][0]),
    "dan-chieu": ("out", "cites", "Dẫn chiếu"),
    "bi-thay-the": ("in", "replaces", RELATION_TYPES["replaces"][1]),
    "bi-bai-bo": ("in", "repeals", RELATION_TYPES["repeals"][1]),
    "bi-bai-bo-mot-phan": ("in", "repeals_part", RELATION_TYPES["repeals_part"][1]),
    "duoc-sua-doi": ("in", "amends", RELATION_TYPES["amends"][1]),
    "duoc-huong-dan": ("in", "guides", RELATION_TYPES["guides"][1]),
    "la-can-cu": ("in", "based_on", RELATION_TYPES["based_on"][1]),
    "duoc-dan-chieu": ("in", "cites", "Được dẫn chiếu bởi"),
}
_KEYS = {(direction, kind): key for key, (direction, kind, _) in GROUPS.items()}


@dataclass
class Item:
    """A related document, with the relation's id when it is a recorded relation (not a citation)."""

    document: Document
    relation_id: int | None = None


@dataclass
class Group:
    key: str
    direction: str          # "out": this document → them; "in": them → this document
    kind: str               # relation type, or "cites"
    heading: str
    total: int
    items: list[Item] = field(default_factory=list)
    start: int = 0          # position of the first item in the whole group

    @property
    def end(self) -> int:
        return self.start + len(self.items)

    @property
    def remaining(self) -> int:
        """How many documents of the group come after these items."""
        return max(0, self.total - self.end)


@dataclass
class Diagram:
    outgoing: list[Group]
    incoming: list[Group]

    @property
    def groups(self) -> list[Group]:
        return self.outgoing + self.incoming

    def __bool__(self) -> bool:
        return bool(self.outgoing or self.incoming)


def _order(entity):
    return (entity.issued_on.is_(None), entity.issued_on.desc(), entity.id.desc())


def _light():
    """Load options for listed documents: no body, no field or unit lists."""
    return (defer(Document.body), lazyload(Document.fields), lazyload(Document.units))


def _relation_rows(document: Document, user: User, direction: str, kinds=None, start: int = 0,
                   limit: int = FIRST):
    """(relation type, count in its group, relation id, other document) for the relations of one
    direction whose other document ``user`` may read: of each type, the ``limit`` after position
    ``start``, newest first, and the type's count — in one query."""
    mine, other = ((DocumentRelation.source_id, DocumentRelation.target_id) if direction == "out"
                   else (DocumentRelation.target_id, DocumentRelation.source_id))
    position = db.func.row_number().over(partition_by=DocumentRelation.relation_type,
                                         order_by=_order(Document)).label("position")
    total = db.func.count().over(partition_by=DocumentRelation.relation_type).label("total")
    inner = (db.select(DocumentRelation.relation_type.label("kind"), DocumentRelation.id.label("relation_id"),
                       Document.id.label("document_id"), position, total)
             .join(Document, other == Document.id)
             .where(mine == document.id, access.document_clause(user)))
    if kinds is not None:
        inner = inner.where(DocumentRelation.relation_type.in_(kinds))
    inner = inner.subquery()
    listed = aliased(Document)
    return db.session.execute(
        db.select(inner.c.kind, inner.c.total, inner.c.relation_id, listed)
        .join(listed, listed.id == inner.c.document_id)
        .where(inner.c.position > start, inner.c.position <= start + limit)
        .options(defer(listed.body), lazyload(listed.fields), lazyload(listed.units))
        .order_by(inner.c.kind, inner.c.position)).all()


def _citing(document: Document, user: User):
    """SELECT of the documents ``user`` may read whose text mentions ``document``'s number."""
    return (db.select(Document)
            .join(Citation, db.and_(Citation.source_kind == "document", Citation.source_id == Document.id))
            .where(Citation.number_key == document.number_key, Document.id != document.id,
                   db.or_(Document.parent_key.is_(None), Document.parent_key != document.number_key),
                   access.document_clause(user)))


def _cited(document: Document, user: User):
    """SELECT of the documents ``user`` may read whose number ``document``'s text mentions; an annex's
    parent is listed apart ("Là phụ lục của"), not as cited."""
    keys = db.select(Citation.number_key).where(Citation.source_kind == "document",
                                                Citation.source_id == document.id)
    stmt = db.select(Document).where(Document.number_key.in_(keys), Document.id != document.id,
                                     access.document_clause(user))
    if document.parent_key:
        stmt = stmt.where(Document.number_key != document.parent_key)
    return stmt


def _citation_group(document: Document, user: User, direction: str, start: int, limit: int) -> Group:
    key = _KEYS[(direction, "cites")]
    if direction == "in" and not document.number_key:
        return Group(key, direction, "cites", GROUPS[key][2], 0)
    stmt = _citing(document, user) if direction == "in" else _cited(document, user)
    stmt = stmt.add_columns(db.func.count().over().label("total")).options(*_light())
    rows = db.session.execute(stmt.order_by(*_order(Document)).offset(start).limit(limit)).all()
    total = rows[0].total if rows else (_count(stmt) if start else 0)
    return Group(key, direction, "cites", GROUPS[key][2], total, [Item(doc) for doc, _ in rows], start)


def _count(stmt) -> int:
    """The count of a SELECT when its page came back empty (asked past the end)."""
    return db.session.scalar(db.select(db.func.count()).select_from(stmt.with_only_columns(Document.id).subquery()))


def diagram(document: Document, user: User, first: int = FIRST) -> Diagram:
    """Return ``document``'s groups with their counts and first ``first`` documents, only what
    ``user`` may open (empty groups left out), in the order of ``GROUPS``; four queries."""
    groups: dict[str, Group] = {}
    for direction in ("out", "in"):
        for kind, total, relation_id, other in _relation_rows(document, user, direction, limit=first):
            key = _KEYS[(direction, kind)]
            group = groups.setdefault(key, Group(key, direction, kind, GROUPS[key][2], total))
            group.items.append(Item(other, relation_id))
        cites = _citation_group(document, user, direction, 0, first)
        if cites.total:
            groups[cites.key] = cites
    ordered = [groups[key] for key in GROUPS if key in groups]
    return Diagram([g for g in ordered if g.direction == "out"], [g for g in ordered if g.direction == "in"])


def group_page(document: Document, user: User, key: str, start: int = 0, limit: int = PAGE_SIZE) -> Group:
    """Return the documents of one group from position ``start`` (at most ``limit``) with the
    group's count, only what ``user`` may open; one query (two when asked past the end).
    Raises KeyError for an unknown group."""
    direction, kind, heading = GROUPS[key]
    start = max(0, start)
    if kind == "cites":
        return _citation_group(document, user, direction, start, limit)
    rows = _relation_rows(document, user, direction, kinds=[kind], start=start, limit=limit)
    if not rows and start:
        rows_from_start = _relation_rows(document, user, direction, kinds=[kind], start=0, limit=1)
        total = rows_from_start[0].total if rows_from_start else 0
    else:
        total = rows[0].total if rows else 0
    return Group(key, direction, kind, heading, total, [Item(other, rid) for _, _, rid, other in rows], start)
