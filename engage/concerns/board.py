"""The public board's queries: filtered pages of visible concerns, one concern's public page and
a roadshow's bulletin (the headline figures are in engage.concerns.board_figures).

Everything shown comes through engage.concerns.visibility. A board page is one query (the page's
ids chosen newest raised first by a keyset on an index, with their public columns) plus one
count; who raised each concern on the page is one more query per level of merging, never one
per concern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from engage.concerns.models import (
    Concern,
    ConcernEvent,
    Referral,
    ReferralState,
    Roadshow,
    RoadshowStatus,
)
from engage.concerns.visibility import (
    PublicConcern,
    public_concern,
    public_concerns,
    raised_by_of,
    visible,
)
from engage.concerns.workflow import Move, Status
from engage.core.dates import LONDON
from engage.core.models import Agency, Area
from engage.extensions import db

PAGE_SIZE = 20
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
