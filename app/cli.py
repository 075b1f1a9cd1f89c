"""Command-line tools: ``flask --app wsgi units|users|demo``."""
import click
from flask import Flask

from app.models import ALL_ROLES
from app.services import accounts


def init_app(app: Flask) -> None:
    """Register the command groups on ``app``."""

    @app.cli.group()
    def units():
        """Manage units (đơn vị)."""

    @units.command("create")
    @click.argument("code")
    @click.argument("name")
    def units_create(code, name):
        """Create unit CODE named NAME."""
        try:
            unit = accounts.create_unit(code, name)
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Đã tạo đơn vị {unit.code} – {unit.name}")

    @app.cli.group()
    def users():
        """Manage user accounts."""

    @users.command("create")
    @click.argument("username")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--role", "roles", multiple=True, type=click.Choice(ALL_ROLES), default=["reader"], show_default=True)
    @click.option("--unit", "unit_code", default=None, help="Unit code, e.g. VPC")
    @click.option("--full-name", default="", help="Full name shown in the portal")
    def users_create(username, password, roles, unit_code, full_name):
        """Create user USERNAME with the given roles and unit."""
        unit = None
        if unit_code:
            unit = accounts.get_unit_by_code(unit_code)
            if unit is None:
                raise click.ClickException(f"Không có đơn vị mã {unit_code.upper()}.")
        try:
            user = accounts.create_user(username, password, full_name=full_name, roles=roles, unit=unit)
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Đã tạo tài khoản {user.username} ({', '.join(sorted(user.role_names))})")

    @users.command("set-password")
    @click.argument("username")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def users_set_password(username, password):
        """Set a new password for USERNAME (signs out their sessions)."""
        from app.extensions import db
        from app.models import User

        user = db.session.scalar(db.select(User).where(User.username == accounts.normalise_username(username)))
        if user is None:
            raise click.ClickException(f"Không có tài khoản {username}.")
        try:
            accounts.set_password(user, password)
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Đã đặt lại mật khẩu cho {user.username}")

    @app.cli.group()
    def documents():
        """Import documents into the library."""

    @documents.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def documents_import(path):
        """Import a JSON-lines file (one document per line); running it again updates, never duplicates."""
        import os
        import sys

        from app.services import importer

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
        """Import every .docx in FOLDER, metadata read from each file's official header; a file
        already imported is updated when it changed and left alone when it did not."""
        from app.services import importer

        if dry_run:
            readings = importer.read_docx_folder(folder)
            for reading in readings:
                _print_reading(reading)
            _print_reading_totals(readings)
            return
        report = importer.import_docx_folder(folder, on_file=_print_reading)
        _print_report(report)
        refused_files = all(reason_is_refusal(reason) for _, reason in report.failures)
        if report.failures and not refused_files:
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

    def reason_is_refusal(reason: str) -> bool:
        return reason.startswith("[tệp bị từ chối]")

    def _print_report(report):
        click.echo(f"Tạo mới: {report.created} · Cập nhật: {report.updated} · Không đổi: {report.unchanged} "
                   f"· Lỗi: {report.failed}")
        for where, reason in report.failures[:200]:
            click.echo(f"  {where}: {reason}", err=True)
        if report.failed > 200:
            click.echo(f"  … và {report.failed - 200} lỗi khác", err=True)

    @app.cli.group()
    def search():
        """Maintain the search index."""

    @search.command("rebuild")
    def search_rebuild():
        """Rebuild the index from the database into a new folder and switch to it atomically
        (safe at any time: waits for a rebuild already running, searches keep answering)."""
        import sys

        from app import search as search_service
        from app.search import outbox

        if outbox.rebuild_running(app.config["INDEX_DIR"]):
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
        from app.search import outbox

        applied = outbox.sync(lock_timeout=120)
        click.echo(f"Đã áp dụng {applied} thay đổi; còn chờ: {outbox.pending()}.")

    @search.command("merge")
    def search_merge():
        """Merge small index segments into larger ones (saves keep going meanwhile)."""
        from app.search import merge

        rounds = merge.merge_all(app.config["INDEX_DIR"])
        for done in rounds:
            click.echo(f"Đã gộp {done['segments']} phân đoạn thành một ({done['records']} bản ghi) trong "
                       f"{done['seconds']:.1f} giây.")
        if not rounds:
            click.echo("Không cần gộp (hoặc một tiến trình khác đang gộp).")

    @search.command("worker")
    @click.option("--interval", default=1.0, show_default=True, help="Seconds between checks")
    def search_worker(interval):
        """Keep the index up to date on this node: apply queued changes, rebuild an unusable
        index, merge small segments (an alternative to the web processes' catch-up thread)."""
        import time

        from app.search import outbox

        click.echo("Đang theo dõi thay đổi cần đưa vào chỉ mục (Ctrl+C để dừng)…")
        delay = interval
        while True:
            outcome = outbox.upkeep_once(app, merge_inline=True)
            delay = min(60.0, delay * 2) if outcome == "failed" else interval
            time.sleep(delay)

    @search.command("verify")
    def search_verify():
        """Check the index against the database and its own files; name what is wrong and exit 1
        on any problem (records missing, stale or extra, damaged files, another database)."""
        from app import search as search_service

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

    @app.cli.command("demo")
    def demo():
        """Load demo data (units, one user per role, …). Running it twice changes nothing."""
        from app.services import demo as demo_service

        report = demo_service.load_demo()
        for line in report:
            click.echo(line)
