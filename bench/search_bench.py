#!/usr/bin/env python3
"""Benchmark the portal's search against SQLite FTS5 as a yardstick.

Not a test: it builds a fresh portal instance in a temporary folder, imports a synthetic
corpus through the real import path (database + search index), rebuilds the index, runs a
fixed list of queries through the search service in-process and through the HTTP API
(gunicorn), does the same work with SQLite FTS5 on the same folded text, and prints the
figures side by side. Results also go to ``<out-dir>/results-N.json``.

    .venv/bin/python bench/search_bench.py --docs 2000            # quick run
    .venv/bin/python bench/search_bench.py --docs 20000 --repeat 3

See bench/README.md for the targets.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (  # noqa: E402  (bench/common.py: helpers shared with load.py)
    BASE_QUERIES,
    GUNICORN,
    REPO_ROOT,
    code_stamp,
    dir_size,
    ensure_corpus,
    flask_cmd,
    fmt,
    free_port,
    log,
    mb,
    percentile,
    run_child,
    stats,
)

if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

BENCH_USER = "benchreader"
BENCH_PASSWORD = "bench-pass-123"
BENCH_UNIT = "VPC"


# Corpus and queries

def corpus_queries(corpus_path: str) -> list[str]:
    """The fixed queries plus two document numbers taken from the corpus's first lines."""
    docs = []
    with open(corpus_path, encoding="utf-8") as fh:
        for _ in range(50):
            line = fh.readline()
            if not line:
                break
            docs.append(json.loads(line))
    queries = list(BASE_QUERIES)
    if not docs:
        return queries
    # A full number typed lower-case without the Đ (prefer one that has a Đ to drop).
    full = next((d for d in docs if "Đ" in d["number"]), docs[0])
    queries.append(full["number"].replace("Đ", "D").replace("đ", "d").lower())
    # "<type> <number-prefix>", e.g. "Quyết định 3567", from another document.
    other = next((d for d in docs if d is not full), full)
    queries.append(f"{other['type']} {other['number'].split('/')[0]}")
    return queries


# Portal: in-process search service

def portal_inprocess(queries: list[str], repeat: int) -> dict:
    started = time.perf_counter()
    from app import create_app

    app = create_app()
    create_ms = (time.perf_counter() - started) * 1000
    out = {"create_app_ms": create_ms, "per_query": {}, "errors": []}
    with app.test_request_context():
        from app import search
        from app.extensions import db
        from app.models import User

        user = db.session.scalar(db.select(User).where(User.username == BENCH_USER))
        if user is None:
            out["errors"].append(f"user {BENCH_USER} not found")
            return out

        def one(query):
            t0 = time.perf_counter()
            page = search.search(user, search.SearchRequest(q=query))
            elapsed = (time.perf_counter() - t0) * 1000
            return page, elapsed

        cold = []
        for query in queries:
            rec = out["per_query"].setdefault(query, {"times_ms": []})
            try:
                page, elapsed = one(query)
            except Exception as exc:  # report, carry on
                rec["error"] = f"{type(exc).__name__}: {exc}"
                out["errors"].append(f"{query!r}: {rec['error']}")
                continue
            cold.append(elapsed)
            rec.update(
                cold_ms=elapsed,
                total=page.total,
                hits=len(page.hits),
                any_word=page.any_word,
                unavailable=page.unavailable,
                suggestion=page.suggestion,
                snippets=sum(len(h.snippets) for h in page.hits),
                engine_elapsed_ms=page.elapsed_ms,
                top=[(h.number, h.title[:60]) for h in page.hits[:3]],
            )
            if page.unavailable:
                out["errors"].append(f"{query!r}: index unavailable: {page.unavailable}")
        all_times = []
        for _round in range(repeat):
            for query in queries:
                rec = out["per_query"][query]
                if "error" in rec:
                    continue
                try:
                    page, elapsed = one(query)
                except Exception as exc:
                    rec["error"] = f"{type(exc).__name__}: {exc}"
                    out["errors"].append(f"{query!r}: {rec['error']}")
                    continue
                rec["times_ms"].append(elapsed)
                all_times.append(elapsed)
                if page.total != rec.get("total"):
                    out["errors"].append(f"{query!r}: total changed between runs ({rec.get('total')} → {page.total})")
        for rec in out["per_query"].values():
            rec["p50_ms"] = percentile(rec["times_ms"], 50)
        out["first_query_ms"] = cold[0] if cold else None
        out["cold"] = stats(cold)
        out["warm"] = stats(all_times)
    import resource

    out["process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return out


def segment_count(index_dir: str) -> int | None:
    """How many segments the active index has."""
    try:
        from app.search import index

        return len(index.open_current(index_dir)._segments())
    except Exception:  # noqa: BLE001 - a figure for the report only
        return None


def _forget_searchers() -> None:
    """Close this process's searchers and empty its array cache, so the next measurement
    starts cold, as in a new process."""
    from app.search import arrays, index

    index.searchers.clear()
    arrays.CACHE.clear()


# Portal: HTTP API through gunicorn


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def portal_api(queries: list[str], repeat: int, env: dict, out_dir: str, n: int) -> dict:
    out = {"available": False, "per_query": {}, "errors": []}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = os.path.join(out_dir, f"gunicorn-{n}.log")
    gun_log = open(log_path, "wb")
    proc = subprocess.Popen(
        [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "wsgi:app"],
        env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=gun_log, stderr=subprocess.STDOUT,
    )
    out["gunicorn_log"] = log_path
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        deadline = time.monotonic() + 60
        login_html = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out["errors"].append(f"gunicorn exited with {proc.returncode}; see {log_path}")
                return out
            try:
                with opener.open(base + "/login", timeout=10) as resp:
                    login_html = resp.read().decode("utf-8", "replace")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        if login_html is None:
            out["errors"].append("gunicorn did not answer /login within 60 s")
            return out
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_html) or \
            re.search(r'value="([^"]+)"[^>]*name="csrf_token"', login_html)
        if not match:
            out["errors"].append("no csrf_token in the login page")
            return out
        form = urllib.parse.urlencode({
            "csrf_token": match.group(1), "username": BENCH_USER, "password": BENCH_PASSWORD,
        }).encode()
        try:
            with opener.open(urllib.request.Request(base + "/login", data=form, method="POST"), timeout=30) as resp:
                landed = resp.geturl()
                resp.read()
        except urllib.error.HTTPError as exc:
            out["errors"].append(f"login failed: HTTP {exc.code}")
            return out
        if urllib.parse.urlsplit(landed).path.startswith("/login"):
            out["errors"].append("login did not leave the login page (wrong credentials?)")
            return out

        no_redirect = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

        def one(query):
            url = f"{base}/api/search?q={urllib.parse.quote(query)}&per_page=20"
            t0 = time.perf_counter()
            try:
                with no_redirect.open(url, timeout=120) as resp:
                    body = resp.read()
                    status = resp.status
            except urllib.error.HTTPError as exc:
                body = exc.read()
                status = exc.code
            return status, body, (time.perf_counter() - t0) * 1000

        status, body, _ = one("cải cách hành chính")
        if status == 404:
            log("  API not available (GET /api/search → 404)")
            out["errors"].append("API not available (404)")
            return out
        if status != 200:
            log(f"  API answered HTTP {status}: {body[:300]!r}")
            out["errors"].append(f"API answered HTTP {status}: {body[:300]!r}")
            return out
        out["available"] = True

        def parse(query, status, body):
            if status != 200:
                out["errors"].append(f"{query!r}: HTTP {status}: {body[:200]!r}")
                return None
            try:
                return json.loads(body)
            except ValueError:
                out["errors"].append(f"{query!r}: not JSON: {body[:200]!r}")
                return None

        cold = []
        for query in queries:
            rec = out["per_query"].setdefault(query, {"times_ms": []})
            status, body, elapsed = one(query)
            data = parse(query, status, body)
            cold.append(elapsed)
            rec["cold_ms"] = elapsed
            if data is not None:
                rec["total"] = data.get("total")
                rec["results"] = len(data.get("results") or [])
                missing = {"total", "page", "per_page", "results", "facets"} - set(data)
                if missing:
                    out["errors"].append(f"{query!r}: JSON lacks {sorted(missing)}")
        all_times = []
        for _round in range(repeat):
            for query in queries:
                status, body, elapsed = one(query)
                if status == 200:
                    out["per_query"][query]["times_ms"].append(elapsed)
                    all_times.append(elapsed)
                else:
                    parse(query, status, body)
        for rec in out["per_query"].values():
            rec["p50_ms"] = percentile(rec["times_ms"], 50)
        out["cold"] = stats(cold)
        out["warm"] = stats(all_times)
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        gun_log.close()


# FTS5 yardstick

def syllables_of(text: str) -> list[str]:
    from app.vntext import fold, nfc

    return re.findall(r"[^\W_]+", fold(nfc(text)).lower())


def fts5_build(corpus_path: str, db_path: str) -> dict:
    from app.vntext import fold, nfc

    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE VIRTUAL TABLE d USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    # Timed like the portal's import: read the JSON lines, fold the text, insert, commit.
    started = time.perf_counter()
    count = 0
    with open(corpus_path, encoding="utf-8") as fh:
        for rowid, line in enumerate(fh, 1):
            doc = json.loads(line)
            title = fold(nfc(doc.get("title") or "")).lower()
            body = fold(nfc((doc.get("number") or "") + " " + (doc.get("summary") or "") + "\n"
                            + (doc.get("body") or ""))).lower()
            conn.execute("INSERT INTO d(rowid, title, body) VALUES (?, ?, ?)", (rowid, title, body))
            count += 1
    conn.commit()
    seconds = time.perf_counter() - started
    conn.close()
    return {"docs": count, "seconds": seconds, "docs_per_s": count / seconds if seconds else None,
            "size_bytes": dir_size(db_path)}


def fts5_queries(db_path: str, queries: list[str], repeat: int) -> dict:
    conn = sqlite3.connect(db_path)
    out = {"per_query": {}, "errors": []}

    def one(match):
        t0 = time.perf_counter()
        total = conn.execute("SELECT count(*) FROM d WHERE d MATCH ?", (match,)).fetchone()[0]
        rows = conn.execute(
            "SELECT rowid, snippet(d, 1, '<b>', '</b>', '…', 12) FROM d WHERE d MATCH ? ORDER BY rank LIMIT 20",
            (match,)).fetchall()
        return total, rows, (time.perf_counter() - t0) * 1000

    matches = {}
    for query in queries:
        words = syllables_of(query)
        matches[query] = " ".join('"' + w + '"' for w in words) if words else None
    cold = []
    for query in queries:
        rec = out["per_query"].setdefault(query, {"times_ms": [], "match": matches[query]})
        if not matches[query]:
            rec["error"] = "no syllables"
            continue
        try:
            total, rows, elapsed = one(matches[query])
        except sqlite3.Error as exc:
            rec["error"] = str(exc)
            out["errors"].append(f"{query!r}: {exc}")
            continue
        cold.append(elapsed)
        rec.update(cold_ms=elapsed, total=total, rows=len(rows))
    all_times = []
    for _round in range(repeat):
        for query in queries:
            rec = out["per_query"][query]
            if "error" in rec:
                continue
            _total, _rows, elapsed = one(matches[query])
            rec["times_ms"].append(elapsed)
            all_times.append(elapsed)
    for rec in out["per_query"].values():
        rec["p50_ms"] = percentile(rec["times_ms"], 50)
    out["cold"] = stats(cold)
    out["warm"] = stats(all_times)
    conn.close()
    return out


# Report

def ratio(a, b) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def print_summary(res: dict) -> None:
    n = res["docs"]
    imp, reb = res["phases"].get("import", {}), res["phases"].get("rebuild", {})
    por, api, fts = res["portal"], res["api"], res["fts5"]
    sizes = res["sizes"]
    pw, fw = por.get("warm", {}), fts.get("warm", {})
    tot = res.get("import_total") or {}
    portal_dps = tot.get("docs_per_s")
    fts_dps = res["fts5_build"]["docs_per_s"]
    r_import = ratio(portal_dps, fts_dps)
    r50 = ratio(pw.get("p50"), fw.get("p50"))
    r95 = ratio(pw.get("p95"), fw.get("p95"))

    def rx(value):
        return "n/a" if value is None else f"x{value:.2f}"

    def verdict(ok):
        return "" if ok is None else ("  OK" if ok else "  MISSED")

    log("")
    log("=" * 100)
    counts = re.search(r"(\d+)\D+(\d+)\D+(\d+)\D+(\d+)", imp.get("stdout", ""))
    stored = f", portal stored {counts.group(1)} (later lines with the same number+issuer update)" if counts else ""
    log(f"documents: {n}   (corpus seed {res['seed']}{stored}; repeat {res['repeat']}, {len(res['queries'])} queries)")
    code = res.get("code") or {}
    log(f"code: newest file {code.get('newest_file')} modified {code.get('newest_mtime')}; "
        f"{res['machine']['cpus']} CPUs, Python {res['machine']['python']}, SQLite {res['machine']['sqlite']}")
    log(f"{'':24}{'portal (Whoosh+numpy)':25}{'FTS5 (C)':15}{'ratio':8}")
    imp_s = f"{fmt(portal_dps, '.0f')}" + ("" if imp.get("returncode") == 0 else " (import FAILED)")
    log(f"{'import docs/s':24}{imp_s:25}{fmt(fts_dps, '.0f'):15}{rx(r_import):8}(target ≥ 0.33)"
        + verdict(None if r_import is None else r_import >= 1 / 3))
    log(f"{'import s / peak MB':24}{fmt(tot.get('seconds'), '.1f') + ' / ' + fmt(tot.get('peak_rss_mb'), '.0f'):25}"
        f"{fmt(res['fts5_build']['seconds'], '.1f'):15}"
        f"(import {fmt(tot.get('import_seconds'), '.1f')} s + queued sync {fmt(tot.get('sync_seconds'), '.1f')} s; "
        f"index after import {fmt(mb((res.get('sizes_after_import') or {}).get('index_bytes')), '.1f')} MB)")
    log(f"{'search p50 ms':24}{fmt(pw.get('p50'), '.2f'):25}{fmt(fw.get('p50'), '.3f'):15}{rx(r50):8}")
    log(f"{'search p95 ms':24}{fmt(pw.get('p95'), '.2f'):25}{fmt(fw.get('p95'), '.3f'):15}{rx(r95):8}(target ≤ 3)"
        + verdict(None if r95 is None else r95 <= 3))
    log(f"{'search max ms':24}{fmt(pw.get('max'), '.2f'):25}{fmt(fw.get('max'), '.3f'):15}"
        f"(after the rebuild: {fmt(res.get('segments_after_rebuild'), 'd')} segments)")
    after = (res.get("portal_after_import") or {}).get("warm", {})
    if after:
        ra = ratio(after.get("p95"), fw.get("p95"))
        log(f"{'after import p50/p95':24}{fmt(after.get('p50'), '.2f') + ' / ' + fmt(after.get('p95'), '.2f'):25}"
            f"{fmt(fw.get('p50'), '.3f') + ' / ' + fmt(fw.get('p95'), '.3f'):15}{rx(ra):8}"
            f"(no rebuild: {fmt(res.get('segments_after_import'), 'd')} segments; p95 target ≤ 1)"
            + verdict(None if ra is None else ra <= 1))
    pc, fc = por.get("cold", {}), fts.get("cold", {})
    log(f"{'cold p50/max ms':24}{fmt(pc.get('p50'), '.1f') + ' / ' + fmt(pc.get('max'), '.1f'):25}"
        f"{fmt(fc.get('p50'), '.2f') + ' / ' + fmt(fc.get('max'), '.2f'):15}"
        f"(first query {fmt(por.get('first_query_ms'), '.0f')} ms, incl. opening the index)")
    if api.get("available"):
        aw = api.get("warm", {})
        log(f"{'api p50/p95 ms':24}{fmt(aw.get('p50'), '.1f') + ' / ' + fmt(aw.get('p95'), '.1f'):25}")
    else:
        label = "skipped" if api.get("skipped") else "API not available"
        log(f"{'api p50/p95 ms':24}{label:25}" + "; ".join(api.get("errors", [])[:1]))
    reb_ok = reb.get("returncode") == 0
    reb_s = (f"{fmt(reb.get('seconds'), '.1f')} / {fmt(reb.get('peak_rss_mb'), '.0f')}" if reb_ok
             else f"FAILED (exit {reb.get('returncode')})")
    log(f"{'rebuild s / peak MB':24}{reb_s:25}{'':15}{'':8}(target < 1024 MB)"
        + verdict(reb.get("peak_rss_mb", 0) < 1024 if reb_ok else None))
    log(f"{'index size MB':24}{fmt(mb(sizes.get('index_bytes')), '.1f'):25}"
        f"{fmt(mb(res['fts5_build']['size_bytes']), '.1f'):15}"
        f"{rx(ratio(sizes.get('index_bytes'), res['fts5_build']['size_bytes'])):8}")
    log(f"{'database size MB':24}{fmt(mb(sizes.get('database_bytes')), '.1f'):25}")
    log(f"{'search process peak MB':24}{fmt(por.get('process_peak_rss_mb'), '.0f'):25}"
        "(bench process, in-process search)")
    log("")
    head = f"{'query':34}{'portal':>8}{'FTS5':>8}{'api':>8}{'portal ms':>11}{'FTS5 ms':>9}{'api ms':>9}{'cold ms':>9}"
    log(head)
    log("-" * len(head))
    for query in res["queries"]:
        p = por.get("per_query", {}).get(query, {})
        f = fts.get("per_query", {}).get(query, {})
        a = api.get("per_query", {}).get(query, {})
        ptotal = p.get("error", "ERR")[:7] if "error" in p else fmt(p.get("total"), "d")
        note = ""
        if p.get("any_word"):
            note += " any-word"
        if p.get("suggestion"):
            note += f" (did you mean {p['suggestion']!r})"
        log(f"{query[:33]:34}{ptotal:>8}{fmt(f.get('total'), 'd'):>8}{fmt(a.get('total'), 'd', '-'):>8}"
            f"{fmt(p.get('p50_ms'), '.2f'):>11}{fmt(f.get('p50_ms'), '.3f'):>9}{fmt(a.get('p50_ms'), '.1f', '-'):>9}"
            f"{fmt(p.get('cold_ms'), '.1f'):>9}{note}")
    slow = sorted(((rec.get("p50_ms") or 0, q) for q, rec in por.get("per_query", {}).items()), reverse=True)[:5]
    log("")
    log("slowest portal queries (p50 ms): " + ", ".join(f"{q!r} {ms:.1f}" for ms, q in slow))
    problems = res.get("problems", [])
    if problems:
        log("")
        log("problems:")
        for line in problems:
            log("  - " + line)
    log("=" * 100)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20000, help="number of documents (default 20000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed rounds over all queries (default 3)")
    ap.add_argument("--out-dir", default=os.path.join(REPO_ROOT, "bench", "out"))
    ap.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary portal instance")
    ap.add_argument("--no-api", action="store_true", help="skip the HTTP API measurement")
    ap.add_argument("--import-only", action="store_true",
                    help="measure only the import (and FTS5's), check the index with verify, skip rebuild and queries")
    args = ap.parse_args()

    out_dir = os.path.abspath(args.out_dir)
    os.makedirs(out_dir, exist_ok=True)
    n = args.docs
    corpus = ensure_corpus(n, args.seed, out_dir)
    queries = corpus_queries(corpus)

    instance = tempfile.mkdtemp(prefix=f"cchc-bench-{n}-")
    log(f"instance: {instance}")
    env = dict(os.environ)
    env["PORTAL_INSTANCE_PATH"] = instance
    env.pop("DATABASE_URL", None)
    env.pop("PORTAL_HTTPS", None)  # plain HTTP on loopback: cookies must not be Secure
    os.environ["PORTAL_INSTANCE_PATH"] = instance
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("PORTAL_HTTPS", None)
    child_dir = os.path.join(out_dir, f"children-{n}")
    os.makedirs(child_dir, exist_ok=True)

    stamp_before = code_stamp()
    res = {"docs": n, "seed": args.seed, "repeat": args.repeat, "queries": queries, "corpus": corpus,
           "instance": instance, "phases": {}, "problems": [], "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
           "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version}}
    try:
        log("portal: setting up the instance")
        index_dir = os.path.join(instance, "index")
        phases = [
            ("db-upgrade", flask_cmd("db", "upgrade")),
            ("unit-create", flask_cmd("units", "create", BENCH_UNIT, "Vụ Pháp chế")),
            ("user-create", flask_cmd("users", "create", BENCH_USER, "--password", BENCH_PASSWORD,
                                      "--role", "reader", "--unit", BENCH_UNIT)),
            # An empty index first, as on a running portal: the import then writes into it.
            ("index-init", flask_cmd("search", "rebuild")),
            ("import", flask_cmd("documents", "import", corpus)),
            # Whatever the import left queued for the index (nothing, when it synced itself).
            ("sync", flask_cmd("search", "sync")),
            # Not timed: the import only counts as done if the index is then exactly the database.
            ("verify", flask_cmd("search", "verify")),
            ("rebuild", flask_cmd("search", "rebuild")),
        ]
        rebuild_phase = phases.pop()  # measured after the searches that follow the import
        for name, cmd in phases + [("search-after-import", None), rebuild_phase]:
            if name == "search-after-import":
                if not args.import_only and res["phases"].get("verify", {}).get("returncode") == 0:
                    # As a user searches right after an import: the index as the import left it.
                    log("portal: in-process search service, right after the import (no rebuild)")
                    res["portal_after_import"] = portal_inprocess(queries, args.repeat)
                    res["segments_after_import"] = segment_count(index_dir)
                    _forget_searchers()
                continue
            if name == "rebuild" and args.import_only:
                continue
            if name == "import":
                log(f"portal: importing {n} documents (timed) …")
            elif name == "sync":
                res["sizes_after_import"] = {"index_bytes": dir_size(index_dir)}
                log("portal: applying what the import left queued for the index (timed, counted in the import) …")
            elif name == "rebuild":
                res["sizes_after_sync"] = {"index_bytes": dir_size(index_dir)}
                log("portal: rebuilding the search index (timed) …")
            phase = run_child(name, cmd, env, REPO_ROOT, child_dir)
            res["phases"][name] = phase
            if name == "verify" and phase["returncode"] != 0:
                res["problems"].append("index NOT in step with the database after the import: "
                                       + (phase["stdout"] + phase["stderr"]).strip()[-500:])
            elif phase["returncode"] != 0:
                res["problems"].append(f"{name} failed (exit {phase['returncode']}): "
                                       f"{phase['stderr'].strip()[-500:]}")
            elif name == "import" and re.search(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback", phase["stderr"]):
                # INFO lines (merges after the import) are the log, not a problem.
                res["problems"].append("import wrote warnings or errors: " + phase["stderr"].strip()[-400:])
        imp, syn = res["phases"]["import"], res["phases"]["sync"]
        if imp["returncode"] == 0:
            sync_s = syn["seconds"] if syn["returncode"] == 0 else 0.0
            res["import_total"] = {
                "seconds": imp["seconds"] + sync_s, "import_seconds": imp["seconds"], "sync_seconds": sync_s,
                "peak_rss_mb": max(imp["peak_rss_mb"], syn["peak_rss_mb"] if syn["returncode"] == 0 else 0),
                "docs_per_s": n / (imp["seconds"] + sync_s),
            }
        res["sizes"] = {
            "index_bytes": dir_size(os.path.join(instance, "index")),
            "database_bytes": sum(dir_size(os.path.join(instance, "portal.sqlite3" + s))
                                  for s in ("", "-wal", "-shm")
                                  if os.path.exists(os.path.join(instance, "portal.sqlite3" + s))),
        }

        if args.import_only:
            fts_path = os.path.join(out_dir, f"fts5-{n}.sqlite")
            res["fts5_build"] = fts5_build(corpus, fts_path)
            tot, fts = res.get("import_total") or {}, res["fts5_build"]
            ratio_ = (tot.get("docs_per_s") or 0) / fts["docs_per_s"]
            log("=" * 100)
            log(f"import {n} docs: portal {tot.get('docs_per_s', 0):.0f} docs/s "
                f"({tot.get('seconds', 0):.1f} s, import {tot.get('import_seconds', 0):.1f} s + sync "
                f"{tot.get('sync_seconds', 0):.1f} s, peak {tot.get('peak_rss_mb', 0):.0f} MB) · FTS5 "
                f"{fts['docs_per_s']:.0f} docs/s · ×{ratio_:.2f} (target ≥ 0.33)")
            log(f"verify after import: {res['phases']['verify']['stdout'].strip()}")
            for line in res["problems"]:
                log("  problem: " + line)
            log("=" * 100)
            return 0

        log("portal: in-process search service, after the rebuild")
        res["portal"] = portal_inprocess(queries, args.repeat)
        res["segments_after_rebuild"] = segment_count(index_dir)
        res["problems"] += [f"portal search: {e}" for e in res["portal"].get("errors", [])]

        if args.no_api:
            res["api"] = {"available": False, "skipped": True, "errors": ["--no-api"]}
        else:
            log("portal: HTTP API through gunicorn")
            try:
                res["api"] = portal_api(queries, args.repeat, env, out_dir, n)
            except Exception as exc:
                res["api"] = {"available": False, "errors": [f"{type(exc).__name__}: {exc}"]}
            api_errors = res["api"].get("errors", [])
            res["problems"] += [f"api: {e}" for e in api_errors]
            if res["api"].get("available"):
                for q in queries:
                    a = res["api"]["per_query"].get(q, {}).get("total")
                    p = res["portal"].get("per_query", {}).get(q, {}).get("total")
                    if a is not None and p is not None and a != p:
                        res["problems"].append(f"api total {a} ≠ in-process total {p} for {q!r}")

        log("FTS5: building the yardstick (timed) …")
        fts_path = os.path.join(out_dir, f"fts5-{n}.sqlite")
        try:
            res["fts5_build"] = fts5_build(corpus, fts_path)
        except sqlite3.Error as exc:  # seen once: a transient "disk I/O error" at commit
            res["problems"].append(f"FTS5 build failed once ({exc}); built again")
            log(f"  FTS5 build failed ({exc}); trying again")
            res["fts5_build"] = fts5_build(corpus, fts_path)
        log(f"  FTS5 import: {res['fts5_build']['seconds']:.2f} s ({res['fts5_build']['docs_per_s']:.0f} docs/s)")
        res["fts5"] = fts5_queries(fts_path, queries, args.repeat)
        res["problems"] += [f"fts5: {e}" for e in res["fts5"].get("errors", [])]

        stamp_after = code_stamp()
        res["code"] = {"newest_file": stamp_after[1],
                       "newest_mtime": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(stamp_after[0]))}
        if stamp_after != stamp_before:
            res["problems"].append(
                f"the portal's code changed during this run ({stamp_after[1]} at {res['code']['newest_mtime']}): "
                "the figures may mix versions, run again")
        for q in queries:
            p = res["portal"].get("per_query", {}).get(q, {})
            if p.get("total") == 0:
                res["problems"].append(f"portal found nothing for {q!r} "
                                       f"(FTS5: {res['fts5']['per_query'][q].get('total')})")

        print_summary(res)
    finally:
        res["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        if args.keep:
            log(f"instance kept at {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)
            res["instance"] = None
        results_path = os.path.join(out_dir, f"results-{n}.json")
        with open(results_path, "w", encoding="utf-8") as fh:
            json.dump(res, fh, ensure_ascii=False, indent=1, default=str)
        log(f"results: {results_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
