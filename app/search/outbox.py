"""Keeping the index in step with the database, which is the single source of truth.

Every change that affects search writes an ``IndexChange`` row in the same transaction as
the change (``app.search.tracking``, from the session's flush). An index applies the rows in id
order and stores the last id it applied next to its files (``applied``), under the cross-process
write lock:

- a change rolled back never has a row, so it is never indexed;
- a change committed but not yet applied (busy index, failure, process killed) stays pending
  and is applied by the next ``sync`` — after commit in the request, by the background
  catch-up thread of any process, by ``flask search sync``, or by a rebuild;
- re-applying is harmless: a record is always re-read from the database as it is now;
- each node of a cluster keeps its own index and ``applied`` id and catches up the same way.

An index follows one database. Its ``applied`` state also records the database's id
(``DatabaseIdentity``, written at ``flask db upgrade``) and the last change it applied with
that change's time. Another database id, or a last change the database no longer has (a backup
restored: ids are handed out again), means the index describes another database: it is not
trusted (``IndexUnavailable("mismatch: …")``) and is rebuilt.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
import uuid

from flask import current_app
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import DatabaseIdentity, IndexChange
from app.models.outbox import INTERACTIVE
from app.resilience import describe, is_outage
from app.search import index
from app.search.records import SOURCES

log = logging.getLogger(__name__)
APPLIED_FILE = "applied"
# Changes applied per index commit, at most. Each commit holds the write lock while it indexes
# (under a millisecond per record) and keeps its postings in memory: 2,000 keeps saves waiting
# at most a second or two while an import indexes, and segments large enough to rarely need a merge.
SYNC_BATCH = 2000
IMPORT_SYNC_BATCH = 1000  # an import's indexing process holds the writer for one such batch at a time
# An index commit of queued (bulk) changes is written BULK_STEP changes at a time; after each step it
# ends early when someone's change (the interactive lane) is waiting, so that change goes into the
# next commit instead of waiting for the whole batch (on a saturated server a 1,000-change batch
# took 10 s). With nobody waiting the batch is one commit: an import makes few, large segments.
BULK_STEP = 100


# Change ids come from a sequence, but concurrent transactions commit out of order: id 105 can
# be visible while id 100 is still being committed. So the applied state is "everything up to
# ``upto``, plus these ids above it", and a missing id (a gap) is waited for until GAP_TIMEOUT
# says its transaction was rolled back.
GAP_TIMEOUT = 60.0
REBUILD_OVERLAP = 1000  # a rebuild re-applies this many changes before its snapshot (in flight then)


def load_state(index_path: str) -> dict:
    """The applied state of an index folder: ``{"upto": int, "above": set, "gaps": {id: first seen},
    "database": id or None, "last": [change id, change time] or None}``."""
    try:
        with open(os.path.join(index_path, APPLIED_FILE), encoding="ascii") as fh:
            raw = json.load(fh)
        return {"upto": int(raw["upto"]), "above": set(raw.get("above", [])),
                "gaps": {int(k): float(v) for k, v in raw.get("gaps", {}).items()},
                "database": raw.get("database"), "last": raw.get("last")}
    except (OSError, ValueError, KeyError, TypeError):
        return {"upto": 0, "above": set(), "gaps": {}, "database": None, "last": None}


def save_state(index_path: str, state: dict) -> None:
    """Write the applied state of an index folder (atomically: a crash leaves the old one)."""
    tmp = os.path.join(index_path, f".{APPLIED_FILE}.tmp")
    with open(tmp, "w", encoding="ascii") as fh:
        json.dump({"upto": state["upto"], "above": sorted(state["above"]),
                   "gaps": {str(k): v for k, v in state["gaps"].items()},
                   "database": state.get("database"), "last": state.get("last")}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, os.path.join(index_path, APPLIED_FILE))


def database_id(session: Session | None = None) -> str:
    """The id of the database this process talks to (created if the row is missing)."""
    session = session or db.session
    found = session.scalar(db.select(DatabaseIdentity.uuid).where(DatabaseIdentity.id == 1))
    if found:
        return found
    with own_session() as writer:
        try:
            writer.add(DatabaseIdentity(id=1, uuid=str(uuid.uuid4())))
            writer.commit()
        except Exception:  # noqa: BLE001 - another process created it first
            writer.rollback()
    return session.scalar(db.select(DatabaseIdentity.uuid).where(DatabaseIdentity.id == 1))


def _fingerprint(session: Session, change_id: int) -> list | None:
    """``[id, time]`` of a change row (None when the database has no such row)."""
    if not change_id:
        return None
    created = session.scalar(db.select(IndexChange.created_at).where(IndexChange.id == change_id))
    return [change_id, created.isoformat()] if created else None


def check_follows(session: Session, state: dict) -> None:
    """Raise ``IndexUnavailable("mismatch: …")`` when the index state describes another database
    than the one ``session`` reads, or a later state of it (a restored backup)."""
    if state.get("database") and state["database"] != database_id(session):
        raise index.IndexUnavailable("mismatch: the index was built from another database")
    last = state.get("last")
    if last and _fingerprint(session, int(last[0])) != [int(last[0]), last[1]]:
        raise index.IndexUnavailable("mismatch: the database is older than the index (restored from a backup?)")


def applied_id(index_path: str) -> int:
    """The change id up to which this index folder has applied everything (0 for a new index)."""
    return load_state(index_path)["upto"]


def write_applied(index_path: str, value: int, session: Session | None = None) -> None:
    """Start the folder's applied state at ``value`` (a rebuild's snapshot of the database)."""
    session = session or db.session
    save_state(index_path, {"upto": value, "above": set(), "gaps": {}, "database": database_id(session),
                            "last": _fingerprint(session, value)})


def _advance(state: dict, now: float) -> None:
    """Move ``upto`` over applied ids; wait at a gap unless it is older than GAP_TIMEOUT."""
    upto, above, gaps = state["upto"], state["above"], state["gaps"]
    while above:
        following = upto + 1
        if following in above:
            above.discard(following)
            upto = following
            continue
        first_seen = gaps.setdefault(following, now)
        if now - first_seen > GAP_TIMEOUT:  # never committed: its transaction was rolled back
            gaps.pop(following)
            upto = following
            continue
        break
    state["upto"] = upto
    state["gaps"] = {k: v for k, v in gaps.items() if k > upto}


def latest_change_id(session: Session | None = None) -> int:
    """The id of the newest change row (0 when there is none)."""
    return (session or db.session).scalar(db.select(db.func.max(IndexChange.id))) or 0


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
        source.prepare(list(rows.values()), session)
        for record_id in chunk:
            if record_id in rows:
                writer.update_document(**source.fields(rows[record_id]))
            else:
                writer.delete_by_term("uid", f"{kind}:{record_id}")
        session.expunge_all()


def apply_pending(ix, index_path: str, after: int | None = None, max_batches: int | None = None,
                  batch_size: int = SYNC_BATCH) -> int:
    """Apply every change after ``after`` (default: what the folder applied) to ``ix``, or the
    first ``max_batches`` batches of ``batch_size`` of them; the caller holds the write lock.
    People's changes (the interactive lane) go first, then the rest in id order. Returns how
    many change rows were applied."""
    with own_session() as session:
        return _apply_pending(session, ix, index_path, after, max_batches, batch_size)


_CHANGE_COLUMNS = (IndexChange.id, IndexChange.kind, IndexChange.record_id, IndexChange.created_at)


def _apply_rows(session: Session, ix, index_path: str, state: dict, rows, yielding: bool = False) -> int:
    """Write these change rows' records in one index commit and record them as applied; return how
    many rows that was. ``yielding``: rows are written ``BULK_STEP`` at a time and the commit comes
    as soon as someone's change waits, with the rows reached so far (the others stay pending)."""
    step = BULK_STEP if yielding else max(1, len(rows))
    written: set[tuple[str, int]] = set()  # a record written twice in one commit would be indexed twice
    done = []
    writer = index.writer(ix)
    try:
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            by_kind: dict[str, set[int]] = {}
            for _id, kind, record_id, _at in chunk:
                if kind in SOURCES and (kind, record_id) not in written:
                    by_kind.setdefault(kind, set()).add(record_id)
                    written.add((kind, record_id))
            for kind, ids in by_kind.items():
                apply_records(writer, kind, ids, session)
            done.extend(chunk)
            if yielding and len(done) < len(rows) and _people_waiting(session, state):
                break
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    state["above"].update(row[0] for row in done)
    newest = max(done, key=lambda row: row[0])
    if not state.get("last") or newest[0] > int(state["last"][0]):
        state["last"] = [newest[0], newest[3].isoformat()]
    _advance(state, time.time())
    save_state(index_path, state)
    session.rollback()  # end the read transaction between batches
    return len(done)


def _people_waiting(session: Session, state: dict) -> bool:
    """True when a change someone made (the interactive lane) is committed and not yet applied."""
    newer = session.scalars(
        db.select(IndexChange.id).where(IndexChange.lane == INTERACTIVE, IndexChange.id > state["upto"])
        .order_by(IndexChange.id).limit(len(state["above"]) + 1)).all()
    return any(change_id not in state["above"] for change_id in newer)


def _apply_interactive(session: Session, ix, index_path: str, state: dict, batch_size: int) -> int:
    """Apply the pending changes people made (the interactive lane) in one commit; return how many."""
    urgent = [row for row in session.execute(
        db.select(*_CHANGE_COLUMNS).where(IndexChange.id > state["upto"], IndexChange.lane == INTERACTIVE)
        .order_by(IndexChange.id).limit(batch_size)).all() if row[0] not in state["above"]]
    return _apply_rows(session, ix, index_path, state, urgent) if urgent else 0


def _apply_pending(session: Session, ix, index_path: str, after: int | None, max_batches: int | None = None,
                   batch_size: int = SYNC_BATCH) -> int:
    state = load_state(index_path)
    if after is not None:
        state.update(upto=after, above=set(), gaps={})
    check_follows(session, state)
    if not state.get("database"):
        state["database"] = database_id(session)
    total = 0
    offset_id = state["upto"]
    while True:
        if after is None:  # people's changes first, before every batch: never behind an import's backlog
            total += _apply_interactive(session, ix, index_path, state, batch_size)
        offset_id = max(offset_id, state["upto"])  # applying may have moved ``upto`` past it
        fetched = session.execute(
            db.select(*_CHANGE_COLUMNS).where(IndexChange.id > offset_id).order_by(IndexChange.id)
            .limit(batch_size)).all()
        rows = [row for row in fetched if row[0] not in state["above"]]
        if not rows:
            before = (state["upto"], len(state["gaps"]))
            _advance(state, time.time())
            if (state["upto"], len(state["gaps"])) != before or after is not None:
                save_state(index_path, state)
            if len(fetched) < batch_size:
                break
            offset_id = fetched[-1][0]
            continue
        # A rebuild (``after``) writes whole batches; otherwise a commit makes way for people's changes.
        applied = _apply_rows(session, ix, index_path, state, rows, yielding=after is None)
        total += applied
        if max_batches is not None:
            max_batches -= 1
        if max_batches == 0:
            break
        if applied < len(rows):
            offset_id = rows[applied - 1][0]
            continue
        if len(fetched) < batch_size:
            break
        offset_id = fetched[-1][0]
    return total


def sync(lock_timeout: float = 30.0, max_batches: int | None = None, batch_size: int = SYNC_BATCH) -> int:
    """Bring the active index up to date with the database; return how many changes were applied.
    ``max_batches``: commit at most that many batches of ``batch_size`` (after people's changes,
    which always go first) and let the write lock go (an import's indexing process, so saves get
    the writer between its batches).

    Raises ``IndexBusy`` when another process holds the writer longer than ``lock_timeout``
    and ``IndexUnavailable`` when there is no usable index (then it needs a rebuild).
    """
    index_dir = current_app.config["INDEX_DIR"]
    if index.current_name(index_dir) is None and _live_records() <= SMALL_REBUILD:
        rebuild(wait=False)  # a new portal, or a small one: building from scratch is quick and exact
    asked = time.perf_counter()
    with index.write_lock(index_dir, timeout=lock_timeout):
        locked = time.perf_counter()
        ix = index.open_current(index_dir)
        path = os.path.join(index_dir, index.current_name(index_dir))
        applied = apply_pending(ix, path, max_batches=max_batches, batch_size=batch_size)
    if applied:
        log.info("search index: applied %d changes in %.0f ms (waited %.0f ms for the writer)", applied,
                 (time.perf_counter() - locked) * 1000, (locked - asked) * 1000)
    return applied


SMALL_REBUILD = 500


def _live_records() -> int:
    with own_session() as session:
        return sum(sum(1 for _ in source.live_versions(session)) for source in SOURCES.values())


def pending() -> int | None:
    """How many changes the active index has not applied yet (None when there is no index)."""
    index_dir = current_app.config["INDEX_DIR"]
    name = index.current_name(index_dir)
    if name is None:
        return None
    state = load_state(os.path.join(index_dir, name))
    after = db.session.scalar(db.select(db.func.count(IndexChange.id)).where(IndexChange.id > state["upto"])) or 0
    return max(0, after - len(state["above"]))


def sync_after_commit() -> None:
    """Called after a request committed changes. In a web process, whose catch-up thread runs,
    the change is handed to that thread and the request returns at once: a save costs its
    database commit, not an index commit (which, under load, multiplied its time several times);
    the thread applies it within milliseconds. Elsewhere (commands, tests) it is applied now if
    the index is free within ``SEARCH_SYNC_WAIT`` seconds, else left queued. Never an error for
    the user: the change is committed and stays queued until it is applied, by any process.
    With ``SEARCH_WRITER = "worker"`` the node's ``flask search worker`` applies it: nothing here."""
    if current_app.config.get("SEARCH_WRITER", "web") == "worker":
        return
    if catch_up.running_here():
        catch_up.wake()
        return
    try:
        sync(lock_timeout=current_app.config.get("SEARCH_SYNC_WAIT", 0.25))
    except index.IndexBusy:
        log.info("index busy: change queued for the background catch-up")
        catch_up.wake()
    except index.IndexUnavailable as exc:
        log.warning("index unavailable (%s): change queued until it is rebuilt", exc.reason)
        catch_up.wake()
    except Exception as exc:  # noqa: BLE001 - queued changes are retried by the background catch-up
        if is_outage(exc):
            log.warning("index sync deferred, database unreachable: %s", describe(exc))
        else:
            log.warning("index sync deferred", exc_info=True)
        catch_up.wake()


class CatchUp:
    """This process's catch-up thread (``app.search.upkeep``), if one was started: saves hand it
    their changes instead of applying them themselves."""

    def __init__(self):
        self.pid: int | None = None
        self.event: threading.Event | None = None

    def attach(self, event: threading.Event) -> None:
        """Record that this process now runs the thread woken by ``event``."""
        self.pid, self.event = os.getpid(), event

    def running_here(self) -> bool:
        """True in the process that started the thread (not in a child forked from it)."""
        return self.pid == os.getpid()

    def wake(self) -> None:
        """Ask the thread to catch up now rather than at its next round."""
        if self.event is not None:
            self.event.set()


catch_up = CatchUp()


def wake_background() -> None:
    """Ask this process's catch-up thread, if any, to catch up now (a damaged index to rebuild)."""
    catch_up.wake()


def rebuild_running(index_dir: str) -> bool:
    """Whether some process is rebuilding this index right now."""
    return index.is_held(index_dir, index.REBUILD_LOCK)


def needs_rebuild(index_dir: str) -> str | None:
    """Why the active index cannot be used as it is (missing, damaged, outdated schema, another
    or a restored database), or None."""
    try:
        index.open_current(index_dir)
        with own_session() as session:
            check_follows(session, load_state(os.path.join(index_dir, index.current_name(index_dir))))
    except index.IndexUnavailable as exc:
        return exc.reason
    return None


# Rebuilding

REBUILD_BATCH = 5000  # records per rebuild commit (one segment each); a commit's postings are built in memory


def rebuild(progress=None, wait: bool = True, reason: str | None = None) -> dict | None:
    """Build a fresh index from the database in a new folder, then switch to it atomically.

    One rebuild at a time per index (``rebuild.lock``): with ``wait``, a rebuild already running
    is waited for and then this one runs; without, None is returned at once. Streams records in
    batches (bounded memory); searches keep using the old index meanwhile. Changes committed
    while the rebuild ran are applied just before the switch. Returns counts and timings.
    """
    index_dir = current_app.config["INDEX_DIR"]
    with index.held(index_dir, index.REBUILD_LOCK, wait=wait) as mine:
        if not mine:
            return None
        log.info("search index rebuild started%s", f" ({reason})" if reason else "")
        result = _rebuild(index_dir, progress)
        log.info("search index rebuilt: %s in %.1f s", result["counts"], result["seconds"])
        return result


def _rebuild(index_dir: str, progress) -> dict:
    started_at = time.time()
    with own_session() as session:
        snapshot_change = latest_change_id(session)  # the database as read from here on
    name, path, ix = index.new_index_folder(index_dir)
    counts = {}
    try:
        with own_session() as session:
            for kind, source in SOURCES.items():
                ids = [record_id for record_id, _version in source.live_versions(session)]
                count = 0
                for start in range(0, len(ids), REBUILD_BATCH):
                    # One commit per batch bounds the writer's memory (see SYNC_BATCH).
                    writer = index.writer(ix)
                    try:
                        count += _write_batch(writer, source, ids[start:start + REBUILD_BATCH], session)
                        writer.commit()
                    except BaseException:
                        writer.cancel()
                        raise
                    if progress:
                        progress(kind, count)
                counts[kind] = count
        with index.write_lock(index_dir, timeout=120), own_session() as session:
            # Changes committed while the rebuild ran are applied before the new index goes live.
            write_applied(path, max(0, snapshot_change - REBUILD_OVERLAP), session)
            apply_pending(ix, path)
            index.activate(index_dir, name)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    index.searchers.clear()
    return {"counts": counts, "seconds": time.time() - started_at, "folder": name}


def _write_batch(writer, source, ids, session) -> int:
    if not ids:
        return 0
    rows = source.load(ids, session)
    source.prepare(rows, session)
    for row in rows:
        writer.add_document(**source.fields(row))
    session.expunge_all()
    return len(rows)
