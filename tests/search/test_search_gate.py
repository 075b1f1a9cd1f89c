"""At most SEARCH_CONCURRENCY searches evaluate at once in a process; the rest wait their turn
and are answered all the same."""
import threading
import time

from app.search import service
from tests.search.conftest import top_ids


def test_the_gate_lets_at_most_its_limit_through_and_everyone_in_turn():
    gate = service.SearchGate()
    inside, most, done = [0], [0], []
    lock = threading.Lock()

    def one(i):
        with gate.turn(2):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.02)
            with lock:
                inside[0] -= 1
        done.append(i)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 2
    assert sorted(done) == list(range(10))


def test_searches_beyond_the_limit_wait_and_get_their_answer(app, make_user, make_document):
    make_user("congchuc")
    doc = make_document(title="Quy chế tiếp công dân", body="Lịch tiếp công dân định kỳ.")
    app.config["SEARCH_CONCURRENCY"] = 1
    answers, errors = [], []

    def ask():
        try:
            answers.append(top_ids(app, "congchuc", "tiep cong dan")[0])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert answers == [[doc]] * 6


def test_a_search_holding_its_turn_never_waits_for_a_connection_held_by_those_waiting(
        app_config, make_user, make_document, monkeypatch):
    """32 request threads, a connection pool of 15: threads that loaded their user (a connection
    each) and wait for a search turn must not starve the search that holds the turn. Here: a pool
    of two, one turn; the first search has no connection when it starts (its request committed,
    as the once-a-minute ``last_seen`` update does), and two requests take both connections while
    it runs. Before, the first search then waited for a connection until the pool gave up (500)."""
    from app import create_app
    from app.extensions import db

    app_config.update(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 2, "max_overflow": 0, "pool_timeout": 3},
                      SEARCH_CONCURRENCY=1)
    app = create_app(app_config)
    try:
        _search_while_others_hold_the_pool(app, make_user, make_document, monkeypatch)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _search_while_others_hold_the_pool(app, make_user, make_document, monkeypatch):
    from app.extensions import db
    from app.models import User
    from app.search import SearchRequest, engine

    reader = make_user("congchuc")
    make_document(title="Quy chế tiếp công dân", body="Lịch tiếp công dân định kỳ.")
    others_loaded = threading.Semaphore(0)
    first_inside = threading.Event()
    real_allowed_mask = engine.allowed_mask

    def allowed_mask_after_the_others_queued(*args, **kwargs):
        if not first_inside.is_set():
            first_inside.set()
            for _ in range(2):  # both others took a connection (or could not: the fix holds one)
                others_loaded.acquire(timeout=1.5)
            time.sleep(0.2)  # …and now wait for the turn
        return real_allowed_mask(*args, **kwargs)

    monkeypatch.setattr(engine, "allowed_mask", allowed_mask_after_the_others_queued)
    totals, errors = [], []

    def ask(first: bool):
        try:
            with app.test_request_context("/search"):
                user = db.session.get(User, reader)
                if first:
                    db.session.commit()  # the request's connection goes back to the pool
                else:
                    first_inside.wait(5)
                    db.session.execute(db.text("SELECT 1"))  # a request that loaded its user holds one
                    others_loaded.release()
                totals.append(service.search(user, SearchRequest(q="tiếp công dân")).total)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(i == 0,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert totals == [1, 1, 1]
