"""A resident answers a short survey in a real browser with the keyboard alone, and every kind
of page on the way (start, each type of question, an error, check answers, confirmation, save and
resume) passes axe."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.core.demo import DEMO_PASSWORD
from engage.extensions import db
from engage.surveys.models import Wave
from tests.e2e.pages import (
    CheckAnswersPage,
    LoginPage,
    QuestionPage,
    ResumePage,
    SurveyStartPage,
    expect,
    press_enter_and_wait,
    tab_to,
)
from tests.factories import open_wave

pytestmark = pytest.mark.e2e

WAVE = "e2e-keyboard"
QUESTIONS = [
    "SAFE_DARK",  # single choice
    "POLICE_RELY",  # agreement scale
    "POLICE_RATING",  # rating, 0 to 10
    "VICTIM_12M",  # routes to the next
    "VICTIM_REPORTED",
    "PRIORITY_CRIMES",  # multiple choice
    "YEARS_IN_AREA",  # number
    "COMMENTS",  # free text
]


@pytest.fixture(scope="module")
def wave(live_app) -> str:
    """A wave of the short survey, open today, in the live server's database."""
    with live_app.app.app_context():
        if db.session.scalar(select(Wave).where(Wave.code == WAVE)) is None:
            open_wave(WAVE, question_codes=QUESTIONS)
        db.session.remove()
    return WAVE


def test_a_resident_answers_every_kind_of_question_with_the_keyboard(
    page, wave, assert_accessible, console_errors
):
    page.goto("/surveys/")
    assert_accessible(page)
    survey_link = page.get_by_role("link", name=f"Survey {wave}: Wave {wave}")
    tab_to(page, survey_link)
    press_enter_and_wait(page)

    start = SurveyStartPage(page)
    expect(start.heading).to_have_text(f"Survey {wave}")
    expect(start.main).to_contain_text("we do not store your IP address")
    assert_accessible(page)
    question = start.start_with_keyboard()

    expect(question.heading).to_contain_text("How safe do you feel walking alone")
    expect(question.progress).to_have_text("Question 1 of 7")
    assert_accessible(page)
    question.choose("Fairly safe").continue_with_keyboard()

    # Continuing without an answer shows the error; its link takes the focus to the answers.
    expect(question.heading).to_contain_text("can be relied on")
    question.continue_with_keyboard()
    expect(question.error_summary).to_be_focused()
    expect(question.error_summary).to_contain_text("Select an answer")
    expect(page).to_have_title(re.compile(r"^Error: How much do you agree"))
    assert_accessible(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the error summary's link to the first answer
    expect(page.get_by_role("radio", name="Strongly agree")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Tend to agree")).to_be_checked()
    question.continue_with_keyboard()

    expect(question.heading).to_contain_text("how would you rate the policing")
    assert_accessible(page)
    question.choose("8").continue_with_keyboard()

    question.choose("Yes").continue_with_keyboard()  # a victim: asked about reporting
    expect(question.heading).to_contain_text("report")
    expect(question.progress).to_have_text("Question 5 of 8")
    question.choose("No").continue_with_keyboard()

    expect(question.heading).to_contain_text("priorities")
    assert_accessible(page)
    question.tick("Burglary", "Anti-social behaviour").continue_with_keyboard()

    expect(question.heading).to_contain_text("How many years")
    assert_accessible(page)
    question.type_answer("12")
    press_enter_and_wait(page)  # Enter in a text field sends the form

    expect(question.heading).to_contain_text("anything else")
    assert_accessible(page)
    question.type_answer("Speeding on the high street.").continue_with_keyboard()

    check = CheckAnswersPage(page)
    expect(check.heading).to_have_text("Check your answers before sending them")
    expect(check.answer_to("after dark")).to_have_text("Fairly safe")
    expect(check.answer_to("rate the policing")).to_have_text("8")
    expect(check.answer_to("priorities")).to_have_text("Burglary, Anti-social behaviour")
    expect(check.answer_to("How many years")).to_have_text("12")
    assert_accessible(page)
    confirmation = check.submit_with_keyboard()

    expect(confirmation.panel).to_contain_text("Thank you")
    expect(confirmation.main).to_contain_text("What happens next")
    assert_accessible(page)
    # The one 400 is the page with the error on purpose; nothing else (no CSP refusal) failed.
    unexpected = [error for error in console_errors if "status of 400" not in error]
    assert unexpected == [], "\n".join(unexpected)


def test_a_resident_saves_and_comes_back_with_the_resume_code(page, wave, assert_accessible):
    question = SurveyStartPage(page).open(wave).start_with_keyboard()
    question.choose("Very safe").continue_with_keyboard()

    saved = question.save_with_keyboard()

    expect(saved.heading).to_contain_text("Your answers have been saved")
    code = saved.resume_code
    assert_accessible(page)

    page.context.clear_cookies()  # as if on another device
    resume = ResumePage(page).open()
    assert_accessible(page)
    resume.resume_with_keyboard("ZZZZZ-ZZZZZ")
    expect(resume.error_summary).to_contain_text("We cannot find saved answers with that code")
    assert_accessible(page)

    carried_on = resume.resume_with_keyboard(code.lower())

    expect(carried_on.heading).to_contain_text("can be relied on")
    expect(carried_on.progress).to_have_text("Question 2 of 7")
    assert isinstance(carried_on, QuestionPage)


def test_the_code_and_staff_entry_pages_are_accessible(page, live_app, wave, assert_accessible):
    page.goto("/surveys/invitation")
    code = page.get_by_label("Invitation code")
    tab_to(page, code)
    page.keyboard.type("ZZZZ-9999")
    press_enter_and_wait(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("We do not recognise that code")
    assert_accessible(page)

    with live_app.app.app_context():
        wave_id = db.session.scalar(select(Wave.id).where(Wave.code == wave))
        db.session.remove()
    LoginPage(page).open().sign_in("staff@example.org", DEMO_PASSWORD)
    page.goto(f"/surveys/manage/waves/{wave_id}/entry")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a paper or telephone response")
    assert_accessible(page)
    tab_to(page, page.get_by_role("radio", name="A paper questionnaire"))
    page.keyboard.press("ArrowDown")  # within a group of radios, arrows move and choose
    expect(page.get_by_role("radio", name="A telephone interview")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Start entering answers"))
    press_enter_and_wait(page)
    question = QuestionPage(page)
    expect(question.main).to_contain_text("You are entering a telephone response")
    assert_accessible(page)
