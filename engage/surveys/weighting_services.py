"""Staff's weighting set-up for a wave: variables and their mapping, rule, cap and targets.

Every change here is audited (the scheme and its targets are Audited models) and changes the
results' fingerprint, so the wave's weights and tables are recomputed the next time anyone looks.
"""

from __future__ import annotations

import math

from sqlalchemy import select

from engage.extensions import db
from engage.surveys.models import Wave
from engage.surveys.questions import QuestionSpec, QuestionType
from engage.surveys.result_models import PopulationTarget, WeightingScheme
from engage.surveys.services import SurveyError, spec_of, wave_by_id
from engage.surveys.targets import read_targets, template_csv
from engage.surveys.weighting_inputs import (
    NotKnownRule,
    WeightingVariable,
    default_variable,
    variable_problems,
)

# The standard demographics every representative perception survey weights by, where asked.
DEFAULT_VARIABLES = ("AGE_BAND", "SEX", "DISTRICT")
SOURCE_LIMIT = 2000


def scheme_of(wave: Wave) -> WeightingScheme:
    """The wave's weighting scheme; a new one weighting by age, sex and district if none yet."""
    scheme = db.session.scalar(select(WeightingScheme).where(WeightingScheme.wave_id == wave.id))
    if scheme is None:
        specs = _specs(wave)
        variables = [
            default_variable(specs[code]).as_json()
            for code in DEFAULT_VARIABLES
            if code in specs and specs[code].type is QuestionType.SINGLE
        ]
        scheme = WeightingScheme(
            wave=wave, variables=variables, not_known_rule=NotKnownRule.OWN_CATEGORY
        )
        db.session.add(scheme)
    return scheme


def variables_of(scheme: WeightingScheme) -> list[WeightingVariable]:
    """The scheme's weighting variables as plain values."""
    return [WeightingVariable.from_json(data) for data in scheme.variables]


def expected_categories(scheme: WeightingScheme) -> dict[str, list[str]]:
    """The categories the targets must give, per variable, in the mapping's order."""
    return {variable.question: variable.category_names() for variable in variables_of(scheme)}


def targets_of(scheme: WeightingScheme) -> dict[str, dict[str, float]]:
    """The scheme's population targets as {variable: {category: total}}."""
    targets: dict[str, dict[str, float]] = {}
    for target in scheme.targets:
        targets.setdefault(target.variable, {})[target.category] = target.total
    return targets


def weighting_questions(wave: Wave) -> list[QuestionSpec]:
    """The wave's single-choice questions, any of which can be a weighting variable."""
    return [spec for spec in _specs(wave).values() if spec.type is QuestionType.SINGLE]


def targets_template(wave_id: int) -> str:
    """A CSV with a row per expected category, filled with the current totals where known."""
    scheme = scheme_of(wave_by_id(wave_id))
    return template_csv(expected_categories(scheme), targets_of(scheme))


def upload_targets(wave_id: int, data: bytes, source: str) -> int:
    """Replace the wave's targets with a checked file's; return how many categories it gave.

    Raises engage.surveys.targets.TargetsError listing every problem, row by row.
    """
    source = _checked_source(source)
    scheme = scheme_of(wave_by_id(wave_id))
    targets = read_targets(data, expected_categories(scheme))
    _replace_targets(scheme, targets, source)
    db.session.commit()
    return sum(len(totals) for totals in targets.values())


def copy_targets(wave_id: int, from_wave_id: int) -> int:
    """Use an earlier wave's targets and source, when its categories match this wave's."""
    wave, earlier = wave_by_id(wave_id), wave_by_id(from_wave_id)
    if earlier.survey_id != wave.survey_id or earlier.id == wave.id:
        raise SurveyError("Choose another wave of the same survey", field="from_wave")
    scheme, theirs = scheme_of(wave), scheme_of(earlier)
    targets = targets_of(theirs)
    if not targets:
        raise SurveyError(f"{earlier.title} has no population targets to copy", "from_wave")
    expected = expected_categories(scheme)
    given = {variable: list(totals) for variable, totals in targets.items()}
    if given != expected:
        raise SurveyError(
            f"{earlier.title} is weighted by other variables or categories; upload this wave's "
            "targets instead, or change the variables to match",
            field="from_wave",
        )
    _replace_targets(scheme, targets, theirs.targets_source)
    db.session.commit()
    return sum(len(totals) for totals in targets.values())


def waves_to_copy_from(wave: Wave) -> list[Wave]:
    """The survey's other waves that have targets, newest first."""
    query = (
        select(Wave)
        .join(WeightingScheme, WeightingScheme.wave_id == Wave.id)
        .where(Wave.survey_id == wave.survey_id, Wave.id != wave.id)
        .where(WeightingScheme.targets.any())
        .order_by(Wave.opens_on.desc())
    )
    return list(db.session.scalars(query))


def add_variable(wave_id: int, question_code: str) -> WeightingVariable:
    """Weight by one more question, each answer its own category to begin with."""
    wave = wave_by_id(wave_id)
    scheme = scheme_of(wave)
    spec = _specs(wave).get(question_code)
    if spec is None or spec.type is not QuestionType.SINGLE:
        raise SurveyError("Choose a single-choice question of this wave", field="question")
    if any(variable.question == question_code for variable in variables_of(scheme)):
        raise SurveyError(f"The wave is already weighted by {question_code}", field="question")
    variable = default_variable(spec)
    scheme.variables = [*scheme.variables, variable.as_json()]
    db.session.commit()
    return variable


def remove_variable(wave_id: int, question_code: str) -> None:
    """Stop weighting by a question, and drop its targets."""
    scheme = scheme_of(wave_by_id(wave_id))
    kept = [data for data in scheme.variables if data["question"] != question_code]
    if len(kept) == len(scheme.variables):
        raise LookupError(f"The wave is not weighted by {question_code}")
    scheme.variables = kept
    scheme.targets = [target for target in scheme.targets if target.variable != question_code]
    db.session.commit()


def save_mapping(wave_id: int, question_code: str, categories: dict[str, str | None]) -> None:
    """Map each answer of a weighting question to a category (None: not known)."""
    wave = wave_by_id(wave_id)
    scheme = scheme_of(wave)
    if not any(data["question"] == question_code for data in scheme.variables):
        raise LookupError(f"The wave is not weighted by {question_code}")
    variable = WeightingVariable(question_code, categories)
    problems = variable_problems(variable, _specs(wave).get(question_code))
    if problems:
        raise SurveyError(problems[0], field="categories")
    scheme.variables = [
        variable.as_json() if data["question"] == question_code else data
        for data in scheme.variables
    ]
    db.session.commit()


def save_settings(wave_id: int, rule: NotKnownRule, cap: float | None) -> None:
    """Set the rule for answers not known and the weight cap (a multiple of the mean)."""
    if cap is not None and (not math.isfinite(cap) or cap <= 1):
        raise SurveyError("The cap must be more than 1 (times the mean weight)", field="cap")
    scheme = scheme_of(wave_by_id(wave_id))
    scheme.not_known_rule = rule
    scheme.cap = cap
    db.session.commit()


def _checked_source(source: str) -> str:
    source = source.strip()
    if not source:
        raise SurveyError(
            "Say where the totals come from, for example ONS Census 2021", field="source"
        )
    if len(source) > SOURCE_LIMIT:
        raise SurveyError(f"The source must be {SOURCE_LIMIT} characters or fewer", "source")
    return source


def _replace_targets(scheme: WeightingScheme, targets: dict, source: str) -> None:
    scheme.targets.clear()
    db.session.flush()  # delete the old rows before their (variable, category) come back
    scheme.targets = [
        PopulationTarget(position=position, variable=variable, category=category, total=total)
        for position, (variable, category, total) in enumerate(
            (
                (variable, category, total)
                for variable, totals in targets.items()
                for category, total in totals.items()
            ),
            start=1,
        )
    ]
    scheme.targets_source = source


def _specs(wave: Wave) -> dict[str, QuestionSpec]:
    return {question.code: spec_of(question) for question in wave.version.questions}
