"""What a wave's results are made from and what they became: weighting, weights and result sets.

A wave's weighting scheme (the variables, how answers map to weighting categories, the rule for
"prefer not to say", the cap and the population targets with their source) is set by staff and
audited. Weights, diagnostics and result tables are derived data: recomputed whenever what they
were made from changes (the fingerprint says what that was), so they are not audited, except the
act of publishing. A published result set is a frozen copy: later responses or edits do not move
published figures until staff publish again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.core.audit import Audited
from engage.core.columns import UTCDateTime, enum_type, utcnow
from engage.extensions import db
from engage.surveys.models import Survey, Wave
from engage.surveys.weighting_inputs import NotKnownRule


class WeightingScheme(Audited, db.Model):
    """How one wave is weighted: variables and their answer mapping, not-known rule, cap."""

    __tablename__ = "weighting_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), unique=True)
    # [{"question": "AGE_BAND", "categories": {"16_24": "16_24", ..., "PREFER_NOT": null}}]
    variables: Mapped[list] = mapped_column(JSON, default=list)
    not_known_rule: Mapped[NotKnownRule] = mapped_column(
        enum_type(NotKnownRule), default=NotKnownRule.OWN_CATEGORY
    )
    cap: Mapped[float | None] = mapped_column(Float)  # largest weight, times the mean weight
    targets_source: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    wave: Mapped[Wave] = relationship()
    targets: Mapped[list[PopulationTarget]] = relationship(
        back_populates="scheme", order_by="PopulationTarget.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"weighting of {self.wave}"


class PopulationTarget(Audited, db.Model):
    """The population total of one weighting category (e.g. women, from the 2021 census)."""

    __tablename__ = "population_targets"
    __table_args__ = (UniqueConstraint("scheme_id", "variable", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("weighting_schemes.id"), index=True)
    position: Mapped[int]
    variable: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    total: Mapped[float] = mapped_column(Float)

    scheme: Mapped[WeightingScheme] = relationship(back_populates="targets")

    def __str__(self) -> str:
        return f"{self.variable} {self.category}: {self.total:,.0f}"


class WeightingRun(db.Model):
    """One computation of a wave's weights: its diagnostics, or why it could not be done."""

    __tablename__ = "weighting_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ran_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    problem: Mapped[str] = mapped_column(Text, default="")  # why no weights, in plain words
    diagnostics: Mapped[dict | None] = mapped_column(JSON)

    wave: Mapped[Wave] = relationship()


class ResponseWeight(db.Model):
    """A complete response's raking weight from the wave's latest successful weighting run."""

    __tablename__ = "response_weights"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    weight: Mapped[float] = mapped_column(Float)


class ResultSet(db.Model):
    """A wave's weighted tables as computed from one fingerprint; published copies are kept."""

    __tablename__ = "result_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payload: Mapped[dict] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # replaced or withdrawn

    wave: Mapped[Wave] = relationship()

    @property
    def live(self) -> bool:
        """Whether this is the wave's publication the public sees now."""
        return self.published_at is not None and self.superseded_at is None


class Indicator(Audited, db.Model):
    """A headline figure (e.g. share who feel safe after dark) and its national benchmark."""

    __tablename__ = "survey_indicators"
    __table_args__ = (UniqueConstraint("survey_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    question_code: Mapped[str] = mapped_column(String(40))
    positive: Mapped[list] = mapped_column(JSON)  # answer codes counted in the figure
    excluded: Mapped[list] = mapped_column(JSON, default=list)  # answers left out of the base
    benchmark_value: Mapped[float | None] = mapped_column(Float)  # a percentage
    benchmark_source: Mapped[str] = mapped_column(String(300), default="")
    benchmark_period: Mapped[str] = mapped_column(String(100), default="")

    survey: Mapped[Survey] = relationship()

    def __str__(self) -> str:
        return self.label
