"""Headline indicators over waves: the latest figure, its changes and a national benchmark.

Pure: reads the payloads that engage.surveys.results makes (one per wave, oldest first) and
says what they show in figures and in plain words, the changes tested as analysis does. A
figure with too few respondents behind it is neither given nor compared.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from engage.surveys.analysis import Comparison, LowBase, compare_waves, compare_with_benchmark
from engage.surveys.estimates import Estimate
from engage.surveys.results import OVERALL, SUPPRESSED

TOO_FEW = Comparison(math.nan, math.nan, math.nan, False, "too few respondents to compare")


@dataclass(frozen=True)
class Benchmark:
    """A published figure to compare with, such as the Crime Survey's for England and Wales.

    `value` is a percentage. A note in brackets at the end of `source`, such as the publisher
    ("(ONS)"), is left out of sentences.
    """

    value: float
    source: str
    period: str  # "year ending March 2025"


@dataclass(frozen=True)
class WaveFigures:
    """One wave's title ("April to June 2026") and its results payload."""

    title: str
    payload: dict


@dataclass(frozen=True)
class Headline:
    """An indicator in the latest wave: its figure (percentages), changes, benchmark and words."""

    code: str
    label: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    status: str
    since_last: Comparison | None
    last_title: str | None
    since_first: Comparison | None
    first_title: str | None
    against_benchmark: Comparison | None
    benchmark: Benchmark | None
    sentences: tuple[str, ...]


def headlines(
    waves: Sequence[WaveFigures], benchmarks: Mapping[str, Benchmark], group: str = OVERALL
) -> list[Headline]:
    """Each indicator of the last wave in `waves`, for `group`, with its changes since the
    previous and the first wave that measured it the same way, and against its benchmark."""
    if not waves:
        return []
    latest = waves[-1]
    low_base = LowBase(**latest.payload["low_base"])
    found = []
    for indicator in latest.payload["indicators"]:
        row = _row(indicator, group)
        if row is None:
            continue
        earlier = _comparable(waves[:-1], indicator, group)
        last = earlier[-1] if earlier else None
        first = earlier[0] if len(earlier) > 1 else None
        benchmark = benchmarks.get(indicator["code"])
        headline = Headline(
            code=indicator["code"],
            label=indicator["label"],
            value=row["value"],
            low=row["low"],
            high=row["high"],
            n=row["n"],
            status=row["status"],
            since_last=_change(last, row, low_base),
            last_title=last[0] if last else None,
            since_first=_change(first, row, low_base),
            first_title=first[0] if first else None,
            against_benchmark=_against(benchmark, row, low_base),
            benchmark=benchmark,
            sentences=(),
        )
        found.append(_with_sentences(headline))
    return found


def trend(waves: Sequence[WaveFigures], indicator: str, group: str = OVERALL) -> list[dict]:
    """The indicator's figure in each wave that measured it as the latest such wave did.

    Rows of title, value, low, high, n and status (percentages, as the payloads hold them).
    """
    measured = [wave for wave in waves if _indicator(wave.payload, indicator) is not None]
    if not measured:
        return []
    latest = _indicator(measured[-1].payload, indicator)
    return [
        {"title": title, **{key: row[key] for key in ("value", "low", "high", "n", "status")}}
        for title, row in _comparable(measured, latest, group)
    ]


def estimate_of(row: dict) -> Estimate:
    """The estimate behind an indicator row of a payload (percentages back to proportions).

    Raises ValueError for a row whose figures were blanked for publication.
    """
    if row["value"] is None:
        raise ValueError("This row has no figures: too few respondents")
    return Estimate(
        value=row["value"] / 100,
        se=row["se"] / 100,
        ci_low=row["low"] / 100,
        ci_high=row["high"] / 100,
        n=row["n"],
        effective_n=row["effective_n"],
        proportion=True,
    )


def _indicator(payload: dict, code: str) -> dict | None:
    return next((entry for entry in payload["indicators"] if entry["code"] == code), None)


def _row(indicator: dict, group: str) -> dict | None:
    return next((row for row in indicator["rows"] if row["group"] == group), None)


def _comparable(waves: Sequence[WaveFigures], indicator: dict, group: str) -> list:
    """(title, row) for each wave whose indicator has the same definition: the same question and
    answers counted and left out. A changed definition starts a new series."""
    definition = _definition(indicator)
    found = []
    for wave in waves:
        theirs = _indicator(wave.payload, indicator["code"])
        if theirs is not None and _definition(theirs) == definition:
            row = _row(theirs, group)
            if row is not None:
                found.append((wave.title, row))
    return found


def _definition(indicator: dict) -> tuple:
    return indicator["question"], set(indicator["positive"]), set(indicator["excluded"])


def _usable(row: dict) -> bool:
    return row["value"] is not None and row["status"] != SUPPRESSED


def _change(earlier: tuple | None, row: dict, low_base: LowBase) -> Comparison | None:
    if earlier is None:
        return None
    if not (_usable(earlier[1]) and _usable(row)):
        return TOO_FEW
    return compare_waves(estimate_of(earlier[1]), estimate_of(row), low_base=low_base)


def _against(benchmark: Benchmark | None, row: dict, low_base: LowBase) -> Comparison | None:
    if benchmark is None:
        return None
    if not _usable(row):
        return TOO_FEW
    return compare_with_benchmark(estimate_of(row), benchmark.value / 100, low_base=low_base)


def _mid_sentence(label: str) -> str:
    """A label written to stand alone ("Feel safe ...") as it reads after a figure; acronyms
    ("PCC ...") keep their capitals."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def _with_sentences(headline: Headline) -> Headline:
    """The headline with what it shows in words, figures rounded for people to read."""
    sentences = []
    label = _mid_sentence(headline.label)
    if headline.value is None or headline.status == SUPPRESSED:
        sentences.append(f"Too few people answered to say how many {label}.")
    else:
        sentences.append(
            f"{_percent(headline.value)} ({_percent(headline.low)} to {_percent(headline.high)}) "
            f"{label}."
        )
        if headline.status:
            sentences.append(f"Based on only {headline.n} people: treat with caution.")
    for change, title in (
        (headline.since_last, headline.last_title),
        (headline.since_first, headline.first_title),
    ):
        if change is not None:
            sentences.append(_change_in_words(change, title))
    if headline.against_benchmark is not None:
        sentences.append(_benchmark_in_words(headline.against_benchmark, headline.benchmark))
    return replace(headline, sentences=tuple(sentences))


def _change_in_words(change: Comparison, title: str) -> str:
    if math.isnan(change.p_value):
        return f"Too few respondents to compare with {title}."
    if not change.significant:
        return f"No significant change since {title}."
    direction = "Up" if change.difference > 0 else "Down"
    return f"{direction} {_points(change.difference)} since {title}: a significant change."


def _benchmark_in_words(gap: Comparison, benchmark: Benchmark) -> str:
    source = re.sub(r"\s*\([^()]*\)$", "", benchmark.source)
    national = f"the national figure of {_percent(benchmark.value)} ({source}, {benchmark.period})"
    if math.isnan(gap.p_value):
        return f"Too few respondents to compare with {national}."
    if not gap.significant:
        return f"No significant difference from {national}."
    side = "above" if gap.difference > 0 else "below"
    points = _points(gap.difference)
    return f"{points[0].upper()}{points[1:]} {side} {national}: a significant difference."


def _percent(value: float) -> str:
    return f"{_whole(value)}%"


def _points(difference: float) -> str:
    """A difference of proportions in whole percentage points, as people say it."""
    points = _whole(abs(100 * difference))
    if points == 0:
        return "less than 1 point"
    return "1 point" if points == 1 else f"{points} points"


def _whole(value: float) -> int:
    """Rounded half up, as people round (Python's round() takes 72.5 to 72)."""
    return math.floor(value + 0.5)
