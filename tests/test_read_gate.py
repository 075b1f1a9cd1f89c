"""Saves before page views (app/read_gate.py): with the portal saturated by readers, a save never
waits for a reader's turn, readers beyond the limit wait theirs, and one that waits too long gets
a Vietnamese "busy" page, not a hang."""
from __future__ import annotations

import threading
import time

from werkzeug.test import Client

from app import create_app
from app.read_gate import ReadGate, Turns


class SlowPages:
    """A WSGI app whose GET /slow holds until released; every request records that it ran."""

    def __init__(self):
        self.entered = threading.Event()
        self.release = threading.Event()
        self.ran: list[str] = []

    def __call__(self, environ, start_response):
        path = environ["REQUEST_METHOD"] + " " + environ["PATH_INFO"]
        self.ran.append(path)
        if path == "GET /slow":
            self.entered.set()
            self.release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def _in_thread(client, method, path, answers):
    thread = threading.Thread(target=lambda: answers.append(client.open(path, method=method).status_code))
    thread.start()
    return thread


def _one_turn_taken(queue_seconds: float):
    """A gate of one turn, held by a slow page: (pages, client, answers, the slow page's thread)."""
    pages = SlowPages()
    client = Client(ReadGate(pages, limit=1, queue_seconds=queue_seconds))
    answers: list[int] = []
    slow = _in_thread(client, "GET", "/slow", answers)
    assert pages.entered.wait(10)
    return pages, client, answers, slow


def test_a_save_runs_while_the_only_reading_turn_is_taken_and_a_second_reader_waits():
    pages, client, answers, slow = _one_turn_taken(10)
    waiting = _in_thread(client, "GET", "/list", answers)

    saved = client.post("/documents/1/edit")  # returns while the slow page still holds its turn

    assert saved.status_code == 200
    assert "POST /documents/1/edit" in pages.ran
    assert "GET /list" not in pages.ran  # the second reader is still waiting for the turn
    pages.release.set()
    slow.join(10)
    waiting.join(10)
    assert pages.ran[-1] == "GET /list" and answers == [200, 200]


def test_waiting_readers_get_their_turns_in_the_order_they_came():
    pages = SlowPages()
    gate = ReadGate(pages, limit=1, queue_seconds=10)
    client = Client(gate)
    answers: list[int] = []
    threads = [_in_thread(client, "GET", "/slow", answers)]
    assert pages.entered.wait(10)
    for queued, name in enumerate(("first", "second", "third"), start=1):
        threads.append(_in_thread(client, "GET", f"/{name}", answers))
        _wait_until(lambda queued=queued: len(gate._process_turns()._waiting) == queued)

    pages.release.set()
    for thread in threads:
        thread.join(10)

    assert pages.ran == ["GET /slow", "GET /first", "GET /second", "GET /third"]
    assert answers == [200, 200, 200, 200]


def test_a_turn_freed_while_a_reader_waits_goes_to_that_reader_not_to_a_newcomer():
    turns = Turns(1)
    assert turns.acquire(1)
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(turns.acquire(10)))
    waiter.start()
    _wait_until(lambda: len(turns._waiting) == 1)

    turns.release()
    newcomer = turns.acquire(0.05)  # arrives just as the turn is freed

    waiter.join(10)
    assert got == [True] and newcomer is False


def _wait_until(condition, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_reader_that_waits_too_long_gets_a_busy_page_in_vietnamese():
    pages, client, _answers, slow = _one_turn_taken(0.05)

    busy = client.get("/list")

    pages.release.set()
    slow.join(10)
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "5"
    assert "Máy chủ đang bận" in busy.get_data(as_text=True)
    assert "GET /list" not in pages.ran


def test_static_files_and_the_health_check_do_not_wait_for_a_turn():
    pages, client, _answers, slow = _one_turn_taken(0.05)

    statuses = [client.get("/static/app.css").status_code, client.get("/healthz").status_code]

    pages.release.set()
    slow.join(10)
    assert statuses == [200, 200]


def test_the_portal_gates_reads_only_when_configured(app_config):
    plain = create_app(app_config)
    gated = create_app({**app_config, "READ_CONCURRENCY": 2})
    assert not isinstance(plain.wsgi_app, ReadGate)
    assert isinstance(gated.wsgi_app, ReadGate) and gated.wsgi_app.limit == 2
    assert gated.test_client().get("/login").status_code == 200
