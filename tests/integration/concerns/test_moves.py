"""Staff move concerns through their lifecycle on the casework pages: every move through HTTP,
its refusals on the form (400, typed text kept), and the mail a move owes. Moves refused
whatever is typed (not allowed, stale or tampered) are in test_moves_refused.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engage.auth.permissions import Role
from engage.concerns.casework import clock_rows
from engage.concerns.models import ReferralState
from engage.concerns.workflow import Status
from engage.core.dates import today
from tests.concern_factories import clerk_for, concern, parish, priority, triage_values
from tests.factories import agency
from tests.integration.concerns.moves import events, move, url
from tests.reading import text_of

# Triage -------------------------------------------------------------------------------------


def test_triage_records_the_lead_agency_owner_category_and_priority(staff):
    item = concern()
    page = staff.get(url(item, "triage"))
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Triage</h1>' in page.get_data(as_text=True)

    response = move(staff, item, "triage", triage_values(staff.user))

    assert response.status_code == 302
    assert response.headers["Location"] == url(item)
    assert item.status is Status.OPEN
    assert item.lead_agency == agency()
    assert item.owner_id == staff.user.id
    assert item.priority == priority()
    assert events(item) == ["logged", "triage"]
    assert f"{item.reference} has been triaged" in text_of(staff.get(url(item)))


def test_triage_without_its_choices_says_what_is_missing_and_keeps_the_note(staff):
    item = concern()

    response = move(staff, item, "triage", {"note": "Keep this note"})

    assert response.status_code == 400
    shown = text_of(response)
    for message in (
        "Choose the agency that leads",
        "Choose who owns the concern",
        "Choose a category",
        "Choose the plan priority it falls under",
    ):
        assert message in shown
    assert "Keep this note" in response.get_data(as_text=True)
    assert item.status is Status.NEW


def test_triage_refuses_an_owner_who_is_not_offered(staff, sign_in):
    item = concern()
    clerk = sign_in(Role.PARISH).user

    response = move(staff, item, "triage", triage_values(clerk))

    assert response.status_code == 400
    assert "Choose who owns the concern" in text_of(response)


def test_triage_with_consent_sends_the_acknowledgement(staff, outbox):
    item = concern(consent_contact=True, raiser_email="ann@resident.example", raiser_name="Ann")

    move(staff, item, "triage", triage_values(staff.user))

    message = outbox.last_to("ann@resident.example")
    assert item.reference in message["Subject"]
    assert "/concerns/follow/" in message.get_content()


def test_triage_without_consent_sends_nothing(staff, outbox):
    item = concern(consent_contact=False, raiser_email="bob@resident.example")

    move(staff, item, "triage", triage_values(staff.user))

    assert [m for m in outbox if "bob@resident.example" in m["To"]] == []


# Referral -----------------------------------------------------------------------------------


def test_refer_hands_over_to_another_agency_and_withdraw_takes_it_back(staff):
    item = concern(status=Status.OPEN)
    county = agency("glos-county-council")

    response = move(staff, item, "refer", {"agency": county.id, "handed_over": "Speed survey data"})

    assert response.status_code == 302
    assert item.pending_referral.to_agency == county
    assert item.pending_referral.handed_over == "Speed survey data"
    assert item.status is Status.OPEN
    again = staff.get(url(item, "refer"))
    assert again.status_code == 302  # not offered while a referral waits
    assert "already referred" in text_of(staff.get(url(item)))

    assert move(staff, item, "withdraw-referral", {"note": "Sorted locally"}).status_code == 302
    assert item.referrals[0].state is ReferralState.WITHDRAWN
    assert item.pending_referral is None


def test_refer_does_not_offer_the_lead_agency_and_needs_what_is_handed_over(staff):
    item = concern(status=Status.OPEN)
    page = staff.get(url(item, "refer")).get_data(as_text=True)
    assert f'value="{agency().id}"' not in page

    response = move(staff, item, "refer", {"agency": agency().id, "note": "My note"})

    assert response.status_code == 400
    shown = text_of(response)
    assert "Choose the agency it is referred to" in shown
    assert "Say what is handed over to the agency" in shown
    assert "My note" in shown


# Respond, publish, close ----------------------------------------------------------------------


def test_respond_records_the_draft_and_mails_the_clerk_who_logged_it(staff, outbox):
    clerk = clerk_for(parish(), email="clerk@parish.example")
    item = concern(status=Status.OPEN, logged_by=clerk)

    response = move(staff, item, "respond", {"we_did": "Officers ran speed checks."})

    assert response.status_code == 302
    assert item.status is Status.RESPONDED
    assert item.we_did_draft == "Officers ran speed checks."
    message = outbox.last_to("clerk@parish.example")
    assert "has been responded" in message["Subject"]
    assert f"/concerns/{item.id}" in message.get_content()


def test_respond_without_text_is_refused(staff):
    item = concern(status=Status.OPEN)

    response = move(staff, item, "respond", {"we_did": "  ", "note": "typed"})

    assert response.status_code == 400
    assert "Write what we did" in text_of(response)
    assert item.status is Status.OPEN


def test_publishing_twice_makes_two_versions_and_both_are_listed(staff, outbox):
    clerk = clerk_for(parish(), email="clerk2@parish.example")
    item = concern(status=Status.OPEN, logged_by=clerk)
    move(staff, item, "respond", {"we_did": "Checks."})

    first = move(
        staff, item, "publish", {"public_summary": "Speeding by the school.", "we_did": "Checks."}
    )
    assert first.status_code == 302
    assert item.status is Status.PUBLISHED
    assert "has been published" in outbox.last_to("clerk2@parish.example")["Subject"]
    second = move(
        staff,
        item,
        "publish",
        {"public_summary": "Speeding by the school.", "we_did": "Checks, and a camera van."},
    )

    assert second.status_code == 302
    assert [version.number for version in item.we_did_versions] == [1, 2]
    case = text_of(staff.get(url(item)))
    assert "Signed-off versions" in case
    assert "Checks, and a camera van." in case
    assert case.count(f"by {staff.user.name}") >= 2


def test_the_publish_page_flags_personal_data_and_refuses_until_it_is_checked(staff):
    item = concern(
        status=Status.RESPONDED,
        given={"respond": {"we_did": "We rang Ann on 07700 900123 about AB12 CDE."}},
    )
    page = staff.get(url(item, "publish"))
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert '<mark title="Looks like a phone number">07700 900123</mark>' in shown
    assert "vehicle registration" in shown

    refused = move(
        staff,
        item,
        "publish",
        {"public_summary": "Speeding", "we_did": "We rang Ann on 07700 900123 about AB12 CDE."},
    )
    assert refused.status_code == 400
    assert "tick to confirm you have checked it is not personal data" in text_of(refused)
    assert "07700 900123" in refused.get_data(as_text=True)
    assert item.status is Status.RESPONDED

    checked = move(
        staff,
        item,
        "publish",
        {"public_summary": "Speeding", "we_did": "Call 01452 726920 for updates.", "checked": "y"},
    )
    assert checked.status_code == 302
    assert item.status is Status.PUBLISHED


def test_remove_flagged_text_fills_the_fields_with_the_redacted_text(staff):
    item = concern(status=Status.RESPONDED)

    response = move(
        staff,
        item,
        "publish",
        {
            "public_summary": "Cars parked at 12 Acacia Avenue",
            "we_did": "E-mailed ann@resident.example",
            "redact": "Remove flagged text",
        },
    )

    assert response.status_code == 200
    shown = response.get_data(as_text=True)
    assert "Cars parked at [removed: house number and street]" in shown
    assert "E-mailed [removed: email address]" in shown
    assert "ann@resident.example" not in shown
    assert item.status is Status.RESPONDED


def test_a_concern_without_consent_to_publish_says_it_is_never_shown_publicly(staff):
    item = concern(status=Status.RESPONDED, consent_publish=False)

    assert "never be shown on the public board" in text_of(staff.get(url(item, "publish")))
    assert "it is never shown on the public board" in text_of(staff.get(url(item)))


def test_close_a_published_concern(staff):
    item = concern(status=Status.PUBLISHED)

    assert move(staff, item, "close").status_code == 302
    assert item.status is Status.CLOSED


# Merge, decline, reopen -----------------------------------------------------------------------


def test_merge_suggests_similar_open_concerns_and_keeps_the_original(staff):
    survivor = concern(raised_text="Speeding lorries on Church Road near the school")
    duplicate = concern(raised_text="Lorries speeding down Church Road by the school")

    page = text_of(staff.get(url(duplicate, "merge")))
    assert f"Merge into {survivor.reference}" in page

    response = move(staff, duplicate, "merge", {"merge_into": survivor.reference.lower()})

    assert response.status_code == 302
    assert duplicate.status is Status.MERGED
    assert duplicate.merged_into_id == survivor.id
    case = text_of(staff.get(url(survivor)))
    assert "Raised by 2 residents by phone" in case
    assert duplicate.reference in case


@pytest.mark.parametrize(
    "target, message",
    [
        ("self", "A concern cannot be merged into itself"),
        ("C-1999-99999", "There is no concern C-1999-99999"),
        ("", "Give the reference of the concern this one duplicates"),
    ],
)
def test_merge_refusals_go_back_on_the_field(staff, target, message):
    item = concern()

    response = move(
        staff,
        item,
        "merge",
        {"merge_into": item.reference if target == "self" else target, "note": "typed"},
    )

    assert response.status_code == 400
    assert message in text_of(response)
    assert 'id="merge_into-error"' in response.get_data(as_text=True)
    assert item.status is Status.NEW


def test_decline_gives_a_public_reason(staff):
    item = concern()
    reason = "Parking on the highway is for the district council: report it to them."

    assert move(staff, item, "decline", {"reason": reason}).status_code == 302
    assert item.status is Status.DECLINED
    assert item.decline_reason == reason
    refused = move(staff, concern(), "decline", {"reason": ""})
    assert refused.status_code == 400
    assert "Give a public reason that says where to go instead" in text_of(refused)


def test_reopen_needs_a_note(staff):
    item = concern(status=Status.PUBLISHED)

    refused = move(staff, item, "reopen", {"note": ""})
    assert refused.status_code == 400
    assert "Add a note saying why it is reopened" in text_of(refused)

    assert move(staff, item, "reopen", {"note": "Still speeding"}).status_code == 302
    assert item.status is Status.OPEN


# Waiting for the raiser -----------------------------------------------------------------------


def test_hold_pauses_the_clocks_and_resume_restarts_them(staff):
    item = concern(status=Status.OPEN)

    response = move(staff, item, "hold", {"note": "Asked which road"})

    assert response.status_code == 302
    rows = clock_rows(item.id, today())
    running = [row for row in rows if row.running]
    assert running and all(row.paused for row in running)
    assert events(item)[-1] == "hold"
    assert "Paused: waiting for the raiser" in text_of(staff.get(url(item)))
    assert staff.get(url(item, "hold")).status_code == 302  # nothing left to pause

    assert move(staff, item, "resume").status_code == 302
    assert not any(row.paused for row in clock_rows(item.id, today()))
    assert events(item)[-1] == "resume"


def test_hold_needs_a_note_and_resume_needs_a_paused_clock(staff):
    item = concern(status=Status.OPEN)

    refused = move(staff, item, "hold", {"note": ""})
    assert refused.status_code == 400
    assert "Say what information we are waiting for from the raiser" in text_of(refused)

    nothing = move(staff, item, "resume")
    assert nothing.status_code == 400
    assert "No clock is paused on this concern" in text_of(nothing)


def test_a_concern_triaged_late_shows_its_missed_and_overdue_promises(staff):
    item = concern(today=today() - timedelta(days=60))

    move(staff, item, "triage", triage_values(staff.user))
    shown = text_of(staff.get(url(item)))

    assert "Missed by" in shown  # the acknowledgement, fixed when triage stopped it
    assert "Overdue by" in shown  # the first update and the response, still running
