"""Services that create surveys and edit their versions' questions.

Each takes plain values, loads what it needs, checks with `rules` and `details`, changes and
commits once. Refusals are SurveyErrors; SurveyProblems carries every problem with its form
field.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engage.extensions import db
from engage.surveys import services
from engage.surveys.bank import question_bank
from engage.surveys.builder import details, rules
from engage.surveys.builder.rules import Problem, QuestionDraft
from engage.surveys.models import Question, QuestionOption, Survey, SurveyVersion, Wave
from engage.surveys.questions import CHOICE_TYPES, QuestionSpec
from engage.surveys.services import SurveyError, question_from_spec, spec_of, specs_of


class SurveyProblems(SurveyError):
    """A change refused for what was typed: every problem, each with its form field."""

    def __init__(self, problems: list[Problem]):
        field, message = problems[0]
        super().__init__(message, field)
        self.problems = problems


def problems_of(error: SurveyError) -> list[Problem]:
    """The (field, message) pairs of any survey error."""
    return getattr(error, "problems", [(error.field, str(error))])


def refuse(problems: list[Problem]) -> None:
    """Raise SurveyProblems if there are any."""
    if problems:
        raise SurveyProblems(problems)


def commit(conflict: Problem) -> None:
    """Commit once; a unique code another change took a moment ago is refused, not a crash."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SurveyProblems([conflict]) from None


def get(model: type, record_id: int):
    """A record the page asked for (the view has already answered 404 for a wrong id)."""
    record = db.session.get(model, record_id)
    if record is None:
        raise SurveyError(f"There is no {model.__name__} {record_id}")
    return record


def locked_message(version: SurveyVersion) -> str:
    """Why a version cannot be changed, and what to do instead."""
    titles = db.session.scalars(select(Wave.title).where(Wave.version_id == version.id)).all()
    used = f"the wave {', '.join(titles)} has" if titles else "a wave has"
    return (
        f"Version {version.number} is locked because {used} used it: make a new version to "
        "change its questions"
    )


def _editable(version: SurveyVersion) -> SurveyVersion:
    if version.locked:
        raise SurveyError(locked_message(version))
    return version


def create_survey(code: str, title: str, description: str, question_codes: Sequence[str]) -> Survey:
    """A new survey whose version 1 asks the chosen bank questions (none: an empty survey)."""
    problems = details.survey_problems(code, title, description)
    chosen = [spec for spec in question_bank() if spec.code in set(question_codes)]
    problems += [("questions", message) for message in rules.selection_problems(chosen, set())]
    if not problems and db.session.scalar(select(Survey.id).where(Survey.code == code)):
        problems.append(("code", f"There is already a survey with the code {code}"))
    refuse(problems)
    try:
        return services.create_survey_from_bank(
            code, title.strip(), description.strip(), [spec.code for spec in chosen]
        )
    except IntegrityError:
        db.session.rollback()
        raise SurveyProblems(
            [("code", f"There is already a survey with the code {code}")]
        ) from None


def add_bank_questions(version_id: int, codes: Sequence[str]) -> list[Question]:
    """Add the chosen bank questions (those not asked yet) at the end, in the bank's order."""
    version = _editable(get(SurveyVersion, version_id))
    present = {question.code for question in version.questions}
    chosen = [spec for spec in question_bank() if spec.code in set(codes) - present]
    if not chosen:
        raise SurveyProblems([("questions", "Tick at least one question to add")])
    problems = rules.selection_problems(chosen, present)
    problems += rules.routing_problems(specs_of(version) + chosen)
    refuse([("questions", message) for message in problems])
    added = [
        question_from_spec(spec, position)
        for position, spec in enumerate(chosen, start=len(version.questions) + 1)
    ]
    version.questions.extend(added)
    commit(("questions", "Someone added some of these questions a moment ago: try again"))
    return added


def reference_meaning(version: SurveyVersion, code: str) -> tuple[QuestionSpec, str] | None:
    """What `code` already means: the bank's question, or the latest locked version's."""
    bank = {spec.code: spec for spec in question_bank()}
    if code in bank:
        return bank[code], "the question bank"
    earlier = db.session.scalar(
        select(Question)
        .join(SurveyVersion)
        .where(
            SurveyVersion.survey_id == version.survey_id,
            SurveyVersion.locked.is_(True),
            SurveyVersion.id != version.id,
            Question.code == code,
        )
        .order_by(SurveyVersion.number.desc())
        .limit(1)
    )
    return (spec_of(earlier), f"version {earlier.version.number}") if earlier else None


def _meaning_problems(version: SurveyVersion, spec: QuestionSpec) -> list[Problem]:
    found = reference_meaning(version, spec.code)
    return rules.meaning_problems(spec, *found) if found else []


def _spec(code: str, draft: QuestionDraft, earlier: list[QuestionSpec]):
    """The spec, or None and the problems."""
    try:
        return rules.question_spec(code, draft, earlier), []
    except rules.Problems as error:
        return None, error.problems


def add_question(version_id: int, code: str, draft: QuestionDraft) -> Question:
    """Add a question of the office's own at the end of the version."""
    version = _editable(get(SurveyVersion, version_id))
    specs = specs_of(version)
    code = code.strip().upper()
    spec, problems = _spec(code, draft, specs)
    if not any(field == "code" for field, _ in problems):
        if code in {existing.code for existing in specs}:
            problems.insert(0, ("code", f"This version already has a question {code}"))
        elif code in {bank_spec.code for bank_spec in question_bank()}:
            message = f"{code} is a question bank code: add it from the bank, or choose another"
            problems.insert(0, ("code", message))
        elif spec is not None:
            problems += _meaning_problems(version, spec)
    refuse(problems)
    question = question_from_spec(spec, len(version.questions) + 1)
    version.questions.append(question)
    commit(("code", f"This version already has a question {code}"))
    return question


def update_question(question_id: int, draft: QuestionDraft) -> Question:
    """Change a question's wording and settings; its code stays."""
    question = get(Question, question_id)
    version = _editable(question.version)
    specs = specs_of(version)
    index = version.questions.index(question)
    spec, problems = _spec(question.code, draft, specs[:index])
    refuse(problems)
    refuse(_meaning_problems(version, spec))
    changed = [*specs[:index], spec, *specs[index + 1 :]]
    field = "options" if spec.type in CHOICE_TYPES else "type"
    refuse([(field, message) for message in rules.routing_problems(changed)])
    _apply(question, spec)
    db.session.commit()
    return question


def _apply(question: Question, spec: QuestionSpec) -> None:
    """Copy a spec onto a stored question, changing options in place (their codes are unique)."""
    for name in ("type", "text", "hint", "section", "required", "min_value", "max_value"):
        setattr(question, name, getattr(spec, name))
    question.max_choices = spec.max_choices
    question.ask_if_code = spec.ask_if_code
    question.ask_if_answers = list(spec.ask_if_answers) or None
    stored = {option.code: option for option in question.options}
    kept = []
    for position, option in enumerate(spec.options, start=1):
        row = stored.get(option.code) or QuestionOption(code=option.code)
        row.position, row.label, row.exclusive = position, option.label, option.exclusive
        kept.append(row)
    question.options = kept


def move_question(question_id: int, step: int) -> Question:
    """Move a question one place up (-1) or down (+1); routing must still look back."""
    question = get(Question, question_id)
    version = _editable(question.version)
    order = list(version.questions)
    index = order.index(question)
    target = index + step
    if not 0 <= target < len(order):
        return question
    order[index], order[target] = order[target], order[index]
    problems = rules.routing_problems([spec_of(each) for each in order])
    if problems:
        raise SurveyError(problems[0])
    for position, each in enumerate(order, start=1):
        each.position = position
    db.session.commit()
    return question


def delete_question(question_id: int) -> str:
    """Delete a question no other question routes on; returns its code."""
    question = get(Question, question_id)
    version = _editable(question.version)
    dependents = ", ".join(q.code for q in version.questions if q.ask_if_code == question.code)
    if dependents:
        raise SurveyError(
            f"{question.code} cannot be deleted yet: {dependents} is asked depending on its "
            f"answer. Change that routing or delete {dependents} first"
        )
    version.questions.remove(question)
    for position, each in enumerate(version.questions, start=1):
        each.position = position
    db.session.commit()
    return question.code


def copy_version(version_id: int) -> SurveyVersion:
    """A new, unlocked version with the same questions and codes, for later waves."""
    version = get(SurveyVersion, version_id)
    survey = version.survey
    copy = SurveyVersion(
        survey=survey,
        number=max(each.number for each in survey.versions) + 1,
        notes=f"Copied from version {version.number}.",
        questions=[
            question_from_spec(spec, position)
            for position, spec in enumerate(specs_of(version), start=1)
        ],
    )
    db.session.add(copy)
    commit((None, "Someone made a new version a moment ago: try again"))
    return copy
