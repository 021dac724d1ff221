"""Run code against the database inside a transaction that is rolled back afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

from engage.extensions import db


@contextmanager
def rolled_back(app) -> Iterator:
    """Swap in a session joined to an outer transaction; roll it all back at the end.

    Code under test may commit freely: its commits release savepoints. A plain SQLAlchemy
    session is used because Flask-SQLAlchemy's own ignores `bind` and would reach past the
    outer transaction to the engine.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()
