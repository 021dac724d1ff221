"""Casework beyond the lifecycle's moves: who may see a concern, its clocks as staff read them,
waiting for the raiser, duplicates and who raised it (response templates and a suggested "We
did" are in engage.concerns.response_templates).

Like services.py these take plain values and commit once; the lifecycle's moves themselves go
through services.apply_move, so every change of status is decided by workflow.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engage.auth.models import User
from engage.auth.permissions import Role
from engage.concerns import access, personal_data, similarity
from engage.concerns.models import Concern, ConcernAction, ConcernEvent, Referral, WeDidVersion
from engage.concerns.raised_by import Raising, raised_by
from engage.concerns.services import (
    ACKNOWLEDGE,
    FIRST_UPDATE,
    RESPONSE,
    SUBJECT,
    TEXT_LIMIT,
    ConcernError,
    check_version,
    commit_or_stale,
    concern_by_id,
    state_of,
)
from engage.concerns.typed_text import checked_text
from engage.concerns.workflow import (
    Move,
    Status,
    Transition,
    TransitionRefused,
    apply,
    available_moves,
)
from engage.core.clock_models import ServiceClock
from engage.core.clock_services import clocks_of, pause_clocks, reading_of, resume_clocks
from engage.core.clocks import ClockError, ClockReading, due_soon
from engage.core.columns import utcnow
from engage.extensions import db

CLOCK_NAMES = {
    ACKNOWLEDGE: "Acknowledgement",
    FIRST_UPDATE: "First update",
    RESPONSE: "Full response",
}
HOLD, RESUME = "hold", "resume"  # events that pause and resume the clocks, not moves
OWNER_ROLES = (Role.ADMIN, Role.STAFF, Role.PARTNER)
SIMILAR_CANDIDATES = 300  # the most recent open concerns of a parish compared for duplicates


# Who may see a concern, and where it stands ------------------------------------------------


def viewer_of(user) -> access.Viewer:
    """The signed-in user as the object rules need them (anonymous: no role)."""
    if not getattr(user, "is_authenticated", False):
        return access.Viewer(role=None)
    return access.Viewer(
        role=user.role,
        parish_ids=frozenset(parish.id for parish in user.parishes),
        agency_id=user.agency_id,
    )


def involvement_of(concern: Concern) -> access.Involvement:
    """The concern's parish and every agency that leads it, acts on it or is asked to take it."""
    agencies = {concern.lead_agency_id} | {action.agency_id for action in concern.actions}
    if concern.pending_referral is not None:  # an agency that said no is no longer involved
        agencies.add(concern.pending_referral.to_agency_id)
    return access.Involvement(concern.parish_id, frozenset(agencies - {None}))


def moves_of(concern: Concern) -> list[Transition]:
    """The lifecycle moves that can be made on the concern now, in the table's order."""
    return available_moves(state_of(concern))


def refusal(concern: Concern, move: Move) -> str | None:
    """Why `move` cannot be made on the concern as it stands, or None if it can."""
    state = state_of(concern)
    if any(row.move is move for row in available_moves(state)):
        return None
    try:
        apply(state, move, {})
    except TransitionRefused as refused:
        return refused.message
    return None  # pragma: no cover - a move not offered is always refused


# Clocks as staff read them -----------------------------------------------------------------


@dataclass(frozen=True)
class ClockRow:
    """One promise on a concern, read today: what it is, when it falls due and how it stands."""

    kind: str
    name: str
    target_days: int
    due_on: date | None
    state: str  # in words: "Met with 2 working days to spare", "Overdue by 3 working days"
    tag: str  # a GOV.UK tag colour for the state
    running: bool  # started and not stopped, paused or not
    overdue: bool
    due_soon: bool
    paused: bool


def clock_row(clock: ServiceClock, today: date) -> ClockRow:
    """The clock read on `today`, in staff's words."""
    reading = reading_of(clock, today)
    state, tag = _clock_state(reading)
    return ClockRow(
        kind=clock.kind,
        name=CLOCK_NAMES.get(clock.kind, clock.kind.capitalize()),
        target_days=clock.target_days,
        due_on=reading.due_on,
        state=state,
        tag=tag,
        running=reading.running,
        overdue=reading.running and reading.overdue_by > 0,
        due_soon=due_soon(reading),
        paused=reading.paused,
    )


def clock_rows(concern_id: int, today: date) -> list[ClockRow]:
    """The concern's clocks in the order a promise is kept: acknowledge, update, respond."""
    clocks = clocks_of(SUBJECT, concern_id)
    order = [kind for kind in CLOCK_NAMES if kind in clocks]
    order += sorted(kind for kind in clocks if kind not in CLOCK_NAMES)
    return [clock_row(clocks[kind], today) for kind in order]


def _days(number: int) -> str:
    return f"{number} working day{'' if number == 1 else 's'}"


def _clock_state(reading: ClockReading) -> tuple[str, str]:
    if reading.outcome is not None:
        outcome = reading.outcome
        if not outcome.met:
            return f"Missed by {_days(outcome.by)}", "red"
        if outcome.by:
            return f"Met with {_days(outcome.by)} to spare", "green"
        return "Met on the last day", "green"
    if not reading.running:
        return "Not started", "grey"
    if reading.paused:
        return "Paused: waiting for the raiser", "grey"
    if reading.overdue_by:
        return f"Overdue by {_days(reading.overdue_by)}", "red"
    if due_soon(reading):
        if reading.working_days_left == 0:
            return "Due today", "orange"
        return f"Due soon: {_days(reading.working_days_left)} left", "yellow"
    return f"{_days(reading.working_days_left or 0)} left", "blue"


def may_hold(rows: list[ClockRow]) -> bool:
    """Whether any clock is running and not paused, so there is something to pause."""
    return any(row.running and not row.paused for row in rows)


def may_resume(rows: list[ClockRow]) -> bool:
    """Whether any clock is paused."""
    return any(row.paused for row in rows)


# Waiting for the raiser --------------------------------------------------------------------


def hold(
    concern_id: int, note: str, *, actor: User, today: date, expected_version: int | None
) -> Concern:
    """Pause the running clocks while we wait for information from the raiser."""
    concern = _current(concern_id, expected_version)
    note = checked_text(
        note, "note", "Say what information we are waiting for from the raiser", what="the note"
    )
    try:
        paused = pause_clocks(SUBJECT, concern.id, today, note)
    except ClockError as error:
        raise ConcernError(str(error), field="note") from error
    if not paused:
        raise ConcernError(
            "No clock is running on this concern: there is nothing to pause", field="note"
        )
    return _record_clock_event(concern, HOLD, note, actor)


def resume(
    concern_id: int, note: str, *, actor: User, today: date, expected_version: int | None
) -> Concern:
    """Restart the paused clocks: the raiser has answered, or we stop waiting."""
    concern = _current(concern_id, expected_version)
    note = checked_text(note, "note", what="the note")
    try:
        resumed = resume_clocks(SUBJECT, concern.id, today, note)
    except ClockError as error:
        raise ConcernError(str(error), field="note") from error
    if not resumed:
        raise ConcernError("No clock is paused on this concern", field="note")
    return _record_clock_event(concern, RESUME, note, actor)


def _current(concern_id: int, expected_version: int | None) -> Concern:
    concern = concern_by_id(concern_id)
    check_version(concern, expected_version)
    return concern


def record_event(
    concern: Concern, actor: User | None, move: str, note: str, public: bool = False
) -> None:
    """Record (not commit) a change that is not a lifecycle move: the status stays as it is."""
    db.session.add(
        ConcernEvent(
            concern_id=concern.id,
            move=move,
            from_status=str(concern.status),
            to_status=str(concern.status),
            actor_id=actor.id if actor else None,
            note=note[:TEXT_LIMIT],
            public=public,
        )
    )


def _record_clock_event(concern: Concern, move: str, note: str, actor: User) -> Concern:
    record_event(concern, actor, move, note)
    concern.updated_at = utcnow()  # a new version: a page loaded before this is told
    commit_or_stale(concern)
    return concern


# Duplicates and who raised a concern -------------------------------------------------------


def similar_open(concern: Concern, limit: int = 5) -> list[tuple[Concern, float]]:
    """Open concerns in the same parish most like this one, to merge it into, best first."""
    query = (
        select(Concern)
        .where(
            Concern.parish_id == concern.parish_id,
            Concern.status.in_((Status.NEW, Status.OPEN)),
            Concern.id != concern.id,
        )
        .order_by(Concern.raised_on.desc(), Concern.id.desc())
        .limit(SIMILAR_CANDIDATES)
    )
    candidates = {found.id: found for found in db.session.scalars(query)}
    scores = similarity.similar(
        concern.raised_text,
        [(found.id, found.raised_text) for found in candidates.values()],
        limit=limit,
    )
    return [(candidates[concern_id], score) for concern_id, score in scores]


def case_concern(concern_id: int) -> Concern | None:
    """One concern with what its case page lists (updates, signed-off versions, actions and
    referrals) and who is named on each row, read in a few queries rather than one a row."""
    query = (
        select(Concern)
        .where(Concern.id == concern_id)
        .options(
            selectinload(Concern.events).selectinload(ConcernEvent.actor),
            selectinload(Concern.we_did_versions).selectinload(WeDidVersion.approved_by),
            selectinload(Concern.actions).selectinload(ConcernAction.agency),
            selectinload(Concern.actions).selectinload(ConcernAction.owner),
            selectinload(Concern.referrals).selectinload(Referral.to_agency),
        )
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(query).first()


def originals(concern: Concern) -> list[Concern]:
    """The concerns merged into this one, directly or through another, in the order raised."""
    found: list[Concern] = []
    frontier = [concern.id]
    while frontier:
        merged = list(
            db.session.scalars(
                select(Concern)
                .where(Concern.merged_into_id.in_(frontier))
                .options(selectinload(Concern.roadshow))
            )
        )
        found += merged
        frontier = [one.id for one in merged]
    return sorted(found, key=lambda one: (one.raised_on, one.id))


def raised_by_text(concern: Concern, merged: list[Concern]) -> str:
    """ "Raised by 3 residents at 1 roadshow and by 1 parish council", counting the originals."""
    return raised_by([_raising(one) for one in [concern, *merged]])


def _raising(concern: Concern) -> Raising:
    return Raising(
        source=str(concern.source),
        roadshow=str(concern.roadshow_id or concern.reference),
        parish_council=str(concern.parish_id),
    )


# Personal data before publishing -----------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A stretch of text, and what it looks like if it was flagged as personal data."""

    text: str
    flag: str | None = None


def marked(text: str) -> list[Piece]:
    """`text` in pieces, the flagged ones named, for a page to highlight."""
    pieces, position = [], 0
    for flag in personal_data.flags(text):
        pieces += [Piece(text[position : flag.start]), Piece(flag.text, str(flag.kind))]
        position = flag.end
    pieces.append(Piece(text[position:]))
    return [piece for piece in pieces if piece.text]


def active_rows(model, order) -> list:
    """The active rows of a reference table (agencies, categories, priorities), for a form."""
    return list(db.session.scalars(select(model).where(model.active).order_by(order)))


def owner_choices() -> list[User]:
    """Who can own a concern: active staff and partners, by name."""
    query = (
        select(User)
        .where(User.active.is_(True), User.role.in_(OWNER_ROLES))
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(query))
