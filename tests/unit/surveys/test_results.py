"""A wave's results payload: plain data matching the tables, safe to publish once filtered."""

import json

import numpy as np
import pandas as pd
import pytest

from engage.surveys.analysis import LowBase, mean_table, question_table
from engage.surveys.questions import Option, QuestionSpec, QuestionType, standard_options
from engage.surveys.results import IndicatorSpec, for_publication, wave_results
from engage.surveys.weighting import rake

rng = np.random.default_rng(6)
N = 500
DISTRICTS = {"STROUD": 0.5, "CHELTENHAM": 0.42, "COTSWOLD": 0.08}
SAMPLE = pd.DataFrame(
    {
        "sex": rng.choice(["F", "M"], N, p=[0.6, 0.4]),
        "district": rng.choice(list(DISTRICTS), N, p=list(DISTRICTS.values())),
    },
    index=pd.RangeIndex(1000, 1000 + N),
)
RESULT = rake(
    SAMPLE,
    {"sex": {"F": 5100.0, "M": 4900.0}, "district": {name: 10000 / 3 for name in DISTRICTS}},
)
AGREEMENT = tuple(option.code for option in standard_options(QuestionType.AGREEMENT))
SPECS = [
    QuestionSpec(
        "SAFE_DARK",
        QuestionType.AGREEMENT,
        "I feel safe walking alone after dark",
        options=standard_options(QuestionType.AGREEMENT),
        section="Feeling safe",
    ),
    QuestionSpec(
        "WORRIES",
        QuestionType.MULTIPLE,
        "Which of these worry you?",
        options=(
            Option("BURGLARY", "Burglary"),
            Option("SPEEDING", "Speeding"),
            Option("NONE", "None of these", exclusive=True),
        ),
    ),
    QuestionSpec("CONFIDENCE", QuestionType.RATING, "How confident are you?", min_value=1),
    QuestionSpec("COMMENTS", QuestionType.TEXT, "Anything else?"),
]
SAFE_DARK = pd.Series(rng.choice(AGREEMENT, N), index=SAMPLE.index, dtype=object)
SAFE_DARK.iloc[:15] = None
WORRIES = pd.DataFrame(
    {"BURGLARY": rng.integers(0, 2, N), "SPEEDING": rng.integers(0, 2, N)}, index=SAMPLE.index
).astype(float)
WORRIES["NONE"] = ((WORRIES.BURGLARY == 0) & (WORRIES.SPEEDING == 0)).astype(float)
WORRIES.iloc[:8] = np.nan
CONFIDENCE = pd.Series(rng.integers(1, 6, N).astype(float), index=SAMPLE.index)
CONFIDENCE.iloc[-20:] = np.nan
ANSWERS = {
    "SAFE_DARK": SAFE_DARK,
    "WORRIES": WORRIES,
    "CONFIDENCE": CONFIDENCE,
    "COMMENTS": pd.Series("my street is very dark", index=SAMPLE.index),
}
FEEL_SAFE = IndicatorSpec(
    "FEEL_SAFE", "feel safe after dark", "SAFE_DARK", AGREEMENT[:2], excluded=("DONT_KNOW",)
)
INDICATORS = [
    FEEL_SAFE,
    IndicatorSpec(
        "WORRIED", "worry about burglary or speeding", "WORRIES", ("BURGLARY", "SPEEDING")
    ),
    IndicatorSpec("CONFIDENT", "are confident", "CONFIDENCE", ("4", "5")),
    IndicatorSpec("OLD", "asked in an earlier wave only", "NOT_ASKED", ("YES",)),
]
LABELS = {
    "CHELTENHAM": "Cheltenham",
    "STROUD": "Stroud",
    "GLOUCESTER": "Gloucester",
    "COTSWOLD": "Cotswold",
}


@pytest.fixture(scope="module")
def payload():
    return wave_results(
        RESULT,
        ANSWERS,
        SPECS,
        groups=SAMPLE.district,
        group_labels=LABELS,
        indicators=INDICATORS,
    )


def question(payload, code):
    return next(entry for entry in payload["questions"] if entry["code"] == code)


def indicator(payload, code):
    return next(entry for entry in payload["indicators"] if entry["code"] == code)


def row(rows, group, answer=None):
    return next(r for r in rows if r["group"] == group and r.get("answer", answer) == answer)


def test_the_payload_is_plain_json(payload):
    text = json.dumps(payload, allow_nan=False)
    assert json.loads(text) == payload
    assert payload["schema"] == 1 and payload["respondents"] == N
    assert payload["low_base"] == {"flag_below": 50, "suppress_below": 30}


def test_free_text_is_left_out(payload):
    assert [entry["code"] for entry in payload["questions"]] == [
        "SAFE_DARK",
        "WORRIES",
        "CONFIDENCE",
    ]
    assert "very dark" not in json.dumps(payload)


def test_groups_follow_the_labels_and_a_labelled_group_with_no_one_has_no_figures(payload):
    assert payload["groups"] == [{"code": code, "label": label} for code, label in LABELS.items()]
    gloucester = [r for r in question(payload, "SAFE_DARK")["rows"] if r["group"] == "GLOUCESTER"]
    assert {r["base"] for r in gloucester} == {0}
    assert all(r["weighted"] is None and r["status"] == "suppressed" for r in gloucester)


def test_respondents_in_an_unlabelled_group_count_only_among_all():
    labels = {"STROUD": "Stroud"}
    payload = wave_results(RESULT, ANSWERS, SPECS[:1], groups=SAMPLE.district, group_labels=labels)
    rows = question(payload, "SAFE_DARK")["rows"]
    assert {r["group"] for r in rows} == {"ALL", "STROUD"}
    assert row(rows, "ALL", "NEITHER")["base"] == N - 15
    unlabelled = wave_results(RESULT, ANSWERS, SPECS[:1], groups=SAMPLE.district)
    assert unlabelled["groups"] == [
        {"code": "CHELTENHAM", "label": "CHELTENHAM"},
        {"code": "COTSWOLD", "label": "COTSWOLD"},
        {"code": "STROUD", "label": "STROUD"},
    ]


def test_choice_figures_match_the_question_table(payload):
    entry = question(payload, "SAFE_DARK")
    assert entry["kind"] == "choice" and entry["section"] == "Feeling safe"
    assert [answer["code"] for answer in entry["answers"]] == list(AGREEMENT)
    assert entry["answers"][0]["label"] == "Strongly agree"
    table = question_table(
        RESULT, SAFE_DARK, SAMPLE.district, order=list(AGREEMENT), keep_suppressed=True
    )
    for group, name in (("ALL", "All respondents"), ("STROUD", "STROUD"), ("COTSWOLD", "COTSWOLD")):
        expected = table[table.group == name].set_index("answer")
        for answer in AGREEMENT:
            got = row(entry["rows"], group, answer)
            assert got["weighted"] == pytest.approx(expected.loc[answer, "weighted %"])
            assert got["low"] == pytest.approx(expected.loc[answer, "ci low %"])
            assert got["unweighted"] == pytest.approx(expected.loc[answer, "unweighted %"])
            assert got["respondents"] == expected.loc[answer, "respondents"]
            assert (got["base"], got["status"]) == (
                expected.loc[answer, "base"],
                expected.loc[answer, "status"],
            )


def test_multiple_choice_options_each_have_their_share(payload):
    entry = question(payload, "WORRIES")
    assert [answer["code"] for answer in entry["answers"]] == ["BURGLARY", "SPEEDING", "NONE"]
    burglary = row(entry["rows"], "ALL", "BURGLARY")
    assert burglary["base"] == N - 8
    assert burglary["respondents"] == WORRIES.BURGLARY.sum()
    expected = RESULT.estimate(WORRIES.BURGLARY)
    assert burglary["weighted"] == pytest.approx(100 * expected.value)


def test_a_rating_has_its_weighted_mean(payload):
    entry = question(payload, "CONFIDENCE")
    assert entry["kind"] == "mean"
    assert entry["answers"] == [{"code": "mean", "label": "Average"}]
    table = mean_table(RESULT, CONFIDENCE, SAMPLE.district).set_index("group")
    overall = row(entry["rows"], "ALL", "mean")
    assert overall["weighted"] == pytest.approx(table.loc["All respondents", "weighted"])
    assert overall["high"] == pytest.approx(table.loc["All respondents", "ci high"])
    assert overall["unweighted"] == pytest.approx(CONFIDENCE.mean())
    assert overall["base"] == N - 20


def test_an_indicator_leaves_excluded_answers_out_of_its_base(payload):
    entry = indicator(payload, "FEEL_SAFE")
    assert entry["positive"] == ["STRONGLY_AGREE", "TEND_AGREE"]
    counted = SAFE_DARK.notna() & (SAFE_DARK != "DONT_KNOW")
    agree = SAFE_DARK.isin(AGREEMENT[:2]).astype(float).where(counted)
    for group, where in (("ALL", None), ("STROUD", SAMPLE.district == "STROUD")):
        expected = RESULT.estimate(agree, where)
        got = row(entry["rows"], group)
        assert got["value"] == pytest.approx(100 * expected.value)
        assert got["low"] == pytest.approx(100 * expected.ci_low)
        assert got["se"] == pytest.approx(100 * expected.se)
        assert got["effective_n"] == pytest.approx(expected.effective_n)
        assert got["n"] == expected.n
    assert row(entry["rows"], "COTSWOLD")["status"] == "suppressed"


def test_indicators_of_multiple_choice_and_ratings_count_any_positive_answer(payload):
    worried = row(indicator(payload, "WORRIED")["rows"], "ALL")
    either = ((WORRIES.BURGLARY == 1) | (WORRIES.SPEEDING == 1)).astype(float)
    assert worried["value"] == pytest.approx(
        100 * RESULT.estimate(either.where(WORRIES.notna().all(axis=1))).value
    )
    confident = row(indicator(payload, "CONFIDENT")["rows"], "ALL")
    high = CONFIDENCE.isin([4.0, 5.0]).astype(float).where(CONFIDENCE.notna())
    assert confident["value"] == pytest.approx(100 * RESULT.estimate(high).value)


def test_an_indicator_whose_question_was_not_asked_is_skipped(payload):
    assert [entry["code"] for entry in payload["indicators"]] == [
        "FEEL_SAFE",
        "WORRIED",
        "CONFIDENT",
    ]


def test_publication_blanks_suppressed_figures_and_answer_counts(payload):
    published = for_publication(payload)
    json.dumps(published, allow_nan=False)
    for entry, original in zip(published["questions"], payload["questions"], strict=True):
        for got, kept in zip(entry["rows"], original["rows"], strict=True):
            assert "respondents" not in got and "respondents" in kept
            assert got["base"] == kept["base"]
            if kept["status"] == "suppressed":
                assert (got["weighted"], got["low"], got["high"], got["unweighted"]) == (None,) * 4
            else:
                assert got["weighted"] == kept["weighted"]
    cotswold = row(indicator(published, "FEEL_SAFE")["rows"], "COTSWOLD")
    assert cotswold["value"] is None and cotswold["se"] is None and cotswold["n"] > 0
    assert row(indicator(payload, "FEEL_SAFE")["rows"], "COTSWOLD")["value"] is not None


def test_a_question_with_no_answers_has_no_figures_and_the_rules_are_those_given():
    payload = wave_results(
        RESULT, {}, SPECS[:1], low_base=LowBase(flag_below=400, suppress_below=5)
    )
    rows = payload["questions"][0]["rows"]
    assert {r["base"] for r in rows} == {0} and all(r["weighted"] is None for r in rows)
    assert payload["low_base"] == {"flag_below": 400, "suppress_below": 5}
    assert payload["groups"] == []
