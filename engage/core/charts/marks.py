"""The marks drawn on a plot as SVG paths: how series look, marker shapes, interval whiskers.

Series are told apart by marker shape and dash pattern as well as by colour; every colour is from
the GOV.UK palette with at least 3:1 contrast against white.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Look:
    """How a series is told apart: colour, dash pattern (SVG stroke-dasharray) and marker."""

    colour: str
    dash: str
    marker: str
    width: float = 3


# GOV.UK blue, orange shade-25, green, purple, magenta and black; the benchmark in dark grey.
LOOKS = (
    Look("#1d70b8", "", "circle"),
    Look("#b7592a", "10 5", "square"),
    Look("#0f7a52", "3 4", "triangle"),
    Look("#54319f", "12 4 3 4", "diamond"),
    Look("#ca357c", "18 6", "triangle-down"),
    Look("#0b0c0c", "6 3 2 3", "plus"),
)


BENCHMARK_LOOK = Look("#484949", "", "", 2)


MARKERS = {
    "square": ((-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)),
    "triangle": ((0, -1.25), (1.15, 0.85), (-1.15, 0.85)),
    "triangle-down": ((0, 1.25), (1.15, -0.85), (-1.15, -0.85)),
    "diamond": ((0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)),
    "plus": (
        (-0.4, -1.2), (0.4, -1.2), (0.4, -0.4), (1.2, -0.4), (1.2, 0.4), (0.4, 0.4),
        (0.4, 1.2), (-0.4, 1.2), (-0.4, 0.4), (-1.2, 0.4), (-1.2, -0.4), (-0.4, -0.4),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Whisker:
    """An interval drawn from `start` (low) to `end` (high) across `at`, with end caps."""

    at: float
    start: float
    end: float
    d: str


@dataclass(frozen=True)
class Marker:
    """A point on a line: its centre and its shape as an SVG path."""

    x: float
    y: float
    d: str


def _marker(shape: str, x: float, y: float, r: float = 5.5) -> str:
    """A marker of the given shape centred on (x, y), as an SVG path."""
    if shape == "circle":
        arc = f"a{_n(r)} {_n(r)} 0 1 0"
        return f"M{_n(x - r)} {_n(y)}{arc} {_n(2 * r)} 0{arc} {_n(-2 * r)} 0Z"
    return "M" + "L".join(f"{_n(x + dx * r)} {_n(y + dy * r)}" for dx, dy in MARKERS[shape]) + "Z"


def _whisker(at: float, start: float, end: float, *, across: bool = False) -> Whisker:
    """An interval line from start to end at `at` (vertical; `across` for horizontal bars),
    with a cap 10 units wide at each end."""
    if across:
        caps = f"M{_n(start)} {_n(at - 5)}v10M{_n(end)} {_n(at - 5)}v10"
        return Whisker(at, start, end, f"M{_n(start)} {_n(at)}H{_n(end)}{caps}")
    caps = f"M{_n(at - 5)} {_n(start)}h10M{_n(at - 5)} {_n(end)}h10"
    return Whisker(at, start, end, f"M{_n(at)} {_n(start)}V{_n(end)}{caps}")


def _n(value: float) -> str:
    """A coordinate for SVG markup: at most one decimal place, no trailing zeros."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
