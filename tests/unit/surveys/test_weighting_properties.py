"""Properties that hold for any sample in which every combination of categories occurs."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.surveys.weighting import rake


@st.composite
def samples(draw):
    """A sample with 1-3 margins of 2-5 categories, every combination present, and targets."""
    sizes = draw(st.lists(st.integers(2, 5), min_size=1, max_size=3))
    names = [f"margin{i}" for i in range(len(sizes))]
    every = list(itertools.product(*[range(size) for size in sizes]))
    extra = draw(st.lists(st.sampled_from(every), max_size=200))
    rows = every + extra
    frame = pd.DataFrame(
        {name: [f"c{row[i]}" for row in rows] for i, name in enumerate(names)}
    ).sample(frac=1.0, random_state=draw(st.integers(0, 2**16)))
    population = draw(st.floats(100, 1e7))
    targets = {}
    for name, size in zip(names, sizes, strict=True):
        shares = draw(st.lists(st.floats(0.05, 1.0), min_size=size, max_size=size))
        targets[name] = {
            f"c{k}": population * share / sum(shares) for k, share in enumerate(shares)
        }
    base = None
    if draw(st.booleans()):
        base = pd.Series(
            draw(st.lists(st.floats(0.2, 5.0), min_size=len(rows), max_size=len(rows))),
            index=frame.index,
        )
    return frame, targets, base, population


@settings(max_examples=60, deadline=None)
@given(samples())
def test_weights_are_positive_and_meet_every_target(case):
    frame, targets, base, population = case
    result = rake(frame, targets, base)
    weights = result.weights
    assert result.converged
    assert np.all(np.isfinite(weights)) and np.all(weights > 0)
    assert weights.sum() == pytest.approx(population, rel=1e-9)
    for variable, totals in targets.items():
        achieved = weights.groupby(frame[variable]).sum()
        for category, total in totals.items():
            assert achieved[category] == pytest.approx(total, rel=1e-8)


@settings(max_examples=60, deadline=None)
@given(samples())
def test_a_margins_own_indicator_is_estimated_exactly_with_no_error(case):
    frame, targets, base, population = case
    result = rake(frame, targets, base)
    variable = next(iter(targets))
    category, total = next(iter(targets[variable].items()))
    estimate = result.estimate((frame[variable] == category).astype(int))
    assert estimate.value == pytest.approx(total / population, abs=1e-9)
    assert estimate.se == pytest.approx(0.0, abs=1e-9)
    assert estimate.proportion


@settings(max_examples=40, deadline=None)
@given(samples(), st.floats(0.0, 1.0))
def test_intervals_for_proportions_stay_inside_zero_and_one(case, threshold):
    frame, targets, base, _ = case
    result = rake(frame, targets, base)
    values = pd.Series(np.linspace(0, 1, len(frame)) < threshold, index=frame.index).astype(int)
    estimate = result.estimate(values)
    assert 0.0 <= estimate.ci_low <= estimate.value <= estimate.ci_high <= 1.0
    assert estimate.effective_n <= estimate.n + 1e-9
