"""What each kind of content puts in the index, and how to read it back from the database.

A source knows how to turn its database rows into index fields, stream every id for a
rebuild, and report the version of each live record (for ``verify``): documents, news,
progress updates and unit reports. Who may find a record is ``app.access``'s rule, carried as
access terms (``access`` field); a search also checks each hit against the rule itself.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC

from flask import url_for
from sqlalchemy.orm import Session, lazyload, object_session, selectinload

from app import access, clock, validity, vntext
from app.extensions import db
from app.models import Article, Document, ProgressUpdate, Task, UnitReport
from app.models.news import PUBLISHED
from app.news_text import plain_text


def number_terms(number: str | None) -> list[str]:
    """Return the index terms of a number: its key and every prefix at a slash
    (``107``, ``107/2021``, ``107/2021/nd-cp``), so partial numbers typed by users match."""
    key = vntext.number_key(number)
    if not key:
        return []
    parts = key.split("/")
    terms = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    head = parts[0].split("-")[0]  # 16-nq/tu → 16
    if head and head not in terms:
        terms.insert(0, head)
    return terms


@dataclass
class Source:
    kind: str
    load: Callable[..., list]                    # (ids, session=None) → live rows (skips missing or deleted)
    fields: Callable[[object], dict]             # row → index fields
    live_versions: Callable[..., Iterator[tuple[int, int]]]  # (session=None) → every (id, version) to index
    url: Callable[[int], str]
    text: Callable[[object], str]                # full text, for snippets
    readable: Callable[[object, object], bool]   # (user, row) → may read
    # (rows, session) → None: read what ``fields`` needs for a batch of rows in one go (index writes only)
    prepare: Callable[[list, object], None] = lambda rows, session: None
    # (ids) → live rows for a result list: what ``text`` and ``readable`` need, not what only the
    # index needs; ``load`` when None
    listed: Callable[[list], list] | None = None


def _date_number(value) -> int:
    return int(value.strftime("%Y%m%d")) if value else 0


def epoch_minutes(value) -> int:
    """Minutes since 1970 of a naive-UTC datetime (0 for None): the index's live window unit."""
    if value is None:
        return 0
    return int(value.replace(tzinfo=UTC).timestamp() // 60)


# Documents

def _load_documents(ids, session=None):
    if not ids:
        return []
    return list((session or db.session).scalars(
        db.select(Document).where(Document.id.in_(ids), Document.deleted_at.is_(None))
        .options(selectinload(Document.attachments))))


def _listed_documents(ids):
    """Live documents by id for a result list, with their attachments (their text is searched for
    snippets); units and fields are read only if asked for (``readable`` asks for the units of a
    restricted document)."""
    if not ids:
        return []
    return list(db.session.scalars(
        db.select(Document).where(Document.id.in_(ids), Document.deleted_at.is_(None))
        .options(selectinload(Document.attachments), lazyload(Document.fields), lazyload(Document.units))))


def _document_text(doc) -> str:
    """Body and the attachments' text (an attachment the body was read from is not repeated)."""
    body = doc.body or ""
    parts = [body] + [a.text for a in doc.attachments if a.text and a.text.strip() != body.strip()]
    return "\n".join(p for p in parts if p)


def _document_fields(doc) -> dict:
    head = " ".join(p for p in (doc.doc_type, doc.number, doc.title) if p)
    content = "\n".join(p for p in (head, doc.summary, doc.issuer, doc.signer, _document_text(doc)) if p)
    return {
        "uid": f"document:{doc.id}",
        "kind": "document",
        "record_id": doc.id,
        "title": doc.title,
        "content": content,
        "number": ",".join(number_terms(doc.number)),
        "number_display": doc.number,
        "category": doc.category,
        "doc_type": doc.doc_type,
        "issuer": doc.issuer or "",
        "fields": ",".join(str(f.id) for f in doc.fields),
        "year": str(doc.issued_on.year) if doc.issued_on else "",
        "status": getattr(doc, "index_status", doc.status) or "",
        "date": _date_number(doc.issued_on),
        "access": " ".join(access.document_terms(doc)),
        "version": doc.version,
    }


def _prepare_documents(docs, session) -> None:
    """The status each document has for everyone today, relations included
    (``app.validity.for_index``): one query for the batch."""
    statuses = validity.for_index(docs, session)
    for doc in docs:
        doc.index_status = statuses[doc.id]


def _document_versions(session: Session | None = None):
    result = (session or db.session).execute(
        db.select(Document.id, Document.version).where(Document.deleted_at.is_(None)).order_by(Document.id)
        .execution_options(yield_per=5000))
    for row in result:
        yield row[0], row[1]


SOURCES: dict[str, Source] = {
    "document": Source(
        kind="document",
        load=_load_documents,
        fields=_document_fields,
        live_versions=_document_versions,
        url=lambda record_id: url_for("documents.show", document_id=record_id),
        text=_document_text,
        readable=access.can_read_document,
        prepare=_prepare_documents,
        listed=_listed_documents,
    ),
}


def register(source: Source) -> None:
    """Add a kind of content to the index (news, progress updates, reports)."""
    SOURCES[source.kind] = source


# News: only published articles are indexed; their publication and expiry times go into the
# live window, which every search checks against the clock (so a scheduled article appears
# on time and an expired one disappears without any change to the index).

def _load_news(ids, session=None):
    if not ids:
        return []
    return list((session or db.session).scalars(
        db.select(Article).where(Article.id.in_(ids), Article.status == PUBLISHED)))


def _news_text(article) -> str:
    return plain_text(article.body_html)


def _news_fields(article) -> dict:
    published = clock.to_vietnam(article.publish_at).date() if article.publish_at else None
    content = "\n".join(p for p in (article.title, article.summary, article.author_name, article.source_line,
                                    article.cover_caption, _news_text(article)) if p)
    return {
        "uid": f"news:{article.id}",
        "kind": "news",
        "record_id": article.id,
        "title": article.title,
        "content": content,
        "number": "",
        "number_display": None,
        "category": "news",
        "doc_type": "",
        "issuer": "",
        "fields": ",".join(str(f.id) for f in article.fields),
        "year": str(published.year) if published else "",
        "status": "",
        "date": _date_number(published),
        "access": access.ALL_STAFF,
        "live_from": epoch_minutes(article.publish_at),
        "live_until": epoch_minutes(article.expires_at),
        "version": article.version,
    }


def _news_versions(session: Session | None = None):
    result = (session or db.session).execute(
        db.select(Article.id, Article.version).where(Article.status == PUBLISHED).order_by(Article.id))
    for row in result:
        yield row[0], row[1]


def _news_readable(user, article) -> bool:
    """Search lists an article only while it is live, to everyone (its author and reviewers too)."""
    return article.is_live(clock.utcnow())


register(Source(
    kind="news",
    load=_load_news,
    fields=_news_fields,
    live_versions=_news_versions,
    url=lambda record_id: url_for("news.show", article_id=record_id),
    text=_news_text,
    readable=_news_readable,
))


# Progress updates: read by every member of staff; the text of an evidence file that came from a
# restricted library document is left out of the record (``app.access``).

def _load_updates(ids, session=None):
    if not ids:
        return []
    return list((session or db.session).scalars(
        db.select(ProgressUpdate).where(ProgressUpdate.id.in_(ids))
        .options(selectinload(ProgressUpdate.task).selectinload(Task.plan),
                 selectinload(ProgressUpdate.period))))


def _update_text(update) -> str:
    """What was done, the figures and the text of the evidence files for all staff (an evidence
    file that came from a restricted document is never in the index: ``app.access``)."""
    evidence = access.public_evidence(update, object_session(update))
    parts = [update.done, update.figures] + [a.text for a in evidence if a.text]
    return "\n".join(p for p in parts if p)


def _update_fields(update) -> dict:
    task = update.task
    title = f"{task.code} {task.title}"
    return {
        "uid": f"progress:{update.id}",
        "kind": "progress",
        "record_id": update.id,
        "title": title,
        "content": "\n".join([title, update.status_label, task.plan.number, _update_text(update)]),
        "number": "",
        "issuer": update.unit.name,
        "fields": str(task.field_id),
        "year": str(task.plan.year),
        "state": update.status_label,
        "unit": update.unit.code,
        "period": update.period.label if update.period else "",
        "date": _date_number(update.created_at),
        "access": access.ALL_STAFF,
        "version": update.version,
    }


def _update_versions(session: Session | None = None):
    for row in (session or db.session).execute(
            db.select(ProgressUpdate.id, ProgressUpdate.version).order_by(ProgressUpdate.id)):
        yield row[0], row[1]


# Unit reports: read by their unit, whoever submitted a version and admins.

def _load_reports(ids, session=None):
    if not ids:
        return []
    return list((session or db.session).scalars(
        db.select(UnitReport).where(UnitReport.id.in_(ids)).options(selectinload(UnitReport.versions))))


def _report_fields(report) -> dict:
    latest = report.latest
    return {
        "uid": f"report:{report.id}",
        "kind": "report",
        "record_id": report.id,
        "title": report.title,
        "content": "\n".join(p for p in (report.title, latest.doc_number, latest.title, latest.text) if p),
        "number": ",".join(number_terms(latest.doc_number)),
        "number_display": latest.doc_number or None,
        "issuer": report.unit.name,
        "year": str(report.period.plan.year),
        "unit": report.unit.code,
        "period": report.period.label,
        "date": _date_number(latest.issued_on or latest.submitted_at),
        "access": " ".join(access.report_terms(report)),
        "version": report.version,
    }


def _report_versions(session: Session | None = None):
    for row in (session or db.session).execute(db.select(UnitReport.id, UnitReport.version).order_by(UnitReport.id)):
        yield row[0], row[1]


register(Source(
    kind="progress",
    load=_load_updates,
    fields=_update_fields,
    live_versions=_update_versions,
    url=lambda record_id: url_for("plans.update_link", update_id=record_id),
    text=_update_text,
    readable=lambda user, update: access.can_read_progress(user),
))
register(Source(
    kind="report",
    load=_load_reports,
    fields=_report_fields,
    live_versions=_report_versions,
    url=lambda record_id: url_for("reports.show", report_id=record_id),
    text=lambda report: report.latest.text,
    readable=access.can_read_report,
))
