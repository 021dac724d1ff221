"""Survey services shared by the builder, fieldwork and the resident's pages.

They take plain values, load what they need, call the pure modules and commit once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engage.extensions import db
from engage.surveys.bank import question_bank
from engage.surveys.models import Question, QuestionOption, Survey, SurveyVersion, Wave
from engage.surveys.questions import Option, QuestionSpec


class SurveyError(ValueError):
    """A survey change cannot be made; the message says why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def wave_by_id(wave_id: int) -> Wave:
    """The wave with this id, or LookupError (views have usually answered 404 already)."""
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        raise LookupError(f"There is no wave {wave_id}")
    return wave


def spec_of(question: Question) -> QuestionSpec:
    """The pure description of a stored question."""
    return QuestionSpec(
        code=question.code,
        type=question.type,
        text=question.text,
        hint=question.hint,
        required=question.required,
        options=tuple(
            Option(option.code, option.label, option.exclusive) for option in question.options
        ),
        min_value=question.min_value,
        max_value=question.max_value,
        max_choices=question.max_choices,
        ask_if_code=question.ask_if_code,
        ask_if_answers=tuple(question.ask_if_answers or ()),
        section=question.section,
    )


def specs_of(version: SurveyVersion) -> list[QuestionSpec]:
    """The version's questions, in order, as pure descriptions."""
    return [spec_of(question) for question in version.questions]


def question_from_spec(spec: QuestionSpec, position: int) -> Question:
    """A new stored question (with its options) from a pure description."""
    return Question(
        position=position,
        code=spec.code,
        type=spec.type,
        text=spec.text,
        hint=spec.hint,
        section=spec.section,
        required=spec.required,
        min_value=spec.min_value,
        max_value=spec.max_value,
        max_choices=spec.max_choices,
        ask_if_code=spec.ask_if_code,
        ask_if_answers=list(spec.ask_if_answers) or None,
        options=[
            QuestionOption(
                position=index, code=option.code, label=option.label, exclusive=option.exclusive
            )
            for index, option in enumerate(spec.options, start=1)
        ],
    )


def create_survey_from_bank(
    code: str, title: str, description: str = "", question_codes: list[str] | None = None
) -> Survey:
    """A survey whose first version asks the bank's questions (all, or those named)."""
    if db.session.scalar(select(Survey).where(Survey.code == code)) is not None:
        raise SurveyError(f"There is already a survey with the code {code}", field="code")
    bank = question_bank()
    chosen = [spec for spec in bank if question_codes is None or spec.code in question_codes]
    survey = Survey(code=code, title=title, description=description)
    version = SurveyVersion(survey=survey, number=1)
    version.questions = [
        question_from_spec(spec, position) for position, spec in enumerate(chosen, start=1)
    ]
    db.session.add(survey)
    db.session.commit()
    return survey


def create_wave(
    survey: Survey,
    *,
    code: str,
    title: str,
    opens_on: date,
    closes_on: date,
    open_link: bool = True,
    version: SurveyVersion | None = None,
) -> Wave:
    """A fieldwork period on the survey's latest version (locked from now on)."""
    if closes_on < opens_on:
        raise SurveyError("The closing date must be on or after the opening date", "closes_on")
    if db.session.scalar(select(Wave).where(Wave.code == code)) is not None:
        raise SurveyError(f"There is already a wave with the code {code}", field="code")
    version = version or survey.versions[-1]
    version.locked = True
    wave = Wave(
        survey=survey,
        version=version,
        code=code,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        open_link=open_link,
    )
    db.session.add(wave)
    db.session.commit()
    return wave
