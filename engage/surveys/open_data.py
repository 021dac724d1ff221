"""A wave's published tables as open data: one JSON document and one CSV, schema 1.0.

Pure. Built from the *published* results payload only, and every field is copied by name, so
what leaves is exactly what the public page shows: no respondent counts per answer, no free
text, and no figure for a suppressed group (emptied here too, whatever the payload holds).

JSON (schema 1.0)::

    {"schema_version": "1.0", "publisher": str, "survey": {"code", "title"},
     "wave": {"code", "title", "fieldwork_start", "fieldwork_end"},  # ISO 8601 dates
     "published_at": str, "licence": str, "licence_url": str,
     "methods": {..., "confidence": 0.95, "low_base": {"flag_below", "suppress_below"}},
     "tables": [{"code", "text", "type", "section", "measure": "percent" | "mean",
                 "answers": [{"code", "label"}], "rows": [ROW, ...]}]}

Each ROW holds the FIELDS below except survey, wave, question_code and question, which the
CSV repeats on every row because a CSV has nowhere else to put them. Missing figures are null
in JSON and empty in the CSV.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from engage.surveys.analysis import ALL_RESPONDENTS, LowBase
from engage.surveys.exports import ALL_GROUP, MEAN_ANSWER, rounded, status_note
from engage.surveys.questions import QuestionType

SCHEMA_VERSION = "1.0"
LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class Field(NamedTuple):
    """A column of the open-data CSV (and key of a JSON row), documented on the public page."""

    name: str
    description: str


FIELDS = (
    Field("survey", "The survey's code."),
    Field("wave", "The wave's code (one round of the survey)."),
    Field("question_code", "The question's code, the same in every wave that asks it."),
    Field("question", "The question as asked."),
    Field("group_code", "ALL for all respondents, or the code of the area."),
    Field("group", "“All respondents”, or the area's name."),
    Field("answer_code", "The answer's code, or “mean” for the average of a number question."),
    Field("answer", "The answer as shown to respondents, or “Mean”."),
    Field(
        "weighted_percent",
        "Weighted percentage of the group giving this answer (0 to 100, 1 decimal place). "
        "Empty for a mean, or where suppressed.",
    ),
    Field(
        "weighted_mean",
        "Weighted average answer to a number or rating question (2 decimal places). "
        "Empty for a percentage, or where suppressed.",
    ),
    Field(
        "ci_low",
        "Lower end of the confidence interval for the figure, in the same units "
        "(at the level given in the methods, normally 95%).",
    ),
    Field("ci_high", "Upper end of the confidence interval for the figure."),
    Field("base", "How many respondents in the group answered the question (unweighted)."),
    Field(
        "note",
        "Empty; or “Low base (under N)”: fewer respondents than N, treat with caution; or "
        "“Suppressed (under N)”: too few respondents to publish a figure.",
    ),
)
REPEATED = ("survey", "wave", "question_code", "question")  # CSV only; JSON holds them once
ROW_FIELDS = tuple(field.name for field in FIELDS if field.name not in REPEATED)
WAVE_FIELDS = ("code", "title", "fieldwork_start", "fieldwork_end")


def open_data_json(published_payload: Mapping[str, Any], meta: Mapping[str, Any]) -> dict:
    """The open-data JSON document (a dict json.dumps accepts) for a wave's published results.

    `meta` gives what the payload does not: "publisher", "survey" {code, title}, "wave" {code,
    title, fieldwork_start, fieldwork_end}, "published_at" and "methods" (a dict of what was
    done, for example weighting and fieldwork; confidence and the low-base rule are added here).
    """
    low_base = dict(published_payload.get("low_base") or {})
    rule = LowBase(**low_base)
    methods = {
        **dict(meta.get("methods") or {}),
        "confidence": published_payload.get("confidence"),
        "low_base": {"flag_below": rule.flag_below, "suppress_below": rule.suppress_below},
    }
    survey = meta.get("survey") or {}
    wave = meta.get("wave") or {}
    groups = {group["code"]: group["label"] for group in published_payload.get("groups", ())}
    tables = [
        _table(question, groups, low_base)
        for question in published_payload.get("questions", ())
        if question.get("type") != QuestionType.TEXT
    ]
    return _plain(
        {
            "schema_version": SCHEMA_VERSION,
            "publisher": meta.get("publisher", ""),
            "survey": {"code": survey.get("code"), "title": survey.get("title")},
            "wave": {key: wave.get(key) for key in WAVE_FIELDS},
            "published_at": meta.get("published_at"),
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "methods": methods,
            "tables": tables,
        }
    )


def _table(question: Mapping, groups: Mapping[str, str], low_base: Mapping) -> dict:
    """One question's table: what was asked, its answers, and its rows of published figures."""
    mean = question.get("kind") == "mean"
    answers = {answer["code"]: answer["label"] for answer in question.get("answers", ())}
    rows = []
    for row in question.get("rows", ()):
        status = row.get("status", "")
        shown = status != "suppressed"  # defence in depth: the published copy is emptied too
        figure = rounded(row.get("weighted"), question.get("kind")) if shown else None
        rows.append(
            {
                "group_code": row["group"],
                "group": ALL_RESPONDENTS
                if row["group"] == ALL_GROUP
                else groups.get(row["group"], row["group"]),
                "answer_code": row["answer"],
                "answer": "Mean"
                if row["answer"] == MEAN_ANSWER
                else answers.get(row["answer"], row["answer"]),
                "weighted_percent": None if mean else figure,
                "weighted_mean": figure if mean else None,
                "ci_low": rounded(row.get("low"), question.get("kind")) if shown else None,
                "ci_high": rounded(row.get("high"), question.get("kind")) if shown else None,
                "base": row.get("base"),
                "note": status_note(status, low_base),
            }
        )
    return {
        "code": question["code"],
        "text": question.get("text", ""),
        "type": question.get("type"),
        "section": question.get("section", ""),
        "measure": "mean" if mean else "percent",
        "answers": [{"code": code, "label": label} for code, label in answers.items()],
        "rows": rows,
    }


def _plain(value: Any) -> Any:
    """`value` as JSON types: dates as ISO 8601, NaN as null, NumPy scalars as Python ones."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def open_data_rows(published_payload: Mapping[str, Any], meta: Mapping[str, Any]) -> pd.DataFrame:
    """The same figures as `open_data_json`, one row per (question, group, answer); columns FIELDS.

    Write it with engage.surveys.exports.to_csv.
    """
    document = open_data_json(published_payload, meta)
    records = [
        {
            "survey": document["survey"]["code"],
            "wave": document["wave"]["code"],
            "question_code": table["code"],
            "question": table["text"],
            **row,
        }
        for table in document["tables"]
        for row in table["rows"]
    ]
    frame = pd.DataFrame(records, columns=[field.name for field in FIELDS])
    figures = ["weighted_percent", "weighted_mean", "ci_low", "ci_high"]
    frame[figures] = frame[figures].astype(float)
    frame["base"] = frame["base"].astype("Int64")
    return frame
