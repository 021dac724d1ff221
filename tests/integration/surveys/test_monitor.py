"""Staff follow fieldwork: complete responses by district, age band and sex against targets."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from engage.auth.permissions import Role
from engage.extensions import db
from engage.surveys.models import Answer, Response, ResponseMode, ResponseStatus
from tests.factories import open_wave
from tests.reading import text_of

TOKENS = itertools.count()
TARGETS = {
    "target_SEX_FEMALE": "51",
    "target_SEX_MALE": "49",
    "target_DISTRICT_CHELTENHAM": "18.5",
    "target_DISTRICT_COTSWOLD": "14",
    "target_DISTRICT_FOREST_OF_DEAN": "13.5",
    "target_DISTRICT_GLOUCESTER": "20.5",
    "target_DISTRICT_STROUD": "19",
    "target_DISTRICT_TEWKESBURY": "14.5",
}


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


@pytest.fixture
def wave():
    return open_wave("monitor-test", question_codes=["SAFE_DARK", "AGE_BAND", "SEX", "DISTRICT"])


def respond(
    wave, count: int = 1, status=ResponseStatus.COMPLETE, mode=ResponseMode.ONLINE, **chosen
):
    """`count` responses answering the monitored questions named (AGE_BAND="16_24", ...)."""
    questions = {question.code: question for question in wave.version.questions}
    for _ in range(count):
        response = Response(
            wave=wave, mode=mode, status=status, token=f"m{next(TOKENS)}", started_on=date.today()
        )
        response.answers = [
            Answer(question=questions[code], option_code=option) for code, option in chosen.items()
        ]
        db.session.add(response)
    db.session.commit()


def monitor(staff, wave) -> str:
    response = staff.get(f"/surveys/manage/waves/{wave.id}/monitor")
    assert response.status_code == 200
    return text_of(response)


def set_targets(staff, wave, values: dict[str, str]):
    return staff.submit(f"/surveys/manage/waves/{wave.id}/monitor/targets", values)


def test_complete_responses_are_counted_by_district_age_and_sex(staff, wave):
    respond(wave, 3, AGE_BAND="16_24", SEX="FEMALE", DISTRICT="STROUD")
    respond(wave, 1, AGE_BAND="PREFER_NOT", SEX="PREFER_NOT", DISTRICT="GLOUCESTER")
    respond(wave, 1, mode=ResponseMode.PAPER, AGE_BAND="75_PLUS", SEX="MALE")
    respond(wave, 2, status=ResponseStatus.IN_PROGRESS, AGE_BAND="16_24", SEX="MALE")

    page = monitor(staff, wave)

    assert "5 complete responses so far." in page
    assert "Online: 4" in page and "Paper: 1" in page
    assert "Age band: 4 responses with an answer" in page
    assert "16 to 24 3 75.0%" in page
    assert "75 or over 1 25.0%" in page
    assert "Sex: 4 responses with an answer" in page
    assert "Female 3 75.0% Male 1 25.0%" in page
    assert "Prefer not to say: 1. No answer: 0." in page
    assert "District: 4 responses with an answer" in page
    assert "Prefer not to say: 0. No answer: 1." in page  # district missing from the paper one


def test_without_targets_the_monitor_says_so_and_offers_to_set_them(staff, wave):
    page = monitor(staff, wave)

    assert "0 complete responses so far." in page
    assert "No targets are set for this wave's sample" in page
    assert "Set the target shares" in page
    assert "Short by" not in page


def test_targets_set_as_percentages_show_shortfalls(staff, wave):
    respond(wave, 30, AGE_BAND="65_74", SEX="FEMALE", DISTRICT="STROUD")
    respond(wave, 10, AGE_BAND="65_74", SEX="MALE", DISTRICT="CHELTENHAM")

    response = set_targets(staff, wave, TARGETS)

    assert response.status_code == 302
    assert wave.sample_targets["SEX"] == {"FEMALE": 0.51, "MALE": 0.49}
    assert wave.sample_targets["DISTRICT"]["CHELTENHAM"] == 0.185
    assert "AGE_BAND" not in wave.sample_targets
    page = monitor(staff, wave)
    assert "The targets are saved." in page
    assert "Male 10 25.0% 49.0% 20 Short by 10" in page
    assert "Female 30 75.0% 51.0% 20 On track" in page
    assert "Gloucester 0 0.0% 20.5% 8 Short by 9" in page
    assert "Stroud 30 75.0% 19.0% 8 On track" in page
    assert "Cheltenham 10 25.0% 18.5% 7 On track" in page


def test_the_targets_form_shows_the_targets_set_and_can_clear_them(staff, wave):
    set_targets(staff, wave, TARGETS)

    form = staff.get(f"/surveys/manage/waves/{wave.id}/monitor/targets").get_data(as_text=True)
    assert re.search(r'name="target_DISTRICT_CHELTENHAM"[^>]*value="18.5"', form)

    set_targets(staff, wave, dict.fromkeys(TARGETS, ""))

    assert wave.sample_targets is None
    assert "The targets are cleared." in monitor(staff, wave)


def test_targets_that_do_not_add_up_are_refused_and_what_was_typed_is_kept(staff, wave):
    response = set_targets(
        staff,
        wave,
        {"target_SEX_FEMALE": "60", "target_SEX_MALE": "30", "target_AGE_BAND_16_24": "x"},
    )

    assert response.status_code == 400
    page = text_of(response)
    assert "Targets for sex add up to 90%: they must add up to 100%" in page
    assert "Target for 16 to 24 must be a percentage from 0 to 100, like 18.5" in page
    assert "Enter a target for 25 to 34, or leave every age band blank" in page
    assert 'value="60"' in response.get_data(as_text=True)
    assert wave.sample_targets is None


def test_a_survey_that_does_not_ask_for_sex_is_monitored_without_it(staff):
    wave = open_wave("monitor-no-sex", question_codes=["AGE_BAND", "DISTRICT"])
    respond(wave, 2, AGE_BAND="16_24", DISTRICT="COTSWOLD")

    page = monitor(staff, wave)

    assert "This survey does not ask for sex, so it is not monitored." in page
    assert "Age band: 2 responses with an answer" in page
