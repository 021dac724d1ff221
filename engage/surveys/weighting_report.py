"""What staff see about a weighting: fit, spread of the weights, and what a cap changed.

Pure: a RakeResult in, plain JSON-ready data out (no numpy types, no NaN), so the summary can be
stored with the results and shown or exported without the responses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from engage.surveys.weighting import RakeResult
from engage.surveys.weighting_inputs import Prepared

# Bins of the weight distribution, as multiples of the mean weight; each includes its lower edge.
DISTRIBUTION_EDGES = (0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, math.inf)


def weight_distribution(
    weights: pd.Series, edges: Sequence[float] = DISTRIBUTION_EDGES
) -> list[dict]:
    """How many respondents have weights in each band of multiples of the mean weight.

    Bands include their lower edge ("1 to 1.5" holds a weight of exactly the mean); the last,
    open band reads "5 or more" and has no upper edge (None).
    """
    values = np.asarray(weights, dtype=float)
    counts = np.zeros(len(edges) - 1, dtype=int)
    if len(values):
        # rounded so that equal weights, whose mean can differ from them in the last bit, are 1
        multiples = np.round(values / values.mean(), 9)
        band = np.searchsorted(np.asarray(edges, dtype=float), multiples, side="right") - 1
        band = band[(band >= 0) & (band < len(counts))]
        counts = np.bincount(band, minlength=len(counts))
    return [
        {
            "label": f"{low:g} or more" if math.isinf(high) else f"{low:g} to {high:g}",
            "low": float(low),
            "high": None if math.isinf(high) else float(high),
            "respondents": int(count),
        }
        for low, high, count in zip(edges[:-1], edges[1:], counts, strict=True)
    ]


def summarise(
    result: RakeResult,
    prepared: Prepared,
    *,
    uncapped: RakeResult | None = None,
    cap: float | None = None,
) -> dict:
    """The weighting's diagnostics as plain data that json.dumps accepts.

    `cap` is the cap asked for, as a multiple of the mean weight; `uncapped` is the same
    weighting without it, so "cap_effect" can show what the cap changed (None without both).
    """
    weights = result.weights
    mean = float(weights.mean()) if len(weights) else math.nan
    if cap is None and result.cap_value is not None and len(weights):
        cap = result.cap_value / mean
    return {
        "converged": bool(result.converged),
        "iterations": int(result.iterations),
        "message": result.message,
        "respondents": len(weights),
        "left_out": len(prepared.left_out),
        "not_known": {str(code): int(count) for code, count in prepared.not_known.items()},
        "population": _number(result.population_total),
        "design_effect": _number(result.design_effect),
        "effective_sample_size": _number(result.effective_sample_size),
        "smallest": _number(weights.min() / mean) if len(weights) else None,
        "largest": _largest(result),
        "cap": _number(cap),
        "cap_value": _number(result.cap_value),
        "capped": int(result.capped),
        "margins": [
            {
                "variable": str(row["variable"]),
                "category": str(row["category"]),
                "respondents": int(row["respondents"]),
                "unweighted": _number(row["unweighted %"]),
                "weighted": _number(row["weighted %"]),
                "target": _number(row["target %"]),
            }
            for row in result.margins.to_dict("records")
        ],
        "distribution": weight_distribution(weights),
        "cap_effect": None
        if cap is None or uncapped is None
        else {
            "design_effect": _number(uncapped.design_effect),
            "effective_sample_size": _number(uncapped.effective_sample_size),
            "largest": _largest(uncapped),
        },
    }


def _largest(result: RakeResult) -> float | None:
    """The largest weight as a multiple of the mean weight."""
    weights = result.weights
    return _number(weights.max() / weights.mean()) if len(weights) else None


def _number(value) -> float | None:
    """A plain float for JSON, or None for no value (None, NaN or infinite)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None
