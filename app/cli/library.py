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
@click.option("--dry-run", is_flag=True,
              help="Only read the files: print what each gives and what importing it would do; store nothing.")
def documents_import_docx(folder, dry_run):
    """Import every .docx in FOLDER, metadata read from each file's official header; a file already
    imported is updated when it changed and left alone when it did not."""
    if dry_run:
        readings = importer.read_docx_folder(folder)
        for reading in readings:
            _print_reading(reading)
        _print_reading_totals(readings)
        return
    report = importer.import_docx_folder(folder, on_file=_print_reading)
    _print_report(report)
    if report.failed > report.refused:  # hostile or broken files alone are not a failed import
        raise SystemExit(1)


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _print_reading(reading) -> None:
    """One file: name and action, then type · number · date · kèm theo · length · notes · read time, then title."""
    click.echo(f"{reading.name}: {reading.action}")
    if reading.error:
        click.echo(f"    {reading.error}")
        return
    facts = [reading.doc_type, reading.number or "không số",
             reading.issued_on.strftime("%d/%m/%Y") if reading.issued_on else "không ngày"]
    if reading.parent_number:
        facts.append(f"kèm theo {reading.parent_number}")
    facts.append(f"{_thousands(reading.text_length)} ký tự")
    if reading.notes:
        facts.append(f"{reading.notes} chú thích")
    facts.append(f"đọc {reading.seconds * 1000:.0f} ms")
    click.echo("    " + " · ".join(facts))
    click.echo(f"    {reading.title}")


def _print_reading_totals(readings) -> None:
    counts = {action: sum(1 for r in readings if r.action == action)
              for action in ("Tạo mới", "Cập nhật", "Không đổi", "Lỗi")}
    times = sorted(r.seconds for r in readings if not r.error)
    line = f"{len(readings)} tệp — nếu nhập: " + " · ".join(f"{a}: {n}" for a, n in counts.items())
    if times:
        mean = sum(times) / len(times) * 1000
        line += (f" — đọc mỗi tệp trung bình {mean:.0f} ms, trung vị {times[len(times) // 2] * 1000:.0f} ms, "
                 f"lâu nhất {times[-1] * 1000:.0f} ms")
    click.echo(line)
    click.echo("Chạy thử: chưa lưu gì. Bỏ --dry-run để nhập.")


def _print_report(report) -> None:
    click.echo(f"Tạo mới: {report.created} · Cập nhật: {report.updated} · Không đổi: {report.unchanged} "
               f"· Lỗi: {report.failed}")
    for where, reason in report.failures[:200]:
        click.echo(f"  {where}: {reason}", err=True)
    if report.failed > 200:
        click.echo(f"  … và {report.failed - 200} lỗi khác", err=True)
