"""Print how fast `rake()` and `estimate()` are on a million respondents, against the issue's goals.

Usage: .venv/bin/python benchmarks/weighting.py [--respondents 1000000] [--repeats 5]

Draws a county survey with four string margins (age band, sex, district, ethnic group; dtype
"string[pyarrow]") in which older, female and White respondents are over-represented and ethnic
group and age vary by district, then, in one run and one environment:
- times `rake()` against weightipy's RIM weighting of the same frame (median after a warm-up),
  and checks both give the same weights once scaled to the same total;
- times `pd.factorize` of the four margins, the floor that any raking of string columns pays;
- times `estimate()` of a 0/1 variable, overall and within one district (the boolean `where`
  Series is built beforehand, as an analyst would hold it);
- measures the memory that `rake()` and `estimate()` take at a quarter, half and all of the
  respondents, per respondent, to show it grows linearly.
The goals are judged on medians; other load on the machine inflates them, so a "best" column
(the fastest run) is printed beside each, and the contenders take turns within every round.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow
import weightipy

from engage.surveys.weighting import rake

SEED = 20240611
POPULATION = 1_380_000  # residents aged 16 and over
STRING = pd.StringDtype("pyarrow")
RAKE_SPEEDUP_GOAL = 3.0
FACTORIZE_RATIO_GOAL = 1.5
ESTIMATE_SECONDS_GOAL = 0.25
SAME_WEIGHTS_GOAL = 1e-6

# {margin: {category: (share of the sample, share of the population)}}
MARGINS = {
    "age_band": {
        "16-24": (0.05, 0.14),
        "25-34": (0.09, 0.16),
        "35-44": (0.13, 0.15),
        "45-54": (0.17, 0.16),
        "55-64": (0.21, 0.15),
        "65-74": (0.20, 0.12),
        "75+": (0.15, 0.12),
    },
    "sex": {"Female": (0.56, 0.51), "Male": (0.44, 0.49)},
    "district": {
        "City": (0.20, 0.26),
        "North": (0.19, 0.18),
        "East": (0.17, 0.16),
        "South": (0.16, 0.15),
        "West": (0.14, 0.13),
        "Coast": (0.14, 0.12),
    },
    "ethnic_group": {
        "White": (0.92, 0.86),
        "Asian": (0.04, 0.07),
        "Black": (0.015, 0.03),
        "Mixed": (0.015, 0.025),
        "Other": (0.01, 0.015),
    },
}


def shares(margin: str, which: int) -> np.ndarray:
    """The sample (0) or population (1) shares of a margin's categories, in label order."""
    values = np.array([pair[which] for pair in MARGINS[margin].values()])
    return values / values.sum()


def draw(labels: list[str], codes: np.ndarray) -> pd.Series:
    return pd.Series(pd.array(np.array(labels, dtype=object)[codes], dtype=STRING))


def tilted(rng: np.random.Generator, base: np.ndarray, tilt: np.ndarray, groups: np.ndarray):
    """Codes drawn from `base` shares reweighted by `tilt ** group`, so groups differ."""
    codes = np.empty(len(groups), dtype=np.int64)
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        p = base * tilt ** (group - 2.0)
        codes[rows] = rng.choice(len(base), size=len(rows), p=p / p.sum())
    return codes


def survey(respondents: int) -> tuple[pd.DataFrame, dict]:
    """A sample with associated margins and a 0/1 answer (3% missing), and the population totals."""
    rng = np.random.default_rng(SEED)
    labels = {margin: list(categories) for margin, categories in MARGINS.items()}
    district = rng.choice(6, size=respondents, p=shares("district", 0))
    sex = rng.choice(2, size=respondents, p=shares("sex", 0))
    # City (0) is younger and more diverse; Coast (5) is older and less so.
    age = tilted(rng, shares("age_band", 0), np.linspace(1.08, 0.92, 7), district)
    ethnic = tilted(rng, shares("ethnic_group", 0), np.array([1.0, 0.8, 0.8, 0.85, 0.85]), district)
    confident = rng.random(respondents) < 0.45 + 0.04 * age - 0.03 * (district == 0)
    answer = np.where(rng.random(respondents) < 0.03, np.nan, confident.astype(float))
    frame = pd.DataFrame(
        {
            "age_band": draw(labels["age_band"], age),
            "sex": draw(labels["sex"], sex),
            "district": draw(labels["district"], district),
            "ethnic_group": draw(labels["ethnic_group"], ethnic),
            "confident_in_police": answer,
        }
    )
    targets = {
        margin: dict(zip(labels[margin], POPULATION * shares(margin, 1), strict=True))
        for margin in MARGINS
    }
    return frame, targets


def timings(actions: dict[str, Callable], repeats: int) -> tuple[dict, dict]:
    """Wall times of each action over `repeats` rounds after one warm-up, and their results.

    The actions take turns within each round, so a burst of load from elsewhere on the machine
    slows all of them, not just whichever happened to be running.
    """
    results = {name: action() for name, action in actions.items()}
    seconds: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeats):
        for name, action in actions.items():
            start = time.perf_counter()
            results[name] = action()
            seconds[name].append(time.perf_counter() - start)
    return seconds, results


def weightipy_weights(frame: pd.DataFrame, targets: dict) -> tuple[pd.Series, int]:
    """weightipy's RIM weights (mean 1); it rescales targets to percent and makes categories."""
    # convcrit is the smallest relative fall in the total weight change that keeps it iterating:
    # a tiny value runs until the weights stop changing, as tightly as floating point allows.
    scheme = weightipy.scheme_from_dict(targets, name="bench", rim_params={"convcrit": 1e-9})
    weights = weightipy.weight(frame, scheme)
    return weights, scheme.groups["global_group"]["iterations"]


def factorize_margins(frame: pd.DataFrame) -> None:
    for margin in MARGINS:
        pd.factorize(frame[margin])


def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    raise LookupError(field)


def memory(action: Callable) -> tuple[int, int]:
    """Peak bytes `action()` allocates: as traced (numpy and Python), and as peak RSS growth."""
    tracemalloc.start()
    action()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    with open("/proc/self/clear_refs", "w") as clear:  # reset the peak RSS to the current RSS
        clear.write("5")
    before = _status("VmRSS:")
    action()
    return traced, _status("VmHWM:") - before


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def row(measure: str, median: str, best: str = "", goal: str = "", met: bool | None = None) -> None:
    verdict = "" if met is None else ("met" if met else "MISSED")
    print(f"{measure:<42}{median:>10}{best:>10}  {goal:<10}{verdict}".rstrip())


def main(respondents: int, repeats: int) -> None:
    print(
        f"python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}, "
        f"pyarrow {pyarrow.__version__}, weightipy {weightipy.__version__}; "
        f"{os.cpu_count()} CPUs; {repeats} timed runs after one warm-up"
    )
    frame, targets = survey(respondents)
    print(f"{respondents:,} respondents; margins {', '.join(MARGINS)} as {frame['sex'].dtype!r}\n")

    seconds, results = timings(
        {
            "rake": lambda: rake(frame, targets),
            "weightipy": lambda: weightipy_weights(frame, targets),
            "factorize": lambda: factorize_margins(frame),
        },
        repeats,
    )
    result, (theirs, sweeps) = results["rake"], results["weightipy"]
    values = frame["confident_in_police"]
    coast = frame["district"] == "Coast"  # a nullable boolean Series, as pandas gives it
    estimate_seconds, estimates = timings(
        {"all": lambda: result.estimate(values), "coast": lambda: result.estimate(values, coast)},
        repeats,
    )
    median = {name: statistics.median(s) for name, s in (seconds | estimate_seconds).items()}
    best = {name: min(s) for name, s in (seconds | estimate_seconds).items()}
    ours = result.weights / result.weights.mean()
    difference = float(((ours - theirs / theirs.mean()).abs() / ours).max())

    row("measure", "median", "best", "goal")
    row("rake() ms", ms(median["rake"]), ms(best["rake"]))
    row("weightipy RIM ms", ms(median["weightipy"]), ms(best["weightipy"]))
    speedup = median["weightipy"] / median["rake"]
    row(
        "speed-up over weightipy",
        f"{speedup:.1f}x",
        f"{best['weightipy'] / best['rake']:.1f}x",
        f">= {RAKE_SPEEDUP_GOAL:g}x",
        speedup >= RAKE_SPEEDUP_GOAL,
    )
    row("sweeps to converge (rake, weightipy)", f"{result.iterations}, {sweeps}")
    row("design effect of the weights", f"{result.design_effect:.2f}")
    row(
        "max relative difference of weights",
        f"{difference:.1e}",
        "",
        f"< {SAME_WEIGHTS_GOAL:g}",
        difference < SAME_WEIGHTS_GOAL,
    )
    row(
        "pd.factorize of the 4 margins, ms",
        ms(median["factorize"]),
        ms(best["factorize"]),
    )
    ratio = median["rake"] / median["factorize"]
    row(
        "rake() / factorize",
        f"{ratio:.2f}",
        f"{best['rake'] / best['factorize']:.2f}",
        f"<= {FACTORIZE_RATIO_GOAL:g}",
        ratio <= FACTORIZE_RATIO_GOAL,
    )
    for name, label in (("all", "all"), ("coast", "where district is Coast")):
        row(
            f"estimate() ms, {label}",
            ms(median[name]),
            ms(best[name]),
            f"< {ms(ESTIMATE_SECONDS_GOAL)}",
            median[name] < ESTIMATE_SECONDS_GOAL,
        )
        estimate = estimates[name]
        print(f"  confident: {estimate.value:.4f} (se {estimate.se:.5f}, n {estimate.n:,})")
    print()
    # Measure memory in a fresh process whose allocators hand freed memory back to the system at
    # once, so that peak RSS growth shows each call's own use, not what earlier calls left behind.
    unpooled = {"MALLOC_MMAP_THRESHOLD_": "65536", "ARROW_DEFAULT_MEMORY_POOL": "system"}
    command = [sys.executable, __file__, "--respondents", str(respondents), "--memory-only"]
    subprocess.run(command, env=os.environ | unpooled, check=True)


def memory_table(respondents: int) -> None:
    """Peak bytes per respondent of rake() and estimate() at a quarter, half and all respondents."""
    frame, targets = survey(respondents)
    values = frame["confident_in_police"]
    print("peak memory per respondent, bytes: traced by tracemalloc (numpy and Python), and")
    print("growth of peak RSS (numpy, pyarrow and all); includes the result the call returns")
    print(f"{'respondents':>12}{'rake() traced':>15}{'RSS':>6}{'estimate() traced':>19}{'RSS':>6}")
    per_respondent = []
    for part in (4, 2, 1):
        size = respondents // part
        sample, answers = frame.iloc[:size], values.iloc[:size]
        traced, resident = memory(lambda sample=sample: rake(sample, targets))
        weighted = rake(sample, targets)
        estimated, estimated_resident = memory(
            lambda weighted=weighted, answers=answers: weighted.estimate(answers)
        )
        figures = np.array([traced, resident, estimated, estimated_resident]) / size
        per_respondent.append(figures[[0, 2]])
        widths = (15, 6, 19, 6)
        print(
            f"{size:>12,}" + "".join(f"{f:>{w}.0f}" for f, w in zip(figures, widths, strict=True))
        )
    spread = np.ptp(per_respondent, axis=0) / np.min(per_respondent, axis=0)
    print()
    goal, met = "< 10%", spread.max() < 0.1  # flat per respondent: memory grows linearly
    row("spread of traced bytes per respondent", f"{spread.max():.1%}", "", goal, met)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.memory_only:
        memory_table(arguments.respondents)
    else:
        main(arguments.respondents, arguments.repeats)
