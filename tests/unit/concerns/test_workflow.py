"""The concern lifecycle: every status and move against the plan's table, and the rules beyond it."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.concerns.workflow import (
    MISSING,
    TRANSITIONS,
    ConcernState,
    Move,
    Status,
    TransitionRefused,
    apply,
    available_moves,
)

NEW, OPEN, RESPONDED, PUBLISHED = Status.NEW, Status.OPEN, Status.RESPONDED, Status.PUBLISHED
CLOSED, MERGED, DECLINED = Status.CLOSED, Status.MERGED, Status.DECLINED

# The lifecycle as the plan writes it, kept apart from the module so a wrong row fails here.
ALLOWED: dict[tuple[Status, Move], Status] = {
    (NEW, Move.TRIAGE): OPEN,
    (NEW, Move.MERGE): MERGED,
    (NEW, Move.DECLINE): DECLINED,
    (OPEN, Move.REFER): OPEN,
    (OPEN, Move.ACCEPT_REFERRAL): OPEN,
    (OPEN, Move.REJECT_REFERRAL): OPEN,
    (OPEN, Move.WITHDRAW_REFERRAL): OPEN,
    (OPEN, Move.RESPOND): RESPONDED,
    (OPEN, Move.MERGE): MERGED,
    (OPEN, Move.DECLINE): DECLINED,
    (RESPONDED, Move.PUBLISH): PUBLISHED,
    (RESPONDED, Move.REOPEN): OPEN,
    (PUBLISHED, Move.PUBLISH): PUBLISHED,
    (PUBLISHED, Move.CLOSE): CLOSED,
    (PUBLISHED, Move.REOPEN): OPEN,
    (CLOSED, Move.REOPEN): OPEN,
    (DECLINED, Move.REOPEN): OPEN,
}

NEEDS: dict[Move, set[str]] = {
    Move.TRIAGE: {"lead_agency", "owner", "category", "priority"},
    Move.REFER: {"agency", "handed_over"},
    Move.ACCEPT_REFERRAL: set(),
    Move.REJECT_REFERRAL: {"note"},
    Move.WITHDRAW_REFERRAL: set(),
    Move.RESPOND: {"we_did"},
    Move.PUBLISH: {"we_did", "public_summary"},
    Move.CLOSE: set(),
    Move.MERGE: {"merge_into"},
    Move.DECLINE: {"reason"},
    Move.REOPEN: {"note"},
}

SHOWN_TO_THE_PUBLIC = {
    Move.REFER,
    Move.ACCEPT_REFERRAL,
    Move.PUBLISH,
    Move.MERGE,
    Move.DECLINE,
    Move.REOPEN,
}

LEAD, REFERRED = "Constabulary", "County Highways"
GOOD: dict[str, object] = {
    "lead_agency": "Northdown District Council",
    "owner": "Sam Patel",
    "category": "Speeding",
    "priority": "Safer roads",
    "agency": REFERRED,
    "handed_over": "Speed survey results for Mill Lane",
    "note": "Parish clerk reports the speeding continues",
    "we_did": "Two speed checks a week in May; 14 drivers prosecuted",
    "public_summary": "Speeding on Mill Lane near the school",
    "merge_into": 2,
    "merge_target_status": OPEN,
    "reason": "Parking on the verge is a matter for the district council: call 01234 567890",
}
REFERRAL_ANSWERS = (Move.ACCEPT_REFERRAL, Move.REJECT_REFERRAL, Move.WITHDRAW_REFERRAL)


def ready_for(status: Status, move: Move) -> ConcernState:
    """A concern in `status` whose state lets `move` through if its status does."""
    pending = REFERRED if status is OPEN and move in REFERRAL_ANSWERS else None
    return ConcernState(status, lead_agency=LEAD, pending_referral_to=pending, id=1)


def reachable_from_new() -> set[Status]:
    reached, frontier = {NEW}, [NEW]
    while frontier:
        status = frontier.pop()
        for (source, _), target in ALLOWED.items():
            if source is status and target not in reached:
                reached.add(target)
                frontier.append(target)
    return reached


class TestTheTable:
    @pytest.mark.parametrize(("status", "move"), list(itertools.product(Status, Move)))
    def test_every_status_and_move_is_allowed_or_refused_as_planned(self, status, move):
        state = ready_for(status, move)
        if (status, move) in ALLOWED:
            outcome = apply(state, move, GOOD)
            assert (outcome.move, outcome.source, outcome.target) == (
                move,
                status,
                ALLOWED[status, move],
            )
        else:
            with pytest.raises(TransitionRefused) as refused:
                apply(state, move, GOOD)
            assert str(refused.value).startswith(f"A concern that is {status} cannot be ")
            assert refused.value.field is None

    @pytest.mark.parametrize("move", list(Move))
    def test_each_move_needs_what_the_plan_says(self, move):
        assert set(TRANSITIONS[move].needs) == NEEDS[move]
        assert all(name in MISSING for name in TRANSITIONS[move].needs)

    @pytest.mark.parametrize("move", list(Move))
    def test_only_the_planned_moves_are_shown_to_the_public(self, move):
        state = ready_for(next(s for s in Status if (s, move) in ALLOWED), move)
        assert apply(state, move, GOOD).public is (move in SHOWN_TO_THE_PUBLIC)

    def test_every_move_has_its_own_button_words(self):
        labels = [row.label for row in TRANSITIONS.values()]
        assert all(labels) and len(set(labels)) == len(Move)

    def test_a_refusal_says_what_can_be_done_instead(self):
        with pytest.raises(TransitionRefused) as refused:
            apply(ConcernState(PUBLISHED), Move.TRIAGE, GOOD)
        assert str(refused.value) == (
            "A concern that is published cannot be triaged: "
            "it can be closed, published again or reopened."
        )

    def test_a_refusal_with_one_way_out_names_it(self):
        with pytest.raises(
            TransitionRefused, match=r"declined cannot be closed: it can be reopened\.$"
        ):
            apply(ConcernState(DECLINED), Move.CLOSE, {})

    def test_a_merged_concern_can_do_nothing_more(self):
        assert available_moves(ConcernState(MERGED)) == []
        with pytest.raises(TransitionRefused, match="nothing more can be done with it"):
            apply(ConcernState(MERGED), Move.REOPEN, GOOD)

    def test_a_status_read_from_storage_as_text_is_understood(self):
        assert apply(ConcernState("new"), "triage", GOOD).target is OPEN


class TestWhatAPageOffers:
    def test_a_new_concern_is_triaged_merged_or_declined(self):
        offered = [row.move for row in available_moves(ConcernState(NEW))]
        assert offered == [Move.TRIAGE, Move.MERGE, Move.DECLINE]

    def test_an_open_concern_without_a_referral_cannot_answer_one(self):
        offered = {row.move for row in available_moves(ConcernState(OPEN, LEAD))}
        assert offered == {Move.RESPOND, Move.REFER, Move.MERGE, Move.DECLINE}

    def test_an_open_concern_awaiting_a_referral_offers_only_its_answers_and_the_exits(self):
        state = ConcernState(OPEN, LEAD, pending_referral_to=REFERRED)
        offered = {row.move for row in available_moves(state)}
        assert offered == {*REFERRAL_ANSWERS, Move.MERGE, Move.DECLINE}

    @pytest.mark.parametrize(
        "state",
        [ConcernState(status, LEAD, id=1) for status in Status]
        + [ConcernState(OPEN, LEAD, pending_referral_to=REFERRED, id=1)],
    )
    def test_everything_offered_is_accepted(self, state):
        for row in available_moves(state):
            assert apply(state, row.move, GOOD).source is state.status


class TestReferral:
    def test_a_referral_waits_for_the_agency_and_leaves_the_lead_alone(self):
        outcome = apply(ConcernState(OPEN, LEAD), Move.REFER, GOOD)
        assert (outcome.lead_agency, outcome.pending_referral_to) == (LEAD, REFERRED)

    def test_accepting_makes_the_referred_agency_lead(self):
        state = ConcernState(OPEN, LEAD, pending_referral_to=REFERRED)
        outcome = apply(state, Move.ACCEPT_REFERRAL, {})
        assert (outcome.target, outcome.lead_agency, outcome.pending_referral_to) == (
            OPEN,
            REFERRED,
            None,
        )

    @pytest.mark.parametrize("move", [Move.REJECT_REFERRAL, Move.WITHDRAW_REFERRAL])
    def test_rejecting_or_withdrawing_ends_the_referral_and_keeps_the_lead(self, move):
        state = ConcernState(OPEN, LEAD, pending_referral_to=REFERRED)
        outcome = apply(state, move, {"note": "Not a highways matter"})
        assert (outcome.lead_agency, outcome.pending_referral_to) == (LEAD, None)

    def test_a_second_referral_waits_for_the_first_to_be_answered(self):
        state = ConcernState(OPEN, LEAD, pending_referral_to=REFERRED)
        with pytest.raises(
            TransitionRefused, match="already referred to County Highways"
        ) as refused:
            apply(state, Move.REFER, {**GOOD, "agency": "Northdown District Council"})
        assert refused.value.field is None

    def test_a_concern_cannot_be_referred_to_the_agency_that_leads_it(self):
        with pytest.raises(TransitionRefused, match="Constabulary already leads") as refused:
            apply(ConcernState(OPEN, LEAD), Move.REFER, {**GOOD, "agency": f" {LEAD} "})
        assert refused.value.field == "agency"

    @pytest.mark.parametrize("move", REFERRAL_ANSWERS)
    def test_there_is_nothing_to_answer_without_a_referral(self, move):
        with pytest.raises(TransitionRefused, match="no referral waiting"):
            apply(ConcernState(OPEN, LEAD), move, GOOD)

    def test_no_response_while_a_referral_is_waiting(self):
        state = ConcernState(OPEN, LEAD, pending_referral_to=REFERRED)
        with pytest.raises(TransitionRefused, match="waiting for County Highways"):
            apply(state, Move.RESPOND, GOOD)

    @pytest.mark.parametrize("move", [Move.MERGE, Move.DECLINE])
    def test_leaving_open_ends_a_waiting_referral(self, move):
        state = ConcernState(OPEN, LEAD, pending_referral_to=REFERRED, id=1)
        assert apply(state, move, GOOD).pending_referral_to is None


class TestTriage:
    def test_triage_sets_the_lead_agency(self):
        outcome = apply(ConcernState(NEW), Move.TRIAGE, {**GOOD, "lead_agency": "  Constabulary "})
        assert (outcome.lead_agency, outcome.pending_referral_to) == ("Constabulary", None)

    def test_an_agency_must_be_named_not_numbered(self):
        with pytest.raises(TransitionRefused, match="Say which agency leads") as refused:
            apply(ConcernState(NEW), Move.TRIAGE, {**GOOD, "lead_agency": 3})
        assert refused.value.field == "lead_agency"


class TestMerge:
    def merge(self, **changes):
        return apply(ConcernState(OPEN, LEAD, id=1), Move.MERGE, {**GOOD, **changes})

    @pytest.mark.parametrize("status", [NEW, OPEN, RESPONDED, PUBLISHED])
    def test_a_duplicate_merges_into_a_concern_still_being_dealt_with(self, status):
        assert self.merge(merge_target_status=status).target is MERGED

    def test_the_other_concerns_status_may_come_as_text(self):
        assert self.merge(merge_target_status="responded").target is MERGED

    @pytest.mark.parametrize("status", [MERGED, DECLINED, CLOSED])
    def test_a_concern_cannot_merge_into_one_that_is_finished(self, status):
        with pytest.raises(TransitionRefused, match=f"That concern is {status}") as refused:
            self.merge(merge_target_status=status)
        assert refused.value.field == "merge_into"

    def test_a_concern_cannot_merge_into_itself(self):
        with pytest.raises(TransitionRefused, match="into itself") as refused:
            self.merge(merge_into=1)
        assert refused.value.field == "merge_into"

    @pytest.mark.parametrize("into", ["2", True, 2.0])
    def test_the_other_concern_is_given_by_its_id(self, into):
        with pytest.raises(TransitionRefused, match="which concern this one duplicates"):
            self.merge(merge_into=into)

    @pytest.mark.parametrize("status", [None, "lost"])
    def test_a_concern_that_cannot_be_found_is_refused(self, status):
        with pytest.raises(TransitionRefused, match="no concern with that number"):
            self.merge(merge_target_status=status)


ABSENT = object()
NEEDED = [(move, name) for move, names in NEEDS.items() for name in sorted(names)]


@pytest.mark.parametrize(("move", "name"), NEEDED)
@pytest.mark.parametrize("value", [ABSENT, None, "", "  \n\t"])
def test_every_needed_value_must_be_given_and_not_blank(move, name, value):
    status = next(s for s in Status if (s, move) in ALLOWED)
    given = {key: item for key, item in GOOD.items() if key != name}
    if value is not ABSENT:
        given[name] = value
    with pytest.raises(TransitionRefused) as refused:
        apply(ready_for(status, move), move, given)
    assert refused.value.field == name
    assert str(refused.value) == MISSING[name]


@st.composite
def walks(draw):
    """A concern pushed through up to 40 tries at random moves, some with a value left blank."""
    state, seen = ConcernState(NEW, id=1), []
    for _ in range(draw(st.integers(0, 40))):
        move = draw(st.sampled_from(list(Move)))
        given = dict(GOOD, agency=draw(st.sampled_from([LEAD, REFERRED, "Parish Council"])))
        if draw(st.booleans()):
            given[draw(st.sampled_from(sorted(GOOD)))] = " "
        try:
            outcome = apply(state, move, given)
        except TransitionRefused:
            continue
        seen.append((state, outcome))
        state = ConcernState(outcome.target, outcome.lead_agency, outcome.pending_referral_to, 1)
    return seen


@settings(max_examples=300, deadline=None)
@given(walks())
def test_any_walk_from_new_stays_on_the_planned_paths(steps):
    reachable = reachable_from_new()
    for before, outcome in steps:
        if outcome.move is Move.REOPEN and before.lead_agency is None:
            assert outcome.target is NEW  # never triaged: reopening sends it to triage
        else:
            assert ALLOWED[before.status, outcome.move] is outcome.target
        assert outcome.target in reachable
        assert before.status is not MERGED
        if outcome.pending_referral_to is not None:
            assert outcome.target is OPEN
        if outcome.move not in (Move.TRIAGE, Move.ACCEPT_REFERRAL):
            assert outcome.lead_agency == before.lead_agency


def test_reopening_a_concern_that_was_never_triaged_sends_it_to_triage():
    declined = apply(ConcernState(NEW), Move.DECLINE, {"reason": "Call 101"})
    reopened = apply(ConcernState(declined.target), Move.REOPEN, {"note": "It is ours"})
    assert reopened.target is NEW
    assert apply(ConcernState(DECLINED, LEAD), Move.REOPEN, {"note": "Again"}).target is OPEN
