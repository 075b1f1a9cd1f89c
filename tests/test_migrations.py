"""Every schema change is a migration: ``db upgrade`` builds an empty database from nothing."""
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from tests.conftest import PG_URL


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database of the run's backend: a new SQLite file or a new PostgreSQL database."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"portal_upgrade_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_builds_empty_database_from_nothing(tmp_path, empty_database_url):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        from app.extensions import db

        inspector = sa.inspect(db.engine)
        tables = set(inspector.get_table_names())
        assert {"units", "users", "roles", "user_roles", "login_failures", "reform_fields"} <= tables
        with db.engine.connect() as conn:
            fields = conn.execute(sa.text("SELECT position, name FROM reform_fields ORDER BY position")).all()
            roles = {row[0] for row in conn.execute(sa.text("SELECT name FROM roles"))}
        assert [p for p, _ in fields] == [1, 2, 3, 4, 5, 6, 7]
        assert fields[2][1] == "Cải cách thủ tục hành chính"
        assert fields[6][1] == "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số"
        assert roles == {"reader", "editor", "publisher", "reporter", "admin"}
        # Upgrading again is a no-op, not an error.
        upgrade()
        db.engine.dispose()


# SQLite's reflection cannot read an index on an expression (the list's order, ix_documents_listing)
# and says so; autogenerate leaves such indexes out of the comparison on both databases.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_models_and_migrations_agree(app):
    """A model change without its migration fails here (autogenerate would find a diff)."""
    from app.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
    assert diff == []
