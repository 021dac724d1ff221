"""Population targets read from a CSV file in long form: one row per (variable, category, total).

Pure: bytes in, numbers out; no Flask, no database. Staff fill in the file in a spreadsheet from
census tables, so every mistake is reported at once, by the line number the spreadsheet shows
(the column names are line 1), in words that name the values they typed.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engage.surveys.cells import TOTALS_AGREE_WITHIN

COLUMNS = ("variable", "category", "total")
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")  # 12,345 or 1,234,567.5, not 12,5
SAVE_AS = 'save it from your spreadsheet as "CSV UTF-8 (Comma delimited)" and upload it again'


@dataclass(frozen=True)
class RowProblem:
    """One mistake in a targets file: the line it is on (None for the file as a whole) and why."""

    row: int | None
    message: str


class TargetsError(ValueError):
    """The targets file cannot be used; `problems` lists every mistake found, not just the first."""

    def __init__(self, problems: Sequence[RowProblem]):
        self.problems = list(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))


def read_targets(data: bytes, expected: Mapping[str, Sequence[str]]) -> dict[str, dict[str, float]]:
    """The population total of each expected (variable, category), in `expected`'s order.

    `expected` is {variable: [categories]}. Names are matched ignoring case and surrounding
    spaces; totals may have thousands separators ("12,345"). Raises TargetsError listing every
    problem: the file's encoding or columns, each bad row, and what is missing or disagrees.
    """
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        positions = _positions(header)
        rows = _rows(reader, positions)
    except csv.Error as error:
        raise TargetsError(
            [RowProblem(reader.line_num or None, f"The file cannot be read as CSV ({error})")]
        ) from None
    if not rows:
        raise TargetsError(
            [RowProblem(None, "The file has column names but no rows of totals under them")]
        )
    return _check(rows, expected)


def template_csv(
    expected: Mapping[str, Sequence[str]],
    totals: Mapping[str, Mapping[str, float]] | None = None,
) -> str:
    """A targets file to fill in: the column names and a row per expected (variable, category).

    Totals are blank unless `totals` gives them (to download the targets in use, to change them).
    """
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for variable, categories in expected.items():
        given = (totals or {}).get(variable, {})
        for category in categories:
            writer.writerow([variable, category, _plain(given.get(category))])
    return output.getvalue()


def _plain(total: float | None) -> str:
    """A total as a spreadsheet shows it: whole numbers without '.0', never '1.2e+06'."""
    if total is None:
        return ""
    number = float(total)
    return str(int(number)) if number.is_integer() else repr(number)


def _decode(data: bytes) -> str:
    """The file's text, if it is UTF-8 (with or without the BOM Excel writes); else refused."""
    if not data.strip():
        raise TargetsError([RowProblem(None, "The file is empty")])
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TargetsError(
            [RowProblem(None, f"The file is an Excel workbook, not a CSV file: {SAVE_AS}")]
        )
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise TargetsError(
            [
                RowProblem(
                    None,
                    f"The file is not saved as UTF-8 text: line {line} has a character that "
                    f"cannot be read. {SAVE_AS[0].upper()}{SAVE_AS[1:]}",
                )
            ]
        ) from None
    if "\x00" in text:
        raise TargetsError([RowProblem(None, f"The file is not a CSV file: {SAVE_AS}")])
    return text


def _positions(header: list[str] | None) -> dict[str, int]:
    """Where each of the three columns is, from the first line; refused unless exactly those."""
    if header is None or not any(cell.strip() for cell in header):
        raise TargetsError(
            [
                RowProblem(
                    1,
                    "The first line must name the columns: variable, category, total (it is blank)",
                )
            ]
        )
    names = [cell.strip().casefold() for cell in header]
    positions = {name: names.index(name) for name in COLUMNS if name in names}
    missing = [name for name in COLUMNS if name not in positions]
    repeated = [name for name in COLUMNS if names.count(name) > 1]
    unexpected = [cell.strip() for cell in header if cell.strip().casefold() not in COLUMNS]
    unexpected = [name for name in unexpected if name]  # a blank column name is harmless
    if not (missing or repeated or unexpected):
        return positions
    details = []
    if missing:
        details.append(f"{_listed(missing)} {_is(missing)} missing")
    if repeated:
        details.append(f"{_listed(repeated)} {'appears' if len(repeated) == 1 else 'appear'} twice")
    if unexpected:
        details.append(f"{_listed(unexpected)} {_is(unexpected)} not expected")
    message = (
        "The first line must name exactly three columns: variable, category, total. "
        f"It has {_listed([cell.strip() for cell in header])}: {'; '.join(details)}"
    )
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        message += f". The columns are not separated by commas: {SAVE_AS}"
    raise TargetsError([RowProblem(1, message)])


def _listed(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _is(names: Sequence[str]) -> str:
    return "is" if len(names) == 1 else "are"


@dataclass(frozen=True)
class _Row:
    line: int
    variable: str
    category: str
    total: str
    extra: bool  # values in columns with no name


def _rows(reader, positions: Mapping[str, int]) -> list[_Row]:
    """The non-blank rows, each with the line it starts on."""
    rows = []
    named = set(positions.values())
    line = reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            value = {
                name: cells[at].strip() if at < len(cells) else "" for name, at in positions.items()
            }
            extra = any(cell.strip() for at, cell in enumerate(cells) if at not in named)
            rows.append(_Row(line, value["variable"], value["category"], value["total"], extra))
        line = reader.line_num + 1
    return rows


def _check(rows: list[_Row], expected: Mapping[str, Sequence[str]]) -> dict[str, dict[str, float]]:
    """Every row's and the whole file's problems, or the totals when there are none."""
    problems: list[RowProblem] = []
    found: dict[str, dict[str, float]] = {variable: {} for variable in expected}
    first_seen: dict[tuple[str, str], int] = {}
    for row in rows:
        key, total, messages = _read_row(row, expected, first_seen)
        if messages:
            problems.append(RowProblem(row.line, f"Row {row.line}: " + "; ".join(messages)))
        elif key is not None:
            found[key[0]][key[1]] = total
    for variable, categories in expected.items():
        given = {category for seen, category in first_seen if seen == variable}
        if not given:
            problems.append(
                RowProblem(
                    None,
                    f"There are no rows for {variable}: give a total for each of its categories "
                    f"({', '.join(categories)})",
                )
            )
        elif absent := [category for category in categories if category not in given]:
            problems.append(RowProblem(None, f"{variable} has no row for {_categories(absent)}"))
    disagreement = _disagreement(found, expected)
    if disagreement:
        problems.append(RowProblem(None, disagreement))
    if problems:
        raise TargetsError(problems)
    return {
        variable: {category: found[variable][category] for category in categories}
        for variable, categories in expected.items()
    }


def _read_row(
    row: _Row, expected: Mapping[str, Sequence[str]], first_seen: dict[tuple[str, str], int]
) -> tuple[tuple[str, str] | None, float, list[str]]:
    """A row's (variable, category) and total, and what is wrong with it in words.

    Records the row in `first_seen`, so that a repeat names the row it repeats.
    """
    messages = []
    if row.extra:
        messages.append("it has values beyond the three columns; remove them")
    variable = _match(row.variable, list(expected))
    category = None
    if not row.variable:
        messages.append("the variable is blank")
    elif variable is None:
        messages.append(
            f'"{row.variable}" is not a weighting variable (expected {", ".join(expected)})'
        )
    else:
        category = _match(row.category, list(expected[variable]))
        if not row.category:
            messages.append(f"the category of {variable} is blank")
        elif category is None:
            messages.append(
                f'"{row.category}" is not a category of {variable} '
                f"(expected {', '.join(expected[variable])})"
            )
    key = None if category is None else (variable, category)
    named = "this row" if key is None else f"{variable} {category}"
    if key in first_seen:
        messages.append(f"{named} is given twice (first on row {first_seen[key]})")
        key = None
    elif key is not None:
        first_seen[key] = row.line
    total, complaint = _total(row.total, named)
    if complaint:
        messages.append(complaint)
    return key, total, messages


def _categories(names: Sequence[str]) -> str:
    return ("category " if len(names) == 1 else "categories ") + ", ".join(names)


def _match(value: str, choices: Sequence[str]) -> str | None:
    """The choice `value` names, exactly or else ignoring case; None when it names none."""
    if value in choices:
        return value
    folded = [choice for choice in choices if choice.casefold() == value.casefold()]
    return folded[0] if len(folded) == 1 else None


def _total(text: str, named: str) -> tuple[float, str]:
    """A total as a number, or a complaint about it in words."""
    if not text:
        return math.nan, f"the total for {named} is blank"
    cleaned = text.replace(",", "") if THOUSANDS.fullmatch(text) else text
    try:
        # float() would also take "1_000"; a spreadsheet never writes that, so it is refused
        number = float(cleaned.replace(" ", "")) if "_" not in cleaned else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        return number, f'the total for {named}, "{text}", is not a number'
    if number < 0:
        return number, f"the total for {named} is {text}, below zero"
    if number == 0:
        return number, (
            f"the total for {named} is 0; weighting needs a positive total for every category "
            "(merge a category with no population into another)"
        )
    return number, ""


def _disagreement(
    found: Mapping[str, Mapping[str, float]], expected: Mapping[str, Sequence[str]]
) -> str:
    """Words saying the variables' totals disagree by more than rake() allows, or ''.

    Only variables with a total for every category are compared, as rake() compares them: each
    with the first.
    """
    sums = {
        variable: sum(found[variable].values())
        for variable, categories in expected.items()
        if categories and len(found[variable]) == len(categories)
    }
    if len(sums) < 2:
        return ""
    reference = next(iter(sums.values()))
    if all(abs(total - reference) <= TOTALS_AGREE_WITHIN * reference for total in sums.values()):
        return ""
    each = ", ".join(f"{variable} sums to {total:,.10g}" for variable, total in sums.items())
    return (
        f"The variables' totals disagree by more than {TOTALS_AGREE_WITHIN:.1%}: {each}. Each "
        "variable divides the same population, so their totals must agree"
    )
