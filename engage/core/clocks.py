"""Service clocks in working days: when a promise falls due, and whether it was kept.

Pure: dates in, dates out; no Flask, no database. A working day is Monday to Friday except an
English bank holiday, taken from the maintained `holidays` library (substitute days and one-off
holidays such as a coronation included) rather than from a list of ours that would go stale.

A clock is the record of its events (started, paused while we wait for the raiser, resumed,
stopped) and is read afresh from them each time. The target is copied onto the clock when it
starts, so a later change to the settings does not rewrite history, and once a clock has stopped
its outcome depends on nothing else: not on today, not on the settings.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays

ONE_DAY = timedelta(days=1)


@functools.cache
def _bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays in `year`, as the `holidays` library knows them."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Whether `day` is Monday to Friday and not an English bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`: the day a promise made on `start` falls due.

    The start day itself is not counted, so a concern received on a Friday with a target of one
    working day is due on Monday; one received at a weekend counts from the next working day
    (received Saturday, one working day: due Monday). Zero days is due on `start` itself.
    """
    if days < 0:
        raise ValueError(f"Cannot count {days} working days: the number must be 0 or more")
    day = start
    for _ in range(days):
        day += ONE_DAY
        while not is_working_day(day):
            day += ONE_DAY
    return day


def working_days_between(start: date, end: date) -> int:
    """The working days after `start` up to and including `end`; 0 when `end` is not later.

    Counted arithmetically, not day by day, so headline figures over years of concerns are quick.
    """
    if end <= start:
        return 0
    holidays_on_weekdays = sum(
        1
        for year in range(start.year, end.year + 1)
        for holiday in _bank_holidays(year)
        if start < holiday <= end and holiday.weekday() < 5
    )
    return _weekdays_through(end) - _weekdays_through(start) - holidays_on_weekdays


def _weekdays_through(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to and including `day`."""
    weeks, days = divmod(day.toordinal(), 7)
    return weeks * 5 + min(days, 5)


class ClockEventKind(enum.StrEnum):
    """What can happen to a clock; the value reads as "the clock was ..."."""

    STARTED = "started"
    PAUSED = "paused"  # waiting for information from the raiser
    RESUMED = "resumed"
    STOPPED = "stopped"


class ClockError(ValueError):
    """A clock's events are not a possible history (paused twice, stopped before starting)."""


@dataclass(frozen=True)
class ClockEvent:
    """One thing that happened to a clock, on a date (England's calendar date, not a timestamp).

    `kind` may be given as its stored text ("paused"); it is kept as a ClockEventKind.
    """

    kind: ClockEventKind
    on: date
    note: str = ""

    def __post_init__(self):
        try:
            kind = ClockEventKind(self.kind)
        except ValueError:
            raise ClockError(
                f'"{self.kind}" is not something that happens to a clock; it can be '
                f"{', '.join(ClockEventKind)}"
            ) from None
        object.__setattr__(self, "kind", kind)
        # A UTC timestamp late in the evening is the next day in England: the caller converts.
        if isinstance(self.on, datetime) or not isinstance(self.on, date):
            raise TypeError(f"A clock event needs a date, not {type(self.on).__name__}")


@dataclass(frozen=True)
class ClockOutcome:
    """Whether a stopped clock met its target, fixed when it stopped.

    `by` is how many working days early (met) or late (missed) it was, never negative.
    """

    met: bool
    working_days: int
    by: int
    due_on: date


@dataclass(frozen=True)
class ClockReading:
    """A clock as it stands on a given day.

    `running` means started and not yet stopped, whether or not it is paused. `due_on` is the
    start plus the target plus the working days spent paused so far. `working_days_left` is None
    unless running, and never below 0; `overdue_by` is the working days used beyond the target
    while running (a stopped clock is never overdue: its outcome says whether it was late).
    """

    running: bool
    paused: bool
    started_on: date | None
    due_on: date | None
    working_days_used: int
    working_days_left: int | None
    overdue_by: int
    outcome: ClockOutcome | None


NOT_STARTED = ClockReading(
    running=False,
    paused=False,
    started_on=None,
    due_on=None,
    working_days_used=0,
    working_days_left=None,
    overdue_by=0,
    outcome=None,
)


class _State(enum.Enum):
    NOT_STARTED = "not started"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


# Every possible move; any other event in a state is refused.
_MOVES: dict[tuple[_State, ClockEventKind], _State] = {
    (_State.NOT_STARTED, ClockEventKind.STARTED): _State.RUNNING,
    (_State.RUNNING, ClockEventKind.PAUSED): _State.PAUSED,
    (_State.RUNNING, ClockEventKind.STOPPED): _State.STOPPED,
    (_State.PAUSED, ClockEventKind.RESUMED): _State.RUNNING,
    (_State.PAUSED, ClockEventKind.STOPPED): _State.STOPPED,
}


def read_clock(events: Sequence[ClockEvent], target_days: int, today: date) -> ClockReading:
    """The clock that `events` (in the order they happened) record, read on `today`.

    `target_days` is the target copied onto the clock when it started. Working days count while
    the clock runs: from the day after it starts or resumes up to and including the day it is
    paused or stopped (or `today`, while it is still going). No events: a clock not yet started.
    Raises ClockError, in words, when the events are not a possible history.
    """
    if target_days < 0:
        raise ClockError(f"A clock's target must be 0 or more working days, not {target_days}")
    if not events:
        return NOT_STARTED
    state, since = _State.NOT_STARTED, events[0].on  # since: the day the current stretch began
    used = paused = 0
    for number, event in enumerate(events):
        if number and event.on < events[number - 1].on:
            earlier = events[number - 1]
            raise ClockError(
                f"The clock cannot be {event.kind} on {_day(event.on)}: that is before it was "
                f"{earlier.kind} on {_day(earlier.on)}"
            )
        following = _MOVES.get((state, event.kind))
        if following is None:
            raise ClockError(_refusal(state, event, since, events[0].on))
        if state is _State.RUNNING:
            used += working_days_between(since, event.on)
        elif state is _State.PAUSED:
            paused += working_days_between(since, event.on)
        state, since = following, event.on
    started_on = events[0].on
    if state is _State.STOPPED:
        due_on = add_working_days(started_on, target_days + paused)
        met = used <= target_days
        outcome = ClockOutcome(
            met=met, working_days=used, by=abs(target_days - used), due_on=due_on
        )
        return ClockReading(
            running=False,
            paused=False,
            started_on=started_on,
            due_on=due_on,
            working_days_used=used,
            working_days_left=None,
            overdue_by=0,
            outcome=outcome,
        )
    if state is _State.RUNNING:
        used += working_days_between(since, today)
    else:
        paused += working_days_between(since, today)
    return ClockReading(
        running=True,
        paused=state is _State.PAUSED,
        started_on=started_on,
        due_on=add_working_days(started_on, target_days + paused),
        working_days_used=used,
        working_days_left=max(target_days - used, 0),
        overdue_by=max(used - target_days, 0),
        outcome=None,
    )


def due_soon(reading: ClockReading, within: int = 2) -> bool:
    """Whether to remind the owner: running, not paused, not overdue, `within` working days left."""
    return (
        reading.running
        and not reading.paused
        and reading.overdue_by == 0
        and reading.working_days_left is not None
        and reading.working_days_left <= within
    )


def _refusal(state: _State, event: ClockEvent, since: date, started_on: date) -> str:
    """Why `event` cannot happen to a clock in `state` (whose current stretch began `since`)."""
    if state is _State.STOPPED:
        reason = f"it stopped on {_day(since)}"
    elif event.kind is ClockEventKind.STARTED:
        reason = f"it started on {_day(started_on)}, and a clock starts only once"
    elif state is _State.NOT_STARTED:
        reason = "it has not been started"
    elif state is _State.RUNNING:
        reason = "it is running, not paused"
    else:
        reason = f"it has been paused since {_day(since)}"
    return f"The clock cannot be {event.kind} on {_day(event.on)}: {reason}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
