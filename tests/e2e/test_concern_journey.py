"""A concern's whole journey in a real browser: a parish clerk logs it, staff triage it and
ask the police for an action, the police liaison says what was done, and staff sign off the
"You said, we did" that then appears on the public board. Every page passes axe."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.auth.models import User
from engage.concerns.models import Concern
from engage.core.demo import DEMO_PASSWORD
from engage.core.models import Agency, ConcernCategory, PlanPriority
from engage.extensions import db
from tests.e2e.pages import LoginPage, expect

pytestmark = pytest.mark.e2e

RAISED = "Lorries use Mill Lane as a short cut and mount the pavement by the playground."
SUMMARY = "Heavy lorries using a lane by a playground as a short cut."
DONE = "Officers stopped 14 lorries in two weeks of checks and signs now warn drivers."


def ids_for(live_app, reference: str) -> dict[str, str]:
    """The ids the staff forms offer, read from the live server's database."""
    with live_app.app.app_context():
        concern = db.session.scalar(select(Concern).where(Concern.reference == reference))
        found = {
            "concern": str(concern.id),
            "police": str(db.session.scalar(select(Agency.id).where(Agency.code == "glos-police"))),
            "partner": str(
                db.session.scalar(select(User.id).where(User.email == "partner@example.org"))
            ),
            "category": str(
                db.session.scalar(
                    select(ConcernCategory.id).where(ConcernCategory.code == "speeding")
                )
            ),
            "priority": str(
                db.session.scalar(select(PlanPriority.id).where(PlanPriority.number == 1))
            ),
        }
        db.session.remove()
    return found


def sign_in_as(page, email: str) -> None:
    page.context.clear_cookies()
    LoginPage(page).open().sign_in(email, DEMO_PASSWORD)


def answer(page, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def test_a_clerk_logs_a_concern_a_partner_responds_and_staff_publish_it(
    page, live_app, assert_accessible
):
    # The clerk logs a concern for one of their parishes.
    sign_in_as(page, "clerk@example.org")
    page.goto("/concerns/log")
    assert_accessible(page)
    page.get_by_label("Parish or town").select_option(label="Prestbury")
    page.get_by_label("What was raised?").fill(RAISED)
    answer(page, "May we contact them about it?", "No")
    answer(page, "May a summary of their concern be published on our website?", "Yes")
    page.get_by_role("button", name="Log concern").click()
    if page.get_by_role("button", name="Log it anyway").count():
        page.get_by_role("button", name="Log it anyway").click()
    reference = re.search(r"C-\d{4}-\d{5}", page.locator("main").inner_text()).group(0)
    ids = ids_for(live_app, reference)
    case = f"/concerns/{ids['concern']}"

    # Staff triage it to the police, owned by the police liaison, and add an action.
    sign_in_as(page, "staff@example.org")
    page.goto(case)
    assert_accessible(page)
    page.goto(f"{case}/triage")
    page.get_by_label("Lead agency").select_option(ids["police"])
    page.get_by_label("Owner").select_option(ids["partner"])
    page.get_by_label("Category").select_option(ids["category"])
    page.get_by_label("Plan priority").select_option(ids["priority"])
    page.get_by_role("button", name="Triage concern").click()
    expect(page.locator("main")).to_contain_text("Gloucestershire Constabulary")
    page.goto(f"{case}/actions/new")
    assert_accessible(page)
    page.get_by_label("Agency").select_option(ids["police"])
    page.get_by_label("Owner").select_option(ids["partner"])
    page.get_by_label("What will be done").fill("Lorry checks on Mill Lane, mornings")
    page.get_by_role("button", name="Save action").click()

    # The police liaison finds it among their concerns and says what was done.
    sign_in_as(page, "partner@example.org")
    page.goto("/concerns/mine")
    assert_accessible(page)
    page.get_by_role("link", name=reference).first.click()
    expect(page.locator("main")).to_contain_text(RAISED)
    page.get_by_role("link", name=re.compile("Update|Change|action", re.I)).first.click()
    page.get_by_label("What the public may read (needed once it is done)").fill(DONE)
    page.get_by_role("group", name="Status").get_by_label("Done").check()
    page.get_by_role("button", name="Save action").click()
    expect(page.locator("main")).to_contain_text(DONE)

    # Staff record the response and sign off the "You said, we did".
    sign_in_as(page, "staff@example.org")
    page.goto(f"{case}/respond")
    page.get_by_label("We did").fill(DONE)
    page.get_by_role("button", name="Record response").click()
    page.goto(f"{case}/publish")
    assert_accessible(page)
    page.get_by_label("You said: the public summary").fill(SUMMARY)
    page.get_by_label("We did").fill(DONE)
    page.get_by_role("button", name="Sign off and publish").click()
    expect(page.locator("main")).to_contain_text("published", ignore_case=True)

    # Anyone can now read it on the board, without the raiser's words.
    page.context.clear_cookies()
    page.goto(f"/concerns/?q={reference}")
    assert_accessible(page)
    board = page.locator("main")
    expect(board).to_contain_text(SUMMARY)
    expect(board).to_contain_text(DONE)
    expect(board).not_to_contain_text(RAISED)
