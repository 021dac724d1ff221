"""A wave's weights and weighted tables, kept up to date, and their publication.

Weights and tables are derived data, cached in the database with a fingerprint of everything
they were made from (the complete responses, the weighting scheme and targets, the indicators
and benchmarks, and this module's RESULTS_FORMAT). Whoever asks for a wave's results after any
of those changed gets them recomputed, so they are never stale and never computed twice for the
same data; every app server shares the cache. Publishing freezes a copy for the public.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import joinedload

from engage.core.audit import record_event
from engage.core.columns import utcnow
from engage.extensions import db
from engage.surveys.answer_frames import WaveAnswers, load_wave_answers
from engage.surveys.errors import WeightingError
from engage.surveys.headlines import Benchmark, WaveFigures
from engage.surveys.indicator_services import add_standard_indicators, indicators_of
from engage.surveys.models import Response, ResponseStatus, Wave
from engage.surveys.result_models import (
    Indicator,
    ResponseWeight,
    ResultSet,
    WeightingRun,
    WeightingScheme,
)
from engage.surveys.results import IndicatorSpec, for_publication, wave_results
from engage.surveys.services import SurveyError, wave_by_id
from engage.surveys.weighting import rake
from engage.surveys.weighting_inputs import NotKnownRule, prepare
from engage.surveys.weighting_report import summarise
from engage.surveys.weighting_services import scheme_of, targets_of, variables_of

RESULTS_FORMAT = 1  # raise when the computation changes, so every cached result is remade
GROUP_QUESTION = "DISTRICT"  # tables are broken down by the district residents say they live in
NOT_KNOWN_RULES = {
    NotKnownRule.OWN_CATEGORY: (
        "Residents who preferred not to say (or did not answer) a weighting question keep their "
        "place: for that question they form a group of their own, weighted to its share of the "
        "sample, and everyone else is weighted to the population figures."
    ),
    NotKnownRule.LEAVE_OUT: (
        "Residents who preferred not to say (or did not answer) a weighting question are left "
        "out of the weighted results."
    ),
}


@dataclass
class WaveOutcome:
    """Where a wave's results stand: the latest weighting run and, if it worked, the tables."""

    wave: Wave
    run: WeightingRun
    results: ResultSet | None

    @property
    def problem(self) -> str:
        return self.run.problem


def wave_outcome(wave_id: int, *, actor_id: int | None = None, rerun: bool = False) -> WaveOutcome:
    """The wave's weights and tables, recomputed first if anything they depend on changed."""
    wave = wave_by_id(wave_id)
    scheme = scheme_of(wave)
    indicators = _indicators(wave)
    fingerprint = _fingerprint(wave, scheme, indicators)
    found = _stored(wave, fingerprint)
    if found is not None and not rerun:
        return found
    # One computation at a time per wave: lock the scheme, then look again.
    db.session.flush()
    db.session.execute(
        select(WeightingScheme.id).where(WeightingScheme.id == scheme.id).with_for_update()
    )
    found = _stored(wave, fingerprint)
    if found is not None and not rerun:
        return found
    return _compute(wave, scheme, indicators, fingerprint, actor_id)


def publish(wave_id: int, actor_id: int | None, today) -> ResultSet:
    """Publish the wave's current results to the public page, replacing any earlier copy."""
    outcome = wave_outcome(wave_id, actor_id=actor_id)
    wave = outcome.wave
    if today <= wave.closes_on:
        raise SurveyError(
            f"Fieldwork runs until {wave.closes_on:%-d %B %Y}: publish once the wave has closed"
        )
    if outcome.results is None:
        raise SurveyError(f"There are no results to publish: {outcome.problem}")
    now = utcnow()
    previous = live_publication(wave.id)
    if previous is not None and previous.id != outcome.results.id:
        previous.superseded_at = now
    outcome.results.published_at = now
    outcome.results.published_by_id = actor_id
    outcome.results.superseded_at = None
    record_event("published results", wave, f"Published the results of {wave}")
    db.session.commit()
    return outcome.results


def withdraw(wave_id: int) -> None:
    """Take the wave's results off the public page (they stay in the history)."""
    wave = wave_by_id(wave_id)
    live = live_publication(wave.id)
    if live is None:
        raise SurveyError("The results of this wave are not published")
    live.superseded_at = utcnow()
    record_event("withdrew results", wave, f"Withdrew the published results of {wave}")
    db.session.commit()


def live_publication(wave_id: int) -> ResultSet | None:
    """The copy of the wave's results the public sees now, if any."""
    query = select(ResultSet).where(
        ResultSet.wave_id == wave_id,
        ResultSet.published_at.is_not(None),
        ResultSet.superseded_at.is_(None),
    )
    return db.session.scalars(query).first()


def publications(wave_id: int) -> list[ResultSet]:
    """Every copy of the wave's results ever published, newest first."""
    query = (
        select(ResultSet)
        .where(ResultSet.wave_id == wave_id, ResultSet.published_at.is_not(None))
        .order_by(ResultSet.published_at.desc())
    )
    return list(db.session.scalars(query))


def published_waves(survey_id: int | None = None) -> list[tuple[Wave, ResultSet]]:
    """Waves with live published results (of one survey, or all), oldest first."""
    query = (
        select(Wave, ResultSet)
        .join(ResultSet, ResultSet.wave_id == Wave.id)
        .where(ResultSet.published_at.is_not(None), ResultSet.superseded_at.is_(None))
        .options(joinedload(Wave.survey))
        .order_by(Wave.survey_id, Wave.opens_on)
    )
    if survey_id is not None:
        query = query.where(Wave.survey_id == survey_id)
    return [(wave, results) for wave, results in db.session.execute(query).all()]


def published_series(wave: Wave) -> list[WaveFigures]:
    """The published figures of this wave and the survey's earlier published waves, as the
    public may see them (suppression applied)."""
    return [
        WaveFigures(earlier.title, for_publication(results.payload))
        for earlier, results in published_waves(wave.survey_id)
        if earlier.opens_on <= wave.opens_on
    ]


def staff_series(wave: Wave) -> list[WaveFigures]:
    """Current figures of this wave and the survey's earlier waves that can be weighted."""
    series = []
    for earlier in wave.survey.waves:
        if earlier.opens_on > wave.opens_on:
            continue
        outcome = wave_outcome(earlier.id)
        if outcome.results is not None:
            series.append(WaveFigures(earlier.title, outcome.results.payload))
    return series


def benchmarks_of(payload: dict) -> dict[str, Benchmark]:
    """The benchmarks frozen into a result set, by indicator code."""
    return {code: Benchmark(**given) for code, given in payload.get("benchmarks", {}).items()}


def weights_of(wave_id: int) -> pd.Series:
    """The stored weight of each weighted complete response of the wave."""
    rows = db.session.execute(
        select(ResponseWeight.response_id, ResponseWeight.weight).where(
            ResponseWeight.wave_id == wave_id
        )
    ).all()
    return pd.Series(
        [weight for _, weight in rows],
        index=pd.Index([response for response, _ in rows], name="response"),
        name="weight",
        dtype=float,
    )


def _indicators(wave: Wave) -> list[Indicator]:
    indicators = indicators_of(wave.survey_id)
    if not indicators:
        indicators = add_standard_indicators(wave.survey)
    return indicators


def _fingerprint(wave: Wave, scheme: WeightingScheme, indicators: list[Indicator]) -> str:
    """What the results are made from, as a digest: any change here means recompute."""
    count, last_id, last_at = db.session.execute(
        select(
            func.count(Response.id), func.max(Response.id), func.max(Response.submitted_at)
        ).where(Response.wave_id == wave.id, Response.status == ResponseStatus.COMPLETE)
    ).one()
    content = {
        "format": RESULTS_FORMAT,
        "wave": [wave.version_id, wave.title, str(wave.opens_on), str(wave.closes_on)],
        "responses": [count, last_id, str(last_at)],
        "scheme": [scheme.variables, str(scheme.not_known_rule), scheme.cap, scheme.targets_source],
        "targets": [[t.variable, t.category, t.total] for t in scheme.targets],
        "indicators": [
            [
                i.code,
                i.label,
                i.question_code,
                i.positive,
                i.excluded,
                i.benchmark_value,
                i.benchmark_source,
                i.benchmark_period,
            ]
            for i in indicators
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _stored(wave: Wave, fingerprint: str) -> WaveOutcome | None:
    run = db.session.scalars(
        select(WeightingRun)
        .where(WeightingRun.wave_id == wave.id)
        .order_by(WeightingRun.id.desc())
        .limit(1)
    ).first()
    if run is None or run.fingerprint != fingerprint:
        return None
    results = db.session.scalars(
        select(ResultSet)
        .where(ResultSet.wave_id == wave.id, ResultSet.fingerprint == fingerprint)
        .order_by(ResultSet.id.desc())
        .limit(1)
    ).first()
    if results is None and not run.problem:
        return None
    return WaveOutcome(wave, run, results)


def _compute(wave, scheme, indicators, fingerprint: str, actor_id: int | None) -> WaveOutcome:
    """Weight the wave, store the weights and diagnostics, and tabulate every question."""
    db.session.execute(delete(WeightingRun).where(WeightingRun.wave_id == wave.id))
    db.session.execute(
        delete(ResultSet).where(ResultSet.wave_id == wave.id, ResultSet.published_at.is_(None))
    )
    db.session.execute(delete(ResponseWeight).where(ResponseWeight.wave_id == wave.id))
    run = WeightingRun(wave_id=wave.id, fingerprint=fingerprint, ran_by_id=actor_id)
    db.session.add(run)
    answers = load_wave_answers(wave)
    try:
        payload = _weigh_and_tabulate(wave, scheme, indicators, answers, run)
    except WeightingError as error:
        run.problem = str(error)
        db.session.commit()
        return WaveOutcome(wave, run, None)
    results = ResultSet(wave_id=wave.id, fingerprint=fingerprint, payload=payload)
    db.session.add(results)
    db.session.commit()
    return WaveOutcome(wave, run, results)


def _weigh_and_tabulate(wave, scheme, indicators, answers: WaveAnswers, run) -> dict:
    variables = variables_of(scheme)
    if not variables:
        raise WeightingError("Choose at least one weighting variable")
    targets = targets_of(scheme)
    if not targets:
        raise WeightingError("Give the population targets to weight to")
    if len(answers.respondents) == 0:
        raise WeightingError("There are no complete responses to weight yet")
    prepared = prepare(
        answers.single([variable.question for variable in variables]),
        variables,
        targets,
        scheme.not_known_rule,
    )
    uncapped = rake(prepared.frame, prepared.targets)
    result = rake(prepared.frame, prepared.targets, cap=scheme.cap) if scheme.cap else uncapped
    run.diagnostics = summarise(
        result, prepared, uncapped=uncapped if scheme.cap else None, cap=scheme.cap
    )
    weights = result.weights
    db.session.connection().execute(  # a plain executemany: 20,000 rows in a blink
        insert(ResponseWeight.__table__),
        [
            {"response_id": int(response), "wave_id": wave.id, "weight": float(weight)}
            for response, weight in weights.items()
        ],
    )
    weighted = weights.index
    specs = {spec.code: spec for spec in answers.specs}
    group_spec = specs.get(GROUP_QUESTION)
    groups = answers.answers[GROUP_QUESTION].reindex(weighted) if group_spec else None
    group_labels = (
        {option.code: option.label for option in group_spec.options if option.code != "PREFER_NOT"}
        if group_spec
        else {}
    )
    payload = wave_results(
        result,
        {code: values.reindex(weighted) for code, values in answers.answers.items()},
        answers.specs,
        groups=groups,
        group_labels=group_labels,
        indicators=[
            IndicatorSpec(i.code, i.label, i.question_code, tuple(i.positive), tuple(i.excluded))
            for i in indicators
        ],
    )
    payload["wave"] = {
        "code": wave.code,
        "title": wave.title,
        "survey": wave.survey.title,
        "opens_on": wave.opens_on.isoformat(),
        "closes_on": wave.closes_on.isoformat(),
    }
    payload["benchmarks"] = {
        i.code: {
            "value": i.benchmark_value,
            "source": i.benchmark_source,
            "period": i.benchmark_period,
        }
        for i in indicators
        if i.benchmark_value is not None
    }
    payload["methods"] = _methods(scheme, answers, run.diagnostics, specs)
    return payload


def _methods(scheme, answers: WaveAnswers, diagnostics: dict, specs) -> dict:
    """What a reader needs to judge the figures: sample, weighting, its sources and effect."""
    return {
        "responses": len(answers.respondents),
        "modes": {mode: int(count) for mode, count in answers.mode.value_counts().items()},
        "weighted": diagnostics["respondents"],
        "left_out": diagnostics["left_out"],
        "variables": [
            {
                "code": variable.question,
                "text": specs[variable.question].text if variable.question in specs else "",
                "categories": variable.category_names(),
            }
            for variable in variables_of(scheme)
        ],
        "targets_source": scheme.targets_source,
        "not_known_rule": NOT_KNOWN_RULES[scheme.not_known_rule],
        "design_effect": diagnostics["design_effect"],
        "effective_sample_size": diagnostics["effective_sample_size"],
        "cap": diagnostics["cap"],
        "capped": diagnostics["capped"],
    }
