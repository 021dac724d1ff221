"""The weighting summary staff see: plain JSON, the fit of every margin, and what a cap changed."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from engage.surveys.weighting import rake
from engage.surveys.weighting_inputs import NOT_KNOWN, NotKnownRule, WeightingVariable, prepare
from engage.surveys.weighting_report import DISTRIBUTION_EDGES, summarise, weight_distribution

AGE = WeightingVariable("AGE_BAND", {"Y": "YOUNG", "O": "OLD", "P": None})
SEX = WeightingVariable("SEX", {"F": "FEMALE", "M": "MALE"})
TARGETS = {"AGE_BAND": {"YOUNG": 700.0, "OLD": 300.0}, "SEX": {"FEMALE": 500.0, "MALE": 500.0}}
# Few young men: raking gives them large weights, which a cap then limits.
ANSWERS = pd.DataFrame(
    {
        "AGE_BAND": ["Y"] * 6 + ["O"] * 12 + ["Y", "P", None],
        "SEX": ["F"] * 5 + ["M"] + ["F"] * 6 + ["M"] * 6 + ["M", "F", "M"],
    }
)


def weighted(rule=NotKnownRule.OWN_CATEGORY, cap=None):
    prepared = prepare(ANSWERS, [AGE, SEX], TARGETS, rule)
    return rake(prepared.frame, prepared.targets, cap=cap), prepared


def by_label(distribution):
    return {band["label"]: band["respondents"] for band in distribution}


def test_the_summary_is_plain_json_with_no_numpy_types_or_nan():
    capped, prepared = weighted(cap=2.0)
    uncapped, _ = weighted()
    summary = summarise(capped, prepared, uncapped=uncapped, cap=2.0)
    assert json.loads(json.dumps(summary, allow_nan=False)) == summary


def test_the_summary_reports_fit_counts_and_spread_of_the_weights():
    result, prepared = weighted()
    summary = summarise(result, prepared)
    assert summary["converged"] is True and summary["message"] == ""
    assert summary["respondents"] == len(ANSWERS) and summary["left_out"] == 0
    assert summary["not_known"] == {"AGE_BAND": 2, "SEX": 0}
    assert summary["design_effect"] == pytest.approx(result.design_effect)
    assert summary["effective_sample_size"] == pytest.approx(len(ANSWERS) / result.design_effect)
    mean = result.weights.mean()
    assert summary["smallest"] == pytest.approx(result.weights.min() / mean)
    assert summary["largest"] == pytest.approx(result.weights.max() / mean)
    assert summary["cap"] is None and summary["cap_value"] is None and summary["capped"] == 0
    assert summary["cap_effect"] is None


def test_margins_show_each_category_in_percentages_including_not_known():
    result, prepared = weighted()
    margins = summarise(result, prepared)["margins"]
    assert [(row["variable"], row["category"]) for row in margins] == [
        ("AGE_BAND", "YOUNG"),
        ("AGE_BAND", "OLD"),
        ("AGE_BAND", NOT_KNOWN),
        ("SEX", "FEMALE"),
        ("SEX", "MALE"),
    ]
    young = margins[0]
    assert young["respondents"] == 7
    assert young["unweighted"] == pytest.approx(100 * 7 / 21)
    assert young["weighted"] == pytest.approx(young["target"])
    assert young["target"] == pytest.approx(70 * 19 / 21)


def test_respondents_left_out_are_counted():
    result, prepared = weighted(NotKnownRule.LEAVE_OUT)
    summary = summarise(result, prepared)
    assert summary["left_out"] == 2 and summary["respondents"] == len(ANSWERS) - 2


def test_a_cap_reports_its_value_how_many_it_held_down_and_what_it_changed():
    uncapped, prepared = weighted()
    capped, _ = weighted(cap=2.0)
    summary = summarise(capped, prepared, uncapped=uncapped, cap=2.0)
    assert summary["cap"] == 2.0
    assert summary["cap_value"] == pytest.approx(2.0 * 1000 / len(ANSWERS))
    assert summary["capped"] >= 1 and summary["largest"] <= 2.0 + 1e-9
    effect = summary["cap_effect"]
    assert effect["largest"] == pytest.approx(uncapped.weights.max() / uncapped.weights.mean())
    assert effect["largest"] > 2.0
    assert effect["design_effect"] > summary["design_effect"]
    assert effect["effective_sample_size"] < summary["effective_sample_size"]


def test_the_cap_multiple_is_worked_out_from_the_result_when_not_given():
    capped, prepared = weighted(cap=2.0)
    assert summarise(capped, prepared)["cap"] == pytest.approx(2.0)


def test_a_cap_that_cannot_hold_is_reported_as_not_converged_with_its_message():
    result, prepared = weighted(cap=1.01)
    summary = summarise(result, prepared)
    assert summary["converged"] is False and "cap" in summary["message"]
    assert summary["capped"] == 0


def test_bands_include_their_lower_edge_and_the_last_is_open():
    bands = weight_distribution(pd.Series([1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 5.0]))  # mean 10 / 7
    assert len(bands) == len(DISTRIBUTION_EDGES) - 1
    assert bands[-1] == {"label": "5 or more", "low": 5.0, "high": None, "respondents": 0}
    assert bands[1] == {"label": "0.25 to 0.5", "low": 0.25, "high": 0.5, "respondents": 2}
    assert bands[2]["respondents"] == 4 and bands[7]["respondents"] == 1
    exact = weight_distribution(pd.Series([0.5, 1.0, 1.5, 5.0, 2.0]))  # mean 2: 0.25, 0.5, ...
    assert by_label(exact) == {
        "0 to 0.25": 0,
        "0.25 to 0.5": 1,
        "0.5 to 0.75": 1,
        "0.75 to 1": 1,
        "1 to 1.5": 1,
        "1.5 to 2": 0,
        "2 to 3": 1,
        "3 to 5": 0,
        "5 or more": 0,
    }


def test_equal_weights_all_fall_in_the_band_starting_at_the_mean():
    bands = by_label(weight_distribution(pd.Series(np.full(1000, 0.1))))
    assert bands["1 to 1.5"] == 1000 and sum(bands.values()) == 1000


def test_a_weight_five_times_the_mean_or_more_is_in_the_open_band():
    bands = by_label(weight_distribution(pd.Series([0.5] * 19 + [100.0])))
    assert bands["5 or more"] == 1 and bands["0 to 0.25"] == 19


def test_no_weights_give_empty_bands():
    assert all(band["respondents"] == 0 for band in weight_distribution(pd.Series([], dtype=float)))


def test_other_edges_can_be_given():
    bands = weight_distribution(pd.Series([1.0, 3.0]), edges=(0, 1, math.inf))
    assert by_label(bands) == {"0 to 1": 1, "1 or more": 1}
