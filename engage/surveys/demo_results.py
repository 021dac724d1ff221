"""Demo results: the demo tracker's closed waves weighted to the county and published.

Idempotent, so `make run` on an existing demo database adds only what is missing. The national
benchmarks are the Crime Survey for England and Wales figures for the year ending March 2025,
published by ONS in "Perception and experience of police and criminal justice system, England
and Wales" (49% say the local police do a good or excellent job, 67% have confidence in the local
police, victims were satisfied with the police response in 51% of incidents reported).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engage.extensions import db
from engage.surveys.demo import POPULATION_TARGETS, SURVEY_CODE
from engage.surveys.indicator_services import add_standard_indicators, indicators_of
from engage.surveys.models import Survey
from engage.surveys.result_services import live_publication, publish
from engage.surveys.targets import template_csv
from engage.surveys.weighting_services import scheme_of, upload_targets

ADULTS = 530_000  # the county's residents aged 16 and over, roughly (ONS Census 2021)
TARGETS_SOURCE = (
    "Demo figures: about 530,000 residents aged 16 and over, split by age band, sex and "
    "district in shares rounded from ONS Census 2021"
)
CAP = 5.0  # no weight above five times the mean
CSEW = "Crime Survey for England and Wales (ONS)"
CSEW_PERIOD = "year ending March 2025"
BENCHMARKS = {
    "POLICE_GOOD_JOB": 49.0,
    "CONFIDENCE_LOCAL": 67.0,
    "VICTIMS_SATISFIED": 51.0,  # of incidents reported to the police, not of victims
}


def publish_demo_results(today: date) -> int:
    """Weight and publish the demo tracker's closed waves; return how many were published now."""
    survey = db.session.scalar(select(Survey).where(Survey.code == SURVEY_CODE))
    if survey is None:
        return 0
    if not indicators_of(survey.id):
        add_standard_indicators(survey)
        db.session.flush()
        for indicator in indicators_of(survey.id):
            if indicator.code in BENCHMARKS:
                indicator.benchmark_value = BENCHMARKS[indicator.code]
                indicator.benchmark_source = CSEW
                indicator.benchmark_period = CSEW_PERIOD
        db.session.commit()
    published = 0
    for wave in survey.waves:
        scheme = scheme_of(wave)
        if not scheme.targets:
            scheme.cap = CAP
            totals = {
                variable: {category: round(share * ADULTS) for category, share in shares.items()}
                for variable, shares in POPULATION_TARGETS.items()
            }
            expected = {variable: list(shares) for variable, shares in totals.items()}
            upload_targets(wave.id, template_csv(expected, totals).encode(), TARGETS_SOURCE)
        if wave.closes_on < today and live_publication(wave.id) is None:
            publish(wave.id, None, today)
            published += 1
    return published
