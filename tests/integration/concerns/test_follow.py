"""The raiser's private link: where their concern stands, its public updates and the signed-off
answer, never a staff note or anyone's personal details; and "this is not resolved" from it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.auth.permissions import Role
from engage.concerns.models import ConcernEvent, ReopenRequest
from engage.concerns.services import apply_move, follow_link_secret
from engage.concerns.workflow import Move, Status
from engage.core.dates import today
from engage.extensions import db
from tests.concern_factories import concern, parish
from tests.concern_factories import staff as office_member
from tests.factories import agency
from tests.reading import text_of

RAISED = "Vans park on the pavement outside number 12 Mill Lane every night"
EMAIL = "mary.smith@resident.example"
STAFF_NOTE = "Raiser phoned three times, sounded upset"


def with_link(case) -> str:
    """Give the concern a follow link, as triage does, and return its address."""
    secret = follow_link_secret(case)
    db.session.commit()
    return f"/concerns/follow/{secret}"


def raised(status: Status, given: dict | None = None):
    return concern(
        parish(),
        status,
        raised_text=RAISED,
        raiser_name="Mary Smith",
        raiser_email=EMAIL,
        raiser_phone="07700 900123",
        consent_contact=False,  # no acknowledgement mail here: the test makes the link
        given=given,
    )


@pytest.fixture
def published():
    return raised(
        Status.PUBLISHED,
        {
            Move.TRIAGE: {"note": STAFF_NOTE},
            Move.RESPOND: {"we_did": "Draft wording", "note": "Internal: checked with sergeant"},
            Move.PUBLISH: {
                "public_summary": "Pavement parking on Mill Lane at night.",
                "we_did": "Officers spoke to the van owners; the parking has stopped.",
            },
        },
    )


def test_the_link_shows_status_public_updates_and_the_answer_only(client, published):
    staff = office_member()
    apply_move(
        published.id,
        Move.REOPEN,
        {"note": "Looking again", "public": False},
        actor=staff,
        today=today(),
    )
    apply_move(
        published.id,
        Move.REFER,
        {"agency": agency("glos-county-council").id, "handed_over": "Dropped kerbs on Mill Lane"},
        actor=staff,
        today=today(),
    )
    url = with_link(published)

    response = client.get(url)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text_of(response)
    assert f"Your concern {published.reference}" in page
    assert "Being looked into" in page
    assert "Referred to Gloucestershire County Council: Dropped kerbs on Mill Lane" in page
    assert "Published" in page
    html = response.get_data(as_text=True)
    for private in (RAISED, EMAIL, "Mary Smith", "07700", STAFF_NOTE, "Internal", "Looking again"):
        assert private not in html, private
    assert "Draft wording" not in html


def test_a_published_answer_is_shown_beside_what_was_said(client, published):
    page = text_of(client.get(with_link(published)))

    assert "You said Pavement parking on Mill Lane at night." in page
    assert "We did Officers spoke to the van owners; the parking has stopped." in page
    assert "Answered: what we did is below." in page


def test_a_declined_concern_says_where_to_go_instead(client):
    declined = raised(Status.DECLINED)

    page = text_of(client.get(with_link(declined)))

    assert "Where to go instead This is a matter for the district council" in page


def test_a_wrong_secret_is_not_found_and_guessing_is_limited(client, published):
    with_link(published)

    assert client.get("/concerns/follow/not-the-secret").status_code == 404
    statuses = [client.get(f"/concerns/follow/guess-{number}").status_code for number in range(10)]
    assert statuses == [404] * 9 + [429]


def test_the_raiser_says_it_is_not_resolved_and_staff_see_it(client, sign_in, published):
    url = with_link(published)

    response = client.submit(url, {"reason": "The vans are back every night"})

    assert response.status_code == 302
    asked = db.session.scalar(select(ReopenRequest).where(ReopenRequest.concern_id == published.id))
    assert (asked.requested_by_id, asked.reason) == (None, "The vans are back every night")
    page = text_of(client.get(url))
    assert "You have asked for it to be looked at again" in page
    staff_view = text_of(sign_in(Role.STAFF).get(f"/concerns/{published.id}"))
    assert "The person who raised it" in staff_view
    assert "The vans are back every night" in staff_view


def test_staff_answer_reaches_the_raiser_through_the_link(client, sign_in, published):
    url = with_link(published)
    client.submit(url, {"reason": "Still happening"})
    asked = db.session.scalar(select(ReopenRequest))
    staff = sign_in(Role.STAFF)
    decide = f"/concerns/reopen-requests/{asked.id}"
    page = staff.get(decide).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="([^"]*)"', page).group(1)

    staff.submit(
        decide,
        {
            "decision": "keep",
            "note": "The council has removed the vans' permits",
            "version": version,
        },
    )

    page = text_of(client.get(url))
    assert "Kept as it is: The council has removed the vans' permits" in page
    assert "Is it not resolved?" in page


@pytest.mark.parametrize(
    "reason, message",
    [("   ", "Say what is not resolved"), ("Still. " * 800, "5,000 characters or fewer")],
)
def test_bad_input_on_the_raisers_form_is_refused_and_kept(client, published, reason, message):
    url = with_link(published)

    response = client.submit(url, {"reason": reason})

    assert response.status_code == 400
    assert message in text_of(response)
    assert reason.strip()[:20] in response.get_data(as_text=True)
    assert db.session.scalar(select(ReopenRequest)) is None


def test_a_concern_still_being_looked_into_cannot_be_questioned_yet(client):
    opened = raised(Status.OPEN)
    url = with_link(opened)

    assert "It is still being dealt with" in text_of(client.get(url))
    response = client.submit(url, {"reason": "Nothing has happened"}, page="/concerns/raise")
    assert response.status_code == 409
    assert db.session.scalar(select(ReopenRequest)) is None


def test_a_merged_concern_follows_the_one_that_answers_it(client):
    merged = raised(Status.MERGED)
    url = with_link(merged)

    page = text_of(client.get(url))

    assert f"Your concern {merged.reference}" in page
    assert f"dealt with together with theirs as {merged.merged_into.reference}" in page
    events = db.session.scalars(select(ConcernEvent)).all()
    assert all(event.note not in page for event in events if not event.public and event.note)
