"""The index under real use: threads searching while others save and merge, caches that follow
the live segments, damaged files, rebuilds by hand during a rebuild, a restored database."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

from app.extensions import db
from app.models import IndexChange, User
from app.search import arrays, merge, outbox, storage, upkeep
from app.search import index as search_index


def _reader(app, username="lan"):
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.username == username)).id


def _search(app, user_id, q, **kwargs):
    from app import search

    with app.test_request_context():
        user = db.session.get(User, user_id)
        return search.search(user, search.SearchRequest(q=q, **kwargs))


def _active_path(app) -> str:
    index_dir = app.config["INDEX_DIR"]
    return os.path.join(index_dir, search_index.current_name(index_dir))


def _segment_ids(app) -> set[str]:
    with app.app_context():
        return {s.segment_id() for s in search_index.open_current(app.config["INDEX_DIR"])._segments()}


@pytest.fixture
def small_merges(monkeypatch):
    """Merge as soon as there are three small segments (the real policy waits for ten)."""
    monkeypatch.setattr(merge, "SMALL_COUNT", 3)


def test_threads_search_while_others_save_and_merge(app, make_user, make_document, small_merges):
    make_user("lan")
    for i in range(6):
        make_document(title=f"Kế hoạch cải cách hành chính số {i}", body="Rà soát thủ tục hành chính một cửa.")
    user_id = _reader(app)
    errors, totals = [], []
    stop = threading.Event()

    def searching():
        try:
            while not stop.is_set():
                page = _search(app, user_id, "cải cách hành chính")
                assert page.unavailable is None
                totals.append(page.total)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def saving():
        try:
            for i in range(24):
                make_document(title=f"Báo cáo cải cách hành chính đợt {i}", body="Kết quả thực hiện.")
                if i % 4 == 3:
                    merge.merge_once(app.config["INDEX_DIR"])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    readers = [threading.Thread(target=searching) for _ in range(4)]
    writer = threading.Thread(target=saving)
    for thread in readers + [writer]:
        thread.start()
    writer.join(timeout=300)
    stop.set()
    for thread in readers:
        thread.join(timeout=60)
    assert not errors, errors
    assert totals and min(totals) >= 6 and max(totals) <= 30
    # Every save is searchable at the end, through the merged segments.
    assert _search(app, user_id, "cải cách hành chính").total == 30
    assert len(_segment_ids(app)) < 30


def test_cached_arrays_follow_the_live_segments(app, make_user, make_document, small_merges):
    make_user("lan")
    user_id = _reader(app)
    for i in range(5):
        make_document(title=f"Quy chế làm việc số {i}", body="Quy chế nội bộ về tiếp công dân.")
        assert _search(app, user_id, "quy chế tiếp công dân").total == i + 1
    assert arrays.CACHE.segments() == _segment_ids(app)

    merge.merge_all(app.config["INDEX_DIR"])
    assert _search(app, user_id, "quy chế tiếp công dân").total == 5
    assert arrays.CACHE.segments() == _segment_ids(app)

    with app.app_context():
        from app import search

        search.rebuild()
    assert _search(app, user_id, "quy chế tiếp công dân").total == 5
    assert arrays.CACHE.segments() == _segment_ids(app)


def test_a_truncated_segment_crashes_no_process_and_is_rebuilt(app, app_config, make_user, make_document):
    """A process that has the index open keeps running when a segment file is cut short under
    it (memory-mapped files would kill it with SIGBUS); the search says the index is being
    rebuilt, the catch-up rebuilds it, and search answers again."""
    make_user("lan")
    for i in range(30):
        make_document(title=f"Văn bản hướng dẫn số {i}", body="Hướng dẫn chấm điểm chỉ số cải cách hành chính. " * 40)
    segment = max((os.path.join(_active_path(app), f) for f in os.listdir(_active_path(app)) if f.endswith(".seg")),
                  key=os.path.getsize)
    go = os.path.join(app_config["INSTANCE_PATH"], "truncated")
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {os.getcwd()!r})
        from app import create_app, search
        from app.extensions import db
        from app.models import User
        app = create_app({dict(app_config)!r})
        with app.test_request_context():
            user = db.session.scalar(db.select(User).where(User.username == "lan"))
            before = search.search(user, search.SearchRequest(q="tạo lập"))  # opens the index
            print("before", before.unavailable, flush=True)
            while not os.path.exists({go!r}):
                time.sleep(0.02)
            after = search.search(user, search.SearchRequest(q="chỉ số cải cách hành chính"))
            print("after", after.unavailable, flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while True:
            line = child.stdout.readline()
            assert line, child.stderr.read()
            if line.startswith("before"):
                break
        with open(segment, "r+b") as fh:
            fh.truncate(os.path.getsize(segment) // 3)
        open(go, "w").close()
        out, err = child.communicate(timeout=120)
    finally:
        child.kill()
    assert child.returncode == 0, err  # not -7 (SIGBUS)
    assert "after corrupt" in out, out + err

    user_id = _reader(app)
    assert _search(app, user_id, "hướng dẫn").unavailable.startswith("corrupt")
    assert upkeep.upkeep_once(app, merge_inline=True) == "rebuilt"
    page = _search(app, user_id, "chỉ số cải cách hành chính")
    assert page.unavailable is None and page.total == 30
    with app.app_context():
        from app import search

        assert search.verify().clean


def test_verify_names_a_damaged_segment(app, make_user, make_document):
    make_user("lan")
    make_document(title="Quy trình tiếp công dân", body="Tiếp công dân định kỳ.")
    segment = next(os.path.join(_active_path(app), f) for f in os.listdir(_active_path(app)) if f.endswith(".seg"))
    with open(segment, "r+b") as fh:  # same size, other bytes: only the checksum can tell
        fh.seek(os.path.getsize(segment) // 2)
        original = fh.read(4)
        fh.seek(os.path.getsize(segment) // 2)
        fh.write(bytes(b ^ 0xFF for b in original))
    result = app.test_cli_runner().invoke(args=["search", "verify"])
    assert result.exit_code == 1
    assert "hỏng:" in result.output and "CRC-32" in result.output


def test_rebuild_by_hand_during_a_background_rebuild(app, make_user, make_document, monkeypatch):
    """The admin's ``flask search rebuild`` while another rebuild fills its folder: it waits for
    it, then rebuilds; nothing crashes, one index folder is left, and it is exact."""

    make_user("lan")
    for i in range(12):
        make_document(title=f"Thông báo kết luận số {i}", body="Kết luận kiểm tra công tác cải cách hành chính.")
    monkeypatch.setattr(outbox, "REBUILD_BATCH", 2)
    started, release = threading.Event(), threading.Event()
    results, errors = [], []

    def slow_progress(_kind, _count):
        started.set()
        release.wait(30)

    def background():
        try:
            with app.app_context():
                results.append(outbox.rebuild(progress=slow_progress, wait=False))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    thread = threading.Thread(target=background)
    thread.start()
    assert started.wait(30)
    by_hand = {}

    def manual():
        by_hand["result"] = app.test_cli_runner().invoke(args=["search", "rebuild"])

    manual_thread = threading.Thread(target=manual)
    manual_thread.start()
    manual_thread.join(timeout=1)
    assert manual_thread.is_alive()  # waiting for the rebuild in progress
    release.set()
    thread.join(timeout=60)
    manual_thread.join(timeout=60)
    assert not errors and results and results[0] is not None
    result = by_hand["result"]
    assert result.exit_code == 0, result.output
    assert "đang dựng lại" in result.output and "Đã dựng lại chỉ mục" in result.output
    folders = [f for f in os.listdir(app.config["INDEX_DIR"]) if f.startswith("ix-")]
    assert folders == [search_index.current_name(app.config["INDEX_DIR"])]
    assert app.test_cli_runner().invoke(args=["search", "verify"]).exit_code == 0


def _restore_to(app, last_change: int, keep_documents: set[int]) -> None:
    """Put the database back as a backup taken when ``last_change`` was the newest change would:
    later documents and changes gone, and the change ids handed out again."""
    from app.models import Document

    with app.app_context():
        later = [d for d in db.session.scalars(db.select(Document)) if d.id not in keep_documents]
        for document in later:
            db.session.delete(document)
        db.session.execute(db.delete(IndexChange).where(IndexChange.id > last_change))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("SELECT setval('index_changes_id_seq', :n)"), {"n": last_change})
            db.session.commit()


def test_a_restored_older_database_gets_a_rebuilt_index(app, make_user, make_document):
    make_user("lan")
    user_id = _reader(app)
    kept = {make_document(title=f"Kế hoạch kiểm tra số {i}", body="Kiểm tra công vụ.") for i in range(3)}
    with app.app_context():
        backup_change = outbox.latest_change_id()
    for i in range(4):  # saved after the backup, then lost with the restore
        make_document(title=f"Quyết định khen thưởng số {i}", body="Khen thưởng tập thể.")
    assert _search(app, user_id, "khen thưởng").total == 4
    _restore_to(app, backup_change, kept)

    # Saves after the restore reuse the lost change ids: the index must not take them as applied.
    fresh = [make_document(title=f"Công văn đôn đốc số {i}", body="Đôn đốc báo cáo.") for i in range(2)]
    with app.app_context():
        from app import search

        assert search.verify().mismatch
        assert search.index_health()["state"] == "mismatch"
    assert upkeep.upkeep_once(app, merge_inline=True) == "rebuilt"
    assert _search(app, user_id, "khen thưởng").total == 0
    assert {h.id for h in _search(app, user_id, "đôn đốc").hits} == set(fresh)
    make_document(title="Công văn đôn đốc bổ sung", body="Đôn đốc báo cáo quý.")
    assert _search(app, user_id, "đôn đốc").total == 3
    with app.app_context():
        from app import search

        assert search.verify().clean


def test_another_database_is_never_trusted(app, make_user, make_document):
    make_user("lan")
    make_document(title="Quy chế phối hợp", body="Phối hợp giữa các đơn vị.")
    with app.app_context():
        from app.models import DatabaseIdentity

        db.session.get(DatabaseIdentity, 1).uuid = "00000000-0000-0000-0000-000000000000"
        db.session.commit()
        assert outbox.needs_rebuild(app.config["INDEX_DIR"]).startswith("mismatch")
    assert upkeep.upkeep_once(app, merge_inline=True) == "rebuilt"
    with app.app_context():
        assert outbox.needs_rebuild(app.config["INDEX_DIR"]) is None


def test_index_files_are_never_memory_mapped(app, make_user, make_document):
    make_user("lan")
    make_document(title="Quy trình một cửa", body="Tiếp nhận hồ sơ.")
    with app.app_context():
        ix = search_index.open_current(app.config["INDEX_DIR"])
        assert isinstance(ix.storage, storage.SafeFileStorage) and not ix.storage.supports_mmap
        with ix.reader() as reader:
            assert all(isinstance(r._storage.a._file, storage.PreadFile) and r._storage.a._source is None
                       for r, _offset in reader.leaf_readers())


def test_opening_the_index_while_merges_replace_segments_finds_no_damage(app, make_user, make_document,
                                                                        small_merges):
    """A merge deletes the files of the segments it replaced right after its commit: a process
    that read the previous table of contents a moment before must not call the index damaged."""
    make_user("lan")
    make_document(title="Thông báo lịch họp", body="Họp giao ban.")
    index_dir = app.config["INDEX_DIR"]
    stop = threading.Event()
    problems = []

    def opening():
        while not stop.is_set():
            try:
                search_index.open_current(index_dir)
            except search_index.IndexUnavailable as exc:
                problems.append(exc.reason)
                return

    opener = threading.Thread(target=opening)
    opener.start()
    try:
        for i in range(30):
            make_document(title=f"Thông báo lịch họp số {i}", body="Họp giao ban.")
            merge.merge_once(index_dir)
    finally:
        stop.set()
        opener.join(timeout=30)
    assert problems == []
    assert search_index.damage_reason(_active_path(app)) is None


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_an_index_file_dropped_without_close_gives_its_descriptor_back(tmp_path):
    """Whoosh drops some files without closing them (readers opened before a failure); like
    Python's own files, ours close their descriptor when collected."""
    import gc

    (tmp_path / "segment").write_bytes(b"0123456789" * 100)
    before = _open_descriptors()
    opened = storage.SafeFileStorage(str(tmp_path)).open_file("segment")
    part = opened.subset(10, 20)
    assert part.get(0, 4) == b"0123" and _open_descriptors() == before + 1
    del opened, part
    gc.collect()
    assert _open_descriptors() == before


def test_a_segment_vanishing_while_a_searcher_opens_leaks_no_descriptor(app, make_user, make_document,
                                                                        monkeypatch):
    """A merge by another process deletes a segment file while this one opens its searcher: the
    opening is retried, and the segments already opened by the failed attempt are let go."""
    import gc

    make_user("lan")
    for i in range(4):
        make_document(title=f"Quy chế số {i}", body="Quy chế làm việc.")
    user_id = _reader(app)
    search_index.searchers.clear()
    gc.collect()
    before = _open_descriptors()
    real_open = storage.SafeFileStorage.open_file
    segments = sorted(f for f in os.listdir(_active_path(app)) if f.endswith(".seg"))
    failed = []

    def open_file(self, name, **kwargs):
        if name == segments[-1] and not failed:
            failed.append(name)
            raise FileNotFoundError(name)
        return real_open(self, name, **kwargs)

    monkeypatch.setattr(storage.SafeFileStorage, "open_file", open_file)
    assert _search(app, user_id, "quy chế").total == 4 and failed
    search_index.searchers.clear()
    gc.collect()
    assert _open_descriptors() == before
