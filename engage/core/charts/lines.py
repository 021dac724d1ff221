"""Line charts: a trend per series across the labels, a legend, perhaps a benchmark.

A label a series lacks, or a point with no value, breaks that series' line rather than bridging
the gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engage.core.charts.axes import _scale, _tick_width, _value_axis, _vertical_ticks, _x_labels
from engage.core.charts.canvas import PLOT_HEIGHT, WIDTH, Chart, Plot, Row, _empty
from engage.core.charts.marks import (
    BENCHMARK_LOOK,
    LOOKS,
    Look,
    Marker,
    Whisker,
    _marker,
    _n,
    _whisker,
)
from engage.core.charts.text import BASELINE, LINE_HEIGHT, Text, _shorten, _text, _width
from engage.core.charts.values import INTERVAL, Point, Series, _cell, _formatter, _notes


@dataclass(frozen=True)
class Line:
    """One series drawn: its path (a new subpath after every gap), markers and whiskers."""

    name: str
    look: Look
    d: str
    markers: tuple[Marker, ...]
    whiskers: tuple[Whisker, ...]


@dataclass(frozen=True)
class LegendEntry:
    """A sample of a line (and its marker, if it has one) beside its name."""

    look: Look
    sample: str
    marker: str
    text: Text


@dataclass(frozen=True)
class Benchmark:
    """A horizontal reference line across the plot, named with its value in the legend."""

    label: str
    y: float
    look: Look = BENCHMARK_LOOK


@dataclass(frozen=True)
class LineChart(Chart):
    """A trend: a line per series across the labels, and perhaps a benchmark."""

    lines: tuple[Line, ...] = ()
    legend: tuple[LegendEntry, ...] = ()
    benchmark: Benchmark | None = None


def line_chart(
    title: str,
    description: str,
    series: Sequence[Series],
    *,
    unit: str = "%",
    benchmark: tuple[str, float] | None = None,
    y_range: tuple[float, float] | None = None,
    decimals: int | None = None,
    label_heading: str = "Period",
    interval: str = INTERVAL,
) -> LineChart:
    """A line per series across the labels of all the series, in order of first appearance.

    A label a series lacks, or a point with no value, breaks that series' line. `y_range` fixes
    the value axis; otherwise it is rounded out from the figures (within 0 to 100 for %).
    """
    if len(series) > len(LOOKS):
        raise ValueError(f"A chart can tell apart at most {len(LOOKS)} series")
    labels = list(dict.fromkeys(point.label for one in series for point in one.points))
    grid = [{point.label: point for point in one.points} for one in series]
    figures = [p for points in grid for p in points.values() if p.value is not None]
    fmt = _formatter(figures, unit, decimals)
    named = [(look, one.name) for look, one in zip(LOOKS, series, strict=False)]
    if benchmark:
        named.append((BENCHMARK_LOOK, f"{benchmark[0]}: {fmt(benchmark[1])}"))
    table = {
        "headings": (label_heading, *(one.name for one in series)),
        "rows": tuple(Row(x, tuple(_cell(points.get(x), fmt) for points in grid)) for x in labels),
        "notes": _notes(figures, interval) + ((f"{named[-1][1]}.",) if benchmark else ()),
    }
    if not figures:
        return LineChart(**_empty(title, description), **table)

    values = [v for p in figures for v in (p.value, p.low, p.high) if v is not None]
    ticks, (low, high) = _value_axis(values + ([benchmark[1]] if benchmark else []), y_range, unit)
    legend_rows, legend = _legend(named) if len(named) > 1 else (0, ())
    left = round(12 + _tick_width(ticks, fmt), 1)
    top = 16 + legend_rows * 26
    slot = (WIDTH - 16 - left) / len(labels)
    centres = [round(left + (i + 0.5) * slot, 1) for i in range(len(labels))]
    label_lines, x_labels = _x_labels(labels, centres, slot, top + PLOT_HEIGHT + 10, thin=True)
    plot = Plot(left, top, WIDTH - 16, top + PLOT_HEIGHT)
    scale = _scale(low, high, plot.bottom, plot.top)
    # Series side by side by a few units, so that their whiskers do not hide each other.
    spread = min(8.0, slot / (len(series) + 1)) if any(p.has_interval for p in figures) else 0
    shifts = [(i - (len(series) - 1) / 2) * spread for i in range(len(series))]
    return LineChart(
        title=title,
        description=description,
        width=WIDTH,
        height=plot.bottom + 16 + label_lines * LINE_HEIGHT,
        plot=plot,
        ticks=_vertical_ticks(ticks, plot, scale, fmt),
        labels=x_labels,
        **table,
        lines=tuple(
            _line(one.name, LOOKS[i], [points.get(x) for x in labels], centres, shifts[i], scale)
            for i, (one, points) in enumerate(zip(series, grid, strict=True))
        ),
        legend=legend,
        benchmark=Benchmark(named[-1][1], scale(benchmark[1])) if benchmark else None,
    )


def _line(name: str, look: Look, points: list[Point | None], centres, shift, scale) -> Line:
    """A series' path, lifting the pen wherever a label has no figure, with markers and whiskers."""
    path, markers, whiskers, drawing = [], [], [], False
    for point, centre in zip(points, centres, strict=True):
        if point is None or point.value is None:
            drawing = False
            continue
        x, y = round(centre + shift, 1), scale(point.value)
        path.append(f"{'L' if drawing else 'M'}{_n(x)} {_n(y)}")
        drawing = True
        markers.append(Marker(x, y, _marker(look.marker, x, y)))
        if point.has_interval:
            whiskers.append(_whisker(x, scale(point.low), scale(point.high)))
    return Line(name, look, "".join(path), tuple(markers), tuple(whiskers))


def _legend(named: list[tuple[Look, str]]) -> tuple[int, tuple[LegendEntry, ...]]:
    """A sample of each line (and its marker) beside its name, in rows across the top."""
    entries, x, row = [], 16.0, 0
    for look, name in named:
        name = _shorten(name, WIDTH - 80)
        width = 36 + 6 + _width(name) + 20
        if x + width > WIDTH - 16 and x > 16:
            x, row = 16.0, row + 1
        y = 16 + row * 26
        sample, marker = f"M{_n(x)} {y}h36", _marker(look.marker, x + 18, y) if look.marker else ""
        entries.append(
            LegendEntry(look, sample, marker, _text(x + 42, y + BASELINE, [name], "start"))
        )
        x += width
    return row + 1, tuple(entries)
