"""The search interface the rest of the portal uses: search, suggest, related, status, verify,
index and remove by hand. Routes and services call these functions and never touch Whoosh."""
from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from markupsafe import Markup

from app import access, clock, validity
from app.extensions import db
from app.models import CATEGORIES, ReformField
from app.search import engine, index, merge, outbox, storage
from app.search.query import ParsedQuery, parse
from app.search.records import SOURCES, epoch_minutes
from app.search.schema import KINDS
from app.search.snippets import Highlighter
from app.search.spelling import correct

log = logging.getLogger(__name__)
MAX_PER_PAGE = 100


SCOPES = {"all": engine.CONTENT, "title": engine.TITLE}


@dataclass
class SearchRequest:
    q: str = ""
    filters: engine.Filters = field(default_factory=engine.Filters)
    sort: str = "relevance"       # or "newest"
    page: int = 1
    per_page: int = 20
    scope: str = "all"            # "all": the whole text; "title": titles only
    ignore_accents: bool = False  # match every accented form even of syllables typed with accents


@dataclass
class Hit:
    kind: str
    id: int
    title: str
    title_html: Markup
    number: str | None
    url: str
    snippets: list[Markup]
    date: date | None
    issuer: str
    score: float
    status: str | None = None     # a document's validity (Còn hiệu lực…), a progress update's task state
    status_note: str = ""         # why a document's validity is what it is (Bị thay thế bởi … từ …)
    doc_type: str | None = None
    phrase: int = 0               # 2: the query as a phrase in the title, 1: in the text, 0: words apart

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def snippet(self) -> Markup:
        return Markup(" ").join(self.snippets)


@dataclass
class SearchPage:
    request: SearchRequest
    parsed: ParsedQuery
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    any_word: bool = False        # no result had every word: these have some of them
    accents_relaxed: bool = False  # nothing holds the words with the accents typed: these match without them
    more_without_accents: int = 0  # records that match only when accents are ignored (not listed)
    unavailable: str | None = None  # why the index cannot answer (missing, schema, corrupt)
    elapsed_ms: float = 0.0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))


def _index_dir() -> str:
    return current_app.config["INDEX_DIR"]


def access_for(user) -> engine.Access:
    """The access terms a user holds (``app.access.user_terms``; admins read everything), at this minute."""
    now = epoch_minutes(clock.utcnow())
    terms = access.user_terms(user)
    if terms is None:
        return engine.Access(everything=True, now=now)
    return engine.Access(terms=terms, now=now)


def _snapshot():
    """``with _snapshot() as view``: the current index, held for the block (IndexUnavailable if none)."""
    return index.searchers.snapshot(_index_dir())


# Searching

class SearchGate:
    """At most ``limit`` searches of this process evaluate at once; the others wait (without the
    GIL) for their turn. Searches are the costly requests: unbounded, a worker's threads all
    search and a save or a page in the same process gets a sliver of it. Built per process (a
    forked child gets its own)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._limit = 0
        self._semaphore: threading.BoundedSemaphore | None = None

    def turn(self, limit: int):
        """A context manager holding one of ``limit`` turns (none needed when ``limit`` ≤ 0)."""
        if limit <= 0:
            return contextlib.nullcontext()
        with self._lock:
            if self._pid != os.getpid() or self._limit != limit:
                self._pid, self._limit, self._semaphore = os.getpid(), limit, threading.BoundedSemaphore(limit)
            return self._semaphore


search_gate = SearchGate()


def search(user, request: SearchRequest) -> SearchPage:
    """Return one page of results for ``user``: readable records only, in totals, facets,
    snippets and suggestions too. Never raises for any query text; when the index cannot
    answer, the page says why (``unavailable``)."""
    started = time.perf_counter()
    request.per_page = max(1, min(MAX_PER_PAGE, request.per_page))
    request.page = max(1, request.page)
    parsed = parse(request.q)
    page = SearchPage(request=request, parsed=parsed)
    # Take this request's database connection before waiting for a turn. Threads waiting for a
    # turn each hold theirs; a search holding the turn that then asked the pool for one could
    # wait for them until the pool gives up (with 32 threads and the pool's 15 connections).
    db.session.connection()
    try:
        with search_gate.turn(current_app.config.get("SEARCH_CONCURRENCY", 0)), _snapshot() as view:
            _answer(view, user, request, parsed, page)
    except index.IndexUnavailable as exc:
        page.unavailable = exc.reason
        return page
    except index.DAMAGE_ERRORS as exc:
        if not index.confirm_damage(_index_dir(), exc):
            raise
        outbox.wake_background()  # the catch-up thread rebuilds it
        page.unavailable = "corrupt"
        return page
    page.elapsed_ms = (time.perf_counter() - started) * 1000
    return page


def _answer(view, user, request: SearchRequest, parsed: ParsedQuery, page: SearchPage) -> None:
    access = access_for(user)
    offset = (request.page - 1) * request.per_page
    field_name = SCOPES.get(request.scope, engine.CONTENT)
    exact = parsed.has_accents and not request.ignore_accents

    allowed = engine.allowed_mask(view, access, request.filters)

    def run(exact_accents: bool, any_word: bool = False) -> engine.Evaluation:
        return engine.evaluate(view, parsed, access, request.filters, request.sort, offset, request.per_page,
                               any_word=any_word, exact=exact_accents, field_name=field_name, allowed=allowed)

    result = run(exact)
    if exact and result.total == 0:
        # Typed accents are meant, but when no record holds those forms, the accent-free
        # matches are better than nothing (said on the page).
        relaxed = run(False)
        if relaxed.total:
            result, exact, page.accents_relaxed = relaxed, False, True
    elif exact:
        page.more_without_accents = engine.count(view, parsed, allowed, False, field_name) - result.total
    if result.total == 0 and not parsed.is_empty:
        page.suggestion = _suggest_correction(view, parsed, allowed)
        if len(parsed.groups) > 1 and not parsed.number_keys:  # a missing number is not "some of the words"
            fallback = run(exact, any_word=True)
            if exact and not fallback.total:
                fallback = run(False, any_word=True)
                page.accents_relaxed = bool(fallback.total)
                exact = False
            if fallback.total:
                result = fallback
    page.total = result.total
    page.any_word = result.any_word
    page.facets = _label_facets(result.facets)
    page.hits = _hits(view, user, parsed, result, exact)


def _rows_of(stored: list[dict]) -> dict[tuple[str, int], object]:
    """The database rows of these index hits by (kind, id), one load per kind, as a result list
    needs them (``Source.listed``); a record gone from the database is missing."""
    by_kind: dict[str, list[int]] = {}
    for fields in stored:
        by_kind.setdefault(fields["kind"], []).append(fields["record_id"])
    rows = {}
    for kind, ids in by_kind.items():
        source = SOURCES.get(kind)
        if source is not None:
            rows.update({(kind, row.id): row for row in (source.listed or source.load)(ids)})
    return rows


def _readable_row(user, rows: dict, fields: dict):
    """(row, source) of one index hit when the database has it and ``user`` may read it, else None:
    the index may be behind the database, and never shows what the database says not to."""
    row, source = rows.get((fields["kind"], fields["record_id"])), SOURCES.get(fields["kind"])
    if row is None or source is None or not source.readable(user, row):
        return None
    return row, source


def _hits(view, user, parsed: ParsedQuery, result: engine.Evaluation, exact: bool) -> list[Hit]:
    stored = [view.searcher.stored_fields(docnum) for docnum in result.docnums]
    rows = _rows_of(stored)
    documents = [row for (kind, _), row in rows.items() if kind == "document"]
    validities = validity.for_documents(documents, user) if documents else {}
    marks = Highlighter(parsed, exact)
    hits = []
    for fields, score, phrase in zip(stored, result.scores, result.phrase or [0] * len(stored)):
        kind, record_id = fields["kind"], fields["record_id"]
        found = _readable_row(user, rows, fields)
        if found is None:
            continue
        row, source = found
        title = getattr(row, "title", "") or ""
        text = "\n".join(p for p in (getattr(row, "summary", ""), source.text(row)) if p)
        date_value = fields.get("date") or 0
        valid = validities.get(record_id) if kind == "document" else None
        hits.append(Hit(
            kind=kind, id=record_id, title=title, title_html=marks.title(title),
            number=fields.get("number_display"), url=source.url(record_id),
            snippets=marks.snippets(text, count=2), score=score, issuer=fields.get("issuer") or "",
            date=date(date_value // 10000, date_value // 100 % 100, date_value % 100) if date_value else None,
            status=valid.status if valid is not None else getattr(row, "status_label", None),
            status_note=valid.note if valid is not None else "",
            doc_type=getattr(row, "doc_type", None) if kind == "document" else None, phrase=phrase,
        ))
    return hits


def _label_facets(facets: dict[str, dict[str, int]]) -> dict[str, list[tuple[str, str, int]]]:
    field_names = {str(f.id): f.name for f in db.session.scalars(db.select(ReformField))}
    labelled = {}
    for name, counts in facets.items():
        def label(value, name=name):
            if name == "kind":
                return KINDS.get(value, value)
            if name == "category":
                return CATEGORIES.get(value) or KINDS.get(value, value)
            if name == "fields":
                return field_names.get(value, value)
            return value

        items = [(value, label(value), count) for value, count in counts.items()]
        if name == "year":
            items.sort(key=lambda item: item[0], reverse=True)
        else:
            items.sort(key=lambda item: (-item[2], item[1]))
        labelled[name] = items
    return labelled


def _suggest_correction(view, parsed: ParsedQuery, allowed) -> str | None:
    """Return a corrected query built only from words in records the user may read, or None."""
    return correct(view, parsed, allowed)


def suggest(user, text: str, limit: int = 8) -> list[dict]:
    """Return up to ``limit`` readable records matching what has been typed so far
    (title and URL), for autocomplete."""
    page = search(user, SearchRequest(q=text, per_page=limit))
    return [{"title": hit.title, "number": hit.number, "url": hit.url, "kind": hit.kind} for hit in page.hits]


RELATED_TERMS = 12  # "more like this" asks for the seed's rarest syllables, not all of them


def related(user, kind: str, record_id: int, limit: int = 5, record=None) -> list[Hit]:
    """Return records like this one, readable by ``user``, itself excluded: ranked by the
    ``RELATED_TERMS`` syllables of its title and summary that the fewest other records hold
    (a page's side list: titles and links, no snippets or validity). ``record``: the row when the
    caller has it. Empty when the record is gone or the index cannot answer."""
    rows = [record] if record is not None else (SOURCES[kind].listed or SOURCES[kind].load)([record_id])
    if not rows:
        return []
    row = rows[0]
    seed = " ".join(p for p in (getattr(row, "title", ""), getattr(row, "summary", "")) if p)
    parsed = parse(seed[:600])
    try:
        with _snapshot() as view:
            query = engine.distinctive(view, parsed, RELATED_TERMS)
            result = engine.evaluate(view, query, access_for(user), engine.Filters(), "relevance", 0, limit + 1,
                                     any_word=True, with_facets=False, exact=False, positions=False)
            stored = [view.searcher.stored_fields(docnum) for docnum in result.docnums]
    except index.IndexUnavailable:
        return []
    others = [(f, score) for f, score in zip(stored, result.scores) if (f["kind"], f["record_id"]) != (kind, record_id)]
    rows_by_key = _rows_of([f for f, _score in others])
    hits = []
    for fields, score in others:
        found = _readable_row(user, rows_by_key, fields)
        if found is None:
            continue
        other, source = found
        title = getattr(other, "title", "") or ""
        hits.append(Hit(kind=fields["kind"], id=fields["record_id"], title=title, title_html=Markup.escape(title),
                        number=fields.get("number_display"), url=source.url(fields["record_id"]), snippets=[],
                        date=None, issuer=fields.get("issuer") or "", score=score))
    return hits[:limit]


def index_health() -> dict:
    """Return what an operator needs to know about the index of this node, never raising:
    ``state`` (``ok``, ``missing``, ``schema``, ``corrupt``, ``rebuilding``), ``reason``,
    ``folder``, ``segments``, ``records``, ``applied_change``, ``pending_changes`` (changes
    committed in the database and not yet searchable; None when unknown),
    ``last_commit_age_seconds``, ``rebuilding`` and ``merging`` (bools)."""
    index_dir = _index_dir()
    report = {"state": "ok", "reason": None, "folder": index.current_name(index_dir), "segments": 0,
              "records": 0, "applied_change": 0, "pending_changes": None, "last_commit_age_seconds": None,
              "rebuilding": outbox.rebuild_running(index_dir), "merging": merge.running(index_dir)}
    try:
        with index.searchers.snapshot(index_dir) as view:
            report["segments"] = len(view.leaves)
            report["records"] = int(view.alive.sum())
    except index.IndexUnavailable as exc:
        report["state"], report["reason"] = exc.reason.split(":")[0], exc.reason
    if report["folder"]:
        path = os.path.join(index_dir, report["folder"])
        if report["state"] == "ok":
            try:
                outbox.check_follows(db.session, outbox.load_state(path))
            except index.IndexUnavailable as exc:
                report["state"], report["reason"] = "mismatch", exc.reason
            except Exception:  # noqa: BLE001 - the database may be down: the health check says so elsewhere
                with contextlib.suppress(Exception):
                    db.session.rollback()
        report["applied_change"] = outbox.applied_id(path)
        try:
            report["last_commit_age_seconds"] = max(0.0, time.time() - os.path.getmtime(
                os.path.join(path, outbox.APPLIED_FILE)))
        except OSError:
            pass
    try:
        report["pending_changes"] = outbox.pending()
    except Exception:  # noqa: BLE001 - the database may be down: the health check says so elsewhere
        with contextlib.suppress(Exception):
            db.session.rollback()
    if report["rebuilding"] and report["state"] != "ok":
        report["state"] = "rebuilding"
    return report


def status() -> str | None:
    """Return None when the index can answer, else why not (``missing``, ``schema``, ``corrupt: …``)."""
    try:
        with _snapshot():
            return None
    except index.IndexUnavailable as exc:
        return exc.reason


# Writing

def index_records(kind: str, ids: list[int]) -> None:
    """Write the database's current state of these records into the index now (add, replace or
    remove), outside the outbox; normal changes are queued by ``app.search.tracking``."""
    if not ids:
        return
    index_dir = _index_dir()
    with index.write_lock(index_dir):
        writer = index.writer(index.open_current(index_dir))
        try:
            with outbox.own_session() as session:
                outbox.apply_records(writer, kind, ids, session)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise


def remove_record(kind: str, record_id: int) -> None:
    """Remove one record from the index (whatever the database says)."""
    index_dir = _index_dir()
    with index.write_lock(index_dir):
        ix = index.open_current(index_dir)
        writer = index.writer(ix)
        writer.delete_by_term("uid", f"{kind}:{record_id}")
        writer.commit()


@dataclass
class VerifyReport:
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)   # segment files changed or unreadable
    mismatch: str | None = None                        # the index follows another (or a restored) database
    unavailable: str | None = None

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.damaged or self.mismatch or self.unavailable)


def verify() -> VerifyReport:
    """Compare the index with the database and check its files: records missing from it, stale
    in it, or extra; segment files whose size or CRC-32 is not what their commit wrote; an
    index that follows another database. Never raises for a damaged index: it says what is wrong."""
    report = VerifyReport()
    index_dir = _index_dir()
    name = index.current_name(index_dir)
    if name is None:
        report.unavailable = "missing"
        return report
    path = os.path.join(index_dir, name)
    try:
        ix = index.open_current(index_dir)
    except index.IndexUnavailable as exc:
        report.unavailable = exc.reason
        with contextlib.suppress(Exception):
            report.damaged = index.current_problems(storage.open_index(path), path, full=True)
        return report
    report.damaged = index.current_problems(ix, path, full=True)
    try:
        outbox.check_follows(db.session, outbox.load_state(path))
    except index.IndexUnavailable as exc:
        report.mismatch = exc.reason
    indexed: dict[str, int] = {}
    try:
        with ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                indexed[fields["uid"]] = fields.get("version")
    except index.DAMAGE_ERRORS as exc:
        report.damaged.append(f"stored fields unreadable ({exc.__class__.__name__}: {exc})")
        return report
    for kind, source in SOURCES.items():
        for record_id, version in source.live_versions():
            uid = f"{kind}:{record_id}"
            found = indexed.pop(uid, None) if uid in indexed else "missing"
            if found == "missing":
                report.missing.append(uid)
            elif found != version:
                report.stale.append(uid)
    report.extra = sorted(indexed)
    return report
