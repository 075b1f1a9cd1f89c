"""What each kind of content puts in the index, and how to read it back from the database.

A source knows how to turn its database rows into index fields, stream every id for a
rebuild, and report the version of each live record (for ``verify``). Later kinds register
their own source here.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC

from flask import url_for
from sqlalchemy.orm import selectinload

from app import vntext
from app.extensions import db


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
    live_versions: Callable[[], Iterator[tuple[int, int]]]  # every (id, version) that should be indexed
    url: Callable[[int], str]
    text: Callable[[object], str]                # full text, for snippets
    readable: Callable[[object, object], bool]   # (user, row) → may read
    # (rows, session) → None: read what ``fields`` needs for a batch of rows in one go (index writes only)
    prepare: Callable[[list, object], None] = lambda rows, session: None


def _date_number(value) -> int:
    return int(value.strftime("%Y%m%d")) if value else 0


def epoch_minutes(value) -> int:
    """Minutes since 1970 of a naive-UTC datetime (0 for None): the index's live window unit."""
    if value is None:
        return 0
    return int(value.replace(tzinfo=UTC).timestamp() // 60)


# Documents

def _load_documents(ids, session=None):
    from app.models import Document

    if not ids:
        return []
    return list((session or db.session).scalars(
        db.select(Document).where(Document.id.in_(ids), Document.deleted_at.is_(None))
        .options(selectinload(Document.attachments))))


def _document_text(doc) -> str:
    """Body and the attachments' text (an attachment the body was read from is not repeated)."""
    body = doc.body or ""
    parts = [body] + [a.text for a in doc.attachments if a.text and a.text.strip() != body.strip()]
    return "\n".join(p for p in parts if p)


def _document_fields(doc) -> dict:
    if doc.visibility == "all":
        access = ["all"]
    else:
        access = [f"unit:{u.id}" for u in doc.units]
    if doc.created_by_id:
        access.append(f"user:{doc.created_by_id}")
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
        "access": " ".join(access),
        "version": doc.version,
    }


def _prepare_documents(docs, session) -> None:
    """The status each document has for everyone today, relations included
    (``app.services.validity.for_index``): one query for the batch."""
    from app.services.validity import for_index

    statuses = for_index(docs, session)
    for doc in docs:
        doc.index_status = statuses[doc.id]


def _document_versions():
    from app.models import Document

    result = db.session.execute(
        db.select(Document.id, Document.version).where(Document.deleted_at.is_(None)).order_by(Document.id)
        .execution_options(yield_per=5000))
    for row in result:
        yield row[0], row[1]


def _document_readable(user, doc) -> bool:
    from app.services.visibility import can_read_document

    return can_read_document(user, doc)


SOURCES: dict[str, Source] = {
    "document": Source(
        kind="document",
        load=_load_documents,
        fields=_document_fields,
        live_versions=_document_versions,
        url=lambda record_id: url_for("documents.show", document_id=record_id),
        text=_document_text,
        readable=_document_readable,
        prepare=_prepare_documents,
    ),
}


def register(source: Source) -> None:
    """Add a kind of content to the index (news, progress updates, reports)."""
    SOURCES[source.kind] = source


# News: only published articles are indexed; their publication and expiry times go into the
# live window, which every search checks against the clock (so a scheduled article appears
# on time and an expired one disappears without any change to the index).

def _load_news(ids, session=None):
    from app.models import Article

    if not ids:
        return []
    return list((session or db.session).scalars(
        db.select(Article).where(Article.id.in_(ids), Article.status == "published")))


def _news_text(article) -> str:
    from app.services.news_text import plain_text

    return plain_text(article.body_html)


def _news_fields(article) -> dict:
    from app.clock import to_vietnam

    published = to_vietnam(article.publish_at).date() if article.publish_at else None
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
        "access": "all",
        "live_from": epoch_minutes(article.publish_at),
        "live_until": epoch_minutes(article.expires_at),
        "version": article.version,
    }


def _news_versions():
    from app.models import Article

    result = db.session.execute(
        db.select(Article.id, Article.version).where(Article.status == "published").order_by(Article.id))
    for row in result:
        yield row[0], row[1]


def _news_readable(user, article) -> bool:
    from app.clock import utcnow

    return article.is_live(utcnow())


register(Source(
    kind="news",
    load=_load_news,
    fields=_news_fields,
    live_versions=_news_versions,
    url=lambda record_id: url_for("news.show", article_id=record_id),
    text=_news_text,
    readable=_news_readable,
))


from app.search import plan_records  # noqa: E402,F401  (registers progress updates and unit reports)
