"""Agencies' actions on a concern: the office gives any agency its part, a partner adds and
updates only their own agency's, and two people changing one action cannot overwrite each other."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engage.concerns.models import ActionStatus, ConcernAction, ConcernEvent
from engage.concerns.workflow import Status
from engage.core.dates import today
from engage.extensions import db
from tests.concern_factories import COUNCIL, concern, parish
from tests.factories import agency
from tests.reading import text_of


def action_url(action) -> str:
    return f"/concerns/actions/{action.id}"


def new_url(case) -> str:
    return f"/concerns/{case.id}/actions/new"


def give_action(case, agency_code: str = "glos-police", **fields) -> ConcernAction:
    """An action stored directly, as the office would have added it."""
    values = {"description": "Speed checks at the school", "due_on": today()}
    values.update(fields)
    action = ConcernAction(concern_id=case.id, agency_id=agency(agency_code).id, **values)
    db.session.add(action)
    db.session.commit()
    return action


def seen_on(page) -> str:
    match = re.search(r'name="seen"[^>]*value="([^"]*)"', page.get_data(as_text=True))
    assert match, "no fingerprint on the page"
    return match.group(1)


@pytest.fixture
def case():
    return concern(parish(), Status.OPEN)


def action_form(owner_user, **typed) -> dict:
    values = {
        "owner": str(owner_user.id),
        "description": "Resurface the footway outside the school",
        "public_line": "",
        "due_on": ["1", "6", str(today().year + 1)],
        "status": "planned",
    }
    values.update(typed)
    return values


# Adding actions ------------------------------------------------------------------------------


def test_the_office_gives_another_agency_an_action_which_lets_its_partner_in(staff, council, case):
    assert council.get(f"/concerns/{case.id}").status_code == 404

    response = staff.submit(
        new_url(case), {"agency": agency(COUNCIL).id, **action_form(council.user)}
    )

    assert response.status_code == 302
    action = db.session.scalar(select(ConcernAction).where(ConcernAction.concern_id == case.id))
    assert (action.agency.code, action.owner_id, action.status) == (
        COUNCIL,
        council.user.id,
        ActionStatus.PLANNED,
    )
    assert action.due_on.month == 6
    assert council.get(f"/concerns/{case.id}").status_code == 200
    assert case.reference in text_of(council.get("/concerns/mine"))
    event = db.session.scalars(
        select(ConcernEvent).where(ConcernEvent.concern_id == case.id)
    ).all()[-1]
    assert (event.move, event.public) == ("action added", False)


def test_a_partner_adds_an_action_for_their_own_agency_whatever_the_form_says(police, case):
    page = text_of(police.get(new_url(case)))
    assert "Agency Gloucestershire Constabulary" in page

    response = police.submit(
        new_url(case), {"agency": agency(COUNCIL).id, **action_form(police.user)}
    )

    assert response.status_code == 302
    assert [action.agency.code for action in case.actions] == ["glos-police"]


def test_a_partner_cannot_make_someone_of_another_agency_own_their_action(police, council, case):
    response = police.submit(new_url(case), action_form(council.user))

    assert response.status_code == 400
    assert "Choose someone from Gloucestershire Constabulary or the office" in text_of(response)
    assert "Resurface the footway outside the school" in response.get_data(as_text=True)
    assert case.actions == []


def test_a_partner_of_an_agency_not_on_the_concern_cannot_find_it(council, case):
    assert council.get(new_url(case)).status_code == 404
    assert council.submit(new_url(case), {}, page="/concerns/mine").status_code == 404


def test_no_action_can_be_added_before_the_concern_is_triaged(staff):
    fresh = concern(parish())

    page = staff.get(new_url(fresh))
    assert "is not triaged yet: actions can be added once it is open" in text_of(page)
    assert 'name="description"' not in page.get_data(as_text=True)
    response = staff.submit(new_url(fresh), action_form(staff.user), page=f"/concerns/{fresh.id}")

    assert response.status_code == 409
    assert fresh.actions == []


@pytest.mark.parametrize(
    "typed, message",
    [
        ({"description": "  "}, "Say what will be done"),
        ({"owner": ""}, "Choose who owns this action"),
        ({"owner": "99999999"}, "Choose who owns this action"),
        ({"status": "finished"}, "Choose the action's status"),
        ({"status": "done", "public_line": ""}, "Say what was done, in words the public may read"),
        ({"due_on": ["31", "2", "2027"]}, "Due date must be a real date, like 27 3 2026"),
        ({"due_on": ["", "6", "2027"]}, "Due date must include a day"),
        ({"due_on": ["1", "1", "2001"]}, "The due date cannot be before the concern was raised"),
        ({"description": "x" * 5001}, "What will be done must be 5,000 characters or fewer"),
    ],
)
def test_bad_input_on_the_action_form_is_refused_and_the_typing_kept(staff, case, typed, message):
    form = action_form(staff.user, public_line="Footway resurfaced in May")
    form |= typed | {"agency": agency().id}

    response = staff.submit(new_url(case), form)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in text_of(response)
    assert "govuk-error-summary" in page
    kept = "Footway resurfaced in May" if "description" in typed else "Resurface the footway"
    assert kept in page
    assert case.actions == []


def test_the_office_must_say_which_agency_acts(staff, case):
    response = staff.submit(new_url(case), action_form(staff.user))

    assert response.status_code == 400
    assert "Choose the agency that will act" in text_of(response)


# Updating actions ----------------------------------------------------------------------------


def test_a_partner_marks_their_agencys_action_done_with_a_public_line(police, case):
    action = give_action(case)
    form_page = police.get(action_url(action))
    assert "Speed checks at the school" in form_page.get_data(as_text=True)

    response = police.submit(
        action_url(action),
        action_form(
            police.user,
            description="Speed checks at the school",
            public_line="Officers carried out speed checks on six mornings",
            status="done",
            seen=seen_on(form_page),
        ),
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/concerns/{case.id}"
    assert action.status is ActionStatus.DONE
    assert action.done_on == today()
    assert action.public_line == "Officers carried out speed checks on six mornings"
    case_page = text_of(police.get(f"/concerns/{case.id}"))
    assert "For the public: Officers carried out speed checks on six mornings" in case_page


def test_a_partner_gets_403_on_another_agencys_action(police, case):
    theirs = give_action(case, COUNCIL)

    assert police.get(action_url(theirs)).status_code == 403
    response = police.submit(
        action_url(theirs), action_form(police.user), page=action_url(give_action(case))
    )
    assert response.status_code == 403
    assert theirs.description == "Speed checks at the school"


def test_the_case_page_offers_a_partner_only_their_own_agencys_actions(police, case):
    ours, theirs = give_action(case), give_action(case, COUNCIL)

    page = police.get(f"/concerns/{case.id}").get_data(as_text=True)

    assert action_url(ours) in page
    assert action_url(theirs) not in page
    assert new_url(case) in page


def test_a_change_on_an_out_of_date_page_is_refused_and_shows_the_newer_action(police, staff, case):
    action = give_action(case)
    old = seen_on(police.get(action_url(action)))
    staff.submit(
        action_url(action),
        action_form(
            police.user,
            agency=agency().id,
            description="Speed checks moved to the afternoons",
            seen=seen_on(staff.get(action_url(action))),
        ),
    )

    response = police.submit(
        action_url(action),
        action_form(police.user, description="My own change", status="in progress", seen=old),
    )

    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else changed this action while you were working on it" in page
    assert "What will be done Speed checks moved to the afternoons" in page
    assert "My own change" in response.get_data(as_text=True)
    assert action.description == "Speed checks moved to the afternoons"
    again = police.submit(
        action_url(action),
        action_form(police.user, description="My own change", seen=seen_on(response)),
    )
    assert again.status_code == 302
    assert action.description == "My own change"


# What is due ---------------------------------------------------------------------------------


def test_a_partners_concerns_list_their_agencys_actions_due_overdue_first(police, case):
    later = concern(parish(), Status.OPEN)
    give_action(later, due_on=today() + timedelta(days=30), description="Later work")
    give_action(case, due_on=today() - timedelta(days=3), description="Late work")
    give_action(case, COUNCIL, due_on=today() - timedelta(days=9), description="Council work")

    page = text_of(police.get("/concerns/mine"))

    due = page[page.index("Actions due") :]
    assert "Overdue" in due
    assert due.index("Late work") < due.index("Later work")
    assert "Council work" not in page
    listed = page[page.index("Next action due") :]
    assert listed.index(case.reference) < listed.index(later.reference)
