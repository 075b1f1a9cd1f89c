"""``flask documents …``: imports into the library."""
from __future__ import annotations

import os
import sys

import click
from flask.cli import AppGroup

from app.services.library import importer

documents = AppGroup("documents", help="Import documents into the library.")


@documents.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def documents_import(path):
    """Import a JSON-lines file (one document per line); running it again updates, never duplicates."""
    size = os.path.getsize(path)
    with open(path, encoding="utf-8-sig", errors="replace") as lines:
        if sys.stdout.isatty():
            with click.progressbar(length=size, label="Đang nhập", show_pos=False, show_percent=True) as bar:
                report = importer.import_jsonl(lines, progress=bar.update)
        else:
            report = importer.import_jsonl(lines)
    _print_report(report)
    if report.failed:
        raise SystemExit(1)


@documents.command("import-docx")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def documents_import_docx(folder):
    """Import every .docx in FOLDER, metadata read from each file's official header."""
    report = importer.import_docx_folder(folder, progress=lambda name: click.echo(f"  {name}"))
    _print_report(report)
    if report.failed > report.refused:  # hostile or broken files alone are not a failed import
        raise SystemExit(1)


def _print_report(report) -> None:
    click.echo(f"Tạo mới: {report.created} · Cập nhật: {report.updated} · Không đổi: {report.unchanged} "
               f"· Lỗi: {report.failed}")
    for where, reason in report.failures[:200]:
        click.echo(f"  {where}: {reason}", err=True)
    if report.failed > 200:
        click.echo(f"  … và {report.failed - 200} lỗi khác", err=True)
