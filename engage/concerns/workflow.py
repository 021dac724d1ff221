"""A concern's lifecycle: one table of allowed moves, and the few rules the table cannot hold.

Pure: no Flask, no database. The service loads a concern, asks `apply` whether a move is allowed
with what the user gave, and records the outcome as an event; pages ask `available_moves` what to
offer. Both read the same table, so a button is shown exactly when the move would be accepted by
the state (the form may still be refused for what is typed into it).

    new ──triage──▶ open ──respond──▶ responded ──publish──▶ published ──close──▶ closed
    open: refer, then the agency accepts or rejects it, or staff withdraw it (stays open)
    new | open ──merge──▶ merged (for good)     new | open ──decline──▶ declined
    responded | published | closed | declined ──reopen──▶ open
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass


class Status(enum.StrEnum):
    """Where a concern is in its lifecycle."""

    NEW = "new"
    OPEN = "open"
    RESPONDED = "responded"
    PUBLISHED = "published"
    CLOSED = "closed"
    MERGED = "merged"
    DECLINED = "declined"


class Move(enum.StrEnum):
    """Something staff, a partner or the lifecycle itself can do to a concern."""

    TRIAGE = "triage"
    REFER = "refer"
    ACCEPT_REFERRAL = "accept referral"
    REJECT_REFERRAL = "reject referral"
    WITHDRAW_REFERRAL = "withdraw referral"
    RESPOND = "respond"
    PUBLISH = "publish"
    CLOSE = "close"
    MERGE = "merge"
    DECLINE = "decline"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Transition:
    """One row of the table: from which statuses a move is allowed, where it goes, what it needs.

    `target` None means the concern keeps its status (a referral changes who leads, not where the
    concern is). `needs` names the values `apply` must be given. `public` says whether the event
    is shown on the public board by default. `done` completes "it can be ...", for messages.
    """

    move: Move
    sources: frozenset[Status]
    target: Status | None
    needs: tuple[str, ...]
    public: bool
    label: str
    description: str
    done: str


# Ordered as a page offers them: for every status, the usual next step comes first, then the
# moves to the side, and reopen last. Refusal messages list what can be done in this order too.
TRANSITIONS: dict[Move, Transition] = {
    row.move: row
    for row in (
        Transition(
            move=Move.TRIAGE,
            sources=frozenset({Status.NEW}),
            target=Status.OPEN,
            needs=("lead_agency", "owner", "category", "priority"),
            public=False,
            label="Triage",
            description="Record the lead agency, owner, category and plan priority.",
            done="triaged",
        ),
        Transition(
            move=Move.RESPOND,
            sources=frozenset({Status.OPEN}),
            target=Status.RESPONDED,
            needs=("we_did",),
            public=False,
            label="Record a response",
            description="Draft what we did, ready for sign-off.",
            done="responded to",
        ),
        Transition(
            move=Move.REFER,
            sources=frozenset({Status.OPEN}),
            target=None,
            needs=("agency", "handed_over"),
            public=True,
            label="Refer to another agency",
            description="Ask another agency to lead; the board names it and what was handed over.",
            done="referred to another agency",
        ),
        Transition(
            move=Move.ACCEPT_REFERRAL,
            sources=frozenset({Status.OPEN}),
            target=None,
            needs=(),
            public=True,
            label="Accept the referral",
            description="The agency it is referred to takes the lead.",
            done="accepted by the agency it is referred to",
        ),
        Transition(
            move=Move.REJECT_REFERRAL,
            sources=frozenset({Status.OPEN}),
            target=None,
            needs=("note",),
            public=False,
            label="Reject the referral",
            description="The agency it is referred to will not lead; the lead stays as it was.",
            done="rejected by that agency",
        ),
        Transition(
            move=Move.WITHDRAW_REFERRAL,
            sources=frozenset({Status.OPEN}),
            target=None,
            needs=(),
            public=False,
            label="Withdraw the referral",
            description="Take the referral back before the agency answers.",
            done="withdrawn from that agency",
        ),
        Transition(
            move=Move.CLOSE,
            sources=frozenset({Status.PUBLISHED}),
            target=Status.CLOSED,
            needs=(),
            public=False,
            label="Close",
            description="Nothing more is to be done.",
            done="closed",
        ),
        Transition(
            move=Move.PUBLISH,
            sources=frozenset({Status.RESPONDED, Status.PUBLISHED}),
            target=Status.PUBLISHED,
            needs=("we_did", "public_summary"),
            public=True,
            label="Sign off and publish",
            description=(
                "Approve the “We did” text and the public summary; "
                "publishing again makes a new version."
            ),
            done="published",
        ),
        Transition(
            move=Move.MERGE,
            sources=frozenset({Status.NEW, Status.OPEN}),
            target=Status.MERGED,
            needs=("merge_into",),
            public=True,
            label="Merge into another concern",
            description="A duplicate: the other concern answers it and counts its raiser.",
            done="merged into another concern",
        ),
        Transition(
            move=Move.DECLINE,
            sources=frozenset({Status.NEW, Status.OPEN}),
            target=Status.DECLINED,
            needs=("reason",),
            public=True,
            label="Decline",
            description="Not ours to answer: give a public reason that says where to go instead.",
            done="declined",
        ),
        Transition(
            move=Move.REOPEN,
            sources=frozenset({Status.RESPONDED, Status.PUBLISHED, Status.CLOSED, Status.DECLINED}),
            target=Status.OPEN,
            needs=("note",),
            public=True,
            label="Reopen",
            description=(
                "Someone says it is not resolved, and staff decide to look again (a concern "
                "never triaged goes back to triage)."
            ),
            done="reopened",
        ),
    )
}

# What to tell the user when a needed value is missing or blank, by the name in `needs`.
MISSING: dict[str, str] = {
    "lead_agency": "Say which agency leads",
    "owner": "Say who owns this concern",
    "category": "Choose a category",
    "priority": "Choose a plan priority",
    "agency": "Say which agency it is referred to",
    "handed_over": "Say what is handed over to the agency",
    "note": "Add a note",
    "we_did": "Write what we did",
    "public_summary": "Write a public summary",
    "merge_into": "Say which concern this one duplicates",
    "reason": "Give a public reason that says where to go instead",
}

AGENCY_FIELDS = frozenset({"lead_agency", "agency"})
REFERRAL_ANSWERS = frozenset({Move.ACCEPT_REFERRAL, Move.REJECT_REFERRAL, Move.WITHDRAW_REFERRAL})
# A concern may be merged only into one that can still answer it.
CANNOT_ABSORB = frozenset({Status.MERGED, Status.DECLINED, Status.CLOSED})


@dataclass(frozen=True)
class ConcernState:
    """What the rules look at: the status, who leads, any referral awaiting an answer, the id."""

    status: Status
    lead_agency: str | None = None
    pending_referral_to: str | None = None
    id: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "status", Status(self.status))  # "open" from a column is fine


@dataclass(frozen=True)
class Outcome:
    """The concern after an allowed move, for the service to store and record as an event."""

    move: Move
    source: Status
    target: Status
    public: bool
    lead_agency: str | None
    pending_referral_to: str | None


class TransitionRefused(ValueError):
    """A move that is not allowed; the message tells people why, `field` names the bad input."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def available_moves(state: ConcernState) -> list[Transition]:
    """The moves a page can offer for this concern, in the table's order."""
    return [
        row
        for row in TRANSITIONS.values()
        if state.status in row.sources and _state_refusal(state, row.move) is None
    ]


def apply(state: ConcernState, move: Move, given: Mapping[str, object]) -> Outcome:
    """The concern after `move` with the values `given`, or TransitionRefused saying why not.

    For a merge, `given` also holds `merge_target_status`: the status of the concern named by
    `merge_into` (None if there is no such concern), which the service looks up.
    """
    row = TRANSITIONS[Move(move)]
    if state.status not in row.sources:
        raise TransitionRefused(_wrong_status_message(state, row))
    refusal = _state_refusal(state, row.move)
    if refusal is not None:
        raise refusal
    values = {name: _needed(name, given.get(name)) for name in row.needs}
    _check_inputs(state, row.move, values, given)

    target = row.target or state.status
    lead, pending = state.lead_agency, state.pending_referral_to
    if row.move is Move.TRIAGE:
        lead = values["lead_agency"]
    elif row.move is Move.REFER:
        pending = values["agency"]
    elif row.move is Move.ACCEPT_REFERRAL:
        lead, pending = pending, None
    elif row.move in REFERRAL_ANSWERS:
        pending = None
    elif row.move is Move.REOPEN and lead is None:
        target = Status.NEW  # never triaged (declined straight from new): it goes to triage
    if target != Status.OPEN:
        pending = None  # a referral is about who works an open concern; leaving open ends it
    return Outcome(row.move, state.status, target, row.public, lead, pending)


def _wrong_status_message(state: ConcernState, row: Transition) -> str:
    offered = [_done(state, other) for other in available_moves(state)]
    if not offered:
        options = "nothing more can be done with it"
    elif len(offered) == 1:
        options = f"it can be {offered[0]}"
    else:
        options = f"it can be {', '.join(offered[:-1])} or {offered[-1]}"
    return f"A concern that is {state.status} cannot be {row.done}: {options}."


def _done(state: ConcernState, row: Transition) -> str:
    return f"{row.done} again" if row.target == state.status else row.done


def _state_refusal(state: ConcernState, move: Move) -> TransitionRefused | None:
    """Why the concern's state (not the form) rules out a move its status allows, if it does."""
    pending = state.pending_referral_to
    if move is Move.REFER and pending is not None:
        return TransitionRefused(
            f"This concern is already referred to {pending}: that referral must be accepted, "
            "rejected or withdrawn before another"
        )
    if move in REFERRAL_ANSWERS and pending is None:
        return TransitionRefused("This concern has no referral waiting for an answer")
    if move is Move.RESPOND and pending is not None:
        return TransitionRefused(
            f"This concern is waiting for {pending} to answer a referral: it can be responded "
            "to once the referral is accepted, rejected or withdrawn"
        )
    return None


def _needed(name: str, value: object) -> object:
    """A needed value, with text stripped; refused if missing or blank."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        raise TransitionRefused(MISSING[name], name)
    if name in AGENCY_FIELDS and not isinstance(value, str):
        raise TransitionRefused(MISSING[name], name)
    return value


def _check_inputs(
    state: ConcernState, move: Move, values: Mapping[str, object], given: Mapping[str, object]
) -> None:
    """The rules on what was given that the table cannot express."""
    if move is Move.REFER and values["agency"] == state.lead_agency:
        raise TransitionRefused(
            f"{state.lead_agency} already leads on this concern: refer it to another agency",
            "agency",
        )
    if move is Move.MERGE:
        into = values["merge_into"]
        if isinstance(into, bool) or not isinstance(into, int):
            raise TransitionRefused(MISSING["merge_into"], "merge_into")
        if into == state.id:
            raise TransitionRefused("A concern cannot be merged into itself", "merge_into")
        try:
            target_status = Status(given.get("merge_target_status"))
        except ValueError:
            raise TransitionRefused("There is no concern with that number", "merge_into") from None
        if target_status in CANNOT_ABSORB:
            raise TransitionRefused(
                f"That concern is {target_status}: merge into one that is still being dealt with",
                "merge_into",
            )
