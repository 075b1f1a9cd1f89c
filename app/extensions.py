"""Flask extensions, created once and wired to the app in ``create_app``."""
import logging

from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PortalSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose end-of-request clean-up survives a dead connection.

    Removing the session rolls back whatever is still open; after a database restart that
    rollback fails, and an exception in teardown would turn an already finished response
    (a save that was committed) into a 500. Here it is logged and the connection dropped.
    """

    def _teardown_session(self, exc):
        self.remove_session()

    def remove_session(self) -> None:
        """End the current session, dropping its connection if the server is gone. Never raises."""
        try:
            self.session.remove()
        except Exception as error:  # noqa: BLE001 - a broken connection must not fail the response
            from app.resilience import describe  # here: app.resilience imports this module

            logging.getLogger(__name__).warning("database session not closed cleanly, connection dropped: %s",
                                                describe(error))
            try:
                self.session.invalidate()
            except Exception:  # noqa: BLE001
                pass
            self.session.registry.clear()


# expire_on_commit=False: after a commit the objects keep the values just written, so building
# the response (a redirect to the new record's id, a flash naming it) needs no second round trip
# to a database that may have gone away meanwhile. Nothing in the portal relies on the expiry.
db = PortalSQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: write-ahead logging, so readers never block the writer and vice versa."""
    if dbapi_connection.__class__.__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
