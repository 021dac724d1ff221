"""A resident completes the demo tracker's open wave, every question of it, with the keyboard."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.demo import SURVEY_CODE
from engage.surveys.models import Response, ResponseStatus, Survey, Wave
from tests.e2e.pages import CheckAnswersPage, QuestionPage, SurveyStartPage, expect

pytestmark = pytest.mark.e2e

TYPED = {"number": "12", "text": "Street lighting on the way to the station."}


def open_demo_wave(app) -> tuple[str, int]:
    """The code of the demo tracker's wave open today, and its complete responses so far."""
    with app.app_context():
        today = date.today()
        wave = db.session.scalar(
            select(Wave)
            .join(Survey)
            .where(Survey.code == SURVEY_CODE, Wave.opens_on <= today, Wave.closes_on >= today)
        )
        complete = db.session.scalar(
            select(func.count(Response.id)).where(
                Response.wave_id == wave.id, Response.status == ResponseStatus.COMPLETE
            )
        )
        db.session.remove()
        return wave.code, complete


def answer(question: QuestionPage) -> None:
    """Answer whatever the page asks: 'Yes' where offered (to follow routing), else the first."""
    radios = question.main.get_by_role("radio")
    if radios.count():
        labels = [radio.evaluate("e => e.labels[0].innerText.trim()") for radio in radios.all()]
        question.choose("Yes" if "Yes" in labels else labels[0])
    elif question.main.get_by_role("checkbox").count():
        first = question.main.get_by_role("checkbox").first
        question.tick(first.evaluate("e => e.labels[0].innerText.trim()"))
    elif question.main.locator("textarea#answer").count():
        question.type_answer(TYPED["text"])
    else:
        question.type_answer(TYPED["number"])
    question.continue_with_keyboard()


def test_a_resident_completes_the_demo_survey_with_the_keyboard_alone(page, live_app):
    wave_code, before = open_demo_wave(live_app.app)
    question = SurveyStartPage(page).open(wave_code).start_with_keyboard()
    asked = []
    while not page.url.endswith("/check"):
        expect(question.progress).to_be_visible()
        asked.append(question.heading.inner_text())
        answer(question)
        assert len(asked) <= 40, "the survey never reached check your answers"
    # Routing: having been a victim and reported it, the resident was asked about satisfaction.
    assert any("reported" in text or "report the crime" in text for text in asked)
    assert any("satisfied" in text for text in asked)
    confirmation = CheckAnswersPage(page).submit_with_keyboard()
    expect(confirmation.panel).to_contain_text("Thank you")
    assert open_demo_wave(live_app.app)[1] == before + 1
