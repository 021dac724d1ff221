"""From respondents' answers to what rake() takes: a frame of weighting categories and targets.

Pure: pandas in, pandas out; no Flask, no database. A weighting variable is a single choice
question whose answers are mapped to weighting categories (two age bands merged into "65_PLUS",
"Prefer not to say" to not known). Respondents whose category is not known are treated by a
documented rule (NotKnownRule), so none is dropped silently.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engage.surveys.errors import WeightingError
from engage.surveys.questions import QuestionSpec, QuestionType


class NotKnownRule(enum.StrEnum):
    """What weighting does with a respondent who did not give a weighting question's answer.

    OWN_CATEGORY (the default) keeps them: on that margin they form the category NOT_KNOWN,
    whose target is their (base-weighted) share of the sample times the population, and the
    known categories share the rest of the population in the targets' proportions. LEAVE_OUT
    gives them no weight, so they are left out of weighted results (and counted).
    """

    OWN_CATEGORY = "own category"
    LEAVE_OUT = "leave out"


NOT_KNOWN = "NOT_KNOWN"
UNMAPPED_BY_DEFAULT = frozenset({"PREFER_NOT", "DONT_KNOW"})
CATEGORY_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")


@dataclass(frozen=True)
class WeightingVariable:
    """A question used for weighting, and the weighting category of each of its answers.

    `categories` maps each answer (option code) to a category name, or to None when the answer
    says nothing about the respondent ("Prefer not to say"): they are not known on this margin.
    The margin is named by the question's code.
    """

    question: str
    categories: Mapping[str, str | None]

    def __post_init__(self):
        object.__setattr__(self, "categories", dict(self.categories))  # a copy no caller changes

    def category_names(self) -> list[str]:
        """The distinct categories answers are mapped to, in the order they first appear."""
        return list(dict.fromkeys(name for name in self.categories.values() if name is not None))

    def as_json(self) -> dict:
        """The variable as JSON-ready data, to store with a weighting scheme."""
        return {"question": self.question, "categories": dict(self.categories)}

    @classmethod
    def from_json(cls, data) -> WeightingVariable:
        """The variable stored by as_json(); WeightingError if `data` is not of that shape."""
        if not isinstance(data, Mapping) or not isinstance(data.get("question"), str):
            raise WeightingError("A weighting variable must name its question")
        categories = data.get("categories")
        if not isinstance(categories, Mapping) or not all(
            isinstance(code, str) and (name is None or isinstance(name, str))
            for code, name in categories.items()
        ):
            raise WeightingError(
                f"Weighting variable {data['question']}: its categories must map each answer "
                "to a category name or to nothing"
            )
        return cls(data["question"], dict(categories))


def default_variable(spec: QuestionSpec) -> WeightingVariable:
    """Each answer its own category, except answers that say nothing (Prefer not to say)."""
    return WeightingVariable(
        spec.code,
        {
            option.code: None if option.code in UNMAPPED_BY_DEFAULT else option.code
            for option in spec.options
        },
    )


def variable_problems(variable: WeightingVariable, spec: QuestionSpec | None) -> list[str]:
    """Why `variable` cannot be used to weight this version of the survey; [] when it can.

    `spec` is the question in the version being weighted, None when the version lacks it.
    """
    code = variable.question
    if spec is None:
        return [f"{code} is not a question in this version of the survey"]
    if spec.type is not QuestionType.SINGLE:
        return [f"{code} is a {spec.type} question; weighting needs a single choice question"]
    problems = []
    options = {option.code for option in spec.options}
    unknown = [answer for answer in variable.categories if answer not in options]
    if unknown:
        problems.append(f"{code} has no answer {_quoted(unknown)}")
    unplaced = [option for option in spec.options if option.code not in variable.categories]
    if unplaced:
        problems.append(
            f"{code}: say which category each answer is in, or that it is not known; "
            f"{_quoted(option.label for option in unplaced)} {'is' if len(unplaced) == 1 else 'are'} "
            "in none"
        )
    names = variable.category_names()
    if not names:
        problems.append(f"{code} puts every answer in not known: give at least one category")
    for name in names:
        if name.casefold() == NOT_KNOWN.casefold():
            problems.append(
                f'{code}: the category name "{name}" is kept for respondents whose answer is not '
                "known; choose another"
            )
        elif not CATEGORY_NAME.fullmatch(name):
            problems.append(
                f'{code}: the category name "{name}" must be 1 to 40 letters, digits, _ or -'
            )
    folded: dict[str, str] = {}
    for name in names:
        if name.casefold() in folded:
            problems.append(
                f'{code}: the categories "{folded[name.casefold()]}" and "{name}" differ only in '
                "capital letters; use one name"
            )
        folded.setdefault(name.casefold(), name)
    return problems


def _quoted(values) -> str:
    return ", ".join(f'"{value}"' for value in values)


@dataclass
class Prepared:
    """Respondents' weighting categories and the targets, ready for rake()."""

    frame: pd.DataFrame  # a column per variable (its question code); index: weighted respondents
    targets: dict[str, dict[str, float]]
    left_out: pd.Index  # respondents given no weight (LEAVE_OUT rule)
    not_known: dict[str, int]  # per variable, respondents whose category is not known
    base_weights: pd.Series | None  # aligned to frame.index, when given


def prepare(
    answers: pd.DataFrame,
    variables: Sequence[WeightingVariable],
    targets: Mapping[str, Mapping[str, float]],
    rule: NotKnownRule = NotKnownRule.OWN_CATEGORY,
    base_weights: pd.Series | None = None,
) -> Prepared:
    """Map each respondent's answers to weighting categories and apply the not-known rule.

    `answers` is indexed by respondent with a column per question code holding option codes
    (missing when not answered); `targets` is {question code: {category: population total}}.
    Raises WeightingError, in words, when the variables, targets and answers do not fit.
    """
    if not variables:
        raise WeightingError("Choose at least one question to weight by")
    codes = [variable.question for variable in variables]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise WeightingError(f"{', '.join(repeated)} is chosen more than once to weight by")
    if len(answers) == 0:
        raise WeightingError("There are no responses to weight")
    base = _base(base_weights, answers.index)
    columns, unknown = {}, {}
    for variable in variables:
        columns[variable.question], unknown[variable.question] = _categories(answers, variable)
        _check_targets(variable, targets)
    frame = pd.DataFrame(columns, index=answers.index, dtype=object)
    not_known = {code: int(missing.sum()) for code, missing in unknown.items()}
    chosen = {
        code: {category: float(total) for category, total in targets[code].items()}
        for code in codes
    }
    if rule is NotKnownRule.LEAVE_OUT:
        kept = ~np.logical_or.reduce(list(unknown.values()))
        if not kept.any():
            raise WeightingError(
                "No respondents remain to weight: every respondent left at least one weighting "
                "question unanswered, or gave an answer that is not known"
            )
        frame, base, left_out = frame[kept], base[kept], answers.index[~kept]
    else:
        left_out = answers.index[:0]
        for code, missing in unknown.items():
            chosen[code] = _with_not_known(
                code, chosen[code], float(base[missing].sum() / base.sum())
            )
            frame.loc[missing, code] = NOT_KNOWN
    return Prepared(
        frame=frame,
        targets=chosen,
        left_out=left_out,
        not_known=not_known,
        base_weights=None if base_weights is None else pd.Series(base, frame.index, name="base"),
    )


def _with_not_known(code: str, totals: dict[str, float], share: float) -> dict[str, float]:
    """The margin's targets with NOT_KNOWN given its share of the population, the rest scaled."""
    if share == 0:
        return totals
    if share == 1:
        raise WeightingError(
            f"No respondent gave a known answer to {code}, so it cannot be used to weight"
        )
    population = sum(totals.values())
    scaled = {category: total * (1 - share) for category, total in totals.items()}
    return {**scaled, NOT_KNOWN: share * population}


def _base(base_weights: pd.Series | None, index: pd.Index) -> np.ndarray:
    """Base weights in the answers' order (all ones when not given), which must be positive."""
    if base_weights is None:
        return np.ones(len(index))
    if not index.isin(base_weights.index).all():
        raise WeightingError("Every respondent needs a base weight")
    base = base_weights.reindex(index).to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(base) | (base <= 0)
    if bad.any():
        count = int(bad.sum())
        raise WeightingError(
            f"Base weights must be positive numbers: {count} {'is' if count == 1 else 'are'} not "
            f"(the first for respondent {index[np.argmax(bad)]})"
        )
    return base


def _categories(
    answers: pd.DataFrame, variable: WeightingVariable
) -> tuple[np.ndarray, np.ndarray]:
    """Each respondent's category on `variable` (None when not known), and who is not known."""
    code = variable.question
    if code not in answers.columns:
        raise WeightingError(f"The responses have no answers to {code}")
    values, answered = pd.factorize(answers[code], use_na_sentinel=True)
    answered = list(answered)
    mapping = {**variable.categories, "": None}  # an empty cell is no answer
    unplaced = [answer for answer in answered if answer not in mapping]
    if unplaced:
        count = int(np.isin(values, [answered.index(answer) for answer in unplaced]).sum())
        raise WeightingError(
            f"{code}: {count} {'respondent' if count == 1 else 'respondents'} answered "
            f"{_quoted(unplaced)}, which the weighting "
            "does not place in any category or in not known"
        )
    lookup = np.array([mapping[answer] for answer in answered] + [None], dtype=object)
    categories = lookup[values]  # a missing answer (-1) takes the last entry, None
    return categories, pd.isna(categories)


def _check_targets(variable: WeightingVariable, targets: Mapping[str, Mapping[str, float]]):
    """The targets must have exactly the categories the answers are mapped to."""
    code = variable.question
    if code not in targets:
        raise WeightingError(f"There are no population totals for {code}")
    given, mapped = list(targets[code]), variable.category_names()
    extra = [category for category in given if category not in mapped]
    absent = [category for category in mapped if category not in given]
    if extra or absent:
        differences = []
        if extra:
            differences.append(
                f"the population totals have {_quoted(extra)}, which no answer is in"
            )
        if absent:
            differences.append(f"answers are in {_quoted(absent)}, which has no population total")
        raise WeightingError(f"{code}: {'; and '.join(differences)}")
