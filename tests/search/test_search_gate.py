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
