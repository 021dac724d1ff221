"""The fieldwork monitor: who has answered so far, against the shares the sample should reach.

Pure: no Flask, no database. Shares are of the responses that gave a category; "prefer not to
say" and no answer are counted apart, so they neither help nor hide a shortfall. A category is
short when its share is below its target by more than the tolerance (in percentage points);
"short by N" is how many more responses it would have if it were in proportion to the
responses so far (target share x responses with a category, less those it has).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The questions the monitor follows, in the order it shows them, with the words it uses.
MONITORED = {"DISTRICT": "District", "AGE_BAND": "Age band", "SEX": "Sex"}
NOT_STATED = frozenset({"PREFER_NOT"})  # option codes that are no category at all
TOLERANCE = 0.02  # two percentage points below target is still on track
TOTAL_SLACK = 0.5  # percentages may add up to between 99.5 and 100.5 (rounding)


@dataclass(frozen=True)
class Category:
    """A category the sample is balanced on (an answer option that is not "prefer not")."""

    code: str
    label: str


@dataclass(frozen=True)
class CategoryProgress:
    """One category's responses so far against its target share."""

    code: str
    label: str
    achieved: int
    share: float | None  # of the responses that gave a category; None before any
    target: float | None  # the share the sample should reach; None when not set
    expected: float | None  # responses it would have in proportion: target x base
    short: bool

    @property
    def shortfall(self) -> int:
        """How many more responses it needs to be in proportion (0 when on track)."""
        if not self.short or self.expected is None:
            return 0
        return max(1, math.ceil(self.expected - self.achieved - 1e-9))


@dataclass(frozen=True)
class VariableProgress:
    """A monitored question: its categories, and the responses without a category."""

    code: str
    title: str
    categories: tuple[CategoryProgress, ...]
    base: int  # responses that gave a category
    not_stated: int  # "prefer not to say"
    missing: int  # complete responses with no answer to it (not asked, or imported without)

    @property
    def has_targets(self) -> bool:
        return any(category.target is not None for category in self.categories)

    @property
    def short(self) -> tuple[CategoryProgress, ...]:
        return tuple(category for category in self.categories if category.short)


def categories_of(options: Sequence[tuple[str, str]]) -> tuple[Category, ...]:
    """The categories among a question's (code, label) options: all but "prefer not to say"."""
    return tuple(Category(code, label) for code, label in options if code not in NOT_STATED)


def progress(
    code: str,
    categories: Sequence[Category],
    counts: Mapping[str, int],
    total: int,
    targets: Mapping[str, float] | None = None,
    tolerance: float = TOLERANCE,
) -> VariableProgress:
    """Achieved counts and shares of one question's categories against its target shares.

    `counts` holds the complete responses per option code (including "prefer not"), `total`
    the complete responses, `targets` the share per category code.
    """
    targets = targets if isinstance(targets, Mapping) else {}
    base = sum(counts.get(category.code, 0) for category in categories)
    answered = sum(counts.values())
    rows = []
    for category in categories:
        achieved = counts.get(category.code, 0)
        share = achieved / base if base else None
        target = targets.get(category.code)
        if not isinstance(target, int | float) or isinstance(target, bool):
            target = None
        expected = target * base if target is not None else None
        short = (
            target is not None
            and base > 0
            and share is not None
            and share < target - tolerance - 1e-9
        )
        rows.append(
            CategoryProgress(
                category.code, category.label, achieved, share, target, expected, short
            )
        )
    return VariableProgress(
        code=code,
        title=MONITORED.get(code, code),
        categories=tuple(rows),
        base=base,
        not_stated=answered - base,
        missing=max(0, total - answered),
    )


class TargetsError(ValueError):
    """Targets as typed cannot be used; `errors` maps (question code, category code) to why."""

    def __init__(self, errors: Mapping[tuple[str, str], str]):
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


def targets_from_percentages(
    variables: Mapping[str, Sequence[Category]], typed: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, float]]:
    """Target shares from percentages typed per category; a question left blank has none.

    Every category of a question with targets needs one, each from 0 to 100, adding up to 100
    (give or take TOTAL_SLACK for rounding); they are stored as shares that add up to 1.
    """
    targets: dict[str, dict[str, float]] = {}
    errors: dict[tuple[str, str], str] = {}
    for code, categories in variables.items():
        title = MONITORED.get(code, code).lower()
        entered = {c.code: (typed.get(code, {}).get(c.code) or "").strip() for c in categories}
        if not any(entered.values()):
            continue
        percentages: dict[str, float] = {}
        for category in categories:
            text = entered[category.code].removesuffix("%").strip()
            if not text:
                errors[code, category.code] = (
                    f"Enter a target for {category.label}, or leave every {title} blank"
                )
                continue
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if not math.isfinite(number) or not 0 <= number <= 100:
                errors[code, category.code] = (
                    f"Target for {category.label} must be a percentage from 0 to 100, like 18.5"
                )
                continue
            percentages[category.code] = number
        if len(percentages) < len(categories):
            continue
        total = sum(percentages.values())
        if abs(total - 100) > TOTAL_SLACK:
            errors[code, categories[0].code] = (
                f"Targets for {title} add up to {total:g}%: they must add up to 100%"
            )
            continue
        targets[code] = {key: round(value / total, 6) for key, value in percentages.items()}
    if errors:
        raise TargetsError(errors)
    return targets


def percentages_of(targets: Mapping[str, Mapping[str, float]] | None) -> dict[str, dict[str, str]]:
    """Stored target shares as the percentages a form shows, like '18.5'."""
    return {
        code: {category: f"{round(share * 100, 2):g}" for category, share in shares.items()}
        for code, shares in (targets or {}).items()
        if isinstance(shares, Mapping)
    }
