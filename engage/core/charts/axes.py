"""The axes: round ticks, the value axis' range, scales from values to coordinates, and labels.

Shared by line and bar charts, so that both round their value axes and place their category
labels the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from engage.core.charts.canvas import WIDTH, Plot, Tick
from engage.core.charts.text import BASELINE, FONT_SIZE, _text, _width, _wrap
from engage.core.charts.values import Format


def nice_ticks(low: float, high: float, *, target: int = 5, whole: bool = False) -> list[float]:
    """Round values 1, 2 or 5 times a power of ten apart, from at or below `low` to at or above
    `high`, `target` steps or a few fewer (steps of whole numbers only, if `whole`)."""
    if high <= low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    step = max(step, 1) if whole else step
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, 10) + 0.0 for i in range(first, last + 1)]


def _value_axis(values: list[float], fixed: tuple[float, float] | None, unit: str):
    """Ticks, and the axis' (low, high): `fixed` if given, else rounded out from the values."""
    whole = unit != "%" and all(float(v).is_integer() for v in values)
    if fixed:
        low, high = fixed
        if high <= low:
            raise ValueError(f"The value axis must run upward, not from {low} to {high}")
        ticks = [t for t in nice_ticks(low, high, whole=whole) if low - 1e-9 <= t <= high + 1e-9]
        return ticks, (low, high)
    low, high = min(values), max(values)
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    if min(values) >= 0:
        low = max(low, 0.0)
    if unit == "%" and max(values) <= 100:
        high = min(high, 100.0)
    ticks = nice_ticks(low, high, whole=whole)
    return ticks, (ticks[0], ticks[-1])


def _tick_labels(ticks: list[float], fmt: Format) -> list[str]:
    """Tick labels with as many decimal places as the step between ticks needs."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    places = next(d for d in range(7) if abs(round(step, d) - step) < 1e-9)
    return [fmt(t, places) for t in ticks]


def _tick_width(ticks: list[float], fmt: Format) -> float:
    return max(_width(label) for label in _tick_labels(ticks, fmt))


def _scale(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    """Map a value to a coordinate, `low` at `start` and `high` at `end`, kept between them."""

    def position(value: float) -> float:
        share = min(max((value - low) / (high - low), 0.0), 1.0)
        return round(start + share * (end - start), 1)

    return position


def _vertical_ticks(ticks, plot: Plot, scale, fmt: Format) -> tuple[Tick, ...]:
    return tuple(
        Tick(t, scale(t), _text(plot.left - 8, scale(t) + BASELINE, [label], "end"))
        for t, label in zip(ticks, _tick_labels(ticks, fmt), strict=True)
    )


def _x_labels(labels: list[str], centres: list[float], slot: float, top: float, thin=False):
    """Labels under their places: on a line chart (`thin`) in up to two lines, and only every
    second (third, ...) one if they crowd; under bars in up to three lines, shortened if need
    be. The table has them all. Returns the most lines used, and the labels."""
    most = 2 if thin else 3

    def room(i: int, every: int) -> float:
        return min(every * slot, 2 * (centres[i] - 2), 2 * (WIDTH - centres[i] - 2))

    def crowded(every: int) -> bool:
        return any(_wrap(labels[i], room(i, every), most)[1] for i in range(0, len(labels), every))

    every = next((k for k in range(1, len(labels)) if not crowded(k)), len(labels)) if thin else 1
    texts = []
    for i in range(0, len(labels), every):
        lines, _ = _wrap(labels[i], room(i, every), most)
        texts.append(_text(centres[i], top + FONT_SIZE, lines))
    return max(len(text.lines) for text in texts), tuple(texts)
