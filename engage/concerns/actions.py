"""The partners' and clerks' part in a concern: actions, referral answers, and "this is not
resolved" requests and staff's decision on them (what each person follows, and the raiser's
private link, are read in engage.concerns.following).

Services take plain values and commit once. Who may do what is decided by engage.concerns.access
in the views; these functions check what was given. An action carries no version number of its
own, so a change is made against a fingerprint of the action as the form showed it: two people
changing one action at once cannot overwrite each other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select

from engage.auth.models import User
from engage.auth.permissions import Role
from engage.concerns.access import OFFICE
from engage.concerns.casework import record_event
from engage.concerns.models import ActionStatus, Concern, ConcernAction, ReopenRequest
from engage.concerns.services import ConcernError, StaleConcern, apply_move, concern_by_id
from engage.concerns.typed_text import checked_text
from engage.concerns.workflow import TRANSITIONS, Move, Status
from engage.core.columns import utcnow
from engage.core.models import Agency
from engage.extensions import db

TAKES_ACTIONS = frozenset({Status.OPEN, Status.RESPONDED, Status.PUBLISHED})
REOPENABLE = TRANSITIONS[Move.REOPEN].sources
KEPT = "kept"  # a request's decision when staff keep the concern as it is


# Actions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionValues:
    """What a form gives for an action."""

    agency_id: int | None
    owner_id: int | None
    description: str
    public_line: str
    due_on: date | None
    status: ActionStatus


def action_refusal(concern: Concern) -> str | None:
    """Why no action can be added to the concern now, or None when one can."""
    if concern.status in TAKES_ACTIONS:
        return None
    if concern.status is Status.NEW:
        return f"{concern.reference} is not triaged yet: actions can be added once it is open."
    if concern.status is Status.MERGED:
        into = concern.merged_into.reference if concern.merged_into else "another concern"
        return f"{concern.reference} is merged into {into}: add actions there."
    return f"{concern.reference} is {concern.status}: it must be reopened before more is done."


def acting_agencies() -> list[Agency]:
    """The agencies an action can be given to."""
    return list(db.session.scalars(select(Agency).where(Agency.active).order_by(Agency.name)))


def possible_owners(agency_id: int | None) -> list[User]:
    """Active people who may own an action of the agency: its partners, and the office."""
    partners = and_(User.role == Role.PARTNER, User.agency_id == agency_id)
    if agency_id is None:
        partners = User.role == Role.PARTNER
    query = (
        select(User)
        .where(User.active, or_(User.role.in_(OFFICE), partners))
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(query))


def fingerprint(action: ConcernAction) -> str:
    """A short digest of what can be changed on an action, to tell whether it has changed."""
    shown = "\x1f".join(
        str(value)
        for value in (
            action.agency_id,
            action.owner_id,
            action.description,
            action.public_line,
            action.due_on,
            action.status,
        )
    )
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def add_action(concern_id: int, values: ActionValues, *, actor: User, today: date) -> ConcernAction:
    """Give an agency its part in answering a concern."""
    concern = concern_by_id(concern_id)
    refusal = action_refusal(concern)
    if refusal:
        raise ConcernError(refusal)
    action = ConcernAction(concern_id=concern.id)
    _fill(action, concern, values, today)
    db.session.add(action)
    record_event(concern, actor, "action added", f"{action.agency.name}: {action.description}")
    db.session.commit()
    return action


def update_action(
    action_id: int, values: ActionValues, *, actor: User, today: date, seen: str | None
) -> ConcernAction:
    """Change an action as it was shown (`seen`: its fingerprint then); StaleConcern if it has
    changed since."""
    action = db.session.get(ConcernAction, action_id)
    if action is None:
        raise LookupError(f"There is no action {action_id}")
    if seen != fingerprint(action):
        raise StaleConcern(
            "Someone else changed this action while you were working on it. Here it is as it "
            "stands now: check it and make your change again."
        )
    was = action.status
    _fill(action, action.concern, values, today)
    change = f"now {action.status}" if action.status != was else "updated"
    record_event(action.concern, actor, "action updated", f"{action.agency.name}: {change}")
    db.session.commit()
    return action


def _fill(action: ConcernAction, concern: Concern, values: ActionValues, today: date) -> None:
    agency = db.session.get(Agency, values.agency_id) if values.agency_id else None
    if agency is None or not agency.active:
        raise ConcernError("Choose the agency that will act", "agency")
    owner = db.session.get(User, values.owner_id) if values.owner_id else None
    if owner is None or not owner.active:
        raise ConcernError("Choose who owns this action", "owner")
    if owner.role not in OFFICE and owner.agency_id != agency.id:
        raise ConcernError(f"Choose someone from {agency.name} or the office", "owner")
    description = checked_text(values.description, "description", "Say what will be done")
    public_line = checked_text(values.public_line, "public_line", None)
    if values.status is ActionStatus.DONE and not public_line:
        raise ConcernError(
            "Say what was done, in words the public may read, before marking it done",
            "public_line",
        )
    if values.due_on is not None and values.due_on < concern.raised_on:
        raise ConcernError(
            f"The due date cannot be before the concern was raised ({concern.raised_on:%-d %B %Y})",
            "due_on",
        )
    action.agency, action.owner = agency, owner
    action.description, action.public_line = description, public_line
    action.due_on = values.due_on
    if values.status is ActionStatus.DONE and action.status is not ActionStatus.DONE:
        action.done_on = today
    elif values.status is not ActionStatus.DONE:
        action.done_on = None
    action.status = values.status


# Referrals -----------------------------------------------------------------------------------


def answer_referral(
    concern_id: int,
    accept: bool,
    note: str,
    *,
    actor: User,
    today: date,
    expected_version: int | None,
) -> Concern:
    """The referred agency takes the lead, or says why it will not."""
    note = checked_text(note, "note", None if accept else "Say why your agency will not lead on it")
    move = Move.ACCEPT_REFERRAL if accept else Move.REJECT_REFERRAL
    return apply_move(
        concern_id,
        move,
        {"note": note},
        actor=actor,
        today=today,
        expected_version=expected_version,
    )


# "This is not resolved" ----------------------------------------------------------------------


def reopen_refusal(concern: Concern) -> str | None:
    """Why nobody can ask for the concern to be looked at again now, or None."""
    if concern.status in REOPENABLE:
        return None
    if concern.status is Status.MERGED:
        return "It was merged into another concern, which answers it: follow that one."
    return "It is still being dealt with: it can be questioned once it has been answered."


def ask_to_reopen(concern_id: int, reason: str, *, requested_by: User | None) -> ReopenRequest:
    """Record that a clerk (or the raiser, `requested_by` None) says the concern is not resolved."""
    concern = concern_by_id(concern_id)
    reason = checked_text(reason, "reason", "Say what is not resolved")
    refusal = reopen_refusal(concern)
    if refusal:
        raise ConcernError(refusal, "reason")
    if any(request.requested_by_id == _id(requested_by) for request in pending_requests(concern)):
        raise ConcernError(
            "You have already asked for this concern to be looked at again: staff will decide",
            "reason",
        )
    request = ReopenRequest(concern_id=concern.id, requested_by_id=_id(requested_by), reason=reason)
    db.session.add(request)
    who = "The person who raised it" if requested_by is None else requested_by.name
    record_event(
        concern, requested_by, "reopen requested", f"{who} says it is not resolved: {reason}"
    )
    db.session.commit()
    return request


def asked_by(request: ReopenRequest) -> str:
    """Who asked for the concern to be looked at again, as staff and clerks read it."""
    if request.requested_by_id is None:
        return "The person who raised it"
    user = db.session.get(User, request.requested_by_id)
    if user is None:
        return "Someone no longer with an account"
    role = "clerk" if user.role is Role.PARISH else "staff" if user.role in OFFICE else user.role
    return f"{user.name} ({role})"


def _id(user: User | None) -> int | None:
    return user.id if user else None


def pending_requests(concern: Concern) -> list[ReopenRequest]:
    """Requests to look at the concern again that staff have not decided."""
    query = (
        select(ReopenRequest)
        .where(ReopenRequest.concern_id == concern.id, ReopenRequest.decision.is_(None))
        .order_by(ReopenRequest.id)
    )
    return list(db.session.scalars(query))


def decide_reopen_request(
    request_id: int,
    reopen: bool,
    note: str,
    *,
    actor: User,
    today: date,
    expected_version: int | None,
) -> ReopenRequest:
    """Reopen the concern (deciding every pending request on it) or keep it as it is; the note
    is public, so the person who asked learns why."""
    request = db.session.get(ReopenRequest, request_id)
    if request is None:
        raise LookupError(f"There is no request {request_id}")
    if request.decision is not None:
        raise StaleConcern("Someone else has already decided this request.")
    note = checked_text(note, "note", "Say why: the person who asked will read it")
    request.decision_note = note
    if reopen:
        try:
            apply_move(
                request.concern_id,
                Move.REOPEN,
                {"note": note, "public": True},
                actor=actor,
                today=today,
                expected_version=expected_version,
            )
        except ConcernError:
            db.session.rollback()
            raise
        return request
    concern = request.concern
    if expected_version is not None and concern.version != expected_version:
        db.session.rollback()
        raise StaleConcern(
            f"{concern.reference} was changed by someone else while you were working on it. "
            "Here it is as it stands now: check it and decide again."
        )
    request.decision, request.decided_at, request.decided_by_id = KEPT, utcnow(), actor.id
    record_event(concern, actor, "kept as it is", note, public=True)
    db.session.commit()
    return request
