"""Concerns raised by residents and parish councils, the roadshows they come from, and what
was done about them.

What was raised, and who raised it (name, e-mail, phone), are private: only the public summary
staff write and the signed-off "We did" can reach the public, and only through the one rule in
engage.concerns.visibility. A concern carries a version number, so two people changing it at once
cannot overwrite each other: the second is told.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.concerns.workflow import Status
from engage.core.audit import Audited
from engage.core.columns import UTCDateTime, enum_type, utcnow
from engage.core.models import Agency, Area, ConcernCategory, PlanPriority
from engage.extensions import db


class ConcernSource(enum.StrEnum):
    """How a concern reached the office."""

    ROADSHOW = "roadshow"
    PARISH = "parish council"
    ONLINE = "online"
    PHONE = "phone"
    EMAIL = "email"


class RoadshowStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class ReferralState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in progress"
    DONE = "done"
    CANCELLED = "cancelled"


roadshow_hosts = Table(
    "roadshow_hosts",
    db.metadata,
    Column("roadshow_id", ForeignKey("roadshows.id"), primary_key=True),
    Column("area_id", ForeignKey("areas.id"), primary_key=True),
)


class Roadshow(Audited, db.Model):
    """A commissioner's event with parish and town councils, planned or held."""

    __tablename__ = "roadshows"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[time | None] = mapped_column(Time)
    venue: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))  # where it is held
    status: Mapped[RoadshowStatus] = mapped_column(
        enum_type(RoadshowStatus), default=RoadshowStatus.PLANNED
    )
    attendance: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area] = relationship()
    hosts: Mapped[list[Area]] = relationship(secondary=roadshow_hosts, order_by=Area.name)

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%-d %B %Y})"


class Concern(Audited, db.Model):
    """One concern, from capture to a published "You said, we did"."""

    __tablename__ = "concerns"
    # The raiser's words and contact details stay out of the audit log's old and new values.
    __audit_exclude__ = frozenset({"raised_text", "raiser_name", "raiser_email", "raiser_phone"})
    # The public board filters and pages on these; the index answers its count and page alone.
    __table_args__ = (
        Index(
            "ix_concerns_board",
            "merged_into_id",
            "raised_on",
            "id",
            "status",
            "consent_publish",
            "hidden",
            "parish_id",
            "category_id",
            "priority_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    source: Mapped[ConcernSource] = mapped_column(enum_type(ConcernSource))
    roadshow_id: Mapped[int | None] = mapped_column(ForeignKey("roadshows.id"), index=True)
    parish_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("concern_categories.id"))
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("plan_priorities.id"))
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    # Private: what was raised, in the raiser's words, and who raised it.
    raised_text: Mapped[str] = mapped_column(Text)
    raiser_name: Mapped[str] = mapped_column(String(200), default="")
    raiser_email: Mapped[str | None] = mapped_column(String(254))
    raiser_phone: Mapped[str | None] = mapped_column(String(40))
    consent_contact: Mapped[bool] = mapped_column(default=False)
    consent_publish: Mapped[bool] = mapped_column(default=False)
    # Public once published: written or redacted by staff, never the raiser's words unreviewed.
    public_summary: Mapped[str] = mapped_column(Text, default="")
    we_did_draft: Mapped[str] = mapped_column(Text, default="")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[Status] = mapped_column(enum_type(Status), default=Status.NEW, index=True)
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("concerns.id"))
    hidden: Mapped[bool] = mapped_column(default=False)  # kept off the public board by staff
    # The public words in lower case (reference, parish, the signed-off "You said" and "We did"
    # or the decline reason), kept at each sign-off so the board searches one column.
    search_text: Mapped[str] = mapped_column(Text, default="")
    responded_on: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    follow_digest: Mapped[str | None] = mapped_column(String(64), unique=True)  # raiser's link
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    roadshow: Mapped[Roadshow | None] = relationship()
    parish: Mapped[Area] = relationship()
    category: Mapped[ConcernCategory | None] = relationship()
    priority: Mapped[PlanPriority | None] = relationship()
    lead_agency: Mapped[Agency | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id])
    merged_into: Mapped[Concern | None] = relationship(remote_side="Concern.id")
    events: Mapped[list[ConcernEvent]] = relationship(
        back_populates="concern", order_by="ConcernEvent.id"
    )
    actions: Mapped[list[ConcernAction]] = relationship(
        back_populates="concern", order_by="ConcernAction.id"
    )
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="concern", order_by="Referral.id"
    )
    we_did_versions: Mapped[list[WeDidVersion]] = relationship(
        back_populates="concern", order_by="WeDidVersion.number"
    )

    def __str__(self) -> str:
        return self.reference

    @property
    def pending_referral(self) -> Referral | None:
        return next((r for r in self.referrals if r.state is ReferralState.PENDING), None)


class ConcernEvent(db.Model):
    """A move in a concern's life: who, when, a note, and whether the public may see it."""

    __tablename__ = "concern_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    move: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=False)

    concern: Mapped[Concern] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Referral(Audited, db.Model):
    """A concern handed to another agency; it stays open until that agency accepts."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    from_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    handed_over: Mapped[str] = mapped_column(Text)  # public: what was handed over
    state: Mapped[ReferralState] = mapped_column(
        enum_type(ReferralState), default=ReferralState.PENDING
    )
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    concern: Mapped[Concern] = relationship(back_populates="referrals")
    from_agency: Mapped[Agency | None] = relationship(foreign_keys=[from_agency_id])
    to_agency: Mapped[Agency] = relationship(foreign_keys=[to_agency_id])

    def __str__(self) -> str:
        return f"referral of {self.concern} to {self.to_agency}"


class ConcernAction(Audited, db.Model):
    """One agency's part in answering a concern; the "We did" is built from these."""

    __tablename__ = "concern_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    description: Mapped[str] = mapped_column(Text)  # private working detail
    public_line: Mapped[str] = mapped_column(Text, default="")  # what the public may read
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[ActionStatus] = mapped_column(
        enum_type(ActionStatus), default=ActionStatus.PLANNED
    )
    done_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    concern: Mapped[Concern] = relationship(back_populates="actions")
    agency: Mapped[Agency] = relationship()
    owner: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"action on {self.concern} by {self.agency}"


class WeDidVersion(Audited, db.Model):
    """A signed-off "You said, we did": each later edit is a new version, all kept."""

    __tablename__ = "we_did_versions"
    __table_args__ = (UniqueConstraint("concern_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    number: Mapped[int]
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    concern: Mapped[Concern] = relationship(back_populates="we_did_versions")
    approved_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.concern} version {self.number}"


class ResponseTemplate(Audited, db.Model):
    """A reusable "We did" wording for a category and outcome, to speed up common answers."""

    __tablename__ = "response_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("concern_categories.id"))
    outcome: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)

    category: Mapped[ConcernCategory | None] = relationship()

    def __str__(self) -> str:
        return self.title


class ReopenRequest(Audited, db.Model):
    """A clerk or raiser saying "this is not resolved"; staff see it and decide."""

    __tablename__ = "reopen_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concerns.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: raiser
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(20))  # "reopened" or "kept"
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    concern: Mapped[Concern] = relationship()

    def __str__(self) -> str:
        return f"reopen request on {self.concern}"
