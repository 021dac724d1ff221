"""Bar charts: a bar from zero per point, upward or (horizontal) rightward, with its value.

Vertical bars carry their labels underneath; horizontal ones carry longer labels before them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engage.core.charts.axes import (
    _scale,
    _tick_labels,
    _tick_width,
    _value_axis,
    _vertical_ticks,
    _x_labels,
)
from engage.core.charts.canvas import PLOT_HEIGHT, WIDTH, Chart, Plot, Row, Tick, _empty
from engage.core.charts.marks import Whisker, _whisker
from engage.core.charts.text import BASELINE, FONT_SIZE, LINE_HEIGHT, Text, _text, _width, _wrap
from engage.core.charts.values import (
    INTERVAL,
    NOT_AVAILABLE,
    Format,
    Point,
    _cell,
    _formatter,
    _notes,
)

BAR_COLOUR = "#1d70b8"


@dataclass(frozen=True)
class Bar:
    """A bar's rectangle, its value label (if labels fit) and its whisker (if it has one)."""

    label: str
    x: float
    y: float
    width: float
    height: float
    value_text: Text | None
    whisker: Whisker | None


@dataclass(frozen=True)
class BarChart(Chart):
    """Bars from zero, upward or (horizontal) rightward, one per point."""

    bars: tuple[Bar, ...] = ()
    horizontal: bool = False
    colour: str = BAR_COLOUR


def bar_chart(
    title: str,
    description: str,
    bars: Sequence[Point],
    *,
    unit: str = "",
    horizontal: bool = False,
    decimals: int | None = None,
    label_heading: str = "Category",
    value_heading: str = "Value",
    interval: str = INTERVAL,
) -> BarChart:
    """A bar from zero for each point, labelled with its value wherever the labels fit."""
    figures = [p for p in bars if p.value is not None]
    fmt = _formatter(figures, unit, decimals)
    table = {
        "headings": (label_heading, value_heading),
        "rows": tuple(Row(p.label, (_cell(p, fmt),)) for p in bars),
        "notes": _notes(figures, interval),
    }
    if not figures:
        return BarChart(**_empty(title, description), **table)
    values = [0.0] + [v for p in figures for v in (p.value, p.high) if v is not None]
    ticks, (low, high) = _value_axis(values, None, unit)
    draw = _horizontal_bars if horizontal else _vertical_bars
    return BarChart(
        title=title,
        description=description,
        width=WIDTH,
        **draw(bars, ticks, (low, high), fmt),
        **table,
        horizontal=horizontal,
    )


def _vertical_bars(bars: Sequence[Point], ticks, domain, fmt: Format) -> dict:
    """Bars standing on the axis, labels under them, values above them if all of them fit."""
    left, top = round(12 + _tick_width(ticks, fmt), 1), 16 + LINE_HEIGHT
    slot = (WIDTH - 16 - left) / len(bars)
    centres = [round(left + (i + 0.5) * slot, 1) for i in range(len(bars))]
    label_lines, labels = _x_labels([p.label for p in bars], centres, slot, top + PLOT_HEIGHT + 10)
    plot = Plot(left, top, WIDTH - 16, top + PLOT_HEIGHT)
    scale = _scale(*domain, plot.bottom, plot.top)
    width = round(min(slot * 0.7, 80), 1)
    fits = all(_width(fmt(p.value)) <= slot for p in bars if p.value is not None)
    missing = NOT_AVAILABLE if _width(NOT_AVAILABLE) <= slot else "n/a"
    drawn = []
    for point, centre in zip(bars, centres, strict=True):
        y = scale(point.value) if point.value is not None else plot.bottom
        whisker = (
            _whisker(centre, scale(point.low), scale(point.high)) if point.has_interval else None
        )
        above = min(y, whisker.end if whisker else y) - 7
        words = fmt(point.value) if point.value is not None else missing
        text = _text(centre, above, [words]) if fits or point.value is None else None
        x = round(centre - width / 2, 1)
        drawn.append(Bar(point.label, x, y, width, round(plot.bottom - y, 1), text, whisker))
    return {
        "height": plot.bottom + 16 + label_lines * LINE_HEIGHT,
        "plot": plot,
        "ticks": _vertical_ticks(ticks, plot, scale, fmt),
        "labels": labels,
        "bars": tuple(drawn),
    }


def _horizontal_bars(bars: Sequence[Point], ticks, domain, fmt: Format) -> dict:
    """Bars from the axis at the left, labels before them in up to three lines, values after."""
    label_width = min(max(_width(p.label) for p in bars), WIDTH * 0.4)
    wrapped = [_wrap(p.label, label_width, 3)[0] for p in bars]
    row = max(36, max(len(lines) for lines in wrapped) * LINE_HEIGHT + 12)
    words = [fmt(p.value) if p.value is not None else NOT_AVAILABLE for p in bars]
    widest = max(_width(fmt(p.value)) for p in bars if p.value is not None)
    right = WIDTH - 12 - max(widest, _tick_width(ticks, fmt) / 2)
    plot = Plot(round(label_width + 16, 1), 8, round(right, 1), 8 + row * len(bars))
    scale = _scale(*domain, plot.left, plot.right)
    thickness = min(row * 0.6, 28)
    labels, drawn = [], []
    for i, (point, lines, value) in enumerate(zip(bars, wrapped, words, strict=True)):
        middle = plot.top + (i + 0.5) * row
        first = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + BASELINE
        labels.append(_text(plot.left - 8, first, lines, "end"))
        end = scale(point.value) if point.value is not None else plot.left
        whisker = None
        if point.has_interval:
            whisker = _whisker(middle, scale(point.low), scale(point.high), across=True)
        after = max(end, whisker.end if whisker else end) + 6
        text = _text(after, middle + BASELINE, [value], "start")
        y = round(middle - thickness / 2, 1)
        drawn.append(
            Bar(point.label, plot.left, y, round(end - plot.left, 1), thickness, text, whisker)
        )
    baseline = plot.bottom + 8 + FONT_SIZE
    return {
        "height": baseline + 16,
        "plot": plot,
        "ticks": tuple(
            Tick(t, scale(t), _text(scale(t), baseline, [label]))
            for t, label in zip(ticks, _tick_labels(ticks, fmt), strict=True)
        ),
        "labels": tuple(labels),
        "bars": tuple(drawn),
    }
