"""The public side of "You said, we did" in a real browser, on the demo data: the board, a
published concern, a roadshow's bulletin, raising a concern and asking for alerts all pass
axe, and no page shows a raiser's e-mail address."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engage.concerns.models import Roadshow, RoadshowStatus
from engage.concerns.visibility import public_concerns
from engage.extensions import db
from tests.e2e.pages import expect

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def public_pages(live_app) -> list[str]:
    with live_app.app.app_context():
        shown = db.session.execute(public_concerns().limit(1)).first()
        held = db.session.scalar(
            select(Roadshow.id).where(Roadshow.status == RoadshowStatus.HELD).limit(1)
        )
        db.session.remove()
    return [
        "/concerns/",
        "/concerns/?q=speeding",
        f"/concerns/published/{shown.id}",
        f"/concerns/roadshows/{held}/bulletin",
        "/concerns/raise",
        "/concerns/alerts",
    ]


def test_the_public_concern_pages_are_accessible_and_private_details_stay_private(
    page, public_pages, assert_accessible
):
    for path in public_pages:
        response = page.goto(path)
        assert response and response.status == 200, f"{path}: {response and response.status}"
        assert_accessible(page)
        expect(page.locator("body")).not_to_contain_text("@resident.example")


def test_the_raise_page_sends_emergencies_elsewhere_before_the_form(page):
    page.goto("/concerns/raise")
    main = page.locator("main").inner_text()
    assert "999" in main and "101" in main
    assert main.index("999") < main.index("What is your concern?")
