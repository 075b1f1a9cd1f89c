"""``flask units …`` and ``flask users …``: units and user accounts."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.cli.common import refusals
from app.errors import NotFound
from app.extensions import db
from app.models import ALL_ROLES, User
from app.services.accounts import users as accounts

units = AppGroup("units", help="Manage units (đơn vị).")
users = AppGroup("users", help="Manage user accounts.")


@units.command("create")
@click.argument("code")
@click.argument("name")
def units_create(code, name):
    """Create unit CODE named NAME."""
    with refusals():
        unit = accounts.create_unit(code, name)
    click.echo(f"Đã tạo đơn vị {unit.code} – {unit.name}")


@users.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(ALL_ROLES), default=["reader"], show_default=True)
@click.option("--unit", "unit_code", default=None, help="Unit code, e.g. VPC")
@click.option("--full-name", default="", help="Full name shown in the portal")
@click.option("--email", default="", help="Address for notifications by e-mail (the user can change it)")
def users_create(username, password, roles, unit_code, full_name, email):
    """Create user USERNAME with the given roles and unit."""
    with refusals():
        unit = None
        if unit_code:
            unit = accounts.get_unit_by_code(unit_code)
            if unit is None:
                raise NotFound(f"Không có đơn vị mã {unit_code.upper()}.")
        user = accounts.create_user(username, password, full_name=full_name, roles=roles, unit=unit, email=email)
    click.echo(f"Đã tạo tài khoản {user.username} ({', '.join(sorted(user.role_names))})")


@users.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_set_password(username, password):
    """Set a new password for USERNAME (signs out their sessions)."""
    with refusals():
        user = db.session.scalar(db.select(User).where(User.username == accounts.normalise_username(username)))
        if user is None:
            raise NotFound(f"Không có tài khoản {username}.")
        accounts.set_password(user, password)
    click.echo(f"Đã đặt lại mật khẩu cho {user.username}")
