"""Survey results as tables to take away: CSV and Excel files of the weighted figures.

Pure: takes the results payload (engage.surveys.results) and returns DataFrames or bytes, so every
export is tested without a database or app. Respondent-level data is in engage.surveys.microdata.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from engage.surveys.analysis import ALL_RESPONDENTS, LowBase

ALL_GROUP = "ALL"  # the payload's group code for all respondents
MEAN_ANSWER = "mean"  # the payload's answer code for the mean of a number or rating question
DECIMALS = {"choice": 1, "mean": 2}  # percentages to 0.1; a mean on a 1-5 scale needs 2


def rounded(value: float | None, kind: str = "choice") -> float | None:
    """A figure rounded for publication (see DECIMALS), or None where there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), DECIMALS.get(kind, 1))


def status_note(status: str, low_base: Mapping[str, int] | None = None) -> str:
    """A row's status in words, with the threshold that applied: "Low base (under 50)"."""
    rule = LowBase(**(low_base or {}))
    if status == "suppressed":
        return f"Suppressed (under {rule.suppress_below})"
    if status == "low base":
        return f"Low base (under {rule.flag_below})"
    return status


def tables_frame(payload: Mapping[str, Any], question: str | None = None) -> pd.DataFrame:
    """The payload's question tables in long form with human column names, one row per figure.

    Figures are headed "Weighted %" when every table is a choice question, "Weighted mean" when
    every one is a mean, and "Weighted % or mean" when mixed (the Answer "Mean" marks a mean).
    A "Respondents" column appears only when the payload still holds respondent counts (the
    staff copy; the published copy has none).
    """
    questions = list(payload["questions"])
    if question is not None:
        questions = [item for item in questions if item["code"] == question]
        if not questions:
            raise KeyError(f"the results have no table for question {question!r}")
    groups = {group["code"]: group["label"] for group in payload.get("groups", ())}
    measure = {frozenset({"choice"}): "%", frozenset({"mean"}): "mean"}.get(
        frozenset(item["kind"] for item in questions), "% or mean"
    )
    counted = any("respondents" in row for item in questions for row in item["rows"])
    figures = [f"Weighted {measure}", "95% CI low", "95% CI high", f"Unweighted {measure}"]
    columns = ["Question code", "Question", "Group", "Answer", *figures]
    columns += [*(["Respondents"] if counted else []), "Base (unweighted)", "Note"]
    records = []
    for item in questions:
        answers = {answer["code"]: answer["label"] for answer in item.get("answers", ())}
        answers[MEAN_ANSWER] = "Mean"
        for row in item["rows"]:
            group = row["group"]
            values = [row.get(key) for key in ("weighted", "low", "high", "unweighted")]
            record = [
                item["code"],
                item["text"],
                ALL_RESPONDENTS if group == ALL_GROUP else groups.get(group, group),
                answers.get(row["answer"], row["answer"]),
                *(rounded(value, item["kind"]) for value in values),
            ]
            record += [row.get("respondents")] if counted else []
            record += [row.get("base"), status_note(row.get("status", ""), payload.get("low_base"))]
            records.append(record)
    frame = pd.DataFrame(records, columns=columns)
    frame[figures] = frame[figures].astype(float)
    for count in ("Respondents", "Base (unweighted)"):
        if count in frame:
            frame[count] = frame[count].astype("Int64")
    return frame


def to_csv(frame: pd.DataFrame) -> bytes:
    """The frame as CSV bytes: UTF-8 with a byte-order mark, CRLF line ends (RFC 4180).

    Excel reads a CSV without a byte-order mark in the machine's legacy code page, which mangles
    district names and curly quotes; the mark makes it read UTF-8, and other tools ignore it.
    """
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(sheets: Mapping[str, pd.DataFrame], about: Sequence[tuple[str, str]] = ()) -> bytes:
    """An Excel workbook: an "About" sheet of (label, value) lines, then one sheet per table.

    Sheet names are made valid for Excel (31 characters, none of []:*?/\\, unique ignoring
    case); each table's header row is bold, frozen and filtered; numbers are stored as numbers.
    """
    book = Workbook()
    notes = book.active
    notes.title = "About"
    for label, value in about:
        notes.append([_cell(label), _cell(value)])
    for (label,) in notes.iter_rows(max_col=1):
        label.font = Font(bold=True)
        label.alignment = Alignment(vertical="top")
    for (value,) in notes.iter_rows(min_col=2, max_col=2):
        value.alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 90
    used = {"about"}
    for name, frame in sheets.items():
        _write_table(book.create_sheet(_sheet_name(name, used)), frame)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_table(sheet, frame: pd.DataFrame) -> None:
    sheet.append([_cell(column) for column in frame.columns])
    for values in frame.itertuples(index=False, name=None):
        sheet.append([_cell(value) for value in values])
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # a label starting "=" is text, not a formula to run
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = sheet.dimensions
    for position, column in enumerate(frame.columns, start=1):
        texts = [str(column), *(str(value) for value in frame[column].head(500).dropna())]
        width = max(len(text) for text in texts) + 2
        sheet.column_dimensions[get_column_letter(position)].width = min(max(width, 8), 60)


def _cell(value: Any) -> Any:
    """A value openpyxl stores as itself: numbers as numbers, missing as an empty cell."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, int | float | bool | dt.date | dt.datetime | dt.time):
        return value
    return str(value)


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid sheet name not yet in `used` (lower case), which it is added to."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "-", ILLEGAL_CHARACTERS_RE.sub("", str(name)))
    cleaned = cleaned.strip().strip("'") or "Table"
    if cleaned.lower() == "history":  # reserved by Excel
        cleaned = "History table"
    candidate, number = cleaned[:31].strip("' "), 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = cleaned[: 31 - len(suffix)].rstrip("' ") + suffix, number + 1
    used.add(candidate.lower())
    return candidate
