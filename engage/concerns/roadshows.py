"""Roadshows and the capture of concerns: planning and recording events, logging one concern,
capturing the many raised at one roadshow in one go, and finding open concerns like a new one.

Services take plain values, check them, write and commit once, and raise ConcernError naming the
input at fault. The few pure helpers (contact details, times of day, the first words of a text)
sit at the top and are tested without a database.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, contains_eager

from engage.auth.models import User
from engage.concerns.access import Viewer, may_log_for
from engage.concerns.models import Concern, ConcernSource, Roadshow, RoadshowStatus
from engage.concerns.personal_data import redacted
from engage.concerns.services import ConcernError, log_concern
from engage.concerns.similarity import similar
from engage.concerns.typed_text import checked_text
from engage.concerns.workflow import Status
from engage.core.models import Area, AreaKind
from engage.extensions import db

TITLE_LIMIT = 200  # the columns' lengths
NAME_LIMIT = 200
EMAIL_LIMIT = 254
PHONE_LIMIT = 40
MAX_ATTENDANCE = 100_000
FIRST_WORDS = 12  # how much of a similar concern's text is shown
SIMILAR_SHOWN = 5
SIMILAR_STATUSES = (Status.NEW, Status.OPEN)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s().-]+$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


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


def time_of_day(text: str) -> time | None:
    """A start time typed as 18:30, 6.30pm, 6pm or 0930; None when blank (ValueError if not)."""
    text = text.strip().lower().replace(" ", "")
    if not text:
        return None
    if text == "midday" or text == "noon":
        return time(12, 0)
    if text.isdigit() and len(text) == 4:
        text = f"{text[:2]}:{text[2:]}"
    match = _TIME.match(text)
    problem = ValueError("Enter a start time, like 18:30 or 6.30pm")
    if not match:
        raise problem
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise problem
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise problem
    return time(hour, minute)


def first_words(text: str, count: int = FIRST_WORDS) -> str:
    """The first `count` words of `text`, with anything like personal data redacted."""
    words = redacted(text).split()
    shown = " ".join(words[:count])
    return shown + ("…" if len(words) > count else "")


# Places ------------------------------------------------------------------------------------


def active_parishes() -> list[Area]:
    """Active parishes and towns, by district and then name, for the parish selects."""
    district = aliased(Area)
    return list(
        db.session.scalars(
            select(Area)
            .join(district, Area.parent_id == district.id)
            .where(Area.kind == AreaKind.PARISH, Area.active)
            .order_by(district.name, Area.name)
            .options(contains_eager(Area.parent.of_type(district)))
        )
    )


def districts_and_parishes() -> list[tuple[Area, list[Area]]]:
    """Each active district with its active parishes, for where a roadshow is held."""
    parishes = active_parishes()
    districts = db.session.scalars(
        select(Area).where(Area.kind == AreaKind.DISTRICT, Area.active).order_by(Area.name)
    )
    return [
        (district, [parish for parish in parishes if parish.parent_id == district.id])
        for district in districts
    ]


# Roadshows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoadshowDetails:
    """What staff type about a roadshow."""

    title: str
    held_on: date | None
    venue: str
    area_id: int | None
    host_ids: Collection[int] = ()
    status: RoadshowStatus = RoadshowStatus.PLANNED
    starts_at: time | None = None
    attendance: int | None = None
    notes: str = ""


def roadshow_by_id(roadshow_id: int) -> Roadshow:
    roadshow = db.session.get(Roadshow, roadshow_id)
    if roadshow is None:
        raise LookupError(f"There is no roadshow {roadshow_id}")
    return roadshow


def roadshows(today: date) -> tuple[list[Roadshow], list[Roadshow]]:
    """(upcoming, past): planned roadshows from today on, soonest first; the rest, latest first."""
    upcoming = list(
        db.session.scalars(
            select(Roadshow)
            .where(Roadshow.held_on >= today, Roadshow.status == RoadshowStatus.PLANNED)
            .order_by(Roadshow.held_on, Roadshow.starts_at, Roadshow.id)
        )
    )
    shown = {roadshow.id for roadshow in upcoming}
    past = [
        roadshow
        for roadshow in db.session.scalars(
            select(Roadshow).order_by(Roadshow.held_on.desc(), Roadshow.id.desc())
        )
        if roadshow.id not in shown
    ]
    return upcoming, past


def concern_counts(roadshow_ids: Collection[int]) -> dict[int, int]:
    """How many concerns were captured at each roadshow."""
    if not roadshow_ids:
        return {}
    rows = db.session.execute(
        select(Concern.roadshow_id, func.count())
        .where(Concern.roadshow_id.in_(roadshow_ids))
        .group_by(Concern.roadshow_id)
    )
    return {roadshow_id: count for roadshow_id, count in rows}


def concerns_at(roadshow_id: int) -> list[Concern]:
    """The concerns captured at a roadshow, in the order they were captured."""
    return list(
        db.session.scalars(
            select(Concern).where(Concern.roadshow_id == roadshow_id).order_by(Concern.id)
        )
    )


def save_roadshow(roadshow_id: int | None, details: RoadshowDetails, *, today: date) -> Roadshow:
    """Plan a new roadshow (roadshow_id None) or change one, e.g. to record it was held."""
    roadshow = Roadshow() if roadshow_id is None else roadshow_by_id(roadshow_id)
    title = checked_text(details.title, "title", "Enter the roadshow's title", limit=TITLE_LIMIT)
    venue = checked_text(details.venue, "venue", "Enter the venue", limit=TITLE_LIMIT)
    if details.held_on is None:
        raise ConcernError("Enter the date of the roadshow", field="held_on")
    area = db.session.get(Area, details.area_id) if details.area_id else None
    if area is None or not area.active or area.kind not in (AreaKind.PARISH, AreaKind.DISTRICT):
        raise ConcernError("Choose the parish or district where it is held", field="area")
    hosts = _parishes(details.host_ids)
    status = RoadshowStatus(details.status)
    if status is RoadshowStatus.HELD and details.held_on > today:
        raise ConcernError(
            "A roadshow cannot have been held on a date in the future: "
            "change the date or keep it planned",
            field="status",
        )
    if details.attendance is not None:
        if status is not RoadshowStatus.HELD:
            raise ConcernError(
                "Record the attendance once the roadshow is held", field="attendance"
            )
        if not 0 <= details.attendance <= MAX_ATTENDANCE:
            raise ConcernError(
                f"Enter an attendance between 0 and {MAX_ATTENDANCE:,}", field="attendance"
            )
    if roadshow_id is not None:
        captured = concern_counts([roadshow.id]).get(roadshow.id, 0)
        if captured and status is RoadshowStatus.CANCELLED:
            raise ConcernError(
                f"{_concerns(captured)} captured at this roadshow, so it cannot be cancelled",
                field="status",
            )
        if captured and details.held_on != roadshow.held_on:
            raise ConcernError(
                f"{_concerns(captured)} captured at this roadshow on its date, "
                "so the date cannot change",
                field="held_on",
            )
    roadshow.title = title
    roadshow.held_on = details.held_on
    roadshow.starts_at = details.starts_at
    roadshow.venue = venue
    roadshow.area_id = area.id
    roadshow.hosts = hosts
    roadshow.status = status
    roadshow.attendance = details.attendance
    roadshow.notes = (details.notes or "").strip()
    db.session.add(roadshow)
    db.session.commit()
    return roadshow


def _parishes(ids: Collection[int]) -> list[Area]:
    if not ids:
        return []
    found = list(
        db.session.scalars(
            select(Area).where(Area.id.in_(set(ids)), Area.kind == AreaKind.PARISH, Area.active)
        )
    )
    if len(found) != len(set(ids)):
        raise ConcernError("Choose the hosting councils from the list", field="hosts")
    return found


def _concerns(count: int) -> str:
    return "1 concern was" if count == 1 else f"{count:,} concerns were"


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
