"""The public board's headline figures: concerns raised over the last year, the share answered
within the service promise and the median working days to a response, for the county, by
district and by month, with a chart.

Split from board.py, which finds the concerns the board lists: these read a year of concerns
from their response clocks, grouped in the database, and hand them to the pure
engage.concerns.figures. That is costly, so the figures are remembered until anything they rest
on changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, extract, func, select
from sqlalchemy.orm import aliased

from engage.concerns import figures
from engage.concerns.models import Concern
from engage.concerns.services import RESPONSE, SUBJECT
from engage.concerns.visibility import PARISH
from engage.core.audit import AuditEvent
from engage.core.charts import LineChart, Point, Series, line_chart
from engage.core.clock_models import ServiceClock, ServiceClockEvent
from engage.core.models import Area, AreaKind
from engage.extensions import db

MONTHS = 12


@dataclass(frozen=True)
class BoardFigures:
    """The county's figures over the last MONTHS months, by district and by month, with a chart
    of the share answered within the promise."""

    since: date
    overall: figures.Figure
    districts: list[figures.Figure]
    months: list[figures.Figure]
    chart: LineChart


def months_back(today: date, months: int) -> date:
    """The first day of the month `months - 1` months before today's."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def concern_facts(since: date, today: date) -> list[figures.ConcernFacts]:
    """What the figures need of every concern raised from `since` to `today`, read from the
    response clocks (grouped in the database; merged concerns are counted by their survivor).

    Each fact is dated the first of its month: the figures only group by month.
    """
    clock = aliased(ServiceClock)
    district = aliased(Area)
    year, month = extract("year", Concern.raised_on), extract("month", Concern.raised_on)
    # Grouped by the clock's due date, not "overdue today": a GROUP BY holding a bound value
    # differs from the same expression in the SELECT list as far as PostgreSQL can tell.
    columns = (year, month, district.name, clock.stopped_on.is_not(None))
    columns += (clock.working_days, clock.met, clock.due_on)
    query = (
        select(*columns, func.count())
        .select_from(Concern)
        .join(PARISH, PARISH.id == Concern.parish_id)
        .outerjoin(district, district.id == PARISH.parent_id)
        .outerjoin(
            clock,
            and_(clock.subject == SUBJECT, clock.subject_id == Concern.id, clock.kind == RESPONSE),
        )
        .where(
            Concern.merged_into_id.is_(None),
            Concern.raised_on >= since,
            Concern.raised_on <= today,
        )
        .group_by(*columns)
    )
    facts: list[figures.ConcernFacts] = []
    for y, m, name, stopped, days, met, due_on, count in db.session.execute(query):
        first = date(int(y), int(m), 1)
        if stopped and days is not None:
            fact = figures.ConcernFacts(first, name or "", days, bool(met))
        else:
            late = due_on is not None and due_on < today
            fact = figures.ConcernFacts(first, name or "", None, False if late else None)
        facts.extend([fact] * count)
    return facts


# The figures read every concern of a year, so each process keeps the last ones it worked out
# and works them out again only when anything they rest on may have changed (see _fingerprint).
_remembered: dict[tuple, BoardFigures] = {}


def _fingerprint() -> tuple:
    """Changes whenever the figures may: every change to a concern is audited (a new entry in
    the audit log) and every change to a clock is a new clock event."""
    audited = db.session.scalar(select(func.max(AuditEvent.occurred_at)))
    clock = db.session.execute(
        select(ServiceClockEvent.id, ServiceClockEvent.at)
        .order_by(ServiceClockEvent.id.desc())
        .limit(1)
    ).first()
    return (str(db.engine.url), audited, tuple(clock) if clock else None)


def board_figures(today: date, months: int = MONTHS) -> BoardFigures:
    """The headline figures for the board, over the last `months` months to `today`."""
    key = (today, months, *_fingerprint())
    if key not in _remembered:
        _remembered.clear()
        _remembered[key] = _work_out_figures(today, months)
    return _remembered[key]


def _work_out_figures(today: date, months: int) -> BoardFigures:
    since = months_back(today, months)
    facts = concern_facts(since, today)
    districts = db.session.scalars(
        select(Area.name).where(Area.kind == AreaKind.DISTRICT, Area.active).order_by(Area.name)
    ).all()
    by_month = figures.by_month(facts, months, today)
    return BoardFigures(
        since=since,
        overall=figures.headline(facts),
        districts=figures.by_district(facts, districts),
        months=by_month,
        chart=share_chart(by_month),
    )


def share_chart(by_month: Sequence[figures.Figure]) -> LineChart:
    """The share answered within the promise, month by month (gaps where too few to show)."""
    points = [
        Point(
            month.label,
            None
            if month.share_within_promise is None or not month.shown
            else 100 * month.share_within_promise,
        )
        for month in by_month
    ]
    return line_chart(
        "Concerns answered within the promise, by month raised",
        "The percentage of concerns raised each month that were answered within the service "
        f"promise. Months with fewer than {figures.MIN_COUNT} concerns are left out.",
        [Series("All districts", points)],
        unit="%",
        y_range=(0, 100),
        decimals=0,
        label_heading="Month raised",
    )
