"""The staff queue: new concerns to triage, oldest first, then those in hand by when they fall due.

A running clock keeps its due date on its row (empty while paused or stopped), so "overdue" and
"due soon" are indexed date comparisons; the page then reads each listed concern's clocks in
full to say by how much.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import selectinload

from engage.concerns.casework import CLOCK_NAMES, ClockRow, clock_row
from engage.concerns.models import Concern
from engage.concerns.services import SUBJECT
from engage.concerns.workflow import Status
from engage.core.clock_models import ServiceClock
from engage.core.clocks import add_working_days, is_working_day
from engage.core.models import Area
from engage.extensions import db

ACTIVE = (Status.NEW, Status.OPEN, Status.RESPONDED)  # still to be answered or signed off
OVERDUE, DUE_SOON = "overdue", "soon"
SOON_DAYS = 2  # working days, as engage.core.clocks.due_soon counts them
PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to; None or "" means any."""

    status: str = "active"  # "active", "all", or a Status value
    district_id: int | None = None
    lead_agency_id: int | None = None
    owner_id: int | None = None
    due: str = ""  # "", OVERDUE or DUE_SOON


@dataclass
class QueueRow:
    """A concern as the queue lists it, with its clocks read today."""

    concern: Concern
    clocks: list[ClockRow] = field(default_factory=list)

    @property
    def overdue(self) -> list[ClockRow]:
        return [row for row in self.clocks if row.overdue]

    @property
    def due_soon(self) -> list[ClockRow]:
        return [row for row in self.clocks if row.due_soon]

    @property
    def paused(self) -> bool:
        return any(row.paused for row in self.clocks)

    @property
    def next_due(self) -> ClockRow | None:
        running = [row for row in self.clocks if row.running and row.due_on and not row.paused]
        return min(running, key=lambda row: row.due_on, default=None)


def _last_working_day(today: date) -> date:
    """Today if it is a working day, else the working day before: a clock due on it or later
    is not overdue yet (one due on Friday is not late on Saturday)."""
    day = today
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _clock_due(*conditions) -> object:
    return exists().where(
        ServiceClock.subject == SUBJECT, ServiceClock.subject_id == Concern.id, *conditions
    )


def _overdue(today: date):
    return _clock_due(ServiceClock.due_on < _last_working_day(today))


def _due_soon(today: date):
    return _clock_due(
        ServiceClock.due_on >= _last_working_day(today),
        ServiceClock.due_on <= add_working_days(today, SOON_DAYS),
    )


def _filtered(query: Select, filters: QueueFilters, today: date, *, due: bool = True) -> Select:
    if filters.status == "active":
        query = query.where(Concern.status.in_(ACTIVE))
    elif filters.status != "all":
        query = query.where(Concern.status == Status(filters.status))
    if filters.district_id is not None:
        in_district = select(Area.id).where(Area.parent_id == filters.district_id)
        query = query.where(Concern.parish_id.in_(in_district))
    if filters.lead_agency_id is not None:
        query = query.where(Concern.lead_agency_id == filters.lead_agency_id)
    if filters.owner_id is not None:
        query = query.where(Concern.owner_id == filters.owner_id)
    if due and filters.due == OVERDUE:
        query = query.where(_overdue(today))
    elif due and filters.due == DUE_SOON:
        query = query.where(_due_soon(today))
    return query


def queue_query(filters: QueueFilters, today: date) -> Select:
    """Concerns to triage, oldest first, then the rest by the earliest date a clock falls due."""
    next_due = (
        select(func.min(ServiceClock.due_on))
        .where(ServiceClock.subject == SUBJECT, ServiceClock.subject_id == Concern.id)
        .scalar_subquery()
    )
    query = select(Concern).options(
        selectinload(Concern.parish).selectinload(Area.parent),
        selectinload(Concern.lead_agency),
        selectinload(Concern.owner),
        selectinload(Concern.category),
    )
    return _filtered(query, filters, today).order_by(
        case((Concern.status == Status.NEW, 0), else_=1),
        case((Concern.status == Status.NEW, Concern.raised_on), else_=None),
        next_due.is_(None),
        next_due,
        Concern.raised_on,
        Concern.id,
    )


def due_counts(filters: QueueFilters, today: date) -> dict[str, int]:
    """How many of the filtered concerns have a clock overdue, and due within two working days
    (whatever the due filter says, so the counts stay in view while one is chosen)."""
    counts = {}
    for name, condition in ((OVERDUE, _overdue(today)), (DUE_SOON, _due_soon(today))):
        query = _filtered(select(func.count(Concern.id)), filters, today, due=False)
        counts[name] = db.session.scalar(query.where(condition)) or 0
    return counts


def rows_of(concerns: Sequence[Concern], today: date) -> list[QueueRow]:
    """The listed concerns with their clocks, read in one query."""
    ids = [concern.id for concern in concerns]
    clocks = db.session.scalars(
        select(ServiceClock)
        .where(ServiceClock.subject == SUBJECT, ServiceClock.subject_id.in_(ids))
        .options(selectinload(ServiceClock.events))
    )
    order = list(CLOCK_NAMES)
    by_concern: dict[int, list[ServiceClock]] = defaultdict(list)
    for clock in clocks:
        by_concern[clock.subject_id].append(clock)
    return [
        QueueRow(
            concern,
            [
                clock_row(clock, today)
                for clock in sorted(
                    by_concern[concern.id],
                    key=lambda c: order.index(c.kind) if c.kind in order else len(order),
                )
            ],
        )
        for concern in concerns
    ]
