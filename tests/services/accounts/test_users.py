"""Logging in costs the same for an unknown username as for a wrong password (no user enumeration)."""
import pytest
from werkzeug import security

from app import create_app
from app.extensions import db
from app.services.accounts import users as accounts
from tests.conftest import PG_URL, _truncate_pg

# A real, slow method with parameters other than the tests' fast default.
REAL_METHOD = "scrypt:16384:8:1"


@pytest.fixture
def scrypt_app(app_config):
    app = create_app({**app_config, "PASSWORD_HASH_METHOD": REAL_METHOD})
    yield app
    if PG_URL:
        _truncate_pg(app)
        return
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _method(hashed: str) -> str:
    return hashed.split("$", 1)[0]


def test_unknown_username_is_checked_against_a_hash_made_like_real_ones(scrypt_app):
    with scrypt_app.app_context():
        user = accounts.create_user("lan", "mat-khau-thu-nghiem")
        assert _method(user.password_hash) == REAL_METHOD
        assert _method(accounts.dummy_hash()) == _method(user.password_hash)


def test_unknown_username_and_wrong_password_do_the_same_password_work(scrypt_app, monkeypatch):
    checked = []

    def spy(pwhash, password):
        checked.append(_method(pwhash))
        return security.check_password_hash(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    with scrypt_app.app_context():
        accounts.create_user("lan", "mat-khau-thu-nghiem")
        wrong = accounts.authenticate("lan", "sai-mat-khau", client_address="10.0.0.1")
        wrong_work = list(checked)
        checked.clear()
        unknown = accounts.authenticate("khong-ton-tai", "sai-mat-khau", client_address="10.0.0.1")
    assert wrong.error == unknown.error == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert wrong_work == checked == [REAL_METHOD]
