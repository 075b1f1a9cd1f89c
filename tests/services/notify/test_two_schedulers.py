"""Two processes running the scheduler at once on one PostgreSQL (as two web nodes, or a node and
``flask reminders run``) create each reminder once and send each e-mail once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections import Counter
from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, migrate_database
from tests.plan_world import build_world
from tests.services.notify.conftest import SENDER
from tests.smtp_server import Mailbox, smtp_server

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
MOMENT = datetime(2024, 7, 1, 2)  # 09:00 in Vietnam: task 2.1 is overdue, the 6-month period opens

SCHEDULER = textwrap.dedent("""
    import json, os, sys, time
    from datetime import datetime
    from app import clock, create_app
    instance, url, moment, port, start, rounds = sys.argv[1:7]
    clock.utcnow = lambda: datetime.fromisoformat(moment)
    app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url, "SEARCH_BACKGROUND_SYNC": False,
                      "NOTIFY_BACKGROUND": False, "SMTP_URL": f"smtp://127.0.0.1:{port}",
                      "MAIL_FROM": os.environ["FROM"]})
    from app.services.notify import scheduler
    while not os.path.exists(start):
        time.sleep(0.005)
    done = []
    with app.app_context():
        for _ in range(int(rounds)):
            result = scheduler.run()
            done.append([result.total, result.mail.sent])
    print(json.dumps(done))
""")


def _pg_base_url() -> str:
    url = PG_URL or os.environ.get("PORTAL_TEST_PG_URL")
    if not url:
        pytest.fail("Two schedulers on one database need PostgreSQL: run scripts/test.sh (it starts one) or set "
                    "PORTAL_TEST_PG_URL.", pytrace=False)
    from app.config import database_url_from_env

    os.environ["DATABASE_URL"] = url
    try:
        return database_url_from_env("/x")
    finally:
        del os.environ["DATABASE_URL"]


@pytest.fixture
def shared_postgres(tmp_path):
    """A fresh PostgreSQL database, migrated, that both processes use."""
    base = _pg_base_url()
    name = f"portal_notify_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    migrate_database(url, str(tmp_path / "migrate"))
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _world(app):
    from app.extensions import db
    from app.models import Unit
    from app.services.accounts import users as accounts

    def make_unit(code):
        with app.app_context():
            unit = accounts.get_unit_by_code(code) or accounts.create_unit(code, f"Đơn vị {code}")
            return unit.id

    def make_user(username, roles=("reader",), unit="VPC"):
        unit_id = make_unit(unit)
        with app.app_context():
            user = accounts.create_user(username, "mat-khau-thu-nghiem", full_name=username.title(), roles=roles,
                                        unit=db.session.get(Unit, unit_id))
            user.email = f"{username.replace('_', '.')}@example.gov.vn"
            db.session.commit()
            return user.id

    world = build_world(app, make_user, make_unit)
    for n in range(8):  # more reporters in the lead unit: more pairs the two processes race for
        make_user(f"rep_vpc_{n}", roles=("reporter",), unit="VPC")
    return world


def test_two_processes_send_each_reminder_and_each_email_once(tmp_path, shared_postgres):
    from app import create_app
    from app.extensions import db
    from app.models import MailOutbox, Notification, NotificationClaim

    app = create_app({"INSTANCE_PATH": str(tmp_path / "setup"), "SQLALCHEMY_DATABASE_URI": shared_postgres,
                      "SEARCH_BACKGROUND_SYNC": False, "NOTIFY_BACKGROUND": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    _world(app)
    with app.app_context():
        db.engine.dispose()
    start = tmp_path / "start"
    box = Mailbox()
    with smtp_server(box) as port:
        env = {**os.environ, "PORTAL_SEARCH_BACKGROUND": "0", "FROM": SENDER}
        procs = [subprocess.Popen([sys.executable, "-c", SCHEDULER, str(tmp_path / f"node{n}"), shared_postgres,
                                   MOMENT.isoformat(), str(port), str(start), "3"],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for n in range(2)]
        start.touch()
        outputs = []
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
            outputs.append(json.loads(out.strip().splitlines()[-1]))
    # 9 VPC and 1 TCCB reporters: task 2.1 overdue; the same and VP's: the period opens.
    expected = 10 + 11
    assert sum(created for rounds in outputs for created, _ in rounds) == expected
    assert sum(sent for rounds in outputs for _, sent in rounds) == expected
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == expected
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationClaim)) == expected
        assert set(db.session.scalars(sa.select(MailOutbox.status))) == {"sent"}
        db.engine.dispose()
    received = Counter((m["To"].addresses[0].addr_spec, str(m["Subject"])) for m in box.messages())
    assert len(received) == expected and set(received.values()) == {1}
    assert len({m["Message-ID"] for m in box.messages()}) == expected
