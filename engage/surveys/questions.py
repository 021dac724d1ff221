"""Questions as plain data: checking an answer, routing ("ask only if") and showing answers.

Pure: no Flask, no database. The resident's pages, staff data entry and file imports all check
answers here, so an answer is valid by one rule wherever it comes from.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


class QuestionType(enum.StrEnum):
    """How a question is answered."""

    SINGLE = "single choice"
    MULTIPLE = "multiple choice"
    AGREEMENT = "agreement scale"
    RATING = "rating"
    NUMBER = "number"
    TEXT = "free text"


# An answer: the chosen option codes (single, agreement and multiple choice), a number (number
# and rating questions), or text (free text).
AnswerValue = tuple[str, ...] | float | str
Answers = Mapping[str, AnswerValue]

TEXT_LIMIT = 2000
CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.AGREEMENT})

# The five-point agreement scale with "Don't know", as the Crime Survey asks it.
AGREEMENT_SCALE = (
    ("STRONGLY_AGREE", "Strongly agree"),
    ("TEND_AGREE", "Tend to agree"),
    ("NEITHER", "Neither agree nor disagree"),
    ("TEND_DISAGREE", "Tend to disagree"),
    ("STRONGLY_DISAGREE", "Strongly disagree"),
    ("DONT_KNOW", "Don't know"),
)


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message tells the resident what to do."""


@dataclass(frozen=True)
class Option:
    """A choice offered by a question."""

    code: str
    label: str
    exclusive: bool = False  # cannot be combined with other choices ("None of these")


@dataclass(frozen=True)
class QuestionSpec:
    """What a question asks and accepts, independent of how it is stored."""

    code: str
    type: QuestionType
    text: str
    hint: str = ""
    required: bool = True
    options: tuple[Option, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    max_choices: int | None = None
    ask_if_code: str | None = None
    ask_if_answers: tuple[str, ...] = field(default_factory=tuple)
    section: str = ""

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)


def standard_options(question_type: QuestionType) -> tuple[Option, ...]:
    """The options a type brings with it (the agreement scale), or none."""
    if question_type is QuestionType.AGREEMENT:
        return tuple(
            Option(code, label, exclusive=code == "DONT_KNOW") for code, label in AGREEMENT_SCALE
        )
    return ()


def parse_answer(spec: QuestionSpec, submitted: Sequence[str]) -> AnswerValue | None:
    """Turn what was submitted for `spec` into an answer, or None if skipped and optional.

    Raises AnswerError for a missing required answer, a choice the question does not offer, a
    number out of range, or too many choices.
    """
    # NUL characters cannot be stored (PostgreSQL refuses them) and no one types them.
    cleaned = (value.replace("\x00", "").strip() for value in submitted if value is not None)
    values = [value for value in cleaned if value]
    if not values:
        if spec.required:
            raise AnswerError(_missing_message(spec))
        return None
    if spec.type in CHOICE_TYPES:
        return _parse_choices(spec, values)
    if len(values) > 1:
        raise AnswerError("Give one answer")
    if spec.type in (QuestionType.NUMBER, QuestionType.RATING):
        return _parse_number(spec, values[0])
    if len(values[0]) > TEXT_LIMIT:
        raise AnswerError(f"Your answer must be {TEXT_LIMIT:,} characters or fewer")
    return values[0]


def _missing_message(spec: QuestionSpec) -> str:
    if spec.type is QuestionType.MULTIPLE:
        return "Select at least one answer"
    if spec.type in CHOICE_TYPES or spec.type is QuestionType.RATING:
        return "Select an answer"
    if spec.type is QuestionType.NUMBER:
        return "Enter a number"
    return "Enter your answer"


def _parse_choices(spec: QuestionSpec, values: list[str]) -> tuple[str, ...]:
    unknown = [value for value in values if spec.option(value) is None]
    if unknown:
        raise AnswerError("Choose from the answers shown")
    chosen = tuple(dict.fromkeys(values))  # keep order, drop repeats
    if spec.type is not QuestionType.MULTIPLE and len(chosen) > 1:
        raise AnswerError("Select one answer")
    if len(chosen) > 1 and any(spec.option(code).exclusive for code in chosen):
        exclusive = next(spec.option(code) for code in chosen if spec.option(code).exclusive)
        raise AnswerError(f"Select “{exclusive.label}” on its own, or other answers without it")
    if spec.max_choices and len(chosen) > spec.max_choices:
        raise AnswerError(f"Select up to {spec.max_choices} answers")
    return chosen


def _parse_number(spec: QuestionSpec, value: str) -> float:
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        raise AnswerError("Enter a number, like 12") from None
    if not math.isfinite(number):
        raise AnswerError("Enter a number, like 12")
    if spec.type is QuestionType.RATING and not number.is_integer():
        raise AnswerError("Select an answer")
    low, high = spec.min_value, spec.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            raise AnswerError(f"Enter a number between {low} and {high}")
        bound = f"{low} or more" if low is not None else f"{high} or less"
        raise AnswerError(f"Enter a number that is {bound}")
    return number


def is_asked(spec: QuestionSpec, answers: Answers) -> bool:
    """Whether routing asks `spec`, given the answers so far."""
    if not spec.ask_if_code:
        return True
    earlier = answers.get(spec.ask_if_code)
    if not isinstance(earlier, tuple):
        return False
    return bool(set(earlier) & set(spec.ask_if_answers))


def next_question(specs: Sequence[QuestionSpec], answers: Answers, after: str | None) -> str | None:
    """The code of the next question to ask after `after` (the first, for None); None at end."""
    start = 0 if after is None else _position(specs, after) + 1
    return next((spec.code for spec in specs[start:] if is_asked(spec, answers)), None)


def previous_question(specs: Sequence[QuestionSpec], answers: Answers, before: str) -> str | None:
    """The code of the question asked before `before`, for the back link; None at the start."""
    earlier = specs[: _position(specs, before)]
    return next((spec.code for spec in reversed(earlier) if is_asked(spec, answers)), None)


def _position(specs: Sequence[QuestionSpec], code: str) -> int:
    for position, spec in enumerate(specs):
        if spec.code == code:
            return position
    raise KeyError(code)


def routed_answers(specs: Sequence[QuestionSpec], answers: Answers) -> dict[str, AnswerValue]:
    """Only the answers to questions that routing still asks (a changed answer can skip some)."""
    kept: dict[str, AnswerValue] = {}
    for spec in specs:
        if spec.code in answers and is_asked(spec, kept):
            kept[spec.code] = answers[spec.code]
    return kept


def first_missing(specs: Sequence[QuestionSpec], answers: Answers) -> str | None:
    """The first asked, required question without an answer; None when ready to submit."""
    kept = routed_answers(specs, answers)
    for spec in specs:
        if is_asked(spec, kept) and spec.required and spec.code not in kept:
            return spec.code
    return None


def asked_questions(specs: Sequence[QuestionSpec], answers: Answers) -> list[QuestionSpec]:
    """The questions routing asks, in order, given the answers so far."""
    kept = routed_answers(specs, answers)
    return [spec for spec in specs if is_asked(spec, kept)]


def first_unanswered(specs: Sequence[QuestionSpec], answers: Answers) -> str | None:
    """The first asked question with no answer, required or not; None when all are answered.

    Where a resident who saved and came back carries on.
    """
    kept = routed_answers(specs, answers)
    return next(
        (spec.code for spec in specs if is_asked(spec, kept) and spec.code not in kept), None
    )


def progress(specs: Sequence[QuestionSpec], answers: Answers, code: str) -> tuple[int, int]:
    """The asked question's number and how many are asked so far, for "Question 3 of 27".

    The total grows when an answer routes to more questions (a victim is asked about reporting).
    """
    asked = [spec.code for spec in asked_questions(specs, answers)]
    return asked.index(code) + 1, len(asked)


def as_submitted(value: AnswerValue | None) -> list[str]:
    """An answer as its form would submit it, to show it again on the question's page."""
    if value is None:
        return []
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float):
        return [str(int(value)) if value.is_integer() else repr(value)]
    return [value]


def describe(spec: QuestionSpec, value: AnswerValue | None) -> str:
    """An answer in words, as the check-your-answers page shows it."""
    if value is None:
        return "Not answered"
    if isinstance(value, tuple):
        return ", ".join(spec.option(code).label if spec.option(code) else code for code in value)
    if isinstance(value, float):
        return f"{value:g}"
    return value
