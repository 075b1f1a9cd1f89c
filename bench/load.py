#!/usr/bin/env python3
"""Load and soak benchmark: the portal as production runs it (gunicorn, PostgreSQL), under readers,
editors and an import at once, with per-worker memory sampled throughout.

Not a test: it prints figures and writes them to JSON; the exit code is 0 unless the setup failed
(2) or the run was interrupted (130). Everything runs on 127.0.0.1 and everything it starts is
stopped at the end, also on Ctrl+C or an exception: gunicorn and its workers, the import, the
private PostgreSQL cluster and the temporary folders.

    .venv/bin/python bench/load.py --docs 2000 --phase-seconds 20 --soak-minutes 1   # quick, ~5 min
    .venv/bin/python bench/load.py                                                     # full, ~25 min

Setup: a private PostgreSQL cluster (tests/pg_cluster.py) on a free port, a fresh instance folder,
``db upgrade``, unit VPC, reader and editor accounts, ``flask documents import`` of ``--docs``
corpus documents (timed), ``gunicorn --workers W --threads T wsgi:app`` on a free port with
``PORTAL_LOG_LEVEL=WARNING``, ready when ``/healthz`` answers 200.

Load (closed loop, Python threads, each with its own logged-in session and keep-alive connection):
readers search (page and API), open documents and lists; editors save a library document through
the real edit form every ``--save-interval`` seconds and a watcher per editor polls ``/api/search``
for the unique word each save added (save-to-searchable); one phase also runs a second
``flask documents import`` of new documents against the same database and instance.

Phases: warm-up, one phase per ``--reader-steps`` count, the import phase, the soak. Per phase:
requests/s, p50/p95/p99 per kind and overall, errors (5xx, connection errors, timeouts) with the
first few listed, saves, save-to-searchable, CPU used by the generator, gunicorn, PostgreSQL and the
import. Every ``--sample-seconds``: USS/RSS and deleted-but-open files of every gunicorn worker.

See bench/README.md ("Load and soak") for what each figure means and the targets.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import http.client
import json
import os
import platform
import queue
import random
import re
import resource
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (  # noqa: E402  (bench/common.py: helpers shared with search_bench.py)
    BASE_QUERIES,
    CORPUS_SCRIPT,
    GUNICORN,
    REPO_ROOT,
    code_stamp,
    ensure_corpus,
    flask_cmd,
    fmt,
    free_port,
    kill_group,
    log,
    percentile,
    run_child,
)

if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

PYTHON = os.path.join(REPO_ROOT, ".venv", "bin", "python")
PASSWORD = "bench-pass-123"
UNIT = "VPC"  # the corpus restricts ~5% of documents to VPC: every bench account is in it
USER_AGENT = "cchc-load-bench/1"
# gunicorn's gthread worker keeps an idle connection 2 s (--keep-alive): a connection idle longer
# than this is replaced before use rather than risking a request on a socket the server closed.
IDLE_RECONNECT_S = 1.0
TOKEN_PREFIX = "tkz"
# 16 letters: longer than any word the spelling fallback (app/search/spelling.py) corrects (12), so a
# poll costs what any lookup costs. (When this was written the fallback tried two edits for words of
# 5–12 letters: seconds of CPU each; it now tries one.) The probes measure an unknown word's cost.
TOKEN_LETTERS = 13
TOKEN_RE = re.compile(r"\s*\b" + TOKEN_PREFIX + rf"[a-z]{{{TOKEN_LETTERS}}}\b")
CONN_ERROR, TIMEOUT, OTHER_ERROR = -1, -2, -3
STATUS_NAMES = {CONN_ERROR: "connection error", TIMEOUT: "timeout", OTHER_ERROR: "protocol error"}

EXTRA_QUERIES = [
    "Nguyễn Văn Thanh",
    "nguyen van thanh",
    "le sy bay",
    "Phạm Minh Hùng",
    "UBND Thành phố Hà Nội",
    "quang nam",
    "chinh phu dien tu",
    "báo cáo kết quả",
    "thủ tướng chính phủ",
    "tiep cong dan",
]
DEFAULT_MIX = "search=25,api=25,doc=30,list=10,news=5,home=5"
READER_KINDS = ("search", "api", "doc", "list", "news", "home")
EDITOR_KINDS = ("edit_form", "save", "poll")
KIND_LABELS = {
    "search": "GET /search?q= (page)", "api": "GET /api/search?q=", "doc": "GET /documents/<id>",
    "list": "GET /documents/?page=", "news": "GET /news/", "home": "GET /",
    "edit_form": "GET /documents/<id>/edit", "save": "POST /documents/<id>/edit", "poll": "GET /api/search?q=<token>",
}


# ---------------------------------------------------------------------------------------------
# HTTP: one keep-alive connection and one cookie jar per simulated user

class Client:
    """A browser-like session: its own keep-alive connection, cookies, no redirects followed."""

    # Set by --connection-close: a new connection for every request, as a reverse proxy forwards
    # (nginx's default upstream speaks HTTP/1.0 without keep-alive), instead of a browser's own.
    close_each = False

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0
        self.connects = 0
        self.retries = 0

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
        self.conn = None

    def _store_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            first, *attrs = header.split(";")
            name, _, value = first.strip().partition("=")
            attributes = {}
            for attr in attrs:
                key, _, val = attr.strip().partition("=")
                attributes[key.lower()] = val.strip()
            gone = attributes.get("max-age") == "0" or "1970" in attributes.get("expires", "")
            if gone or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """Send one request; return ``(status, headers, body)``. Raises OSError / HTTPException.

        A reused connection the server closed meanwhile (keep-alive expiry) is retried once on a
        fresh one, as browsers do; a failure on a fresh connection is the caller's error."""
        sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        if Client.close_each:
            sent["Connection"] = "close"
        for attempt in (0, 1):
            fresh = self.conn is None or time.monotonic() - self.last_used > IDLE_RECONNECT_S
            if fresh:
                self.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.connects += 1
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                self.close()
                if fresh or attempt:
                    raise
                self.retries += 1
                continue
            except BaseException:
                self.close()
                raise
            self.last_used = time.monotonic()
            self._store_cookies(response)
            if response.will_close:
                self.close()
            return response.status, response.msg, data
        raise AssertionError("unreachable")


class FormsParser(HTMLParser):
    """Every ``<form>`` of a page with the name/value pairs a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: list | None = None
        self._select: dict | None = None
        self._flash: list | None = None
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = a.get("class") or ""
        if tag == "p" and ("flash--error" in classes or "field__error" in classes):
            self._flash = []
        if tag == "form":
            self._form = {"attrs": a, "fields": [], "files": [], "submits": []}
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value") or "on"))
            elif kind in ("submit", "image", "button", "reset"):
                self._form["submits"].append((name, a.get("value") or ""))
            elif kind == "file":
                self._form["files"].append(name)
            else:
                self._form["fields"].append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = [name, []]
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "selected": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"].append(value)
        elif tag == "button" and name:
            self._form["submits"].append((name, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._flash is not None:
            self._flash.append(data)

    def handle_endtag(self, tag):
        if tag == "p" and self._flash is not None:
            text = " ".join("".join(self._flash).split())
            if text:
                self.errors.append(text)
            self._flash = None
        if self._form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea[1])
            # Browsers drop the one newline right after <textarea> (WTForms writes "\r\n" there).
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._form["fields"].append((self._textarea[0], text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["selected"] or ([self._select["first"]] if self._select["first"] is not None else [])
            self._form["fields"] += [(self._select["name"], v) for v in chosen]
            self._select = None
        elif tag == "form":
            self._form = None


def parse_forms(html: str) -> FormsParser:
    parser = FormsParser()
    parser.feed(html)
    parser.close()
    return parser


def multipart(fields: list[tuple[str, str]], files: list[str]) -> tuple[bytes, str]:
    """Encode a form as a browser does for ``enctype="multipart/form-data"`` (empty file inputs
    are sent as parts with ``filename=""``)."""
    boundary = "----cchcload" + uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                     + value.encode("utf-8") + b"\r\n")
    for name in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n\r\n".encode())
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def login(client: Client, username: str) -> None:
    """Log in through the real form with its CSRF token; raise SetupError if it fails."""
    status, _h, body = client.request("GET", "/login")
    if status != 200:
        raise SetupError(f"GET /login answered {status}")
    forms = [f for f in parse_forms(body.decode("utf-8", "replace")).forms
             if any(n == "password" for n, _v in f["fields"]) or any(n == "csrf_token" for n, _v in f["fields"])]
    form = next((f for f in forms if any(n == "username" for n, _ in f["fields"])), None)
    if form is None:
        raise SetupError("no login form on /login")
    data = [(n, v) for n, v in form["fields"] if n not in ("username", "password", "remember")]
    data += [("username", username), ("password", PASSWORD)]
    status, headers, body = client.request("POST", "/login", urllib.parse.urlencode(data).encode(),
                                           {"Content-Type": "application/x-www-form-urlencoded",
                                            "Origin": client.base, "Referer": client.base + "/login"})
    if status != 302 or (headers.get("Location") or "").startswith("/login"):
        raise SetupError(f"login as {username} failed: HTTP {status} {body[:200]!r}")


class SetupError(Exception):
    """The run cannot start (exit 2)."""


# ---------------------------------------------------------------------------------------------
# The run's shared state and what it records

class Run:
    def __init__(self, args, base_host: str, port: int):
        self.args = args
        self.host, self.port = base_host, port
        self.t0 = time.perf_counter()
        self.phase_idx = -1
        self.active_readers = 0
        self.editors_active = False
        self.stop = threading.Event()    # readers and editors stop; watchers finish what is pending
        self.abort = threading.Event()   # everything stops now (Ctrl+C, gunicorn died)
        # (start s since t0, latency ms, kind, status, phase index)
        self.samples: list[tuple[float, float, str, int, int]] = []
        self.problems: list[dict] = []   # errors and unexpected answers, first ones per phase in full
        self.problem_counts: dict[int, int] = {}
        self.causes: dict[tuple, int] = {}  # (class, kind, status, reason) → count, over the whole run
        self.saves: list[dict] = []
        self.clients: list[Client] = []
        self.lock = threading.Lock()

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def record(self, kind: str, started: float, latency_ms: float, status: int, phase: int,
               path: str, detail: str = "", request_id: str = "") -> None:
        self.samples.append((round(started, 4), round(latency_ms, 3), kind, status, phase))
        problem = classify(kind, status)
        if problem:
            with self.lock:
                count = self.problem_counts.get(phase, 0)
                self.problem_counts[phase] = count + 1
                reason = re.search(r'"reason": ?"([^"]{0,60})', detail)
                cause = (problem, kind, STATUS_NAMES.get(status, status),
                         re.sub(r"[A-Za-z0-9]{12,}", "…", reason.group(1)) if reason else "")
                self.causes[cause] = self.causes.get(cause, 0) + 1
                if count < 25:
                    self.problems.append({"phase": phase, "t": round(started, 2), "kind": kind, "path": path[:200],
                                          "status": STATUS_NAMES.get(status, status), "class": problem,
                                          "detail": detail[:400], "request_id": request_id})


def classify(kind: str, status: int) -> str | None:
    """``error`` (5xx, connection error, timeout), ``unexpected`` (another answer than the kind
    expects: a redirect to the login page, a 404…), or None. A refused save (409, 400) is neither:
    saves are counted on their own."""
    if status < 0 or status >= 500:
        return "error"
    if kind == "save":
        return None if status in (302, 400, 409) else "unexpected"
    return None if status == 200 else "unexpected"


def timed(run: Run, client: Client, kind: str, method: str, path: str, body=None, headers=None):
    """Send a request, record it, return ``(status, headers, body)`` (status < 0: no answer)."""
    phase = run.phase_idx
    started = run.now()
    t = time.perf_counter()
    headers_in, data, detail = None, b"", ""
    try:
        status, headers_in, data = client.request(method, path, body, headers)
    except TimeoutError as exc:
        status, detail = TIMEOUT, repr(exc)
    except (OSError, http.client.RemoteDisconnected) as exc:
        status, detail = CONN_ERROR, repr(exc)
    except http.client.HTTPException as exc:
        status, detail = OTHER_ERROR, repr(exc)
    latency = (time.perf_counter() - t) * 1000
    request_id = ""
    if headers_in is not None:
        request_id = headers_in.get("X-Request-ID") or ""
        if status >= 300:
            location = headers_in.get("Location")
            text = data[:600].decode("utf-8", "replace")
            if data.startswith(b"{"):
                try:  # the API's JSON errors, readable (not \u-escaped)
                    text = json.dumps(json.loads(data), ensure_ascii=False)
                except ValueError:
                    pass
            detail = (f"→ {location} " if location else "") + text
    run.record(kind, started, latency, status, phase, f"{method} {path}", detail, request_id)
    return status, headers_in, data


# ---------------------------------------------------------------------------------------------
# Simulated users

def parse_mix(text: str) -> list[tuple[str, float]]:
    mix = []
    for part in text.split(","):
        name, _, weight = part.partition("=")
        name = name.strip()
        if name not in READER_KINDS:
            raise SystemExit(f"--mix: unknown kind {name!r} (known: {', '.join(READER_KINDS)})")
        mix.append((name, float(weight)))
    return mix


def reader_loop(run: Run, idx: int, client: Client, queries: list[str], doc_ids: list[int], list_pages: int):
    rng = random.Random(run.args.seed * 1000 + idx)
    kinds, weights = zip(*parse_mix(run.args.mix))
    think = run.args.think_ms / 1000.0
    while not run.stop.is_set() and not run.abort.is_set():
        if idx >= run.active_readers:
            run.stop.wait(0.2)
            continue
        kind = rng.choices(kinds, weights)[0]
        if kind == "search":
            path = "/search?q=" + urllib.parse.quote(rng.choice(queries))
        elif kind == "api":
            path = "/api/search?per_page=20&q=" + urllib.parse.quote(rng.choice(queries))
        elif kind == "doc":
            path = f"/documents/{rng.choice(doc_ids)}"
        elif kind == "list":
            page = rng.randint(1, list_pages)
            path = "/documents/" + (f"?page={page}" if page > 1 else "")
        elif kind == "news":
            path = "/news/"
        else:
            path = "/"
        status, _h, body = timed(run, client, kind, "GET", path)
        if kind == "api" and status == 200 and not body.startswith(b"{"):
            run.record("api", run.now(), 0.0, 299, run.phase_idx, path, "200 but not JSON: " + body[:120].decode(
                "utf-8", "replace"))
        if think:
            run.stop.wait(think * rng.uniform(0.5, 1.5))


def new_token(rng: random.Random) -> str:
    return TOKEN_PREFIX + "".join(rng.choice(string.ascii_lowercase) for _ in range(TOKEN_LETTERS))


def editor_loop(run: Run, idx: int, client: Client, docs: list[int], watch: queue.Queue):
    """Every ``--save-interval`` seconds: open the edit form of one of this editor's documents,
    add a unique word to the title (even saves) or the summary (odd saves), save, hand the word
    to the watcher."""
    rng = random.Random(run.args.seed * 7919 + idx)
    interval = run.args.save_interval
    next_due = time.perf_counter()
    count = 0
    while not run.stop.is_set() and not run.abort.is_set():
        if not run.editors_active:
            run.stop.wait(0.2)
            next_due = time.perf_counter()
            continue
        now = time.perf_counter()
        if now < next_due:
            run.stop.wait(min(0.2, next_due - now))
            continue
        late = now - next_due > interval  # the previous save took longer than the interval
        next_due = max(next_due + interval, now) if not late else now + interval
        doc_id = rng.choice(docs)
        phase = run.phase_idx
        path = f"/documents/{doc_id}/edit"
        status, _h, body = timed(run, client, "edit_form", "GET", path)
        if status != 200:
            continue
        parsed = parse_forms(body.decode("utf-8", "replace"))
        form = next((f for f in parsed.forms if any(n == "version" for n, _ in f["fields"])), None)
        if form is None:
            run.record("edit_form", run.now(), 0.0, 298, phase, path, "no form with a version field")
            continue
        token = new_token(rng)
        target = "title" if count % 2 == 0 else "summary"
        limit = 1000 if target == "title" else 20000
        fields = []
        for name, value in form["fields"]:
            if name == target:
                value = TOKEN_RE.sub("", value).rstrip()
                value = (value[: limit - len(token) - 1] + " " + token).strip()
            fields.append((name, value))
        submit = next(((n, v) for n, v in form["submits"] if n == "action" and v == "save"), None)
        if submit:
            fields.append(submit)
        data, ctype = multipart(fields, form["files"])
        t_send = run.now()
        status, headers, body = timed(run, client, "save", "POST", path, data,
                                      {"Content-Type": ctype, "Origin": client.base, "Referer": client.base + path})
        t_resp = run.now()
        count += 1
        version = next((v for n, v in fields if n == "version"), "")
        save = {"phase": phase, "editor": idx, "doc": doc_id, "version": version, "field": target, "token": token,
                "t_send": round(t_send, 4), "t_resp": round(t_resp, 4), "ms": round((t_resp - t_send) * 1000, 2),
                "status": status, "late": late}
        if status == 302 and f"/documents/{doc_id}" in (headers.get("Location") or ""):
            save["outcome"] = "ok"
            save["searchable_ms"] = None
            watch.put(save)
        elif status in (400, 409):
            save["outcome"] = "refused"
            save["message"] = "; ".join(parse_forms(body.decode("utf-8", "replace")).errors)[:300]
        elif status < 0 or status >= 500:
            save["outcome"] = "error"
        else:
            save["outcome"] = "unexpected"
            save["message"] = (headers.get("Location") if headers else "") or ""
        with run.lock:
            run.saves.append(save)


POLLERS_PER_WATCHER = 8


def _clone(client: Client) -> Client:
    """Another connection of the same signed-in session (same cookies)."""
    other = Client(client.host, client.port, client.timeout)
    other.cookies = dict(client.cookies)
    return other


def watcher_loop(run: Run, client: Client, watch: queue.Queue):
    """For each save handed over, poll ``/api/search?q=<token>`` every ``--poll-ms`` on a connection
    of its own (up to ``POLLERS_PER_WATCHER`` saves at once per editor) until the saved document is
    in the results or ``--searchable-timeout`` has passed: as if the author searched for the change.
    (Polling every pending save in turn on one connection measured the watcher's own queue once a
    poll took longer than the save interval: first polls sent 54 s after their save.)"""
    connections: queue.Queue = queue.Queue()
    connections.put(client)
    for _ in range(POLLERS_PER_WATCHER - 1):
        connections.put(_clone(client))
    pollers: list[threading.Thread] = []
    while not run.abort.is_set():
        try:
            save = watch.get(timeout=0.2)
        except queue.Empty:
            if run.stop.is_set() and watch.empty():
                break
            continue
        poller = threading.Thread(target=_poll_save, args=(run, connections, save), daemon=True)
        poller.start()
        pollers.append(poller)
        pollers = [p for p in pollers if p.is_alive()]
    for poller in pollers:
        poller.join()


def _poll_save(run: Run, connections: queue.Queue, save: dict) -> None:
    poll = run.args.poll_ms / 1000.0
    timeout = run.args.searchable_timeout
    client = connections.get()  # waits only when POLLERS_PER_WATCHER saves of this editor are pending
    try:
        path = f"/api/search?per_page=5&q={save['token']}"
        while True:
            if run.abort.is_set():
                save["unresolved"] = True  # the run was cut short while this one was still pending
                return
            cycle = time.perf_counter()
            sent = run.now()
            status, _h, body = timed(run, client, "poll", "GET", path)
            now = run.now()
            save["polls"] = save.get("polls", 0) + 1
            found = False
            if status == 200:
                try:
                    results = json.loads(body).get("results") or []
                except ValueError:
                    results = []
                found = any(r.get("kind") == "document" and r.get("id") == save["doc"] for r in results)
            if found:
                save["searchable_ms"] = round((now - save["t_resp"]) * 1000, 1)
                save["searchable_from_send_ms"] = round((now - save["t_send"]) * 1000, 1)
                save["searchable_lower_ms"] = round(max(0.0, sent - save["t_resp"]) * 1000, 1)  # poll sent
                return
            if now - save["t_resp"] > timeout:
                save["never_searchable"] = True
                return
            rest = poll - (time.perf_counter() - cycle)
            if rest > 0:
                run.abort.wait(rest)
    finally:
        connections.put(client)


# ---------------------------------------------------------------------------------------------
# /proc: memory, open files and CPU of the processes that matter

CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_ppids() -> dict[int, int]:
    ppids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
            ppids[int(name)] = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return ppids


def descendants(root: int, ppids: dict[int, int]) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, ppid in ppids.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def proc_cpu_s(pid: int, children: bool = False) -> float | None:
    """CPU seconds of ``pid`` (utime + stime), plus (``children``) those of its reaped children."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        total = int(fields[11]) + int(fields[12])
        if children:
            total += int(fields[13]) + int(fields[14])
        return total / CLK_TCK
    except (OSError, ValueError, IndexError):
        return None


def proc_memory(pid: int) -> dict | None:
    """RSS, PSS and USS (Private_Clean + Private_Dirty) in MB from smaps_rollup."""
    values = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Swap"):
                    values[key] = int(rest.split()[0]) / 1024.0
    except (OSError, ValueError):
        return None
    if "Rss" not in values:
        return None
    return {"rss": round(values["Rss"], 2), "pss": round(values.get("Pss", 0.0), 2),
            "uss": round(values.get("Private_Clean", 0.0) + values.get("Private_Dirty", 0.0), 2),
            "swap": round(values.get("Swap", 0.0), 2)}


def proc_fds(pid: int) -> dict:
    """Open descriptors and those pointing at deleted files (with a few of their names; gunicorn's
    own heartbeat file, unlinked on purpose, is not counted)."""
    total, deleted, names = 0, 0, []
    try:
        entries = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return {"fds": None, "deleted": None, "deleted_names": []}
    for entry in entries:
        total += 1
        try:
            target = os.readlink(f"/proc/{pid}/fd/{entry}")
        except OSError:
            continue
        if target.endswith(" (deleted)"):
            if os.path.basename(target).startswith("wgunicorn-"):
                continue  # gunicorn's worker heartbeat file: unlinked right after creation, by design
            deleted += 1
            if len(names) < 5:
                names.append(target)
    return {"fds": total, "deleted": deleted, "deleted_names": names}


def proc_cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def processes_with_env(marker: bytes) -> list[int]:
    """Processes whose environment holds ``marker`` (e.g. ``PORTAL_INSTANCE_PATH=<our instance>``):
    everything this run started, also what left its process group (merges use a new session)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as fh:
                if marker in fh.read().split(b"\0"):
                    found.append(int(name))
        except OSError:
            continue
    return found


def machine_cpu() -> tuple[float, float]:
    """(busy seconds, total seconds) over all cores since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        parts = [int(x) for x in fh.readline().split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    total = sum(parts[:8])
    return (total - idle) / CLK_TCK, total / CLK_TCK


def meminfo() -> dict:
    out = {}
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            out[key] = int(rest.split()[0]) // 1024
    return out


class Sampler:
    """Snapshots of gunicorn (master and workers), PostgreSQL, the running import, this process
    and the machine: every ``--sample-seconds`` in a thread, and at every phase boundary."""

    def __init__(self, run: Run, gunicorn_pid: int, pg_pidfile: str, port: int | None = None):
        self.run = run
        self.port = port
        self.gunicorn_pid = gunicorn_pid
        self.pg_pidfile = pg_pidfile
        self.import_pid: int | None = None
        self.samples: list[dict] = []
        self.worker_events: list[dict] = []
        self._last_workers: set[int] | None = None
        self._lock = threading.Lock()

    def _postmaster(self) -> int | None:
        try:
            with open(self.pg_pidfile, encoding="ascii") as fh:
                return int(fh.readline())
        except (OSError, ValueError):
            return None

    def snapshot(self, label: str = "tick") -> dict:
        with self._lock:
            ppids = proc_ppids()
            workers = sorted(p for p, pp in ppids.items() if pp == self.gunicorn_pid)
            snap = {"t": round(self.run.now(), 2), "phase": self.run.phase_idx, "label": label, "workers": {},
                    "master": {"cpu_s": proc_cpu_s(self.gunicorn_pid, True), **(proc_memory(self.gunicorn_pid) or {})}}
            for pid in workers:
                snap["workers"][pid] = {"cpu_s": proc_cpu_s(pid, True), **(proc_memory(pid) or {}), **proc_fds(pid)}
            # Workers' own children: index merges (app/search/merge.py spawn) and the like.
            others = [p for p in descendants(self.gunicorn_pid, ppids) if p not in snap["workers"]]
            snap["worker_children"] = {p: {"cpu_s": proc_cpu_s(p), "cmd": proc_cmdline(p)[:120]} for p in others}
            postmaster = self._postmaster()
            if postmaster:
                pg = [postmaster] + descendants(postmaster, ppids)
                mems = [m for m in (proc_memory(p) for p in pg) if m]
                snap["postgres"] = {"processes": len(pg), "cpu": {p: proc_cpu_s(p) for p in pg},
                                    "pss_mb": round(sum(m["pss"] for m in mems), 1),
                                    "uss_mb": round(sum(m["uss"] for m in mems), 1)}
            if self.import_pid and self.import_pid in ppids:
                tree = [self.import_pid] + descendants(self.import_pid, ppids)
                snap["import"] = {"processes": len(tree), "cpu": {p: proc_cpu_s(p) for p in tree},
                                  "members": {p: proc_memory(p) for p in tree}}
            usage = resource.getrusage(resource.RUSAGE_SELF)
            snap["generator"] = {"cpu_s": usage.ru_utime + usage.ru_stime, **(proc_memory(os.getpid()) or {})}
            busy, total = machine_cpu()
            info = meminfo()
            snap["machine"] = {"busy_s": busy, "total_s": total, "loadavg": os.getloadavg()[0],
                               "mem_available_mb": info.get("MemAvailable")}
            if self.port:
                try:
                    status, body = http_get_json(self.port, "/healthz", timeout=5)
                    idx = body.get("index", {}) if isinstance(body, dict) else {}
                    snap["index"] = {"http": status, "status": body.get("status") if isinstance(body, dict) else None,
                                     **{k: idx.get(k) for k in ("state", "pending_changes", "segments", "records",
                                                                "rebuilding", "lagging")}}
                except (OSError, http.client.HTTPException) as exc:
                    snap["index"] = {"error": repr(exc)[:200]}
            current = set(workers)
            if self._last_workers is not None and current != self._last_workers:
                self.worker_events.append({"t": snap["t"], "phase": snap["phase"],
                                           "gone": sorted(self._last_workers - current),
                                           "new": sorted(current - self._last_workers)})
            self._last_workers = current
            self.samples.append(snap)
            return snap

    def loop(self, every: float) -> None:
        while not self.run.abort.wait(every):
            try:
                self.snapshot()
            except Exception as exc:  # noqa: BLE001 - a sampling hiccup must not end the run
                log(f"  sampler: {type(exc).__name__}: {exc}")


def cpu_over(samples: list[dict]) -> dict:
    """Cores used on average over consecutive snapshots, per group of processes: summed pair by pair,
    so a process that ended during the phase (the import) counts up to its last sample, not zero."""
    pairs = [(a, b) for a, b in zip(samples, samples[1:]) if b["t"] > a["t"]]
    wall = sum(b["t"] - a["t"] for a, b in pairs)
    if not wall:
        return {}
    totals: dict[str, float] = {}
    for a, b in pairs:
        for key, value in cpu_between(a, b).items():
            if key != "cores":
                totals[key] = totals.get(key, 0.0) + value * (b["t"] - a["t"])
    return {**{k: round(v / wall, 3) for k, v in totals.items()}, "cores": os.cpu_count() or 1}


def cpu_between(a: dict, b: dict) -> dict:
    """Cores used on average between two snapshots, per group of processes."""
    wall = b["t"] - a["t"]
    if wall <= 0:
        return {}

    def group(get):
        before, after = get(a), get(b)
        total = 0.0
        for pid, cpu in after.items():
            if cpu is None:
                continue
            total += cpu - (before.get(pid) or 0.0) if pid in before else cpu
        return total

    gunicorn = group(lambda s: {**{p: w.get("cpu_s") for p, w in s["workers"].items()},
                                **{p: c.get("cpu_s") for p, c in s.get("worker_children", {}).items()},
                                0: s["master"].get("cpu_s")})
    postgres = group(lambda s: (s.get("postgres") or {}).get("cpu", {}))
    imp = group(lambda s: (s.get("import") or {}).get("cpu", {}))
    generator = b["generator"]["cpu_s"] - a["generator"]["cpu_s"]
    machine = (b["machine"]["busy_s"] - a["machine"]["busy_s"])
    cores = os.cpu_count() or 1
    out = {"generator": generator / wall, "gunicorn": gunicorn / wall, "postgres": postgres / wall,
           "import": imp / wall, "machine_busy": machine / wall}
    out["other"] = max(0.0, out["machine_busy"] - out["generator"] - out["gunicorn"] - out["postgres"] - out["import"])
    out["cores"] = cores
    return {k: round(v, 3) for k, v in out.items()}


# ---------------------------------------------------------------------------------------------
# Setup

class PrivatePostgres:
    """tests/pg_cluster.py's PgCluster with the server options this benchmark wants."""

    def __init__(self, fsync: bool, max_connections: int):
        import pytest  # noqa: F401  (pg_cluster reports failures with pytest.fail)

        from tests.pg_cluster import PgCluster

        options = (f"-c listen_addresses=127.0.0.1 -c max_connections={max_connections} "
                   + ("-c fsync=on -c synchronous_commit=on -c full_page_writes=on" if fsync else
                      "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"))

        class Cluster(PgCluster):
            def _options(self) -> str:
                return f"-p {self.port} -k {self.base} {options}"

        self.options = options
        base = tempfile.mkdtemp(prefix="cchc-load-pg-")
        self.cluster = Cluster(base, free_port())

    def start(self) -> None:
        import pytest

        cluster = self.cluster
        try:
            if cluster._as_postgres:
                shutil.chown(cluster.base, "postgres")
            cluster._run("initdb", "-D", cluster.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                         "--locale=C.UTF-8")
            cluster.start()
        except pytest.fail.Exception as exc:
            raise SetupError(f"PostgreSQL did not start: {exc}") from None

    def version(self) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.cluster.port} user=postgres dbname=postgres") as conn:
            return conn.execute("SELECT version()").fetchone()[0]

    def destroy(self) -> None:
        self.cluster.destroy()


def ensure_import_slice(n: int, seed: int, out_dir: str) -> str:
    """``n`` documents for the import during load, with numbers the main corpus never uses
    (its numbers are 1–4999; these start at 5000, one per line), so all are created."""
    path = os.path.join(out_dir, f"corpus-ours-import-{n}-seed{seed}.jsonl")
    if os.path.exists(path):
        return path
    raw = path + ".raw"
    subprocess.run([sys.executable, CORPUS_SCRIPT, "--docs", str(n), "--seed", str(seed), "--out", raw], check=True)
    with open(raw, encoding="utf-8") as src, open(path + ".tmp", "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            doc = json.loads(line)
            doc["number"] = re.sub(r"^\d+", str(5000 + i), doc["number"])
            dst.write(json.dumps(doc, ensure_ascii=False) + "\n")
    os.remove(raw)
    os.replace(path + ".tmp", path)
    return path


def load_queries(corpus_path: str) -> list[str]:
    """The search benchmark's fixed queries, a few more (names, accent-free forms), and numbers
    from the corpus in the forms people type them."""
    docs = []
    with open(corpus_path, encoding="utf-8") as fh:
        for _ in range(400):
            line = fh.readline()
            if not line:
                break
            docs.append(json.loads(line))
    queries = list(BASE_QUERIES) + EXTRA_QUERIES
    picked = set()

    def pick(test):
        for d in docs:
            if d["number"] not in picked and test(d):
                picked.add(d["number"])
                return d
        return None

    qd = pick(lambda d: "QĐ-TTg" in d["number"])
    if qd:  # typed lower case without the Đ: 3082/2020/qd-ttg
        queries.append(qd["number"].replace("Đ", "D").replace("đ", "d").lower())
    nd = pick(lambda d: "NĐ-CP" in d["number"])
    if nd:  # Nghị định 107/2021
        queries.append(f"{nd['type']} {'/'.join(nd['number'].split('/')[:2])}")
    other = pick(lambda d: d["category"] != "legal")
    if other:  # as written: 1234/KH-TTCP
        queries.append(other["number"])
    any_doc = pick(lambda d: True)
    if any_doc:  # Quyết định 3567
        queries.append(f"{any_doc['type']} {any_doc['number'].split('/')[0]}")
    return queries


USERS_SNIPPET = r"""
import sys
from app import create_app
from app.services.accounts import users as accounts
app = create_app()
with app.app_context():
    unit = accounts.get_unit_by_code(sys.argv[1])
    for spec in sys.argv[3:]:
        name, role = spec.split(":")
        accounts.create_user(name, sys.argv[2], full_name=name, roles=(role,), unit=unit)
print(f"created {len(sys.argv) - 3} accounts")
"""


def db_documents(pg_port: int, dbname: str) -> list[int]:
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={pg_port} user=postgres dbname={dbname}") as conn:
        return [r[0] for r in conn.execute("SELECT id FROM documents WHERE deleted_at IS NULL ORDER BY id")]


def http_get_json(port: int, path: str, timeout: float = 10.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        try:
            return resp.status, json.loads(body)
        except ValueError:
            return resp.status, body[:300].decode("utf-8", "replace")
    finally:
        conn.close()


def git_info() -> dict:
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                                  timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    dirty = git("status", "--porcelain", "--", "app", "migrations", "wsgi.py", "requirements.txt")
    return {"commit": git("rev-parse", "HEAD"), "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
            "subject": git("log", "-1", "--format=%s")[:120], "app_dirty": bool(dirty)}


def machine_info() -> dict:
    info = meminfo()
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "ram_mb": info.get("MemTotal"),
            "mem_available_mb_at_start": info.get("MemAvailable"), "loadavg_at_start": os.getloadavg(),
            "python": sys.version.split()[0], "platform": platform.platform(), "hostname": socket.gethostname()}


PROBES = [
    ("a common phrase", None),
    ("a document number", None),
    ("an unknown 16-letter word (like the polls)", "tkzprobeqwxjvbnm"),
    ("an unknown 9-letter word (a name not in the library)", "microsoft"),
    ("an unknown 12-letter word", "tkzqwxjvbnmp"),
]


def probes(client: Client, queries: list[str], timeout: float) -> list[dict]:
    """Time a few ``/api/search`` queries one at a time on the idle server (median of 3): a hit
    against a miss, since a miss runs the spelling fallback (app/search/spelling.py)."""
    out = []
    number = next((q for q in queries if "/" in q), queries[0])
    for label, q in PROBES:
        q = q or (queries[0] if label == "a common phrase" else number)
        times, total, status = [], None, None
        for _ in range(3):
            t = time.perf_counter()
            try:
                status, _h, body = client.request("GET", "/api/search?per_page=20&q=" + urllib.parse.quote(q))
            except (OSError, http.client.HTTPException) as exc:
                status, body = repr(exc), b""
            times.append((time.perf_counter() - t) * 1000)
            try:
                total = json.loads(body).get("total")
            except ValueError:
                pass
        out.append({"label": label, "q": q, "status": status, "total": total, "ms": sorted(times)[1],
                    "all_ms": [round(x, 1) for x in times]})
        log(f"  {label:<55} {q!r:<28} {sorted(times)[1]:8.0f} ms  (total {total}, HTTP {status})")
    return out


# ---------------------------------------------------------------------------------------------
# Analysis

def kind_stats(latencies: list[float], seconds: float, problems: int) -> dict:
    return {"n": len(latencies), "rps": round(len(latencies) / seconds, 2) if seconds > 0 else None,
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
            "max": max(latencies) if latencies else None, "errors": problems}


def phase_report(run: Run, idx: int, phase: dict) -> dict:
    seconds = phase["seconds"]
    rows = [s for s in run.samples if s[4] == idx]
    by_kind: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    unexpected: dict[str, int] = {}
    status_counts: dict[str, int] = {}
    for _t, ms, kind, status, _p in rows:
        if status in (298, 299):  # content checks recorded after the request itself
            unexpected[kind] = unexpected.get(kind, 0) + 1
            continue
        by_kind.setdefault(kind, []).append(ms)
        status_counts[str(status)] = status_counts.get(str(status), 0) + 1
        c = classify(kind, status)
        if c == "error":
            errors[kind] = errors.get(kind, 0) + 1
        elif c == "unexpected":
            unexpected[kind] = unexpected.get(kind, 0) + 1
    kinds = {k: {**kind_stats(v, seconds, errors.get(k, 0)), "unexpected": unexpected.get(k, 0)}
             for k, v in sorted(by_kind.items(), key=lambda kv: (READER_KINDS + EDITOR_KINDS).index(kv[0]))}
    everything = [ms for v in by_kind.values() for ms in v]
    reader_lat = [ms for k, v in by_kind.items() if k in READER_KINDS for ms in v]
    saves = [s for s in run.saves if s["phase"] == idx]
    ok = [s for s in saves if s["outcome"] == "ok"]
    found = [s["searchable_ms"] for s in ok if s.get("searchable_ms") is not None]
    out = {
        "name": phase["name"], "readers": phase["readers"], "editors": phase["editors"], "import": phase["import"],
        "seconds": round(seconds, 2), "requests": len(everything),
        "overall": {**kind_stats(everything, seconds, sum(errors.values())), "unexpected": sum(unexpected.values()),
                    "ok_rps": round((len(everything) - sum(errors.values()) - sum(unexpected.values())) / seconds, 2)
                    if seconds > 0 else None},
        "readers_overall": kind_stats(reader_lat, seconds, sum(errors.get(k, 0) for k in READER_KINDS)),
        "kinds": kinds, "status_counts": status_counts,
        "saves": {"attempted": len(saves), "ok": len(ok),
                  "refused": sum(1 for s in saves if s["outcome"] == "refused"),
                  "refused_409": sum(1 for s in saves if s["outcome"] == "refused" and s["status"] == 409),
                  "errors": sum(1 for s in saves if s["outcome"] == "error"),
                  "unexpected": sum(1 for s in saves if s["outcome"] == "unexpected"),
                  "late": sum(1 for s in saves if s.get("late")),
                  "p50_ms": percentile([s["ms"] for s in ok], 50), "p95_ms": percentile([s["ms"] for s in ok], 95),
                  "max_ms": max((s["ms"] for s in ok), default=None),
                  "refusal_messages": sorted({s.get("message", "") for s in saves if s["outcome"] == "refused"})[:5]},
        "searchable": {"saves": len(ok), "found": len(found), "p50_ms": percentile(found, 50),
                       "p95_ms": percentile(found, 95), "max_ms": max(found, default=None),
                       "never": sum(1 for s in ok if s.get("never_searchable")),
                       "unresolved": sum(1 for s in ok if s.get("unresolved") or
                                         (s.get("searchable_ms") is None and not s.get("never_searchable")))},
        "cpu_cores": phase.get("cpu"),
        "index": phase.get("index"),
        "problems": [p for p in run.problems if p["phase"] == idx][:10],
        "problem_count": run.problem_counts.get(idx, 0),
    }
    if phase["import"] and phase.get("import_window"):
        start, end = phase["import_window"]
        during = [s for s in ok if start <= s["t_send"] <= end]
        found_d = [s["searchable_ms"] for s in during if s.get("searchable_ms") is not None]
        out["while_import_ran"] = {
            "window_s": [round(start, 2), round(end, 2)], "saves": len(during),
            "save_p50_ms": percentile([s["ms"] for s in during], 50),
            "save_p95_ms": percentile([s["ms"] for s in during], 95),
            "searchable_p50_ms": percentile(found_d, 50), "searchable_p95_ms": percentile(found_d, 95),
            "searchable_max_ms": max(found_d, default=None),
            "never": sum(1 for s in during if s.get("never_searchable"))}
    return out


WINDOW_SECONDS = 600  # the target's "growth over 10 minutes"


def worst_window_growth(points: list[tuple[float, float]], seconds: float) -> float | None:
    """The largest rise from one sample to a later one at most ``seconds`` after it (MB; 0 when it
    only fell, None with fewer than two samples)."""
    if len(points) < 2:
        return None
    worst = 0.0
    for i, (t0, v0) in enumerate(points):
        for t1, v1 in points[i + 1:]:
            if t1 - t0 > seconds:
                break
            worst = max(worst, v1 - v0)
    return round(worst, 2)


def memory_report(sampler: Sampler, phases: list[dict]) -> dict:
    """Per worker: after warm-up, at the end, growth, maximum; over the soak: growth and slope."""
    samples = sampler.samples
    if not samples:
        return {}
    warm_end = next((p["end_snapshot"] for p in phases if p["name"] == "warm-up"), None)
    soak = next((p for p in phases if p["name"] == "soak"), None)
    baseline = warm_end if warm_end is not None else samples[0]
    last = samples[-1]
    pids = sorted({pid for s in samples for pid in s["workers"]})
    workers = []
    for pid in pids:
        series = [(s["t"], s["workers"][pid]) for s in samples if pid in s["workers"] and "uss" in s["workers"][pid]]
        if not series:
            continue
        base = baseline["workers"].get(pid) if baseline else None
        end = last["workers"].get(pid)
        row = {"pid": pid, "first_seen_t": series[0][0], "last_seen_t": series[-1][0],
               "alive_at_end": end is not None,
               "after_warmup": {k: base.get(k) for k in ("uss", "rss", "deleted", "fds")} if base else None,
               "end": {k: end.get(k) for k in ("uss", "rss", "deleted", "fds")} if end else None,
               "max_uss": max(w["uss"] for _t, w in series), "max_rss": max(w["rss"] for _t, w in series),
               "max_deleted_fds": max((w.get("deleted") or 0) for _t, w in series),
               "deleted_names": next((w["deleted_names"] for _t, w in reversed(series) if w.get("deleted_names")), [])}
        if base and end:
            row["growth_uss"] = round(end["uss"] - base["uss"], 2)
            row["growth_rss"] = round(end["rss"] - base["rss"], 2)
        if baseline is not None:
            after = [(t, w["uss"]) for t, w in series if t >= baseline["t"]]
            row["window_growth_uss"] = worst_window_growth(after, WINDOW_SECONDS)
        if soak is not None:
            s0, s1 = soak["start_snapshot"], soak["end_snapshot"]
            a, b = s0["workers"].get(pid), s1["workers"].get(pid)
            if a and b and "uss" in a and "uss" in b:
                row["soak_growth_uss"] = round(b["uss"] - a["uss"], 2)
                pts = [(t, w["uss"]) for t, w in series if s0["t"] <= t <= s1["t"]]
                if len(pts) >= 6 and s1["t"] - s0["t"] >= 180:  # shorter: a slope of noise
                    mt = sum(t for t, _ in pts) / len(pts)
                    mu = sum(u for _, u in pts) / len(pts)
                    var = sum((t - mt) ** 2 for t, _ in pts)
                    if var > 0:
                        slope = sum((t - mt) * (u - mu) for t, u in pts) / var
                        row["soak_slope_mb_per_10min"] = round(slope * 600, 2)
        workers.append(row)
    pg = [s.get("postgres", {}).get("pss_mb") for s in samples if s.get("postgres")]
    imports = [sum((m or {}).get("rss", 0) for m in s["import"]["members"].values())
               for s in samples if s.get("import")]
    return {"workers": workers, "restarts": sampler.worker_events,
            "postgres_pss_mb": {"first": pg[0] if pg else None, "last": pg[-1] if pg else None,
                                "max": max(pg) if pg else None},
            "import_max_rss_mb": max(imports) if imports else None,
            "generator_rss_mb_end": last["generator"].get("rss"),
            "soak_seconds": round(soak["seconds"], 1) if soak else None}


LOG_LINE = re.compile(r"^(\[\d{4}-\d\d-\d\d |\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)")


def _pcts(values: list[float]) -> list:
    return [percentile(values, 50), percentile(values, 95), max(values) if values else None]


def _fmt_pcts(values: list) -> str:
    return "/".join("—" if v is None else f"{v:.0f}" for v in values)


def gunicorn_log_report(path: str) -> dict:
    """Counts of what the portal and gunicorn logged, and every distinct traceback."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return {}
    counts: dict[str, int] = {}
    for key, pattern in (("ERROR", r"\bERROR\b|\[ERROR\]"), ("WARNING", r"\bWARNING\b|\[WARNING\]"),
                         ("CRITICAL", r"\bCRITICAL\b|\[CRITICAL\]"), ("WORKER TIMEOUT", r"WORKER TIMEOUT"),
                         ("Booting worker", r"Booting worker"), ("Traceback", r"Traceback \(most recent call last\)")):
        counts[key] = sum(1 for line in lines if re.search(pattern, line))
    tracebacks: dict[str, dict] = {}
    i = 0
    while i < len(lines):
        if "Traceback (most recent call last)" in lines[i]:
            start = i - 1 if i > 0 and LOG_LINE.match(lines[i - 1]) else i
            j = i + 1
            while j < len(lines) and not LOG_LINE.match(lines[j]) and "Traceback (most recent" not in lines[j]:
                j += 1
            block = lines[start:j]
            last = next((line for line in reversed(block) if line.strip() and not line.startswith(" ")), block[-1])
            where = next((line.strip() for line in reversed(block) if line.strip().startswith('File "')
                          and "/app/" in line), "")
            key = last.strip()[:200] + " @ " + where[:200]
            entry = tracebacks.setdefault(key, {"count": 0, "exception": last.strip()[:300], "where": where,
                                                "first": "\n".join(block[:80])})
            entry["count"] += 1
            i = j
        else:
            i += 1
    warnings: dict[str, int] = {}
    errors: dict[str, dict] = {}
    for line in lines:
        if re.search(r"\b(WARNING|ERROR|CRITICAL)\b|\[(WARNING|ERROR|CRITICAL)\]", line):
            msg = re.sub(r"^\S+ \S+ ", "", line)           # drop the timestamp
            msg = re.sub(r"\[[0-9a-f-]{8,}\]", "[…]", msg)  # request ids
            msg = re.sub(r"\d+(\.\d+)?", "N", msg)[:160]
            warnings[msg] = warnings.get(msg, 0) + 1
            if re.search(r"\b(ERROR|CRITICAL)\b|\[(ERROR|CRITICAL)\]", line):
                entry = errors.setdefault(msg, {"count": 0, "first": line[:400]})
                entry["count"] += 1
    top = sorted(warnings.items(), key=lambda kv: -kv[1])[:15]
    merges = [tuple(float(x) for x in m.groups()) for m in (re.search(
        r"search index merge: (\d+) segments → one of (\d+) records in ([\d.]+) s \(write lock held ([\d.]+) s\)", line)
        for line in lines) if m]
    rebuilds = [m.group(0)[:200] for m in (re.search(r"search index rebuilt in .*", line) for line in lines) if m]
    counts["index merges"] = len(merges)
    syncs = [tuple(float(x) for x in m.groups()) for m in (re.search(
        r"search index: applied (\d+) changes in (\d+) ms \(waited (\d+) ms for the writer\)", line)
        for line in lines) if m]
    counts["index syncs"] = len(syncs)
    return {"path": path, "lines": len(lines), "counts": counts,
            "syncs": {"count": len(syncs), "changes": sum(x[0] for x in syncs),
                      "ms": _pcts([x[1] for x in syncs]), "wait_ms": _pcts([x[2] for x in syncs])},
            "merges": {"count": len(merges), "max_seconds": max((m[2] for m in merges), default=None),
                       "max_lock_seconds": max((m[3] for m in merges), default=None),
                       "max_segments": max((m[0] for m in merges), default=None)},
            "rebuilds": rebuilds,
            "tracebacks": sorted(tracebacks.values(), key=lambda t: -t["count"]),
            "errors": sorted(errors.values(), key=lambda e: -e["count"])[:20],
            "top_messages": [{"count": c, "message": m} for m, c in top]}


def postgres_log_report(path: str) -> dict:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return {}
    found: dict[str, int] = {}
    for line in lines:
        m = re.search(r"\b(ERROR|FATAL|PANIC|WARNING):\s+(.*)", line)
        if m:
            key = f"{m.group(1)}: {re.sub(r'[0-9]+', 'N', m.group(2))[:160]}"
            found[key] = found.get(key, 0) + 1
    return {"path": path, "lines": len(lines),
            "messages": [{"count": c, "message": m} for m, c in sorted(found.items(), key=lambda kv: -kv[1])[:15]]}


# ---------------------------------------------------------------------------------------------
# Report

def ms(value) -> str:
    return fmt(value, ".0f") if value is not None and value >= 10 else fmt(value, ".1f")


def verdict(ok) -> str:
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def targets(res: dict) -> list[dict]:
    """The README's targets against this run's figures."""
    out = []
    loaded = [p for p in res["phases"] if p["name"] != "warm-up"]
    errs = sum(p["overall"]["errors"] for p in loaded)
    out.append({"target": "errors (5xx, connection errors, timeouts) after warm-up = 0", "value": errs,
                "ok": errs == 0})
    mem = res.get("memory", {}).get("workers", [])
    growth = [w.get("growth_uss") for w in mem if w.get("growth_uss") is not None]
    soak_s = res.get("memory", {}).get("soak_seconds")
    window = [w.get("window_growth_uss") for w in mem if w.get("window_growth_uss") is not None]
    if window:
        worst = max(window)
        out.append({"target": "USS growth per worker within any 10 minutes after the warm-up < 50 MB",
                    "value": f"{worst:.1f} MB (worst worker)", "ok": worst < 50})
    if growth:
        worst = max(growth)
        run_min = (res["elapsed_s"] - res["warmup_end_s"]) / 60 if res.get("warmup_end_s") else None
        out.append({"target": "USS growth per worker, after warm-up → end (whole run: "
                              f"{fmt(run_min, '.1f')} min, the import included), for reference",
                    "value": f"{worst:.1f} MB (worst worker)", "ok": None})
    soak = [w.get("soak_growth_uss") for w in mem if w.get("soak_growth_uss") is not None]
    if soak:
        worst = max(soak)
        out.append({"target": f"USS growth per worker over the soak ({fmt(soak_s / 60 if soak_s else None, '.1f')} min)"
                              " < 50 MB per 10 min",
                    "value": f"{worst:.1f} MB (worst worker)",
                    "ok": worst < 50 * max(1.0, (soak_s or 600) / 600)})
    imp = next((p for p in res["phases"] if p["import"]), None)
    if imp and imp.get("while_import_ran"):
        w = imp["while_import_ran"]
        out.append({"target": "save p95 while the import runs < 500 ms", "value": f"{ms(w['save_p95_ms'])} ms "
                    f"({w['saves']} saves)", "ok": None if w["save_p95_ms"] is None else w["save_p95_ms"] < 500})
        v = w["searchable_p95_ms"]
        out.append({"target": "save-to-searchable p95 with an import < 10 s", "value": f"{ms(v)} ms, never "
                    f"found: {w['never']} of {w['saves']}",
                    "ok": (False if w["never"] else None) if v is None else (v < 10000 and w["never"] == 0)})
    calm = [p["searchable"] for p in loaded if not p["import"]]
    if calm:
        worst = max((s["p95_ms"] for s in calm if s["p95_ms"] is not None), default=None)
        never = sum(s["never"] for s in calm)
        out.append({"target": "save-to-searchable p95 without an import < 2 s (worst phase)",
                    "value": f"{ms(worst)} ms, never found: {never}",
                    "ok": (False if never else None) if worst is None else (worst < 2000 and never == 0)})
    return out


def recommendation(res: dict) -> list[str]:
    """How to pick --workers/--threads, from what the phases showed. Honest about the machine."""
    cores = res["machine"]["cpus"]
    w, t = res["options"]["workers"], res["options"]["threads"]
    steps = [p for p in res["phases"] if p["name"].startswith("readers-")]
    mem = res.get("memory", {}).get("workers", [])
    lines = []
    if steps:
        rps = [(p["readers"], p["overall"].get("ok_rps") or 0, p["overall"]["p95"], p.get("cpu_cores") or {})
               for p in steps]
        desc = ", ".join(f"{r} readers → {x:.0f} ok answers/s (p95 {ms(p95)} ms)" for r, x, p95, _c in rps)
        lines.append(f"Measured with {w} workers × {t} threads on {cores} cores: {desc}.")
        if any(p["overall"]["errors"] for p in steps):
            lines.append("Some reader steps had errors: their figures describe a portal partly failing, not its "
                         "capacity; fix the errors and run again before sizing on them.")
        saturated = next(((rps[i - 1][0], rps[i][0]) for i in range(1, len(rps)) if rps[i][1] < rps[i - 1][1] * 1.10),
                         None)
        top = rps[-1][3]
        if top:
            lines.append(f"At {rps[-1][0]} readers the cores went to: gunicorn {top.get('gunicorn', 0):.2f}, "
                         f"PostgreSQL {top.get('postgres', 0):.2f}, this load generator {top.get('generator', 0):.2f}, "
                         f"other processes on the machine {top.get('other', 0):.2f} (of {cores}).")
        if saturated is not None:
            lines.append(f"Throughput rose less than 10% from {saturated[0]} to {saturated[1]} readers: past "
                         f"{saturated[0]}, more concurrency only queues (latency grows, answers/s do not).")
        if top and sum(top.get(k, 0) for k in ("gunicorn", "generator", "postgres", "other")) > 0.8 * cores:
            lines.append("The cores were the limit at the top step (CPU-bound): more --threads would not have "
                         "raised throughput there; only more cores would.")
        if top and top.get("gunicorn", 0) > 0:
            share = top.get("postgres", 0) / max(1e-9, top.get("gunicorn", 0) + top.get("postgres", 0))
            lines.append(f"PostgreSQL took {share:.0%} of the server-side CPU: the time a request waits on the "
                         "database is " + ("small, so a few threads per worker are enough to cover it."
                                           if share < 0.25 else "significant: threads per worker cover these waits."))
    if mem:
        uss = max(m["max_uss"] for m in mem)
        shared = max((m["max_rss"] - m["max_uss"]) for m in mem)
        rss = max(m["max_rss"] for m in mem)
        lines.append(f"Memory: each worker's own memory (USS) reached {uss:.0f} MB (RSS {rss:.0f} MB, "
                     f"~{shared:.0f} MB shared with the master). The search cache is part of USS and is capped by "
                     "PORTAL_SEARCH_CACHE_MB (256 MB per worker by default): on an index larger than this run's, "
                     "allow for it.")
        for c in (2, 8):
            lo, hi = c, 2 * c
            lines.append(f"  {c} cores: {lo}–{hi} workers need ≈ {lo * uss + shared:.0f}–{hi * uss + shared:.0f} MB "
                         f"at this run's size (+ at most 256 MB per worker as its search cache fills on a "
                         f"larger index).")
    lines += [
        "How to pick them: workers (processes) are what add CPU, because the portal's work per request is "
        "Python holding the GIL; threads only overlap waits (PostgreSQL, disk, the index lock) inside one "
        "worker. So: workers ≈ cores (on 2 cores 2 workers beat 4, see bench/README.md); with the read gate "
        "(PORTAL_READ_CONCURRENCY=2) threads well above the turns (32), since waiting readers hold one each; "
        "without it 2–4.",
        "  2-core server: the README's --workers 2 --threads 32 with the gate; compare with 3 or 4 workers on "
        "the target server (every extra worker keeps its own search cache and works it up again after each "
        "new segment); keep the one with the better p95 at the top step.",
        "  8-core server: --workers 8 --threads 32 with the gate, then 12 workers if p95 at the top step "
        "improves and workers × USS fits in RAM beside PostgreSQL and the page cache.",
    ]
    lines.append(f"Caveat: the load generator ran on the same {cores} cores and competed with the server (its CPU is "
                 "shown per phase as 'gen'; 'other' is everything else on the machine). One run measures one "
                 "configuration: compare configurations by running this benchmark again with other "
                 "--workers/--threads on the target server.")
    return lines


def print_summary(res: dict) -> None:
    m, o = res["machine"], res["options"]
    log("")
    log("=" * 118)
    log(f"LOAD BENCHMARK · {res['documents_stored']} documents stored ({o['docs']} corpus lines) · gunicorn "
        f"{o['workers']} workers × {o['threads']} threads · {res['postgres']['version_short']} "
        f"(fsync {'on' if o['pg_fsync'] else 'off'}) · "
        + ("a new connection per request (as behind a proxy)" if o.get("connection_close")
           else "keep-alive connections"))
    g = res["git"]
    log(f"machine: {m['cpus']} cores ({m['cpu_model']}), {m['ram_mb'] / 1024:.1f} GB RAM, load average at start "
        f"{m['loadavg_at_start'][0]:.2f}, at end {res.get('loadavg_at_end', 0):.2f} · code {g['commit'][:10]} "
        f"({g['branch']}{', app/ has uncommitted changes' if g['app_dirty'] else ''})")
    s = res["setup"]
    log(f"setup: import {o['docs']} lines {fmt(s.get('import_s'), '.1f')} s "
        f"({fmt(s.get('import_docs_per_s'), '.0f')} docs/s, peak {fmt(s.get('import_peak_mb'), '.0f')} MB) "
        f"+ queued sync {fmt(s.get('sync_s'), '.1f')} s · "
        f"gunicorn ready in {fmt(s.get('gunicorn_ready_s'), '.1f')} s · "
        f"readers {o['readers']} accounts, editors {o['editors']}, save every {o['save_interval']} s, "
        f"think {o['think_ms']} ms")
    log("NOTE: the load generator runs on the same machine and competes with the server for the same cores "
        "(see 'gen' below); 'other' is CPU used by anything else on the machine.")
    log("")
    head = (f"{'phase':<11}{'s':>5}{'rdrs':>5}{'req/s':>8}{'ok/s':>7}"
            f"{'p50':>7}{'p95':>7}{'p99':>7}{'err':>5}{'unexp':>6}"
            f"{'saves ok/ref/err':>17}{'save p50/p95':>14}{'searchable p50/p95/max':>24}{'never':>6}"
            f"  cores gen/guni/pg/imp/other")
    log(head)
    log("-" * len(head))
    for p in res["phases"]:
        ov, sv, sr, cpu = p["overall"], p["saves"], p["searchable"], p.get("cpu_cores") or {}
        log(f"{p['name']:<11}{p['seconds']:>5.0f}{p['readers']:>5}{fmt(ov['rps'], '.1f'):>8}"
            f"{fmt(ov.get('ok_rps'), '.1f'):>7}{ms(ov['p50']):>7}"
            f"{ms(ov['p95']):>7}{ms(ov['p99']):>7}{ov['errors']:>5}{ov['unexpected']:>6}"
            f"{str(sv['ok']) + '/' + str(sv['refused']) + '/' + str(sv['errors']):>17}"
            f"{ms(sv['p50_ms']) + '/' + ms(sv['p95_ms']):>14}"
            f"{ms(sr['p50_ms']) + '/' + ms(sr['p95_ms']) + '/' + ms(sr['max_ms']):>24}{sr['never']:>6}"
            f"  {cpu.get('generator', 0):.2f}/{cpu.get('gunicorn', 0):.2f}/{cpu.get('postgres', 0):.2f}/"
            f"{cpu.get('import', 0):.2f}/{cpu.get('other', 0):.2f}")
    log("(latencies in ms over every answer, errors included; ok/s = answers that were neither errors nor "
        "unexpected; 'never' = saved but not searchable within --searchable-timeout; cores = average cores "
        f"busy out of {m['cpus']})")
    if any(p.get("index") for p in res["phases"]):
        log("index (from /healthz every --sample-seconds): " + "; ".join(
            f"{p['name']}: pending ≤ {fmt((p.get('index') or {}).get('max_pending_changes'), 'd')}, "
            f"segments {fmt((p.get('index') or {}).get('segments_end'), 'd')}"
            + (f", {'/'.join((p.get('index') or {}).get('not_ok'))}" if (p.get("index") or {}).get("not_ok") else "")
            for p in res["phases"]))
    late = sum(p["saves"]["late"] for p in res["phases"])
    if late:
        log(f"editors could not keep --save-interval {o['save_interval']} s for {late} saves (form + save took longer)")
    imp = next((p for p in res["phases"] if p["import"]), None)
    if imp:
        i = res.get("import_during_load", {})
        w = imp.get("while_import_ran") or {}
        log(f"import during load: {i.get('docs')} documents in {fmt(i.get('seconds'), '.1f')} s "
            f"({fmt(i.get('docs_per_s'), '.0f')} docs/s, exit {i.get('returncode')}) — {i.get('summary', '')}")
        if w:
            log(f"  while it ran ({w['saves']} saves): save p50/p95 {ms(w['save_p50_ms'])}/{ms(w['save_p95_ms'])} ms, "
                f"searchable p50/p95/max {ms(w['searchable_p50_ms'])}/{ms(w['searchable_p95_ms'])}/"
                f"{ms(w['searchable_max_ms'])} ms, never {w['never']}")
        if i.get("stderr_tail"):
            log("  import stderr (tail): " + i["stderr_tail"][-600:].replace("\n", "\n    "))
    log("")
    log("per request kind (p50/p95/p99 ms, req/s, errors):")
    kinds = [k for k in READER_KINDS + EDITOR_KINDS if any(k in p["kinds"] for p in res["phases"])]
    log(f"{'kind':<27}" + "".join(f"{p['name']:>21}" for p in res["phases"]))
    for k in kinds:
        cells = []
        for p in res["phases"]:
            st = p["kinds"].get(k)
            cells.append("-" if not st else f"{ms(st['p50'])}/{ms(st['p95'])}/{ms(st['p99'])} "
                         f"{st['rps']:.1f}{'!' + str(st['errors']) if st['errors'] else ''}")
        log(f"{KIND_LABELS[k]:<27}" + "".join(f"{c:>21}" for c in cells))
    log("")
    mem = res.get("memory", {})
    if mem.get("workers"):
        log("memory per gunicorn worker (MB; USS = Private_Clean + Private_Dirty; deleted = open descriptors of "
            "deleted files):")
        log(f"{'pid':>8}{'after warm-up USS/RSS':>23}{'end USS/RSS':>15}{'growth USS':>12}{'worst 10 min':>14}"
            f"{'max USS/RSS':>14}"
            f"{'soak growth':>13}{'soak slope/10min':>18}{'deleted end/max':>17}")
        for wkr in mem["workers"]:
            a, e = wkr.get("after_warmup") or {}, wkr.get("end") or {}
            log(f"{wkr['pid']:>8}{fmt(a.get('uss'), '.0f') + '/' + fmt(a.get('rss'), '.0f'):>23}"
                f"{(fmt(e.get('uss'), '.0f') + '/' + fmt(e.get('rss'), '.0f')) if e else 'gone':>15}"
                f"{fmt(wkr.get('growth_uss'), '+.1f'):>12}{fmt(wkr.get('window_growth_uss'), '+.1f'):>14}"
                f"{fmt(wkr['max_uss'], '.0f') + '/' + fmt(wkr['max_rss'], '.0f'):>14}"
                f"{fmt(wkr.get('soak_growth_uss'), '+.1f'):>13}{fmt(wkr.get('soak_slope_mb_per_10min'), '+.1f'):>18}"
                f"{fmt(e.get('deleted'), 'd') + '/' + fmt(wkr['max_deleted_fds'], 'd'):>17}")
            if wkr.get("deleted_names"):
                log(f"{'':>8}  deleted files it held open (last seen): {', '.join(wkr['deleted_names'][:3])}")
        if mem.get("restarts"):
            for ev in mem["restarts"]:
                log(f"  WORKER CHANGE at {ev['t']:.0f} s (phase {ev['phase']}): gone {ev['gone']}, new {ev['new']}")
        else:
            log("  no worker was restarted (same pids from start to end)")
        pg = mem.get("postgres_pss_mb") or {}
        log(f"  PostgreSQL (all its processes, PSS): {fmt(pg.get('first'), '.0f')} → {fmt(pg.get('last'), '.0f')} MB, "
            f"max {fmt(pg.get('max'), '.0f')}; "
            f"import during load: max RSS {fmt(mem.get('import_max_rss_mb'), '.0f')} MB;"
            f" load generator RSS {fmt(mem.get('generator_rss_mb_end'), '.0f')} MB")
    log("")
    problems = [p for ph in res["phases"] for p in ph["problems"]]
    total_problems = sum(ph["problem_count"] for ph in res["phases"])
    if problems:
        log(f"errors and unexpected answers: {total_problems} in all, by cause:")
        for c in res.get("problem_causes", [])[:8]:
            log(f"  ×{c['count']} {c['class']}: {c['status']} {KIND_LABELS.get(c['kind'], c['kind'])}"
                + (f" (reason: {c['reason']})" if c["reason"] else ""))
        log("the first ones:")
        for p in problems[:12]:
            name = res["phases"][p["phase"]]["name"] if 0 <= p["phase"] < len(res["phases"]) else p["phase"]
            log(f"  [{name} {p['t']:.1f}s] {p['class']}: {p['status']} {p['path']}"
                f"{' request ' + p['request_id'] if p['request_id'] else ''}"
                f"{' — ' + p['detail'][:160] if p['detail'] else ''}")
    else:
        log("errors and unexpected answers: none")
    gl = res.get("gunicorn_log", {})
    if gl:
        c = gl["counts"]
        log(f"gunicorn log ({gl['path']}): {c.get('ERROR', 0)} ERROR, {c.get('WARNING', 0)} WARNING, "
            f"{c.get('CRITICAL', 0)} CRITICAL, {c.get('WORKER TIMEOUT', 0)} worker timeouts, "
            f"{c.get('Traceback', 0)} tracebacks ({len(gl['tracebacks'])} distinct)")
        for tb in gl["tracebacks"][:4]:
            log(f"  ×{tb['count']} {tb['exception']}  {tb['where']}")
        for err in gl.get("errors", [])[:5]:
            log(f"  ×{err['count']} {err['first'][:220]}")
        mg = gl.get("merges") or {}
        if mg.get("count"):
            log(f"  index merges by the workers: {mg['count']}, longest {mg['max_seconds']:.1f} s, write lock held up "
                f"to {mg['max_lock_seconds']:.2f} s")
        for line in gl.get("rebuilds", [])[:3]:
            log(f"  {line}")
        for msg in gl.get("top_messages", [])[:6]:
            log(f"  ×{msg['count']} {msg['message']}")
    wl = res.get("search_worker_log", {})
    if wl:
        sy, mg = wl.get("syncs") or {}, wl.get("merges") or {}
        log(f"search worker log ({wl['path']}): {wl['counts'].get('ERROR', 0)} ERROR, "
            f"{wl['counts'].get('Traceback', 0)} tracebacks")
        if sy.get("count"):
            log(f"  index syncs: {sy['count']} applying {sy['changes']:.0f} changes; applying p50/p95/max "
                f"{_fmt_pcts(sy['ms'])} ms, waiting for the writer p50/p95/max {_fmt_pcts(sy['wait_ms'])} ms")
        if mg.get("count"):
            log(f"  index merges by the search worker: {mg['count']}, longest {mg['max_seconds']:.1f} s, write lock "
                f"held up to {mg['max_lock_seconds']:.2f} s")
    pl = res.get("postgres_log", {})
    if pl.get("messages"):
        log("PostgreSQL log: " + "; ".join(f"×{x['count']} {x['message'][:100]}" for x in pl["messages"][:5]))
    if res.get("probes"):
        log("one query at a time on the idle server (median of 3, ms): " + "; ".join(
            f"{p['label']} {ms(p['ms'])}" for p in res["probes"]))
    v = res.get("verify")
    if v:
        log(f"search verify after the load: exit {v.get('returncode')} — {v.get('stdout', '').strip()[-200:]}")
    hz = res.get("healthz_end")
    if isinstance(hz, dict):
        idx = hz.get("index", {})
        log(f"/healthz at the end: {hz.get('status')}, index {idx.get('state')}, {idx.get('records')} records, "
            f"{idx.get('segments')} segments, {idx.get('pending_changes')} changes pending")
    log("")
    log("targets:")
    for tgt in res["targets"]:
        log(f"  {verdict(tgt['ok']):<7}{tgt['target']}: {tgt['value']}")
    log("")
    log("choosing --workers / --threads:")
    for line in res["recommendation"]:
        log("  " + line)
    if res.get("notes"):
        log("")
        for note in res["notes"]:
            log("note: " + note)
    log("=" * 118)


# ---------------------------------------------------------------------------------------------
# Main

def build_phases(args) -> list[dict]:
    phases = []
    names = {p.strip() for p in args.phases.split(",")}
    if "warmup" in names and args.warmup_seconds > 0:
        phases.append({"name": "warm-up", "readers": args.warmup_readers, "seconds_planned": args.warmup_seconds,
                       "editors": True, "import": False})
    if "steps" in names:
        for r in args.reader_steps:
            phases.append({"name": f"readers-{r}", "readers": r, "seconds_planned": args.phase_seconds,
                           "editors": True, "import": False})
    if "import" in names:
        phases.append({"name": "import", "readers": args.import_readers, "seconds_planned": args.phase_seconds,
                       "editors": True, "import": True})
    if "soak" in names and args.soak_minutes > 0:
        phases.append({"name": "soak", "readers": args.soak_readers, "seconds_planned": args.soak_minutes * 60,
                       "editors": True, "import": False})
    for p in phases:
        p["editors"] = p["editors"] and args.editors > 0
    return phases


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20000, help="corpus lines imported before the load (default 20000)")
    ap.add_argument("--import-docs", type=int, default=5000,
                    help="new documents imported during the import phase (default 5000)")
    ap.add_argument("--workers", type=int, default=4, help="gunicorn --workers (default 4)")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn --threads (default 4)")
    ap.add_argument("--gunicorn-arg", action="append", default=[], metavar="ARG",
                    help="extra gunicorn argument, repeatable (e.g. --gunicorn-arg=--keep-alive=5)")
    ap.add_argument("--phase-seconds", type=float, default=120,
                    help="length of each reader step and of the import phase (default 120)")
    ap.add_argument("--warmup-seconds", type=float, default=None,
                    help="warm-up length (default: half of --phase-seconds, i.e. 60)")
    ap.add_argument("--soak-minutes", type=float, default=10, help="soak length (default 10)")
    ap.add_argument("--reader-steps", default="8,16,32", help="reader threads per step (default 8,16,32)")
    ap.add_argument("--warmup-readers", type=int, default=8)
    ap.add_argument("--import-readers", type=int, default=16)
    ap.add_argument("--soak-readers", type=int, default=8)
    ap.add_argument("--phases", default="warmup,steps,import,soak",
                    help="which phases to run, in this order (default warmup,steps,import,soak)")
    ap.add_argument("--readers", type=int, default=None,
                    help="reader accounts (default: the largest reader count of any phase); threads share them")
    ap.add_argument("--editors", type=int, default=4, help="editor threads and accounts (default 4)")
    ap.add_argument("--save-interval", type=float, default=2.0, help="seconds between an editor's saves (default 2)")
    ap.add_argument("--think-ms", type=float, default=0, help="pause between a reader's requests (default 0)")
    ap.add_argument("--mix", default=DEFAULT_MIX, help=f"reader request mix by weight (default {DEFAULT_MIX})")
    ap.add_argument("--poll-ms", type=float, default=100, help="save-to-searchable polling interval (default 100)")
    ap.add_argument("--searchable-timeout", type=float, default=60,
                    help="seconds a save may take to become searchable before it counts as never (default 60)")
    ap.add_argument("--sample-seconds", type=float, default=10, help="memory sampling interval (default 10)")
    ap.add_argument("--request-timeout", type=float, default=30,
                    help="client timeout per request; a timeout counts as an error (default 30)")
    ap.add_argument("--import-timeout", type=float, default=1800,
                    help="the import phase waits for the import at most this long, then ends it (default 1800)")
    ap.add_argument("--pg-fsync", choices=("on", "off"), default="on",
                    help="PostgreSQL fsync/synchronous_commit/full_page_writes (default on, as in production)")
    ap.add_argument("--search-writer", choices=("web", "worker"), default="web",
                    help="who writes the index: each gunicorn worker's catch-up thread (web, the default) or one "
                         "'flask search worker' started beside gunicorn (worker: PORTAL_SEARCH_WRITER=worker)")
    ap.add_argument("--read-concurrency", type=int, default=None,
                    help="PORTAL_READ_CONCURRENCY for gunicorn: reading requests run at once per worker "
                         "(app/read_gate.py; default: the portal's)")
    ap.add_argument("--search-concurrency", type=int, default=None,
                    help="PORTAL_SEARCH_CONCURRENCY for gunicorn (searches evaluated at once per worker; "
                         "default: the portal's)")
    ap.add_argument("--connection-close", action="store_true",
                    help="a new connection for every request, as behind a reverse proxy that does not keep "
                         "upstream connections alive (nginx's default); default: one keep-alive connection per "
                         "simulated user, as a browser talking to gunicorn directly (each stays with one worker)")
    ap.add_argument("--no-verify", action="store_true", help="skip 'flask search verify' after the load")
    ap.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    ap.add_argument("--out-dir", default=os.path.join(REPO_ROOT, "bench", "out"))
    args = ap.parse_args()
    args.reader_steps = [int(x) for x in args.reader_steps.split(",") if x.strip()]
    if args.warmup_seconds is None:
        args.warmup_seconds = args.phase_seconds / 2
    parse_mix(args.mix)
    phases = build_phases(args)
    if args.readers is None:
        args.readers = max([p["readers"] for p in phases] + [1])
    return args, phases


class Interrupted(Exception):
    pass


def main() -> int:
    args, phases = parse_args()
    Client.close_each = args.connection_close
    out_dir = os.path.abspath(args.out_dir)
    os.makedirs(out_dir, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    prefix = os.path.join(out_dir, f"load-{args.docs}-{stamp}")
    child_dir = prefix + "-children"
    os.makedirs(child_dir, exist_ok=True)

    def on_term(signum, _frame):
        raise Interrupted(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)

    res: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "options": vars(args).copy(), "git": git_info(),
                 "machine": machine_info(), "setup": {}, "phases": [], "notes": [], "files": {}}
    res["options"]["pg_fsync"] = args.pg_fsync == "on"
    stamp_before = code_stamp()
    tracked: list[subprocess.Popen] = []   # children to end with their process group
    pg: PrivatePostgres | None = None
    instance: str | None = None
    gunicorn: subprocess.Popen | None = None
    gun_log = None
    run: Run | None = None
    sampler: Sampler | None = None
    import_proc: subprocess.Popen | None = None
    threads: list[threading.Thread] = []
    watchers: list[threading.Thread] = []
    exit_code = 0
    try:
        log(f"load benchmark: {args.docs} documents, gunicorn {args.workers}×{args.threads}, phases "
            + ", ".join(f"{p['name']} {p['seconds_planned']:.0f}s/{p['readers']}r" for p in phases))
        log(f"machine: {res['machine']['cpus']} cores, {res['machine']['ram_mb'] / 1024:.1f} GB, load average "
            f"{res['machine']['loadavg_at_start'][0]:.2f}; out: {prefix}-*")
        # Corpus and the import slice (cached in the out dir).
        corpus = ensure_corpus(args.docs, args.seed, out_dir)
        slice_path = ensure_import_slice(args.import_docs, args.seed + 1000, out_dir) if any(
            p["import"] for p in phases) else None
        queries = load_queries(corpus)
        res["queries"] = queries

        # PostgreSQL.
        max_conn = max(100, args.workers * (args.threads + 6) + 40)
        pg = PrivatePostgres(args.pg_fsync == "on", max_conn)
        log(f"postgres: starting a private cluster on 127.0.0.1:{pg.cluster.port} ({pg.options})")
        pg.start()
        dbname = "portal_load"
        pg.cluster.create_database(dbname)
        version = pg.version()
        res["postgres"] = {"version": version, "version_short": " ".join(version.split()[:2]), "options": pg.options,
                           "port": pg.cluster.port}
        database_url = f"postgresql://postgres@127.0.0.1:{pg.cluster.port}/{dbname}"

        instance = tempfile.mkdtemp(prefix="cchc-load-instance-")
        env = {k: v for k, v in os.environ.items() if k not in ("PORTAL_HTTPS", "SECRET_KEY", "PORTAL_LOG_FORMAT")}
        env.update({"DATABASE_URL": database_url, "PORTAL_INSTANCE_PATH": instance, "PORTAL_LOG_LEVEL": "WARNING"})
        log(f"instance: {instance}")

        readers = [f"load-reader-{i:02d}:reader" for i in range(1, args.readers + 1)]
        editors = [f"load-editor-{i}:editor" for i in range(1, args.editors + 1)]
        steps = [
            ("db-upgrade", flask_cmd("db", "upgrade")),
            ("unit-create", flask_cmd("units", "create", UNIT, "Văn phòng (bench)")),
            ("users-create", [PYTHON, "-c", USERS_SNIPPET, UNIT, PASSWORD, *readers, *editors]),
            ("index-init", flask_cmd("search", "rebuild")),
            ("import", flask_cmd("documents", "import", corpus)),
            ("sync", flask_cmd("search", "sync")),
        ]
        for name, cmd in steps:
            if name == "import":
                log(f"portal: importing {args.docs} corpus lines (timed) …")
            step = run_child(name, cmd, env, REPO_ROOT, child_dir, track=tracked)
            res["setup"][name] = {k: step[k] for k in ("returncode", "seconds", "peak_rss_mb")}
            if step["returncode"] != 0:
                raise SetupError(f"{name} failed (exit {step['returncode']}): {step['stderr'].strip()[-1500:]}")
            if name == "import":
                res["setup"]["import_stdout"] = step["stdout"].strip()[-500:]
                if step["stderr"].strip():
                    res["notes"].append("the setup import wrote to stderr: " + step["stderr"].strip()[-700:])
        imp, syn = res["setup"]["import"], res["setup"]["sync"]
        res["setup"].update(import_s=imp["seconds"], sync_s=syn["seconds"], import_peak_mb=imp["peak_rss_mb"],
                            import_docs_per_s=args.docs / (imp["seconds"] + syn["seconds"]))
        doc_ids = db_documents(pg.cluster.port, dbname)
        res["documents_stored"] = len(doc_ids)
        if len(doc_ids) < max(1, args.editors):
            raise SetupError(f"only {len(doc_ids)} documents in the database after the import")

        # gunicorn, as the README's Production section runs it.
        if args.search_concurrency is not None:
            env["PORTAL_SEARCH_CONCURRENCY"] = str(args.search_concurrency)
        if args.read_concurrency is not None:
            env["PORTAL_READ_CONCURRENCY"] = str(args.read_concurrency)
        if args.search_writer == "worker":
            env["PORTAL_SEARCH_WRITER"] = "worker"
            worker_path = prefix + "-search-worker.log"
            res["files"]["search_worker_log"] = worker_path
            worker_env = dict(env, PORTAL_LOG_LEVEL="INFO")  # its sync timings: one line per applied batch
            search_worker = subprocess.Popen(flask_cmd("search", "worker"), env=worker_env, cwd=REPO_ROOT,
                                             stdin=subprocess.DEVNULL, stdout=open(worker_path, "wb"),
                                             stderr=subprocess.STDOUT, start_new_session=True)
            tracked.append(search_worker)
            log(f"search worker: pid {search_worker.pid}, log {worker_path}")
        port = free_port()
        gun_path = prefix + "-gunicorn.log"
        res["files"]["gunicorn_log"] = gun_path
        gun_log = open(gun_path, "wb")
        cmd = [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads",
               str(args.threads), *args.gunicorn_arg, "wsgi:app"]
        res["gunicorn_cmd"] = cmd[1:]
        log(f"gunicorn: {' '.join(cmd[1:])}")
        started = time.perf_counter()
        gunicorn = subprocess.Popen(cmd, env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=gun_log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        tracked.append(gunicorn)
        deadline = time.monotonic() + 120
        health = None
        while time.monotonic() < deadline:
            if gunicorn.poll() is not None:
                raise SetupError(f"gunicorn exited with {gunicorn.returncode}; see {gun_path}")
            try:
                status, health = http_get_json(port, "/healthz", timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise SetupError(f"/healthz did not answer 200 within 120 s (last: {health!r})")
        res["setup"]["gunicorn_ready_s"] = time.perf_counter() - started
        res["healthz_start"] = health
        log(f"gunicorn: ready in {res['setup']['gunicorn_ready_s']:.1f} s; /healthz {health.get('status')}")
        while len([p for p, pp in proc_ppids().items() if pp == gunicorn.pid]) < args.workers:
            if time.monotonic() > deadline:
                raise SetupError("gunicorn did not start all its workers")
            time.sleep(0.2)

        # Sessions: every simulated user logs in through the real form.
        run = Run(args, "127.0.0.1", port)
        total_readers = max(p["readers"] for p in phases) if phases else 0
        reader_clients = [Client("127.0.0.1", port, args.request_timeout) for _ in range(total_readers)]
        editor_clients = [Client("127.0.0.1", port, args.request_timeout) for _ in range(args.editors)]
        watcher_clients = [Client("127.0.0.1", port, args.request_timeout) for _ in range(args.editors)]
        run.clients = reader_clients + editor_clients + watcher_clients
        jobs = ([(c, readers[i % len(readers)].split(":")[0]) for i, c in enumerate(reader_clients)]
                + [(c, editors[i].split(":")[0]) for i, c in enumerate(editor_clients)]
                + [(c, editors[i].split(":")[0]) for i, c in enumerate(watcher_clients)])
        log(f"logging in {len(jobs)} sessions …")
        login_errors: list[str] = []

        def login_batch(batch):
            for client, user in batch:
                try:
                    login(client, user)
                except Exception as exc:  # noqa: BLE001
                    login_errors.append(f"{user}: {exc}")

        batches = [jobs[i::4] for i in range(4)]
        login_threads = [threading.Thread(target=login_batch, args=(b,), daemon=True) for b in batches]
        for t in login_threads:
            t.start()
        for t in login_threads:
            t.join(120)
        if login_errors:
            raise SetupError("logins failed: " + "; ".join(login_errors[:5]))

        list_pages = max(1, min(20, len(doc_ids) // 20))
        for i, client in enumerate(reader_clients):
            threads.append(threading.Thread(target=reader_loop, name=f"reader-{i}", daemon=True,
                                            args=(run, i, client, queries, doc_ids, list_pages)))
        for i, client in enumerate(editor_clients):
            watch: queue.Queue = queue.Queue()
            mine = [d for d in doc_ids if d % args.editors == i] or doc_ids
            threads.append(threading.Thread(target=editor_loop, name=f"editor-{i}", daemon=True,
                                            args=(run, i, client, mine, watch)))
            watchers.append(threading.Thread(target=watcher_loop, name=f"watcher-{i}", daemon=True,
                                             args=(run, watcher_clients[i], watch)))
        sampler = Sampler(run, gunicorn.pid, os.path.join(pg.cluster.data, "postmaster.pid"), port)
        sampler.snapshot("start")
        sampler_thread = threading.Thread(target=sampler.loop, args=(args.sample_seconds,), name="sampler",
                                          daemon=True)
        for t in threads + watchers:
            t.start()
        sampler_thread.start()

        # Phases.
        for idx, phase in enumerate(phases):
            run.phase_idx = idx
            run.active_readers = phase["readers"]
            run.editors_active = phase["editors"]
            phase["start_snapshot"] = sampler.snapshot(f"{phase['name']} start")
            t_start = run.now()
            log(f"phase {phase['name']}: {phase['readers']} readers, {'editors, ' if phase['editors'] else ''}"
                f"{'import, ' if phase['import'] else ''}{phase['seconds_planned']:.0f} s")
            if phase["import"]:
                imp_out = open(os.path.join(child_dir, "child-import-during-load.out"), "wb")
                imp_err = open(os.path.join(child_dir, "child-import-during-load.err"), "wb")
                import_proc = subprocess.Popen(flask_cmd("documents", "import", slice_path), env=env, cwd=REPO_ROOT,
                                               stdin=subprocess.DEVNULL, stdout=imp_out, stderr=imp_err,
                                               start_new_session=True)
                tracked.append(import_proc)
                sampler.import_pid = import_proc.pid
                import_started = run.now()
            next_note = time.perf_counter() + 10
            planned_end = time.perf_counter() + phase["seconds_planned"]
            while True:
                now = time.perf_counter()
                importing = phase["import"] and import_proc is not None and import_proc.poll() is None
                if phase["import"] and import_proc is not None and "import_window" not in phase \
                        and import_proc.poll() is not None:
                    phase["import_window"] = (import_started, run.now())
                if now >= planned_end and not importing:
                    break
                if importing and run.now() - import_started > args.import_timeout:
                    res["notes"].append(f"the import ran longer than --import-timeout ({args.import_timeout:.0f} s) "
                                        "and was ended")
                    kill_group(import_proc)
                    continue
                if gunicorn.poll() is not None:
                    run.abort.set()
                    raise SetupError(f"gunicorn exited during the load with {gunicorn.returncode}; see {gun_path}")
                if now >= next_note:
                    next_note = now + 10
                    done = sum(1 for s in run.samples if s[4] == idx)
                    saves = [s for s in run.saves if s["phase"] == idx]
                    extra = " (waiting for the import to finish)" if now >= planned_end else ""
                    log(f"  {run.now() - t_start:5.0f} s: {done} requests ({done / (run.now() - t_start):.0f}/s), "
                        f"{run.problem_counts.get(idx, 0)} errors/unexpected, {len(saves)} saves{extra}")
                time.sleep(0.25)
            phase["seconds"] = run.now() - t_start
            if phase["import"] and import_proc is not None:
                phase.setdefault("import_window", (import_started, run.now()))
                if phase["seconds"] > phase["seconds_planned"] + 1:
                    res["notes"].append(f"the import phase lasted {phase['seconds']:.0f} s instead of "
                                        f"{phase['seconds_planned']:.0f} s: it waited for the import to finish")
            phase["end_snapshot"] = sampler.snapshot(f"{phase['name']} end")
            phase["cpu"] = cpu_over([x for x in sampler.samples
                                     if phase["start_snapshot"]["t"] <= x["t"] <= phase["end_snapshot"]["t"]])
            seen = [x["index"] for x in sampler.samples if x.get("index") and "error" not in x["index"]
                    and phase["start_snapshot"]["t"] <= x["t"] <= phase["end_snapshot"]["t"]]
            phase["index"] = {
                "max_pending_changes": max((x.get("pending_changes") or 0 for x in seen), default=None),
                "segments_end": seen[-1].get("segments") if seen else None,
                "max_segments": max((x.get("segments") or 0 for x in seen), default=None),
                "not_ok": sorted({str(x.get("state")) + (" + rebuild" if x.get("rebuilding") and
                                                          x.get("state") != "rebuilding" else "")
                                  for x in seen if x.get("state") != "ok" or x.get("rebuilding")})}
            if phase["name"] == "warm-up":
                res["warmup_end_s"] = run.now()
            if phase["import"] and import_proc is not None:
                sampler.import_pid = None
                imp_out.close()
                imp_err.close()
                window = phase["import_window"]
                with open(imp_out.name, encoding="utf-8", errors="replace") as fh:
                    out_text = fh.read()
                with open(imp_err.name, encoding="utf-8", errors="replace") as fh:
                    err_text = fh.read()
                res["import_during_load"] = {
                    "docs": args.import_docs, "returncode": import_proc.returncode,
                    "seconds": window[1] - window[0],
                    "docs_per_s": args.import_docs / (window[1] - window[0]) if window[1] > window[0] else None,
                    "summary": " ".join(out_text.strip().splitlines()[-2:])[-300:],
                    "stderr_tail": err_text.strip()[-1500:],
                }
                if import_proc in tracked:
                    tracked.remove(import_proc)
            log(f"  done: {phase['seconds']:.1f} s")

        # Stop the load; let the watchers settle what is pending (bounded by --searchable-timeout).
        run.stop.set()
        for t in threads:
            t.join(args.request_timeout + 5)
        pending_deadline = time.monotonic() + args.searchable_timeout + args.request_timeout + 5
        for t in watchers:
            t.join(max(0.1, pending_deadline - time.monotonic()))
        run.abort.set()
        sampler.snapshot("end")
        res["elapsed_s"] = run.now()
        status, res["healthz_end"] = http_get_json(port, "/healthz", timeout=15)
        if reader_clients:
            log("probes (server idle, not part of any phase): what one query costs …")
            res["probes"] = probes(reader_clients[0], queries, args.request_timeout)
        if not args.no_verify:
            log("search verify (untimed: is the index in step with the database after the load?) …")
            step = run_child("verify", flask_cmd("search", "verify"), env, REPO_ROOT, child_dir, track=tracked)
            res["verify"] = {k: step[k] for k in ("returncode", "seconds", "stdout")}
            if step["returncode"] != 0:
                res["notes"].append("search verify found drift after the load: " + step["stdout"].strip()[-400:])
    except SetupError as exc:
        log(f"SETUP FAILED: {exc}")
        res["setup_error"] = str(exc)
        exit_code = 2
    except (KeyboardInterrupt, Interrupted) as exc:
        log(f"interrupted ({str(exc) or 'Ctrl+C'}): stopping everything …")
        res["interrupted"] = True
        exit_code = 130
    except Exception as exc:  # noqa: BLE001 - the bench itself failed: clean up, keep what was measured
        import traceback

        log(f"BENCHMARK FAILED: {type(exc).__name__}: {exc}")
        traceback.print_exc()
        res["crash"] = traceback.format_exc()
        exit_code = 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # a second Ctrl+C must not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if run is not None:
            run.stop.set()
            run.abort.set()
            for c in run.clients:
                c.close()
        for proc in list(tracked):
            if proc is gunicorn:
                continue
            kill_group(proc)
        if gunicorn is not None:
            kill_group(gunicorn, grace=35)  # SIGTERM: graceful stop of the workers, then SIGKILL
            res["gunicorn_exit"] = gunicorn.returncode
        if gun_log is not None:
            gun_log.close()
        if pg is not None:
            pg_log_copy = prefix + "-postgres.log"
            try:
                shutil.copyfile(pg.cluster.log, pg_log_copy)
                res["files"]["postgres_log"] = pg_log_copy
            except OSError:
                pass
            pg.destroy()
        if instance is not None:
            marker = f"PORTAL_INSTANCE_PATH={instance}".encode()
            for attempt in range(2):
                stray = processes_with_env(marker)
                for pid in stray:
                    if attempt == 0:
                        res["notes"].append(f"ended a process left behind: {pid} {proc_cmdline(pid)[:160]}")
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                if stray:
                    time.sleep(0.5)
            shutil.rmtree(instance, ignore_errors=True)
        res["loadavg_at_end"] = os.getloadavg()[0]
        res["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        leftovers = []
        for proc in [gunicorn, import_proc] + tracked:
            if proc is None:
                continue
            try:
                os.killpg(proc.pid, 0)
                leftovers.append(proc.pid)
            except (ProcessLookupError, PermissionError):
                pass
        if leftovers:
            res["notes"].append(f"process groups still alive after the clean-up: {leftovers}")
        for path in [instance, pg.cluster.base if pg else None]:
            if path and os.path.exists(path):
                res["notes"].append(f"could not remove {path}")

    # Report (also for a run cut short, with what was measured).
    if run is not None and phases and "seconds" in phases[0]:
        done = [p for p in phases if "seconds" in p]
        res["phases"] = [phase_report(run, i, p) for i, p in enumerate(done)]
        res["memory"] = memory_report(sampler, done) if sampler else {}
        res["memory_samples"] = [{**s, "workers": {str(k): v for k, v in s["workers"].items()},
                                  "postgres": {k: v for k, v in (s.get("postgres") or {}).items() if k != "cpu"},
                                  "import": bool(s.get("import"))} for s in (sampler.samples if sampler else [])]
        res.setdefault("elapsed_s", run.now())
        res["client"] = {"connections_opened": sum(c.connects for c in run.clients),
                         "stale_connection_retries": sum(c.retries for c in run.clients)}
        res["saves"] = run.saves
        res["problem_causes"] = [{"class": k[0], "kind": k[1], "status": k[2], "reason": k[3], "count": n}
                                 for k, n in sorted(run.causes.items(), key=lambda kv: -kv[1])]
        if gun_log is not None:
            res["gunicorn_log"] = gunicorn_log_report(res["files"]["gunicorn_log"])
        if res["files"].get("search_worker_log"):
            res["search_worker_log"] = gunicorn_log_report(res["files"]["search_worker_log"])
        if res["files"].get("postgres_log"):
            res["postgres_log"] = postgres_log_report(res["files"]["postgres_log"])
        res["targets"] = targets(res)
        res["recommendation"] = recommendation(res)
        stamp_after = code_stamp()
        if stamp_after != stamp_before:
            res["notes"].append(f"the portal's code changed during this run ({stamp_after[1]}): the figures may mix "
                                "versions; run again")
        csv_path = prefix + "-requests.csv.gz"
        with gzip.open(csv_path, "wt", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["t_start_s", "latency_ms", "kind", "status", "phase"])
            writer.writerows(run.samples)
        res["files"]["requests_csv"] = csv_path
        try:
            print_summary(res)
        except Exception as exc:  # noqa: BLE001 - the JSON still gets written
            log(f"(summary could not be printed: {type(exc).__name__}: {exc})")
            import traceback

            traceback.print_exc()
    json_path = prefix + ".json"
    with open(json_path, "w", encoding="utf-8") as fh:
        json.dump(res, fh, ensure_ascii=False, indent=1, default=str)
    log(f"results: {json_path}")
    for name, path in res["files"].items():
        log(f"  {name}: {path}")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
