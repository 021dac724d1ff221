"""Charts drawn on the server as SVG, every coordinate computed here: pure geometry, no Flask.

A chart object holds all that templates/charts.html draws (viewBox, plot area, round ticks,
labels wrapped to fit, a path per series broken where a figure is missing, markers, interval
whiskers, a benchmark, bars) and the rows of the table shown with it, so no figure is only in
the picture. Series differ by marker shape and dash pattern as well as by colour; every colour
is from the GOV.UK palette with at least 3:1 contrast against white.

This package's modules hold the parts: `values` (figures and their wording), `text` (label widths
and wrapping), `canvas` (what every chart holds), `axes` (ticks and scales), `marks` (looks,
markers, whiskers), `lines` and `bars` (the two layouts). Import from here.
"""

from engage.core.charts.axes import nice_ticks
from engage.core.charts.bars import BAR_COLOUR, Bar, BarChart, bar_chart
from engage.core.charts.canvas import NO_FIGURES, PLOT_HEIGHT, WIDTH, Chart, Plot, Row, Tick
from engage.core.charts.lines import Benchmark, LegendEntry, Line, LineChart, line_chart
from engage.core.charts.marks import BENCHMARK_LOOK, LOOKS, MARKERS, Look, Marker, Whisker
from engage.core.charts.text import BASELINE, FONT_SIZE, LINE_HEIGHT, NARROW, WIDE, Text
from engage.core.charts.values import (
    INTERVAL,
    NOT_AVAILABLE,
    Format,
    Point,
    Series,
    format_value,
)

__all__ = [
    "BAR_COLOUR",
    "BASELINE",
    "BENCHMARK_LOOK",
    "FONT_SIZE",
    "INTERVAL",
    "LINE_HEIGHT",
    "LOOKS",
    "MARKERS",
    "NARROW",
    "NOT_AVAILABLE",
    "NO_FIGURES",
    "PLOT_HEIGHT",
    "WIDE",
    "WIDTH",
    "Bar",
    "BarChart",
    "Benchmark",
    "Chart",
    "Format",
    "LegendEntry",
    "Line",
    "LineChart",
    "Look",
    "Marker",
    "Plot",
    "Point",
    "Row",
    "Series",
    "Text",
    "Tick",
    "Whisker",
    "bar_chart",
    "format_value",
    "line_chart",
    "nice_ticks",
]
