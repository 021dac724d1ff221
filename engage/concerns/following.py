"""What people follow a concern by: the raiser's private link, and "Your concerns" for clerks,
partners and the office with the actions and referrals waiting on them.

Kept apart from engage.concerns.actions, whose services change a concern: these only read what
a person may follow, and say it in the words they read it in.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from engage.auth.permissions import Role
from engage.concerns.access import OFFICE, Viewer
from engage.concerns.models import (
    ActionStatus,
    Concern,
    ConcernAction,
    ConcernEvent,
    Referral,
    ReferralState,
)
from engage.concerns.workflow import TRANSITIONS, Move, Status
from engage.extensions import db

OPEN_ACTIONS = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
ANSWERED = (Status.PUBLISHED, Status.CLOSED)  # a signed-off "We did" stands
PER_PAGE = 50
# Where the concern stands, as the person who raised it reads it on their private link.
RAISER_STATUS = {
    Status.NEW: "Received: we will record it and say who will look into it.",
    Status.OPEN: "Being looked into.",
    Status.RESPONDED: "An answer is written and is being checked before it is published.",
    Status.PUBLISHED: "Answered: what we did is below.",
    Status.CLOSED: "Answered and closed: what we did is below.",
    Status.MERGED: "Dealt with together with others who raised the same concern.",
    Status.DECLINED: "Not one for us to answer: see where to go instead, below.",
}


# The raiser's private link -------------------------------------------------------------------


def concern_for_secret(secret: str) -> Concern | None:
    """The concern whose follow link holds this secret (only its SHA-256 digest is stored)."""
    if not secret or len(secret) > 200:
        return None
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return db.session.scalar(select(Concern).where(Concern.follow_digest == digest))


def answering(concern: Concern) -> Concern:
    """The concern that answers this one: itself, or the one it was merged into."""
    seen = {concern.id}
    while concern.merged_into is not None and concern.merged_into.id not in seen:
        concern = concern.merged_into
        seen.add(concern.id)
    return concern


@dataclass(frozen=True)
class PublicUpdate:
    """One public event, as the raiser reads it."""

    at: datetime
    what: str
    note: str


def public_updates(concern: Concern) -> list[PublicUpdate]:
    """The concern's public events, newest first: never a staff-only note."""
    referrals = iter(concern.referrals)
    updates = []
    for event in concern.events:
        if not event.public:
            continue
        what = what_happened(event.move)
        if event.move == str(Move.REFER):
            referral = next(referrals, None)
            if referral is not None:
                what = f"Referred to {referral.to_agency.name}: {referral.handed_over}"
        updates.append(PublicUpdate(event.at, what, event.note))
    return updates[::-1]


def what_happened(move: str) -> str:
    """An event's move in words, like "Triaged" or "Action added"."""
    try:
        done = TRANSITIONS[Move(move)].done
    except ValueError:
        done = move
    return done[:1].upper() + done[1:]


# The concerns a person follows ---------------------------------------------------------------


@dataclass(frozen=True)
class Followed:
    """A row of "Your concerns": the concern, its latest update and its next action due."""

    concern: Concern
    latest: ConcernEvent | None
    next_due: date | None


@dataclass(frozen=True)
class FollowedPage:
    rows: list[Followed]
    total: int
    page: int
    pages: int


def followed_concerns(
    viewer: Viewer, user_id: int, *, status: Status | None = None, page: int = 1
) -> FollowedPage:
    """A clerk's parishes' concerns, a partner's agency's (soonest action due first), or the
    concerns an office member owns; latest update first."""
    latest = (
        select(ConcernEvent.concern_id, func.max(ConcernEvent.id).label("event_id"))
        .group_by(ConcernEvent.concern_id)
        .subquery()
    )
    query = select(Concern, latest.c.event_id).outerjoin(latest, latest.c.concern_id == Concern.id)
    order = [latest.c.event_id.desc(), Concern.id.desc()]
    next_due = None
    if viewer.role is Role.PARISH:
        query = query.where(Concern.parish_id.in_(sorted(viewer.parish_ids)))
    elif viewer.role is Role.PARTNER and viewer.agency_id is not None:
        agency = viewer.agency_id
        due = (
            select(ConcernAction.concern_id, func.min(ConcernAction.due_on).label("due_on"))
            .where(ConcernAction.agency_id == agency, ConcernAction.status.in_(OPEN_ACTIONS))
            .group_by(ConcernAction.concern_id)
            .subquery()
        )
        next_due = due.c.due_on
        query = (
            select(Concern, latest.c.event_id, next_due)
            .outerjoin(latest, latest.c.concern_id == Concern.id)
            .outerjoin(due, due.c.concern_id == Concern.id)
            .where(
                or_(
                    Concern.lead_agency_id == agency,
                    exists().where(
                        ConcernAction.concern_id == Concern.id, ConcernAction.agency_id == agency
                    ),
                    exists().where(
                        Referral.concern_id == Concern.id,
                        Referral.to_agency_id == agency,
                        Referral.state == ReferralState.PENDING,
                    ),
                )
            )
        )
        order = [next_due.is_(None), next_due, *order]
    elif viewer.role in OFFICE:
        query = query.where(Concern.owner_id == user_id)
    else:
        query = query.where(false())
    if status is not None:
        query = query.where(Concern.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    found = db.session.execute(
        query.order_by(*order)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .options(selectinload(Concern.parish), selectinload(Concern.lead_agency))
    ).all()
    event_ids = [row[1] for row in found if row[1] is not None]
    events = {
        event.id: event
        for event in db.session.scalars(select(ConcernEvent).where(ConcernEvent.id.in_(event_ids)))
    }
    rows = [
        Followed(row[0], events.get(row[1]), row[2] if next_due is not None else None)
        for row in found
    ]
    return FollowedPage(rows, total, page, pages)


def referrals_waiting(agency_id: int | None) -> list[Referral]:
    """Referrals to the agency that wait for its answer, oldest first."""
    if agency_id is None:
        return []
    query = (
        select(Referral)
        .where(Referral.to_agency_id == agency_id, Referral.state == ReferralState.PENDING)
        .options(selectinload(Referral.concern).selectinload(Concern.parish))
        .order_by(Referral.referred_at, Referral.id)
    )
    return list(db.session.scalars(query))


def open_actions(
    *, agency_id: int | None = None, owner_id: int | None = None
) -> list[ConcernAction]:
    """Planned and in-progress actions of an agency or an owner that have a due date, soonest
    due first (overdue ones come first)."""
    query = (
        select(ConcernAction)
        .where(ConcernAction.status.in_(OPEN_ACTIONS), ConcernAction.due_on.is_not(None))
        .options(
            selectinload(ConcernAction.concern),
            selectinload(ConcernAction.agency),
            selectinload(ConcernAction.owner),
        )
        .order_by(ConcernAction.due_on, ConcernAction.id)
    )
    if agency_id is not None:
        query = query.where(ConcernAction.agency_id == agency_id)
    elif owner_id is not None:
        query = query.where(ConcernAction.owner_id == owner_id)
    else:
        return []
    return list(db.session.scalars(query))
