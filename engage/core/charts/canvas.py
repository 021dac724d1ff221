"""What every chart holds, whatever its kind: the canvas' size, the plot area, ticks, the table.

Line and bar charts both build on `Chart`, and both draw the same short canvas when there is no
figure to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from engage.core.charts.text import BASELINE, Text, _text

WIDTH = 560


PLOT_HEIGHT = 220


NO_FIGURES = "No figures to show"


@dataclass(frozen=True)
class Plot:
    """The rectangle inside the axes, in viewBox units."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class Tick:
    """A round value on the value axis: where it falls (y, or x for horizontal bars), its label."""

    value: float
    position: float
    text: Text


@dataclass(frozen=True)
class Row:
    """A row of the table shown with the chart: its label and a cell per column of figures."""

    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    """What both kinds of chart share: the words, the canvas, the value axis and the table."""

    title: str
    description: str
    width: float
    height: float
    plot: Plot
    ticks: tuple[Tick, ...]
    labels: tuple[Text, ...]
    headings: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...]
    message: Text | None = None

    @property
    def empty(self) -> bool:
        """True when there is no figure to draw, and the chart says so instead."""
        return self.message is not None


def _empty(title: str, description: str) -> dict:
    """A short canvas that says there is nothing to show, and a description that says so too."""
    return {
        "title": title,
        "description": f"{description} {NO_FIGURES}." if description else f"{NO_FIGURES}.",
        "width": WIDTH,
        "height": 80,
        "plot": Plot(0, 0, WIDTH, 80),
        "ticks": (),
        "labels": (),
        "message": _text(WIDTH / 2, 40 + BASELINE, [NO_FIGURES]),
    }
