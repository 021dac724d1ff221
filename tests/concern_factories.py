"""Concern test data: roadshows, concerns in any lifecycle status, clerks and partners.

Concerns are made the way the application makes them: logged with
engage.concerns.services.log_concern, then moved with apply_move to the status a test needs,
so every one has its reference, events and clocks.
"""

from __future__ import annotations

import itertools

from sqlalchemy import select

from engage.auth.models import User
from engage.auth.permissions import Role
from engage.concerns.models import Concern, ConcernSource, Roadshow, RoadshowStatus
from engage.concerns.services import apply_move, log_concern
from engage.concerns.workflow import Move, Status
from engage.core.dates import today as county_today
from engage.core.models import Agency, Area, AreaKind, ConcernCategory, PlanPriority
from engage.extensions import db
from tests.factories import UserFactory, agency, parishes

RAISED_TEXT = "Cars speeding past the school on Church Road every morning"
COUNCIL = "glos-county-council"  # an agency besides the police, which leads by default
_numbers = itertools.count(1)

# The moves that take a new concern to each status, in order.
ROUTES: dict[Status, tuple[Move, ...]] = {
    Status.NEW: (),
    Status.OPEN: (Move.TRIAGE,),
    Status.RESPONDED: (Move.TRIAGE, Move.RESPOND),
    Status.PUBLISHED: (Move.TRIAGE, Move.RESPOND, Move.PUBLISH),
    Status.CLOSED: (Move.TRIAGE, Move.RESPOND, Move.PUBLISH, Move.CLOSE),
    Status.DECLINED: (Move.DECLINE,),
    Status.MERGED: (Move.MERGE,),
}


def parish(code: str | None = None) -> Area:
    """A reference parish by code (default: the first by name)."""
    return parishes(code)[0] if code else parishes()[0]


def category() -> ConcernCategory:
    """The first active concern category."""
    return db.session.scalar(
        select(ConcernCategory).where(ConcernCategory.active).order_by(ConcernCategory.id)
    )


def priority() -> PlanPriority:
    """The first active plan priority."""
    return db.session.scalar(
        select(PlanPriority).where(PlanPriority.active).order_by(PlanPriority.number)
    )


def triage_values(owner: User, **changes) -> dict:
    """What triage is given: the police lead, `owner` owns it, the first category and priority."""
    values = {
        "lead_agency": agency().id,
        "owner": owner.id,
        "category": category().id,
        "priority": priority().id,
        "note": "Triaged",
    }
    values.update(changes)
    return values


def clerk_for(*areas: Area, **fields) -> User:
    """A parish or town council clerk for these parishes (flushed, not committed)."""
    return UserFactory(role=Role.PARISH, parishes=list(areas), **fields)


def partner_for(partner_agency: Agency | None = None, **fields) -> User:
    """A partner (force or council liaison) of this agency (default: the police)."""
    return UserFactory(role=Role.PARTNER, agency=partner_agency or agency(), **fields)


def staff(**fields) -> User:
    """A member of the commissioner's office staff."""
    return UserFactory(role=Role.STAFF, **fields)


def roadshow(**fields) -> Roadshow:
    """A roadshow, held today in the first parish and hosted by it unless told otherwise."""
    where = fields.pop("area", None) or parish()
    values = {
        "title": f"Roadshow {next(_numbers)}",
        "held_on": county_today(),
        "venue": "Village hall",
        "area": where,
        "status": RoadshowStatus.HELD,
        "hosts": [where] if where.kind is AreaKind.PARISH else [],
    }
    values.update(fields)
    show = Roadshow(**values)
    db.session.add(show)
    db.session.commit()
    return show


def concern(
    parish: Area | None = None,
    status: Status | str = Status.NEW,
    *,
    actor: User | None = None,
    given: dict[Move, dict] | None = None,
    **fields,
) -> Concern:
    """A concern logged in `parish` (default: the first) and moved to `status`.

    `fields` go to log_concern (source, raised_text, raised_on, raiser_email, consent_publish,
    logged_by, roadshow_id, ...); `given` overrides what a move is given, by move; `actor` makes
    the moves (default: a new staff member). Committed.
    """
    where = parish or parishes()[0]
    when = fields.pop("today", None) or county_today()
    values = {
        "source": ConcernSource.PHONE,
        "raised_text": RAISED_TEXT,
        "raised_on": when,
        "consent_contact": False,
        "consent_publish": True,
    }
    values.update(fields)
    made = log_concern(parish_id=where.id, today=when, **values)
    db.session.commit()
    status = Status(status)
    moves = ROUTES[status]
    if not moves:
        return made
    actor = actor or staff()
    db.session.commit()
    for move in moves:
        made = apply_move(
            made.id,
            move,
            _given(move, made, actor, (given or {}).get(move)),
            actor=actor,
            today=when,
        )
    return made


def _given(move: Move, made: Concern, actor: User, override: dict | None) -> dict:
    """What each move needs, with plausible values."""
    if move is Move.TRIAGE:
        values = triage_values(actor)
    elif move is Move.RESPOND:
        values = {"we_did": "Officers carried out speed checks on six mornings."}
    elif move is Move.PUBLISH:
        values = {
            "public_summary": "Speeding near the school in the mornings.",
            "we_did": "Officers carried out speed checks on six mornings.",
        }
    elif move is Move.DECLINE:
        values = {"reason": "This is a matter for the district council: contact them directly."}
    elif move is Move.MERGE:
        values = {"merge_into": concern(made.parish, today=made.raised_on).id}
    else:
        values = {}
    values.update(override or {})
    return values


__all__ = [
    "COUNCIL",
    "RAISED_TEXT",
    "category",
    "clerk_for",
    "concern",
    "parish",
    "partner_for",
    "priority",
    "roadshow",
    "staff",
    "triage_values",
]
