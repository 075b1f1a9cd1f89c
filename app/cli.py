"""Command-line tools: ``flask --app wsgi units|users|documents|search|demo``."""
import contextlib

import click
from flask import Flask

from app import resilience
from app.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, StorageFull
from app.models import ALL_ROLES
from app.services import accounts

# The exit status of each kind of refusal (sysexits.h), so scripts can tell them apart. A command
# that finishes with failures it reports itself (an import with bad lines, an index that drifted)
# exits 1.
EXIT_CODE_OF = {Invalid: 65, NotFound: 66, StorageFull: 74, Conflict: 75, Forbidden: 77}


def exit_code_for(error: DomainError) -> int:
    """The exit status of a service's refusal: its kind's (the nearest in its class's ancestry)."""
    for kind in type(error).__mro__:
        if kind in EXIT_CODE_OF:
            return EXIT_CODE_OF[kind]
    return 1


class Refused(click.ClickException):
    """A service's refusal, printed as ``Error: <message>`` and exiting with its kind's status."""

    def __init__(self, error: DomainError):
        super().__init__(str(error))
        self.exit_code = exit_code_for(error)


@contextlib.contextmanager
def refusals():
    """Turn a refusal raised in the block into ``Refused``; a disk found full counts as StorageFull."""
    try:
        yield
    except DomainError as error:
        raise Refused(error) from error
    except OSError as error:
        if not resilience.is_disk_full(error):
            raise
        raise Refused(StorageFull(resilience.DISK_FULL_MESSAGE)) from error


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
        with refusals():
            unit = accounts.create_unit(code, name)
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
        with refusals():
            unit = None
            if unit_code:
                unit = accounts.get_unit_by_code(unit_code)
                if unit is None:
                    raise NotFound(f"Không có đơn vị mã {unit_code.upper()}.")
            user = accounts.create_user(username, password, full_name=full_name, roles=roles, unit=unit)
        click.echo(f"Đã tạo tài khoản {user.username} ({', '.join(sorted(user.role_names))})")

    @users.command("set-password")
    @click.argument("username")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def users_set_password(username, password):
        """Set a new password for USERNAME (signs out their sessions)."""
        from app.extensions import db
        from app.models import User

        with refusals():
            user = db.session.scalar(db.select(User).where(User.username == accounts.normalise_username(username)))
            if user is None:
                raise NotFound(f"Không có tài khoản {username}.")
            accounts.set_password(user, password)
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
    def documents_import_docx(folder):
        """Import every .docx in FOLDER, metadata read from each file's official header."""
        from app.services import importer

        report = importer.import_docx_folder(folder, progress=lambda name: click.echo(f"  {name}"))
        _print_report(report)
        if report.failed > report.refused:  # hostile or broken files alone are not a failed import
            raise SystemExit(1)

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

        from app.search import upkeep

        click.echo("Đang theo dõi thay đổi cần đưa vào chỉ mục (Ctrl+C để dừng)…")
        upkeep.keep_up(lambda: upkeep.upkeep_once(app, merge_inline=True), time.sleep, interval)

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
