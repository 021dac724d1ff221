"""The fieldwork monitor's data: a wave's complete responses counted by the monitored questions,
and the wave's target shares saved."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.models import Answer, Question, Response, ResponseMode, ResponseStatus, Wave
from engage.surveys.monitor import (
    MONITORED,
    Category,
    VariableProgress,
    categories_of,
    progress,
)
from engage.surveys.services import wave_by_id


@dataclass(frozen=True)
class FieldworkProgress:
    """Complete responses so far, how they came in, and each monitored question's progress."""

    total: int
    by_mode: dict[ResponseMode, int]
    variables: list[VariableProgress]
    not_asked: list[str]  # monitored questions this survey does not ask

    @property
    def has_targets(self) -> bool:
        return any(variable.has_targets for variable in self.variables)


def monitored_categories(wave: Wave) -> dict[str, tuple[Category, ...]]:
    """The categories of each monitored question the wave's survey asks, in the monitor's order."""
    questions = {question.code: question for question in wave.version.questions}
    return {
        code: categories_of([(option.code, option.label) for option in questions[code].options])
        for code in MONITORED
        if code in questions
    }


def fieldwork_progress(wave_id: int) -> FieldworkProgress:
    """The wave's complete responses by mode and by each monitored question, against targets."""
    wave = wave_by_id(wave_id)
    complete = (Response.wave_id == wave_id, Response.status == ResponseStatus.COMPLETE)
    by_mode = dict(
        db.session.execute(
            select(Response.mode, func.count(Response.id)).where(*complete).group_by(Response.mode)
        ).all()
    )
    total = sum(by_mode.values())
    query = (
        select(Question.code, Answer.option_code, func.count(func.distinct(Response.id)))
        .join(Answer, Answer.response_id == Response.id)
        .join(Question, Question.id == Answer.question_id)
        .where(*complete, Question.code.in_(MONITORED), Answer.option_code.is_not(None))
        .group_by(Question.code, Answer.option_code)
    )
    counts: dict[str, dict[str, int]] = {}
    for code, option, count in db.session.execute(query):
        counts.setdefault(code, {})[option] = count
    categories = monitored_categories(wave)
    targets = wave.sample_targets if isinstance(wave.sample_targets, dict) else {}
    variables = [
        progress(code, categories[code], counts.get(code, {}), total, targets.get(code))
        for code in categories
    ]
    not_asked = [MONITORED[code] for code in MONITORED if code not in categories]
    return FieldworkProgress(total, by_mode, variables, not_asked)


def save_sample_targets(wave_id: int, targets: dict[str, dict[str, float]]) -> Wave:
    """Keep the target shares the monitor compares against (none at all clears them)."""
    wave = wave_by_id(wave_id)
    wave.sample_targets = targets or None
    db.session.commit()
    return wave
