"""Headline indicators over waves: figures, tested changes and a benchmark, in plain words."""

import math
from dataclasses import astuple

import numpy as np
import pandas as pd
import pytest

from engage.surveys.headlines import Benchmark, WaveFigures, estimate_of, headlines, trend
from engage.surveys.questions import QuestionSpec, QuestionType, standard_options
from engage.surveys.results import IndicatorSpec, for_publication, wave_results
from engage.surveys.weighting import rake

CSEW = Benchmark(49.0, "Crime Survey for England and Wales (ONS)", "year ending March 2025")
FEEL_SAFE = {"code": "FEEL_SAFE", "label": "feel safe after dark", "question": "SAFE_DARK"}


def wave(title, value, se=1.5, n=900, status="", positive=("STRONGLY_AGREE", "TEND_AGREE")):
    """A wave whose one indicator has `value` (a percentage) overall."""
    z = 1.96 * se
    row = {
        "group": "ALL",
        "value": value,
        "low": value - z,
        "high": value + z,
        "se": se,
        "n": n,
        "effective_n": 0.8 * n,
        "status": status,
    }
    indicator = FEEL_SAFE | {"positive": list(positive), "excluded": ["DONT_KNOW"], "rows": [row]}
    payload = {"low_base": {"flag_below": 50, "suppress_below": 30}, "indicators": [indicator]}
    return WaveFigures(title, payload)


def test_the_figure_is_given_with_its_interval_in_whole_percentages():
    [headline] = headlines([wave("April to June 2026", 72.4, se=1.53)], {})
    assert headline.sentences == ("72% (69% to 75%) feel safe after dark.",)
    assert headline.value == 72.4 and headline.n == 900
    assert headline.since_last is None and headline.last_title is None
    assert headline.against_benchmark is None


def test_a_group_without_figures_in_the_wave_has_no_headline():
    assert headlines([wave("April to June 2026", 72.4)], {}, group="STROUD") == []
    assert headlines([], {}) == []


def test_a_significant_rise_since_the_last_wave_is_said_in_points():
    waves = [wave("April to June 2026", 68.2), wave("July to September 2026", 72.4)]
    [headline] = headlines(waves, {})
    assert headline.last_title == "April to June 2026"
    assert headline.since_last.difference == pytest.approx(0.042)
    assert headline.since_last.verdict == "significantly higher"
    assert headline.since_first is None  # the first wave is the last one: said once
    assert headline.sentences[1] == "Up 4 points since April to June 2026: a significant change."


def test_a_change_within_chance_is_no_significant_change():
    waves = [
        wave("January to March 2026", 71.0),
        wave("April to June 2026", 62.0),
        wave("July to September 2026", 70.0),
    ]
    [headline] = headlines(waves, {})
    assert headline.sentences[1:] == (
        "Up 8 points since April to June 2026: a significant change.",
        "No significant change since January to March 2026.",
    )
    assert headline.first_title == "January to March 2026"
    assert not headline.since_first.significant


def test_the_gap_to_the_national_figure_is_tested_and_explained():
    [headline] = headlines([wave("July to September 2026", 67.4)], {"FEEL_SAFE": CSEW})
    assert headline.benchmark == CSEW
    assert headline.against_benchmark.difference == pytest.approx(0.184)
    assert headline.sentences[1] == (
        "18 points above the national figure of 49% (Crime Survey for England and Wales, "
        "year ending March 2025): a significant difference."
    )
    [close] = headlines([wave("July to September 2026", 50.0, se=2.0)], {"FEEL_SAFE": CSEW})
    assert close.sentences[1].startswith("No significant difference from the national figure")


def test_too_few_respondents_get_no_verdict():
    waves = [wave("April to June 2026", 60.0, n=25, status="suppressed"), wave("Now", 70.0)]
    [headline] = headlines(waves, {"FEEL_SAFE": CSEW})
    assert headline.sentences[1] == "Too few respondents to compare with April to June 2026."
    assert math.isnan(headline.since_last.p_value)
    [small] = headlines([wave("Now", 70.0, n=20, status="suppressed")], {"FEEL_SAFE": CSEW})
    assert small.sentences[0] == "Too few people answered to say how many feel safe after dark."
    assert small.sentences[1].startswith("Too few respondents to compare with the national")


def test_a_low_base_figure_comes_with_a_caution():
    [headline] = headlines([wave("Now", 70.0, se=6.0, n=42, status="low base")], {})
    assert headline.sentences[1] == "Based on only 42 people: treat with caution."


def test_a_changed_definition_starts_a_new_series():
    waves = [
        wave("April to June 2026", 40.0, positive=("STRONGLY_AGREE",)),
        wave("July to September 2026", 72.0),
    ]
    [headline] = headlines(waves, {})
    assert headline.since_last is None
    assert [row["title"] for row in trend(waves, "FEEL_SAFE")] == ["July to September 2026"]


def test_the_trend_lists_each_wave_that_measured_the_indicator():
    other = WaveFigures("Special", {"low_base": {}, "indicators": []})
    waves = [wave("Q1", 70.0), other, wave("Q3", 72.0, n=40, status="low base")]
    assert trend(waves, "FEEL_SAFE") == [
        {"title": "Q1", "value": 70.0, "low": 67.06, "high": 72.94, "n": 900, "status": ""},
        {"title": "Q3", "value": 72.0, "low": 69.06, "high": 74.94, "n": 40, "status": "low base"},
    ]
    assert trend(waves, "UNKNOWN") == []


def test_rounding_is_half_up_as_people_expect():
    [headline] = headlines([wave("Now", 72.5, se=0.0)], {})
    assert headline.sentences[0] == "73% (73% to 73%) feel safe after dark."


def test_headlines_read_real_payloads_and_their_published_copies():
    rng = np.random.default_rng(4)
    sample = pd.DataFrame({"sex": rng.choice(["F", "M"], 400)})
    result = rake(sample, {"sex": {"F": 510.0, "M": 490.0}})
    spec = QuestionSpec(
        "SAFE_DARK",
        QuestionType.AGREEMENT,
        "Safe?",
        options=standard_options(QuestionType.AGREEMENT),
    )
    indicator = IndicatorSpec(
        "FEEL_SAFE", "feel safe after dark", "SAFE_DARK", ("STRONGLY_AGREE", "TEND_AGREE")
    )
    answers = pd.Series(rng.choice(["TEND_AGREE", "NEITHER"], 400), dtype=object)
    payload = wave_results(result, {"SAFE_DARK": answers}, [spec], indicators=[indicator])
    row = payload["indicators"][0]["rows"][0]
    expected = result.estimate((answers == "TEND_AGREE").astype(float))
    assert astuple(estimate_of(row)) == pytest.approx(astuple(expected))
    for figures in (payload, for_publication(payload)):
        [headline] = headlines([WaveFigures("Now", figures)], {"FEEL_SAFE": CSEW})
        assert headline.value == pytest.approx(100 * expected.value)
        assert headline.against_benchmark.verdict != "too few respondents to compare"
