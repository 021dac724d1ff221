"""Residents read a wave's published results: only the published copy, never a figure for a
group too small to publish, never a free-text answer; open data carries the same figures."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from engage.auth.permissions import Role
from engage.core.dates import today
from engage.extensions import db
from engage.surveys.models import Answer, Question
from engage.surveys.open_data import FIELDS
from engage.surveys.result_services import publish, wave_outcome
from engage.surveys.services import create_wave
from engage.surveys.weighting_services import copy_targets
from tests.factories import FREE_TEXT, add_complete_responses, closed_wave_with_responses
from tests.reading import text_of


@pytest.fixture
def wave():
    wave = closed_wave_with_responses("public-results", responses=300)
    assert wave_outcome(wave.id).results is not None
    return wave


def published(wave):
    publish(wave.id, None, today())
    return wave


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return text_of(response)


def overall(payload: dict, indicator: str) -> dict:
    entry = next(item for item in payload["indicators"] if item["code"] == indicator)
    return next(row for row in entry["rows"] if row["group"] == "ALL")


def question_of(wave, code: str) -> dict:
    payload = wave_outcome(wave.id).results.payload
    return next(item for item in payload["questions"] if item["code"] == code)


def earlier_wave(wave, code: str, responses: int):
    """A wave of the same survey a year before `wave`, weighted to the same targets."""
    earlier = create_wave(
        wave.survey,
        code=code,
        title=f"Wave {code}",
        opens_on=wave.opens_on.replace(year=wave.opens_on.year - 1),
        closes_on=wave.closes_on.replace(year=wave.closes_on.year - 1),
        version=wave.version,
    )
    db.session.commit()
    add_complete_responses(earlier, responses, SAFE_DARK="VERY_SAFE")
    copy_targets(earlier.id, wave.id)
    assert wave_outcome(earlier.id).results is not None
    return earlier


def test_results_are_public_only_while_published(client, sign_in, wave):
    url = f"/surveys/results/{wave.code}/"
    page(client, url, 404)
    page(client, f"/surveys/results/{wave.code}/data.csv", 404)
    assert wave.title not in page(client, "/surveys/results/")

    staff = sign_in(Role.STAFF)
    dashboard = f"/surveys/manage/waves/{wave.id}/results"
    response = staff.submit(f"{dashboard}/publish", page=dashboard)
    assert response.status_code == 302
    assert "are published" in page(staff, dashboard)

    assert f"{wave.title}: results" in page(client, url)
    assert wave.title in page(client, "/surveys/results/")

    staff.submit(f"{dashboard}/withdraw", page=dashboard)

    page(client, url, 404)
    assert wave.title not in page(client, "/surveys/results/")


def test_the_results_page_gives_headlines_with_intervals_and_the_methods(client, wave):
    published(wave)
    payload = wave_outcome(wave.id).results.payload
    safe = overall(payload, "FEEL_SAFE_DARK")

    text = page(client, f"/surveys/results/{wave.code}/")

    headline = (
        f"{safe['value']:.1f}% 95% confidence interval {safe['low']:.1f}% to {safe['high']:.1f}%"
    )
    assert headline in text
    assert "300 residents answered" in text
    assert "Online: 300" in text
    assert "An invented census, for tests" in text
    assert payload["methods"]["not_known_rule"] in text
    assert f"{payload['methods']['design_effect']:.2f}: weighting makes the figures" in text
    assert "95 in every 100 such ranges would contain it" in text
    assert "Groups of fewer than 30 respondents are not shown" in text
    assert "fewer than 50 are marked low base" in text
    for field in FIELDS:
        assert f"{field.name} {field.description}" in text
    html = client.get(f"/surveys/results/{wave.code}/").get_data(as_text=True)
    assert f'href="/surveys/results/{wave.code}/data.csv"' in html
    assert f'href="/surveys/results/{wave.code}/questions/SAFE_DARK"' in html
    assert "<svg" in html and 'aria-labelledby="trend-FEEL_SAFE_DARK-title' in html


def test_a_question_page_gives_each_district(client, wave):
    published(wave)

    text = page(client, f"/surveys/results/{wave.code}/questions/POLICE_JOB")

    assert "Answers of all respondents" in text
    for district in ("Cheltenham", "Cotswold", "Forest of Dean", "Gloucester", "Stroud"):
        assert f"{district} Answer Weighted % 95% confidence interval Base Note" in text
    assert "Respondents" not in text  # counts per answer are for staff only
    page(client, f"/surveys/results/{wave.code}/questions/NO_SUCH_QUESTION", 404)


@pytest.fixture
def small_district():
    """A closed wave where only 20 respondents live in Cheltenham: too few to publish."""
    wave = closed_wave_with_responses("small-district", responses=300)
    district = db.session.scalar(
        select(Question).where(Question.version_id == wave.version_id, Question.code == "DISTRICT")
    )
    cheltenham = db.session.scalars(
        select(Answer).where(Answer.question_id == district.id, Answer.option_code == "CHELTENHAM")
    ).all()
    for answer in cheltenham[20:]:
        answer.option_code = "STROUD"  # like Cheltenham, a district the factory gives women
    db.session.commit()
    outcome = wave_outcome(wave.id)
    assert outcome.results is not None, outcome.problem
    results = outcome.results
    safe = next(item for item in results.payload["questions"] if item["code"] == "SAFE_DARK")
    hidden = [row for row in safe["rows"] if row["group"] == "CHELTENHAM"]
    assert hidden and all(row["status"] == "suppressed" and row["weighted"] for row in hidden[:1])
    return published(wave)


def test_a_group_too_small_to_publish_is_not_shown(client, small_district):
    wave = small_district

    text = page(client, f"/surveys/results/{wave.code}/questions/SAFE_DARK")

    cheltenham = re.search(r"Cheltenham Answer .*? Cotswold Answer", text).group(0)
    answers = len(question_of(wave, "SAFE_DARK")["answers"])
    assert cheltenham.count("Not shown: too few responses") == answers
    assert "%" not in cheltenham.split(" Note ", 1)[1]  # no figure below the headings
    assert "Gloucester Answer" in text and "Cotswold Answer" in text


def test_open_data_leaves_out_what_is_too_small_to_publish(client, small_district):
    wave = small_district

    document = client.get(f"/surveys/results/{wave.code}/data.json").get_json()
    rows = list(csv.DictReader(io.StringIO(page_csv(client, f"/surveys/results/{wave.code}/"))))

    assert document["schema_version"] == "1.0"
    assert document["wave"]["code"] == wave.code
    hidden = [
        row
        for table in document["tables"]
        for row in table["rows"]
        if row["group_code"] == "CHELTENHAM"
    ]
    assert hidden and all(row["weighted_percent"] is None for row in hidden)
    assert all(row["ci_low"] is None and row["note"] == "Suppressed (under 30)" for row in hidden)
    assert list(rows[0]) == [field.name for field in FIELDS]
    cheltenham = [row for row in rows if row["group_code"] == "CHELTENHAM"]
    assert cheltenham and all(
        row["weighted_percent"] == row["weighted_mean"] == row["ci_low"] == "" for row in cheltenham
    )
    shown = [
        row for row in rows if row["group_code"] == "ALL" and row["question_code"] == "SAFE_DARK"
    ]
    assert all(row["weighted_percent"] for row in shown)


def page_csv(client, results_url: str) -> str:
    response = client.get(f"{results_url}data.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return response.get_data().decode("utf-8-sig")


def test_free_text_answers_are_never_published(client, wave):
    published(wave)
    base = f"/surveys/results/{wave.code}/"

    texts = [
        page(client, base),
        page(client, f"{base}questions/SAFE_DARK"),
        page_csv(client, base),
        client.get(f"{base}data.json").get_data(as_text=True),
    ]

    assert all(FREE_TEXT not in text and "COMMENTS" not in text for text in texts)
    page(client, f"{base}questions/COMMENTS", 404)


def test_published_figures_stay_put_until_published_again(client, sign_in, wave):
    published(wave)
    before = overall(wave_outcome(wave.id).results.payload, "FEEL_SAFE_DARK")
    add_complete_responses(wave, 60, SAFE_DARK="VERY_UNSAFE")
    after = overall(wave_outcome(wave.id).results.payload, "FEEL_SAFE_DARK")
    assert after["value"] < before["value"] - 5
    url = f"/surveys/results/{wave.code}/"

    assert f"{before['value']:.1f}% 95% confidence interval" in page(client, url)
    staff = sign_in(Role.STAFF)
    dashboard = page(staff, f"/surveys/manage/waves/{wave.id}/results")
    assert f"{after['value']:.1f}% 95% confidence interval" in dashboard
    assert "The figures have changed since they were published" in dashboard

    published(wave)

    text = page(client, url)
    assert f"{after['value']:.1f}% 95% confidence interval" in text
    assert f"{before['value']:.1f}% 95% confidence interval" not in text
    assert "360 residents answered" in text


def test_the_results_index_lists_published_waves_newest_first(client, wave):
    older = earlier_wave(wave, "public-older", 240)
    published(older)
    published(wave)

    text = page(client, "/surveys/results/")

    assert re.search(f"{wave.survey.title} {wave.title} .* {older.title} ", text)


def test_headlines_compare_with_the_earlier_published_wave(client, wave):
    older = earlier_wave(wave, "public-older", 240)  # everyone felt very safe then
    published(older)
    published(wave)

    text = page(client, f"/surveys/results/{wave.code}/")

    assert f"since {older.title}: a significant change." in text
    assert re.search(
        f"Change since {older.title} Down [0-9.]+ percentage points: a significant", text
    )
    assert f"{older.title} 100.0% (100.0% to 100.0%) {wave.title} " in text  # the trend's table


def test_a_payload_is_served_as_json(client, wave):
    published(wave)

    response = client.get(f"/surveys/results/{wave.code}/data.json")

    assert response.mimetype == "application/json"
    document = json.loads(response.get_data())
    assert {table["code"] for table in document["tables"]} >= {"SAFE_DARK", "POLICE_JOB"}
