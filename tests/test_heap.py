"""A web process's threads share two malloc arenas (``MALLOC_ARENAS``), not glibc's eight per core:
each arena keeps what its threads freed, so fewer arenas is less memory held by a 32-thread worker."""
import json
import os
import platform
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Builds the app as a worker does, then 16 threads allocate at once (each thread's first
# allocation picks its arena); glibc's malloc_stats prints one "Arena N:" block per arena.
PROCESS = """
import ctypes, json, os, sys, threading
sys.path.insert(0, os.getcwd())
from app import create_app
create_app(json.loads(os.environ["TEST_APP_CONFIG"]))
barrier = threading.Barrier(16)
kept = []
def allocate():
    barrier.wait()
    kept.append([bytearray(4096) for _ in range(100)])
    barrier.wait()
threads = [threading.Thread(target=allocate) for _ in range(16)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
sys.stderr.flush()
ctypes.CDLL("libc.so.6").malloc_stats()
"""

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's")


def arenas_of_a_worker(app_config, arenas: int, **environ) -> int:
    config = {**app_config, "MALLOC_ARENAS": arenas}
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    env.update(TEST_APP_CONFIG=json.dumps(config), PORTAL_LOG_LEVEL="WARNING", **environ)
    done = subprocess.run([sys.executable, "-c", PROCESS], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return sum(1 for line in done.stderr.splitlines() if line.startswith("Arena "))


def test_a_worker_s_threads_share_two_arenas(app_config):
    assert arenas_of_a_worker(app_config, 2) == 2


def test_without_the_limit_each_thread_may_take_its_own_arena(app_config):
    assert arenas_of_a_worker(app_config, 0) > 2


def test_an_operator_s_malloc_arena_max_wins(app_config):
    assert arenas_of_a_worker(app_config, 2, MALLOC_ARENA_MAX="4") == 4


# Frees 200 MB of small blocks but the last (so the heap cannot simply shrink from its top) and
# prints the resident size before and after ``release_free_memory``.
FRAGMENTED = """
import os, sys
sys.path.insert(0, os.getcwd())
from app import heap
blocks = [bytearray(8000) for _ in range(25_000)]
last = blocks[-1]
del blocks
before = heap._resident_bytes()
released = heap.release_free_memory()
print(before, heap._resident_bytes(), released)
"""


def test_memory_a_process_freed_goes_back_to_the_system():
    done = subprocess.run([sys.executable, "-c", FRAGMENTED], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")})
    assert done.returncode == 0, done.stderr[-2000:]
    before, after, released = map(int, done.stdout.split())
    assert before - after > 150 * 1024 * 1024
    assert released > 150 * 1024 * 1024  # what it reports is what the system got back


def test_the_background_step_gives_memory_back_once_per_interval(app, monkeypatch):
    from app import heap

    calls = []
    monkeypatch.setattr(heap, "release_free_memory", lambda: calls.append(1) or 0)
    monkeypatch.setitem(heap._last_trim, "at", None)
    app.config["HEAP_TRIM_SECONDS"] = 30
    heap.trim_step(app)
    heap.trim_step(app)
    assert calls == [1]
    monkeypatch.setitem(heap._last_trim, "at", heap.time.monotonic() - 31)
    heap.trim_step(app)
    assert calls == [1, 1]
    app.config["HEAP_TRIM_SECONDS"] = 0
    monkeypatch.setitem(heap._last_trim, "at", None)
    heap.trim_step(app)
    assert calls == [1, 1]
