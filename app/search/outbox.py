"""Keeping the index in step with the database, which is the single source of truth.

Every change that affects search writes an ``IndexChange`` row in the same transaction as
the change (``note_change``). An index applies the rows in id order and stores the last id
it applied next to its files (``applied``), under the cross-process write lock:

- a change rolled back never has a row, so it is never indexed;
- a change committed but not yet applied (busy index, failure, process killed) stays pending
  and is applied by the next ``sync`` — after commit in the request, by the background
  catch-up thread of any process, by ``flask search sync``, or by a rebuild;
- re-applying is harmless: a record is always re-read from the database as it is now;
- each node of a cluster keeps its own index and ``applied`` id and catches up the same way.
"""
from __future__ import annotations

import logging
import os
import threading
import time

from flask import current_app
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import IndexChange
from app.search import index
from app.search.records import SOURCES

log = logging.getLogger(__name__)
APPLIED_FILE = "applied"
SYNC_BATCH = 2000
BULK_THRESHOLD = 2000


def note_change(kind: str, record_id: int) -> None:
    """Record, in the caller's transaction, that a record changed in a way search must see."""
    db.session.add(IndexChange(kind=kind, record_id=record_id))


def applied_id(index_path: str) -> int:
    """The last change id this index folder has applied (0 for a new index)."""
    try:
        with open(os.path.join(index_path, APPLIED_FILE), encoding="ascii") as fh:
            return int(fh.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def write_applied(index_path: str, value: int) -> None:
    tmp = os.path.join(index_path, f".{APPLIED_FILE}.tmp")
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(f"{value}\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, os.path.join(index_path, APPLIED_FILE))


def latest_change_id() -> int:
    return db.session.scalar(db.select(db.func.max(IndexChange.id))) or 0


def own_session() -> Session:
    """A session of its own, so reading records for the index never touches (or detaches)
    the objects of the request that just committed."""
    return Session(db.engine, expire_on_commit=False)


def apply_records(writer, kind: str, ids, session: Session) -> None:
    """Write the current database state of these records (or their removal) into ``writer``."""
    source = SOURCES[kind]
    ids = sorted(set(ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = {row.id: row for row in source.load(chunk, session)}
        for record_id in chunk:
            if record_id in rows:
                writer.update_document(**source.fields(rows[record_id]))
            else:
                writer.delete_by_term("uid", f"{kind}:{record_id}")
        session.expunge_all()


def apply_pending(ix, index_path: str, after: int | None = None) -> int:
    """Apply every change after ``after`` (default: what the folder applied) to ``ix``;
    the caller holds the write lock. Returns how many change rows were applied."""
    with own_session() as session:
        return _apply_pending(session, ix, index_path, after)


def _apply_pending(session: Session, ix, index_path: str, after: int | None) -> int:
    last = applied_id(index_path) if after is None else after
    total = 0
    while True:
        rows = session.execute(
            db.select(IndexChange.id, IndexChange.kind, IndexChange.record_id)
            .where(IndexChange.id > last).order_by(IndexChange.id).limit(SYNC_BATCH)).all()
        if not rows:
            break
        by_kind: dict[str, set[int]] = {}
        for _id, kind, record_id in rows:
            if kind in SOURCES:
                by_kind.setdefault(kind, set()).add(record_id)
        many = sum(len(ids) for ids in by_kind.values()) >= BULK_THRESHOLD
        procs = max(1, min(2, os.cpu_count() or 1)) if many else 1
        writer = ix.writer(procs=procs, limitmb=96, multisegment=True, timeout=30.0) if procs > 1 \
            else index.writer(ix)
        try:
            for kind, ids in by_kind.items():
                apply_records(writer, kind, ids, session)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        last = rows[-1][0]
        write_applied(index_path, last)
        total += len(rows)
        session.rollback()  # end the read transaction between batches
    return total


def sync(lock_timeout: float = 30.0) -> int:
    """Bring the active index up to date with the database; return how many changes were applied.

    Raises ``IndexBusy`` when another process holds the writer longer than ``lock_timeout``
    and ``IndexUnavailable`` when there is no usable index (then it needs a rebuild).
    """
    index_dir = current_app.config["INDEX_DIR"]
    if index.current_name(index_dir) is None and _live_records() <= SMALL_REBUILD:
        from app.search import service

        service.rebuild()  # a new portal, or a small one: building from scratch is quick and exact
    with index.write_lock(index_dir, timeout=lock_timeout):
        ix = index.open_current(index_dir)
        path = os.path.join(index_dir, index.current_name(index_dir))
        return apply_pending(ix, path)


SMALL_REBUILD = 500


def _live_records() -> int:
    return sum(sum(1 for _ in source.live_versions()) for source in SOURCES.values())


def pending() -> int | None:
    """How many changes the active index has not applied yet (None when there is no index)."""
    index_dir = current_app.config["INDEX_DIR"]
    name = index.current_name(index_dir)
    if name is None:
        return None
    last = applied_id(os.path.join(index_dir, name))
    return db.session.scalar(db.select(db.func.count(IndexChange.id)).where(IndexChange.id > last)) or 0


def sync_after_commit() -> None:
    """Called after a request committed changes: apply them now if the index is free;
    otherwise leave them queued for the background catch-up (never an error for the user)."""
    try:
        sync(lock_timeout=current_app.config.get("SEARCH_SYNC_WAIT", 2.0))
    except Exception:  # noqa: BLE001 - queued changes are retried by the background catch-up
        log.warning("index sync deferred", exc_info=True)
        _wake_background()


# Background catch-up: one thread per process, started with the first request.

_background: dict[str, object] = {}
_background_lock = threading.Lock()


def _wake_background() -> None:
    event = _background.get("event")
    if event is not None:
        event.set()


def start_background(app) -> None:
    """Start (once per process) the thread that applies queued changes, with backoff on
    failure, and rebuilds a missing, corrupt or outdated index in the background."""
    with _background_lock:
        if _background.get("pid") == os.getpid():
            return
        event = threading.Event()
        _background.update(pid=os.getpid(), event=event)
        thread = threading.Thread(target=_loop, args=(app, event), name="search-sync", daemon=True)
        thread.start()


def _loop(app, event: threading.Event) -> None:
    interval = app.config.get("SEARCH_SYNC_INTERVAL", 1.0)
    delay = interval
    while True:
        event.wait(delay)
        event.clear()
        with app.app_context():
            try:
                try:
                    sync(lock_timeout=5.0)
                except index.IndexUnavailable:
                    rebuild_in_background(app)
                delay = interval
            except index.IndexBusy:
                delay = interval
            except Exception:  # noqa: BLE001
                log.exception("background index sync failed; retrying")
                delay = min(60.0, delay * 2)
            finally:
                db.session.remove()


REBUILD_LOCK = "rebuild.lock"


def rebuild_in_background(app) -> bool:
    """Rebuild the index unless another process already is (non-blocking lock). Returns True
    when this call did the rebuild."""
    import fcntl

    from app.search import service

    index_dir = app.config["INDEX_DIR"]
    os.makedirs(index_dir, exist_ok=True)
    fd = os.open(os.path.join(index_dir, REBUILD_LOCK), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        try:
            index.open_current(index_dir)
            return False  # someone else finished it meanwhile
        except index.IndexUnavailable:
            pass
        log.warning("search index unusable: rebuilding in the background")
        started = time.time()
        service.rebuild()
        log.warning("search index rebuilt in %.1f s", time.time() - started)
        return True
    finally:
        os.close(fd)


def rebuilding(app) -> bool:
    """True while some process holds the rebuild lock."""
    import fcntl

    path = os.path.join(app.config["INDEX_DIR"], REBUILD_LOCK)
    if not os.path.exists(path):
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
