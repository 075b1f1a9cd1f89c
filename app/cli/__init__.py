"""Command-line tools, one module per area: ``flask --app wsgi units|users`` (``accounts``),
``documents`` (``library``), ``search`` (``search``), ``reminders`` (``notify``), ``ocr`` (``ocr``),
``demo`` (``demo``). A refusal exits with its kind's status (``common.refusals``)."""
from flask import Flask

from app.cli import accounts, demo, library, notify, ocr, search


def init_app(app: Flask) -> None:
    """Register the command groups on ``app``."""
    for command in (accounts.units, accounts.users, library.documents, search.search, notify.reminders, ocr.ocr_group,
                    demo.demo):
        app.cli.add_command(command)
