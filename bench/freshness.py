#!/usr/bin/env python3
"""Freshness benchmark: how long after a save is the change searchable, while others edit too?

Starts the portal with gunicorn (several workers, the background index catch-up on), logs in
several editors who keep editing documents concurrently through the real edit form, and for
every save measures the time until a reader finds the new text through /api/search.
Prints p50/p95/max. Not a test: figures for the README.

    .venv/bin/python bench/freshness.py --writers 4 --edits 25 --workers 4
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLASK = os.path.join(ROOT, ".venv", "bin", "flask")
GUNICORN = os.path.join(ROOT, ".venv", "bin", "gunicorn")
PASSWORD = "bench-pass-123"


def run(env, *args):
    subprocess.run([FLASK, "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)


class Client:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode("utf-8")

    def post(self, path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def login(self, username):
        _, html = self.get("/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        status, _ = self.post("/login", {"username": username, "password": PASSWORD, "csrf_token": token})
        assert status in (200, 302), status


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--edits", type=int, default=25, help="edits per writer")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--docs", type=int, default=500, help="documents in the library beforehand")
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="cchc-freshness-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PORTAL_INSTANCE_PATH"] = instance
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    corpus = os.path.join(instance, "corpus.jsonl")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "corpus.py"), "--docs",
                    str(args.docs), "--restricted", "0", "--out", corpus], check=True)
    run(env, "db", "upgrade")
    run(env, "units", "create", "VP", "Văn phòng")
    for i in range(args.writers):
        run(env, "users", "create", f"editor{i}", "--password", PASSWORD, "--role", "editor", "--unit", "VP")
    run(env, "users", "create", "reader", "--password", PASSWORD, "--unit", "VP")
    run(env, "documents", "import", corpus)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
                               "--threads", "2", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(instance, "gunicorn.log"), "w"))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        reader = Client(base)
        reader.login("reader")
        latencies, from_request, errors = [], [], []
        lock = threading.Lock()

        def writer(number):
            client = Client(base)
            client.login(f"editor{number}")
            for edit in range(args.edits):
                doc_id = 1 + (number * args.edits + edit) % args.docs
                status, html = client.get(f"/documents/{doc_id}/edit")
                if status != 200:
                    with lock:
                        errors.append(f"GET edit {doc_id}: {status}")
                    continue
                fields = dict(re.findall(r'name="(csrf_token|version|title|number|issuer|category|doc_type)"'
                                         r'[^>]*value="([^"]*)"', html))
                fields.update(re.findall(r'<select[^>]*name="(category|doc_type)".*?<option selected value="([^"]*)"',
                                         html, re.S))
                token = f"moi{uuid.uuid4().hex[:12]}"
                data = {"csrf_token": fields.get("csrf_token", ""), "version": fields.get("version", ""),
                        "title": fields.get("title") or "Văn bản", "number": fields.get("number", ""),
                        "issuer": fields.get("issuer", ""), "category": fields.get("category", "legal"),
                        "doc_type": fields.get("doc_type", "Nghị định"), "status": "", "visibility": "all",
                        "body": f"Nội dung sửa {token}"}
                started = time.perf_counter()
                status, _ = client.post(f"/documents/{doc_id}/edit", data)
                saved = time.perf_counter()
                if status not in (200, 302):
                    with lock:
                        errors.append(f"POST edit {doc_id}: {status}")
                    continue
                while True:
                    _, body = reader.get(f"/api/search?q={token}&per_page=1")
                    if json.loads(body)["total"] >= 1:
                        found = time.perf_counter()
                        break
                    if time.perf_counter() - saved > 30:
                        found = None
                        break
                    time.sleep(0.02)
                with lock:
                    if found is None:
                        errors.append(f"{token} not found after 30 s")
                    else:
                        latencies.append((found - saved) * 1000)
                        from_request.append((found - started) * 1000)

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(args.writers)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(10)
    print(f"database: {'PostgreSQL' if env.get('DATABASE_URL') else 'SQLite'} · {args.writers} concurrent editors · "
          f"{args.workers} gunicorn workers · {args.docs} documents")
    print(f"edits: {len(latencies)} found, {len(errors)} errors, {len(latencies) / elapsed:.1f} edits/s")
    if latencies:
        print(f"save response → searchable: p50 {statistics.median(latencies):.0f} ms · "
              f"p95 {percentile(latencies, 0.95):.0f} ms · max {max(latencies):.0f} ms  (target p95 ≤ 2000 ms)")
        print(f"save request  → searchable: p50 {statistics.median(from_request):.0f} ms · "
              f"p95 {percentile(from_request, 0.95):.0f} ms · max {max(from_request):.0f} ms")
    for error in errors[:10]:
        print("  error:", error)
    shutil.rmtree(instance, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
