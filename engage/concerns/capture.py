"""Capturing concerns: logging one concern, capturing the many raised at one roadshow in one
go, and finding open concerns like a new one, with the pure checks of what was typed.

Split from roadshows.py, which plans and records the events themselves: capture is what happens
to a resident's words, whichever way they arrive. Services take plain values, check them, write
and commit once, and raise ConcernError naming the input at fault. The pure helpers (contact
details, the first words of a text) sit at the top and are tested without a database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from engage.auth.models import User
from engage.concerns.access import Viewer, may_log_for
from engage.concerns.models import Concern, ConcernSource, RoadshowStatus
from engage.concerns.personal_data import redacted
from engage.concerns.roadshows import roadshow_by_id
from engage.concerns.services import ConcernError, log_concern
from engage.concerns.similarity import similar
from engage.concerns.workflow import Status
from engage.extensions import db

NAME_LIMIT = 200  # the columns' lengths
EMAIL_LIMIT = 254
PHONE_LIMIT = 40
FIRST_WORDS = 12  # how much of a similar concern's text is shown
SIMILAR_SHOWN = 5
SIMILAR_STATUSES = (Status.NEW, Status.OPEN)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s().-]+$")


# Pure helpers ------------------------------------------------------------------------------


def email_address(text: str) -> str:
    """An e-mail address as typed, checked for the shape name@example.org (ValueError if not)."""
    text = text.strip()
    if len(text) > EMAIL_LIMIT or not _EMAIL.match(text):
        raise ValueError("Enter an email address in the correct format, like name@example.com")
    return text


def phone_number(text: str) -> str:
    """A UK or international phone number as typed: digits, spaces, brackets, + and dashes."""
    text = text.strip()
    digits = sum(character.isdigit() for character in text)
    if len(text) > PHONE_LIMIT or not _PHONE.match(text) or not 10 <= digits <= 15:
        raise ValueError("Enter a phone number, like 01632 960 001 or +44 7700 900 982")
    return text


def contact_details(text: str) -> tuple[str | None, str | None]:
    """(email, phone) from one box that holds either; (None, None) when blank."""
    text = text.strip()
    if not text:
        return None, None
    if "@" in text:
        return email_address(text), None
    try:
        return None, phone_number(text)
    except ValueError:
        raise ValueError("Enter an email address or a phone number") from None


def first_words(text: str, count: int = FIRST_WORDS) -> str:
    """The first `count` words of `text`, with anything like personal data redacted."""
    words = redacted(text).split()
    shown = " ".join(words[:count])
    return shown + ("…" if len(words) > count else "")


# Capture -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Raised:
    """One concern as typed: what was raised, where, by whom, and what they consented to."""

    parish_id: int | None
    raised_text: str
    raiser_name: str = ""
    raiser_email: str | None = None
    raiser_phone: str | None = None
    consent_contact: bool = False
    consent_publish: bool = False


class RowsRefused(ConcernError):
    """Rows of a roadshow's capture that cannot be saved: {row number: {field: message}}."""

    def __init__(self, errors: dict[int, dict[str, str]]):
        rows = ", ".join(str(number) for number in sorted(errors))
        super().__init__(f"Nothing was saved: correct row{'s' if len(errors) > 1 else ''} {rows}")
        self.errors = errors


def log_one(
    raised: Raised,
    *,
    source: ConcernSource,
    raised_on: date,
    viewer: Viewer | None,
    logged_by: User | None,
    today: date,
) -> Concern:
    """Log one concern raised online, by phone or e-mail, or by a clerk for their own parish.

    A clerk may log only for their own parishes (`viewer`; None for a resident online).
    """
    if viewer is not None and (
        raised.parish_id is None or not may_log_for(viewer, raised.parish_id)
    ):
        raise ConcernError("Choose one of your parishes", field="parish")
    concern = _logged(raised, source=source, raised_on=raised_on, logged_by=logged_by, today=today)
    db.session.commit()
    return concern


def _logged(
    raised: Raised,
    *,
    source: ConcernSource,
    raised_on: date,
    logged_by: User | None,
    today: date,
    roadshow_id: int | None = None,
) -> Concern:
    """Log (not commit) a concern as typed."""
    return log_concern(
        source=source,
        roadshow_id=roadshow_id,
        parish_id=raised.parish_id or 0,
        raised_text=raised.raised_text,
        raised_on=raised_on,
        consent_contact=raised.consent_contact,
        consent_publish=raised.consent_publish,
        today=today,
        logged_by=logged_by,
        raiser_name=raised.raiser_name,
        raiser_email=raised.raiser_email,
        raiser_phone=raised.raiser_phone,
    )


def capture_at_roadshow(
    roadshow_id: int,
    rows: Sequence[tuple[int, Raised]],
    *,
    logged_by: User | None,
    today: date,
) -> list[Concern]:
    """Log every concern raised at a roadshow, numbered as on the page: all or none.

    Each is dated the roadshow's day. A row that cannot be saved refuses them all, with every
    row's problem (RowsRefused), so nothing is half captured.
    """
    roadshow = roadshow_by_id(roadshow_id)
    if roadshow.status is RoadshowStatus.CANCELLED:
        raise ConcernError("This roadshow was cancelled, so no concerns can be captured at it")
    if roadshow.held_on > today:
        raise ConcernError(
            "This roadshow has not been held yet: capture its concerns on or after "
            f"{roadshow.held_on:%-d %B %Y}"
        )
    if not rows:
        raise ConcernError("Fill in at least one row", field="rows")
    errors: dict[int, dict[str, str]] = {}
    captured = []
    savepoint = db.session.begin_nested()
    for number, raised in rows:
        try:
            captured.append(
                _logged(
                    raised,
                    source=ConcernSource.ROADSHOW,
                    roadshow_id=roadshow.id,
                    raised_on=roadshow.held_on,
                    logged_by=logged_by,
                    today=today,
                )
            )
        except ConcernError as error:
            errors[number] = {error.field or "raised_text": str(error)}
    if errors:
        savepoint.rollback()
        raise RowsRefused(errors)
    savepoint.commit()
    db.session.commit()
    return captured


@dataclass(frozen=True)
class SimilarConcern:
    """An open concern like the one being logged: what may be shown of it, nothing private."""

    id: int
    reference: str
    raised_on: date
    first_words: str


def similar_open_concerns(parish_id: int, text: str) -> list[SimilarConcern]:
    """New or open concerns in the same parish that look like `text`, most alike first."""
    candidates = db.session.execute(
        select(Concern.id, Concern.raised_text).where(
            Concern.parish_id == parish_id,
            Concern.status.in_(SIMILAR_STATUSES),
            Concern.merged_into_id.is_(None),
        )
    ).all()
    found = similar(text, [(row.id, row.raised_text) for row in candidates], limit=SIMILAR_SHOWN)
    if not found:
        return []
    concerns = {
        concern.id: concern
        for concern in db.session.scalars(
            select(Concern).where(Concern.id.in_([concern_id for concern_id, _ in found]))
        )
    }
    return [
        SimilarConcern(
            id=concern_id,
            reference=concerns[concern_id].reference,
            raised_on=concerns[concern_id].raised_on,
            first_words=first_words(concerns[concern_id].raised_text),
        )
        for concern_id, _ in found
    ]
