"""Service clocks as stored: each a record of events, its outcome fixed when it stops.

Shared by capabilities (a concern's acknowledgement, first update and response; later a panel
finding's response). The target in working days is copied onto the clock when it starts, so a
later change to the service promise in settings does not rewrite history; `due_on` is kept up
to date (empty while paused or stopped) so "what is due" is one indexed query.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.core.columns import UTCDateTime, utcnow
from engage.extensions import db


class ServiceClock(db.Model):
    """One promise on one record, e.g. the full response to concern 42 in 20 working days."""

    __tablename__ = "service_clocks"
    __table_args__ = (UniqueConstraint("subject", "subject_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(40))  # "concern"
    subject_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(40))  # "acknowledge", "first update", "response"
    target_days: Mapped[int]
    due_on: Mapped[date | None] = mapped_column(Date, index=True)  # None once stopped or paused
    stopped_on: Mapped[date | None] = mapped_column(Date)
    met: Mapped[bool | None]
    working_days: Mapped[int | None]
    by_days: Mapped[int | None]  # early (met) or late (missed), in working days

    events: Mapped[list[ServiceClockEvent]] = relationship(
        back_populates="clock", order_by="ServiceClockEvent.id", cascade="all, delete-orphan"
    )


class ServiceClockEvent(db.Model):
    """Started, paused (waiting for the raiser), resumed or stopped, on a day in England."""

    __tablename__ = "service_clock_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("service_clocks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    clock: Mapped[ServiceClock] = relationship(back_populates="events")
