"""The index never drifts from the database: edits, deletes, visibility, failures after
commit, a killed process, concurrent writers, a damaged index, and two nodes."""
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest

from app.extensions import db
from app.models import Document, IndexChange
from app.search import index as search_index
from tests.conftest import PG_URL
from tests.helpers import login, page_token
from tests.search.conftest import top_ids

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _edit(client, doc_id, **changes):
    """Save the document through the real edit form; return the response."""
    import re

    html = client.get(f"/documents/{doc_id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    data = {"csrf_token": page_token(client), "category": "legal", "doc_type": "Nghị định", "issuer": "Chính phủ",
            "status": "", "visibility": "all", "title": "Văn bản", "body": "", "version": version}
    data.update(changes)
    return client.post(f"/documents/{doc_id}/edit", data=data)


def _verify(app):
    result = app.test_cli_runner().invoke(args=["search", "verify"])
    return result.exit_code, result.output


def test_edit_delete_and_narrowed_visibility_reach_search_at_once(app, make_user, make_document, make_unit):
    make_user("bientap", roles=["editor"], unit="VPC")
    make_user("tccb", unit="TCCB")
    vpc = make_unit("VPC")
    doc = make_document(title="Quy chế chi tiêu nội bộ", body="Nội dung cũ về khoán văn phòng phẩm.")
    editor = app.test_client()
    login(editor, "bientap")
    assert top_ids(app, "tccb", "van phong pham")[0] == [doc]

    assert _edit(editor, doc, title="Quy chế chi tiêu nội bộ", body="Nội dung mới về công tác phí.").status_code == 302
    assert top_ids(app, "tccb", "cong tac phi")[0] == [doc]
    assert top_ids(app, "tccb", "van phong pham")[1].total == 0

    assert _edit(editor, doc, title="Quy chế chi tiêu nội bộ", body="Nội dung mới về công tác phí.",
                 visibility="units", units=[str(vpc)]).status_code == 302
    assert top_ids(app, "tccb", "cong tac phi")[1].total == 0
    assert top_ids(app, "bientap", "cong tac phi")[0] == [doc]

    assert editor.post(f"/documents/{doc}/delete", data={"csrf_token": page_token(editor)}).status_code == 302
    assert top_ids(app, "bientap", "cong tac phi")[1].total == 0
    assert _verify(app)[0] == 0


def test_change_rolled_back_is_never_queued(app, make_document):
    from app.services.library import documents as library

    doc = make_document(title="Văn bản gốc")
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(IndexChange.id)))
        data = library.DocumentData(category="legal", doc_type="Nghị định", title="", issuer="Chính phủ")
        with pytest.raises(library.DocumentError):
            library.update_document(db.session.get(Document, doc), data, None, 1)
        assert db.session.scalar(db.select(db.func.count(IndexChange.id))) == before
    assert _verify(app)[0] == 0


def test_failure_after_commit_is_retried_and_nothing_drifts(app, make_user, make_document, monkeypatch):
    from app.search import outbox

    make_user("lan")
    doc = make_document(title="Kế hoạch số hóa hồ sơ")

    def broken(*args, **kwargs):
        raise OSError("đĩa đầy")

    monkeypatch.setattr(outbox, "apply_records", broken)
    from app.services.library import documents as library

    with app.app_context():
        data = library.DocumentData(category="legal", doc_type="Nghị định", title="Kế hoạch lưu trữ điện tử",
                                    issuer="Chính phủ")
        library.update_document(db.session.get(Document, doc), data, None, 1)  # no error for the user
    code, output = _verify(app)
    assert code == 1 and f"cũ: document:{doc}" in output
    with app.app_context():
        assert outbox.pending() == 1
    monkeypatch.undo()
    result = app.test_cli_runner().invoke(args=["search", "sync"])
    assert result.exit_code == 0 and "Đã áp dụng 1 thay đổi; còn chờ: 0" in result.output
    assert _verify(app)[0] == 0
    assert top_ids(app, "lan", "luu tru dien tu")[0] == [doc]


KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from app import create_app
    from app.search import outbox
    app = create_app({"INSTANCE_PATH": sys.argv[1], "SQLALCHEMY_DATABASE_URI": sys.argv[2],
                      "SEARCH_BACKGROUND_SYNC": False})
    outbox.sync_after_commit = lambda: os.kill(os.getpid(), signal.SIGKILL)  # dies right after commit
    import app.search as search
    search.sync_after_commit = outbox.sync_after_commit
    with app.app_context():
        from app.extensions import db
        from app.models import Document
        from app.services.library import documents as library
        doc = db.session.get(Document, int(sys.argv[3]))
        data = library.DocumentData(category="legal", doc_type="Nghị định", title="Nội dung sau khi sửa",
                                    issuer="Chính phủ", body="Chuyển đổi số toàn diện")
        library.update_document(doc, data, None, doc.version)
    print("not killed")
""")


def test_process_killed_between_commit_and_indexing(app, make_user, make_document):
    make_user("lan")
    doc = make_document(title="Nội dung trước khi sửa")
    with app.app_context():
        db.engine.dispose()
    proc = subprocess.run([sys.executable, "-c", KILLED_WRITER, app.instance_path,
                           app.config["SQLALCHEMY_DATABASE_URI"], str(doc)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with app.app_context():
        assert db.session.get(Document, doc).title == "Nội dung sau khi sửa"  # the commit happened
    assert _verify(app)[0] == 1  # and the index did not follow
    # "Restart": a new process of the portal applies what was queued.
    from app import create_app

    restarted = create_app({"INSTANCE_PATH": app.instance_path,
                            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            "SEARCH_BACKGROUND_SYNC": False})
    assert restarted.test_cli_runner().invoke(args=["search", "sync"]).exit_code == 0
    assert _verify(restarted)[0] == 0
    assert top_ids(restarted, "lan", "chuyen doi so toan dien")[0] == [doc]


CONCURRENT_WRITER = textwrap.dedent("""
    import json, re, sys
    from app import create_app
    app = create_app({"INSTANCE_PATH": sys.argv[1], "SQLALCHEMY_DATABASE_URI": sys.argv[2],
                      "SEARCH_BACKGROUND_SYNC": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    worker, rounds = sys.argv[3], int(sys.argv[4])
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post("/login", data={"username": "bientap", "password": "mat-khau-thu-nghiem", "csrf_token": token})
    statuses = []
    for i in range(rounds):
        token = re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
        response = client.post("/documents/new", data={
            "csrf_token": token, "action": "save", "category": "reform", "doc_type": "Công văn", "status": "",
            "visibility": "all", "title": f"Công văn của tiến trình {worker} số {i}",
            "body": f"Nội dung kiemtra{worker}x{i}"})
        statuses.append(response.status_code)
    print(json.dumps(statuses))
""")


def test_four_processes_write_concurrently_and_verify_is_clean(app, make_user, noise_file, make_unit):
    make_unit("VPC")
    make_user("bientap", roles=["editor"], unit="VPC")
    make_user("lan")
    with app.app_context():
        db.engine.dispose()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "PORTAL_SEARCH_BACKGROUND": "0"}
    writers = [subprocess.Popen([sys.executable, "-c", CONCURRENT_WRITER, app.instance_path, url, str(w), "8"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for w in range(3)]
    importer = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "documents", "import", str(noise_file)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**env, "PORTAL_INSTANCE_PATH": app.instance_path, "DATABASE_URL": url})
    for proc in writers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1]) == [302] * 8  # every save went through
    out, err = importer.communicate(timeout=300)
    assert importer.returncode == 0, err
    assert "Lỗi: 0" in out
    code, output = _verify(app)
    if code:  # changes queued while the index was busy: one catch-up applies them
        app.test_cli_runner().invoke(args=["search", "sync"])
        code, output = _verify(app)
    assert code == 0, output
    for worker in range(3):
        assert top_ids(app, "lan", f"kiemtra{worker}x7")[1].total == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 150 + 24


@pytest.mark.parametrize("damage", ["deleted", "truncated"])
def test_damaged_index_pages_still_served_and_rebuild_restores(app, client, make_user, make_document, damage):
    make_user("lan")
    doc = make_document(title="Kế hoạch chuyển đổi số")
    index_dir = app.config["INDEX_DIR"]
    if damage == "deleted":
        shutil.rmtree(index_dir)
    else:
        folder = os.path.join(index_dir, search_index.current_name(index_dir))
        for name in os.listdir(folder):
            if name.endswith((".toc", ".seg")):
                with open(os.path.join(folder, name), "r+b") as fh:
                    fh.truncate(7)
    search_index.searchers.clear()
    login(client, "lan")
    assert client.get(f"/documents/{doc}").status_code == 200
    page = client.get("/search?q=chuyen+doi+so")
    assert page.status_code == 200 and "đang được dựng lại" in page.get_data(as_text=True)
    from app.search import upkeep

    assert upkeep.rebuild_in_background(app) is True  # what the background thread does on its own
    assert "1</strong> kết quả" in client.get("/search?q=chuyen+doi+so").get_data(as_text=True)
    assert _verify(app)[0] == 0


def _pg_url_for_nodes():
    url = PG_URL or os.environ.get("PORTAL_TEST_PG_URL")
    if not url:
        pytest.fail("The two-node test needs PostgreSQL: run scripts/test.sh (it starts one) or set "
                    "PORTAL_TEST_PG_URL.", pytrace=False)
    return url


@pytest.fixture
def shared_postgres(tmp_path):
    """A fresh PostgreSQL database, migrated, for two app nodes."""
    import uuid

    import sqlalchemy as sa

    from app.config import database_url_from_env
    from tests.conftest import migrate_database

    os.environ["DATABASE_URL"] = _pg_url_for_nodes()
    base = database_url_from_env("/x")
    del os.environ["DATABASE_URL"]
    name = f"portal_nodes_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    migrate_database(url, str(tmp_path / "migrate"))
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_two_nodes_on_one_postgresql_converge(tmp_path, shared_postgres):
    from app import create_app
    from app.services.accounts import users as accounts
    from app.services.library import documents as library

    nodes = [create_app({"INSTANCE_PATH": str(tmp_path / f"node{i}"), "SQLALCHEMY_DATABASE_URI": shared_postgres,
                         "TESTING": True, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                         "SEARCH_BACKGROUND_SYNC": False}) for i in (1, 2)]
    with nodes[0].app_context():
        accounts.create_user("lan", "mat-khau-thu-nghiem", roles=["reader"])
    written = []
    for round_no in range(3):
        for i, node in enumerate(nodes):  # each node saves through its own process-local code path
            with node.app_context():
                doc = library.create_document(library.DocumentData(
                    category="reform", doc_type="Công văn", title=f"Công văn nút {i} vòng {round_no}",
                    issuer="Văn phòng", body=f"nutso{i}vong{round_no}"), None)
                written.append(doc.id)
    with nodes[1].app_context():
        first = db.session.get(Document, written[0])
        library.update_document(first, library.DocumentData(category="reform", doc_type="Công văn",
                                                            title="Công văn đã sửa ở nút 2", issuer="Văn phòng",
                                                            body="dasua"), None, first.version)
    # Node 1 did not see node 2's writes in its own index yet; catching up from the database fixes it.
    for node in nodes:
        result = node.test_cli_runner().invoke(args=["search", "sync"])
        assert result.exit_code == 0, result.output
    for node in nodes:
        code, output = _verify(node)
        assert code == 0, output
        assert top_ids(node, "lan", "dasua")[0] == [written[0]]
        assert top_ids(node, "lan", "nutso1vong2")[1].total == 1
        index_dir = node.config["INDEX_DIR"]
        from app.search import outbox

        with node.app_context():
            assert outbox.applied_id(os.path.join(index_dir, search_index.current_name(index_dir))) \
                == outbox.latest_change_id()
    for node in nodes:
        with node.app_context():
            db.session.remove()
            db.engine.dispose()


def test_out_of_order_commits_are_waited_for_then_given_up():
    """Change ids commit out of order: a missing id is waited for (applied when it shows up);
    one that never shows up (rolled back) stops blocking after GAP_TIMEOUT."""
    from app.search import outbox

    state = {"upto": 10, "above": {12, 13}, "gaps": {}}
    outbox._advance(state, now=1000.0)
    assert state["upto"] == 10 and state["gaps"] == {11: 1000.0}
    state["above"].add(11)  # id 11 committed late and was applied
    outbox._advance(state, now=1001.0)
    assert state == {"upto": 13, "above": set(), "gaps": {}}
    state = {"upto": 20, "above": {22}, "gaps": {}}
    outbox._advance(state, now=0.0)
    outbox._advance(state, now=outbox.GAP_TIMEOUT - 1)
    assert state["upto"] == 20
    outbox._advance(state, now=outbox.GAP_TIMEOUT + 1)
    assert state["upto"] == 22 and state["gaps"] == {}


def test_with_a_dedicated_worker_saves_only_queue_and_the_worker_makes_them_searchable(app, make_user, make_document):
    """PORTAL_SEARCH_WRITER=worker: a save answers without touching the index (its change waits
    in the outbox), and one round of ``flask search worker`` makes it searchable."""
    from app.search import outbox, upkeep

    make_user("bientap", roles=["editor"])
    make_user("congchuc")
    doc = make_document(title="Quy chế chi tiêu nội bộ", body="Khoán văn phòng phẩm.")
    app.config["SEARCH_WRITER"] = "worker"
    editor = app.test_client()
    login(editor, "bientap")
    assert _edit(editor, doc, title="Quy chế chi tiêu nội bộ", body="Định mức công tác phí mới.").status_code == 302
    assert top_ids(app, "congchuc", "cong tac phi")[1].total == 0  # not applied by the save
    with app.app_context():
        assert outbox.pending() == 1
    assert upkeep.upkeep_once(app, merge_inline=True) == "synced"
    assert top_ids(app, "congchuc", "cong tac phi")[0] == [doc]
    with app.app_context():
        assert outbox.pending() == 0
    assert _verify(app)[0] == 0


def test_a_wrong_search_writer_setting_is_refused_at_start(monkeypatch, tmp_path):
    from app.config import default_config

    monkeypatch.setenv("PORTAL_SEARCH_WRITER", "both")
    with pytest.raises(RuntimeError, match="PORTAL_SEARCH_WRITER must be 'web' or 'worker'"):
        default_config(str(tmp_path))


def _import_backlog(app, make_user, make_document) -> int:
    """An editor, a reader, three imported documents with 1,200 changes queued for them in the
    bulk lane (as an import queues them), and a library document to save; return its id. Saves
    only queue (``SEARCH_WRITER = "worker"``): the test's own rounds are the writer."""
    from app import search
    from app.search.tracking import deferred

    make_user("bientap", roles=["editor"])
    make_user("congchuc")
    imported = [make_document(title=f"Văn bản nhập {n}", body="Nội dung nhập hàng loạt.") for n in range(3)]
    doc = make_document(title="Quy chế chi tiêu nội bộ", body="Khoán văn phòng phẩm.")
    app.config["SEARCH_WRITER"] = "worker"
    with app.app_context():
        with deferred(db.session):
            for _ in range(400):
                search.queue(db.session, {("document", i) for i in imported})
            db.session.commit()
    return doc


def test_a_save_is_searchable_before_an_import_backlog_is_applied(app, make_user, make_document):
    """People's changes go first: with 1,200 changes of an import queued (bulk lane), one round
    of the writer that may apply a single batch of 100 makes the save searchable anyway."""
    from app.models.outbox import BULK
    from app.search import outbox

    doc = _import_backlog(app, make_user, make_document)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(IndexChange.id)).where(IndexChange.lane == BULK)) == 1200
    editor = app.test_client()
    login(editor, "bientap")
    assert _edit(editor, doc, title="Quy chế chi tiêu nội bộ", body="Định mức công tác phí mới.").status_code == 302

    with app.app_context():
        assert outbox.sync(max_batches=1, batch_size=100) == 101  # the save, then one batch of the backlog
        assert outbox.pending() == 1100
    assert top_ids(app, "congchuc", "cong tac phi")[0] == [doc]
    with app.app_context():
        outbox.sync()
        assert outbox.pending() == 0
    assert _verify(app)[0] == 0


def test_with_nobody_waiting_an_import_backlog_goes_in_whole_batches(app, make_user, make_document, monkeypatch):
    """Nobody's change waits: the 1,200 queued changes are two index commits (1,000 and 200), not
    twelve commits of 100 (each commit is a segment, and many small segments slow every search)."""
    from app.search import index, outbox

    _import_backlog(app, make_user, make_document)
    commits = []
    open_writer = index.writer

    def counting_writer(ix):
        writer = open_writer(ix)
        commit = writer.commit
        writer.commit = lambda *a, **k: (commits.append(1), commit(*a, **k))[1]
        return writer

    monkeypatch.setattr(index, "writer", counting_writer)
    with app.app_context():
        assert outbox.sync(batch_size=1000) == 1200
        assert outbox.pending() == 0
    assert len(commits) == 2
    assert _verify(app)[0] == 0


def test_a_save_made_while_a_writer_works_through_an_import_backlog_is_applied_at_its_next_commit(
        app, make_user, make_document, monkeypatch):
    """A commit of queued changes ends at the next step of 100 once someone's change waits, and
    people's changes go before the next one: a save made while a writer is in its first 100 changes
    of a 1,200-change backlog is searchable while most of the backlog still waits."""
    from app.search import outbox

    doc = _import_backlog(app, make_user, make_document)
    editor = app.test_client()
    login(editor, "bientap")
    seen: dict = {}
    apply_records = outbox.apply_records

    def writing(writer, kind, ids, session):
        seen["calls"] = seen.get("calls", 0) + 1
        if seen["calls"] == 1:  # the writer is in its first bulk step: someone saves
            assert _edit(editor, doc, title="Quy chế chi tiêu nội bộ",
                         body="Định mức công tác phí mới.").status_code == 302
        if kind == "document" and doc in set(ids) and "pending_then" not in seen:
            seen["pending_then"] = outbox.pending()
        return apply_records(writer, kind, ids, session)

    monkeypatch.setattr(outbox, "apply_records", writing)
    with app.app_context():
        assert outbox.sync(batch_size=1000) == 1201
        assert outbox.pending() == 0
    # the save went in as the second commit, with 1,100 of the backlog still to come
    assert seen["pending_then"] == 1101
    assert top_ids(app, "congchuc", "cong tac phi")[0] == [doc]
    assert _verify(app)[0] == 0
