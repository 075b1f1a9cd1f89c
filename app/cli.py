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
            raise click.ClickException(str(exc))
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
            raise click.ClickException(str(exc))
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
            raise click.ClickException(str(exc))
        click.echo(f"Đã đặt lại mật khẩu cho {user.username}")

    @app.cli.command("demo")
    def demo():
        """Load demo data (units, one user per role, …). Running it twice changes nothing."""
        from app.services import demo as demo_service

        report = demo_service.load_demo()
        for line in report:
            click.echo(line)
