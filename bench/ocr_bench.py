#!/usr/bin/env python3
"""Vietnamese OCR (app/ingest/ocr.py) on generated scans of the demo documents: seconds per page
and character accuracy against the text that was printed.

The text is that of the demo's Word files (app/demo/documents.py: the decree, the quarterly
report, the procedure…, read with the library's own ``extract_docx``), laid out on A4 pages in
13 pt DejaVu Serif (fonts-dejavu-core) with Pillow, one page per document, and put through
``ocr_file`` as image-only PDFs (what a scanner gives), once per kind of scan:

- ``300 dpi``: a clean scan at 300 dpi (target: ≥ 95 % of characters right);
- ``200 dpi``: a clean scan at 200 dpi, rendered by the pipeline at its 300 dpi like any page;
- ``200 dpi native``: the same scan rendered at 200 dpi (``OcrLimits(dpi=200)``), for comparison;
- ``300 dpi, 1.5°``: the 300 dpi scan fed askew, turned by 1.5°;
- ``200 dpi, 1.5°, worn``: askew at 200 dpi, blurred and grainy (a tired photocopy).

Pillow stores the pages of the PDF as JPEG (quality 75), as most scanners do. Clean generated
scans are kinder than paper: read the figures as the engine's ceiling on crisp print.

Character accuracy = 1 − (edit distance ÷ characters printed), over the page's text with runs of
white space as one space, NFC; "tones" compares after the index's tone convention
(``vntext.nfc``), "folded" without diacritics at all (what a search typed without accents sees).
Seconds per page are ``OcrPage.seconds`` (render + Tesseract, one core: ``OMP_THREAD_LIMIT=1``);
"file" adds planning and the searchable PDF (``--searchable``). Not a test: figures.

``--search-during-ocr N``: is the web still responsive while OCR runs? A portal in a temporary
instance folder (SQLite) with N generated documents (bench/corpus.py, imported and indexed), then
the search service (``app.search.search``, as a reader, the queries of bench/common.py) timed while
idle, then again while the OCR worker loop (``ocr_worker.work_loop``, the thread a web process runs
with ``PORTAL_OCR=background``) recognises scanned attachments of the demo texts uploaded through the
library service; each job's text then reaches the index through the outbox. p50/p95 of both.

    .venv/bin/python bench/ocr_bench.py [--docs 3] [--searchable] [--json out.json]
    .venv/bin/python bench/ocr_bench.py --search-during-ocr 2000 [--scans 2] [--docs 3]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from app.ingest.ocr import OcrLimits, ocr_file, ocr_status  # noqa: E402
from app.vntext import fold, nfc  # noqa: E402
from tests.scans import image_pdf, render_page_lines, worn  # noqa: E402

SCANS = [
    # label, scan dpi, rotation (degrees), degraded (blur + grain), OCR limits
    ("300 dpi", 300, 0.0, False, OcrLimits()),
    ("200 dpi", 200, 0.0, False, OcrLimits()),
    ("200 dpi native", 200, 0.0, False, OcrLimits(dpi=200)),
    ("300 dpi, 1.5°", 300, 1.5, False, OcrLimits()),
    ("200 dpi, 1.5°, worn", 200, 1.5, True, OcrLimits()),
]



def demo_texts(count: int) -> list[tuple[str, str]]:
    """(file name, text) of the first ``count`` demo Word files, read as the library reads them."""
    from app.demo import documents
    from app.demo.wordfile import write_docx
    from app.ingest import extract_docx

    shapes = {**documents.DEMO_FILES, **documents.SHAPE_FILES}
    order = [documents.DECREE, documents.QUARTERLY_REPORT, documents.PROCEDURE, documents.NOTED_REPORT,
             *[name for name in shapes if name not in (documents.DECREE, documents.QUARTERLY_REPORT,
                                                      documents.PROCEDURE, documents.NOTED_REPORT)]]
    texts = []
    with tempfile.TemporaryDirectory(prefix="ocr-bench-docx-") as folder:
        for name in order[:count]:
            path = write_docx(shapes[name](), os.path.join(folder, name))
            texts.append((name, extract_docx(path).text))
    return texts


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions), bit-parallel (Myers 1999 / Hyyrö 2003)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    peq: dict[str, int] = {}
    for i, ch in enumerate(a):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    mask = (1 << len(a)) - 1
    last = 1 << (len(a) - 1)
    pv, mv, score = mask, 0, len(a)
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
    return score


def _dp(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def accuracy(truth: str, found: str) -> float:
    truth, found = " ".join(truth.split()), " ".join(found.split())
    return max(0.0, 1 - levenshtein(truth, found) / max(len(truth), 1))


def search_during_ocr(n_docs: int, scans: int, pages_per_scan: int, out_dir: str) -> dict:
    """Search latency idle and while the OCR worker runs (see the module's docstring); returns the figures."""
    import threading

    from flask_migrate import upgrade

    from app import create_app
    from app import search as search_service
    from app.extensions import db
    from app.models import Document, OcrJob, User
    from app.search import outbox
    from app.services import uploads
    from app.services.accounts import users as accounts
    from app.services.library import documents as library
    from app.services.library import ocr_worker
    from bench.common import BASE_QUERIES, ensure_corpus, percentile

    corpus = ensure_corpus(n_docs, 7, out_dir)
    instance = tempfile.mkdtemp(prefix="ocr-bench-portal-")
    app = create_app({"INSTANCE_PATH": instance, "SEARCH_BACKGROUND_SYNC": False, "OCR_MODE": "worker",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/portal.sqlite3"})
    with app.app_context():
        upgrade()
    # The corpus restricts about 5 % of its documents to unit VPC (bench/corpus.py), as load.py sets up.
    made = app.test_cli_runner().invoke(args=["units", "create", "VPC", "Văn phòng (bench)"])
    assert made.exit_code == 0, made.output
    result = app.test_cli_runner().invoke(args=["documents", "import", corpus])
    assert result.exit_code == 0, result.output
    with app.app_context():
        outbox.sync(lock_timeout=120)
        accounts.create_user("doc.gia", "Tinh-gon-2024", full_name="Độc giả", roles=["reader"])
    pages_text = [text for _name, text in demo_texts(pages_per_scan)]
    files = []
    for number in range(scans):
        images = [render_page_lines(text, dpi=300)[0] for text in pages_text]
        path = os.path.join(instance, f"scan-{number}.pdf")
        with open(path, "wb") as fh:
            fh.write(image_pdf(images))
        files.append(path)
    with app.test_request_context():
        editor = accounts.create_user("bien.tap", "Tinh-gon-2024", full_name="Biên tập", roles=["editor"])
        document = library.create_document(library.DocumentData(
            category="reform", doc_type="Quyết định", number="99/QĐ-OCR", title="Quyết định quét để đo",
            issuer="Văn phòng"), editor)
        for path in files:
            library.add_attachment(db.session.get(Document, document.id), uploads.accept_path(path), editor)
        total_jobs = db.session.scalar(db.select(db.func.count()).select_from(OcrJob))

    def timed(rounds: int | None, until=None) -> list[float]:
        found = []
        with app.test_request_context():
            reader = db.session.scalar(db.select(User).where(User.username == "doc.gia"))
            done = 0
            while True:
                for query in BASE_QUERIES:
                    started = time.perf_counter()
                    search_service.search(reader, search_service.SearchRequest(q=query))
                    found.append((time.perf_counter() - started) * 1000)
                done += 1
                if (rounds is not None and done >= rounds) or (until is not None and until()):
                    return found

    timed(1)  # warm the searchers
    idle = timed(5)
    stop = threading.Event()
    worker = threading.Thread(target=ocr_worker.work_loop, args=(app,), kwargs={"interval": 0.5, "stop": stop})
    started = time.monotonic()
    worker.start()

    def finished() -> bool:
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).select_from(OcrJob).where(
                OcrJob.status.in_(("done", "failed")))) == total_jobs

    during = timed(None, finished)
    ocr_seconds = time.monotonic() - started
    stop.set()
    worker.join()
    with app.app_context():
        statuses = [status for (status,) in db.session.execute(db.select(OcrJob.status))]
        outbox.sync(lock_timeout=120)
    with app.test_request_context():
        reader = db.session.scalar(db.select(User).where(User.username == "doc.gia"))
        found = search_service.search(reader, search_service.SearchRequest(q='"99/QĐ-OCR"')).total
    figures = {
        "documents": n_docs, "scans": scans, "pages": scans * len(pages_text), "ocr_seconds": round(ocr_seconds, 1),
        "jobs": statuses, "searchable_after": found,
        "idle": {"searches": len(idle), "p50_ms": round(percentile(idle, 50), 1),
                 "p95_ms": round(percentile(idle, 95), 1)},
        "during_ocr": {"searches": len(during), "p50_ms": round(percentile(during, 50), 1),
                       "p95_ms": round(percentile(during, 95), 1)},
    }
    print(f"search while idle: {figures['idle']['searches']} searches, p50 {figures['idle']['p50_ms']} ms, "
          f"p95 {figures['idle']['p95_ms']} ms")
    print(f"search during OCR ({figures['pages']} pages in {figures['ocr_seconds']} s, jobs {statuses}): "
          f"{figures['during_ocr']['searches']} searches, p50 {figures['during_ocr']['p50_ms']} ms, "
          f"p95 {figures['during_ocr']['p95_ms']} ms")
    import shutil

    shutil.rmtree(instance, ignore_errors=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=int, default=3, help="demo documents, one page each (default 3)")
    parser.add_argument("--searchable", action="store_true", help="also write the searchable PDF")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--search-during-ocr", type=int, metavar="N",
                        help="time searches over N generated documents idle and while OCR runs, instead")
    parser.add_argument("--scans", type=int, default=2, help="scanned files for --search-during-ocr (default 2)")
    parser.add_argument("--corpus-dir", default=os.path.join(tempfile.gettempdir(), "cchc-bench"),
                        help="where generated corpora are cached")
    args = parser.parse_args()
    if args.search_during_ocr:
        if not ocr_status().available:
            print(ocr_status().message)
            return 1
        os.makedirs(args.corpus_dir, exist_ok=True)
        figures = search_during_ocr(args.search_during_ocr, args.scans, args.docs, args.corpus_dir)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as fh:
                json.dump(figures, fh, ensure_ascii=False, indent=2)
        return 0

    for a, b in [("kitten", "sitting"), ("", "abc"), ("cải cách", "cai cách"), ("x" * 70, "x" * 69 + "y")]:
        assert levenshtein(a, b) == _dp(a, b), (a, b)
    status = ocr_status()
    if not status.available:
        print(status.message)
        return 1
    print(f"Tesseract {status.tesseract_version}, {platform.node()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}")
    texts = demo_texts(args.docs)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as folder:
        for label, dpi, rotate, degraded, limits in SCANS:
            pages, truths = [], []
            for _name, text in texts:
                image, lines = render_page_lines(text, dpi=dpi, rotate=rotate)
                pages.append(worn(image) if degraded else image)
                truths.append("\n".join(lines))
            path = os.path.join(folder, f"scan-{dpi}-{rotate}.pdf")
            with open(path, "wb") as fh:
                fh.write(image_pdf(pages, dpi=dpi))
            searchable = os.path.join(folder, "searchable.pdf") if args.searchable else None
            cpu0 = os.times()
            started = time.monotonic()
            result = ocr_file(path, limits=limits, searchable_pdf=searchable)
            wall = time.monotonic() - started
            cpu1 = os.times()
            child_cpu = (cpu1.children_user + cpu1.children_system) - (cpu0.children_user + cpu0.children_system)
            seconds = [p.seconds for p in result.pages]
            row = {
                "scan": label, "pages": len(result.pages), "chars": sum(len(" ".join(t.split())) for t in truths),
                "s_per_page_median": round(statistics.median(seconds), 2),
                "s_per_page_max": round(max(seconds), 2),
                "file_s_per_page": round(wall / len(result.pages), 2),
                "tool_cpu_s_per_page": round(child_cpu / len(result.pages), 2),
                "accuracy": round(100 * statistics.mean(accuracy(t, p.text) for t, p in zip(truths, result.pages)), 2),
                "accuracy_tones": round(100 * statistics.mean(
                    accuracy(nfc(t), nfc(p.text)) for t, p in zip(truths, result.pages)), 2),
                "accuracy_folded": round(100 * statistics.mean(
                    accuracy(fold(t).lower(), fold(p.text).lower()) for t, p in zip(truths, result.pages)), 2),
                "confidence": round(statistics.mean(p.confidence or 0 for p in result.pages), 1),
                "searchable_pdf_bytes": os.path.getsize(searchable) if searchable else None,
            }
            rows.append(row)
            print(f"{label:>20}: {row['pages']} pages, {row['chars']} chars printed · "
                  f"{row['s_per_page_median']} s/page (max {row['s_per_page_max']}; file {row['file_s_per_page']};"
                  f" tools' CPU {row['tool_cpu_s_per_page']}) · accuracy {row['accuracy']} % "
                  f"(tones {row['accuracy_tones']} %, folded {row['accuracy_folded']} %) · "
                  f"confidence {row['confidence']}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"tesseract": status.tesseract_version, "cores": os.cpu_count(), "rows": rows}, fh,
                      ensure_ascii=False, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
