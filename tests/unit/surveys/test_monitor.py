"""The fieldwork monitor's sums: shares against targets, shortfalls, and targets as typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.surveys.monitor import (
    Category,
    TargetsError,
    categories_of,
    percentages_of,
    progress,
    targets_from_percentages,
)

SEX = categories_of([("FEMALE", "Female"), ("MALE", "Male"), ("PREFER_NOT", "Prefer not to say")])
AGES = (
    Category("YOUNG", "16 to 34"),
    Category("MIDDLE", "35 to 64"),
    Category("OLD", "65 or over"),
)


def test_prefer_not_to_say_is_not_a_category():
    assert [category.code for category in SEX] == ["FEMALE", "MALE"]


def test_shares_are_of_responses_with_a_category_and_the_rest_are_counted_apart():
    result = progress("SEX", SEX, {"FEMALE": 60, "MALE": 30, "PREFER_NOT": 10}, total=120)

    assert result.title == "Sex"
    assert result.base == 90
    assert result.not_stated == 10
    assert result.missing == 20
    assert [(row.achieved, round(row.share, 4)) for row in result.categories] == [
        (60, 0.6667),
        (30, 0.3333),
    ]
    assert not result.has_targets
    assert result.short == ()


def test_a_category_below_its_target_by_more_than_the_tolerance_is_short_by_a_count():
    counts = {"YOUNG": 100, "MIDDLE": 500, "OLD": 400}
    targets = {"YOUNG": 0.28, "MIDDLE": 0.50, "OLD": 0.22}

    result = progress("AGE_BAND", AGES, counts, total=1000, targets=targets)

    young, middle, old = result.categories
    assert young.short and young.expected == pytest.approx(280)
    assert young.shortfall == 180
    assert not middle.short and middle.shortfall == 0  # exactly on target
    assert not old.short  # over target is not a shortfall
    assert result.short == (young,)


def test_within_the_tolerance_is_on_track():
    counts = {"FEMALE": 49, "MALE": 51}

    result = progress("SEX", SEX, counts, total=100, targets={"FEMALE": 0.51, "MALE": 0.49})

    assert not result.categories[0].short
    tight = progress("SEX", SEX, counts, 100, {"FEMALE": 0.51, "MALE": 0.49}, tolerance=0.01)
    assert tight.categories[0].short
    assert tight.categories[0].shortfall == 2


def test_no_responses_yet_or_no_target_shows_nothing_short():
    empty = progress("SEX", SEX, {}, total=0, targets={"FEMALE": 0.5, "MALE": 0.5})
    partly = progress("SEX", SEX, {"MALE": 10}, total=10, targets={"MALE": 0.5})

    assert empty.base == 0 and empty.categories[0].share is None and empty.short == ()
    assert partly.categories[0].target is None and not partly.categories[0].short
    assert partly.has_targets


def test_targets_that_are_not_numbers_are_ignored():
    result = progress("SEX", SEX, {"MALE": 10}, 10, {"FEMALE": "half", "MALE": True})

    assert not result.has_targets


@given(
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=3, max_size=3),
    st.lists(st.integers(min_value=1, max_value=100), min_size=3, max_size=3),
)
def test_in_proportion_counts_add_up_to_the_base_and_shortfalls_close_the_gap(counts, weights):
    targets = {
        category.code: weight / sum(weights) for category, weight in zip(AGES, weights, strict=True)
    }
    achieved = {category.code: count for category, count in zip(AGES, counts, strict=True)}

    result = progress("AGE_BAND", AGES, achieved, sum(counts), targets)

    assert sum(row.expected for row in result.categories) == pytest.approx(result.base)
    for row in result.categories:
        assert row.shortfall >= 0
        if row.short:
            assert row.achieved + row.shortfall >= row.expected - 1e-6


def test_percentages_become_shares_adding_up_to_one():
    typed = {"SEX": {"FEMALE": "51", "MALE": "49%"}, "AGE_BAND": {"YOUNG": "", "MIDDLE": ""}}

    targets = targets_from_percentages({"SEX": SEX, "AGE_BAND": AGES}, typed)

    assert targets == {"SEX": {"FEMALE": 0.51, "MALE": 0.49}}


def test_percentages_rounded_to_add_up_to_almost_100_are_scaled():
    targets = targets_from_percentages(
        {"AGE_BAND": AGES}, {"AGE_BAND": {"YOUNG": "33.3", "MIDDLE": "33.3", "OLD": "33.3"}}
    )

    assert sum(targets["AGE_BAND"].values()) == pytest.approx(1, abs=1e-5)


@pytest.mark.parametrize(
    ("typed", "where", "message"),
    [
        (
            {"FEMALE": "51", "MALE": ""},
            "MALE",
            "Enter a target for Male, or leave every sex blank",
        ),
        (
            {"FEMALE": "fifty", "MALE": "50"},
            "FEMALE",
            "Target for Female must be a percentage from 0 to 100, like 18.5",
        ),
        ({"FEMALE": "150", "MALE": "50"}, "FEMALE", "must be a percentage from 0 to 100"),
        ({"FEMALE": "nan", "MALE": "50"}, "FEMALE", "must be a percentage from 0 to 100"),
        ({"FEMALE": "60", "MALE": "30"}, "FEMALE", "Targets for sex add up to 90%"),
    ],
)
def test_targets_that_cannot_be_used_say_which_box_and_why(typed, where, message):
    with pytest.raises(TargetsError) as raised:
        targets_from_percentages({"SEX": SEX}, {"SEX": typed})

    assert message in raised.value.errors["SEX", where]


def test_stored_shares_are_shown_as_percentages():
    assert percentages_of({"SEX": {"FEMALE": 0.51, "MALE": 0.49}, "X": "junk"}) == {
        "SEX": {"FEMALE": "51", "MALE": "49"}
    }
    assert percentages_of({"DISTRICT": {"CHELTENHAM": 0.185}}) == {
        "DISTRICT": {"CHELTENHAM": "18.5"}
    }
    assert percentages_of(None) == {}
