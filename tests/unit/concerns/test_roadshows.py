"""The pure parts of capture: contact details from one box, start times, a concern's first words."""

from datetime import time

import pytest

from engage.concerns.capture import contact_details, email_address, first_words
from engage.concerns.roadshows import time_of_day


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("", (None, None)),
        ("   ", (None, None)),
        (" sam@resident.example ", ("sam@resident.example", None)),
        ("01632 960 001", (None, "01632 960 001")),
        ("+44 7700 900982", (None, "+44 7700 900982")),
        ("(01452) 123-456", (None, "(01452) 123-456")),
    ],
)
def test_one_box_holds_an_email_address_or_a_phone_number(typed, expected):
    assert contact_details(typed) == expected


@pytest.mark.parametrize(
    "typed, message",
    [
        ("sam@", "Enter an email address in the correct format"),
        ("sam@resident", "Enter an email address in the correct format"),
        ("a b@resident.example", "Enter an email address in the correct format"),
        ("call me", "Enter an email address or a phone number"),
        ("12345", "Enter an email address or a phone number"),
        ("0" * 41, "Enter an email address or a phone number"),
    ],
)
def test_anything_else_in_the_contact_box_is_refused(typed, message):
    with pytest.raises(ValueError, match=message):
        contact_details(typed)


def test_an_overlong_email_address_is_refused():
    with pytest.raises(ValueError):
        email_address("a" * 250 + "@example.org")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("", None),
        ("18:30", time(18, 30)),
        ("6.30pm", time(18, 30)),
        ("6.30 PM", time(18, 30)),
        ("6pm", time(18, 0)),
        ("12pm", time(12, 0)),
        ("12am", time(0, 0)),
        ("0930", time(9, 30)),
        ("9", time(9, 0)),
        ("noon", time(12, 0)),
    ],
)
def test_start_times_are_read_as_people_write_them(typed, expected):
    assert time_of_day(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "13pm", "0am", "18:75", "evening", "6:3", "2400"])
def test_impossible_start_times_are_refused(typed):
    with pytest.raises(ValueError, match="Enter a start time"):
        time_of_day(typed)


def test_first_words_are_cut_and_marked():
    text = " ".join(f"word{n}" for n in range(20))
    assert first_words(text, 3) == "word0 word1 word2…"
    assert first_words("Short text") == "Short text"


def test_first_words_never_show_contact_details():
    shown = first_words("Ring me on 01632 960 123 or write to sam@resident.example", 20)
    assert "01632 960 123" not in shown
    assert "sam@resident.example" not in shown
