"""Print how fast the public "You said, we did" board answers with 50,000 concerns, and whether the
open-data CSV streams without holding everything in memory.

Usage: .venv/bin/python benchmarks/concerns.py [concerns=50000] [repetitions=100]
Builds a throwaway SQLite database (or uses ENGAGE_BENCH_DATABASE_URL, e.g. an empty PostgreSQL
database) and inserts, in bulk, 50,000 concerns raised over three years (more of them lately) in
every parish and category, with the demo's texts: about three in four published or closed with a
signed-off "We did", the rest declined, merged into an earlier concern, still open or new, each
with its events and its three service clocks, and a roadshow most weeks. Then, through the WSGI
app in-process and signed out (as the public), it times:
- the board's first page: cold (the first request also works out the headline figures), then
  warm; and filtered by district, by category and status, by a date range, a deep page (a cursor
  half-way back) and a text search: p50 and p95 over the repetitions;
- /concerns/data.csv streamed to the end: time, rows and size, and, in a second pass under
  tracemalloc, the most memory the stream held at once, against the size of the file.
Goals (issue 7): board p95 under 150 ms; the CSV's peak memory a small fraction of its size.
"""

from __future__ import annotations

import csv
import io
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

DAYS = 3 * 365
GOAL_MS = 150
DECLINED = "Not one for the police: report it to the district council on its website."
# Shares of the concerns by source, and of the older ones by how they ended.
SOURCES = {"roadshow": 40, "parish council": 30, "online": 20, "phone": 6, "email": 4}
ENDINGS = {"published": 62, "closed": 22, "declined": 4, "merged": 6, "open": 3, "responded": 3}


def build(count: int, today: date) -> dict:
    """Insert `count` concerns and all they carry; return what the timings need."""
    from sqlalchemy import bindparam, insert, select, update

    from engage.auth.models import User
    from engage.concerns.demo_content import STREETS, TOPICS
    from engage.concerns.models import (
        Concern,
        ConcernEvent,
        Roadshow,
        WeDidVersion,
        roadshow_hosts,
    )
    from engage.core.clock_models import ServiceClock
    from engage.core.models import Agency, Area, AreaKind, ConcernCategory, PlanPriority
    from engage.extensions import db

    rng = random.Random(7)
    parishes = db.session.scalars(select(Area).where(Area.kind == AreaKind.PARISH)).all()
    categories = {c.code: c.id for c in db.session.scalars(select(ConcernCategory))}
    priorities = {p.code: p.id for p in db.session.scalars(select(PlanPriority))}
    police = db.session.scalar(select(Agency.id).where(Agency.code == "glos-police"))
    staff = db.session.scalar(select(User.id).where(User.email == "staff@example.org"))
    weeks = [today - timedelta(days=7 * week + 5) for week in range(DAYS // 7)]
    held_on = [day for day in weeks if rng.random() < 0.7]
    roadshow_ids = db.session.scalars(
        insert(Roadshow).returning(Roadshow.id, sort_by_parameter_order=True),
        [
            {
                "title": f"Roadshow {number}",
                "held_on": day,
                "venue": "Community hall",
                "area_id": rng.choice(parishes).id,
                "status": "held",
                "attendance": rng.randint(25, 90),
                "notes": "",
            }
            for number, day in enumerate(held_on, start=1)
        ],
    ).all()
    roadshows = list(zip(roadshow_ids, held_on, strict=True))
    db.session.execute(
        insert(roadshow_hosts),
        [{"roadshow_id": rid, "area_id": rng.choice(parishes).id} for rid in roadshow_ids],
    )

    rows, later = [], []  # concerns, and the rows that need their ids
    survivors: dict[tuple[int, int], list[int]] = defaultdict(list)  # (parish, category) -> ids
    for number in range(count):
        topic = rng.choices(TOPICS, weights=[t.weight for t in TOPICS])[0]
        case = rng.randrange(len(topic.raised))
        parish, street = rng.choice(parishes), rng.choice(STREETS)
        source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
        roadshow = rng.choice(roadshows) if source == "roadshow" else None
        raised_on = roadshow[1] if roadshow else today - timedelta(int(rng.triangular(0, DAYS, 0)))
        status = _status(rng, (today - raised_on).days)
        words = {"street": street, "place": parish.name}
        lines = [line.format(**words) for _, _, line in topic.actions[: rng.randint(1, 3)]]
        answered = status in ("published", "closed")
        responded = raised_on + timedelta(days=rng.randint(3, 40)) if answered else None
        rows.append(
            {
                "reference": f"C-{raised_on.year}-{number + 1:05d}",
                "source": source,
                "roadshow_id": roadshow[0] if roadshow else None,
                "parish_id": parish.id,
                "category_id": categories[topic.category],
                "priority_id": priorities[topic.priority] if status != "new" else None,
                "raised_on": raised_on,
                "raised_text": topic.raised[case].format(**words),
                "raiser_email": f"resident{number}@resident.example",
                "consent_contact": rng.random() < 0.6,
                "consent_publish": rng.random() < 0.85,
                "public_summary": topic.summaries[case].format(**words) if answered else "",
                "we_did_draft": " ".join(lines) if answered or status == "responded" else "",
                "decline_reason": DECLINED if status == "declined" else "",
                "status": "open" if status == "merged" else status,  # merged below
                "lead_agency_id": police if status != "new" else None,
                "owner_id": staff if status != "new" else None,
                "hidden": rng.random() < 0.005,
                "responded_on": responded,
                "published_at": _at(responded + timedelta(days=2)) if answered else None,
                "created_at": _at(raised_on),
                "updated_at": _at(responded or raised_on),
                "version": 1,
            }
        )
        row = rows[-1]  # the board searches the public words, kept lower-case in one column
        public = row["public_summary"] + " " + row["we_did_draft"] if answered else ""
        public = public or row["decline_reason"]
        row["search_text"] = f"{row['reference']} {parish.name} {public}".lower()
        later.append((status, (parish.id, categories[topic.category]), responded, lines))
    # Into the tables themselves, without RETURNING, whose batches SQLAlchemy splices together
    # in quadratic time: the ids are read back by reference instead.
    db.session.execute(insert(Concern.__table__), rows)
    by_reference = dict(db.session.execute(select(Concern.reference, Concern.id)).all())
    ids = [by_reference[row["reference"]] for row in rows]
    versions, events, clocks, merges = [], [], [], []
    for concern_id, row, (status, key, responded, lines) in zip(ids, rows, later, strict=True):
        if status == "merged" and survivors[key]:
            merges.append({"row_id": concern_id, "into": rng.choice(survivors[key])})
        elif status in ("published", "closed"):
            survivors[key].append(concern_id)
        raised = row["raised_on"]
        events.append(_event(concern_id, "logged", "", "new", raised))
        if status in ("published", "closed", "responded", "open"):
            events.append(_event(concern_id, "triage", "new", "open", raised + timedelta(1)))
        if responded:
            events.append(_event(concern_id, "respond", "open", "responded", responded))
            approved = responded + timedelta(days=2)
            events.append(_event(concern_id, "publish", "responded", "published", approved))
            for number in range(1, 3 if rng.random() < 0.1 else 2):
                versions.append(
                    {
                        "concern_id": concern_id,
                        "number": number,
                        "you_said": row["public_summary"],
                        "we_did": " ".join(lines[:number]) if number == 1 else row["we_did_draft"],
                        "approved_by_id": staff,
                        "approved_at": _at(approved + timedelta(days=30 * (number - 1))),
                    }
                )
        if status == "declined":
            events.append(_event(concern_id, "decline", "new", "declined", raised + timedelta(2)))
        clocks += _clocks(concern_id, raised, responded, today)
    for model, values in ((WeDidVersion, versions), (ConcernEvent, events), (ServiceClock, clocks)):
        db.session.execute(insert(model.__table__), values)
    table = Concern.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(merged_into_id=bindparam("into"), status="merged"),
        merges,
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:  # as autovacuum would have by the time it matters
            connection.exec_driver_sql("ANALYZE")  # committed: statistics roll back too
    district = db.session.scalar(select(Area).where(Area.code == "stroud"))
    return {
        "rows": {"versions": len(versions), "events": len(events), "clocks": len(clocks)},
        "merged": len(merges),
        "district": district.id,
        "category": categories["speeding"],
    }


def _status(rng: random.Random, days_ago: int) -> str:
    """How far a concern raised `days_ago` has got."""
    if days_ago < 5:
        return rng.choice(("new", "new", "open"))
    if days_ago < 40:
        return rng.choice(("open", "responded", "published", "published", "declined"))
    return rng.choices(list(ENDINGS), weights=list(ENDINGS.values()))[0]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=UTC)


def _event(concern_id: int, move: str, source: str, target: str, day: date) -> dict:
    return {
        "concern_id": concern_id,
        "move": move,
        "from_status": source,
        "to_status": target,
        "actor_id": None,
        "at": _at(day),
        "note": "",
        "public": move in ("publish", "decline"),
    }


def _clocks(concern_id: int, raised: date, responded: date | None, today: date) -> list[dict]:
    """The three promises: acknowledged the next day; answered when responded, if ever."""
    from engage.core.clocks import add_working_days, working_days_between

    rows = []
    for kind, target, stopped in (
        ("acknowledge", 2, raised + timedelta(days=1)),
        ("first update", 10, responded),
        ("response", 20, responded),
    ):
        due = add_working_days(raised, target)
        taken = working_days_between(raised, stopped) if stopped else None
        rows.append(
            {
                "subject": "concern",
                "subject_id": concern_id,
                "kind": kind,
                "target_days": target,
                "due_on": None if stopped else due,
                "stopped_on": stopped,
                "met": None if stopped is None else taken <= target,
                "working_days": taken,
                "by_days": None if stopped is None else abs(target - taken),
            }
        )
    return rows


def deep_cursor(share: float) -> str:
    """The board's cursor `share` of the way back through the visible concerns."""
    from sqlalchemy import func, select

    from engage.concerns.models import Concern
    from engage.concerns.visibility import visible
    from engage.extensions import db

    shown = select(Concern.raised_on, Concern.id).where(visible())
    total = db.session.scalar(select(func.count()).select_from(shown.subquery()))
    newest_first = shown.order_by(Concern.raised_on.desc(), Concern.id.desc())
    raised_on, concern_id = db.session.execute(
        newest_first.offset(int(total * share)).limit(1)
    ).one()
    return f"{raised_on.isoformat()}.{concern_id}"


def timed_get(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    assert b"C-20" in response.data, f"{url} shows no concerns"
    return elapsed


def stream(client, url: str, *, keep: bool) -> tuple[float, int, bytes]:
    """Read `url` to the end a chunk at a time: ms taken, bytes, and the body if `keep`."""
    start = time.perf_counter()
    response = client.get(url, buffered=False)
    assert response.status_code == 200, (url, response.status_code)
    size, kept = 0, []
    for chunk in response.response:
        size += len(chunk)
        if keep:
            kept.append(chunk)
    response.close()
    return (time.perf_counter() - start) * 1000, size, b"".join(kept)


def peak_memory(work) -> int:
    """The most memory (bytes, as tracemalloc counts it) that `work()` held at any one time."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(count: int, repetitions: int) -> None:
    folder = Path(tempfile.mkdtemp())
    url = os.environ.get("ENGAGE_BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.db")
    os.environ.update(ENGAGE_ENV="development", ENGAGE_DATABASE_URL=url)
    from engage import create_app

    app = create_app()
    app.test_cli_runner().invoke(args=["engage", "prepare"])
    today = date.today()
    with app.app_context():
        from engage.core.demo import load_demo

        load_demo("development")
        start = time.perf_counter()
        built = build(count, today)
        rows = ", ".join(f"{number:,} {name}" for name, number in built["rows"].items())
        print(
            f"built {count:,} concerns ({built['merged']:,} merged), {rows} "
            f"in {time.perf_counter() - start:.1f} s ({url.split(':')[0]})"
        )
        cursor = deep_cursor(0.5)
    since = (today - timedelta(days=90)).strftime("%d/%m/%Y")
    cases = {
        "first page": "/concerns/",
        "by district": f"/concerns/?district={built['district']}",
        "by category and status": f"/concerns/?category={built['category']}&status=closed",
        "by date range (last 90 days)": f"/concerns/?raised_from={since}"
        f"&raised_to={today:%d/%m/%Y}",
        "deep page (half-way back)": f"/concerns/?after={cursor}",
        "text search (q=parking)": "/concerns/?q=parking",
        "text search and district": f"/concerns/?q=speed&district={built['district']}",
    }
    client = app.test_client()
    cold = timed_get(client, cases["first page"])
    print(f"{'board (ms)':<34}{'p50':>8}{'p95':>8}")
    print(f"{'first page, cold (works out figures)':<34}{cold:>8.0f}")
    worst = 0.0
    for name, case in cases.items():
        timed_get(client, case)  # the first of each is not counted
        times = [timed_get(client, case) for _ in range(repetitions)]
        p95 = statistics.quantiles(times, n=20)[18]
        worst = max(worst, p95)
        print(f"{name:<34}{statistics.median(times):>8.1f}{p95:>8.1f}")
    verdict = "met" if worst < GOAL_MS else "NOT met"
    print(f"goal p95 < {GOAL_MS} ms: {verdict} (worst p95 {worst:.0f} ms)")

    elapsed, size, body = stream(client, "/concerns/data.csv", keep=True)
    records = sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8-sig")))) - 1
    del body
    peak = peak_memory(lambda: stream(client, "/concerns/data.csv", keep=False))
    with app.app_context():
        from engage.concerns.open_data import records as rows_of

        everything = peak_memory(lambda: list(rows_of(page_url="/concerns/published/")))
    print(f"data.csv: {records:,} rows, {size / 1e6:.1f} MB streamed in {elapsed / 1000:.1f} s")
    print(
        f"peak memory while streaming it: {peak / 1e6:.1f} MB ({peak / size:.0%} of the file); "
        f"holding every row at once instead: {everything / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 50_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 100,
    )
