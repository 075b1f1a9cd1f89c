"""Fixtures of the notification tests: the plan world, a clock set to Vietnam wall-clock time, and
a real SMTP server (aiosmtpd) the portal is configured to use."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app import clock
from tests.plan_world import build_world
from tests.smtp_server import Mailbox, smtp_server

SENDER = "Cổng thông tin CCHC <cchc@example.gov.vn>"


@pytest.fixture
def world(app, make_user, make_unit):
    return build_world(app, make_user, make_unit)


@pytest.fixture
def at_vietnam_time(monkeypatch):
    """Move the clock to a Vietnam wall-clock time; returns the stored (naive UTC) moment."""

    def move(year, month, day, hour=8, minute=0):
        moment = datetime(year, month, day, hour, minute) - timedelta(hours=7)
        monkeypatch.setattr(clock, "utcnow", lambda: moment)
        return moment

    return move


@pytest.fixture
def mailbox(app):
    """A real SMTP server on 127.0.0.1 that accepts everything; the app sends through it."""
    box = Mailbox()
    with smtp_server(box) as port:
        app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}?timeout=5", MAIL_FROM=SENDER)
        box.port = port
        yield box


def set_email(app, user_id, address):
    with app.app_context():
        from app.extensions import db
        from app.models import User

        db.session.get(User, user_id).email = address
        db.session.commit()
