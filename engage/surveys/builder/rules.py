"""The rules of building a survey's questions: what staff type, checked and turned into specs.

Pure: no Flask, no database. The services in `versions` load records, ask these functions what
is wrong, and turn problems into SurveyErrors for the pages. A survey's and a wave's own details
(codes, titles, dates) are checked in `details`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from engage.surveys.questions import (
    CHOICE_TYPES,
    Option,
    QuestionSpec,
    QuestionType,
    standard_options,
)

QUESTION_CODE = re.compile(r"[A-Z][A-Z0-9_]*")
OPTION_CODE = re.compile(r"[A-Z0-9][A-Z0-9_]*")
CODE_LIMIT = 40
QUESTION_CODE_RULE = (
    "Code must start with a capital letter and use only capital letters, digits and "
    "underscores, like BUS_SAFE"
)
MOST_RATING_POINTS = 11  # 0 to 10
LIMITS = {"text": ("Question", 500), "hint": ("Hint", 500), "section": ("Section", 80)}
LABEL_LIMIT = 300

Problem = tuple[str | None, str]  # (form field, or None for the whole page; message)


class Problems(ValueError):
    """What was typed cannot be accepted; `problems` says what, field by field."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0][1])
        self.problems = problems


def split_codes(text: str) -> tuple[str, ...]:
    """Codes typed with commas or spaces between them, in capitals, each once."""
    return tuple(dict.fromkeys(code for code in re.split(r"[\s,;]+", text.upper()) if code))


def parse_options(text: str) -> tuple[Option, ...]:
    """Answers typed one a line as `CODE: Label`; raises Problems for the first bad line."""

    def refuse(message: str) -> Problems:
        return Problems([("options", message)])

    options: list[Option] = []
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        code, colon, label = line.partition(":")
        code, label = code.strip().upper(), label.strip()
        if not colon:
            raise refuse(f"Line {number} needs a code, a colon and a label, like YES: Yes")
        if not code:
            raise refuse(f"Line {number} needs a code before the colon, like YES: Yes")
        if not OPTION_CODE.fullmatch(code) or len(code) > CODE_LIMIT:
            raise refuse(
                f"Line {number}: an answer code uses only capital letters, digits and "
                f"underscores (up to {CODE_LIMIT}), like DONT_KNOW"
            )
        if not label:
            raise refuse(f"Line {number} needs a label after “{code}:”")
        if len(label) > LABEL_LIMIT:
            raise refuse(f"Line {number}: a label must be {LABEL_LIMIT} characters or fewer")
        if code in lines:
            raise refuse(
                f"The code {code} is on lines {lines[code]} and {number}: give each answer "
                "its own code"
            )
        lines[code] = number
        options.append(Option(code, label))
    if len(options) < 2:
        raise refuse("Enter at least 2 answers, one a line, like YES: Yes")
    return tuple(options)


def options_text(options: Sequence[Option]) -> str:
    """Answers as staff type them, one `CODE: Label` a line."""
    return "\n".join(f"{option.code}: {option.label}" for option in options)


@dataclass(frozen=True)
class QuestionDraft:
    """A question as typed on the form, text and flags only; `question_spec` checks it."""

    type: str
    text: str
    hint: str = ""
    section: str = ""
    required: bool = True
    options: str = ""  # one `CODE: Label` a line (single and multiple choice)
    exclusive: str = ""  # codes of answers chosen on their own (multiple choice)
    min_value: str = ""
    max_value: str = ""
    max_choices: str = ""
    ask_if_code: str = ""
    ask_if_answers: str = ""

    @classmethod
    def of(cls, spec: QuestionSpec) -> QuestionDraft:
        """The draft that gives `spec`, to fill the form for a change."""
        multiple = spec.type is QuestionType.MULTIPLE
        return cls(
            type=spec.type.value,
            text=spec.text,
            hint=spec.hint,
            section=spec.section,
            required=spec.required,
            options="" if spec.type is QuestionType.AGREEMENT else options_text(spec.options),
            exclusive=" ".join(o.code for o in spec.options if o.exclusive) if multiple else "",
            min_value="" if spec.min_value is None else str(spec.min_value),
            max_value="" if spec.max_value is None else str(spec.max_value),
            max_choices="" if spec.max_choices is None else str(spec.max_choices),
            ask_if_code=spec.ask_if_code or "",
            ask_if_answers=", ".join(spec.ask_if_answers),
        )


def question_spec(code: str, draft: QuestionDraft, earlier: Sequence[QuestionSpec]) -> QuestionSpec:
    """The question `draft` describes, asked after `earlier`; raises Problems, all at once.

    Settings that do not belong to the chosen type (answers of a number question, say) are
    dropped rather than refused, so changing a question's type is one step.
    """
    problems: list[Problem] = _code_problems(code.strip().upper())
    question_type = next((kind for kind in QuestionType if kind.value == draft.type), None)
    if question_type is None:
        problems.append(("type", "Choose the type of question"))
    if not draft.text.strip():
        problems.append(("text", "Enter the question"))
    for name, (what, limit) in LIMITS.items():
        if len(getattr(draft, name).strip()) > limit:
            problems.append((name, f"{what} must be {limit} characters or fewer"))

    options = standard_options(question_type) if question_type else ()
    if question_type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        try:
            options = parse_options(draft.options)
        except Problems as error:
            problems.extend(error.problems)
    max_choices = None
    if question_type is QuestionType.MULTIPLE and options:
        options = _mark_exclusive(options, split_codes(draft.exclusive), problems)
        max_choices = _whole_number(draft.max_choices, "max_choices", "Most answers", problems)
        if max_choices is not None and not 1 <= max_choices <= len(options):
            problems.append(
                ("max_choices", f"Most answers must be between 1 and {len(options)}, or blank")
            )
    low = high = None
    if question_type in (QuestionType.RATING, QuestionType.NUMBER):
        low = _whole_number(draft.min_value, "min_value", "Lowest value", problems)
        high = _whole_number(draft.max_value, "max_value", "Highest value", problems)
        problems.extend(_range_problems(question_type, draft, low, high))
    ask_if_code, ask_if_answers = _routing(draft, earlier, problems)
    if problems:
        raise Problems(problems)
    return QuestionSpec(
        code=code.strip().upper(),
        type=question_type,
        text=draft.text.strip(),
        hint=draft.hint.strip(),
        required=draft.required,
        options=options,
        min_value=low,
        max_value=high,
        max_choices=max_choices,
        ask_if_code=ask_if_code,
        ask_if_answers=ask_if_answers,
        section=draft.section.strip(),
    )


def _code_problems(code: str) -> list[Problem]:
    if not code:
        return [("code", "Enter a code for the question, like BUS_SAFE")]
    if not QUESTION_CODE.fullmatch(code):
        return [("code", QUESTION_CODE_RULE)]
    if len(code) > CODE_LIMIT:
        return [("code", f"Code must be {CODE_LIMIT} characters or fewer")]
    return []


def _whole_number(text: str, field: str, what: str, problems: list[Problem]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"-?[0-9]{1,9}", text):
        example = "0" if field == "min_value" else "10"
        problems.append((field, f"{what} must be a whole number, like {example}"))
        return None
    return int(text)


def _mark_exclusive(
    options: tuple[Option, ...], codes: tuple[str, ...], problems: list[Problem]
) -> tuple[Option, ...]:
    unknown = [code for code in codes if code not in {option.code for option in options}]
    if unknown:
        problems.append(("exclusive", f"There is no answer coded {unknown[0]} in the answers"))
    elif len(codes) >= len(options):
        problems.append(("exclusive", "At least one answer must be possible with others"))
    return tuple(replace(option, exclusive=option.code in codes) for option in options)


def _range_problems(
    question_type: QuestionType, draft: QuestionDraft, low: int | None, high: int | None
) -> list[Problem]:
    if question_type is QuestionType.RATING:
        if not draft.min_value.strip():
            return [("min_value", "Enter the lowest point of the rating scale, like 0")]
        if not draft.max_value.strip():
            return [("max_value", "Enter the highest point of the rating scale, like 10")]
        if low is not None and high is not None and not 0 < high - low < MOST_RATING_POINTS:
            return [
                (
                    "max_value",
                    f"A rating scale has 2 to {MOST_RATING_POINTS} points: the highest must be "
                    "more than the lowest, like 0 to 10",
                )
            ]
    elif low is not None and high is not None and high < low:
        return [("max_value", "Highest value must be the same as or more than the lowest")]
    return []


def _routing(
    draft: QuestionDraft, earlier: Sequence[QuestionSpec], problems: list[Problem]
) -> tuple[str | None, tuple[str, ...]]:
    code = draft.ask_if_code.strip().upper()
    if not code:
        return None, ()
    source = next((spec for spec in earlier if spec.code == code), None)
    if source is None or source.type not in CHOICE_TYPES:
        problems.append(("ask_if_code", "Choose an earlier choice question, or ask everyone"))
        return None, ()
    answers = split_codes(draft.ask_if_answers)
    offered = ", ".join(option.code for option in source.options)
    unknown = [answer for answer in answers if source.option(answer) is None]
    if not answers:
        problems.append(
            ("ask_if_answers", f"Enter the answers to {code} that lead here, from {offered}")
        )
    elif unknown:
        problems.append(
            ("ask_if_answers", f"{code} has no answer coded {unknown[0]}: use {offered}")
        )
    return code, answers


def meaning_problems(spec: QuestionSpec, reference: QuestionSpec, where: str) -> list[Problem]:
    """How `spec` departs from what its code already means in `where` (the bank, a version)."""
    code = spec.code
    if spec.type is not reference.type:
        return [
            (
                "type",
                f"{code} is a {reference.type} question in {where}: keep its type, or add a "
                "new question with a code of its own",
            )
        ]
    if sorted(o.code for o in spec.options) != sorted(o.code for o in reference.options):
        kept = ", ".join(option.code for option in reference.options)
        return [
            (
                "options",
                f"{code} must keep the answer codes it has in {where} ({kept}): reword or "
                "reorder the labels if you need to, but a code means the same in every wave",
            )
        ]
    scale = (reference.min_value, reference.max_value)
    if spec.type is QuestionType.RATING and (spec.min_value, spec.max_value) != scale:
        return [("min_value", f"{code} must keep its scale of {scale[0]} to {scale[1]}")]
    return []


def routing_problems(specs: Sequence[QuestionSpec]) -> list[str]:
    """What is wrong with the routing of questions asked in this order."""
    problems = []
    for index, spec in enumerate(specs):
        source_code = spec.ask_if_code
        if not source_code:
            continue
        source = next((other for other in specs if other.code == source_code), None)
        if source is None:
            problems.append(
                f"{spec.code} is asked depending on the answer to {source_code}, which is not "
                "in this version"
            )
        elif source_code not in {other.code for other in specs[:index]}:
            problems.append(
                f"{spec.code} must come after {source_code}: it is asked depending on the "
                f"answer to {source_code}"
            )
        elif source.type not in CHOICE_TYPES:
            problems.append(
                f"{spec.code} is asked depending on the answer to {source_code}, so "
                f"{source_code} must stay a choice question"
            )
        elif not spec.ask_if_answers or any(not source.option(c) for c in spec.ask_if_answers):
            problems.append(
                f"{spec.code} is asked only if {source_code} is answered "
                f"{', '.join(spec.ask_if_answers) or '(nothing)'}, so {source_code} must keep "
                "offering those answers"
            )
    return problems


def selection_problems(chosen: Sequence[QuestionSpec], present: set[str]) -> list[str]:
    """Bank questions chosen without the earlier question their routing depends on."""
    codes = present | {spec.code for spec in chosen}
    return [
        f"{spec.code} is asked depending on the answer to {spec.ask_if_code}: "
        f"tick {spec.ask_if_code} too, or untick {spec.code}"
        for spec in chosen
        if spec.ask_if_code and spec.ask_if_code not in codes
    ]


def routing_in_words(spec: QuestionSpec, specs: Sequence[QuestionSpec]) -> str:
    """Who is asked `spec`, in words."""
    if not spec.ask_if_code:
        return "Everyone"
    source = next((other for other in specs if other.code == spec.ask_if_code), None)
    labels = [
        f"“{source.option(code).label}”" if source and source.option(code) else code
        for code in spec.ask_if_answers
    ]
    verb = "includes" if source and source.type is QuestionType.MULTIPLE else "is"
    return f"Only if the answer to {spec.ask_if_code} {verb} {' or '.join(labels)}"


def type_in_words(spec: QuestionSpec) -> str:
    """A question's type with the settings that go with it, like 'Rating, 0 to 10'."""
    words = spec.type.value.capitalize()
    if spec.type in CHOICE_TYPES:
        words += f", {len(spec.options)} answers"
    if spec.max_choices:
        words += f", up to {spec.max_choices} chosen"
    low, high = spec.min_value, spec.max_value
    if low is not None and high is not None:
        words += f", {low} to {high}"
    elif low is not None or high is not None:
        words += f", {low} or more" if low is not None else f", up to {high}"
    return words
