"""Staff run a wave's weighting and read its diagnostics; new responses and settings rerun it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.result_models import ResponseWeight, WeightingRun
from tests.factories import add_complete_responses, closed_wave_with_responses
from tests.integration.surveys.test_weighting_pages import GOOD, as_file, upload, url
from tests.reading import text_of


@pytest.fixture
def weighted_wave():
    return closed_wave_with_responses("weighting-run", responses=400)


def test_uploaded_targets_weight_the_responses_and_the_overview_shows_the_diagnostics(staff):
    responded = closed_wave_with_responses("weighting-upload", responses=400, targets=False)
    assert "could not be weighted" in text_of(staff.get(url(responded)))

    assert upload(staff, responded, as_file(GOOD)).status_code == 302

    response = staff.get(url(responded))
    page = text_of(response)
    assert "Met the targets Yes" in page
    assert "Respondents weighted 400" in page
    assert re.search(r"Design effect \d\.\d\d", page)
    assert re.search(r"Effective sample size \d{3}", page)
    assert re.search(r"Smallest weight 0\.\d\d times the mean", page)
    assert re.search(r"Largest weight \d\.\d\d times the mean", page)
    assert "How the weighted responses fit the targets" in page
    # 58 of 400 respondents are 16 to 24 (14.5%); weighted, they are 12% like the population
    assert "AGE_BAND 16_24 58 14.5% 12.0% 12.0%" in page
    assert "How the weights are spread" in page
    assert "Weight, times the mean weight Respondents 0 to 0.25" in page  # the chart's table
    assert '<svg class="engage-chart__svg" role="img"' in response.get_data(as_text=True)


def test_the_run_button_stores_a_weight_for_each_weighted_respondent(staff, weighted_wave):
    response = staff.submit(url(weighted_wave, "run"), {}, page=url(weighted_wave))

    assert response.status_code == 302
    run = db.session.scalars(
        select(WeightingRun).where(WeightingRun.wave_id == weighted_wave.id)
    ).one()
    assert run.ran_by_id == staff.user.id
    weights = db.session.scalar(
        select(func.count()).where(ResponseWeight.wave_id == weighted_wave.id)
    )
    assert weights == run.diagnostics["respondents"] == 400
    assert "The wave is weighted: 400 respondents." in text_of(staff.get(url(weighted_wave)))


def test_respondents_who_did_not_say_keep_their_place_as_not_known_by_default(staff, weighted_wave):
    add_complete_responses(weighted_wave, 5, AGE_BAND="PREFER_NOT", SEX="FEMALE", DISTRICT="STROUD")

    page = text_of(staff.get(url(weighted_wave)))

    assert "Respondents weighted 405" in page
    assert "AGE_BAND: 5" in page
    assert "AGE_BAND Not known 5 1.2% 1.2% 1.2%" in page  # their share of the sample


def test_respondents_who_did_not_say_are_left_out_under_that_rule(staff, weighted_wave):
    add_complete_responses(weighted_wave, 5, AGE_BAND="PREFER_NOT", SEX="FEMALE", DISTRICT="STROUD")
    staff.submit(url(weighted_wave, "settings"), {"rule": "leave out", "cap": ""})

    staff.submit(url(weighted_wave, "run"), {}, page=url(weighted_wave))

    weights = db.session.scalar(
        select(func.count()).where(ResponseWeight.wave_id == weighted_wave.id)
    )
    assert weights == 400
    page = text_of(staff.get(url(weighted_wave)))
    assert "Respondents weighted 400" in page
    assert "Respondents left out 5" in page
    assert "AGE_BAND: 5" in page


def test_new_responses_make_the_overview_show_a_fresh_run(staff, weighted_wave):
    assert "Respondents weighted 400" in text_of(staff.get(url(weighted_wave)))
    first = db.session.scalars(select(WeightingRun.fingerprint)).one()

    add_complete_responses(weighted_wave, 7, AGE_BAND="16_24", SEX="MALE", DISTRICT="COTSWOLD")

    assert "Respondents weighted 407" in text_of(staff.get(url(weighted_wave)))
    assert db.session.scalars(select(WeightingRun.fingerprint)).one() != first
    weights = select(func.count()).where(ResponseWeight.wave_id == weighted_wave.id)
    assert db.session.scalar(weights) == 407


def test_a_cap_shows_what_it_changed(staff, weighted_wave):
    add_complete_responses(weighted_wave, 30, AGE_BAND="75_PLUS", SEX="MALE", DISTRICT="TEWKESBURY")
    staff.submit(url(weighted_wave, "settings"), {"rule": "own category", "cap": "1.5"})

    page = text_of(staff.get(url(weighted_wave)))

    assert "Weights are capped at 1.5 times the mean weight:" in page
    assert "What the cap changed Measure Without the cap With the cap" in page
    assert re.search(r"Largest weight \d\.\d\d times the mean \d\.\d\d times the mean", page)


def test_a_run_that_cannot_weight_says_why_and_what_to_do(staff):
    unweighted = closed_wave_with_responses("weighting-no-targets", responses=20, targets=False)

    response = staff.submit(url(unweighted, "run"), {}, page=url(unweighted))

    assert response.status_code == 302
    page = text_of(staff.get(url(unweighted)))
    assert "The wave could not be weighted: Give the population targets to weight to." in page
    assert "Change the variables, their categories, the settings or the targets above" in page
    assert db.session.scalar(select(func.count()).select_from(ResponseWeight)) == 0
