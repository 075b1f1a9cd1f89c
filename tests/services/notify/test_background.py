"""The web process's background thread runs the notification rounds also when it is not the node's
index writer (PORTAL_SEARCH_WRITER=worker): a web process started with that setting, after its first
request, creates the reminders due today and sends their e-mails through a real SMTP server, without
applying any index change. It runs in a child process, which ends with the thread (a daemon thread
that never stops by itself could not be cleaned up inside the test run)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import MailOutbox, Notification, Task
from app.notify import rules
from tests.services.notify.conftest import SENDER, set_email

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

WEB_PROCESS = textwrap.dedent("""
    import json, os, sys, threading, time
    from app import create_app
    instance, url, port = sys.argv[1:4]
    app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url, "SEARCH_WRITER": "worker",
                      "SEARCH_BACKGROUND_SYNC": True, "NOTIFY_BACKGROUND": True, "NOTIFY_INTERVAL": 0.2,
                      "SEARCH_SYNC_INTERVAL": 0.1, "SMTP_URL": f"smtp://127.0.0.1:{port}?timeout=5",
                      "MAIL_FROM": os.environ["FROM"], "OCR_MODE": "worker"})
    from app.extensions import db
    from app.models import MailOutbox
    from app.search import outbox
    before = [t.name for t in threading.enumerate()]
    app.test_client().get("/login")  # the first request starts the thread
    statuses = []
    for _ in range(600):  # at most about a minute; normally the first round or two
        with app.app_context():
            statuses = sorted(db.session.scalars(db.select(MailOutbox.status)))
            db.session.remove()
        if statuses and set(statuses) == {"sent"}:
            break
        time.sleep(0.1)
    print(json.dumps({"before": before, "after": [t.name for t in threading.enumerate()], "statuses": statuses,
                      "saves_wake_the_thread": outbox.catch_up.running_here(),
                      "index_files": os.listdir(app.config["INDEX_DIR"])}))
""")


def test_a_web_process_that_is_not_the_index_writer_still_sends_the_reminders(app, world, mailbox):
    set_email(app, world.users["rep_vpc"], "daumoi.vpc@example.gov.vn")
    set_email(app, world.users["rep_tccb"], "daumoi.tccb@example.gov.vn")
    with app.app_context():
        # Task 2.1 (VPC lead, TCCB cooperating) due in 4 days from the scheduler's real today: "due in 7 days".
        db.session.get(Task, world.task).deadline = rules.reminder_day(clock.utcnow()) + timedelta(days=4)
        db.session.commit()
        url = db.engine.url.render_as_string(hide_password=False)
        db.session.remove()
        db.engine.dispose()
    env = {**os.environ, "FROM": SENDER}
    child = subprocess.run([sys.executable, "-c", WEB_PROCESS, str(app.instance_path) + "-web", url,
                            str(mailbox.port)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr  # the process, and its daemon thread, ended
    report = json.loads(child.stdout.strip().splitlines()[-1])
    assert "search-sync" not in report["before"] and "search-sync" in report["after"]
    assert report["statuses"] == ["sent", "sent"], child.stderr
    assert report["saves_wake_the_thread"] is False  # not the writer: saves only queue their change
    assert report["index_files"] == []  # and the thread applied none
    with app.app_context():
        assert sorted((n.kind, n.record_id) for n in db.session.scalars(db.select(Notification))) == [
            ("task_due_in_7", world.task)] * 2
        assert db.session.scalar(db.select(db.func.count()).select_from(MailOutbox)) == 2
    received = sorted(m["To"].addresses[0].addr_spec for m in mailbox.messages())
    assert received == ["daumoi.tccb@example.gov.vn", "daumoi.vpc@example.gov.vn"]
