"""Question tables with intervals and small-base rules; wave and benchmark comparisons."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from engage.surveys.analysis import (
    ALL_RESPONDENTS,
    LowBase,
    compare_waves,
    compare_with_benchmark,
    mean_table,
    question_table,
)
from engage.surveys.estimates import Estimate
from engage.surveys.weighting import rake

rng = np.random.default_rng(11)
N = 600
DISTRICT_SHARES = {"Cheltenham": 0.45, "Stroud": 0.45, "Cotswold": 0.06, "Forest of Dean": 0.04}
SAMPLE = pd.DataFrame(
    {
        "sex": rng.choice(["F", "M"], N, p=[0.6, 0.4]),
        "district": rng.choice(list(DISTRICT_SHARES), N, p=list(DISTRICT_SHARES.values())),
        "safe": rng.choice(["Very safe", "Fairly safe", "A bit unsafe", "Very unsafe"], N),
    }
)
SAMPLE.loc[SAMPLE.index[:20], "safe"] = None  # not answered
TARGETS = {
    "sex": {"F": 5100.0, "M": 4900.0},
    "district": {name: 2500.0 for name in DISTRICT_SHARES},
}
RESULT = rake(SAMPLE, TARGETS)


def block(table, group):
    return table[table.group == group].set_index("answer")


def test_each_answer_gets_its_weighted_share_interval_and_base():
    table = question_table(RESULT, SAMPLE.safe)
    overall = block(table, ALL_RESPONDENTS)
    assert overall["weighted %"].sum() == pytest.approx(100.0)
    assert set(overall.base) == {N - 20}
    expected = RESULT.estimate(
        (SAMPLE.safe == "Very safe").astype(float).where(SAMPLE.safe.notna())
    )
    assert overall.loc["Very safe", "weighted %"] == pytest.approx(100 * expected.value)
    assert overall.loc["Very safe", "ci low %"] == pytest.approx(100 * expected.ci_low)
    assert overall.loc["Very safe", "respondents"] == (SAMPLE.safe == "Very safe").sum()
    assert (overall["ci low %"] < overall["weighted %"]).all()
    assert (overall["weighted %"] < overall["ci high %"]).all()


def test_answers_come_in_the_order_given():
    order = ["Very safe", "Fairly safe", "A bit unsafe", "Very unsafe"]
    table = question_table(RESULT, SAMPLE.safe, order=order)
    assert list(block(table, ALL_RESPONDENTS).index) == order


def test_districts_each_get_a_block_and_small_ones_are_flagged_or_suppressed():
    table = question_table(RESULT, SAMPLE.safe, SAMPLE.district)
    bases = table.groupby("group").base.first()
    for district, base in bases.items():
        rows = table[table.group == district]
        if base < 30:
            assert set(rows.status) == {"suppressed"}
            assert rows["weighted %"].isna().all() and rows["ci low %"].isna().all()
        elif base < 50:
            assert set(rows.status) == {"low base"}
            assert rows["weighted %"].notna().all()
        else:
            assert set(rows.status) == {""}
            assert rows["weighted %"].sum() == pytest.approx(100.0)
    assert {"suppressed", ""} <= set(table.status)


def test_the_low_base_rules_are_configurable():
    rules = LowBase(flag_below=400, suppress_below=10)
    table = question_table(RESULT, SAMPLE.safe, SAMPLE.district, low_base=rules)
    big = table[table.base >= 400]
    assert set(table[(table.base < 400) & (table.base >= 10)].status) == {"low base"}
    assert set(big.status) == {""}


def test_multiple_choice_options_are_each_a_share_of_those_who_answered():
    options = pd.DataFrame(
        {
            "Burglary": rng.integers(0, 2, N),
            "Speeding": rng.integers(0, 2, N),
        },
        index=SAMPLE.index,
    ).astype(float)
    options.iloc[:10] = np.nan
    table = block(question_table(RESULT, options), ALL_RESPONDENTS)
    assert set(table.base) == {N - 10}
    assert table.loc["Burglary", "respondents"] == options.Burglary.sum()


def test_a_batch_of_estimates_equals_one_estimate_at_a_time():
    values = pd.DataFrame(
        {
            "very safe": (SAMPLE.safe == "Very safe").astype(float),
            "score": rng.normal(5, 2, N),
            "victim": rng.integers(0, 2, N).astype(float),
        },
        index=SAMPLE.index,
    )
    values.loc[SAMPLE.safe.isna(), "very safe"] = np.nan
    values.loc[values.index[100:160], "score"] = np.nan  # missing in one column only
    for where in (None, SAMPLE.district == "Cheltenham"):
        batch = RESULT.estimate_many(values.sample(frac=1.0, random_state=1), where)
        one_by_one = [RESULT.estimate(values[column], where) for column in values.columns]
        assert len(batch) == 3
        for together, alone in zip(batch, one_by_one, strict=True):
            assert together.n == alone.n and together.proportion == alone.proportion
            assert together.value == pytest.approx(alone.value, rel=1e-12)
            assert together.se == pytest.approx(alone.se, rel=1e-9)
            assert together.ci_low == pytest.approx(alone.ci_low, rel=1e-9)
            assert together.effective_n == pytest.approx(alone.effective_n, rel=1e-12)


def test_margins_that_overlap_still_give_the_calibration_standard_error():
    # The same respondents preferred not to give their sex or age: two identical indicators.
    sample = pd.DataFrame(
        {"sex": rng.choice(["F", "M"], 300), "age": rng.choice(["young", "old"], 300)}
    )
    sample.iloc[:20] = "NOT_KNOWN"
    targets = {
        "sex": {"F": 5000.0, "M": 4800.0, "NOT_KNOWN": 200.0},
        "age": {"young": 4000.0, "old": 5800.0, "NOT_KNOWN": 200.0},
    }
    result = rake(sample, targets)
    y = rng.normal(size=300)
    domain = (sample.sex == "F").to_numpy()
    got = result.estimate(y, domain)

    # The definition, respondent by respondent, with every category's indicator.
    w, base = result.weights.to_numpy(), np.ones(300)
    total = w[domain].sum()
    linearised = np.where(domain, y - w[domain] @ y[domain] / total, 0.0) / total
    design = pd.get_dummies(sample).to_numpy(dtype=float)
    fit = np.linalg.lstsq(design * base[:, None] ** 0.5, linearised * base**0.5, rcond=None)[0]
    residual = w * (linearised - design @ fit)
    variance = 300 / 299 * ((residual - residual.mean()) ** 2).sum()
    assert got.se == pytest.approx(math.sqrt(variance), rel=1e-9)


def test_a_groups_figures_are_its_domain_estimates():
    table = question_table(RESULT, SAMPLE.safe, SAMPLE.district)
    stroud = block(table, "Stroud")
    chosen = (SAMPLE.safe == "Fairly safe").astype(float).where(SAMPLE.safe.notna())
    expected = RESULT.estimate(chosen, SAMPLE.district == "Stroud")
    assert stroud.loc["Fairly safe", "weighted %"] == pytest.approx(100 * expected.value)
    assert stroud.loc["Fairly safe", "ci high %"] == pytest.approx(100 * expected.ci_high)
    in_stroud = SAMPLE.safe[SAMPLE.district == "Stroud"]
    assert stroud.loc["Fairly safe", "respondents"] == (in_stroud == "Fairly safe").sum()
    assert set(stroud.base) == {in_stroud.notna().sum()}


def test_staff_can_keep_suppressed_figures_with_their_status():
    kept = question_table(RESULT, SAMPLE.safe, SAMPLE.district, keep_suppressed=True)
    blanked = question_table(RESULT, SAMPLE.safe, SAMPLE.district)
    suppressed = kept.status == "suppressed"
    assert suppressed.any() and kept[suppressed]["weighted %"].notna().all()
    assert blanked[suppressed]["weighted %"].isna().all()
    pd.testing.assert_frame_equal(kept[~suppressed], blanked[~suppressed])


def test_groups_come_in_the_order_given_and_an_empty_one_has_no_figures():
    order = ["Stroud", "Nowhere", "Cheltenham"]
    table = question_table(RESULT, SAMPLE.safe, SAMPLE.district, group_order=order, overall="ALL")
    assert list(dict.fromkeys(table.group)) == ["ALL", *order]
    nowhere = table[table.group == "Nowhere"]
    assert set(nowhere.base) == {0} and set(nowhere.status) == {"suppressed"}
    assert nowhere["weighted %"].isna().all()


def test_a_number_questions_mean_has_its_interval_and_plain_mean():
    minutes = pd.Series(rng.gamma(2.0, 10.0, N), index=SAMPLE.index)
    minutes.iloc[:30] = np.nan
    table = mean_table(RESULT, minutes, SAMPLE.district).set_index("group")
    overall = table.loc[ALL_RESPONDENTS]
    expected = RESULT.estimate(minutes)
    assert overall.answer == "mean"
    assert overall.weighted == pytest.approx(expected.value)
    assert overall["ci low"] == pytest.approx(expected.ci_low)
    assert overall["ci high"] == pytest.approx(expected.ci_high)
    assert overall.unweighted == pytest.approx(minutes.mean())
    assert overall.respondents == overall.base == N - 30
    stroud = RESULT.estimate(minutes, SAMPLE.district == "Stroud")
    assert table.loc["Stroud", "weighted"] == pytest.approx(stroud.value)
    small = table[table.status == "suppressed"]
    assert len(small) and small.weighted.isna().all()


def estimate(value, se, n=500):
    low, high = value - 1.96 * se, value + 1.96 * se
    return Estimate(value, se, low, high, n, n * 0.8, True)


def test_a_rise_beyond_chance_between_waves_is_significantly_higher():
    change = compare_waves(estimate(0.50, 0.02), estimate(0.56, 0.02))
    assert change.difference == pytest.approx(0.06)
    assert change.se == pytest.approx(math.sqrt(2) * 0.02)
    assert change.p_value == pytest.approx(2 * norm.sf(0.06 / (math.sqrt(2) * 0.02)))
    assert change.significant and change.verdict == "significantly higher"


def test_a_small_move_between_waves_is_no_significant_change():
    change = compare_waves(estimate(0.50, 0.02), estimate(0.48, 0.02))
    assert not change.significant and change.verdict == "no significant change"


def test_a_fall_beyond_chance_is_significantly_lower():
    assert compare_waves(estimate(0.60, 0.01), estimate(0.55, 0.01)).verdict == (
        "significantly lower"
    )


def test_waves_with_too_few_respondents_are_not_compared():
    change = compare_waves(estimate(0.5, 0.1, n=20), estimate(0.9, 0.05))
    assert change.verdict == "too few respondents to compare" and math.isnan(change.p_value)


def test_the_gap_to_a_national_benchmark_is_tested():
    gap = compare_with_benchmark(estimate(0.55, 0.015), 0.49)
    assert gap.difference == pytest.approx(0.06)
    assert gap.verdict == "significantly higher"
    close = compare_with_benchmark(estimate(0.50, 0.015), 0.49)
    assert close.verdict == "no significant difference"
    uncertain = compare_with_benchmark(estimate(0.53, 0.015), 0.49, benchmark_se=0.02)
    assert uncertain.se == pytest.approx(0.025)
    assert uncertain.verdict == "no significant difference"
