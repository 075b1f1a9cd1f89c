#!/usr/bin/env python3
"""A folder of agency Word files through ``import-docx``: reading time per file, then the import twice.

Writes N .docx files into a temporary folder, cycling through the shapes of app/demo/documents.py
(the demo's reports, one in TCVN3, the procedure; a decree with notes and its three annexes; three
forms; a report with notes and a text box), each made distinct by a numbered line, so every file
is a document of its own. Then, on a new portal instance (SQLite, ``flask`` child processes):

1. ``documents import-docx --dry-run``: what each file gives, and how long reading it took (the
   safety checks, the text, the header; nothing stored);
2. ``documents import-docx``: the real import (database, attachments, search index), wall time;
3. the same again: every file must come back "Không đổi", wall time.

Prints per-shape reading times (median and max) and the totals. Not a test: figures.

    .venv/bin/python bench/docx_import.py --files 120
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import FLASK, REPO_ROOT  # noqa: E402


def write_folder(folder: str, count: int) -> dict[str, str]:
    """Write ``count`` distinct files into ``folder``; return {file name: shape}."""
    from app.demo import documents
    from app.demo.wordfile import para, write_docx

    shapes = {**documents.DEMO_FILES, **documents.SHAPE_FILES}
    names = {}
    for index in range(count):
        shape = list(shapes)[index % len(shapes)]
        spec = shapes[shape]()
        font = ".VnTime" if spec.font == ".VnTime" else None
        spec.blocks.append(para(f"Bản số {index + 1} của bộ tệp đo thử.", font=font))
        name = f"{index + 1:04d}-{shape}"
        write_docx(spec, os.path.join(folder, name))
        names[name] = shape
    return names


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([FLASK, "--app", "wsgi", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          check=True)
    return time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=120)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="docx-bench-") as base:
        folder = os.path.join(base, "word")
        os.mkdir(folder)
        names = write_folder(folder, args.files)
        size = sum(os.path.getsize(os.path.join(folder, n)) for n in names)
        env = {**os.environ, "PORTAL_INSTANCE_PATH": os.path.join(base, "instance")}
        env.pop("DATABASE_URL", None)
        subprocess.run([FLASK, "--app", "wsgi", "db", "upgrade"], cwd=REPO_ROOT, env=env, capture_output=True,
                       check=True)

        dry_seconds, dry = run(["documents", "import-docx", "--dry-run", folder], env)
        per_shape: dict[str, list[float]] = {}
        for name, ms in re.findall(r"^(\S+\.docx): .*\n    .* · đọc (\d+) ms$", dry, re.MULTILINE):
            per_shape.setdefault(names[name], []).append(float(ms))
        first_seconds, first = run(["documents", "import-docx", folder], env)
        again_seconds, again = run(["documents", "import-docx", folder], env)

    print(f"{args.files} files, {size / 1024 / 1024:.1f} MB")
    print(f"{'shape':45} {'files':>5} {'median ms':>10} {'max ms':>8}")
    for shape, times in sorted(per_shape.items()):
        print(f"{shape:45} {len(times):5d} {statistics.median(times):10.0f} {max(times):8.0f}")
    every = [t for times in per_shape.values() for t in times]
    print(f"{'all':45} {len(every):5d} {statistics.median(every):10.0f} {max(every):8.0f}")
    print(f"dry run (read every file, store nothing): {dry_seconds:.1f} s")
    print(f"import: {first_seconds:.1f} s ({first_seconds / args.files * 1000:.0f} ms per file) — "
          + first.strip().splitlines()[-1])
    print(f"import again: {again_seconds:.1f} s ({again_seconds / args.files * 1000:.0f} ms per file) — "
          + again.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
