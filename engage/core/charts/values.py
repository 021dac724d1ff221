"""The figures a chart is drawn from, and how they read as words: points, series, the table's cells.

Kept apart from the geometry so that the figures and their wording (thousands separated, halves
rounded away from zero, "Not available", the interval note) can be read and tested on their own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NOT_AVAILABLE = "Not available"


INTERVAL = "95% confidence interval"


@dataclass(frozen=True)
class Point:
    """One figure: a label (a wave, a band, an answer), its value and its interval if known."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        # pandas gives NaN for a missing figure, and numpy numbers: keep plain floats or None.
        for name in ("value", "low", "high"):
            number = getattr(self, name)
            known = number is not None and not math.isnan(number)
            object.__setattr__(self, name, float(number) if known else None)

    @property
    def has_interval(self) -> bool:
        """True for a figure with both ends of its interval."""
        return self.value is not None and self.low is not None and self.high is not None


@dataclass(frozen=True)
class Series:
    """A named run of points across the same labels, such as the county or one district."""

    name: str
    points: Sequence[Point]


Format = Callable[..., str]


def format_value(value: float, decimals: int = 0, unit: str = "") -> str:
    """A figure for people: thousands separated, `decimals` places (halves rounded away from
    zero, as people expect), the unit after: 48%, 1,234, 6.8."""
    text = f"{Decimal(str(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP):,f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")
    return f"{text}{unit}"


def _formatter(figures: list[Point], unit: str, decimals: int | None) -> Format:
    """Format values alike: whole numbers for % or whole figures, else one decimal place."""
    if decimals is None:
        whole = all(float(p.value).is_integer() for p in figures)
        decimals = 0 if unit == "%" or whole else 1

    def fmt(value: float, places: int | None = None) -> str:
        return format_value(value, decimals if places is None else places, unit)

    return fmt


def _cell(point: Point | None, fmt: Format) -> str:
    if point is None or point.value is None:
        return NOT_AVAILABLE
    if not point.has_interval:
        return fmt(point.value)
    return f"{fmt(point.value)} ({fmt(point.low)} to {fmt(point.high)})"


def _notes(figures: list[Point], interval: str) -> tuple[str, ...]:
    if any(p.has_interval for p in figures):
        return (f"Figures in brackets are the {interval}.",)
    return ()
