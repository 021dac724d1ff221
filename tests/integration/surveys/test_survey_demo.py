"""The demo tracker `flask engage demo` loads: realistic, biased like real samples, valid, once.

Loading takes a second or two, so the module loads it once, in its own transaction that is
rolled back afterwards, and the tests check what it found.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.bank import question_bank
from engage.surveys.demo import SURVEY_CODE, quarters_up_to
from engage.surveys.models import Answer, Question, Response, ResponseStatus, Survey, Wave
from engage.surveys.questions import (
    AnswerValue,
    first_missing,
    parse_answer,
    routed_answers,
)
from tests.transactions import rolled_back

# Shares of the county's residents aged 16 and over (2021 census, rounded).
POPULATION_WOMEN_65_PLUS = 0.11
POPULATION_MEN_16_34 = 0.15
AGREE = {"STRONGLY_AGREE", "TEND_AGREE"}


@dataclass
class WaveFound:
    code: str
    opens_on: date
    closes_on: date
    complete: int
    responses: dict[int, dict[str, AnswerValue]]  # response id -> answers by question code


@dataclass
class DemoFound:
    first_output: str
    second_output: str
    waves: list[WaveFound]
    counts_after_first: tuple[int, ...]
    counts_after_second: tuple[int, ...]


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Survey, Wave, Response, Answer)
    )


def _waves() -> list[WaveFound]:
    waves = db.session.scalars(
        select(Wave).join(Survey).where(Survey.code == SURVEY_CODE).order_by(Wave.opens_on)
    ).all()
    rows = db.session.execute(
        select(
            Response.wave_id,
            Answer.response_id,
            Question.code,
            Answer.option_code,
            Answer.number,
            Answer.text,
        )
        .join(Answer.response)
        .join(Answer.question)
        .where(Response.status == ResponseStatus.COMPLETE)
        .order_by(Answer.id)
    )
    by_wave: dict[int, dict[int, dict[str, AnswerValue]]] = defaultdict(lambda: defaultdict(dict))
    for wave_id, response_id, code, option_code, number, text in rows:
        answers = by_wave[wave_id][response_id]
        if option_code is not None:
            answers[code] = (*answers.get(code, ()), option_code)
        else:
            answers[code] = number if number is not None else text
    return [
        WaveFound(
            wave.code,
            wave.opens_on,
            wave.closes_on,
            len(by_wave[wave.id]),
            dict(by_wave[wave.id]),
        )
        for wave in waves
    ]


@pytest.fixture(scope="module")
def demo(app) -> DemoFound:
    """Run `flask engage demo` twice in a transaction of its own, then roll it all back."""
    with rolled_back(app):
        runner = app.test_cli_runner()
        first = runner.invoke(args=["engage", "demo"])
        assert first.exit_code == 0, first.output
        after_first = _counts()
        waves = _waves()
        second = runner.invoke(args=["engage", "demo"])
        assert second.exit_code == 0, second.output
        return DemoFound(first.output, second.output, waves, after_first, _counts())


def closed(demo: DemoFound) -> list[WaveFound]:
    return demo.waves[:3]


def safe_after_dark(answers) -> bool:
    return answers["SAFE_DARK"][0] in ("VERY_SAFE", "FAIRLY_SAFE")


def share(responses, test) -> float:
    return sum(1 for answers in responses if test(answers)) / len(responses)


def test_three_closed_quarters_of_about_1500_responses_and_one_open_now(demo):
    today = date.today()
    assert [(w.opens_on, w.closes_on) for w in demo.waves] == list(quarters_up_to(today, 4))
    assert all(wave.closes_on < today for wave in closed(demo))
    assert all(1400 <= wave.complete <= 1600 for wave in closed(demo))
    current = demo.waves[3]
    assert current.opens_on <= today <= current.closes_on
    assert current.complete <= 100
    total = sum(wave.complete for wave in demo.waves)
    assert f"Demo survey: {total:,} responses created." in demo.first_output


def test_loading_again_adds_nothing(demo):
    assert "Demo survey: 0 responses created." in demo.second_output
    assert demo.counts_after_second == demo.counts_after_first


def test_older_women_are_over_represented_and_young_men_under(demo):
    responses = [answers for wave in closed(demo) for answers in wave.responses.values()]
    women_65_plus = share(
        responses,
        lambda a: a["SEX"] == ("FEMALE",) and a["AGE_BAND"][0] in ("65_74", "75_PLUS"),
    )
    men_16_34 = share(
        responses, lambda a: a["SEX"] == ("MALE",) and a["AGE_BAND"][0] in ("16_24", "25_34")
    )
    assert women_65_plus > 1.5 * POPULATION_WOMEN_65_PLUS
    assert men_16_34 < 0.5 * POPULATION_MEN_16_34
    districts = {a["DISTRICT"][0] for a in responses}
    assert districts == {
        *("CHELTENHAM", "COTSWOLD", "FOREST_OF_DEAN", "GLOUCESTER", "STROUD", "TEWKESBURY"),
        "PREFER_NOT",
    }


def test_every_response_follows_the_routing_and_the_rules_of_each_question(demo):
    specs = question_bank()
    by_code = {spec.code: spec for spec in specs}
    for wave in demo.waves:
        for answers in wave.responses.values():
            if "VICTIM_SATISFIED" in answers:
                assert answers["VICTIM_REPORTED"] == ("YES",)
            if "VICTIM_REPORTED" in answers:
                assert answers["VICTIM_12M"] == ("YES",)
            assert routed_answers(specs, answers) == answers
            assert first_missing(specs, answers) is None
            for code, value in answers.items():
                submitted = list(value) if isinstance(value, tuple) else [str(value)]
                assert parse_answer(by_code[code], submitted) == value


def test_headline_figures_are_plausible_and_confidence_rises(demo):
    confidence = []
    for wave in closed(demo):
        responses = list(wave.responses.values())
        victims = [a for a in responses if a["VICTIM_12M"] == ("YES",)]
        reported = [a for a in victims if a["VICTIM_REPORTED"] == ("YES",)]
        satisfied = share(
            reported, lambda a: a["VICTIM_SATISFIED"][0] in ("VERY_SATISFIED", "FAIRLY_SATISFIED")
        )
        confidence.append(share(responses, lambda a: a["CONF_LOCAL"][0] in AGREE))
        good_job = share(responses, lambda a: a["POLICE_JOB"][0] in ("EXCELLENT", "GOOD"))
        assert 0.6 <= confidence[-1] <= 0.75
        assert 0.43 <= good_job <= 0.57
        assert 0.12 <= len(victims) / len(responses) <= 0.22
        assert 0.4 <= satisfied <= 0.7
        older = [a for a in responses if a["AGE_BAND"] == ("75_PLUS",)]
        younger = [a for a in responses if a["AGE_BAND"][0] in ("25_34", "35_44")]
        assert share(older, safe_after_dark) < share(younger, safe_after_dark)
    assert confidence[-1] > confidence[0]


def test_quarters_run_back_across_the_new_year():
    assert list(quarters_up_to(date(2026, 2, 10), 2)) == [
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
    ]
