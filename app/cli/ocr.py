"""``flask ocr …``: OCR of scanned attachments (worker, status, retry)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.ingest import ocr as engine
from app.models import Attachment
from app.services.library import ocr, ocr_worker

ocr_group = AppGroup("ocr", help="OCR of scanned attachments.")


@ocr_group.command("worker")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between looks for a job")
@click.option("--once", is_flag=True, help="Do the jobs waiting now, then stop")
def ocr_worker_command(interval, once):
    """Recognise queued scans, one at a time (with PORTAL_OCR=worker the web processes leave them
    to this command; with the default, background, both take jobs and never the same one)."""
    status = engine.ocr_status()
    if not status.available:
        raise click.ClickException(status.message)
    app = current_app._get_current_object()  # the loop opens an app context of its own each round
    if not once:
        click.echo("Đang chờ tệp cần nhận dạng chữ (Ctrl+C để dừng)…")
    done = ocr_worker.work_loop(app, interval=interval, once=once)
    click.echo(f"Đã xử lý {done} tệp.")


@ocr_group.command("status")
def ocr_status_command():
    """Say whether OCR is available here and how many jobs are in each state."""
    message = ocr.status_message()
    version = engine.ocr_status().tesseract_version
    click.echo(message or f"Nhận dạng chữ: bật (chế độ {ocr.mode()}, Tesseract {version}).")
    found = ocr.counts()
    click.echo(f"Chờ: {found['queued']}, đang chạy: {found['running']}, xong: {found['done']}, lỗi: {found['failed']}.")


@ocr_group.command("retry")
@click.argument("attachment_id", type=int)
def ocr_retry_command(attachment_id):
    """Queue one attachment for OCR again (after a failure, or a newer Tesseract)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise click.ClickException(f"Không có tệp đính kèm số {attachment_id}.")
    ocr.requeue(attachment)
    click.echo(f"Đã đưa tệp {attachment.original_name} vào hàng chờ nhận dạng chữ.")
