"""Headline indicators of a survey and the national benchmarks staff enter for them.

An indicator is a share of residents giving certain answers to one question (e.g. "very" or
"fairly safe" after dark). Its base is everyone who answered the question, except the answers it
names as excluded: staff set these to match the benchmark's own definition, because a figure
compared with a national one must be counted the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select

from engage.extensions import db
from engage.surveys.models import Survey
from engage.surveys.result_models import Indicator
from engage.surveys.services import SurveyError

TEXT_LIMIT = 300


@dataclass(frozen=True)
class StandardIndicator:
    """A headline indicator every perception survey built from the bank starts with."""

    code: str
    label: str
    question: str
    positive: tuple[str, ...]
    excluded: tuple[str, ...] = ()


# The measures the Crime Survey for England and Wales publishes, asked the same way.
STANDARD_INDICATORS = (
    StandardIndicator(
        "FEEL_SAFE_DARK",
        "Feel safe walking alone in their area after dark",
        "SAFE_DARK",
        ("VERY_SAFE", "FAIRLY_SAFE"),
        ("NEVER_OUT",),
    ),
    StandardIndicator(
        "POLICE_GOOD_JOB",
        "Say the police in their area do a good or excellent job",
        "POLICE_JOB",
        ("EXCELLENT", "GOOD"),
    ),
    StandardIndicator(
        "CONFIDENCE_LOCAL",
        "Have confidence in the police in their area",
        "CONF_LOCAL",
        ("STRONGLY_AGREE", "TEND_AGREE"),
    ),
    StandardIndicator(
        "VICTIMS_SATISFIED",
        "Victims satisfied with how the police dealt with the matter",
        "VICTIM_SATISFIED",
        ("VERY_SATISFIED", "FAIRLY_SATISFIED"),
    ),
)


def indicators_of(survey_id: int) -> list[Indicator]:
    """The survey's indicators in their order."""
    query = select(Indicator).where(Indicator.survey_id == survey_id).order_by(Indicator.position)
    return list(db.session.scalars(query))


def add_standard_indicators(survey: Survey) -> list[Indicator]:
    """Give a survey the standard indicators whose questions its latest version asks."""
    asked = {question.code for question in survey.versions[-1].questions}
    have = {indicator.code for indicator in indicators_of(survey.id)}
    added = [
        Indicator(
            survey=survey,
            position=position,
            code=standard.code,
            label=standard.label,
            question_code=standard.question,
            positive=list(standard.positive),
            excluded=list(standard.excluded),
        )
        for position, standard in enumerate(STANDARD_INDICATORS, start=len(have) + 1)
        if standard.question in asked and standard.code not in have
    ]
    db.session.add_all(added)
    return added


def save_benchmark(indicator_id: int, value: float | None, source: str, period: str) -> Indicator:
    """Set (or clear, with no value) the national figure an indicator is compared with."""
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None:
        raise LookupError(f"There is no indicator {indicator_id}")
    source, period = source.strip(), period.strip()
    if value is not None:
        if not math.isfinite(value) or not 0 <= value <= 100:
            raise SurveyError("Enter the benchmark as a percentage from 0 to 100", "value")
        if not source:
            raise SurveyError("Say where the benchmark comes from", field="source")
        if not period:
            raise SurveyError("Say which period the benchmark covers", field="period")
    for name, text in (("source", source), ("period", period)):
        if len(text) > TEXT_LIMIT:
            raise SurveyError(f"Keep the {name} to {TEXT_LIMIT} characters or fewer", name)
    indicator.benchmark_value = value
    indicator.benchmark_source = source if value is not None else ""
    indicator.benchmark_period = period if value is not None else ""
    db.session.commit()
    return indicator
