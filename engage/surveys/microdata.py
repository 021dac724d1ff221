"""Anonymised respondent-level data (microdata), its codebook and its SPSS file.

Apart from the tables (engage.surveys.exports) because the risks and the readers differ: one row
per respondent must not reveal who answered or in what order, and analysts need every coded
value explained and a file their statistics package opens. Pure, like the tables: answers as
pandas objects and question specs in, DataFrames or bytes out; write CSV with exports.to_csv.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import tempfile
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyreadstat

from engage.surveys.questions import CHOICE_TYPES, QuestionSpec, QuestionType

SERIAL_LABEL = "Respondent serial number, in random order (not the order responses came in)"
WEIGHT_LABEL = (
    "Raking weight: how many residents the respondent stands for; weights sum to the "
    "population total. Empty for a respondent left out of weighting (a weighting question not "
    "answered, under the 'leave out' rule): leave those rows out of weighted analysis."
)
SELECTED = (("0", "Not selected"), ("1", "Selected"))


class Variable(NamedTuple):
    """A column of respondent-level data: a question, or one option of a multiple-choice one."""

    name: str
    spec: QuestionSpec
    option: str | None = None

    @property
    def label(self) -> str:
        if self.option is None:
            return self.spec.text
        return f"{self.spec.text}: {self.spec.option(self.option).label}"

    @property
    def values(self) -> list[tuple[str, str]]:
        """(value, label) pairs of a coded variable; empty for a number."""
        if self.option is not None:
            return list(SELECTED)
        if self.spec.type in CHOICE_TYPES:
            return [(option.code, option.label) for option in self.spec.options]
        return []


def variables(specs: Iterable[QuestionSpec]) -> list[Variable]:
    """The respondent-level columns `specs` give, in order; free text gives none."""
    found = []
    for spec in specs:
        if spec.type is QuestionType.MULTIPLE:
            found += [Variable(f"{spec.code}_{o.code}", spec, o.code) for o in spec.options]
        elif spec.type is not QuestionType.TEXT:
            found.append(Variable(spec.code, spec))
    return found


def shuffle_seed(secret: str | bytes, context: str) -> int:
    """A seed for `microdata` that is stable for `context` (a wave) but secret without `secret`."""
    key = secret.encode() if isinstance(secret, str) else secret
    return int.from_bytes(hmac.new(key, context.encode(), hashlib.sha256).digest()[:8], "big")


def microdata(
    answers: Mapping[str, pd.Series | pd.DataFrame],
    specs: Sequence[QuestionSpec],
    weights: pd.Series,
    extra: Mapping[str, pd.Series] | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """Anonymised respondent-level data: serial, one column per variable, extras, then weight.

    `answers` are keyed by question code and indexed by respondent, as the results read them
    (single choice: the option code; number: a float; multiple choice: 0/1 columns named by
    option code, or a Series of chosen codes). Rows are every respondent in any input, in a
    shuffled order numbered 1..n, and the index is dropped, so neither row order nor serial
    reveals database ids or the order responses came in. Anyone who knows the seed and the
    code can undo the shuffle: pass a secret one (see `shuffle_seed`) for reproducible serials;
    the default (None) shuffles afresh each time. Respondents with no weight (left out of
    weighting) are kept, with the weight empty. Free-text questions are left out.
    """
    extra = dict(extra or {})
    columns = variables(specs)
    clash = sorted(set(extra) & {"serial", "weight", *(column.name for column in columns)})
    if clash:
        raise ValueError(f"extra columns clash with survey columns: {', '.join(clash)}")
    respondents = _respondents([weights, *answers.values(), *extra.values()])
    shuffled = respondents[np.random.default_rng(seed).permutation(len(respondents))]
    data: dict[str, Any] = {"serial": pd.Series(np.arange(1, len(shuffled) + 1))}
    for spec in specs:
        given = answers.get(spec.code)
        if spec.type is QuestionType.MULTIPLE:
            chosen = _chosen(spec, given, shuffled)
            data.update({f"{spec.code}_{code}": chosen[code] for code in chosen.columns})
        elif spec.type in CHOICE_TYPES:
            data[spec.code] = _single(spec, given, shuffled)
        elif spec.type is not QuestionType.TEXT:
            data[spec.code] = _numbers(given, shuffled)
    for name, values in extra.items():
        data[name] = values.reindex(shuffled).reset_index(drop=True)
    data["weight"] = weights.reindex(shuffled).astype(float).reset_index(drop=True)
    return pd.DataFrame(data)


def _respondents(inputs: Iterable[pd.Series | pd.DataFrame]) -> pd.Index:
    """Every respondent in the inputs, sorted so the shuffle depends only on who is there."""
    indexes = [values.index for values in inputs]
    index = indexes[0].append(indexes[1:]).unique()
    try:
        return index.sort_values()
    except TypeError:
        return index


def _unknown(spec: QuestionSpec, codes: Iterable) -> None:
    unknown = sorted(str(code) for code in set(codes) if spec.option(code) is None)
    if unknown:
        raise ValueError(f"answers to {spec.code} use options it does not offer: {unknown}")


def _single(spec: QuestionSpec, given: pd.Series | None, index: pd.Index) -> pd.Series:
    if given is None:
        return pd.Series([None] * len(index), dtype=object)
    values = given.reindex(index).map(
        lambda v: (v[0] if v else None) if isinstance(v, tuple | list) else v
    )
    values = values.astype(object).where(values.notna(), None).reset_index(drop=True)
    _unknown(spec, values.dropna())
    return values


def _chosen(spec: QuestionSpec, given, index: pd.Index) -> pd.DataFrame:
    """0/1 per option, missing where the question was not answered."""
    codes = [option.code for option in spec.options]
    if given is None:
        given = pd.DataFrame(np.nan, index=index, columns=codes)
    if isinstance(given, pd.Series):  # the chosen codes, as a tuple per respondent
        chosen = [value if isinstance(value, tuple | list) and value else None for value in given]
        _unknown(spec, {code for value in chosen if value for code in value})
        rows = [[float(code in value) for code in codes] if value else None for value in chosen]
        given = pd.DataFrame(
            [row or [np.nan] * len(codes) for row in rows], index=given.index, columns=codes
        )
    _unknown(spec, given.columns)
    frame = given.reindex(index)
    answered = frame.notna().any(axis=1).to_numpy()
    frame = frame.reindex(columns=codes).astype(float).fillna(0.0)
    frame.loc[~answered] = np.nan
    return frame.reset_index(drop=True).astype("Int64")


def _numbers(given: pd.Series | None, index: pd.Index) -> pd.Series:
    """Numbers as floats, or as whole numbers when every one is whole (ratings, counts)."""
    if given is None:
        return pd.Series(np.nan, index=range(len(index)), dtype=float)
    values = pd.to_numeric(given.reindex(index)).astype(float).reset_index(drop=True)
    whole = values.dropna()
    return values.astype("Int64") if (whole == whole.round()).all() else values


def codebook(
    specs: Sequence[QuestionSpec],
    frame: pd.DataFrame,
    descriptions: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """What each column of `microdata` holds: one row per variable, then one per coded value.

    `descriptions` labels the extra columns (for example {"mode": "How the response came in"}).
    """
    known = {variable.name: variable for variable in variables(specs)}
    rows = []
    for name in frame.columns:
        label, kind = _describe(name, frame[name], known, descriptions or {})
        rows.append([name, label, kind, "", ""])
        if name in known:
            rows += [[name, "", "", value, text] for value, text in known[name].values]
    return pd.DataFrame(rows, columns=["variable", "label", "type", "value", "value label"])


def _describe(name: str, values: pd.Series, known, descriptions) -> tuple[str, str]:
    """A column's label and type in words."""
    if name == "serial":
        return SERIAL_LABEL, "number"
    if name == "weight":
        return WEIGHT_LABEL, "number"
    if name in known:
        variable = known[name]
        kind = variable.spec.type.value
        return variable.label, f"{kind} (1 = selected)" if variable.option else kind
    kind = "number" if pd.api.types.is_numeric_dtype(values) else "text"
    return descriptions.get(name, name), kind


SPSS_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}


def spss_names(columns: Iterable[str]) -> dict[str, str]:
    """Each column's SPSS name: ASCII letters, digits, _ and ., a letter first, at most 64
    characters, no reserved word, unique ignoring case; the same columns always get the same."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for column in columns:
        name = re.sub(r"[^A-Za-z0-9_.]", "_", str(column))
        if not (name[:1].isascii() and name[:1].isalpha()):
            name = "V" + name
        name = name[:64].rstrip(".")
        if name.upper() in SPSS_RESERVED:
            name += "_"
        candidate, number = name, 2
        while candidate.upper() in used:
            suffix = f"_{number}"
            candidate, number = name[: 64 - len(suffix)] + suffix, number + 1
        used.add(candidate.upper())
        names[column] = candidate
    return names


def _clip(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-8 bytes (SPSS counts bytes), with an ellipsis if cut."""
    if len(text.encode()) <= limit:
        return text
    return text.encode()[: limit - 3].decode(errors="ignore") + "…"


def _spss_values(variable: Variable) -> list[tuple[Any, str]]:
    """The variable's (value as `microdata` holds it, label) pairs."""
    if variable.option is not None:
        return [(int(value), text) for value, text in variable.values]
    return variable.values


def _spss_numbers(variable: Variable) -> dict[Any, float]:
    """The number SPSS stores for each value: 0/1 stay, option codes become 1..k in order."""
    if variable.option is not None:
        return {0: 0.0, 1: 1.0}
    return {value: float(number) for number, (value, _) in enumerate(variable.values, start=1)}


def to_sav(
    frame: pd.DataFrame,
    specs: Sequence[QuestionSpec],
    extra_labels: Mapping[str, str] | None = None,
    *,
    file_label: str = "",
) -> bytes:
    """`microdata` as an SPSS .sav file, labelled for use without the codebook.

    Coded answers become 1..k in the question's option order, with the options as value labels
    (multiple-choice columns stay 0/1, labelled); question text is the variable label (cut to
    SPSS's 256 bytes; value labels to 120); missing answers and weights are system-missing.
    Column names are made valid SPSS names (see `spss_names`). SPSS's WEIGHT BY treats weights
    as frequency weights, so the file's note points analysts at a complex-samples plan instead.
    """
    known = {variable.name: variable for variable in variables(specs)}
    names = spss_names(frame.columns)
    data, labels, value_labels, measures, formats = {}, {}, {}, {}, {}
    for column in frame.columns:
        name, values = names[column], frame[column]
        labels[name] = _clip(_describe(column, values, known, extra_labels or {})[0], 256)
        variable = known.get(column)
        if variable is not None and variable.values:
            numbers = _spss_numbers(variable)
            data[name] = values.astype(object).map(numbers).astype(float)
            value_labels[name] = {
                numbers[value]: _clip(text, 120) for value, text in _spss_values(variable)
            }
            ordinal = variable.spec.type is QuestionType.AGREEMENT
            measures[name] = "ordinal" if ordinal else "nominal"
            formats[name] = "F8.0"
        elif pd.api.types.is_numeric_dtype(values):
            data[name] = values.astype(float)
            measures[name] = "scale" if column != "serial" else "nominal"
            whole = pd.api.types.is_integer_dtype(values)
            formats[name] = "F8.0" if whole else "F12.4" if column == "weight" else "F8.2"
        else:
            data[name] = values.map(lambda v: "" if pd.isna(v) else str(v)).astype(object)
            measures[name] = "nominal"
    weight = names.get("weight")
    note = f"Weight variable: {weight} (raking weight). " if weight else ""
    note += "Analyse with a complex-samples plan or survey package; see the codebook."
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "microdata.sav"
        pyreadstat.write_sav(
            pd.DataFrame(data),
            path,
            file_label=_clip(file_label, 64),
            column_labels=labels,
            variable_value_labels=value_labels,
            variable_measure=measures,
            variable_format=formats,
            note=textwrap.wrap(note, 80),  # SPSS keeps notes as 80-character lines
        )
        return path.read_bytes()
