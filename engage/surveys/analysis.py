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

from engage.surveys.errors import WeightingError
from engage.surveys.estimates import CONFIDENCE, Estimate
from engage.surveys.weighting import RakeResult

ALL_RESPONDENTS = "All respondents"
SIGNIFICANCE = 0.05
QUESTION_COLUMNS = [
    "group",
    "answer",
    "weighted %",
    "ci low %",
    "ci high %",
    "unweighted %",
    "respondents",
    "base",
    "status",
]
MEAN_COLUMNS = [
    "group",
    "answer",
    "weighted",
    "ci low",
    "ci high",
    "unweighted",
    "respondents",
    "base",
    "status",
]


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
    group_order: list | None = None,
    overall: str = ALL_RESPONDENTS,
    low_base: LowBase = LowBase(),
    confidence: float = CONFIDENCE,
    keep_suppressed: bool = False,
) -> pd.DataFrame:
    """Weighted % of each answer with its interval and unweighted n, overall and by group.

    `answers` is one answer per respondent (single choice; missing means not asked or not
    answered), or a DataFrame of 0/1 columns, one per option (multiple choice). `groups` (for
    example district) adds a block of rows per group: those in `group_order`, or every group
    present, sorted. Columns: group (`overall` for everyone), answer, weighted %, ci low %,
    ci high %, unweighted %, respondents (giving that answer), base (answering in the group),
    status ('', 'low base' or 'suppressed'). Suppressed figures are left empty unless
    `keep_suppressed`, for staff who may see them with their status.
    """
    columns, values = _indicators(_aligned(answers, result.weights.index), order)
    chosen = values == 1
    rows = []
    for group, base, status, in_group, estimates in _blocks(
        result, values, groups, group_order, overall, low_base, confidence, keep_suppressed
    ):
        respondents = chosen[in_group].sum(axis=0)
        for j, answer in enumerate(columns):
            row = {
                "group": group,
                "answer": answer,
                "weighted %": math.nan,
                "ci low %": math.nan,
                "ci high %": math.nan,
                "unweighted %": math.nan,
                "respondents": int(respondents[j]),
                "base": base,
                "status": status,
            }
            if estimates:
                estimate = estimates[j]
                row["weighted %"] = 100 * estimate.value
                row["ci low %"] = 100 * estimate.ci_low
                row["ci high %"] = 100 * estimate.ci_high
                row["unweighted %"] = 100 * respondents[j] / base
            rows.append(row)
    return pd.DataFrame(rows, columns=QUESTION_COLUMNS)


def mean_table(
    result: RakeResult,
    values: pd.Series,
    groups: pd.Series | None = None,
    *,
    group_order: list | None = None,
    overall: str = ALL_RESPONDENTS,
    low_base: LowBase = LowBase(),
    confidence: float = CONFIDENCE,
    keep_suppressed: bool = False,
) -> pd.DataFrame:
    """The weighted mean of a number or rating with its interval, overall and by group.

    One row per group, its answer 'mean'. Columns: group, answer, weighted, ci low, ci high,
    unweighted (the plain mean), respondents and base (both those answering in the group),
    status; the small-base rules and `keep_suppressed` are as in `question_table`.
    """
    column = _aligned(values, result.weights.index).to_numpy(dtype=float, na_value=np.nan)
    column = column[:, np.newaxis]
    rows = []
    for group, base, status, in_group, estimates in _blocks(
        result, column, groups, group_order, overall, low_base, confidence, keep_suppressed
    ):
        row = {
            "group": group,
            "answer": "mean",
            "weighted": math.nan,
            "ci low": math.nan,
            "ci high": math.nan,
            "unweighted": math.nan,
            "respondents": base,
            "base": base,
            "status": status,
        }
        if estimates:
            row["weighted"] = estimates[0].value
            row["ci low"] = estimates[0].ci_low
            row["ci high"] = estimates[0].ci_high
            row["unweighted"] = float(column[in_group, 0].mean())
        rows.append(row)
    return pd.DataFrame(rows, columns=MEAN_COLUMNS)


def _blocks(result, values, groups, group_order, overall, low_base, confidence, keep_suppressed):
    """Per block of rows (everyone, then each group): its name, base, status, members and
    estimates of every column, over respondents who answered (an empty list when not shown).

    The columns of a block share one batch of estimates (`RakeResult.estimate_many`).
    """
    answered = ~np.isnan(values).any(axis=1)
    blocks = [(overall, np.ones(len(answered), dtype=bool))]
    if groups is not None:
        groups = (
            groups
            if groups.index.equals(result.weights.index)
            else groups.reindex(result.weights.index)
        )
        names, codes, _ = _coded(groups, group_order)
        blocks.extend((group, codes == k) for k, group in enumerate(names))
    for group, members in blocks:
        in_group = members & answered
        base = int(np.count_nonzero(in_group))
        status = low_base.status(base)
        shown = base > 0 and (keep_suppressed or status != "suppressed")
        estimates = result.estimate_many(values, in_group, confidence=confidence) if shown else []
        yield group, base, status, in_group, estimates


def _aligned(answers: pd.Series | pd.DataFrame, index: pd.Index) -> pd.Series | pd.DataFrame:
    """The answers with their rows in the order of the weighted responses."""
    if answers.index.equals(index):
        return answers
    if len(answers) != len(index) or not answers.index.isin(index).all():
        raise WeightingError("answers must have one entry per respondent")
    return answers.reindex(index)


def _indicators(answers: pd.Series | pd.DataFrame, order: list | None) -> tuple[list, np.ndarray]:
    """The answers, and one 0/1 column for each; a respondent with no answer is missing in all."""
    if isinstance(answers, pd.DataFrame):
        return list(answers.columns), answers.to_numpy(dtype=float, na_value=np.nan)
    categories, codes, missing = _coded(answers, order)
    values = (codes == np.arange(len(categories))[:, np.newaxis]).astype(float)
    values[:, missing] = np.nan
    return categories, values.T  # respondents by answers, stored answer by answer


def _coded(values: pd.Series, order: list | None) -> tuple[list, np.ndarray, np.ndarray]:
    """The categories (`order`, or the distinct values, sorted when they can be), each value's
    position among them (-1 for a value not among them) and which values are missing."""
    codes, distinct = pd.factorize(values)
    if order is not None:
        categories = list(order)
    else:
        try:
            categories = sorted(distinct)
        except TypeError:
            categories = list(distinct)
    positions = pd.Index(categories, dtype=object).get_indexer(distinct)
    return categories, np.append(positions, -1)[codes], codes < 0


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
