"""Weighted means and proportions from raked weights, with calibration standard errors.

The standard error is the calibration (GREG) linearisation that R's survey package uses for a
`calibrate(..., calfun = "raking")` design (Deville and Särndal 1992): the linearised variable
is regressed on the margin indicators with the base weights, and the residuals, weighted by the
final weights, give the with-replacement variance n/(n-1) * sum((u - mean(u))^2). The indicators
are constant within a cell, so the regression is weighted least squares on cell totals: a few
hundred rows, whatever the number of respondents.

Many estimates over one group (every answer to a question) share one regression: its
right-hand side is the same, so statsmodels fits all the linearised variables at once.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
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
    return calibrated_means(cells, base, weights, y[:, np.newaxis], domain, confidence)[0]


def calibrated_means(
    cells: Cells,
    base: np.ndarray,
    weights: np.ndarray,
    values: np.ndarray,
    domain: np.ndarray,
    confidence: float = CONFIDENCE,
) -> list[Estimate]:
    """The weighted mean of each column of `values` (n x k) over `domain`, with calibration SEs.

    A respondent whose value is missing (NaN) in a column is outside the domain for that column
    only, as `svymean(..., na.rm = TRUE)` leaves them out.
    """
    k = values.shape[1]
    if k == 0:
        return []
    # Only the domain's rows are handled one by one: outside it the linearised variable is 0, so
    # a respondent's residual depends only on their cell, and cell totals account for them all.
    # Columns are held as rows (k x m), so that sums run over contiguous memory, and updated in
    # place: at 20,000 respondents, allocating fresh arrays costs more than the arithmetic.
    rows = np.flatnonzero(domain)
    y = np.ascontiguousarray(values.T[:, rows] if values.flags.f_contiguous else values[rows].T)
    inside = ~np.isnan(y)
    respondents = np.count_nonzero(inside, axis=1)
    if (respondents == 0).any():
        raise WeightingError("No respondents with a value in this group: nothing to estimate")
    y[~inside] = 0.0
    proportions = ((y == 0.0) | (y == 1.0)).all(axis=1)
    w = weights[rows]
    totals = np.einsum("ji,i->j", inside, w)
    effective_ns = totals**2 / np.einsum("ji,i->j", inside, w**2)
    means = y @ w / totals
    linearised = np.subtract(y, means[:, np.newaxis], out=y)  # y is not needed again
    linearised *= inside
    linearised /= totals[:, np.newaxis]

    # Weighted least squares of the linearised variables on the margin indicators, by cell: a
    # cell's mean weighted by the cell's base weight gives the same fit as every respondent.
    cell_of = cells.of_respondent[rows]
    cell_base = cells.total(base)
    residuals = linearised * base[rows]
    cell_sums = _cell_totals(cells, cell_of, residuals)
    design = _full_rank(cells.indicators())
    fitted = sm.WLS(cell_sums.T / cell_base[:, np.newaxis], design, weights=cell_base)
    fitted = fitted.fit().fittedvalues.reshape(len(cells.occupied), k).T
    by_cell = np.zeros((k, cells.size))
    by_cell[:, cells.occupied] = fitted
    for fitted_by_cell, residual in zip(by_cell, residuals, strict=True):
        np.take(fitted_by_cell, cell_of, out=residual)
    np.subtract(linearised, residuals, out=residuals)
    residuals *= w

    # Outside the domain a respondent's residual is -w * f, f the fitted value of their cell:
    # the cell totals of w and w^2 there give the sum of those residuals and of their squares.
    n = len(weights)
    out_weight = out_square = np.zeros(len(cells.occupied))
    if len(rows) < n:
        out_weight = _outside(cells, cell_of, weights, w)
        out_square = _outside(cells, cell_of, weights**2, w**2)
    mean_residual = (residuals.sum(axis=1) - fitted @ out_weight) / n
    residuals -= mean_residual[:, np.newaxis]
    squares = np.einsum("ji,ji->j", residuals, residuals)
    # and outside, the sum of (-w * f - mean)^2, expanded
    squares += fitted**2 @ out_square + 2 * mean_residual * (fitted @ out_weight)
    squares += (n - len(rows)) * mean_residual**2
    variances = n / (n - 1) * squares if n > 1 else np.zeros(k)
    ses = np.sqrt(np.maximum(variances, 0.0))

    estimates = []
    for j in range(k):
        mean, se, proportion = float(means[j]), float(ses[j]), bool(proportions[j])
        low, high = interval(mean, se, proportion, confidence)
        estimates.append(
            Estimate(mean, se, low, high, int(respondents[j]), float(effective_ns[j]), proportion)
        )
    return estimates


def _cell_totals(cells: Cells, cell_of: np.ndarray, per_respondent: np.ndarray) -> np.ndarray:
    """Sum each row of a (k x m) quantity over respondents in cells `cell_of`: (k x cells)."""
    sums = [np.bincount(cell_of, weights=row, minlength=cells.size) for row in per_respondent]
    return np.stack(sums)[:, cells.occupied]


def _full_rank(design: np.ndarray) -> np.ndarray:
    """The design less any column the others already span, as when the same respondents are
    not known in two margins: the fitted values, a projection, are the same, and statsmodels
    does not warn that the parameters are not unique."""
    _, triangle, pivots = scipy.linalg.qr(design, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(triangle))
    rank = np.count_nonzero(diagonal > diagonal[0] * max(design.shape) * np.finfo(float).eps)
    return design if rank == design.shape[1] else design[:, np.sort(pivots[:rank])]


def _outside(cells: Cells, cell_of: np.ndarray, everyone: np.ndarray, inside: np.ndarray):
    """Cell totals of a per-respondent quantity over those outside the domain: the totals over
    `everyone` less those over the domain's respondents (`inside`, in cells `cell_of`)."""
    within = np.bincount(cell_of, weights=inside, minlength=cells.size)[cells.occupied]
    return cells.total(everyone) - within


@functools.lru_cache(maxsize=8)
def _z(confidence: float) -> float:
    """The normal quantile for a two-sided interval (cached: scipy's ppf is slow to call)."""
    return float(norm.ppf(0.5 + confidence / 2))


def interval(mean: float, se: float, proportion: bool, confidence: float) -> tuple[float, float]:
    """A normal interval; for a proportion, on the logit scale so it stays inside [0, 1]."""
    z = _z(confidence)
    if not proportion:
        return mean - z * se, mean + z * se
    if mean <= 0.0 or mean >= 1.0 or se == 0.0:
        return mean, mean
    logit = math.log(mean / (1 - mean))
    spread = z * se / (mean * (1 - mean))
    low = 1 / (1 + math.exp(-(logit - spread)))
    high = 1 / (1 + math.exp(-(logit + spread)))
    return min(low, mean), max(high, mean)  # rounding must not put the estimate outside
