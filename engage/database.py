"""Database binding: SQLAlchemy, migrations, and SQLite settings that make it behave."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from engage.extensions import db, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _tune_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL for concurrent readers, a busy timeout, and real transactions.

    pysqlite opens transactions lazily and never for SAVEPOINT; taking over BEGIN (the recipe
    in SQLAlchemy's SQLite notes) makes nested transactions and test isolation work.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")


def init_app(app: Flask) -> None:
    """Bind the database and Alembic migrations (render_as_batch so SQLite can alter tables)."""
    from engage.auth import models as _auth_models  # noqa: F401  (register tables)
    from engage.concerns import alert_models as _alert_models  # noqa: F401
    from engage.concerns import models as _concern_models  # noqa: F401
    from engage.core import audit as _audit  # noqa: F401
    from engage.core import clock_models as _clock_models  # noqa: F401
    from engage.surveys import models as _survey_models  # noqa: F401
    from engage.surveys import result_models as _result_models  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine)
