"""The app factory and its configuration: instance folder, secret key, database URL."""
import os
import stat

from app import create_app
from app.config import database_url_from_env


def test_instance_path_comes_from_environment(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(target))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app()
    assert app.instance_path == str(target)
    # All state lives there by default: database, index, uploads, secret.
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{target / 'portal.sqlite3'}"
    assert app.config["INDEX_DIR"] == str(target / "index")
    assert app.config["UPLOAD_DIR"] == str(target / "uploads")
    assert (target / "index").is_dir() and (target / "uploads").is_dir()


def test_secret_key_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 64
    secret_file = tmp_path / "secret_key"
    assert secret_file.read_text().strip() == first
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    # Another instance folder gets its own key.
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "other"))
    assert create_app().config["SECRET_KEY"] != first


def test_database_url_switches_to_postgresql_with_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example:5432/portal")
    assert database_url_from_env("/x") == "postgresql+psycopg://u:p@db.example:5432/portal"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/portal")
    assert database_url_from_env("/x") == "postgresql+psycopg://u@h/portal"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url_from_env("/inst") == "sqlite:////inst/portal.sqlite3"


def test_test_config_overrides_defaults(app_config):
    app = create_app({**app_config, "SESSION_IDLE_SECONDS": 7})
    assert app.config["SESSION_IDLE_SECONDS"] == 7
    assert app.testing


def test_https_setting_makes_cookies_secure(app_config, monkeypatch):
    monkeypatch.setenv("PORTAL_HTTPS", "1")
    app = create_app(app_config)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    monkeypatch.delenv("PORTAL_HTTPS")
    app = create_app(app_config)
    assert not app.config["SESSION_COOKIE_SECURE"]
