"""The public board's queries: filtered pages of visible concerns, one concern's public page, a
roadshow's bulletin, and the headline figures.

Everything shown comes through engage.concerns.visibility. A board page is one query (the page's
ids chosen newest raised first by a keyset on an index, with their public columns) plus one
count; who raised each concern on the page is one more query per level of merging, never one
per concern. The figures read a year of concerns, so they are remembered until anything they
rest on changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, extract, func, or_, select
from sqlalchemy.orm import aliased

from engage.concerns import figures
from engage.concerns.models import (
    Concern,
    ConcernEvent,
    Referral,
    ReferralState,
    Roadshow,
    RoadshowStatus,
)
from engage.concerns.services import RESPONSE, SUBJECT
from engage.concerns.visibility import (
    PARISH,
    PublicConcern,
    public_concern,
    public_concerns,
    raised_by_of,
    visible,
)
from engage.concerns.workflow import Move, Status
from engage.core.audit import AuditEvent
from engage.core.charts import LineChart, Point, Series, line_chart
from engage.core.clock_models import ServiceClock, ServiceClockEvent
from engage.core.dates import LONDON
from engage.core.models import Agency, Area, AreaKind
from engage.extensions import db

PAGE_SIZE = 20
MONTHS = 12
MAX_WORDS = 8
NEWEST_FIRST = (Concern.raised_on.desc(), Concern.id.desc())
CURSOR = re.compile(r"(\d{4}-\d{2}-\d{2})\.(\d{1,12})")


@dataclass(frozen=True)
class BoardFilters:
    """What the board is narrowed to; every part optional."""

    district_id: int | None = None
    parish_id: int | None = None
    category_id: int | None = None
    priority_id: int | None = None
    status: Status | None = None
    raised_from: date | None = None
    raised_to: date | None = None
    words: tuple[str, ...] = ()


def search_words(text: str) -> tuple[str, ...]:
    """The words of a search, at most MAX_WORDS, each matched anywhere in the public texts."""
    return tuple(dict.fromkeys(text.split()))[:MAX_WORDS]


@dataclass(frozen=True)
class Cursor:
    """A place in the board's order (newest raised first): the date raised and the id."""

    raised_on: date
    id: int

    def __str__(self) -> str:
        return f"{self.raised_on.isoformat()}.{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """A cursor from a page link; ValueError if it is not one."""
        match = CURSOR.fullmatch(text)
        if not match:
            raise ValueError(text)
        return cls(date.fromisoformat(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class BoardPage:
    """One page of the board: its concerns, who raised each, how many match, and the cursors
    for the pages either side (None at either end)."""

    concerns: list[PublicConcern]
    raised_by: dict[int, str]
    total: int
    newer: Cursor | None = None
    older: Cursor | None = None


def _mentions(word: str) -> ColumnElement[bool]:
    """A public text of the concern holds `word` (any case; wildcards taken literally): its
    reference, parish, newest signed-off "You said" and "We did", or the reason it was declined,
    kept together in one lower-case column at each sign-off."""
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Concern.search_text.like(f"%{escaped}%", escape="\\")


def _criteria(filters: BoardFilters) -> list[ColumnElement[bool]]:
    criteria = []
    if filters.district_id is not None:
        in_district = select(Area.id).where(Area.parent_id == filters.district_id)
        criteria.append(Concern.parish_id.in_(in_district))
    if filters.parish_id is not None:
        criteria.append(Concern.parish_id == filters.parish_id)
    if filters.category_id is not None:
        criteria.append(Concern.category_id == filters.category_id)
    if filters.priority_id is not None:
        criteria.append(Concern.priority_id == filters.priority_id)
    if filters.status is not None:
        criteria.append(Concern.status == filters.status)
    if filters.raised_from is not None:
        criteria.append(Concern.raised_on >= filters.raised_from)
    if filters.raised_to is not None:
        criteria.append(Concern.raised_on <= filters.raised_to)
    return criteria


def _matching(filters: BoardFilters) -> Select:
    """The ids of visible concerns that pass the filters."""
    words = (_mentions(word) for word in filters.words)
    # Unmerged, spelled out for the board's index (visible() says it in a form no index uses).
    unmerged = Concern.merged_into_id.is_(None)
    return select(Concern.id).where(unmerged, visible(), *_criteria(filters), *words)


def _after(cursor: Cursor) -> ColumnElement[bool]:
    return or_(
        Concern.raised_on < cursor.raised_on,
        and_(Concern.raised_on == cursor.raised_on, Concern.id < cursor.id),
    )


def _before(cursor: Cursor) -> ColumnElement[bool]:
    return or_(
        Concern.raised_on > cursor.raised_on,
        and_(Concern.raised_on == cursor.raised_on, Concern.id > cursor.id),
    )


def board_page(
    filters: BoardFilters,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> BoardPage:
    """The page of concerns older than `after`, or newer than `before`, or the newest.

    The first page of a search counts the matches in the same pass that finds them (a window
    count), so a search that must read every concern's text reads it once, not twice; without
    words, the count is answered from the board's index alone.
    """
    ids = _matching(filters)
    total = None
    if before is not None:
        ids = ids.where(_before(before)).order_by(Concern.raised_on, Concern.id)
    elif after is not None or not filters.words:
        ids = (ids.where(_after(after)) if after is not None else ids).order_by(*NEWEST_FIRST)
    else:
        first = db.session.execute(
            ids.add_columns(func.count().over()).order_by(*NEWEST_FIRST).limit(size + 1)
        ).all()
        total = first[0][1] if first else 0
        ids = select(Concern.id).where(Concern.id.in_([row[0] for row in first]))
    ids = ids.limit(size + 1).subquery()
    query = public_concerns(among=ids).order_by(*NEWEST_FIRST)
    found = [public_concern(row) for row in db.session.execute(query)]
    more = len(found) > size
    if before is not None:
        shown = found[-size:]
        newer, older = (shown[0] if more else None), (shown[-1] if shown else None)
    else:
        shown = found[:size]
        newer = shown[0] if after is not None and shown else None
        older = shown[-1] if more else None
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(_matching(filters).subquery()))
    return BoardPage(
        concerns=shown,
        raised_by=raised_by_of(shown),
        total=total or 0,
        newer=Cursor(newer.raised_on, newer.id) if newer else None,
        older=Cursor(older.raised_on, older.id) if older else None,
    )


# One concern's public page ------------------------------------------------------------------

# How the public reads the moves whose events are public (referrals are told from Referral).
TIMELINE = {
    str(Move.TRIAGE): "Looked at and passed to the agency that leads on it",
    str(Move.RESPOND): "Response recorded",
    str(Move.PUBLISH): "Response signed off and published",
    str(Move.CLOSE): "Closed",
    str(Move.DECLINE): "Declined",
    str(Move.REOPEN): "Reopened: we were told it was not resolved",
}
REPUBLISHED = "Response updated and signed off again"


@dataclass(frozen=True)
class Step:
    """A public step in a concern's life: when, what, and for a referral what was handed over."""

    at: datetime
    what: str
    detail: str = ""

    @property
    def on(self) -> date:
        """The day in England it happened."""
        return self.at.astimezone(LONDON).date()


@dataclass(frozen=True)
class ConcernPage:
    """A visible concern with who raised it and its public steps, oldest first."""

    concern: PublicConcern
    raised_by: str
    steps: list[Step] = field(default_factory=list)


def concern_page(concern_id: int) -> ConcernPage | None:
    """The public page of a concern, or None unless the public may see it."""
    row = db.session.execute(public_concerns().where(Concern.id == concern_id)).first()
    if row is None:
        return None
    concern = public_concern(row)
    moves = [Move.DECLINE] if concern.declined else list(TIMELINE)
    events = db.session.execute(
        select(ConcernEvent.move, ConcernEvent.at)
        .where(
            ConcernEvent.concern_id == concern.id,
            ConcernEvent.public.is_(True),
            ConcernEvent.move.in_([str(move) for move in moves]),
        )
        .order_by(ConcernEvent.id)
    ).all()
    steps, published = [], False
    for event in events:
        what = TIMELINE[event.move]
        if event.move == str(Move.PUBLISH):
            what, published = (REPUBLISHED if published else what), True
        steps.append(Step(event.at, what))
    if not concern.declined:
        referrals = db.session.execute(
            select(Agency.name, Referral.handed_over, Referral.decided_at, Referral.referred_at)
            .join(Agency, Agency.id == Referral.to_agency_id)
            .where(Referral.concern_id == concern.id, Referral.state == ReferralState.ACCEPTED)
        )
        steps += [
            Step(ref.decided_at or ref.referred_at, f"Referred to {ref.name}", ref.handed_over)
            for ref in referrals
        ]
    steps.sort(key=lambda step: step.at)
    return ConcernPage(concern, raised_by_of([concern])[concern.id], steps)


# A roadshow's bulletin ----------------------------------------------------------------------


@dataclass(frozen=True)
class Bulletin:
    """What was said at a roadshow and what was done, for the councils that hosted it."""

    roadshow: Roadshow
    concerns: list[PublicConcern]
    raised_by: dict[int, str]
    raised_there: int  # every concern raised at it, shown or not


def bulletin(roadshow_id: int) -> Bulletin | None:
    """The bulletin of a held roadshow, or None: the visible concerns raised at it, and those
    that answer concerns raised at it and merged into them."""
    roadshow = db.session.get(Roadshow, roadshow_id)
    if roadshow is None or roadshow.status is not RoadshowStatus.HELD:
        return None
    raised_here = Concern.roadshow_id == roadshow.id
    answering = select(Concern.merged_into_id).where(
        raised_here, Concern.merged_into_id.is_not(None)
    )
    query = public_concerns().where(or_(raised_here, Concern.id.in_(answering)))
    shown = [public_concern(row) for row in db.session.execute(query.order_by(Concern.id))]
    total = db.session.scalar(select(func.count()).select_from(Concern).where(raised_here))
    return Bulletin(roadshow, shown, raised_by_of(shown), total or 0)


# Headline figures ---------------------------------------------------------------------------


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
