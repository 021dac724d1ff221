"""One wave's results as plain data: every question's table and the headline indicators.

Pure: a raking result and answers in, a JSON-serialisable dict out (plain Python types, NaN as
None), so a service can store it with the wave and pages, downloads and comparisons between
waves read it without weighting again. The payload holds every figure, with each row's status,
for staff; `for_publication` blanks what the public must not see.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from engage.surveys.analysis import LowBase, mean_table, question_table
from engage.surveys.estimates import CONFIDENCE
from engage.surveys.questions import QuestionSpec, QuestionType, standard_options
from engage.surveys.weighting import RakeResult

SCHEMA = 1  # raise when the payload's shape changes, so stored payloads can be told apart
OVERALL = "ALL"  # the group code of every respondent
MEAN = "mean"  # the answer code of a number or rating question's row
MEAN_QUESTIONS = frozenset({QuestionType.NUMBER, QuestionType.RATING})
SUPPRESSED = "suppressed"
QUESTION_FIGURES = ("weighted", "low", "high", "unweighted")
INDICATOR_FIGURES = ("value", "low", "high", "se", "effective_n")
DEFAULT_LOW_BASE = LowBase()


@dataclass(frozen=True)
class IndicatorSpec:
    """A headline figure: the % of those answering `question` who gave a `positive` answer.

    `label` reads after the percentage ("feel safe after dark"). Answers in `excluded` (such as
    DONT_KNOW) are left out of the base. For a number or rating question the answers are the
    numbers as written ("4", "5").
    """

    code: str
    label: str
    question: str
    positive: tuple[str, ...]
    excluded: tuple[str, ...] = ()


def wave_results(
    result: RakeResult,
    answers: Mapping[str, pd.Series | pd.DataFrame],
    specs: Sequence[QuestionSpec],
    *,
    groups: pd.Series | None = None,
    group_labels: Mapping[str, str] = MappingProxyType({}),
    indicators: Sequence[IndicatorSpec] = (),
    low_base: LowBase = DEFAULT_LOW_BASE,
    confidence: float = CONFIDENCE,
) -> dict:
    """Every question's weighted results and every indicator, overall and by group.

    `answers[code]` is aligned to `result.weights.index`: an option code or NaN per respondent
    (single choice, agreement), a number or NaN (number, rating), or a DataFrame of 0/1 columns
    named by option code, all NaN when unanswered (multiple choice). A question without answers
    has no figures. Free-text questions are left out, and so is an indicator whose question the
    wave did not ask. The groups are those of `group_labels`, in its order (a respondent in
    another, such as "Prefer not to say", counts only among all respondents); without labels,
    every group present, sorted, labelled by its code.
    """
    index = result.weights.index
    order: list = []
    if groups is not None:
        groups = groups if groups.index.equals(index) else groups.reindex(index)
        order = list(group_labels) or sorted(set(groups.dropna()), key=str)
        # Coded once, so each question's table need not match group names again.
        known = groups.where(groups.isin(order))
        groups = pd.Series(pd.Categorical(known, categories=order), index=index)
    tables = _Tables(result, groups, order, low_base, confidence)
    questions = [
        _question(spec, _answers_to(spec, answers.get(spec.code), index), tables)
        for spec in specs
        if spec.type is not QuestionType.TEXT
    ]
    asked = {spec.code: spec for spec in specs}
    return {
        "schema": SCHEMA,
        "confidence": float(confidence),
        "respondents": len(index),
        "low_base": {
            "flag_below": int(low_base.flag_below),
            "suppress_below": int(low_base.suppress_below),
        },
        "groups": [{"code": _plain(g), "label": group_labels.get(g, str(g))} for g in order],
        "questions": questions,
        "indicators": [
            _indicator(indicator, asked[indicator.question], answers, tables)
            for indicator in indicators
            if indicator.question in asked
        ],
    }


def for_publication(payload: dict) -> dict:
    """A copy for the public: suppressed figures blanked, per-answer counts and free text gone.

    The unweighted % goes too: with the base beside it, it would give each answer's count back.
    """
    published = copy.deepcopy(payload)
    published["questions"] = [
        question
        for question in published["questions"]
        if question["type"] != QuestionType.TEXT.value
    ]
    for question in published["questions"]:
        for row in question["rows"]:
            row.pop("respondents", None)
            row.pop("unweighted", None)
            if row["status"] == SUPPRESSED:
                row.update(dict.fromkeys(QUESTION_FIGURES))
    for indicator in published["indicators"]:
        for row in indicator["rows"]:
            if row["status"] == SUPPRESSED:
                row.update(dict.fromkeys(INDICATOR_FIGURES))
    return published


@dataclass(frozen=True)
class _Tables:
    """What every table of a wave shares: the weights, the groups and the rules."""

    result: RakeResult
    groups: pd.Series | None
    group_order: list
    low_base: LowBase
    confidence: float

    def options(self) -> dict:
        """Keyword arguments for question_table and mean_table: every figure, with its status."""
        return {
            "groups": self.groups,
            "group_order": self.group_order,
            "overall": OVERALL,
            "low_base": self.low_base,
            "confidence": self.confidence,
            "keep_suppressed": True,
        }


def _question(spec: QuestionSpec, answers: pd.Series | pd.DataFrame, tables: _Tables) -> dict:
    """One question's entry: what it asked and a row per (group, answer)."""
    entry = {
        "code": spec.code,
        "text": spec.text,
        "type": spec.type.value,
        "section": spec.section,
    }
    if spec.type in MEAN_QUESTIONS:
        table = mean_table(tables.result, answers, **tables.options())
        names = {MEAN: "Average"}
        figures = ("weighted", "ci low", "ci high", "unweighted")
        kind = "mean"
    else:
        labels = {option.code: option.label for option in _options(spec)}
        order = (
            list(answers.columns) if isinstance(answers, pd.DataFrame) else _order(answers, labels)
        )
        table = question_table(tables.result, answers, order=order, **tables.options())
        names = {code: labels.get(code, str(code)) for code in order}
        figures = ("weighted %", "ci low %", "ci high %", "unweighted %")
        kind = "choice"
    rows = [
        {
            "group": _plain(row["group"]),
            "answer": _plain(row["answer"]),
            **{
                name: _plain(row[column])
                for name, column in zip(QUESTION_FIGURES, figures, strict=True)
            },
            "respondents": int(row["respondents"]),
            "base": int(row["base"]),
            "status": row["status"],
        }
        for row in table.to_dict("records")
    ]
    answers_list = [{"code": _plain(code), "label": label} for code, label in names.items()]
    return entry | {"kind": kind, "answers": answers_list, "rows": rows}


def _answers_to(spec: QuestionSpec, given, index: pd.Index) -> pd.Series | pd.DataFrame:
    """The question's answers for the weighted respondents; a multiple-choice question's as a
    0/1 column per option, in the question's order (an option no one was offered counts as 0)."""
    if spec.type is not QuestionType.MULTIPLE:
        if given is None:
            return pd.Series(np.nan, index=index, dtype=object)
        if isinstance(given, pd.DataFrame):
            raise TypeError(f"Question {spec.code}: give its answers as a Series")
        return given if given.index.equals(index) else given.reindex(index)
    codes = [option.code for option in spec.options]
    if given is None:
        return pd.DataFrame(np.nan, index=index, columns=codes)
    if not isinstance(given, pd.DataFrame):
        raise TypeError(f"Question {spec.code}: give multiple choice answers as 0/1 columns")
    frame = given if given.index.equals(index) else given.reindex(index)
    answered = frame.notna().all(axis=1)
    extra = [column for column in frame.columns if column not in codes]
    frame = frame.reindex(columns=codes + extra)
    return frame.where(frame.notna() | ~answered.to_numpy()[:, np.newaxis], 0.0).astype(float)


def _options(spec: QuestionSpec):
    return spec.options or standard_options(spec.type)


def _order(answers: pd.Series, labels: Mapping[str, str]) -> list:
    """The question's options in order, then any other answers found (so shares add to 100)."""
    found = set(answers.dropna().unique()) - set(labels)
    return [*labels, *sorted(found, key=str)]


def _indicator(spec: IndicatorSpec, question: QuestionSpec, answers: Mapping, tables: _Tables):
    """One indicator's entry: its definition and a row per group, in percentages."""
    index = tables.result.weights.index
    y = _positive(spec, question, _answers_to(question, answers.get(question.code), index))
    blocks = [(OVERALL, np.ones(len(index), dtype=bool))]
    if tables.groups is not None:
        blocks += [(g, (tables.groups == g).to_numpy(dtype=bool)) for g in tables.group_order]
    # One column per group, missing outside it: one batch of estimates for every group.
    columns = {group: np.where(members, y, np.nan) for group, members in blocks}
    bases = {group: int(np.count_nonzero(~np.isnan(column))) for group, column in columns.items()}
    shown = {group: column for group, column in columns.items() if bases[group] > 0}
    batch = np.column_stack(list(shown.values())) if shown else np.empty((len(index), 0))
    estimates = dict(
        zip(shown, tables.result.estimate_many(batch, confidence=tables.confidence), strict=True)
    )
    rows = []
    for group, _ in blocks:
        estimate = estimates.get(group)
        figures = dict.fromkeys(INDICATOR_FIGURES)
        if estimate is not None:
            figures = {
                "value": 100 * estimate.value,
                "low": 100 * estimate.ci_low,
                "high": 100 * estimate.ci_high,
                "se": 100 * estimate.se,
                "effective_n": estimate.effective_n,
            }
        rows.append(
            {
                "group": _plain(group),
                **{name: _plain(value) for name, value in figures.items()},
                "n": bases[group],
                "status": tables.low_base.status(bases[group]),
            }
        )
    return {
        "code": spec.code,
        "label": spec.label,
        "question": spec.question,
        "positive": list(spec.positive),
        "excluded": list(spec.excluded),
        "rows": rows,
    }


def _positive(spec: IndicatorSpec, question: QuestionSpec, answers) -> np.ndarray:
    """1 for a positive answer, 0 for another, NaN for no answer or an excluded one."""
    if isinstance(answers, pd.DataFrame):
        answered = answers.notna().all(axis=1).to_numpy()
        chosen = answers.reindex(columns=list(spec.positive)).eq(1).any(axis=1).to_numpy()
        left_out = answers.reindex(columns=list(spec.excluded)).eq(1).any(axis=1).to_numpy()
    else:
        if question.type in MEAN_QUESTIONS:
            answers = pd.to_numeric(answers, errors="coerce")
            positive = [_number(spec, code) for code in spec.positive]
            excluded = [_number(spec, code) for code in spec.excluded]
        else:
            positive, excluded = list(spec.positive), list(spec.excluded)
        answered = answers.notna().to_numpy()
        chosen = answers.isin(positive).to_numpy()
        left_out = answers.isin(excluded).to_numpy()
    return np.where(answered & ~left_out, chosen.astype(float), np.nan)


def _number(spec: IndicatorSpec, code: str) -> float:
    try:
        return float(code)
    except ValueError:
        raise ValueError(
            f"Indicator {spec.code}: {code!r} is not a number, but {spec.question} asks for one"
        ) from None


def _plain(value):
    """A value as JSON has it: numpy numbers as Python ones, NaN as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
