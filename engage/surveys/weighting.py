"""Raking (iterative proportional fitting) of survey responses to population margins.

Pure: pandas and numpy in, pandas out; no Flask, no database. The views, the command line and an
analyst's notebook all call `rake()`.

Why it is fast: once each margin column is coded as integers, the raking factors depend only on
the cross-classified cells (age band x sex x district x ...), at most a few hundred, not on the
respondents. The iterations run on cell totals; a million rows are touched only to code them,
to count them into cells and to hand each its cell's factor (see engage.surveys.cells).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engage.surveys.cells import Cells, check_targets, cross_classify
from engage.surveys.errors import WeightingError
from engage.surveys.estimates import CONFIDENCE, Estimate, calibrated_mean, calibrated_means

__all__ = ["Estimate", "RakeResult", "WeightingError", "rake"]

MAX_CAP_ROUNDS = 100


@dataclass
class RakeResult:
    """Raked weights with their diagnostics, and the means to estimate from them."""

    weights: pd.Series
    converged: bool
    iterations: int
    design_effect: float
    effective_sample_size: float
    margins: pd.DataFrame
    population_total: float
    cap_value: float | None = None
    capped: int = 0
    message: str = ""
    _cells: Cells | None = field(default=None, repr=False)
    _base: np.ndarray | None = field(default=None, repr=False)

    def estimate(self, values, where=None, *, confidence: float = CONFIDENCE) -> Estimate:
        """The weighted mean of `values` over all respondents, or those where `where` is True.

        A proportion for 0/1 values, with a logit interval. Respondents whose value is missing
        are left out, as `svymean(..., na.rm = TRUE)` does; the standard error is the
        calibration linearisation of R's `calibrate(..., calfun = "raking")`.
        """
        index = self.weights.index
        y = _aligned(values, index, "values")
        return calibrated_mean(
            self._cells, self._base, self.weights.to_numpy(), y, self._domain(where), confidence
        )

    def estimate_many(
        self, values: pd.DataFrame | np.ndarray, where=None, *, confidence: float = CONFIDENCE
    ) -> list[Estimate]:
        """`estimate` of each column of `values`, over the same respondents, in one pass.

        Much faster than one call per column (every answer to a question, say): the columns
        share one calibration regression. A respondent missing in one column is left out of
        that column's estimate only.
        """
        y = _aligned_columns(values, self.weights.index)
        return calibrated_means(
            self._cells, self._base, self.weights.to_numpy(), y, self._domain(where), confidence
        )

    def _domain(self, where) -> np.ndarray:
        """Which respondents an estimate covers: all, or those where `where` is True."""
        index = self.weights.index
        if where is None:
            return np.ones(len(index), dtype=bool)
        return _aligned(where, index, "where") == 1


def rake(
    frame: pd.DataFrame,
    targets: Mapping[Hashable, Mapping[Hashable, float]],
    base_weights=None,
    *,
    cap: float | None = None,
    max_iter: int = 1000,
    tol: float = 1e-10,
) -> RakeResult:
    """Rake `frame`'s respondents to the population `targets`.

    `targets` is {variable: {category: population total}}; all margins must describe one
    population (totals within 0.1%): the weights sum to the first margin's total, and the others
    are scaled to it. `base_weights` are design weights (default all equal). `cap` is the
    largest weight allowed, as a multiple of the mean weight: weights above it are fixed at the
    cap and the rest re-raked, until both the margins and the cap hold, or the result says they
    cannot (`converged` false, with a `message`). `tol` is the largest relative misfit of any
    margin category at convergence; failing to reach it in `max_iter` sweeps is an error.
    """
    checked = check_targets(targets)
    if len(frame) == 0:
        raise WeightingError("There are no responses to weight")
    base = _base_weights(base_weights, frame.index)
    cells = cross_classify(frame, checked)
    population = sum(next(iter(checked.values())).values())
    wanted = [
        np.array([checked[variable][label] for label in labels])
        * (population / sum(checked[variable].values()))
        for variable, labels in zip(cells.variables, cells.labels, strict=True)
    ]
    cell_base = cells.counts.astype(float) if base_weights is None else cells.total(base)
    factors, iterations, worst = _fit(cell_base, cells.categories, wanted, max_iter, tol)
    if worst >= tol:
        raise WeightingError(
            f"Weighting did not converge in {max_iter} iterations: "
            f"{_worst_margin(cells, cell_base * factors, wanted)}. Some combinations of "
            "categories may be missing from the sample; try merging small categories"
        )
    weights = base * cells.spread(factors)
    order = [(variable, category) for variable, totals in checked.items() for category in totals]
    result = _result(frame.index, weights, base, cells, wanted, population, iterations, order)
    if cap is not None:
        _apply_cap(result, cap, wanted, max_iter, tol)
    return result


def _aligned(values, index: pd.Index, name: str) -> np.ndarray:
    """A float array of `values` in the order of the weighted responses."""
    if isinstance(values, pd.Series):
        if not values.index.equals(index):
            if len(values) != len(index) or not values.index.isin(index).all():
                raise WeightingError(f"{name} must have one entry per respondent")
            values = values.reindex(index)
        values = values.to_numpy(dtype=float, na_value=np.nan)
    values = np.asarray(values, dtype=float)
    if values.shape != (len(index),):
        raise WeightingError(f"{name} must have one entry per respondent")
    return values


def _aligned_columns(values, index: pd.Index) -> np.ndarray:
    """A float (n x k) array of `values` with its rows in the order of the weighted responses."""
    if isinstance(values, pd.DataFrame):
        if not values.index.equals(index):
            if len(values) != len(index) or not values.index.isin(index).all():
                raise WeightingError("values must have one row per respondent")
            values = values.reindex(index)
        values = values.to_numpy(dtype=float, na_value=np.nan)
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[0] != len(index):
        raise WeightingError("values must have one row per respondent")
    return values


def _base_weights(base_weights, index: pd.Index) -> np.ndarray:
    if base_weights is None:
        return np.ones(len(index))
    base = _aligned(base_weights, index, "base_weights")
    bad = ~np.isfinite(base) | (base <= 0)
    if bad.any():
        raise WeightingError(
            f"Base weights must be positive numbers: {int(bad.sum())} are not "
            f"(the first at index {index[np.argmax(bad)]!r})"
        )
    return base


def _fit(
    cell_base: np.ndarray, categories: list[np.ndarray], wanted: list[np.ndarray], max_iter, tol
) -> tuple[np.ndarray, int, float]:
    """Iterative proportional fitting on cell totals: factors per cell, sweeps, worst misfit."""
    factors = np.ones_like(cell_base)
    worst = math.inf
    for sweep in range(1, max_iter + 1):
        for codes, target in zip(categories, wanted, strict=True):
            current = np.bincount(codes, weights=cell_base * factors, minlength=len(target))
            factors *= np.divide(target, current, out=np.ones_like(target), where=current > 0)[
                codes
            ]
        worst = max(
            float(np.max(np.abs(np.bincount(codes, cell_base * factors, len(target)) / target - 1)))
            for codes, target in zip(categories, wanted, strict=True)
        )
        if worst < tol:
            return factors, sweep, worst
    return factors, max_iter, worst


def _worst_margin(cells: Cells, cell_weights: np.ndarray, wanted: list[np.ndarray]) -> str:
    """Which margin category is furthest from its target, in words."""
    worst, where = -1.0, ""
    for variable, codes, target, labels in zip(
        cells.variables, cells.categories, wanted, cells.labels, strict=True
    ):
        misfit = np.abs(np.bincount(codes, cell_weights, len(target)) / target - 1)
        k = int(np.argmax(misfit))
        if misfit[k] > worst:
            worst, where = misfit[k], f"margin {variable!r}, category {labels[k]!r}"
    return f"{where} is still {worst:.2%} off its target"


def _apply_cap(result: RakeResult, cap: float, wanted, max_iter: int, tol: float) -> None:
    """Fix weights above the cap at the cap and re-rake the others, until both hold.

    When they cannot both hold, the result keeps the uncapped weights, says so in `message` and
    has `converged` false.
    """
    if not math.isfinite(cap) or cap <= 0:
        raise WeightingError(f"The cap must be a positive multiple of the mean weight, not {cap!r}")
    cells, base = result._cells, result._base
    weights = result.weights.to_numpy()
    cap_value = cap * result.population_total / len(weights)
    capped = np.zeros(len(weights), dtype=bool)
    result.cap_value = cap_value
    message = f"The cap of {cap:g} times the mean weight did not settle; raise it"
    for _ in range(MAX_CAP_ROUNDS):
        over = (weights > cap_value * (1 + 1e-9)) & ~capped
        if not over.any():
            message = ""
            break
        capped |= over
        free_base = cells.total(np.where(capped, 0.0, base))
        fixed = cells.total(capped * cap_value)
        remaining, impossible = [], ""
        for variable, codes, target, labels in zip(
            cells.variables, cells.categories, wanted, cells.labels, strict=True
        ):
            left = target - np.bincount(codes, fixed, len(target))
            free = np.bincount(codes, free_base, len(target))
            blocked = (left <= 0) | ((free == 0) & (left > tol * target))
            if blocked.any() and not impossible:
                impossible = f"margin {variable!r}, category {labels[int(np.argmax(blocked))]!r}"
            remaining.append(left)
        if impossible:
            message = (
                f"The cap of {cap:g} times the mean weight cannot hold: {impossible} cannot reach "
                "its target with every weight at or below the cap. Raise the cap or merge small "
                "categories"
            )
            break
        factors, sweeps, worst = _fit(free_base, cells.categories, remaining, max_iter, tol)
        result.iterations += sweeps
        weights = np.where(capped, cap_value, base * cells.spread(factors))
        if worst >= tol:
            message = (
                f"With weights capped at {cap:g} times the mean, the margins could not be met in "
                f"{max_iter} iterations. Raise the cap or merge small categories"
            )
            break
    result.converged = not message
    result.message = message
    if message:  # keep the uncapped weights, which at least meet the margins
        return
    capped_result = _result(
        result.weights.index,
        weights,
        base,
        cells,
        wanted,
        result.population_total,
        result.iterations,
        list(zip(result.margins.variable, result.margins.category, strict=True)),
    )
    result.capped = int(capped.sum())
    result.weights = capped_result.weights
    result.design_effect = capped_result.design_effect
    result.effective_sample_size = capped_result.effective_sample_size
    result.margins = capped_result.margins


def _result(index, weights, base, cells, wanted, population, iterations, order) -> RakeResult:
    """Package weights with the Kish design effect, effective sample size and margin fit.

    The margin table lists (variable, category) in the order of `order`, the targets' order.
    """
    n = len(weights)
    total = float(weights.sum())
    squares = float(weights @ weights)
    cell_weights = cells.total(weights)
    cell_counts = cells.counts
    rows = []
    for variable, codes, target, labels in zip(
        cells.variables, cells.categories, wanted, cells.labels, strict=True
    ):
        respondents = np.bincount(codes, cell_counts, len(labels))
        weighted = np.bincount(codes, cell_weights, len(labels))
        rows.extend(
            {
                "variable": variable,
                "category": labels[k],
                "respondents": int(respondents[k]),
                "unweighted %": 100 * respondents[k] / n,
                "weighted %": 100 * weighted[k] / total,
                "target %": 100 * target[k] / population,
            }
            for k in range(len(labels))
        )
    margins = pd.DataFrame(rows)
    position = {key: i for i, key in enumerate(order)}
    margins = margins.iloc[
        np.argsort([position[key] for key in zip(margins.variable, margins.category, strict=True)])
    ].reset_index(drop=True)
    return RakeResult(
        weights=pd.Series(weights, index=index, name="weight"),
        converged=True,
        iterations=iterations,
        design_effect=n * squares / total**2,
        effective_sample_size=total**2 / squares,
        margins=margins,
        population_total=population,
        _cells=cells,
        _base=base,
    )
