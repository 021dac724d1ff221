"""What clerks, partners and the office follow, the referred agency's answer to a referral, and
"this is not resolved" from a clerk with staff's decision on it either way."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.auth.permissions import Role
from engage.concerns.models import (
    ConcernAction,
    ConcernEvent,
    ConcernSource,
    ReferralState,
    ReopenRequest,
)
from engage.concerns.services import apply_move
from engage.concerns.workflow import Move, Status
from engage.core.dates import today
from engage.extensions import db
from tests.concern_factories import COUNCIL, concern, parish
from tests.concern_factories import staff as office_member
from tests.factories import agency, parishes
from tests.reading import text_of


def version_on(page) -> str:
    match = re.search(r'name="version"[^>]*value="([^"]*)"', page.get_data(as_text=True))
    assert match, "no version on the page"
    return match.group(1)


def refer(case, to: str = COUNCIL, handed_over: str = "The street lighting on Church Road"):
    return apply_move(
        case.id,
        Move.REFER,
        {"agency": agency(to).id, "handed_over": handed_over},
        actor=office_member(),
        today=today(),
    )


def events(case, move: str) -> list[ConcernEvent]:
    query = select(ConcernEvent).where(
        ConcernEvent.concern_id == case.id, ConcernEvent.move == move
    )
    return list(db.session.scalars(query))


@pytest.fixture
def two_parishes():
    return parishes()


@pytest.fixture
def clerk(sign_in, two_parishes):
    return sign_in(Role.PARISH, parishes=[two_parishes[0]])


# Who follows what ----------------------------------------------------------------------------


def test_a_clerk_follows_every_concern_of_their_parishes_and_no_other(clerk, two_parishes):
    mine, other = two_parishes
    online = concern(mine, source=ConcernSource.ONLINE, raiser_email="ann@resident.example")
    by_staff = concern(mine, Status.OPEN, logged_by=office_member())
    elsewhere = concern(other, Status.OPEN, raised_text="Private matter in the other parish")

    response = clerk.get("/concerns/mine")

    assert response.status_code == 200
    page = text_of(response)
    assert online.reference in page and by_staff.reference in page
    assert elsewhere.reference not in page
    assert mine.name in page and other.name not in page
    assert "Triaged" in page  # the latest update of the one staff triaged
    assert clerk.get(f"/concerns/{elsewhere.id}").status_code == 404
    assert clerk.get(f"/concerns/{online.id}").status_code == 200


def test_a_clerk_with_no_parishes_follows_nothing(sign_in, two_parishes):
    concern(two_parishes[0])
    nobody = sign_in(Role.PARISH, parishes=[])

    assert "No concerns to show" in text_of(nobody.get("/concerns/mine"))


def test_a_partner_follows_what_their_agency_leads_acts_on_or_is_referred(police, council):
    led = concern(parish(), Status.OPEN)  # the factory's triage makes the police lead
    acted = concern(parish(), Status.OPEN)
    db.session.add(
        ConcernAction(concern_id=acted.id, agency_id=agency(COUNCIL).id, description="Fix")
    )
    db.session.commit()
    referred = refer(concern(parish(), Status.OPEN))
    untouched = concern(parish(), Status.NEW)

    page = text_of(council.get("/concerns/mine"))

    assert acted.reference in page and referred.reference in page
    assert led.reference not in page and untouched.reference not in page
    assert "Referrals waiting for your answer" in page
    assert led.reference in text_of(police.get("/concerns/mine"))


def test_the_office_follows_the_concerns_they_own(staff):
    owned = concern(parish(), Status.OPEN, actor=staff.user)
    someone_elses = concern(parish(), Status.OPEN)

    page = text_of(staff.get("/concerns/mine"))

    assert owned.reference in page and someone_elses.reference not in page


def test_the_list_filters_by_status_and_refuses_a_made_up_one(clerk, two_parishes):
    new = concern(two_parishes[0])
    opened = concern(two_parishes[0], Status.OPEN)

    page = text_of(clerk.get("/concerns/mine?status=open"))
    assert opened.reference in page and new.reference not in page
    refused = clerk.get("/concerns/mine?status=lost&page=-3")
    assert refused.status_code == 400
    assert "Choose a status from the list" in text_of(refused)


def test_a_long_list_is_paged(clerk, two_parishes):
    for _ in range(51):
        concern(two_parishes[0])

    first = text_of(clerk.get("/concerns/mine"))
    second = text_of(clerk.get("/concerns/mine?page=2"))

    assert "51 concerns (page 1 of 2)" in first
    assert "51 concerns (page 2 of 2)" in second


# Referrals -----------------------------------------------------------------------------------


def test_accepting_a_referral_makes_the_agency_lead(council):
    case = refer(concern(parish(), Status.OPEN))
    url = f"/concerns/{case.id}/referral"
    form = council.get(url)
    assert "The street lighting on Church Road" in text_of(form)

    response = council.submit(url, {"answer": "accept", "note": "", "version": version_on(form)})

    assert response.status_code == 302
    assert case.lead_agency.code == COUNCIL
    assert case.pending_referral is None
    assert case.referrals[-1].state is ReferralState.ACCEPTED
    assert events(case, str(Move.ACCEPT_REFERRAL))[-1].public is True
    assert "Gloucestershire County Council now leads on" in text_of(
        council.get(f"/concerns/{case.id}")
    )


def test_rejecting_a_referral_needs_a_reason_and_leaves_the_lead(council):
    case = refer(concern(parish(), Status.OPEN))
    url = f"/concerns/{case.id}/referral"
    version = version_on(council.get(url))

    blank = council.submit(url, {"answer": "reject", "note": " ", "version": version})
    assert blank.status_code == 400
    assert "Say why your agency will not lead on it" in text_of(blank)
    unanswered = council.submit(url, {"note": "Typed before choosing", "version": version})
    assert unanswered.status_code == 400
    assert "Say whether your agency will lead on this concern" in text_of(unanswered)
    assert "Typed before choosing" in unanswered.get_data(as_text=True)

    response = council.submit(
        url, {"answer": "reject", "note": "Not a county road", "version": version}
    )

    assert response.status_code == 302
    assert case.lead_agency.code == "glos-police"
    assert case.referrals[-1].state is ReferralState.REJECTED
    assert case.referrals[-1].note == "Not a county road"


def test_only_the_referred_agency_or_the_office_answers_a_referral(police, staff):
    case = refer(concern(parish(), Status.OPEN))
    url = f"/concerns/{case.id}/referral"

    assert police.get(url).status_code == 403  # the police lead it, so they see it
    version = version_on(staff.get(url))
    response = staff.submit(url, {"answer": "accept", "version": version})
    assert response.status_code == 302
    assert case.lead_agency.code == COUNCIL


def test_an_answer_on_an_out_of_date_page_is_refused_with_the_newer_state(council):
    case = refer(concern(parish(), Status.OPEN))
    url = f"/concerns/{case.id}/referral"
    old = version_on(council.get(url))
    case.hidden = True  # someone else changes the concern meanwhile
    db.session.commit()

    response = council.submit(url, {"answer": "reject", "note": "Not ours", "version": old})

    assert response.status_code == 409
    page = text_of(response)
    assert "was changed by someone else while you were working on it" in page
    assert "as it stands now" in page
    assert "Not ours" in response.get_data(as_text=True)
    assert case.pending_referral is not None
    again = council.submit(
        url, {"answer": "reject", "note": "Not ours", "version": version_on(response)}
    )
    assert again.status_code == 302


def test_a_referral_already_answered_is_shown_as_it_stands(council, staff):
    case = refer(concern(parish(), Status.OPEN))
    url = f"/concerns/{case.id}/referral"
    version = version_on(council.get(url))
    staff.submit(url, {"answer": "accept", "version": version})

    response = council.submit(url, {"answer": "reject", "note": "Too late", "version": version})

    assert response.status_code == 409
    assert "There is no referral of" in text_of(response)
    assert case.lead_agency.code == COUNCIL


# "This is not resolved" ----------------------------------------------------------------------


@pytest.fixture
def answered(two_parishes):
    return concern(two_parishes[0], Status.PUBLISHED)


def ask(clerk, case, reason="The cars are still speeding every morning"):
    url = f"/concerns/{case.id}/not-resolved"
    return clerk.submit(url, {"reason": reason})


def request_on(case) -> ReopenRequest:
    return db.session.scalar(select(ReopenRequest).where(ReopenRequest.concern_id == case.id))


def decision_url(asked: ReopenRequest) -> str:
    return f"/concerns/reopen-requests/{asked.id}"


def decide(staff, asked: ReopenRequest, decision: str, note: str):
    """Send staff's decision as the page would, with the concern's version as it stands."""
    url = decision_url(asked)
    return staff.submit(
        url, {"decision": decision, "note": note, "version": version_on(staff.get(url))}
    )


def test_a_clerk_says_it_is_not_resolved_and_staff_reopen_it(clerk, staff, answered):
    case_page = clerk.get(f"/concerns/{answered.id}").get_data(as_text=True)
    assert f"/concerns/{answered.id}/not-resolved" in case_page

    assert ask(clerk, answered).status_code == 302

    asked = request_on(answered)
    assert asked.requested_by_id == clerk.user.id and asked.decision is None
    staff_view = staff.get(f"/concerns/{answered.id}")
    assert "The cars are still speeding every morning" in text_of(staff_view)
    assert decision_url(asked) in staff_view.get_data(as_text=True)

    response = decide(staff, asked, "reopen", "We will look again")

    assert response.status_code == 302
    assert answered.status is Status.OPEN
    db.session.refresh(asked)
    assert (asked.decision, asked.decision_note) == ("reopened", "We will look again")
    assert events(answered, str(Move.REOPEN))[-1].note == "We will look again"


def test_staff_keep_it_as_it_is_with_a_note_recorded_as_an_event(clerk, staff, answered):
    ask(clerk, answered)
    asked = request_on(answered)
    response = decide(staff, asked, "keep", "Speed checks found no speeding")

    assert response.status_code == 302
    assert answered.status is Status.PUBLISHED
    db.session.refresh(asked)
    assert asked.decision == "kept" and asked.decided_by_id == staff.user.id
    kept = events(answered, "kept as it is")[-1]
    assert (kept.note, kept.actor_id, kept.public) == (
        "Speed checks found no speeding",
        staff.user.id,
        True,
    )
    assert "Decision Kept as it is" in text_of(staff.get(decision_url(asked)))


def test_a_decision_needs_a_choice_and_a_note_and_keeps_the_typing(clerk, staff, answered):
    ask(clerk, answered)
    asked = request_on(answered)
    url = decision_url(asked)
    version = version_on(staff.get(url))

    no_choice = staff.submit(url, {"note": "Half a thought", "version": version})
    no_note = staff.submit(url, {"decision": "keep", "note": "", "version": version})

    assert no_choice.status_code == no_note.status_code == 400
    assert "Choose whether to reopen the concern or keep it as it is" in text_of(no_choice)
    assert "Half a thought" in no_choice.get_data(as_text=True)
    assert "Say why: the person who asked will read it" in text_of(no_note)
    assert asked.decision is None


def test_a_decision_on_an_out_of_date_page_is_refused(clerk, staff, answered):
    ask(clerk, answered)
    asked = request_on(answered)
    url = decision_url(asked)
    old = version_on(staff.get(url))
    answered.hidden = True  # someone else changes the concern meanwhile
    db.session.commit()

    response = staff.submit(url, {"decision": "reopen", "note": "Look again", "version": old})

    assert response.status_code == 409
    assert "as it stands now" in text_of(response)
    assert answered.status is Status.PUBLISHED


def test_a_clerk_must_say_what_is_not_resolved(clerk, answered):
    response = ask(clerk, answered, reason="   ")

    assert response.status_code == 400
    assert "Say what is not resolved" in text_of(response)
    too_long = ask(clerk, answered, reason="Still speeding. " * 400)
    assert too_long.status_code == 400
    assert "5,000 characters or fewer" in text_of(too_long)
    assert "Still speeding. Still speeding." in too_long.get_data(as_text=True)


def test_a_clerk_asks_only_once_while_staff_decide(clerk, answered):
    ask(clerk, answered)

    again = ask(clerk, answered)

    assert again.status_code == 400
    assert "You have already asked for this concern to be looked at again" in text_of(again)


def test_a_concern_still_being_dealt_with_cannot_be_questioned_yet(clerk, two_parishes):
    case = concern(two_parishes[0], Status.OPEN)
    url = f"/concerns/{case.id}/not-resolved"

    assert "It is still being dealt with" in text_of(clerk.get(url))
    response = clerk.submit(url, {"reason": "Nothing has happened"}, page="/concerns/mine")
    assert response.status_code == 409
    assert db.session.scalar(select(ReopenRequest)) is None


def test_a_clerk_of_another_parish_cannot_find_the_concern(sign_in, two_parishes, answered):
    outsider = sign_in(Role.PARISH, parishes=[two_parishes[1]])

    assert outsider.get(f"/concerns/{answered.id}/not-resolved").status_code == 404
    response = outsider.submit(
        f"/concerns/{answered.id}/not-resolved", {"reason": "x"}, page="/concerns/mine"
    )
    assert response.status_code == 404


def test_only_the_office_decides_on_a_request(clerk, police, answered):
    ask(clerk, answered)
    asked = request_on(answered)

    assert clerk.get(f"/concerns/reopen-requests/{asked.id}").status_code == 403
    assert police.get(f"/concerns/reopen-requests/{asked.id}").status_code == 403
