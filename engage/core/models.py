"""Reference data every capability shares: areas, agencies, concern categories, plan priorities."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.core.audit import Audited
from engage.core.columns import enum_type
from engage.extensions import db


class AreaKind(enum.StrEnum):
    """County → district (community safety partnership area) → parish or town."""

    COUNTY = "county"
    DISTRICT = "district"
    PARISH = "parish"


class AgencyKind(enum.StrEnum):
    """The kinds of organisation that respond to concerns and findings."""

    POLICE = "police"
    COUNTY_COUNCIL = "county council"
    DISTRICT_COUNCIL = "district council"
    OPCC = "opcc"
    OTHER = "other"


class ReferenceData(Audited):
    """Columns shared by every reference table: a stable code and an active flag.

    Rows are retired, never deleted, because concerns and responses keep pointing at them.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class Area(ReferenceData, db.Model):
    """A place: the county, one of its districts, or a parish or town within a district."""

    __tablename__ = "areas"

    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[AreaKind] = mapped_column(enum_type(AreaKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    gss_code: Mapped[str | None] = mapped_column(String(9))
    council_name: Mapped[str | None] = mapped_column(String(160))

    parent: Mapped[Area | None] = relationship(remote_side="Area.id", back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent", order_by="Area.name")

    @property
    def district(self) -> Area | None:
        """The district this area lies in (itself for a district, none for the county)."""
        if self.kind is AreaKind.DISTRICT:
            return self
        if self.kind is AreaKind.PARISH:
            return self.parent
        return None

    def __str__(self) -> str:
        return self.name


class Agency(ReferenceData, db.Model):
    """An organisation that answers concerns and panel findings (force, councils, the OPCC)."""

    __tablename__ = "agencies"

    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[AgencyKind] = mapped_column(enum_type(AgencyKind))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    email: Mapped[str | None] = mapped_column(String(254))

    area: Mapped[Area | None] = relationship()

    def __str__(self) -> str:
        return self.name


class ConcernCategory(ReferenceData, db.Model):
    """What a concern is about (anti-social behaviour, speeding, ...), for filtering and trends."""

    __tablename__ = "concern_categories"

    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.name


class PlanPriority(ReferenceData, db.Model):
    """One of the priorities of the Police and Crime Prevention Plan, in the plan's order."""

    __tablename__ = "plan_priorities"

    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
