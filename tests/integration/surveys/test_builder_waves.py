"""Staff schedule a survey's waves, change them, and follow their responses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engage.auth.permissions import Role
from engage.extensions import db
from engage.surveys.models import (
    Invitation,
    Response,
    ResponseMode,
    ResponseStatus,
    Survey,
    SurveyVersion,
    Wave,
)
from engage.surveys.services import create_survey_from_bank
from tests.factories import open_wave, parishes
from tests.integration.surveys.test_builder_surveys import errors
from tests.reading import text_of


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


@pytest.fixture
def survey() -> Survey:
    return create_survey_from_bank(
        "perception", "Your police, your say", question_codes=["SAFE_DARK"]
    )


def when(day: date, name: str) -> dict:
    """A GOV.UK date input's three boxes, all named `name`."""
    return {name: [str(day.day), str(day.month), str(day.year)]}


def typed(version: SurveyVersion, **fields) -> dict:
    values = {
        "code": "2026-q4",
        "title": "October to December 2026",
        "open_link": "yes",
        "version": str(version.id),
        **when(date(2026, 10, 1), "opens_on"),
        **when(date(2026, 12, 31), "closes_on"),
    }
    return values | fields


def schedule(staff, survey: Survey, **fields):
    url = f"/surveys/manage/surveys/{survey.id}/waves/new"
    return staff.submit(url, typed(survey.versions[-1], **fields))


def wave(code: str = "2026-q4") -> Wave:
    return db.session.scalar(select(Wave).where(Wave.code == code))


def test_staff_schedule_a_wave_and_see_its_page(staff, survey):
    response = schedule(staff, survey, open_link="no")

    scheduled = wave()
    assert response.headers["Location"] == f"/surveys/manage/waves/{scheduled.id}"
    assert (scheduled.opens_on, scheduled.closes_on) == (date(2026, 10, 1), date(2026, 12, 31))
    assert scheduled.open_link is False
    assert scheduled.version.locked
    page = staff.get(response.headers["Location"])
    words = text_of(page)
    assert "October to December 2026 is scheduled." in words
    assert "Dates 1 October 2026 to 31 December 2026" in words
    assert "Who can answer Only people with an invitation code" in words
    assert "Questions Version 1 (1 questions)" in words
    assert 'href="/surveys/2026-q4/"' in page.get_data(as_text=True)
    assert "Fieldwork" in words


def test_the_form_offers_the_latest_version_and_opens_to_anyone_by_default(staff, survey):
    html = staff.get(f"/surveys/manage/surveys/{survey.id}/waves/new").get_data(as_text=True)

    version = survey.versions[0].id
    assert f'name="version" type="radio" value="{version}" checked' in html
    assert 'name="open_link" type="radio" value="yes" checked' in html
    assert html.count('inputmode="numeric"') == 6  # day, month and year, twice


def test_a_closing_date_before_the_opening_date_is_refused_keeping_what_was_typed(staff, survey):
    response = schedule(staff, survey, **when(date(2026, 9, 30), "closes_on"))

    assert response.status_code == 400
    assert errors(response) == {
        "closes_on": "Closing date must be the same as or after the opening date"
    }
    html = response.get_data(as_text=True)
    assert 'name="closes_on" type="text" value="30"' in html
    assert 'value="October to December 2026"' in html
    assert wave() is None


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (
            {"opens_on": ["31", "2", "2026"]},
            {"opens_on": "Opening date must be a real date, like 1 10 2026"},
        ),
        ({"opens_on": ["1", "", "2026"]}, {"opens_on": "Opening date must include a month"}),
        ({"opens_on": ["", "", "26"]}, {"opens_on": "Opening date must include a day and a month"}),
        (
            {"opens_on": ["1", "10", "26"]},
            {"opens_on": "Opening date must be a real date, like 1 10 2026"},
        ),
        ({"opens_on": ["", "", ""]}, {"opens_on": "Enter the opening date"}),
        ({"opens_on": "1"}, {"opens_on": "Opening date must include a month and a year"}),
    ],
)
def test_dates_that_cannot_be_read_are_refused(staff, survey, dates, expected):
    response = schedule(staff, survey, **dates)

    assert response.status_code == 400
    assert errors(response) == expected


def test_a_post_without_the_date_fields_is_refused_not_a_crash(staff, survey):
    values = typed(survey.versions[0])
    del values["opens_on"], values["closes_on"]

    response = staff.submit(f"/surveys/manage/surveys/{survey.id}/waves/new", values)

    assert response.status_code == 400
    assert errors(response) == {
        "opens_on": "Enter the opening date",
        "closes_on": "Enter the closing date",
    }


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "Q4 2026",
            "Code must use only lowercase letters, digits and single hyphens, like 2026-q4",
        ),
        ("manage", "manage is the address of staff pages: choose another"),
        ("", "Enter a code"),
    ],
)
def test_a_wave_code_fits_in_the_surveys_web_address(staff, survey, code, message):
    assert errors(schedule(staff, survey, code=code)) == {"code": message}


def test_a_wave_code_is_used_once(staff, survey):
    schedule(staff, survey)

    assert errors(schedule(staff, survey)) == {
        "code": "There is already a wave with the code 2026-q4"
    }


def test_a_version_without_questions_cannot_be_scheduled(staff):
    empty = create_survey_from_bank("empty", "Empty", question_codes=[])

    response = schedule(staff, empty)

    assert errors(response) == {"version": "Version 1 has no questions yet"}


def test_staff_change_a_waves_title_dates_and_version_before_it_has_responses(staff, survey):
    schedule(staff, survey)
    first = survey.versions[0]
    url = f"/surveys/manage/waves/{wave().id}"
    staff.submit(
        f"/surveys/manage/versions/{first.id}/copy", page=f"/surveys/manage/versions/{first.id}"
    )
    second = survey.versions[-1]

    response = staff.submit(
        f"{url}/edit",
        typed(
            second,
            code="2026-autumn",
            title="Autumn 2026",
            **when(date(2027, 1, 15), "closes_on"),
        ),
    )

    assert response.status_code == 302
    changed = wave("2026-autumn")
    assert (changed.title, changed.closes_on, changed.version) == (
        "Autumn 2026",
        date(2027, 1, 15),
        second,
    )
    assert second.locked
    assert not db.session.get(SurveyVersion, first.id).locked  # no wave asks it any more
    assert "Your changes to Autumn 2026 are saved." in text_of(staff.get(url))


def test_the_edit_form_shows_the_wave_as_it_is(staff):
    existing = open_wave("2026-q4")

    html = staff.get(f"/surveys/manage/waves/{existing.id}/edit").get_data(as_text=True)

    opens = existing.opens_on
    assert 'value="2026-q4"' in html and 'value="Wave 2026-q4"' in html
    assert f'name="opens_on" type="text" value="{opens.day:02d}"' in html
    assert f'value="{opens.year}"' in html


def test_once_answered_a_wave_keeps_its_code_and_version(staff):
    answered = open_wave("2026-q4")
    survey = answered.survey
    first = answered.version
    db.session.add(
        Response(wave=answered, mode=ResponseMode.PAPER, token="kept", started_on=date.today())
    )
    db.session.commit()
    staff.submit(
        f"/surveys/manage/versions/{first.id}/copy", page=f"/surveys/manage/versions/{first.id}"
    )
    url = f"/surveys/manage/waves/{answered.id}/edit"

    form = staff.get(url)
    response = staff.submit(url, typed(survey.versions[-1], code="renamed", title="Renamed"))

    words = text_of(form)
    assert "Code 2026-q4 (invitations or answers use it)" in words
    assert "Version 1 (the wave has responses)" in words
    assert 'name="version"' not in form.get_data(as_text=True)
    assert response.status_code == 302  # the code and version sent are ignored
    kept = db.session.get(Wave, answered.id)
    assert (kept.code, kept.title, kept.version) == ("2026-q4", "Renamed", first)


def test_a_waves_code_is_kept_once_invitations_are_issued(staff):
    invited = open_wave("2026-q4")
    db.session.add(Invitation(wave=invited, district_id=parishes()[0].parent_id, code="ABCD2345"))
    db.session.commit()

    html = staff.get(f"/surveys/manage/waves/{invited.id}/edit").get_data(as_text=True)

    assert 'name="code"' not in html
    assert 'name="version"' in html


def test_the_wave_page_counts_responses_by_mode_and_status(staff):
    counted = open_wave("2026-q4")
    made = [
        (ResponseMode.ONLINE, ResponseStatus.COMPLETE),
        (ResponseMode.ONLINE, ResponseStatus.COMPLETE),
        (ResponseMode.ONLINE, ResponseStatus.IN_PROGRESS),
        (ResponseMode.PAPER, ResponseStatus.COMPLETE),
        (ResponseMode.IMPORT, ResponseStatus.COMPLETE),
    ]
    for number, (mode, status) in enumerate(made):
        db.session.add(
            Response(
                wave=counted,
                mode=mode,
                status=status,
                token=f"count-{number}",
                started_on=date.today(),
            )
        )
    db.session.commit()

    words = text_of(staff.get(f"/surveys/manage/waves/{counted.id}"))

    assert "Status Open" in words
    assert "Online 2 1 Paper 1 0 Telephone 0 0 Import 1 0 All 4 1" in words


def test_a_wave_that_has_closed_says_so(staff):
    closed = open_wave(
        "2026-q2",
        opens_on=date.today() - timedelta(days=100),
        closes_on=date.today() - timedelta(days=10),
    )

    assert "Status Closed" in text_of(staff.get(f"/surveys/manage/waves/{closed.id}"))
