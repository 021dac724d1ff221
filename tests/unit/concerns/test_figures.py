"""Headline figures: each with the counts behind it, and none on fewer than ten concerns."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.concerns.figures import (
    MIN_COUNT,
    ConcernFacts,
    Figure,
    by_district,
    by_month,
    headline,
)

RAISED = date(2026, 3, 9)


def answered(days: int, met: bool = True, on: date = RAISED, district: str = "Stroud"):
    return ConcernFacts(on, district, days, met)


def waiting(overdue: bool = False, on: date = RAISED, district: str = "Stroud"):
    return ConcernFacts(on, district, None, False if overdue else None)


def test_figures_on_nine_concerns_are_not_shown_and_on_ten_they_are():
    nine = headline([answered(5)] * 9)
    assert (nine.raised, nine.answered, nine.within_promise) == (9, 9, 9)
    assert nine.shown is False
    assert nine.share_within_promise is None and nine.median_working_days is None
    ten = headline([answered(5)] * 10)
    assert ten.shown is True
    assert ten.share_within_promise == 1.0 and ten.median_working_days == 5.0


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two():
    days = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12]
    figure = headline([answered(n) for n in days])
    assert figure.median_working_days == 6.5
    assert headline([answered(n) for n in [*days, 30]]).median_working_days == 8.0


def test_the_share_within_the_promise_counts_late_answers_and_overdue_concerns_as_missed():
    facts = [answered(3)] * 7 + [answered(25, met=False)] * 2 + [waiting(overdue=True)] * 3
    facts += [waiting()] * 4  # still in time: neither met nor missed yet
    figure = headline(facts)
    assert (figure.raised, figure.answered, figure.within_promise) == (16, 9, 7)
    assert (figure.overdue, figure.decided) == (3, 12)
    assert figure.share_within_promise == pytest.approx(7 / 12)
    assert figure.median_working_days is None  # only nine answered


def test_a_share_needs_ten_decided_concerns_even_when_more_were_raised():
    figure = headline([answered(4)] * 5 + [waiting(overdue=True)] * 4 + [waiting()] * 20)
    assert figure.shown and figure.decided == 9
    assert figure.share_within_promise is None


def test_districts_come_in_the_order_asked_with_their_own_counts():
    facts = [answered(4, district="Stroud")] * 12 + [answered(9, district="Cotswold")] * 3
    facts.append(answered(2, district="Somewhere else"))
    stroud, forest, cotswold = by_district(facts, ["Stroud", "Forest of Dean", "Cotswold"])
    assert stroud == Figure("Stroud", 12, 12, 12, 1.0, 4.0, True)
    assert forest == Figure("Forest of Dean", 0, 0, 0, None, None, False)
    assert (cotswold.label, cotswold.raised, cotswold.shown) == ("Cotswold", 3, False)


def test_months_run_oldest_first_across_the_new_year_to_the_current_month():
    facts = [
        answered(3, on=date(2025, 11, 30)),
        answered(3, on=date(2025, 12, 1)),
        answered(3, on=date(2026, 1, 31)),
        answered(3, on=date(2026, 2, 14)),
        answered(3, on=date(2026, 2, 20)),
        answered(3, on=date(2025, 10, 31)),  # before the first month
    ]
    figures = by_month(facts, 4, today=date(2026, 2, 20))
    assert [(f.label, f.raised) for f in figures] == [
        ("November 2025", 1),
        ("December 2025", 1),
        ("January 2026", 1),
        ("February 2026", 2),
    ]


def test_one_month_is_the_current_month_and_fewer_is_refused():
    [march] = by_month([answered(2)] * 10, 1, today=date(2026, 3, 31))
    assert (march.label, march.raised, march.shown) == ("March 2026", 10, True)
    with pytest.raises(ValueError, match="at least one month"):
        by_month([], 0, today=RAISED)


@pytest.mark.parametrize(
    ("days", "met", "message"),
    [
        (-1, True, "before it was raised"),
        (4, None, "met its promise or missed it"),
        (None, True, "not yet answered"),
    ],
)
def test_facts_that_contradict_themselves_are_refused(days, met, message):
    with pytest.raises(ValueError, match=message):
        ConcernFacts(RAISED, "Stroud", days, met)


FACTS = st.builds(
    ConcernFacts,
    raised_on=st.dates(date(2025, 1, 1), date(2026, 6, 30)),
    district=st.sampled_from(["Stroud", "Cotswold", "Tewkesbury"]),
    responded_working_days=st.none(),
    met_promise=st.sampled_from([None, False]),
) | st.builds(
    ConcernFacts,
    raised_on=st.dates(date(2025, 1, 1), date(2026, 6, 30)),
    district=st.sampled_from(["Stroud", "Cotswold", "Tewkesbury"]),
    responded_working_days=st.integers(0, 60),
    met_promise=st.booleans(),
)


@given(st.lists(FACTS, max_size=60))
def test_districts_and_months_add_up_to_the_headline_and_suppression_follows_the_counts(facts):
    whole = headline(facts)
    districts = by_district(facts, ["Stroud", "Cotswold", "Tewkesbury"])
    months = by_month(facts, 18, today=date(2026, 6, 30))
    for parts in (districts, months):
        assert sum(f.raised for f in parts) == whole.raised
        assert sum(f.answered for f in parts) == whole.answered
        assert sum(f.within_promise for f in parts) == whole.within_promise
        assert sum(f.overdue for f in parts) == whole.overdue
    for figure in [whole, *districts, *months]:
        assert figure.within_promise <= figure.decided <= figure.raised
        assert figure.shown == (figure.raised >= MIN_COUNT)
        assert (figure.share_within_promise is None) == (figure.decided < MIN_COUNT)
        assert (figure.median_working_days is None) == (figure.answered < MIN_COUNT)
        if figure.share_within_promise is not None:
            assert 0 <= figure.share_within_promise <= 1
