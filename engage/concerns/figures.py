"""Headline figures for the public board: concerns raised, the share answered within the service
promise and the median working days to a response, for the county, by district and by month.

Pure: facts in, figures out; no Flask, no database. Every figure carries the counts behind it,
and a figure on fewer than MIN_COUNT concerns is not shown, so that a small district's quiet
month does not look like a failure or a triumph.

The share within the promise is taken over every concern whose promise is decided: those
answered, and those not answered whose promise has already passed. Leaving the overdue
unanswered out would flatter the figure by the concerns that have waited longest.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

MIN_COUNT = 10
# Not strftime("%B") or calendar.month_name, which follow the server's locale.
MONTH_NAMES = (  # noqa: SIM905 (a list of words reads best as words)
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True)
class ConcernFacts:
    """What the figures need of one concern.

    `responded_working_days` is None while the concern is not yet answered. `met_promise` is
    True when it was answered within the promise, False when it was answered late or is not
    answered and the promise has passed, and None while it is not answered and still in time.
    """

    raised_on: date
    district: str
    responded_working_days: int | None
    met_promise: bool | None

    def __post_init__(self):
        days = self.responded_working_days
        if days is not None and days < 0:
            raise ValueError(
                f"A concern cannot be answered {-days} working days before it was raised"
            )
        if days is not None and self.met_promise is None:
            raise ValueError("An answered concern has met its promise or missed it: say which")
        if days is None and self.met_promise:
            raise ValueError(
                "A concern not yet answered cannot have been answered within the promise"
            )


@dataclass(frozen=True)
class Figure:
    """The figures for one group of concerns, with the counts behind them.

    `share_within_promise` is within_promise / decided (answered plus overdue) and is None when
    fewer than MIN_COUNT are decided; `median_working_days` is None when fewer than MIN_COUNT
    are answered. `shown` is False when fewer than MIN_COUNT concerns were raised: the board
    then says there are too few concerns for figures rather than showing any.
    """

    label: str
    raised: int
    answered: int
    within_promise: int
    share_within_promise: float | None
    median_working_days: float | None
    shown: bool
    overdue: int = 0  # not answered, and the promise has passed

    @property
    def decided(self) -> int:
        """The concerns whose promise is met or missed: the count behind the share."""
        return self.answered + self.overdue


def figure(label: str, facts: Iterable[ConcernFacts]) -> Figure:
    """The figures for `facts`, labelled."""
    facts = list(facts)
    days = [f.responded_working_days for f in facts if f.responded_working_days is not None]
    within = sum(1 for f in facts if f.met_promise)
    overdue = sum(1 for f in facts if f.responded_working_days is None and f.met_promise is False)
    decided = len(days) + overdue
    return Figure(
        label=label,
        raised=len(facts),
        answered=len(days),
        within_promise=within,
        share_within_promise=within / decided if decided >= MIN_COUNT else None,
        median_working_days=float(statistics.median(days)) if len(days) >= MIN_COUNT else None,
        shown=len(facts) >= MIN_COUNT,
        overdue=overdue,
    )


def headline(facts: Iterable[ConcernFacts], *, label: str = "All districts") -> Figure:
    """The figures over every concern given."""
    return figure(label, facts)


def by_district(facts: Iterable[ConcernFacts], districts: Sequence[str]) -> list[Figure]:
    """A figure for each of `districts`, in that order, labelled with its name.

    A district with no concerns has a figure of zeros (not shown); concerns in districts not
    asked for are left out.
    """
    grouped: dict[str, list[ConcernFacts]] = {district: [] for district in districts}
    for fact in facts:
        if fact.district in grouped:
            grouped[fact.district].append(fact)
    return [figure(district, grouped[district]) for district in districts]


def by_month(facts: Iterable[ConcernFacts], months: int, today: date) -> list[Figure]:
    """A figure for each of the last `months` calendar months by the date raised, oldest first.

    The last is the month of `today`, so far; labels read "March 2026". Concerns raised outside
    these months are left out.
    """
    if months < 1:
        raise ValueError("Figures by month need at least one month")
    keys = [_months_before(today.year, today.month, back) for back in range(months - 1, -1, -1)]
    grouped: dict[tuple[int, int], list[ConcernFacts]] = {key: [] for key in keys}
    for fact in facts:
        key = (fact.raised_on.year, fact.raised_on.month)
        if key in grouped and fact.raised_on <= today:
            grouped[key].append(fact)
    return [
        figure(f"{MONTH_NAMES[month - 1]} {year}", grouped[year, month]) for year, month in keys
    ]


def _months_before(year: int, month: int, back: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - back
    return index // 12, index % 12 + 1
