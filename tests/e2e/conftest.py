"""Fixtures for the browser suite: Engage served for real, and one Chromium for the session.

The live server has its own SQLite file holding the demo accounts. Tests share it (there is no
per-test rollback across a real server), so each test gets a fresh browser context and leaves
nothing behind that another relies on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
from flask import Flask
from flask_migrate import upgrade

from engage import create_app
from engage.concerns.demo import load_concerns_demo
from engage.core.demo import load_demo
from engage.core.reference import load_reference, read_reference
from engage.extensions import db
from engage.surveys.demo import load_survey_demo
from engage.surveys.demo_results import publish_demo_results
from tests.live_server import serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright may not download its own here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-gpu",
    "--disable-quic",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000  # Playwright waits 30 s by default; a local page needs far less
SERIOUS = {"serious", "critical"}


@dataclass(frozen=True)
class LiveApp:
    """The application behind the live server, and the address it answers on."""

    app: Flask
    url: str


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[LiveApp]:
    """Engage on a migrated SQLite file with the demo data (accounts, tracker, published
    results), served from a background thread."""
    database = tmp_path_factory.mktemp("live") / "engage-e2e.sqlite3"
    application = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with application.app_context():
        upgrade()
        load_reference(read_reference())
        load_demo(application.config["ENGAGE_ENV"])
        load_survey_demo(date.today())
        load_concerns_demo(date.today())
        publish_demo_results(date.today())
        db.session.remove()
    with serving(application) as port:
        yield LiveApp(application, f"http://127.0.0.1:{port}")


@pytest.fixture(scope="session")
def app(live_app) -> Flask:
    """Here the app is the live server's, so the suite builds no second, unused database."""
    return live_app.app


def _unavailable(reason: str) -> NoReturn:
    """Skip the browser tests on a machine without a browser, but never in CI."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser suite must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session; each test opens its own context in it."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"Playwright is not installed ({error}): run make setup")
    if not CHROMIUM.exists():
        _unavailable(f"No browser at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_app) -> Iterator[Page]:
    """A new tab with its own cookies, on the live server (so `page.goto("/login")` works)."""
    context = browser.new_context(base_url=live_app.url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def console_errors(page) -> list[str]:
    """Errors the page writes to the browser console (CSP refusals among them) or throws."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@pytest.fixture(scope="session")
def axe():
    """axe-core, bundled with axe-playwright-python (no network needed)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe) -> Callable[[Page], None]:
    """Check the page as it stands with axe: no serious or critical violations."""

    def check(page: Page) -> None:
        violations = axe.run(page).response["violations"]
        serious = [violation for violation in violations if violation["impact"] in SERIOUS]
        report = "\n".join(
            f"- {v['impact']} {v['id']}: {v['help']} ({v['helpUrl']})\n"
            + "\n".join(
                f"    at {node['target']}: " + node["failureSummary"].replace("\n", "\n      ")
                for node in v["nodes"]
            )
            for v in serious
        )
        assert not serious, f"axe found {len(serious)} serious problem(s) on {page.url}:\n{report}"

    return check
