"""Password rules after NCSC guidance, checked without an app."""

import pytest

from engage.auth.passwords import MAX_LENGTH, MIN_LENGTH, password_problems


def test_a_long_passphrase_is_accepted_without_symbols_or_capitals():
    assert password_problems("marble kettle orchard") == []


def test_a_short_password_is_refused_with_the_minimum_length():
    problems = password_problems("Xy7!kq2")
    assert problems and str(MIN_LENGTH) in problems[0]


def test_a_password_at_exactly_the_minimum_length_is_accepted():
    assert password_problems("k" + "trombones"[: MIN_LENGTH - 1]) == []


@pytest.mark.parametrize("common", ["password123", "qwertyuiop", "1234567890", "Password1234"])
def test_very_common_passwords_are_refused_whatever_their_case_or_digits(common):
    problems = password_problems(common)
    assert problems and "commonly used" in problems[0]


def test_repeating_one_or_two_characters_is_refused():
    assert password_problems("abababababab")


def test_the_users_own_email_or_name_is_refused():
    assert password_problems("jane.doe@example.org", email="jane.doe@example.org")
    assert password_problems("Zebedee Quinlan", name="Zebedee Quinlan")
    assert password_problems("zebedeequinlan", name="Zebedee Quinlan")
    assert password_problems("zebedeequinlan") == []


def test_the_service_name_with_digits_is_refused():
    assert password_problems("engage2026!!")


def test_very_long_passwords_are_refused_above_the_maximum():
    assert password_problems("word " * (MAX_LENGTH // 5 + 1))
    assert password_problems("w" + "ord-" * ((MAX_LENGTH - 1) // 4)) == []
