"""The rules of a survey's and a wave's details: codes that appear in addresses, titles, dates.

Pure: no Flask, no database. The services in `versions` and `waves` ask these functions what is
wrong, as (form field, message) problems, before the database is asked.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from engage.surveys.builder.rules import Problem

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # as reference data codes
SLUG_LIMIT = 64
# /surveys/<wave_code>/ is a wave's public start page, so a wave cannot take a staff path.
RESERVED_WAVE_CODES = frozenset({"manage", "results"})
TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 2000


class WaveStatus(enum.StrEnum):
    """Where a wave is in its fieldwork on a given day."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


def wave_status(opens_on: date, closes_on: date, today: date) -> WaveStatus:
    """Scheduled before its opening date, open until its closing date (included), then closed."""
    if today < opens_on:
        return WaveStatus.SCHEDULED
    return WaveStatus.OPEN if today <= closes_on else WaveStatus.CLOSED


def text_problems(field: str, what: str, text: str, limit: int) -> list[Problem]:
    """A required line of text: present, and not too long."""
    if not text.strip():
        return [(field, f"Enter the {what.lower()}")]
    if len(text.strip()) > limit:
        return [(field, f"{what} must be {limit} characters or fewer")]
    return []


def slug_problems(code: str, example: str) -> list[Problem]:
    """What is wrong with a survey's or wave's code, which appears in addresses."""
    if not code:
        return [("code", "Enter a code")]
    if not SLUG.fullmatch(code):
        return [
            (
                "code",
                f"Code must use only lowercase letters, digits and single hyphens, like {example}",
            )
        ]
    if len(code) > SLUG_LIMIT:
        return [("code", f"Code must be {SLUG_LIMIT} characters or fewer")]
    return []


def survey_problems(code: str, title: str, description: str) -> list[Problem]:
    """What is wrong with a new survey's code, title and description."""
    problems = slug_problems(code, "perception") + text_problems(
        "title", "Title", title, TITLE_LIMIT
    )
    if len(description.strip()) > DESCRIPTION_LIMIT:
        problems.append(
            ("description", f"Description must be {DESCRIPTION_LIMIT} characters or fewer")
        )
    return problems


@dataclass(frozen=True)
class WaveDraft:
    """A wave as typed on the form (dates already read from their day, month and year)."""

    code: str
    title: str
    opens_on: date | None
    closes_on: date | None
    open_link: bool
    version_id: int | None


def wave_problems(draft: WaveDraft) -> list[Problem]:
    """What is wrong with a wave's details, before the database is asked."""
    problems = slug_problems(draft.code, "2026-q4")
    if draft.code in RESERVED_WAVE_CODES:
        problems.append(("code", f"{draft.code} is the address of staff pages: choose another"))
    problems += text_problems("title", "Title", draft.title, TITLE_LIMIT)
    if draft.opens_on is None:
        problems.append(("opens_on", "Enter the opening date"))
    if draft.closes_on is None:
        problems.append(("closes_on", "Enter the closing date"))
    elif draft.opens_on and draft.closes_on < draft.opens_on:
        problems.append(("closes_on", "Closing date must be the same as or after the opening date"))
    return problems
