"""The database going away under the portal: a read is retried once on a cut connection, what
cannot be served answers the Vietnamese 503 page (JSON under /api/), a finished request is never
turned into a 500 by its clean-up, and a real PostgreSQL restart under readers and writers loses
no save that answered success."""
from __future__ import annotations

import http.client
import os
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.models import Document
from tests.conftest import FAST_HASH, migrate_database
from tests.helpers import csrf_from, logged_in, page_token

DOWN_TEXT = "Cơ sở dữ liệu tạm thời không truy cập được"


def _cut(connection) -> None:
    """Kill the database connection under SQLAlchemy's feet, as a server restart does: PostgreSQL
    ends the backend (pg_terminate_backend from another connection), SQLite's handle is closed."""
    dbapi = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite":
        dbapi.close()
        return
    pid = dbapi.info.backend_pid
    url = connection.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(500):  # until the backend has really gone (bounded: ~5 s)
            if admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()[0] == 0:
                return
            time.sleep(0.01)
    raise AssertionError(f"backend {pid} still alive after pg_terminate_backend")


class ConnectionCutter:
    """Cut the connection right before the next ``times`` statements that contain ``marker``."""

    def __init__(self, app, marker: str, times: int):
        self.marker, self.left, self.cut = marker, times, 0
        with app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._before)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self.left and self.marker in statement:
            self.left -= 1
            self.cut += 1
            _cut(conn)

    def remove(self):
        event.remove(self.engine, "before_cursor_execute", self._before)


@pytest.fixture
def cutter(app):
    made = []

    def make(marker, times):
        made.append(ConnectionCutter(app, marker, times))
        return made[-1]

    yield make
    for item in made:
        item.remove()


def test_a_read_whose_connection_is_cut_is_retried_once_and_succeeds(app, make_user, make_document, cutter, caplog):
    make_user("lan")
    make_document(title="Quyết định về cải cách hành chính")
    client = logged_in(app, "lan")
    cut = cutter("FROM documents", 1)
    response = client.get("/documents/")
    assert cut.cut == 1
    assert response.status_code == 200
    assert "Quyết định về cải cách hành chính" in response.get_data(as_text=True)
    assert any("retrying once" in r.getMessage() for r in caplog.records)
    assert client.get("/documents/").status_code == 200  # and the next request is normal


def test_a_read_that_keeps_failing_gets_the_503_page_then_json_under_api(app, make_user, make_document, cutter):
    make_user("lan")
    make_document(title="Văn bản")
    client = logged_in(app, "lan")
    cutter("FROM documents", 4)
    page = client.get("/documents/")
    assert page.status_code == 503
    assert page.headers["Retry-After"].isdigit()
    html = page.get_data(as_text=True)
    assert DOWN_TEXT in html and "Lỗi 503" in html
    api = client.get("/api/documents")
    assert api.status_code == 503 and api.is_json and DOWN_TEXT in api.get_json()["error"]
    assert client.get("/documents/").status_code == 200  # the database is back: so is the page


def test_a_save_whose_connection_is_cut_is_not_retried_and_saves_nothing(app, make_user, cutter):
    make_user("bientap", roles=["editor"], unit="VP")
    editor = logged_in(app, "bientap")
    token = page_token(editor, "/documents/new")
    cut = cutter("INSERT INTO documents", 5)
    response = editor.post("/documents/new", data={
        "csrf_token": token, "action": "save", "category": "reform", "doc_type": "Công văn",
        "title": "Không lưu được", "status": "", "visibility": "all"})
    assert response.status_code == 503 and DOWN_TEXT in response.get_data(as_text=True)
    assert cut.cut == 1  # a write is never run twice behind the user's back
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0


def test_a_connection_dying_after_the_view_does_not_turn_the_response_into_an_error(app_config, make_user,
                                                                                      caplog):
    app = create_app(app_config)

    @app.after_request
    def connection_dies_now(response):  # the session holds a connection; the server restarts now
        if response.status_code == 302:
            db.session.execute(sa.text("SELECT 1"))  # in a transaction, as after any read past the commit
            _cut(db.session.connection())
        return response

    make_user("bientap", roles=["editor"], unit="VP")
    editor = logged_in(app, "bientap")
    response = editor.post("/documents/new", data={
        "csrf_token": page_token(editor, "/documents/new"), "action": "save", "category": "reform",
        "doc_type": "Công văn", "title": "Đã lưu trước khi mất kết nối", "status": "", "visibility": "all"})
    assert response.status_code == 302 and "/documents/" in response.headers["Location"]
    assert any("not closed cleanly" in r.getMessage() for r in caplog.records)
    with app.app_context():
        assert db.session.scalar(sa.select(Document.title)) == "Đã lưu trước khi mất kết nối"
    assert editor.get(response.headers["Location"]).status_code == 200


def _private_app(private_pg, tmp_path, name, **config):
    url = private_pg.create_database(name)
    migrate_database(url, str(tmp_path / "migrate"))
    instance = tmp_path / "instance"
    instance.mkdir()
    return create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": url, "TESTING": True,
                       "PASSWORD_HASH_METHOD": FAST_HASH, "SEARCH_BACKGROUND_SYNC": False, **config})


def test_postgresql_stopped_gives_the_503_page_and_healthz_down_until_it_is_back(private_pg, tmp_path):
    from app.services.accounts import users as accounts

    app = _private_app(private_pg, tmp_path, "portal_stopped")
    with app.app_context():
        accounts.create_user("lan", "mat-khau-thu-nghiem", roles=["reader"])
    client = logged_in(app, "lan")
    private_pg.stop()
    try:
        page = client.get("/documents/")
        health = app.test_client().get("/healthz")
    finally:
        private_pg.start()
    assert page.status_code == 503 and DOWN_TEXT in page.get_data(as_text=True)
    assert "Retry-After" in page.headers
    assert health.status_code == 503 and health.get_json()["status"] == "down"
    assert client.get("/documents/").status_code == 200
    assert app.test_client().get("/healthz").status_code == 200


# A real restart under load.

@dataclass
class Outcome:
    kind: str           # read, save, health
    status: int | None  # None: no HTTP answer at all
    started: float
    ended: float
    title: str | None = None
    error: str | None = None


@dataclass
class Load:
    base: tuple[str, int]
    stop: threading.Event = field(default_factory=threading.Event)
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, outcome: Outcome):
        with self.lock:
            self.outcomes.append(outcome)

    def successes(self, kind, after=0.0):
        with self.lock:
            return [o for o in self.outcomes if o.kind == kind and o.started >= after and o.status in (200, 302)]


class Browser:
    """A minimal HTTP client with a cookie jar (one connection per request, as browsers may)."""

    def __init__(self, base):
        self.base, self.cookies = base, {}

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection(*self.base, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            conn.close()


def _reader_and_writer(load: Load, worker: int):
    browser = Browser(load.base)
    _, login_page = browser.request("GET", "/login")
    status, _ = browser.request("POST", "/login", {"username": "bientap", "password": "mat-khau-thu-nghiem",
                                                   "csrf_token": csrf_from(login_page)})
    assert status == 302, "login failed"
    _, form_page = browser.request("GET", "/documents/new")
    token = csrf_from(form_page)
    i = 0
    while not load.stop.is_set():
        i += 1
        for kind, method, path, form in (
                ("read", "GET", "/documents/", None),
                ("save", "POST", "/documents/new", {
                    "csrf_token": token, "action": "save", "category": "reform", "doc_type": "Công văn",
                    "title": f"Lưu trong lúc khởi động lại {worker}-{i}", "status": "", "visibility": "all"}),
                ("health", "GET", "/healthz", None)):
            started = time.monotonic()
            try:
                status, text = browser.request(method, path, form)
                error = None if status in (200, 302) else text[:300]
            except (OSError, http.client.HTTPException) as exc:
                status, error = None, repr(exc)
            load.record(Outcome(kind, status, started, time.monotonic(), form and form["title"], error))


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_postgresql_restart_under_reads_and_saves_never_answers_500_and_loses_no_save(private_pg, tmp_path):
    from app.services.accounts import users as accounts

    app = _private_app(private_pg, tmp_path, "portal_restart_requests", TESTING=False)
    with app.app_context():
        accounts.create_user("bientap", "mat-khau-thu-nghiem", roles=["editor"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    load = Load(("127.0.0.1", server.server_port))
    clients = [threading.Thread(target=_reader_and_writer, args=(load, w), daemon=True) for w in range(3)]
    try:
        for thread in clients:
            thread.start()
        _wait_for(lambda: len(load.successes("save")) >= 6, 60, "saves before the restart")
        restart_started = time.monotonic()
        private_pg.restart()
        restarted = time.monotonic()
        # Keep the load on until reads and saves begun after the restart have gone through.
        _wait_for(lambda: len(load.successes("save", restarted)) >= 3 and load.successes("read", restarted)
                  and load.successes("health", restarted), 60, "requests succeeding after the restart")
    finally:
        load.stop.set()
        for thread in clients:
            thread.join(60)
        server.shutdown()
        serving.join(10)

    assert not any(thread.is_alive() for thread in clients)
    wrong = [o for o in load.outcomes if o.status not in (200, 302, 503)]
    assert wrong == [], wrong[:5]
    during = [o for o in load.outcomes if o.started <= restarted and o.ended >= restart_started]
    assert during, "no request was running while PostgreSQL restarted"
    saved = [o.title for o in load.outcomes if o.kind == "save" and o.status == 302]
    with app.app_context():
        stored = db.session.scalars(sa.select(Document.title)).all()
        db.session.remove()
        db.engine.dispose()
    missing = set(saved) - set(stored)
    assert not missing, f"saves that answered success are not in the database: {sorted(missing)[:5]}"
    assert all(stored.count(title) == 1 for title in saved)
    if os.environ.get("PORTAL_TEST_VERBOSE"):
        print({kind: sorted({o.status for o in load.outcomes if o.kind == kind})
               for kind in ("read", "save", "health")})
