"""Bad input is refused with a message naming the margin and category; never NaN weights."""

import math

import numpy as np
import pandas as pd
import pytest

from engage.surveys.weighting import WeightingError, rake

SAMPLE = pd.DataFrame(
    {
        "age": ["16-34", "35-64", "65+", "35-64", "65+", "65+", "16-34", "35-64"],
        "sex": ["F", "F", "F", "M", "M", "F", "M", "M"],
    }
)
TARGETS = {
    "age": {"16-34": 300.0, "35-64": 450.0, "65+": 250.0},
    "sex": {"F": 510.0, "M": 490.0},
}


def refused(frame=SAMPLE, targets=TARGETS, **kwargs) -> str:
    with pytest.raises(WeightingError) as error:
        rake(frame, targets, **kwargs)
    return str(error.value)


def with_target(variable, category, total):
    changed = {name: dict(totals) for name, totals in TARGETS.items()}
    changed[variable][category] = total
    return changed


def test_a_target_category_without_respondents_is_named():
    targets = with_target("age", "85+", 10.0)
    targets["age"]["16-34"] -= 10.0
    message = refused(targets=targets)
    assert "'age'" in message and "'85+'" in message and "no respondents" in message


def test_a_respondent_category_without_a_target_is_named():
    frame = SAMPLE.assign(sex=["F", "F", "F", "M", "M", "F", "M", "Other"])
    message = refused(frame=frame)
    assert "'sex'" in message and "'Other'" in message and "1 respondents" in message


def test_missing_values_in_a_margin_are_refused_with_where():
    frame = SAMPLE.assign(age=["16-34", None, "65+", "35-64", "65+", "65+", "16-34", "35-64"])
    message = refused(frame=frame)
    assert "'age'" in message and "1 respondents with no value" in message and "index 1" in message


@pytest.mark.parametrize("bad", [0, -5, math.nan, math.inf, "many", None])
def test_targets_must_be_positive_finite_numbers(bad):
    message = refused(targets=with_target("sex", "M", bad))
    assert "'sex'" in message and "'M'" in message and "positive number" in message


def test_margins_must_describe_the_same_population():
    message = refused(targets=with_target("sex", "M", 500.0))
    assert "'age'" in message and "'sex'" in message and "0.1%" in message


def test_totals_within_a_tenth_of_a_percent_are_accepted_and_scaled():
    result = rake(SAMPLE, with_target("sex", "M", 490.5))
    assert result.weights.sum() == pytest.approx(1000.0)
    sex = result.margins[result.margins.variable == "sex"]
    assert sex["weighted %"].tolist() == pytest.approx(sex["target %"].tolist())


def test_a_margin_that_is_not_a_column_is_named():
    targets = {**TARGETS, "district": {"Stroud": 1000.0}}
    assert "'district' is not a column" in refused(targets=targets)


def test_no_convergence_within_max_iter_is_an_error_naming_the_worst_margin():
    # Young respondents are all women and old ones all men: the margins fight each other.
    frame = pd.DataFrame({"age": ["young", "young", "old", "old"], "sex": ["F", "F", "M", "M"]})
    targets = {"age": {"young": 50.0, "old": 50.0}, "sex": {"F": 30.0, "M": 70.0}}
    message = refused(frame=frame, targets=targets, max_iter=50)
    assert "did not converge in 50 iterations" in message
    assert "margin" in message and "off its target" in message


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan])
def test_base_weights_must_be_positive(bad):
    base = pd.Series([1.0] * 7 + [bad], index=SAMPLE.index)
    assert "Base weights must be positive" in refused(base_weights=base)


def test_empty_responses_and_empty_targets_are_refused():
    assert "no responses" in refused(frame=SAMPLE.iloc[:0])
    assert "No margins" in refused(targets={})


def test_an_estimate_over_an_empty_group_is_refused():
    result = rake(SAMPLE, TARGETS)
    with pytest.raises(WeightingError, match="No respondents"):
        result.estimate(pd.Series(1.0, index=SAMPLE.index), where=SAMPLE.age == "nobody")


def test_values_of_the_wrong_length_are_refused():
    result = rake(SAMPLE, TARGETS)
    with pytest.raises(WeightingError, match="one entry per respondent"):
        result.estimate([1, 0, 1])


def test_a_cap_that_cannot_hold_says_so_and_keeps_weights_that_meet_the_margins():
    result = rake(SAMPLE, TARGETS, cap=1.01)
    assert not result.converged
    assert "cannot hold" in result.message and "Raise the cap" in result.message
    assert np.all(result.weights > 0) and not result.weights.isna().any()
    assert result.margins["weighted %"].tolist() == pytest.approx(
        result.margins["target %"].tolist()
    )


def test_a_cap_that_can_hold_caps_and_still_meets_the_margins():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "age": rng.choice(["young", "middle", "old"], 600, p=[0.1, 0.3, 0.6]),
            "sex": rng.choice(["F", "M"], 600, p=[0.6, 0.4]),
        }
    )
    targets = {"age": {"young": 30.0, "middle": 40.0, "old": 30.0}, "sex": {"F": 51, "M": 49}}
    uncapped = rake(frame, targets)
    cap = 0.8 * uncapped.weights.max() / uncapped.weights.mean()
    capped = rake(frame, targets, cap=cap)
    assert capped.converged and capped.capped > 0
    assert capped.weights.max() <= cap * capped.weights.mean() * (1 + 1e-9)
    assert capped.margins["weighted %"].tolist() == pytest.approx(
        capped.margins["target %"].tolist()
    )
    assert capped.design_effect < uncapped.design_effect


def test_the_margin_table_lists_categories_in_the_targets_order():
    result = rake(SAMPLE, TARGETS)
    assert list(zip(result.margins.variable, result.margins.category, strict=True)) == [
        ("age", "16-34"),
        ("age", "35-64"),
        ("age", "65+"),
        ("sex", "F"),
        ("sex", "M"),
    ]
    assert result.margins.respondents.tolist() == [2, 3, 3, 4, 4]
    assert result.margins["unweighted %"].sum() == pytest.approx(200.0)


def test_targets_may_be_series_and_margins_categorical_or_numeric():
    frame = pd.DataFrame(
        {
            "age": pd.Categorical(SAMPLE.age, categories=["16-34", "35-64", "65+", "85+"]),
            "sex": SAMPLE.sex.map({"F": 2, "M": 1}),
        }
    )
    targets = {"age": pd.Series(TARGETS["age"]), "sex": {2: 510, 1: 490}}
    result = rake(frame, targets, base_weights=np.linspace(1, 2, len(frame)))
    assert result.weights.groupby(frame.sex).sum().to_dict() == pytest.approx({1: 490, 2: 510})
