"""Merging small index segments into larger ones, away from the saves' write lock.

Every commit adds a segment, and a query reads each term once per segment: hundreds of small
segments (a day of saves) slow every search. A merge rewrites some segments as one:

1. holding only ``merge.lock`` (one merge at a time per index), not the write lock: the chosen
   segments are read and written as one new segment in a scratch folder beside the index;
2. under the write lock, for a moment: if the chosen segments are all still there, deletions
   made meanwhile (edits, removals) are carried over, the new segment's file is moved in and the
   table of contents lists it in their place.

Saves keep committing throughout and wait at most for step 2 (a rename and a table of
contents). Web processes never merge in a request or in their catch-up thread: that thread
starts ``python -m app.search.merge INDEX_DIR`` (no database needed) when the policy asks for a
merge; ``flask search worker``, imports and ``flask search merge`` merge in their own process.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import time
import uuid

from whoosh.reading import SegmentReader

from app.search import index, storage
from app.search.whoosh_adapter import segments

log = logging.getLogger(__name__)

MERGE_LOCK = "merge.lock"
SMALL, SMALL_COUNT = 1_000, 10        # segments under 1,000 live records: merged once there are 10
MEDIUM, MEDIUM_COUNT = 25_000, 24     # under 25,000: merged (up to 25,000 at once) once there are 24
DELETED_SHARE = 0.3                   # a segment with this share of deleted records is rewritten


def plan(segments) -> list:
    """The segments to merge now (empty when none should be)."""
    by_size = sorted(segments, key=lambda s: s.doc_count())
    small = [s for s in by_size if s.doc_count() < SMALL]
    if len(small) >= SMALL_COUNT:
        return _up_to(small, MEDIUM)
    medium = [s for s in by_size if s.doc_count() < MEDIUM]
    if len(medium) >= MEDIUM_COUNT:
        return _up_to(medium, MEDIUM)
    for segment in by_size:
        total = segment.doc_count_all()
        if total >= SMALL and segment.deleted_count() >= DELETED_SHARE * total:
            return [segment]
    return []


def _up_to(segments, limit: int) -> list:
    chosen, total = [], 0
    for segment in segments:
        if len(chosen) >= 2 and total + segment.doc_count() > limit:
            break
        chosen.append(segment)
        total += segment.doc_count()
    return chosen if len(chosen) >= 2 else []


def wanted(index_dir: str) -> bool:
    """Whether the active index has segments the policy would merge (cheap: reads the table of contents)."""
    try:
        return bool(plan(segments(index.open_current(index_dir))))
    except index.IndexUnavailable:
        return False


def running(index_dir: str) -> bool:
    """Whether some process is merging this index right now."""
    return index.is_held(index_dir, MERGE_LOCK)


def merge_once(index_dir: str) -> dict | None:
    """Merge what the policy chooses; return what was done, or None (nothing to merge, another
    merge running, or the index changed under it: a rebuild, another merge)."""
    with index.held(index_dir, MERGE_LOCK, wait=False) as mine:
        if not mine:
            return None
        name = index.current_name(index_dir)
        ix = index.open_current(index_dir)
        chosen = plan(segments(ix))
        if not chosen:
            return None
        started = time.monotonic()
        scratch = os.path.join(index_dir, f"merge-{uuid.uuid4().hex[:8]}")
        os.makedirs(scratch)
        try:
            merged, tables = _write_merged(ix, chosen, scratch)
            built = time.monotonic() - started
            swapped = _swap_in(index_dir, name, chosen, merged, tables, scratch)
        except OSError:
            if index.current_name(index_dir) != name:
                return None  # a rebuild replaced the folder (and its files) under the merge
            raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if not swapped:
            return None
        result = {"segments": len(chosen), "records": merged.doc_count(), "seconds": time.monotonic() - started,
                  "locked_seconds": time.monotonic() - started - built}
        log.info("search index merge: %(segments)d segments → one of %(records)d records in %(seconds).1f s "
                 "(write lock held %(locked_seconds).2f s)", result)
        return result


def merge_all(index_dir: str, max_rounds: int = 20) -> list[dict]:
    """Merge until the policy is satisfied (or ``max_rounds``); return what each round did."""
    done = []
    for _ in range(max_rounds):
        result = merge_once(index_dir)
        if result is None:
            break
        done.append(result)
    return done


def _write_merged(ix, chosen, scratch: str):
    """Step 1: the chosen segments' live records as one segment in ``scratch``; returns the
    new segment and, per merged segment id, its docnum → new docnum table."""
    temp = storage.SafeFileStorage(scratch).create_index(ix.schema, indexname=storage.INDEX_NAME)
    writer = index.writer(temp)
    readers = []
    tables = {}
    try:
        for segment in chosen:
            reader = SegmentReader(ix.storage, ix.schema, segment)
            readers.append(reader)
            tables[segment.segment_id()] = writer.add_segment(reader)
        writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    finally:
        for reader in readers:
            with contextlib.suppress(Exception):
                reader.close()
    return segments(temp)[0], tables


def _swap_in(index_dir: str, name: str, chosen, merged, tables, scratch: str) -> bool:
    """Step 2, under the write lock: replace the chosen segments by the merged one."""
    chosen_ids = {segment.segment_id() for segment in chosen}
    with index.write_lock(index_dir, timeout=120):
        if index.current_name(index_dir) != name:
            return False  # a rebuild switched folders meanwhile
        path = os.path.join(index_dir, name)
        live = index.writer(index.open_current(index_dir))
        try:
            present = {segment.segment_id(): segment for segment in live.segments}
            if not chosen_ids <= present.keys():
                live.cancel()
                return False  # another merge took some of them
            for sid in chosen_ids:  # records deleted (edited, removed) while step 1 ran
                table = tables[sid]
                for docnum in present[sid].deleted_docs():
                    new = int(table[docnum])
                    if new >= 0:
                        merged.delete_document(new)
            prefix = merged.segment_id()  # "MAIN_<id>": the segment's file names start with it
            for filename in os.listdir(scratch):
                if filename.startswith(prefix):
                    os.replace(os.path.join(scratch, filename), os.path.join(path, filename))

            def swap(_writer, segments):
                result, placed = [], False
                for segment in segments:
                    if segment.segment_id() not in chosen_ids:
                        result.append(segment)
                    elif not placed:
                        result.append(merged)
                        placed = True
                return result

            live.commit(mergetype=swap)
        except BaseException:
            with contextlib.suppress(Exception):
                live.cancel()
            raise
    return True


_children: list[subprocess.Popen] = []


def spawn(index_dir: str) -> bool:
    """Start a merge in a separate process (for web processes); False when one is running."""
    _children[:] = [child for child in _children if child.poll() is None]  # reap finished ones
    if _children or running(index_dir):
        return False
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    _children.append(subprocess.Popen([sys.executable, "-m", "app.search.merge", index_dir], cwd=root, env=env,
                                      stdin=subprocess.DEVNULL, start_new_session=True))
    return True


def main(argv: list[str]) -> int:
    """``python -m app.search.merge INDEX_DIR``: merge until the policy is satisfied."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s merge %(message)s")
    if len(argv) != 1:
        print("usage: python -m app.search.merge INDEX_DIR", file=sys.stderr)
        return 2
    try:
        merge_all(argv[0])
    except index.IndexUnavailable as exc:
        log.warning("no merge: index unavailable (%s)", exc.reason)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
