"""Helpers shared by the benchmarks (``search_bench.py``, ``load.py``): paths, the corpus cache,
child processes with their own peak memory, percentiles and formatting.

Benchmarks only: nothing in app/, tests/ or scripts/ imports this. The corpus comes from ``bench/corpus.py``.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_SCRIPT = os.path.join(REPO_ROOT, "bench", "corpus.py")
VENV_BIN = os.path.join(REPO_ROOT, ".venv", "bin")
FLASK = os.path.join(VENV_BIN, "flask")
GUNICORN = os.path.join(VENV_BIN, "gunicorn")

BASE_QUERIES = [
    "cải cách hành chính",
    "cai cach hanh chinh",
    "thủ tục hành chính",
    "thu tuc hanh chinh",
    "chính phủ điện tử",
    "người đứng đầu",
    "kỷ luật kỷ cương",
    "Quảng Nam",
    "Cao Bằng",
    "Lê Sỹ Bảy",
    "Trần Thị Kim Hoa",
    "chữ ký số",
    "một cửa liên thông",
    "vị trí việc làm",
    "tiếp công dân",
    "dịch vụ công trực tuyến",
    "ứng dụng công nghệ thông tin",
    "sở nội vụ",
    "báo cáo",
    "kế hoạch",
    "thanh tra chính phủ",
    "nâng cao chất lượng",
    "TTHC một cửa",
    "CCHC",
]


# Helpers

def log(msg: str = "") -> None:
    print(msg, flush=True)


def percentile(values: list[float], pct: float) -> float | None:
    """Linear-interpolated percentile (like numpy's default); None for no values."""
    if not values:
        return None
    data = sorted(values)
    if len(data) == 1:
        return data[0]
    pos = (len(data) - 1) * pct / 100.0
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def stats(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values) if values else None,
        "mean": (sum(values) / len(values)) if values else None,
    }


def dir_size(path: str) -> int:
    """Bytes used by the files under ``path`` (apparent size)."""
    total = 0
    if os.path.isfile(path):
        return os.path.getsize(path)
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def mb(nbytes: float | None) -> float | None:
    return None if nbytes is None else nbytes / (1024 * 1024)


def fmt(value, spec: str = ".1f", missing: str = "n/a") -> str:
    if value is None:
        return missing
    if isinstance(value, str):
        return value
    return format(value, spec)


def kill_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """End a child started with ``start_new_session=True`` and everything in its process group:
    SIGTERM, up to ``grace`` seconds, then SIGKILL. Never raises for a group already gone."""
    import signal

    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                try:
                    os.killpg(proc.pid, 0)
                except ProcessLookupError:
                    return  # leader reaped and no member left
            time.sleep(0.1)
    proc.poll()


def run_child(name: str, args: list[str], env: dict, cwd: str, out_dir: str, track: list | None = None) -> dict:
    """Run ``args`` as its own child process and return wall seconds, peak RSS and output.

    ``os.wait4`` gives the resource usage of exactly this child (and whatever it waited for),
    so each phase's peak memory is measured on its own. With ``track`` (a list), the child gets
    its own process group, sits in ``track`` while it runs, and is ended with its group if this
    process is interrupted (Ctrl+C, SIGTERM turned into an exception) while waiting.
    """
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    out_path = os.path.join(out_dir, f"child-{safe}.out")
    err_path = os.path.join(out_dir, f"child-{safe}.err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=track is not None)
        if track is not None:
            track.append(proc)
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            if track is not None:
                kill_group(proc)
            raise
        finally:
            if track is not None and proc in track:
                track.remove(proc)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    with open(out_path, encoding="utf-8", errors="replace") as fh:
        stdout = fh.read()
    with open(err_path, encoding="utf-8", errors="replace") as fh:
        stderr = fh.read()
    result = {
        "name": name,
        "args": args[1:],
        "returncode": proc.returncode,
        "seconds": seconds,
        "peak_rss_mb": usage.ru_maxrss / 1024.0,  # Linux: kilobytes
        "stdout": stdout[-4000:],
        "stderr": stderr[-4000:],
    }
    flag = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
    log(f"  {name}: {flag} in {seconds:.2f} s, peak RSS {result['peak_rss_mb']:.0f} MB")
    if stdout.strip():
        log("    stdout: " + stdout.strip()[-600:].replace("\n", "\n            "))
    if proc.returncode != 0 and stderr.strip():
        log("    stderr: " + stderr.strip()[-3000:].replace("\n", "\n            "))
    return result


def flask_cmd(*args: str) -> list[str]:
    return [FLASK, "--app", "wsgi", *args]


def code_stamp() -> tuple[float, str]:
    """The newest modification time among the portal's code files, and which file it is.

    Others edit the app while benchmarks run: a run whose code changed midway mixes versions.
    """
    newest, which = 0.0, ""
    for top in ("app", "migrations", "wsgi.py"):
        root_path = os.path.join(REPO_ROOT, top)
        paths = [root_path] if os.path.isfile(root_path) else [
            os.path.join(r, f) for r, _d, files in os.walk(root_path) for f in files
            if f.endswith((".py", ".txt", ".html", ".ini", ".mako"))]
        for path in paths:
            try:
                mtime = os.path.getmtime(path)
            except OSError:
                continue
            if mtime > newest:
                newest, which = mtime, os.path.relpath(path, REPO_ROOT)
    return newest, which


# Corpus and queries

def ensure_corpus(n: int, seed: int, out_dir: str) -> str:
    # "ours": bench/corpus.py; corpora cached by the earlier generator (corpus-N-seedS.jsonl) are not reused.
    path = os.path.join(out_dir, f"corpus-ours-{n}-seed{seed}.jsonl")
    if os.path.exists(path):
        log(f"corpus: reusing {path}")
        return path
    log(f"corpus: generating {n} documents (seed {seed}) …")
    tmp = path + ".tmp"
    started = time.perf_counter()
    subprocess.run([sys.executable, CORPUS_SCRIPT, "--docs", str(n), "--seed", str(seed), "--out", tmp], check=True)
    os.replace(tmp, path)
    log(f"corpus: {path} in {time.perf_counter() - started:.1f} s")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

