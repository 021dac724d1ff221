"""Weighted means and proportions from raked weights, with calibration standard errors.

The standard error is the calibration (GREG) linearisation that R's survey package uses for a
`calibrate(..., calfun = "raking")` design (Deville and Särndal 1992): the linearised variable
is regressed on the margin indicators with the base weights, and the residuals, weighted by the
final weights, give the with-replacement variance n/(n-1) * sum((u - mean(u))^2). The indicators
are constant within a cell, so the regression is weighted least squares on cell totals: a few
hundred rows, whatever the number of respondents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy.stats import norm

from engage.surveys.cells import Cells
from engage.surveys.errors import WeightingError

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    """A weighted mean (a proportion for 0/1 values) with its standard error and interval."""

    value: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    effective_n: float
    proportion: bool = False


def calibrated_mean(
    cells: Cells,
    base: np.ndarray,
    weights: np.ndarray,
    y: np.ndarray,
    domain: np.ndarray,
    confidence: float = CONFIDENCE,
) -> Estimate:
    """The weighted mean of `y` over respondents in `domain`, with its calibration SE."""
    domain = domain & ~np.isnan(y)
    respondents = int(np.count_nonzero(domain))
    if respondents == 0:
        raise WeightingError("No respondents with a value in this group: nothing to estimate")
    domain_weights = np.where(domain, weights, 0.0)
    total = float(domain_weights.sum())
    y = np.where(domain, y, 0.0)
    mean = float(domain_weights @ y) / total
    linearised = np.where(domain, y - mean, 0.0) / total

    # Weighted least squares of the linearised variable on the margin indicators, by cell: a
    # cell's mean weighted by the cell's base weight gives the same fit as every respondent.
    cell_base = cells.total(base)
    cell_mean = cells.total(base * linearised) / cell_base
    fitted = sm.WLS(cell_mean, cells.indicators(), weights=cell_base).fit().fittedvalues
    residual = weights * (linearised - cells.spread(fitted))
    n = len(residual)
    variance = n / (n - 1) * float(((residual - residual.mean()) ** 2).sum()) if n > 1 else 0.0
    se = math.sqrt(max(variance, 0.0))

    proportion = bool(np.isin(y[domain], (0.0, 1.0)).all())
    low, high = interval(mean, se, proportion, confidence)
    effective_n = total**2 / float((domain_weights**2).sum())
    return Estimate(mean, se, low, high, respondents, effective_n, proportion)


def interval(mean: float, se: float, proportion: bool, confidence: float) -> tuple[float, float]:
    """A normal interval; for a proportion, on the logit scale so it stays inside [0, 1]."""
    z = float(norm.ppf(0.5 + confidence / 2))
    if not proportion:
        return mean - z * se, mean + z * se
    if mean <= 0.0 or mean >= 1.0 or se == 0.0:
        return mean, mean
    logit = math.log(mean / (1 - mean))
    spread = z * se / (mean * (1 - mean))
    low = 1 / (1 + math.exp(-(logit - spread)))
    high = 1 / (1 + math.exp(-(logit + spread)))
    return min(low, mean), max(high, mean)  # rounding must not put the estimate outside
