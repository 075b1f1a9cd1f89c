"""Test fixtures: an app on a temp instance folder, migrated with the real Alembic migrations.

The database is SQLite (a copy of a once-migrated template per test) unless
``TEST_DATABASE_URL`` points at PostgreSQL, where the schema is migrated once per run and
every table but the reference data is truncated after each test.
"""
from __future__ import annotations

import os
import shutil

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import database_url_from_env
from tests.helpers import TEST_PASSWORD, use_word_samples

REFERENCE_TABLES = {"alembic_version", "roles", "reform_fields"}
FAST_HASH = "pbkdf2:sha256:1000"


def _pg_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        return None
    os.environ["DATABASE_URL"] = url
    try:
        return database_url_from_env("/nonexistent")
    finally:
        del os.environ["DATABASE_URL"]


PG_URL = _pg_url()
# Apps and servers the tests start (also in subprocesses) run no notification rounds and no OCR
# thread of their own; the notification and OCR tests run them explicitly.
os.environ.setdefault("PORTAL_NOTIFY_BACKGROUND", "0")
os.environ.setdefault("PORTAL_OCR", "worker")


def backend_name() -> str:
    return "postgresql" if PG_URL else "sqlite"


def pytest_report_header(config):
    return f"database backend: {backend_name()}" + (f" ({PG_URL.split('@')[-1]})" if PG_URL else "")


def migrate_database(url: str, instance_path: str) -> None:
    """Run every Alembic migration against ``url`` (the way ``flask db upgrade`` does)."""
    from flask_migrate import upgrade

    app = create_app({"INSTANCE_PATH": instance_path, "SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        from app.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def word_samples(tmp_path_factory):
    """Return this session's folder of Word test files; ``tests.helpers.sample(name)`` builds each
    one there on first use (tests/word_fixtures.py), so nothing is read from outside the repository."""
    folder = tmp_path_factory.mktemp("word-samples")
    use_word_samples(folder)
    return folder


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """Migrate once per run: a template SQLite file, or the PostgreSQL test database."""
    base = tmp_path_factory.mktemp("template")
    if PG_URL:
        engine = sa.create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        migrate_database(PG_URL, str(base))
        return None
    path = base / "template.sqlite3"
    migrate_database(f"sqlite:///{path}", str(base))
    return path


def _truncate_pg(app):
    from app.extensions import db

    with app.app_context():
        names = [t.name for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
        if names:
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_config(tmp_path, migrated_template):
    """Return the test_config for ``create_app``: temp instance folder and migrated database."""
    instance = tmp_path / "instance"
    instance.mkdir()
    if PG_URL:
        url = PG_URL
    else:
        db_file = instance / "portal.sqlite3"
        shutil.copy(migrated_template, db_file)
        url = f"sqlite:///{db_file}"
    return {
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "SEARCH_BACKGROUND_SYNC": False,  # tests apply index changes explicitly or after each commit
        "NOTIFY_BACKGROUND": False,  # tests run the notification rounds explicitly
        "OCR_MODE": "worker",  # tests run OCR jobs explicitly (ocr_worker.run_one), no thread per app
        "HEAP_TRIM_SECONDS": 0,  # no background thread for it (tests/test_heap.py calls the step)
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    yield app
    if PG_URL:
        _truncate_pg(app)
    else:
        from app.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_unit(app):
    """Create (or return) a unit by code."""
    from app.services.accounts import users as accounts

    def make(code="VPC", name=None):
        with app.app_context():
            unit = accounts.get_unit_by_code(code)
            if unit is None:
                unit = accounts.create_unit(code, name or f"Đơn vị {code}")
            return unit.id

    return make


@pytest.fixture
def make_user(app, make_unit):
    """Create a user with roles and an optional unit; returns the user id."""
    from app.services.accounts import users as accounts

    def make(username, roles=("reader",), unit="VPC", password=TEST_PASSWORD, active=True, full_name=None):
        unit_id = make_unit(unit) if unit else None
        with app.app_context():
            from app.extensions import db
            from app.models import Unit

            user = accounts.create_user(
                username,
                password,
                full_name=full_name or username.title(),
                roles=roles,
                unit=db.session.get(Unit, unit_id) if unit_id else None,
            )
            if not active:
                user.active = False
                db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_document(app, make_unit):
    """Create a library document through the service; returns its id.

    ``units=["VPC"]`` makes it visible to those units only.
    """
    from app.services.library import documents as library

    counter = {"n": 0}

    def make(number=None, title=None, doc_type="Nghị định", units=None, body="", issuer="Chính phủ",
             issued_on=None, status=None, fields=(), created_by=None, **extra):
        counter["n"] += 1
        unit_ids = [make_unit(code) for code in (units or [])]
        with app.app_context():
            from app.extensions import db
            from app.models import DOCUMENT_TYPES, User

            user = db.session.get(User, created_by) if created_by else None
            data = library.DocumentData(
                category=DOCUMENT_TYPES[doc_type][0], doc_type=doc_type, number=number,
                title=title or f"Văn bản thử nghiệm {counter['n']}", issuer=issuer, body=body,
                issued_on=issued_on, status=status, field_ids=list(fields),
                visibility="units" if units else "all", unit_ids=unit_ids, **extra,
            )
            return library.create_document(data, user).id

    return make


@pytest.fixture(scope="session")
def private_pg():
    """A throwaway PostgreSQL cluster of this test session, for tests that stop or restart the
    server (``tests/pg_cluster.py``); each test creates its own database in it."""
    from tests.pg_cluster import PgCluster

    cluster = PgCluster.start_new()
    yield cluster
    cluster.destroy()
