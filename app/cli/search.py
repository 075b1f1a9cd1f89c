"""``flask search …``: the search index of this node (rebuild, sync, merge, worker, verify)."""
from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from app import search as search_service
from app.search import merge, outbox, upkeep

search = AppGroup("search", help="Maintain the search index.")


@search.command("rebuild")
def search_rebuild():
    """Rebuild the index from the database into a new folder and switch to it atomically
    (safe at any time: waits for a rebuild already running, searches keep answering)."""
    if outbox.rebuild_running(current_app.config["INDEX_DIR"]):
        click.echo("Một tiến trình khác đang dựng lại chỉ mục; chờ tiến trình đó xong rồi dựng lại…")

    def progress(kind, count):
        if sys.stdout.isatty():
            click.echo(f"\r  {kind}: {count}", nl=False)

    result = search_service.rebuild(progress=progress, wait=True, reason="flask search rebuild")
    if sys.stdout.isatty():
        click.echo()
    counts = ", ".join(f"{kind}: {count}" for kind, count in result["counts"].items())
    click.echo(f"Đã dựng lại chỉ mục ({counts}) trong {result['seconds']:.1f} giây.")


@search.command("sync")
def search_sync():
    """Apply every queued change to the index (what the web processes do after each commit)."""
    applied = outbox.sync(lock_timeout=120)
    click.echo(f"Đã áp dụng {applied} thay đổi; còn chờ: {outbox.pending()}.")


@search.command("merge")
def search_merge():
    """Merge small index segments into larger ones (saves keep going meanwhile)."""
    rounds = merge.merge_all(current_app.config["INDEX_DIR"])
    for done in rounds:
        click.echo(f"Đã gộp {done['segments']} phân đoạn thành một ({done['records']} bản ghi) trong "
                   f"{done['seconds']:.1f} giây.")
    if not rounds:
        click.echo("Không cần gộp (hoặc một tiến trình khác đang gộp).")


@search.command("worker")
@click.option("--interval", default=0.25, show_default=True, help="Seconds between checks")
def search_worker(interval):
    """Keep the index up to date on this node: apply queued changes, rebuild an unusable
    index, merge small segments — the node's one index writer when PORTAL_SEARCH_WRITER=worker
    (the web processes then only queue changes), else beside the web processes' catch-up thread."""
    app = current_app._get_current_object()  # upkeep opens an app context of its own each round
    click.echo("Đang theo dõi thay đổi cần đưa vào chỉ mục (Ctrl+C để dừng)…")
    upkeep.keep_up(lambda: upkeep.upkeep_once(app, merge_inline=True), time.sleep, interval)


@search.command("verify")
def search_verify():
    """Check the index against the database and its own files; name what is wrong and exit 1
    on any problem (records missing, stale or extra, damaged files, another database)."""
    report = search_service.verify()
    if report.unavailable:
        click.echo(f"Chỉ mục không dùng được: {report.unavailable}", err=True)
    if report.mismatch:
        click.echo(f"Chỉ mục không khớp cơ sở dữ liệu: {report.mismatch}", err=True)
    for problem in report.damaged:
        click.echo(f"  hỏng: {problem}", err=True)
    if not report.unavailable:
        click.echo(f"Thiếu: {len(report.missing)} · Cũ: {len(report.stale)} · Thừa: {len(report.extra)}")
    for label, uids in (("thiếu", report.missing), ("cũ", report.stale), ("thừa", report.extra)):
        for uid in uids[:50]:
            click.echo(f"  {label}: {uid}")
    if not report.clean:
        raise SystemExit(1)
