"""Respondents coded into the cells of the margins' cross-classification (age x sex x ...).

Raking factors and calibration residuals are constant within a cell, so once respondents are
counted into cells, the statistics need only cell totals: a few hundred numbers, not a million.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engage.surveys.errors import WeightingError

TOTALS_AGREE_WITHIN = 0.001  # margins whose totals differ by more than 0.1% are refused


@dataclass
class Cells:
    """Each respondent's cell, and each occupied cell's category in every margin."""

    of_respondent: np.ndarray  # cell number of each respondent
    size: int  # cell numbers run from 0 to size - 1
    occupied: np.ndarray  # the cell numbers that hold at least one respondent
    counts: np.ndarray  # respondents in each occupied cell
    categories: list[np.ndarray]  # per margin: category code of each occupied cell
    labels: list[list]  # per margin: the category labels, in code order
    variables: list  # the margins, in the same order

    def total(self, per_respondent: np.ndarray) -> np.ndarray:
        """Sum a per-respondent quantity within each occupied cell."""
        sums = np.bincount(self.of_respondent, weights=per_respondent, minlength=self.size)
        return sums[self.occupied]

    def spread(self, per_cell: np.ndarray) -> np.ndarray:
        """Give each respondent the value of its (occupied) cell."""
        full = np.zeros(self.size)
        full[self.occupied] = per_cell
        return full[self.of_respondent]

    def indicators(self) -> np.ndarray:
        """The calibration model of the occupied cells: an intercept and each margin's indicators
        but its first category (the same column space as every indicator, and of full rank, as
        R's model.matrix(~ age + sex + district) is)."""
        columns = [np.ones(len(self.occupied), dtype=bool)] + [
            codes == k
            for codes, labels in zip(self.categories, self.labels, strict=True)
            for k in range(1, len(labels))
        ]
        return np.column_stack(columns).astype(float)


def check_targets(targets: Mapping) -> dict[Hashable, dict[Hashable, float]]:
    """Targets as floats, refusing non-positive or non-finite totals and disagreeing margins."""
    if len(targets) == 0:
        raise WeightingError("No margins to weight to: give at least one variable's targets")
    checked: dict[Hashable, dict[Hashable, float]] = {}
    for variable, totals in targets.items():
        if len(totals) == 0:
            raise WeightingError(f"Margin {variable!r} has no categories")
        checked[variable] = {}
        for category, total in totals.items():
            try:
                value = float(total)
            except (TypeError, ValueError):
                value = math.nan
            if not math.isfinite(value) or value <= 0:
                raise WeightingError(
                    f"Margin {variable!r}, category {category!r}: the target must be a positive "
                    f"number, not {total!r}"
                )
            checked[variable][category] = value
    sums = {variable: sum(totals.values()) for variable, totals in checked.items()}
    first, reference = next(iter(sums.items()))
    for variable, total in sums.items():
        if abs(total - reference) > TOTALS_AGREE_WITHIN * reference:
            raise WeightingError(
                f"Margin totals disagree: {first!r} sums to {reference:,.6g} but {variable!r} to "
                f"{total:,.6g}, more than 0.1% apart; all margins must describe one population"
            )
    return checked


def _code_margin(frame: pd.DataFrame, variable, wanted: Mapping) -> tuple[np.ndarray, list]:
    """Integer codes of one margin column and its labels; every answer must have a target."""
    if variable not in frame.columns:
        raise WeightingError(f"Margin {variable!r} is not a column of the responses")
    column = frame[variable]
    codes, uniques = pd.factorize(column, sort=False, use_na_sentinel=True)
    labels = list(uniques)
    if column.hasnans:
        missing = codes < 0
        raise WeightingError(
            f"Margin {variable!r} has {int(missing.sum())} respondents with no value (the first "
            f"at index {frame.index[np.argmax(missing)]!r}): decide how to treat them (impute, "
            "or leave them out) before weighting"
        )
    unknown = [label for label in labels if label not in wanted]
    if unknown:
        count = int(np.count_nonzero(codes == labels.index(unknown[0])))
        raise WeightingError(
            f"Margin {variable!r}: {count} respondents are in category {unknown[0]!r}, "
            "which has no target"
        )
    present = set(labels)
    empty = [category for category in wanted if category not in present]
    if empty:
        raise WeightingError(
            f"Margin {variable!r}: category {empty[0]!r} has a target but no respondents"
        )
    return codes, labels


def cross_classify(frame: pd.DataFrame, targets: Mapping) -> Cells:
    """Number each respondent's combination of categories; keep the combinations that occur.

    Cells are numbered in mixed radix (age + 7 * (sex + 2 * district) ...), so with few
    combinations each occupied cell's categories follow by division. With very many (a dozen
    margins), the numbers are renumbered to the combinations that occur.
    """
    n = len(frame)
    cell = np.zeros(n, dtype=np.int64)
    size = 1
    codes_by_margin, labels_by_margin = [], []
    renumbered = False
    for variable, wanted in targets.items():
        codes, labels = _code_margin(frame, variable, wanted)
        if size * len(labels) > 2**40:
            occurring, cell = np.unique(cell, return_inverse=True)
            size, renumbered = len(occurring), True
        cell += size * codes
        size *= len(labels)
        codes_by_margin.append(codes)
        labels_by_margin.append(labels)
    variables = list(targets)
    if not renumbered and size <= max(4 * n, 1 << 16):
        all_counts = np.bincount(cell, minlength=size)
        occupied = np.flatnonzero(all_counts)
        categories = []
        remaining = occupied.astype(np.int64)
        for labels in labels_by_margin:
            remaining, code = np.divmod(remaining, len(labels))
            categories.append(code)
        counts = all_counts[occupied]
        return Cells(cell, size, occupied, counts, categories, labels_by_margin, variables)
    occurring, cell, counts = np.unique(cell, return_inverse=True, return_counts=True)
    categories = []
    for codes in codes_by_margin:
        category = np.empty(len(occurring), dtype=np.int64)
        category[cell] = codes
        categories.append(category)
    occupied = np.arange(len(occurring))
    return Cells(cell, len(occurring), occupied, counts, categories, labels_by_margin, variables)
