"""Print how Engage holds up while many residents answer a survey at once, on SQLite and PostgreSQL.

Usage: .venv/bin/python benchmarks/fieldwork.py [--completions 320] [--residents 32]
       [--workers 2] [--max-seconds 300] [--databases sqlite postgresql]

For each database, in temporary folders of its own: build a fresh database with the migrations
and reference data (PostgreSQL in a throwaway server on a Unix socket, default settings), add a
20-question survey from the bank (a routed pair and a multiple-choice question among them) with
an open wave, and serve Engage with gunicorn (sync workers) on 127.0.0.1. Then `--residents`
threads, each resident with its own cookies, complete the survey page by page (GET the page,
POST a valid answer, no pause) until `--completions` surveys are submitted or `--max-seconds`
pass. A few more residents then submit twice from one session cookie (one POST after the other,
and both at the same moment). Every resident writes a marker in the free-text question, so the
database can be checked afterwards: each completion the clients saw is stored exactly once.
Everything stops by itself, and the servers and folders are removed at the end or on Ctrl-C.
The clients run on the same machine as the server and use some of its CPU.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from sqlalchemy import func, select

from engage import create_app
from engage.extensions import db
from engage.surveys.bank import bank_question
from engage.surveys.models import Answer, Question, Response, ResponseStatus, Wave
from engage.surveys.questions import QuestionType
from engage.surveys.services import create_survey_from_bank, create_wave

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Development settings over plain HTTP (production insists on HTTPS and a mail server).
SERVER_ENVIRONMENT = {
    "ENGAGE_ENV": "development",
    "ENGAGE_SECRET_KEY": "fieldwork-benchmark-not-secret",
    "ENGAGE_FORCE_HTTPS": "0",
}
WAVE = "fieldwork-bench"
QUESTIONS = [
    *("SAFE_DARK", "SAFE_DAY", "WORRY_BURGLARY", "WORRY_VIOLENCE", "ASB_PROBLEM"),
    *("POLICE_JOB", "POLICE_RELY", "CONF_LOCAL", "POLICE_RATING"),
    *("VICTIM_12M", "VICTIM_REPORTED", "VICTIM_SATISFIED"),  # routed: victims, then if reported
    *("PRIORITY_CRIMES", "YEARS_IN_AREA", "COMMENTS"),  # up to 3 choices; a number; the marker
    *("AGE_BAND", "SEX", "DISTRICT", "ETHNIC_GROUP", "DISABILITY"),
]
P95_GOAL_MS = 250
DOUBLE_SUBMITS = 8  # half one POST after the other, half both at the same moment
REQUEST_TIMEOUT = 30
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class SurveyFailure(RuntimeError):
    """A page answered other than the URL contract says; the message names the step."""


@dataclass
class Tally:
    """What the simulated residents saw, shared by their threads."""

    latencies_ms: list[float] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)  # markers of accepted submissions
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Resident:
    """One resident's browser: its own cookie jar, redirects not followed, every page timed."""

    def __init__(self, base: str, marker: str, tally: Tally):
        self.base, self.marker, self.tally = base, marker, tally
        self.session = requests.Session()
        self.rng = random.Random(marker)

    def twin(self) -> Resident:
        """Another browser holding this one's cookies, as a replayed or doubled request does."""
        other = Resident(self.base, self.marker, self.tally)
        other.session.cookies.update(self.session.cookies)
        return other

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        start = time.perf_counter()
        response = self.session.request(
            method,
            urljoin(self.base, path),
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
            **kwargs,
        )
        with self.tally.lock:
            self.tally.latencies_ms.append((time.perf_counter() - start) * 1000)
        return response

    def page(self, method: str, path: str, expect: int, step: str, **kwargs) -> requests.Response:
        try:
            response = self.request(method, path, **kwargs)
        except requests.RequestException as error:
            raise SurveyFailure(f"{method} {step}: {type(error).__name__}") from error
        if response.status_code != expect:
            raise SurveyFailure(f"{method} {step}: {response.status_code}")
        return response

    def form_token(self, path: str, step: str) -> str:
        match = CSRF_INPUT.search(self.page("GET", path, 200, step).text)
        if not match:
            raise SurveyFailure(f"GET {step}: no CSRF token")
        return match.group(1)

    def answer_to_check(self) -> str:
        """Start, answer every question routing asks, and return the check page's form token."""
        token = self.form_token(f"/surveys/{WAVE}/", "start page")
        response = self.page(
            "POST", f"/surveys/{WAVE}/start", 302, "start", data={"csrf_token": token}
        )
        where = urlsplit(response.headers["Location"]).path
        while "/questions/" in where:
            fields = [("csrf_token", self.form_token(where, "question"))]
            fields += [("answer", value) for value in self.answer(where.rsplit("/", 1)[-1])]
            response = self.page("POST", where, 302, "question", data=fields)
            where = urlsplit(response.headers["Location"]).path
        if where != f"/surveys/{WAVE}/check":
            raise SurveyFailure(f"POST question: redirected to {where}")
        return self.form_token(where, "check")

    def send(self, token: str) -> str:
        """POST the submission; what came back, such as "302 done"."""
        try:
            response = self.request("POST", f"/surveys/{WAVE}/submit", data={"csrf_token": token})
        except requests.RequestException as error:
            return type(error).__name__
        where = urlsplit(response.headers.get("Location", "")).path.rsplit("/", 1)[-1]
        return f"{response.status_code} {where}".strip()

    def answer(self, code: str) -> list[str]:
        """A valid answer to the bank question `code`; victims and several choices now and then."""
        spec = bank_question(code)
        if code == "COMMENTS":
            return [self.marker]
        if code in ("VICTIM_12M", "VICTIM_REPORTED"):
            return [self.rng.choice(("YES", "YES", "NO"))]
        if spec.type is QuestionType.MULTIPLE:
            choices = [option.code for option in spec.options if not option.exclusive]
            return self.rng.sample(choices, self.rng.randint(1, spec.max_choices or 3))
        if spec.type in (QuestionType.NUMBER, QuestionType.RATING):
            return [str(self.rng.randint(spec.min_value or 0, min(spec.max_value or 40, 40)))]
        return [self.rng.choice(spec.options).code]


def complete(base: str, marker: str, tally: Tally) -> None:
    """One resident completes the survey; a failure is counted, not raised."""
    resident = Resident(base, marker, tally)
    try:
        outcome = resident.send(resident.answer_to_check())
        if outcome != "302 done":
            raise SurveyFailure(f"POST submit: {outcome}")
        with tally.lock:
            tally.completed.append(marker)
        resident.page("GET", f"/surveys/{WAVE}/done", 200, "done")
    except SurveyFailure as error:
        with tally.lock:
            tally.errors[str(error)] += 1
    except Exception as error:  # a page or this script went wrong: count it, carry on
        with tally.lock:
            tally.errors[f"{type(error).__name__}: {error}"] += 1


def double_submit(base: str, marker: str, tally: Tally, at_once: bool) -> list[str]:
    """Send one resident's answers twice from the same session cookie; what each POST got."""
    resident = Resident(base, marker, tally)
    token = resident.answer_to_check()
    twins = [resident.twin(), resident.twin()]
    if at_once:
        barrier = threading.Barrier(2)

        def together(twin: Resident) -> str:
            barrier.wait(REQUEST_TIMEOUT)
            return twin.send(token)

        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(together, twins))
    else:
        outcomes = [twin.send(token) for twin in twins]
    if "302 done" in outcomes:
        with tally.lock:
            tally.completed.append(marker)
    return outcomes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def postgres_server() -> Iterator[tuple[str, str]]:
    """A throwaway PostgreSQL on a Unix socket in a temporary folder: (URL, server version)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise RuntimeError("no PostgreSQL server under /usr/lib/postgresql")
    pg_bin = found[-1].parent
    folder = tempfile.mkdtemp(prefix="engage-fieldwork-pg.")
    as_postgres = []
    if os.geteuid() == 0:  # initdb refuses root: the server runs as Debian's postgres user
        as_postgres = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres", "postgres")
    data = f"{folder}/data"

    def run(program: str, *arguments: str) -> str:
        command = [*as_postgres, str(pg_bin / program), *arguments]
        return subprocess.run(
            command, cwd=folder, check=True, capture_output=True, text=True
        ).stdout

    try:
        run("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = f"-k {folder} -c listen_addresses=''"
        run("pg_ctl", "-D", data, "-l", f"{folder}/server.log", "-w", "-o", options, "start")
        run("createdb", "-h", folder, "-U", "postgres", "engage")
        yield f"postgresql+psycopg://postgres@/engage?host={folder}", run("postgres", "-V").strip()
    finally:
        if Path(data, "postmaster.pid").exists():
            command = [*as_postgres, str(pg_bin / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]
            subprocess.run(command, cwd=folder, capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def gunicorn(database_url: str, folder: Path, workers: int) -> Iterator[str]:
    """Engage under gunicorn on a free loopback port; yields its base URL, stops it after."""
    port = free_port()
    command = [
        *(str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
        "engage:create_app()",
    ]
    environment = os.environ | SERVER_ENVIRONMENT | {"ENGAGE_DATABASE_URL": database_url}
    log_path = folder / "gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=log, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()}")
            try:
                if requests.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or a worker still starting
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"gunicorn did not answer /health in 30 s:\n{log_path.read_text()}"
                )
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()  # gunicorn's graceful stop; its workers go with it
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the session started for it above
            server.wait()


def build(database_url: str):
    """Migrate, load reference data, add the survey and its open wave; the app, to count with."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    result = app.test_cli_runner().invoke(args=["engage", "prepare"])
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    with app.app_context():
        survey = create_survey_from_bank(WAVE, "Fieldwork benchmark", question_codes=QUESTIONS)
        today = date.today()
        create_wave(
            survey,
            code=WAVE,
            title="Benchmark wave",
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=30),
        )
        db.session.remove()
        db.engine.dispose()
    return app


def stored(app) -> tuple[Counter, int]:
    """How many complete responses carry each marker, and how many are still in progress."""
    with app.app_context():
        wave_id = db.session.scalar(select(Wave.id).where(Wave.code == WAVE))
        complete = select(Response.id).where(
            Response.wave_id == wave_id, Response.status == ResponseStatus.COMPLETE
        )
        marked = db.session.execute(
            select(Answer.response_id, Answer.text)
            .join(Answer.question)
            .where(Question.code == "COMMENTS", Answer.response_id.in_(complete))
        ).all()
        counts = Counter(text for _, text in marked)
        unmarked = len(db.session.scalars(complete).all()) - len({rid for rid, _ in marked})
        if unmarked:
            counts["(no marker)"] = unmarked
        in_progress = db.session.scalar(
            select(func.count(Response.id)).where(
                Response.wave_id == wave_id, Response.status == ResponseStatus.IN_PROGRESS
            )
        )
        db.session.remove()
        db.engine.dispose()
    return counts, in_progress


def load(base: str, name: str, arguments: argparse.Namespace, tally: Tally) -> tuple[int, float]:
    """Residents complete surveys until enough are done or time is up; (completed, seconds)."""
    tickets, ticket_lock, stop = itertools.count(), threading.Lock(), threading.Event()
    deadline = time.monotonic() + arguments.max_seconds

    def resident_after_resident() -> None:
        while time.monotonic() < deadline and not stop.is_set():
            with ticket_lock:
                number = next(tickets)
            if number >= arguments.completions:
                return
            complete(base, f"{name}-resident-{number:05d}", tally)

    started = time.perf_counter()
    with ThreadPoolExecutor(arguments.residents) as pool:
        futures = [pool.submit(resident_after_resident) for _ in range(arguments.residents)]
        try:
            for future in futures:
                future.result()
        except BaseException:  # Ctrl-C or SIGTERM: let the residents finish their survey, no more
            stop.set()
            raise
    return len(tally.completed), time.perf_counter() - started


def row(measure: str, value: str, goal: str = "", met: bool | None = None) -> None:
    verdict = "" if met is None else ("met" if met else "MISSED")
    print(f"  {measure:<44}{value:>10}  {goal:<14}{verdict}".rstrip())


def run(name: str, database_url: str, arguments: argparse.Namespace) -> None:
    """Build, serve and load one database, then print its figures."""
    folder = Path(tempfile.mkdtemp(prefix="engage-fieldwork."))
    try:
        app = build(database_url)
        tally = Tally()
        with gunicorn(database_url, folder, arguments.workers) as base:
            load_average = os.getloadavg()[0]
            cpu_before = resource.getrusage(resource.RUSAGE_SELF)
            completed, seconds = load(base, name, arguments, tally)
            cpu = resource.getrusage(resource.RUSAGE_SELF)
            client_cpu = cpu.ru_utime + cpu.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
            doubles = []
            for number in range(DOUBLE_SUBMITS):
                marker = f"{name}-double-{number}"
                try:
                    doubles.append((marker, double_submit(base, marker, tally, number % 2 == 1)))
                except SurveyFailure as error:
                    tally.errors[f"double submit: {error}"] += 1
        counts, in_progress = stored(app)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    latencies = sorted(tally.latencies_ms)
    p95 = statistics.quantiles(latencies, n=20)[18]
    seen = Counter(tally.completed)
    print(
        f"  {arguments.residents} residents at once, gunicorn {arguments.workers} sync workers; "
        f"load average {load_average:.1f} before; the clients used {client_cpu / seconds:.0%} "
        "of one CPU"
    )
    row("measure", "value", "goal")
    row(
        "surveys completed",
        f"{completed:,}",
        f"{arguments.completions:,}",
        completed == arguments.completions,
    )
    row("completed surveys per second", f"{completed / seconds:.1f}")
    row("page requests per second", f"{len(latencies) / seconds:.0f}")
    row("page requests (with the double submits)", f"{len(latencies):,}")
    row("page latency p50 ms", f"{statistics.median(latencies):.1f}")
    row("page latency p95 ms", f"{p95:.1f}", f"< {P95_GOAL_MS}", p95 < P95_GOAL_MS)
    row("page latency max ms", f"{latencies[-1]:.1f}")
    row("errors", f"{sum(tally.errors.values())}", "0", not tally.errors)
    for error, count in tally.errors.most_common(5):
        print(f"    {count} x {error}")
    total = sum(counts.values())
    row(
        "complete responses in the database",
        f"{total:,}",
        f"= {len(seen):,} seen",
        total == len(seen),
    )
    lost = sum(1 for marker in seen if counts[marker] == 0)
    row("lost (seen by a client, not stored)", f"{lost}", "0", lost == 0)
    duplicated = sum(1 for count in counts.values() if count > 1)
    row("duplicated (stored more than once)", f"{duplicated}", "0", duplicated == 0)
    unconfirmed = sum(1 for marker in counts if marker not in seen)
    row("stored, but the client saw an error", f"{unconfirmed}", "0", unconfirmed == 0)
    once = sum(1 for marker, _ in doubles if counts[marker] == 1)
    row(
        "double submits stored once",
        f"{once}/{len(doubles)}",
        f"{DOUBLE_SUBMITS}",
        once == DOUBLE_SUBMITS,
    )
    outcomes = Counter(" then ".join(pair) for _, pair in doubles)
    print(f"    the two POSTs got: {', '.join(f'{k} ({n})' for k, n in sorted(outcomes.items()))}")
    row("responses left in progress (failed surveys)", f"{in_progress}")


def main(arguments: argparse.Namespace) -> None:
    os.environ.update(SERVER_ENVIRONMENT)  # for the app this script builds the databases with
    packages = ("flask", "werkzeug", "sqlalchemy", "gunicorn", "psycopg", "requests")
    print(
        f"python {platform.python_version()}, "
        + ", ".join(f"{package} {version(package)}" for package in packages)
        + f", SQLite {sqlite3.sqlite_version}; {os.cpu_count()} CPUs; {platform.platform()}"
    )
    print(f"{len(QUESTIONS)} questions; residents GET every page and POST every answer, no pause")
    for name in arguments.databases:
        if name == "sqlite":
            with tempfile.TemporaryDirectory(prefix="engage-fieldwork-db.") as folder:
                print(f"\nSQLite {sqlite3.sqlite_version}, a file in WAL mode")
                run(name, f"sqlite:///{folder}/engage.sqlite3", arguments)
            continue
        try:
            with postgres_server() as (url, server_version):
                print(f"\n{server_version}, a throwaway server on a Unix socket, default settings")
                run(name, url, arguments)
        except (RuntimeError, subprocess.CalledProcessError) as error:
            print(f"\nPostgreSQL skipped: {error}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--completions", type=int, default=320)
    parser.add_argument("--residents", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument(
        "--databases", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"]
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up on SIGTERM as on Ctrl-C
    try:
        main(parser.parse_args())
    except KeyboardInterrupt:
        sys.exit("\nInterrupted; the servers and temporary folders are gone.")
