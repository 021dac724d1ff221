"""Responses collected elsewhere: match an agency's file to the survey and check every row.

Pure: no Flask, no database. A file read into a `Table` (engage.surveys.import_files) is
matched by an `ImportMapping`: which column answers which question, and which value in the file
means which answer code. `check_rows` turns each row into answers with
`questions.parse_answer` and the survey's routing, exactly as the resident's pages do, and lists
every refused row with its reasons. Storing the accepted rows is the service's job, and only
when none is refused.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engage.surveys.import_files import Table
from engage.surveys.questions import (
    CHOICE_TYPES,
    AnswerError,
    AnswerValue,
    QuestionSpec,
    QuestionType,
    first_missing,
    is_asked,
    parse_answer,
    routed_answers,
)

MAX_ANSWER_VALUES = 60  # more different values than this, and it is not a choice column
MULTIPLE_SEPARATOR = ";"  # a multiple-choice cell holds its answers as "BURGLARY;ASB"
NO_ANSWER = "-"  # a value matched to this means the question was not answered
NOT_MATCHED = ""  # a value matched to nothing: rows with it are refused


class MappingError(ValueError):
    """The matching of columns and values cannot be used; `problems` lists each reason."""

    def __init__(self, problems: Sequence[str]):
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class ImportMapping:
    """Which column answers which question, and which value in the file means which answer.

    `columns` maps a file column to a question code (columns left out are ignored). `values`
    maps, per question code, a value as it appears in the file to an option code, NO_ANSWER or
    NOT_MATCHED; a value left out is matched by `suggest_value`.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain data for JSON (the ResponseImport record keeps it)."""
        return {
            "columns": dict(self.columns),
            "values": {code: dict(values) for code, values in self.values.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> ImportMapping:
        """The mapping `to_dict` made; anything malformed is dropped rather than trusted."""
        columns = data.get("columns") if isinstance(data, Mapping) else None
        values = data.get("values") if isinstance(data, Mapping) else None
        return cls(
            columns={
                str(column): str(code)
                for column, code in (columns or {}).items()
                if isinstance(code, str) and code
            },
            values={
                str(code): {str(value): str(chosen) for value, chosen in chosen_values.items()}
                for code, chosen_values in (values or {}).items()
                if isinstance(chosen_values, Mapping)
            },
        )


def _plain(text: str) -> str:
    """Text compared loosely: case, curly quotes, spaces, hyphens and underscores ignored."""
    return re.sub(r"[\s_\-]+", "", text.replace("\u2019", "'").casefold())


def suggest_columns(columns: Sequence[str], specs: Sequence[QuestionSpec]) -> dict[str, str]:
    """Columns whose name is a question's code (ignoring case, spaces and underscores)."""
    codes = {_plain(spec.code): spec.code for spec in specs}
    suggested: dict[str, str] = {}
    for column in columns:
        code = codes.get(_plain(column))
        if code and code not in suggested.values():
            suggested[column] = code
    return suggested


def suggest_value(spec: QuestionSpec, value: str, label: str | None = None) -> str | None:
    """The option a file's value means: the value (or its SPSS label) is its code or label."""
    for candidate in (value, label):
        if not candidate:
            continue
        for option in spec.options:
            if _plain(candidate) in (_plain(option.code), _plain(option.label)):
                return option.code
    return None


@dataclass(frozen=True)
class ValueCount:
    """A value found in a choice column, how many rows hold it, and its SPSS label if any."""

    value: str
    rows: int
    label: str | None = None


def answer_values(table: Table, column: str, spec: QuestionSpec) -> list[ValueCount]:
    """The different values of a column (each answer of a multiple-choice cell apart)."""
    counts: Counter[str] = Counter()
    for cell in table.frame[column]:
        counts.update(set(_parts(spec, cell)))
    labels = table.value_labels.get(column, {})
    ordered = sorted(counts, key=lambda value: (not _is_number(value), _number_or_text(value)))
    return [ValueCount(value, counts[value], labels.get(value)) for value in ordered]


def _parts(spec: QuestionSpec, cell: str) -> list[str]:
    if spec.type is QuestionType.MULTIPLE:
        return [part.strip() for part in cell.split(MULTIPLE_SEPARATOR) if part.strip()]
    return [cell] if cell else []


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number_or_text(text: str) -> tuple:
    return (float(text), "") if _is_number(text) else (0.0, text.casefold())


def check_mapping(mapping: ImportMapping, table: Table, specs: Sequence[QuestionSpec]) -> list[str]:
    """What is wrong with a mapping for this file and survey (nothing, when it can be used)."""
    by_code = {spec.code: spec for spec in specs}
    problems = []
    if not mapping.columns:
        problems.append("Match at least one column to a question")
    used: dict[str, str] = {}
    for column, code in mapping.columns.items():
        if column not in table.frame.columns:
            problems.append(f"The file has no column “{column}”")
        elif code not in by_code:
            problems.append(f"{code} is not a question in this survey")
        elif code in used:
            problems.append(
                f"“{used[code]}” and “{column}” are both matched to {code}: ignore one of them"
            )
        else:
            used[code] = column
    for code, chosen_values in mapping.values.items():
        spec = by_code.get(code)
        if spec is None:
            continue
        for value, chosen in chosen_values.items():
            if chosen not in (NO_ANSWER, NOT_MATCHED) and spec.option(chosen) is None:
                problems.append(
                    f"{code}: '{value}' is matched to {chosen}, which it does not offer"
                )
    return problems


@dataclass(frozen=True)
class RefusedRow:
    """A row that cannot be imported, and every reason why."""

    row: int
    reasons: tuple[str, ...]

    def lines(self) -> list[str]:
        """One line per reason, like "Row 14: AGE_BAND: '99' is not an answer code"."""
        return [f"Row {self.row}: {reason}" for reason in self.reasons]


@dataclass(frozen=True)
class CheckedRow:
    """A row's answers as they would be stored (partial, for a refused row)."""

    row: int
    answers: Mapping[str, AnswerValue]
    refused: frozenset[str] = frozenset()  # the codes of the questions that refuse it


@dataclass(frozen=True)
class ImportCheck:
    """Every row of a file checked: those that can be stored, and those refused with reasons."""

    accepted: tuple[CheckedRow, ...]
    refused: tuple[RefusedRow, ...]
    preview: tuple[CheckedRow, ...]
    empty_rows: int = 0

    @property
    def can_import(self) -> bool:
        """All or nothing: only a file with no refused row (and some rows) is imported."""
        return bool(self.accepted) and not self.refused

    @property
    def rows(self) -> int:
        return len(self.accepted) + len(self.refused)


def check_rows(
    table: Table, mapping: ImportMapping, specs: Sequence[QuestionSpec], preview: int = 5
) -> ImportCheck:
    """Check every row by the rules online answers meet: each answer, routing, required answers.

    Raises MappingError when the mapping itself cannot be used with this file and survey.
    """
    problems = check_mapping(mapping, table, specs)
    if problems:
        raise MappingError(problems)
    by_code = {spec.code: spec for spec in specs}
    matched = list(mapping.columns.items())
    parse = _CellParser(table, mapping, by_code)
    accepted, refused, shown = [], [], []
    cells = table.frame[[column for column, _ in matched]].itertuples(index=True, name=None)
    for row, *values in cells:
        answers: dict[str, AnswerValue] = {}
        reasons: list[str] = []
        failed: set[str] = set()
        for (column, code), raw in zip(matched, values, strict=True):
            answer, error = parse(column, code, raw)
            if error:
                reasons.append(f"{code}: {error}")
                failed.add(code)
            elif answer is not None:
                answers[code] = answer
        kept = routed_answers(specs, answers)
        for code, reason in _routing_reasons(specs, answers, kept, failed):
            reasons.append(f"{code}: {reason}")
            failed.add(code)
        ok = not reasons and first_missing(specs, kept) is None
        if ok:
            accepted.append(CheckedRow(row, kept))
        else:
            refused.append(RefusedRow(row, tuple(reasons)))
        if len(shown) < preview:
            shown.append(CheckedRow(row, kept, frozenset(failed)))
    return ImportCheck(tuple(accepted), tuple(refused), tuple(shown), table.empty_rows)


def _routing_reasons(
    specs: Sequence[QuestionSpec],
    answers: Mapping[str, AnswerValue],
    kept: Mapping[str, AnswerValue],
    failed: set[str],
) -> list[tuple[str, str]]:
    """Answers routing does not ask for, and required questions it asks that have none."""
    reasons = []
    for spec in specs:
        if spec.code in failed or (spec.ask_if_code and spec.ask_if_code in failed):
            continue
        asked = is_asked(spec, kept)
        if spec.code in answers and not asked:
            wanted = " or ".join(spec.ask_if_answers)
            reasons.append(
                (spec.code, f"answered, but it is asked only if {spec.ask_if_code} is {wanted}")
            )
        elif asked and spec.required and spec.code not in kept:
            reasons.append((spec.code, "no answer, but the question must be answered"))
    return reasons


class _CellParser:
    """Parse cells with parse_answer, once per different value of each column (files repeat)."""

    def __init__(self, table: Table, mapping: ImportMapping, by_code: Mapping[str, QuestionSpec]):
        self.table, self.mapping, self.by_code = table, mapping, by_code
        self.cache: dict[tuple[str, str], tuple[AnswerValue | None, str | None]] = {}

    def __call__(self, column: str, code: str, raw: str) -> tuple[AnswerValue | None, str | None]:
        key = (column, raw)
        if key not in self.cache:
            self.cache[key] = self._parse(column, self.by_code[code], raw)
        return self.cache[key]

    def _parse(
        self, column: str, spec: QuestionSpec, raw: str
    ) -> tuple[AnswerValue | None, str | None]:
        if not raw:
            return None, None
        submitted = [raw]
        if spec.type in CHOICE_TYPES:
            chosen = self.mapping.values.get(spec.code, {})
            labels = self.table.value_labels.get(column, {})
            submitted, unknown = [], []
            for part in _parts(spec, raw):
                code = chosen.get(part)
                if code is None:
                    code = suggest_value(spec, part, labels.get(part)) or NOT_MATCHED
                if code == NOT_MATCHED:
                    unknown.append(part)
                elif code != NO_ANSWER:
                    submitted.append(code)
            if unknown:
                quoted = ", ".join(f"'{part}'" for part in unknown)
                verb = "is not an answer code" if len(unknown) == 1 else "are not answer codes"
                return None, f"{quoted} {verb}"
            if not submitted:
                return None, None
        try:
            return parse_answer(spec, submitted), None
        except AnswerError as error:
            return None, f"'{raw}': {error}"


def stored_text(value: AnswerValue | None) -> str:
    """An answer as it is stored: option codes, a number, or the text."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return MULTIPLE_SEPARATOR.join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return value
