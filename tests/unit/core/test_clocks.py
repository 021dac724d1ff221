"""Service clocks: English working days, and clocks read from their events."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.core.clocks import (
    NOT_STARTED,
    ClockError,
    ClockEvent,
    ClockEventKind,
    ClockOutcome,
    add_working_days,
    due_soon,
    is_working_day,
    read_clock,
    working_days_between,
)

STARTED, PAUSED, RESUMED, STOPPED = ClockEventKind

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


def clock(*events: tuple[ClockEventKind, date]) -> list[ClockEvent]:
    return [ClockEvent(kind, on) for kind, on in events]


def counted_one_by_one(start: date, end: date) -> int:
    """The working days in (start, end], counted the slow, obvious way."""
    count, day = 0, start + timedelta(days=1)
    while day <= end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count


# Working days


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # Early May bank holiday
        date(2026, 5, 25),  # Spring bank holiday (late May)
        date(2026, 8, 31),  # Summer bank holiday (late August)
        date(2026, 12, 25),  # Christmas Day, a Friday
        date(2026, 12, 28),  # Boxing Day falls on a Saturday: the Monday is its substitute
        date(2027, 1, 1),  # New Year's Day
        date(2026, 4, 4),  # a Saturday
        date(2026, 4, 5),  # a Sunday
    ],
)
def test_weekends_and_english_bank_holidays_are_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2022, 6, 2),  # spring bank holiday moved for the Platinum Jubilee
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2020, 5, 8),  # Early May bank holiday moved to VE Day
    ],
)
def test_one_off_bank_holidays_are_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 2),  # the Thursday before Easter
        date(2026, 4, 7),  # the Tuesday after
        date(2026, 12, 29),
        date(2026, 1, 2),  # a bank holiday in Scotland only
        date(2026, 8, 3),  # Scotland's August bank holiday, not England's
        date(2026, 3, 17),  # St Patrick's Day: Northern Ireland only
        date(2022, 5, 30),  # the usual late May Monday, in the year it moved to 2 June
        date(2020, 5, 4),  # the usual early May Monday, in the year it moved to 8 May
    ],
)
def test_ordinary_weekdays_and_other_nations_holidays_are_working_days(day):
    assert is_working_day(day)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # over Easter
        (date(2026, 4, 1), 2, date(2026, 4, 7)),
        (date(2026, 4, 2), 5, date(2026, 4, 13)),
        (date(2026, 3, 27), 1, date(2026, 3, 30)),  # Friday to Monday
        (date(2026, 3, 28), 1, date(2026, 3, 30)),  # a Saturday start counts from Monday
        (date(2026, 4, 4), 1, date(2026, 4, 7)),  # ... or from Tuesday after Easter Monday
        (date(2026, 5, 22), 1, date(2026, 5, 26)),  # over the late May bank holiday
        (date(2026, 8, 28), 1, date(2026, 9, 1)),  # over the August bank holiday
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # over Christmas and its substitute day
        (date(2026, 12, 24), 4, date(2027, 1, 4)),  # ... and New Year's Day
        (date(2026, 12, 1), 20, date(2026, 12, 31)),
        (date(2026, 4, 4), 0, date(2026, 4, 4)),  # no days: due on the day itself
    ],
)
def test_due_date_is_that_many_working_days_after_the_start(start, days, due):
    assert add_working_days(start, days) == due


def test_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2026, 4, 1), -1)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 4, 2), date(2026, 4, 7), 1),
        (date(2026, 3, 31), date(2026, 4, 10), 6),
        (date(2026, 4, 2), date(2026, 4, 2), 0),
        (date(2026, 4, 7), date(2026, 4, 2), 0),  # end before start
        (date(2026, 12, 24), date(2027, 1, 4), 4),
        (date(2025, 12, 31), date(2026, 12, 31), 253),  # 261 weekdays less 8 bank holidays
    ],
)
def test_working_days_between_counts_after_start_up_to_and_including_end(start, end, count):
    assert working_days_between(start, end) == count


@given(days, st.integers(min_value=1, max_value=400))
def test_a_due_date_is_always_a_working_day(start, n):
    assert is_working_day(add_working_days(start, n))


@given(days, st.integers(min_value=0, max_value=400))
def test_counting_the_days_to_a_due_date_gives_back_the_target(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@given(days, days, st.integers(min_value=0, max_value=100))
def test_due_dates_never_go_backwards(first, second, n):
    earlier, later = sorted([first, second])
    assert add_working_days(start=earlier, days=n) <= add_working_days(later, n)
    assert add_working_days(earlier, n) < add_working_days(earlier, n + 1)


@given(days, st.integers(min_value=0, max_value=500))
def test_counting_working_days_agrees_with_counting_one_by_one(start, span):
    end = start + timedelta(days=span)
    assert working_days_between(start, end) == counted_one_by_one(start, end)


@given(days, days, days)
def test_working_days_add_up_over_consecutive_stretches(a, b, c):
    a, b, c = sorted([a, b, c])
    assert working_days_between(a, c) == working_days_between(a, b) + working_days_between(b, c)


# Clocks

APRIL_1 = date(2026, 4, 1)  # a Wednesday; Easter is 3 to 6 April 2026


@pytest.mark.parametrize(
    ("today", "used", "left", "overdue_by", "soon"),
    [
        (date(2026, 4, 1), 0, 5, 0, False),
        (date(2026, 4, 7), 2, 3, 0, False),
        (date(2026, 4, 9), 4, 1, 0, True),
        (date(2026, 4, 10), 5, 0, 0, True),  # due today
        (date(2026, 4, 11), 5, 0, 0, True),  # the Saturday after: no working day has passed
        (date(2026, 4, 13), 6, 0, 1, False),  # overdue is not "due soon"
        (date(2026, 4, 20), 11, 0, 6, False),
    ],
)
def test_a_running_clock_counts_working_days_up_to_today(today, used, left, overdue_by, soon):
    reading = read_clock(clock((STARTED, APRIL_1)), 5, today)

    assert reading.running and not reading.paused
    assert reading.started_on == APRIL_1
    assert reading.due_on == date(2026, 4, 10)
    assert reading.working_days_used == used
    assert reading.working_days_left == left
    assert reading.overdue_by == overdue_by
    assert reading.outcome is None
    assert due_soon(reading) is soon


def test_due_soon_looks_only_as_far_ahead_as_asked():
    reading = read_clock(clock((STARTED, APRIL_1)), 5, date(2026, 4, 9))  # 1 left

    assert not due_soon(reading, within=0)
    assert due_soon(reading, within=1)


def test_working_days_spent_paused_move_the_due_date_later():
    events = clock((STARTED, APRIL_1), (PAUSED, date(2026, 4, 2)), (RESUMED, date(2026, 4, 8)))

    reading = read_clock(events, 5, date(2026, 4, 14))

    assert reading.running and not reading.paused
    assert reading.due_on == date(2026, 4, 14)  # 10 April plus 7 and 8 April, spent paused
    assert reading.working_days_used == 5  # 2 April, then 9, 10, 13 and 14 April
    assert reading.working_days_left == 0
    assert reading.overdue_by == 0


def test_a_paused_clock_stops_counting_and_is_never_due_soon():
    events = clock((STARTED, APRIL_1), (PAUSED, date(2026, 4, 2)))

    reading = read_clock(events, 1, date(2026, 4, 7))

    assert reading.running and reading.paused
    assert reading.working_days_used == 1
    assert reading.working_days_left == 0
    assert reading.due_on == date(2026, 4, 7)  # 2 April plus 7 April, paused so far
    assert not due_soon(reading)
    assert read_clock(events, 1, date(2026, 4, 20)).working_days_used == 1


def test_a_paused_clock_that_was_already_overdue_stays_overdue_but_no_later():
    events = clock((STARTED, APRIL_1), (PAUSED, date(2026, 4, 13)))

    assert read_clock(events, 5, date(2026, 5, 1)).overdue_by == 1


@pytest.mark.parametrize(
    ("stopped_on", "met", "used", "by"),
    [
        (date(2026, 4, 1), True, 0, 5),
        (date(2026, 4, 9), True, 4, 1),
        (date(2026, 4, 10), True, 5, 0),  # on the due date: met
        (date(2026, 4, 13), False, 6, 1),
        (date(2026, 4, 15), False, 8, 3),
    ],
)
def test_a_stopped_clock_says_whether_it_met_its_target_and_by_how_much(stopped_on, met, used, by):
    reading = read_clock(clock((STARTED, APRIL_1), (STOPPED, stopped_on)), 5, stopped_on)

    assert not reading.running and not reading.paused
    assert reading.outcome == ClockOutcome(
        met=met, working_days=used, by=by, due_on=date(2026, 4, 10)
    )
    assert reading.working_days_used == used
    assert reading.working_days_left is None
    assert reading.overdue_by == 0  # nothing more to do: the outcome says it was late
    assert not due_soon(reading)


@given(today=st.dates())
def test_a_stopped_clocks_outcome_is_the_same_whatever_today_is(today):
    events = clock(
        (STARTED, APRIL_1),
        (PAUSED, date(2026, 4, 2)),
        (RESUMED, date(2026, 4, 8)),
        (STOPPED, date(2026, 4, 16)),
    )

    reading = read_clock(events, 5, today)

    assert reading == read_clock(events, 5, date(2026, 4, 16))
    assert reading.outcome == ClockOutcome(
        met=False, working_days=7, by=2, due_on=date(2026, 4, 14)
    )


def test_stopping_while_paused_leaves_the_paused_days_uncounted():
    events = clock((STARTED, APRIL_1), (PAUSED, date(2026, 4, 2)), (STOPPED, date(2026, 4, 15)))

    outcome = read_clock(events, 5, date(2026, 6, 1)).outcome

    assert outcome == ClockOutcome(met=True, working_days=1, by=4, due_on=date(2026, 4, 21))


def test_a_clock_with_no_events_has_not_started():
    reading = read_clock([], 5, APRIL_1)

    assert reading == NOT_STARTED
    assert not reading.running and reading.started_on is None and reading.due_on is None
    assert not due_soon(reading)


@pytest.mark.parametrize(
    ("kinds", "message"),
    [
        ([PAUSED], "cannot be paused on 1 April 2026: it has not been started"),
        ([RESUMED], "cannot be resumed .*: it has not been started"),
        ([STOPPED], "cannot be stopped .*: it has not been started"),
        ([STARTED, STARTED], "started on 1 April 2026, and a clock starts only once"),
        ([STARTED, RESUMED], "cannot be resumed .*: it is running, not paused"),
        ([STARTED, PAUSED, PAUSED], "cannot be paused .*: it has been paused since 2 April"),
        ([STARTED, PAUSED, STARTED], "a clock starts only once"),
        ([STARTED, PAUSED, RESUMED, RESUMED], "cannot be resumed .*: it is running, not paused"),
        ([STARTED, STOPPED, STARTED], "cannot be started .*: it stopped on 2 April 2026"),
        ([STARTED, STOPPED, PAUSED], "cannot be paused .*: it stopped on"),
        ([STARTED, STOPPED, RESUMED], "cannot be resumed .*: it stopped on"),
        ([STARTED, STOPPED, STOPPED], "cannot be stopped .*: it stopped on"),
        ([STARTED, PAUSED, STOPPED, RESUMED], "cannot be resumed .*: it stopped on"),
    ],
)
def test_impossible_histories_are_refused_in_words(kinds, message):
    events = [
        ClockEvent(kind, APRIL_1 + timedelta(days=number)) for number, kind in enumerate(kinds)
    ]

    with pytest.raises(ClockError, match=message):
        read_clock(events, 5, date(2026, 5, 1))


def test_events_out_of_date_order_are_refused():
    events = clock((STARTED, date(2026, 4, 2)), (PAUSED, APRIL_1))

    with pytest.raises(ClockError, match="paused on 1 April 2026: that is before it was started"):
        read_clock(events, 5, date(2026, 5, 1))


def test_a_negative_target_is_refused():
    with pytest.raises(ClockError, match="0 or more working days"):
        read_clock(clock((STARTED, APRIL_1)), -1, APRIL_1)


def test_an_event_kind_may_be_given_as_stored_text_but_must_be_known():
    assert ClockEvent("paused", APRIL_1).kind is PAUSED  # type: ignore[arg-type]
    with pytest.raises(ClockError, match='"lost" is not something that happens to a clock'):
        ClockEvent("lost", APRIL_1)  # type: ignore[arg-type]


def test_an_event_needs_a_date_not_a_timestamp():
    with pytest.raises(TypeError, match="needs a date, not datetime"):
        ClockEvent(STARTED, datetime(2026, 4, 1, 23, 30))


@st.composite
def histories(draw):
    """A possible history: a start, pauses each resumed or not, perhaps a stop; and its today."""
    on = draw(days)
    events = [ClockEvent(STARTED, on)]
    kinds = [PAUSED, RESUMED] * draw(st.integers(min_value=0, max_value=3))
    if draw(st.booleans()):
        kinds = kinds[:-1]  # still paused
    if draw(st.booleans()):
        kinds.append(STOPPED)
    for kind in kinds:
        on += timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        events.append(ClockEvent(kind, on))
    today = on + timedelta(days=draw(st.integers(min_value=0, max_value=20)))
    return events, today


@given(histories(), st.integers(min_value=0, max_value=30))
def test_a_clock_counts_exactly_the_working_days_it_ran(history, target):
    events, today = history
    running_days, paused_days = set(), set()
    for event, following in zip(events, [*events[1:], None], strict=True):
        end = today if following is None else following.on
        stretch = {event.on + timedelta(days=n) for n in range(1, (end - event.on).days + 1)}
        if event.kind in (STARTED, RESUMED):
            running_days |= stretch
        elif event.kind is PAUSED:
            paused_days |= stretch

    reading = read_clock(events, target, today)

    used = sum(map(is_working_day, running_days))
    assert reading.working_days_used == used
    assert reading.started_on == events[0].on
    assert working_days_between(reading.started_on, reading.due_on) == target + sum(
        map(is_working_day, paused_days)
    )
    stopped = events[-1].kind is STOPPED
    assert reading.running is not stopped
    assert reading.paused is (events[-1].kind is PAUSED)
    if stopped:
        assert reading.outcome.met is (used <= target)
        assert reading.outcome.by == abs(used - target)
        assert read_clock(events, target, today + timedelta(days=400)) == reading
    else:
        assert reading.outcome is None
        assert reading.working_days_left == max(target - used, 0)
        assert reading.overdue_by == max(used - target, 0)
