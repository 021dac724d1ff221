"""Moves the casework pages refuse whatever the form says: one not allowed to this person or in
this state (403, 400, never offered), a clash with someone else's change (409), and tampered
input (400, nothing changed). Moves made are in test_moves.py."""

from __future__ import annotations

import pytest

from engage.auth.permissions import Role
from engage.concerns.workflow import Status
from tests.concern_factories import concern, triage_values
from tests.integration.concerns.moves import move, url
from tests.reading import text_of

# Not allowed ----------------------------------------------------------------------------------


def test_a_clerk_who_follows_a_concern_may_not_make_moves(sign_in):
    item = concern()
    clerk = sign_in(Role.PARISH, parishes=[item.parish])

    response = move(clerk, item, "triage", triage_values(clerk.user))

    assert response.status_code == 403
    assert item.status is Status.NEW


def test_a_new_concern_offers_only_its_moves(staff):
    item = concern()

    shown = staff.get(url(item)).get_data(as_text=True)

    for offered in ("triage", "merge", "decline"):
        assert f'href="{url(item, offered)}"' in shown
    for refused in ("respond", "publish", "close", "reopen", "refer"):
        assert f'href="{url(item, refused)}"' not in shown


def test_asking_for_a_move_that_is_not_allowed_goes_back_saying_why(staff):
    item = concern()

    response = staff.get(url(item, "publish"), follow_redirects=True)

    assert response.request.path == url(item)
    assert "A concern that is new cannot be published" in text_of(response)


def test_sending_a_move_that_is_not_allowed_is_refused_on_the_form(staff):
    item = concern()

    response = move(staff, item, "close", {"note": "closing"})

    assert response.status_code == 400
    assert "A concern that is new cannot be closed" in text_of(response)
    assert item.status is Status.NEW


def test_a_missing_version_is_refused(staff):
    item = concern(status=Status.OPEN)

    response = staff.submit(url(item, "respond"), {"we_did": "Typed"}, page=url(item))

    assert response.status_code == 400
    assert "This form is out of date" in text_of(response)


# Two people at once ---------------------------------------------------------------------------


def test_the_second_of_two_changes_gets_409_with_the_newer_state_and_what_they_typed(
    staff, sign_in
):
    item = concern(status=Status.OPEN)
    colleague = sign_in(Role.STAFF, name="Cath Colleague")
    loaded = item.version
    move(colleague, item, "hold", {"note": "Asked the raiser which road"})

    response = staff.submit(
        url(item, "respond"),
        {"version": loaded, "we_did": "My careful draft"},
        page=url(item),
    )

    assert response.status_code == 409
    shown = text_of(response)
    assert "was changed by someone else while you were working on it" in shown
    assert "My careful draft" in response.get_data(as_text=True)
    assert "hold by Cath Colleague" in shown
    assert item.status is Status.OPEN and item.we_did_draft == ""
    assert f'name="version" type="hidden" value="{item.version}"' in response.get_data(as_text=True)


def test_a_clash_on_a_move_no_longer_possible_says_why_and_offers_no_button(staff, sign_in):
    item = concern()
    colleague = sign_in(Role.STAFF)
    loaded = item.version
    move(colleague, item, "triage", triage_values(colleague.user))

    response = staff.submit(
        url(item, "triage"),
        {**triage_values(staff.user, note="My own triage"), "version": loaded},
        page=url(item),
    )

    assert response.status_code == 409
    assert "My own triage" in response.get_data(as_text=True)
    assert "A concern that is open cannot be triaged" in text_of(response)
    assert 'value="Triage concern"' not in response.get_data(as_text=True)
    assert item.owner_id == colleague.user.id


def test_hold_on_a_stale_page_gets_409(staff, sign_in):
    item = concern(status=Status.OPEN)
    loaded = item.version
    move(sign_in(Role.STAFF), item, "respond", {"we_did": "Done"})

    response = staff.submit(
        url(item, "hold"), {"version": loaded, "note": "Waiting"}, page=url(item)
    )

    assert response.status_code == 409
    assert "Waiting" in response.get_data(as_text=True)


# Tampered input -------------------------------------------------------------------------------

GARBAGE = {
    "version": "²",
    "lead_agency": "1e309",
    "owner": "99999999999999999999",
    "category": "-1",
    "priority": "NaN",
    "agency": "not-a-number",
    "handed_over": "\x00",
    "we_did": "x" * 6000,
    "public_summary": "\x07bell",
    "merge_into": "9" * 20,
    "reason": "",
    "note": "\x00",
    "checked": "maybe",
}


@pytest.mark.parametrize(
    "status, name",
    [
        (Status.NEW, "triage"),
        (Status.OPEN, "refer"),
        (Status.OPEN, "respond"),
        (Status.RESPONDED, "publish"),
        (Status.NEW, "merge"),
        (Status.NEW, "decline"),
        (Status.PUBLISHED, "close"),
        (Status.PUBLISHED, "reopen"),
        (Status.OPEN, "hold"),
        (Status.OPEN, "resume"),
    ],
)
def test_tampered_input_on_any_move_is_refused_and_changes_nothing(staff, status, name):
    item = concern(status=status)
    before = item.version

    response = staff.submit(url(item, name), GARBAGE, page=url(item))

    assert response.status_code == 400
    assert "There is a problem" in text_of(response)
    assert (item.status, item.version) == (status, before)


def test_withdrawing_a_referral_that_is_not_there_is_refused(staff):
    item = concern(status=Status.OPEN)

    assert staff.get(url(item, "withdraw-referral")).status_code == 302
    response = move(staff, item, "withdraw-referral", {"note": "typed"})

    assert response.status_code == 400
    assert "This concern has no referral waiting for an answer" in text_of(response)
