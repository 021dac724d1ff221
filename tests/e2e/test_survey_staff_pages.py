"""Every page staff use to build surveys and run fieldwork passes axe in a real browser."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engage.core.demo import DEMO_PASSWORD
from engage.extensions import db
from engage.surveys.demo import SURVEY_CODE
from engage.surveys.models import Survey, Wave
from engage.surveys.services import create_survey_from_bank
from tests.e2e.pages import LoginPage

pytestmark = pytest.mark.e2e

DRAFT = "e2e-staff-draft"


@pytest.fixture(scope="module")
def staff_pages(live_app) -> list[str]:
    """The builder's pages for an unlocked draft survey, and the fieldwork pages of the demo
    tracker's open wave."""
    with live_app.app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.code == DRAFT))
        if survey is None:
            survey = create_survey_from_bank(DRAFT, "Draft survey", question_codes=None)
        version = survey.versions[-1]
        question = version.questions[0]
        today = date.today()
        wave = db.session.scalar(
            select(Wave)
            .join(Survey)
            .where(Survey.code == SURVEY_CODE, Wave.opens_on <= today, Wave.closes_on >= today)
        )
        pages = [
            "/surveys/manage/",
            "/surveys/manage/new",
            f"/surveys/manage/versions/{version.id}",
            f"/surveys/manage/versions/{version.id}/preview",
            f"/surveys/manage/versions/{version.id}/questions/new",
            f"/surveys/manage/questions/{question.id}",
            f"/surveys/manage/surveys/{survey.id}/waves/new",
            f"/surveys/manage/waves/{wave.id}",
            f"/surveys/manage/waves/{wave.id}/edit",
            f"/surveys/manage/waves/{wave.id}/entry",
            f"/surveys/manage/waves/{wave.id}/invitations",
            f"/surveys/manage/waves/{wave.id}/import",
            f"/surveys/manage/waves/{wave.id}/monitor",
            f"/surveys/manage/waves/{wave.id}/monitor/targets",
        ]
        db.session.remove()
    return pages


def test_every_survey_staff_page_is_accessible(page, staff_pages, assert_accessible):
    LoginPage(page).open().sign_in("staff@example.org", DEMO_PASSWORD)
    for path in staff_pages:
        response = page.goto(path)
        assert response and response.status == 200, f"{path}: {response and response.status}"
        assert_accessible(page)
