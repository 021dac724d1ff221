"""The one rule on what the public may see of concerns: which concerns, and which of their fields.

Every public way out (the board and its search, a concern's public page, the Atom feed, open
data, the roadshow bulletin and e-mail alerts) selects concerns with `visible()` and reads them
through `public_concerns()`, which selects the public columns and nothing else. A concern shows
when all of these hold:

- it is published or closed with a signed-off "We did" (a WeDidVersion), or it is declined, when
  only its public reason is shown, never an earlier "We did";
- the raiser agreed that a summary may be published;
- staff have not hidden it;
- it is not merged into another: its raisers are counted on the concern that answers it.

What was raised (in the raiser's words), who raised it, staff notes and the private detail of
actions never leave: no public query selects them. Who raised a concern is told only as counts
("Raised by 7 residents at 2 roadshows"), by `raised_by_of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from engage.concerns.models import Concern, ConcernEvent, ConcernSource, WeDidVersion
from engage.concerns.raised_by import Raising, raised_by
from engage.concerns.workflow import Move, Status
from engage.core.dates import LONDON
from engage.core.models import Area, ConcernCategory, PlanPriority
from engage.extensions import db

ANSWERED = (Status.PUBLISHED, Status.CLOSED)
PUBLIC_STATUSES = (*ANSWERED, Status.DECLINED)
# What the public reads for each status.
STATUS_LABELS = {
    Status.PUBLISHED: "Response published",
    Status.CLOSED: "Closed",
    Status.DECLINED: "Declined",
}

LATEST = aliased(WeDidVersion, name="latest_version")
PARISH = aliased(Area, name="parish")
DISTRICT = aliased(Area, name="district")


def may_show(
    status: Status | str, *, consent_publish: bool, hidden: bool, merged: bool, signed_off: bool
) -> bool:
    """Whether the public may see a concern with these facts (pure: the rule in words)."""
    if not consent_publish or hidden or merged:
        return False
    if Status(status) in ANSWERED:
        return signed_off
    return Status(status) is Status.DECLINED


def is_visible(concern: Concern) -> bool:
    """Whether the public may see this loaded concern (for e-mail alerts and pages that hold one)."""
    return may_show(
        concern.status,
        consent_publish=concern.consent_publish,
        hidden=concern.hidden,
        merged=concern.merged_into_id is not None,
        signed_off=bool(concern.we_did_versions),
    )


def visible() -> ColumnElement[bool]:
    """The same rule as `may_show`, as a criterion on Concern for any query."""
    version = aliased(WeDidVersion)  # its own name, so it never correlates with a query's own
    signed_off = exists().where(version.concern_id == Concern.id)
    return and_(
        Concern.consent_publish.is_(True),
        Concern.hidden.is_(False),
        # Not "IS NULL": without statistics SQLite takes that for a rare value and reads every
        # concern through its index even when the query names a few by id.
        func.coalesce(Concern.merged_into_id, 0) == 0,
        or_(
            and_(Concern.status.in_(ANSWERED), signed_off),
            Concern.status == Status.DECLINED,
        ),
    )


def latest_version_join() -> ColumnElement[bool]:
    """Join condition for LATEST: an answered concern's newest signed-off version (a declined
    concern gets none, so an earlier "We did" never shows beside its reason)."""
    version = aliased(WeDidVersion)
    newest = (
        select(func.max(version.number)).where(version.concern_id == Concern.id).scalar_subquery()
    )
    return and_(
        LATEST.concern_id == Concern.id,
        LATEST.number == newest,
        Concern.status.in_(ANSWERED),
    )


def _declined_at() -> ColumnElement:
    return (
        select(func.max(ConcernEvent.at))
        .where(ConcernEvent.concern_id == Concern.id, ConcernEvent.move == str(Move.DECLINE))
        .scalar_subquery()
    )


@dataclass(frozen=True)
class PublicConcern:
    """A visible concern as the public sees it: public fields only."""

    id: int
    reference: str
    status: Status
    source: str
    roadshow_id: int | None
    parish_id: int
    parish: str
    district: str
    category: str
    priority: str
    raised_on: date
    you_said: str  # the signed-off public summary (empty when declined)
    we_did: str  # the signed-off "We did" (empty when declined)
    version: int | None
    answered_at: datetime | None  # the newest version's sign-off, or when it was declined
    decline_reason: str  # only when declined

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def answered_on(self) -> date | None:
        """The day in England the answer was signed off (or the concern declined)."""
        return self.answered_at.astimezone(LONDON).date() if self.answered_at else None

    @property
    def declined(self) -> bool:
        return self.status is Status.DECLINED


def public_concerns(among: Subquery | None = None) -> Select:
    """Visible concerns as rows of PublicConcern's columns, for callers to filter, order and page.

    Filters may use Concern's public columns, PARISH, DISTRICT and LATEST. `among`, a subquery
    with an `id` column (such as one page's ids), limits them to those concerns and is read first.
    """
    declined = Concern.status == Status.DECLINED
    query = select(
        Concern.id,
        Concern.reference,
        Concern.status,
        Concern.source,
        Concern.roadshow_id,
        Concern.parish_id,
        PARISH.name.label("parish"),
        func.coalesce(DISTRICT.name, "").label("district"),
        func.coalesce(ConcernCategory.name, "").label("category"),
        func.coalesce(PlanPriority.title, "").label("priority"),
        Concern.raised_on,
        func.coalesce(LATEST.you_said, "").label("you_said"),
        func.coalesce(LATEST.we_did, "").label("we_did"),
        LATEST.number.label("version"),
        case((declined, _declined_at()), else_=LATEST.approved_at).label("answered_at"),
        case((declined, Concern.decline_reason), else_="").label("decline_reason"),
    ).select_from(among if among is not None else Concern)
    if among is not None:
        query = query.join(Concern, Concern.id == among.c.id)
    return (
        query.join(PARISH, PARISH.id == Concern.parish_id)
        .outerjoin(DISTRICT, DISTRICT.id == PARISH.parent_id)
        .outerjoin(ConcernCategory, ConcernCategory.id == Concern.category_id)
        .outerjoin(PlanPriority, PlanPriority.id == Concern.priority_id)
        .outerjoin(LATEST, latest_version_join())
        .where(visible())
    )


def public_concern(row) -> PublicConcern:
    """A row of `public_concerns()` as a PublicConcern."""
    values = row._asdict()
    values["status"] = Status(values["status"])
    values["source"] = str(values["source"])
    return PublicConcern(**values)


# Who raised it: counts only, never who ---------------------------------------------------


def _raising(concern_id: int, source: str, roadshow_id: int | None, parish_id: int) -> Raising:
    source = str(source)
    return Raising(
        source,
        roadshow=str(roadshow_id or f"raised with {concern_id}")
        if source == ConcernSource.ROADSHOW
        else None,
        parish_council=str(parish_id) if source == ConcernSource.PARISH else None,
    )


def raisings_of(concerns: Iterable[PublicConcern]) -> dict[int, list[Raising]]:
    """Every time each concern was raised: itself and every concern merged into it (at any
    depth), in one query per level of merging."""
    raisings: dict[int, list[Raising]] = {}
    answered_by: dict[int, int] = {}
    for concern in concerns:
        raisings[concern.id] = [
            _raising(concern.id, concern.source, concern.roadshow_id, concern.parish_id)
        ]
        answered_by[concern.id] = concern.id
    frontier = list(raisings)
    while frontier:
        merged = db.session.execute(
            select(Concern.id, Concern.merged_into_id, Concern.source, Concern.roadshow_id)
            .add_columns(Concern.parish_id)
            .where(Concern.merged_into_id.in_(frontier))
        )
        frontier = []
        for row in merged:
            if row.id in answered_by:
                continue
            survivor = answered_by[row.id] = answered_by[row.merged_into_id]
            raisings[survivor].append(_raising(row.id, row.source, row.roadshow_id, row.parish_id))
            frontier.append(row.id)
    return raisings


def raised_by_of(concerns: Iterable[PublicConcern]) -> dict[int, str]:
    """ "Raised by ..." for each concern, counting every concern merged into it."""
    return {key: raised_by(found) for key, found in raisings_of(concerns).items()}
