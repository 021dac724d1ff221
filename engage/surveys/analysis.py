"""Tables and tests for publishing weighted survey results honestly.

Pure: takes a raking result (engage.surveys.weighting) and answers as pandas objects, returns
DataFrames and small records. Every percentage comes with its interval and its unweighted base,
small bases are flagged or suppressed, and a change is called significant only when a two-sided
test at the stated level says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from engage.surveys.estimates import CONFIDENCE, Estimate
from engage.surveys.weighting import RakeResult

ALL_RESPONDENTS = "All respondents"
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class LowBase:
    """Rules for small groups: flag a base under `flag_below`, suppress one under `suppress_below`.

    The defaults follow common practice for published perception surveys (flag under 50,
    suppress under 30 respondents).
    """

    flag_below: int = 50
    suppress_below: int = 30

    def status(self, base: int) -> str:
        """'suppressed', 'low base' or '' for a group of `base` respondents."""
        if base < self.suppress_below:
            return "suppressed"
        if base < self.flag_below:
            return "low base"
        return ""


@dataclass(frozen=True)
class Comparison:
    """A difference between two figures, its standard error, p-value and verdict in words."""

    difference: float
    se: float
    p_value: float
    significant: bool
    verdict: str


def question_table(
    result: RakeResult,
    answers: pd.Series | pd.DataFrame,
    groups: pd.Series | None = None,
    *,
    order: list | None = None,
    low_base: LowBase = LowBase(),
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Weighted % of each answer with its interval and unweighted n, overall and by group.

    `answers` is one answer per respondent (single choice; missing means not asked or not
    answered), or a DataFrame of 0/1 columns, one per option (multiple choice). `groups` (for
    example district) adds a block of rows per group. Columns: group, answer, weighted %,
    ci low %, ci high %, unweighted %, respondents (giving that answer), base (answering in the
    group), status ('', 'low base' or 'suppressed'; suppressed figures are left empty).
    """
    indicators = _indicators(answers, order)
    answered = indicators.notna().all(axis=1)
    blocks = [(ALL_RESPONDENTS, pd.Series(True, index=indicators.index))]
    if groups is not None:
        groups = groups.reindex(indicators.index)
        for group in _ordered_values(groups):
            blocks.append((group, groups == group))
    rows = []
    for group, members in blocks:
        in_group = members.fillna(False).astype(bool) & answered
        base = int(in_group.sum())
        status = low_base.status(base)
        for answer in indicators.columns:
            chosen = indicators[answer].where(in_group)
            respondents = int((chosen == 1).sum())
            row = {
                "group": group,
                "answer": answer,
                "weighted %": math.nan,
                "ci low %": math.nan,
                "ci high %": math.nan,
                "unweighted %": math.nan,
                "respondents": respondents,
                "base": base,
                "status": status,
            }
            if base and status != "suppressed":
                estimate = result.estimate(chosen, confidence=confidence)
                row.update(
                    {
                        "weighted %": 100 * estimate.value,
                        "ci low %": 100 * estimate.ci_low,
                        "ci high %": 100 * estimate.ci_high,
                        "unweighted %": 100 * respondents / base,
                    }
                )
            rows.append(row)
    return pd.DataFrame(rows)


def _indicators(answers: pd.Series | pd.DataFrame, order: list | None) -> pd.DataFrame:
    """One 0/1 column per answer; a respondent with no answer is missing in every column."""
    if isinstance(answers, pd.DataFrame):
        return answers.astype(float)
    categories = order if order is not None else _ordered_values(answers)
    columns = {category: (answers == category).astype(float) for category in categories}
    frame = pd.DataFrame(columns, index=answers.index)
    frame.loc[answers.isna()] = np.nan
    return frame


def _ordered_values(values: pd.Series) -> list:
    """The distinct non-missing values, sorted when they can be."""
    distinct = list(pd.unique(values.dropna()))
    try:
        return sorted(distinct)
    except TypeError:
        return distinct


def _compared(difference: float, se: float, alpha: float, unchanged: str) -> Comparison:
    """A two-sided z-test of `difference`, with `unchanged` as the verdict when not significant."""
    if se == 0.0:
        p_value, significant = (0.0 if difference else 1.0), difference != 0.0
    else:
        p_value = float(2 * norm.sf(abs(difference) / se))
        significant = p_value < alpha
    if not significant:
        verdict = unchanged
    else:
        verdict = "significantly higher" if difference > 0 else "significantly lower"
    return Comparison(difference, se, p_value, significant, verdict)


def _too_small(estimates: tuple[Estimate, ...], low_base: LowBase | None) -> bool:
    return low_base is not None and any(e.n < low_base.suppress_below for e in estimates)


def compare_waves(
    earlier: Estimate,
    later: Estimate,
    *,
    alpha: float = SIGNIFICANCE,
    low_base: LowBase | None = LowBase(),
) -> Comparison:
    """The change from one wave to the next, tested as two independent samples (z-test)."""
    if _too_small((earlier, later), low_base):
        return Comparison(math.nan, math.nan, math.nan, False, "too few respondents to compare")
    difference = later.value - earlier.value
    se = math.hypot(earlier.se, later.se)
    return _compared(difference, se, alpha, "no significant change")


def compare_with_benchmark(
    estimate: Estimate,
    benchmark: float,
    benchmark_se: float = 0.0,
    *,
    alpha: float = SIGNIFICANCE,
    low_base: LowBase | None = LowBase(),
) -> Comparison:
    """The gap between our figure and a published (e.g. national) one, as a z-test.

    A published benchmark usually comes without its standard error; with `benchmark_se` zero
    it is treated as known, which slightly overstates significance when it too is a sample
    estimate (as the Crime Survey's are).
    """
    if _too_small((estimate,), low_base):
        return Comparison(math.nan, math.nan, math.nan, False, "too few respondents to compare")
    difference = estimate.value - benchmark
    se = math.hypot(estimate.se, benchmark_se)
    return _compared(difference, se, alpha, "no significant difference")
