"""Starting, pausing, resuming and stopping stored service clocks.

Every change appends an event and re-reads the clock with engage.core.clocks, which keeps the
due date current and fixes the outcome (met or missed, by how many working days) at the stop.
Callers commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from engage.core.clock_models import ServiceClock, ServiceClockEvent
from engage.core.clocks import ClockEvent, ClockEventKind, ClockReading, read_clock
from engage.extensions import db


def start_clock(subject: str, subject_id: int, kind: str, target_days: int, on: date) -> None:
    """Start a promise of `target_days` working days on a record (once per kind)."""
    clock = ServiceClock(subject=subject, subject_id=subject_id, kind=kind, target_days=target_days)
    db.session.add(clock)
    _record(clock, ClockEventKind.STARTED, on, "")


def clocks_of(subject: str, subject_id: int) -> dict[str, ServiceClock]:
    """A record's clocks by kind."""
    query = select(ServiceClock).where(
        ServiceClock.subject == subject, ServiceClock.subject_id == subject_id
    )
    return {clock.kind: clock for clock in db.session.scalars(query)}


def stop_clocks(subject: str, subject_id: int, kinds: Iterable[str], on: date) -> None:
    """Stop the named clocks that are still running; the outcome is fixed from now on."""
    clocks = clocks_of(subject, subject_id)
    for kind in kinds:
        clock = clocks.get(kind)
        if clock is not None and clock.stopped_on is None:
            _record(clock, ClockEventKind.STOPPED, on, "")


def pause_clocks(subject: str, subject_id: int, on: date, note: str) -> int:
    """Pause every running clock (e.g. waiting for information from the raiser)."""
    paused = 0
    for clock in clocks_of(subject, subject_id).values():
        if clock.stopped_on is None and not reading_of(clock, on).paused:
            _record(clock, ClockEventKind.PAUSED, on, note)
            paused += 1
    return paused


def resume_clocks(subject: str, subject_id: int, on: date, note: str) -> int:
    """Resume every paused clock."""
    resumed = 0
    for clock in clocks_of(subject, subject_id).values():
        if clock.stopped_on is None and reading_of(clock, on).paused:
            _record(clock, ClockEventKind.RESUMED, on, note)
            resumed += 1
    return resumed


def reading_of(clock: ServiceClock, today: date) -> ClockReading:
    """Where the clock stands today."""
    events = [
        ClockEvent(ClockEventKind(event.kind), event.on, event.note) for event in clock.events
    ]
    return read_clock(events, clock.target_days, today)


def _record(clock: ServiceClock, kind: ClockEventKind, on: date, note: str) -> None:
    clock.events.append(ServiceClockEvent(kind=str(kind), on=on, note=note))
    reading = reading_of(clock, on)  # raises ClockError for an impossible sequence
    clock.due_on = None if reading.outcome or reading.paused else reading.due_on
    if reading.outcome is not None:
        clock.stopped_on = on
        clock.met = reading.outcome.met
        clock.working_days = reading.outcome.working_days
        clock.by_days = reading.outcome.by
