"""``flask demo``: the demo content."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.demo import loader as demo_service


@click.command("demo")
@with_appcontext
def demo():
    """Load demo data (units, one user per role, …). Running it twice changes nothing."""
    for line in demo_service.load_demo():
        click.echo(line)
