"""Residents answering at the same moment: every submission is stored once, none lost.

A real threaded server on its own SQLite file (no per-test rollback can span its threads), and
plain HTTP clients, each with its own cookie, walking the pages as a browser would.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from engage import create_app
from engage.core.reference import load_reference, read_reference
from engage.extensions import db
from engage.surveys.models import Answer, Question, Response, ResponseStatus
from tests.factories import open_wave
from tests.live_server import serving

WAVE = "concurrent-wave"
QUESTIONS = ["SAFE_DARK", "VICTIM_12M", "VICTIM_REPORTED", "PRIORITY_CRIMES", "COMMENTS"]
RESIDENTS = 8
WARM_UP = "the first resident"
DONE = f"302 /surveys/{WAVE}/done"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class LiveApp:
    app: Flask
    host: str
    port: int


@pytest.fixture(scope="module")
def live_app(tmp_path_factory) -> Iterator[LiveApp]:
    """Engage with one open short survey on a SQLite file, served by threads on 127.0.0.1.

    Named live_app so the suite's per-test transaction stands aside for these tests.
    """
    database = tmp_path_factory.mktemp("answering") / "engage.sqlite3"
    application = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with application.app_context():
        upgrade()
        load_reference(read_reference())
        open_wave(WAVE, QUESTIONS)
        db.session.remove()
    with serving(application, name="answering-server") as port:
        live = LiveApp(application, "127.0.0.1", port)
        # One resident first, so the templates are compiled before the residents arrive at once.
        browser = Browser(live)
        assert submit(browser, answer_to_check(browser, WARM_UP, victim=True)) == DONE
        yield live


class Browser:
    """One resident's browser: its own cookies, redirects not followed, every status kept."""

    def __init__(self, live: LiveApp, cookies: dict | None = None, statuses: list | None = None):
        self.live = live
        self.cookies = dict(cookies or {})
        self.statuses = [] if statuses is None else statuses

    def request(self, method: str, path: str, fields=()) -> tuple[int, str, str]:
        """Status, body and redirect path of one request."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if method == "POST":
            body = urlencode(list(fields))
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = HTTPConnection(self.live.host, self.live.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            location = urlsplit(response.headers.get("Location", "")).path
        finally:
            connection.close()
        self.statuses.append(response.status)
        return response.status, text, location

    def form_token(self, path: str) -> str:
        status, text, _ = self.request("GET", path)
        match = CSRF_INPUT.search(text)
        assert status == 200 and match, f"GET {path}: {status}, token {bool(match)}"
        return match.group(1)


def answers_for(code: str, marker: str, victim: bool) -> list[str]:
    return {
        "SAFE_DARK": ["FAIRLY_SAFE"],
        "VICTIM_12M": ["YES" if victim else "NO"],
        "VICTIM_REPORTED": ["YES"],
        "PRIORITY_CRIMES": ["BURGLARY", "ROADS"],
        "COMMENTS": [marker],
    }[code]


def answer_to_check(browser: Browser, marker: str, victim: bool) -> str:
    """Start and answer every question routing asks; the check page's form token."""
    token = browser.form_token(f"/surveys/{WAVE}/")
    status, _, where = browser.request("POST", f"/surveys/{WAVE}/start", [("csrf_token", token)])
    assert status == 302, f"start: {status}"
    while "/questions/" in where:
        token = browser.form_token(where)
        code = where.rsplit("/", 1)[-1]
        fields = [("csrf_token", token)] + [
            ("answer", a) for a in answers_for(code, marker, victim)
        ]
        status, _, where = browser.request("POST", where, fields)
        assert status == 302, f"{code}: {status}"
    assert where == f"/surveys/{WAVE}/check"
    return browser.form_token(where)


def submit(browser: Browser, token: str) -> str:
    """POST the submission; the status and where it redirected (the done page, if accepted)."""
    status, _, where = browser.request("POST", f"/surveys/{WAVE}/submit", [("csrf_token", token)])
    return f"{status} {where}"


@dataclass
class Outcome:
    """What one resident's browser (and its twins) got back."""

    submits: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # of every request
    failure: str = ""


def resident(live: LiveApp, number: int, start: threading.Barrier, outcome: Outcome) -> None:
    """Complete the survey once; residents from RESIDENTS on send it twice from one cookie."""
    marker = f"resident {number}"
    browser = Browser(live, statuses=outcome.statuses)
    try:
        start.wait(timeout=20)
        token = answer_to_check(browser, marker, victim=number % 2 == 0)
        if number < RESIDENTS:
            outcome.submits.append(submit(browser, token))
            return
        twins = [Browser(live, browser.cookies, outcome.statuses) for _ in range(2)]
        if number % 2:  # a double click: both at the same moment
            together = threading.Barrier(2)

            def send(twin: Browser) -> str:
                together.wait(timeout=20)
                return submit(twin, token)

            with ThreadPoolExecutor(2) as pool:
                outcome.submits.extend(pool.map(send, twins))
        else:  # the same cookie replayed later
            outcome.submits.extend(submit(twin, token) for twin in twins)
    except Exception as error:  # reported by the test, not lost in a thread
        outcome.failure = f"{type(error).__name__}: {error}"


def stored_markers(app: Flask) -> tuple[Counter, int]:
    """How many complete responses carry each marker, and how many are not complete."""
    with app.app_context():
        markers = Counter(
            db.session.scalars(
                select(Answer.text)
                .join(Answer.question)
                .join(Answer.response)
                .where(Question.code == "COMMENTS", Response.status == ResponseStatus.COMPLETE)
            )
        )
        unfinished = db.session.scalar(
            select(func.count(Response.id)).where(Response.status != ResponseStatus.COMPLETE)
        )
        db.session.remove()
    return markers, unfinished


def test_residents_answering_at_once_are_each_stored_exactly_once(live_app):
    double = 3  # residents who send their answers twice
    outcomes = [Outcome() for _ in range(RESIDENTS + double)]
    start = threading.Barrier(len(outcomes))
    threads = [
        threading.Thread(target=resident, args=(live_app, number, start, outcome))
        for number, outcome in enumerate(outcomes)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    for number, outcome in enumerate(outcomes):
        assert not outcome.failure, (number, outcome)
        assert DONE in outcome.submits, (number, outcome)
        assert max(outcome.statuses) < 500, (number, outcome)
    stored, unfinished = stored_markers(live_app.app)
    residents = [f"resident {number}" for number in range(len(outcomes))]
    assert stored == Counter([WARM_UP, *residents])  # each once: none lost, none twice
    assert unfinished == 0
