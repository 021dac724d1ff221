"""Raked weights, estimates and standard errors agree with R's survey package.

The fixtures were made by fixtures/make_weighting_fixtures.R (R 4.2.2, survey 4.1.1): a sample of
1,500 raked to age band, sex and district, with equal and with unequal base weights.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engage.surveys.weighting import rake

FIXTURES = Path(__file__).parent / "fixtures"
MARGINS = ["age", "sex", "district"]


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "weighting_sample.csv")


@pytest.fixture(scope="module")
def targets() -> dict:
    rows = pd.read_csv(FIXTURES / "weighting_targets.csv")
    return {
        variable: dict(zip(group.category, group.total, strict=True))
        for variable, group in rows.groupby("variable", sort=False)
    }


@pytest.fixture(scope="module")
def expected_weights() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "weighting_expected_weights.csv")


def expected_estimates(case: str) -> list[dict]:
    rows = pd.read_csv(FIXTURES / "weighting_expected_estimates.csv", keep_default_na=False)
    return rows[rows.case == case].to_dict("records")


def raked(sample, targets, case):
    base = sample.unequal_base if case == "unequal" else None
    return rake(sample[MARGINS], targets, base)


@pytest.mark.parametrize("case", ["equal", "unequal"])
def test_weights_agree_with_survey_rake_and_calibrate(sample, targets, expected_weights, case):
    result = raked(sample, targets, case)
    expected = expected_weights[expected_weights.case == case]
    assert result.converged
    np.testing.assert_allclose(result.weights.to_numpy(), expected.rake.to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(result.weights.to_numpy(), expected.calibrate.to_numpy(), rtol=1e-6)
    assert result.weights.sum() == pytest.approx(sum(targets["age"].values()), rel=1e-12)


@pytest.mark.parametrize("case", ["equal", "unequal"])
@pytest.mark.parametrize(
    "row", range(len(expected_estimates("equal"))), ids=lambda i: f"estimate{i}"
)
def test_means_and_standard_errors_agree_with_svymean_and_svyby(sample, targets, case, row):
    expected = expected_estimates(case)[row]
    result = raked(sample, targets, case)
    where = None if not expected["group_by"] else sample[expected["group_by"]] == expected["group"]
    estimate = result.estimate(sample[expected["variable"]], where)
    assert estimate.value == pytest.approx(expected["mean"], abs=1e-8)
    assert estimate.se == pytest.approx(expected["se"], rel=0.005)


def test_missing_values_are_left_out_like_na_rm(sample, targets):
    result = raked(sample, targets, "equal")
    answered = sample.victim_satisfied.notna()
    estimate = result.estimate(sample.victim_satisfied)
    assert estimate.n == answered.sum()
    assert estimate.proportion
    assert 0 < estimate.ci_low < estimate.value < estimate.ci_high < 1
