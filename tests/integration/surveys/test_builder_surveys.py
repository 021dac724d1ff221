"""Staff create surveys from the question bank, see them listed and preview them."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.auth.permissions import Role
from engage.extensions import db
from engage.surveys.bank import question_bank
from engage.surveys.models import Response, ResponseMode, ResponseStatus, Survey, SurveyVersion
from engage.surveys.services import create_wave
from tests.factories import open_wave
from tests.reading import text_of

BANK = [spec.code for spec in question_bank()]
ERROR_LINK = re.compile(r'<li>\s*<a href="#([^"]*)">([^<]*)</a>')


def errors(response) -> dict[str, str]:
    """The error summary's messages, by the id each links to."""
    return dict(ERROR_LINK.findall(response.get_data(as_text=True)))


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


def create_survey(staff, code: str = "perception", questions=BANK, **fields):
    """Post the create-a-survey form; the response."""
    values = {"code": code, "title": "Your police, your say", "questions": questions}
    return staff.submit("/surveys/manage/new", values | fields)


def new_version(staff, questions=BANK) -> SurveyVersion:
    """Version 1 of a survey made through the form."""
    response = create_survey(staff, questions=questions)
    assert response.status_code == 302, text_of(response)
    return db.session.scalar(select(Survey).where(Survey.code == "perception")).versions[0]


def codes(version: SurveyVersion) -> list[str]:
    db.session.refresh(version)
    return [question.code for question in version.questions]


def test_the_create_form_offers_every_bank_question_ticked_grouped_by_section(staff):
    page = staff.get("/surveys/manage/new")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('name="questions"') == len(BANK) == 30
    assert html.count(" checked") == 30
    words = text_of(page)
    assert "Feeling safe How safe do you feel walking alone in your local area after dark?" in words
    assert "Worries How worried are you about having your home broken into" in words
    assert "About you How many years have you lived in your local area?" in words
    assert words.count("SAFE_DARK: Single choice, 6 answers") == 1


def test_staff_create_a_survey_from_the_whole_bank(staff):
    response = create_survey(staff, description="The quarterly tracker.")

    version = db.session.scalar(select(Survey).where(Survey.code == "perception")).versions[0]
    assert response.headers["Location"] == f"/surveys/manage/versions/{version.id}"
    assert codes(version) == BANK
    page = text_of(staff.get(response.headers["Location"]))
    assert "Your police, your say is created with version 1." in page
    assert "1 SAFE_DARK from the bank How safe do you feel walking alone" in page
    assert "VICTIM_REPORTED from the bank" in page
    assert "Only if the answer to VICTIM_12M is “Yes”" in page


def test_unticked_bank_questions_are_left_out(staff):
    version = new_version(staff, questions=["SAFE_DARK", "VICTIM_12M", "VICTIM_REPORTED"])

    assert codes(version) == ["SAFE_DARK", "VICTIM_12M", "VICTIM_REPORTED"]


def test_a_survey_can_start_with_no_questions(staff):
    version = new_version(staff, questions=[])

    assert codes(version) == []
    assert "This version has no questions yet." in text_of(
        staff.get(f"/surveys/manage/versions/{version.id}")
    )


def test_a_routed_question_without_the_question_it_depends_on_is_refused(staff):
    response = create_survey(staff, questions=["SAFE_DARK", "VICTIM_REPORTED"])

    assert response.status_code == 400
    assert errors(response) == {
        "questions": "VICTIM_REPORTED is asked depending on the answer to VICTIM_12M: tick "
        "VICTIM_12M too, or untick VICTIM_REPORTED"
    }
    html = response.get_data(as_text=True)
    assert html.count(" checked") == 2  # what was ticked stays ticked
    assert 'value="Your police, your say"' in html
    assert db.session.scalar(select(func.count()).select_from(Survey)) == 0


def test_a_bad_code_and_a_missing_title_are_both_reported_with_the_typed_values_kept(staff):
    response = create_survey(staff, code="Perception 2026", title="  ")

    assert response.status_code == 400
    assert errors(response) == {
        "code": "Code must use only lowercase letters, digits and single hyphens, like perception",
        "title": "Enter the title",
    }
    assert 'value="Perception 2026"' in response.get_data(as_text=True)


def test_a_survey_code_is_used_once(staff):
    create_survey(staff)

    response = create_survey(staff, title="Another")

    assert response.status_code == 400
    assert errors(response) == {"code": "There is already a survey with the code perception"}


def test_the_list_shows_each_survey_with_its_versions_and_waves_by_status(staff):
    wave = open_wave("2026-q4", question_codes=["SAFE_DARK"])
    survey = wave.survey
    today = date.today()
    create_wave(
        survey,
        code="2027-q1",
        title="January to March 2027",
        opens_on=today + timedelta(days=30),
        closes_on=today + timedelta(days=120),
    )
    create_wave(
        survey,
        code="2026-q2",
        title="April to June 2026",
        opens_on=today - timedelta(days=200),
        closes_on=today - timedelta(days=100),
    )
    for number, status in enumerate([ResponseStatus.COMPLETE] * 2 + [ResponseStatus.IN_PROGRESS]):
        db.session.add(
            Response(
                wave=wave,
                mode=ResponseMode.ONLINE,
                status=status,
                token=f"list-{number}",
                started_on=today,
            )
        )
    db.session.commit()

    page = text_of(staff.get("/surveys/manage/"))

    assert "Survey 2026-q4 Code: survey-2026-q4" in page
    assert "Version 1 of Survey 2026-q4 1 Locked" in page
    assert f"Wave 2026-q4 2026-q4 {today - timedelta(days=1):%-d %B %Y}" in page
    assert re.search(r"Wave 2026-q4 2026-q4 .*? Open 1 2 ", page)
    assert re.search(r"January to March 2027 2027-q1 .*? Scheduled 1 0 ", page)
    assert re.search(r"April to June 2026 2026-q2 .*? Closed 1 0 ", page)


def test_the_preview_shows_every_question_type_with_routing_in_words_and_stores_nothing(staff):
    version = new_version(staff)
    responses = db.session.scalar(select(func.count()).select_from(Response))

    response = staff.get(f"/surveys/manage/versions/{version.id}/preview")

    html = response.get_data(as_text=True)
    page = text_of(response)
    assert response.status_code == 200
    assert "Question 1 of 30: SAFE_DARK" in page
    assert "How safe do you feel walking alone in your local area after dark?" in page
    # single choice, agreement scale, rating: radios; multiple choice: checkboxes
    assert 'name="preview-SAFE_DARK" type="radio" value="VERY_SAFE"' in html
    assert 'name="preview-POLICE_RELY" type="radio" value="TEND_AGREE"' in html
    assert 'name="preview-POLICE_RATING" type="radio" value="10"' in html
    assert 'name="preview-PRIORITY_CRIMES" type="checkbox" value="NONE"' in html
    assert 'data-behaviour="exclusive"' in html
    # number and free text
    assert re.search(r'<input[^>]*name="preview-YEARS_IN_AREA"', html)
    assert re.search(r'<textarea[^>]*name="preview-COMMENTS"', html)
    assert "Asked: Only if the answer to VICTIM_REPORTED is “Yes”" in page
    assert "About you. Optional. Asked: everyone." in page
    main = html.split('id="main-content"')[1].split("</main>")[0]
    assert "<form" not in main and "<button" not in main  # nothing can be sent
    assert db.session.scalar(select(func.count()).select_from(Response)) == responses


@pytest.mark.parametrize("role", [Role.PARTNER, Role.VOLUNTEER, Role.PARISH])
def test_only_office_staff_may_build_surveys(sign_in, role, client):
    wave = open_wave()
    pages = [
        "/surveys/manage/",
        "/surveys/manage/new",
        f"/surveys/manage/versions/{wave.version_id}",
        f"/surveys/manage/versions/{wave.version_id}/preview",
        f"/surveys/manage/waves/{wave.id}",
    ]

    outsider = sign_in(role)

    assert [outsider.get(url).status_code for url in pages] == [403] * len(pages)
    assert client.get("/surveys/manage/").headers["Location"].startswith("/login?next=")
    assert sign_in(Role.ADMIN).get("/surveys/manage/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/surveys/manage/versions/999999",
        "/surveys/manage/versions/999999/preview",
        "/surveys/manage/versions/999999/questions/new",
        "/surveys/manage/versions/999999/questions/bank",
        "/surveys/manage/questions/999999",
        "/surveys/manage/questions/999999/delete",
        "/surveys/manage/surveys/999999/waves/new",
        "/surveys/manage/waves/999999",
        "/surveys/manage/waves/999999/edit",
    ],
)
def test_unknown_records_are_not_found(staff, url):
    assert staff.get(url).status_code == 404
