"""Failed-login rows are kept only as long as the lockout rule can read them."""
from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import LoginFailure
from tests.helpers import login


def _failures(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(db.select(LoginFailure.username)))


def test_old_failures_are_pruned_and_a_running_lock_is_kept(app, client, make_user, monkeypatch):
    make_user("lan")
    start = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: start)
    for name in ("ke-do-tim-1", "ke-do-tim-2", "ke-do-tim-3"):  # a username sweep an hour ago
        login(client, name, "sai")
    assert _failures(app) == ["ke-do-tim-1", "ke-do-tim-2", "ke-do-tim-3"]

    later = start + timedelta(minutes=31)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    for _ in range(5):
        login(client, "lan", "sai-mat-khau")
    # The sweep's rows are gone; the five failures that lock "lan" are all there.
    assert _failures(app) == ["lan"] * 5
    assert "tạm khóa" in login(client, "lan").get_data(as_text=True)
