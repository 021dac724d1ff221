"""Fixtures for every suite: the app on a migrated database, per-test isolation, clients, mail.

The database is SQLite in a temporary folder unless ENGAGE_TEST_DATABASE_URL names another
(CI points it at a PostgreSQL server it starts). Each test runs inside an outer transaction that
is rolled back afterwards; view code may commit freely because the session joins it through a
savepoint.
"""

from __future__ import annotations

import os
import re
import socket

import pytest
from flask.testing import FlaskClient
from sqlalchemy import MetaData

os.environ["ENGAGE_ENV"] = "test"
for _name in ("ENGAGE_MAIL_SERVER", "ENGAGE_DATABASE_URL", "ENGAGE_SECRET_KEY"):
    os.environ.pop(_name, None)

from engage import create_app  # noqa: E402
from engage.auth.permissions import Role  # noqa: E402
from engage.core.reference import load_reference, read_reference  # noqa: E402
from engage.extensions import db, limiter  # noqa: E402
from tests.transactions import rolled_back  # noqa: E402

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class EngageClient(FlaskClient):
    """A test client that fills in the CSRF token the way a browser would: from the form page."""

    def open(self, *args, **kwargs):
        """Each request gets its own application context (so its own `g` and session), as in
        production; afterwards the test's session re-reads whatever the request committed."""
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response

    def csrf_token(self, page: str) -> str:
        response = self.get(page)
        match = CSRF_INPUT.search(response.get_data(as_text=True))
        assert match, f"no CSRF token on {page} (status {response.status_code})"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, *, page: str | None = None, **kwargs):
        """POST `data` to `url` with the token from `page` (default: the same URL)."""
        data = dict(data or {})
        data["csrf_token"] = self.csrf_token(page or url)
        return self.post(url, data=data, **kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fresh_schema(app) -> None:
    """Drop whatever a previous run left, then build the schema with the real migrations."""
    from flask_migrate import upgrade

    with app.app_context():
        existing = MetaData()
        existing.reflect(db.engine)
        existing.drop_all(db.engine)
        upgrade()
        load_reference(read_reference())
        db.session.remove()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """ENGAGE_TEST_DATABASE_URL if its server answers, else a temporary SQLite file.

    A server named but unreachable stops the run in CI (CI=true) and skips the database
    tests elsewhere, so a laptop without PostgreSQL running still gets a clear answer.
    """
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import OperationalError

    url = os.environ.get("ENGAGE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'engage-test.sqlite3'}"
    postgres = make_url(url).get_backend_name() == "postgresql"
    engine = create_engine(url, connect_args={"connect_timeout": 10} if postgres else {})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        shown = make_url(url).render_as_string(hide_password=True)
        cause = " ".join(str(error.orig).split())
        reason = f"ENGAGE_TEST_DATABASE_URL={shown} cannot be reached: {cause}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.exit(reason, returncode=pytest.ExitCode.USAGE_ERROR)
        pytest.skip(f"{reason} (start the server or unset the variable)")
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def app(database_url):
    """One application for the session, on a database built by the migrations."""
    application = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    application.test_client_class = EngageClient
    _fresh_schema(application)
    yield application
    with application.app_context():
        db.engine.dispose()  # close pooled connections before the interpreter does


@pytest.fixture(autouse=True)
def isolated_db(request, app):
    """Run the test in a transaction that is rolled back, whatever the code under test commits."""
    if "live_app" in request.fixturenames:
        yield None
        return
    limiter.reset()
    with rolled_back(app) as session:
        yield session


@pytest.fixture
def client(app) -> EngageClient:
    return app.test_client()


@pytest.fixture
def sign_in(app):
    """Make a client signed in as a new user of `role` (without the password round trip)."""
    from tests.factories import UserFactory

    def signed_in(role: Role | str, **user_fields):
        user = UserFactory(role=Role(role), **user_fields)
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        client.user = user
        return client

    return signed_in


class Outbox(list):
    """Messages the local SMTP server received during one test."""

    def last_to(self, address: str):
        matching = [message for message in self if address in message["To"]]
        assert matching, f"no mail to {address}; got {[m['To'] for m in self]}"
        return matching[-1]


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port, for the whole session."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    received = Outbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, received
    controller.stop()


@pytest.fixture
def outbox(app, smtp_server) -> Outbox:
    """Point the app's mail at the local SMTP server and collect what arrives in this test."""
    controller, received = smtp_server
    received.clear()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    yield received
    app.config.update(saved)
