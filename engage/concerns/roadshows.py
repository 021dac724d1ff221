"""Roadshows: planning and recording the events, and the places they are held in; the parish
selects that capture also offers come from here.

Services take plain values, check them, write and commit once, and raise ConcernError naming the
input at fault. Capturing the concerns raised at a roadshow is in engage.concerns.capture.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from engage.concerns.models import Concern, Roadshow, RoadshowStatus
from engage.concerns.services import ConcernError
from engage.concerns.typed_text import checked_text
from engage.core.models import Area, AreaKind
from engage.extensions import db

TITLE_LIMIT = 200  # the columns' lengths
MAX_ATTENDANCE = 100_000

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


# A pure helper -----------------------------------------------------------------------------


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
    listed = select(Roadshow).options(selectinload(Roadshow.area), selectinload(Roadshow.hosts))
    upcoming = list(
        db.session.scalars(
            listed.where(
                Roadshow.held_on >= today, Roadshow.status == RoadshowStatus.PLANNED
            ).order_by(Roadshow.held_on, Roadshow.starts_at, Roadshow.id)
        )
    )
    shown = {roadshow.id for roadshow in upcoming}
    past = [
        roadshow
        for roadshow in db.session.scalars(
            listed.order_by(Roadshow.held_on.desc(), Roadshow.id.desc())
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
