"""The survey builder's rules for a survey's and a wave's details: codes, titles and dates."""

from __future__ import annotations

from datetime import date

import pytest

from engage.surveys.builder.details import WaveDraft, WaveStatus, wave_problems, wave_status


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 9, 30), WaveStatus.SCHEDULED),
        (date(2026, 10, 1), WaveStatus.OPEN),
        (date(2026, 12, 31), WaveStatus.OPEN),
        (date(2027, 1, 1), WaveStatus.CLOSED),
    ],
)
def test_a_wave_is_scheduled_open_or_closed_by_its_dates_both_included(today, status):
    assert wave_status(date(2026, 10, 1), date(2026, 12, 31), today) is status


def wave(**fields) -> WaveDraft:
    values = {
        "code": "2026-q4",
        "title": "October to December 2026",
        "opens_on": date(2026, 10, 1),
        "closes_on": date(2026, 12, 31),
        "open_link": True,
        "version_id": 1,
    }
    return WaveDraft(**values | fields)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, []),
        ({"closes_on": date(2026, 10, 1)}, []),
        (
            {"closes_on": date(2026, 9, 30)},
            [("closes_on", "Closing date must be the same as or after the opening date")],
        ),
        ({"opens_on": None, "closes_on": None}, ["opens_on", "closes_on"]),
        ({"code": "Q4 2026"}, ["code"]),
        ({"code": "manage"}, [("code", "manage is the address of staff pages: choose another")]),
        ({"title": " "}, [("title", "Enter the title")]),
    ],
)
def test_wave_details_are_checked(fields, expected):
    found = wave_problems(wave(**fields))

    if expected and isinstance(expected[0], str):
        found = [field for field, _ in found]
    assert found == expected
