"""Answers become weighting categories; respondents not known are kept or left out by the rule."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.surveys.errors import WeightingError
from engage.surveys.questions import Option, QuestionSpec, QuestionType
from engage.surveys.weighting import rake
from engage.surveys.weighting_inputs import (
    NOT_KNOWN,
    NotKnownRule,
    WeightingVariable,
    default_variable,
    prepare,
    variable_problems,
)

AGE_SPEC = QuestionSpec(
    "AGE_BAND",
    QuestionType.SINGLE,
    "What is your age?",
    options=(
        Option("16_34", "16 to 34"),
        Option("35_64", "35 to 64"),
        Option("65_74", "65 to 74"),
        Option("75_PLUS", "75 or over"),
        Option("PREFER_NOT", "Prefer not to say"),
    ),
)
AGE = WeightingVariable(
    "AGE_BAND",
    {
        "16_34": "16_34",
        "35_64": "35_64",
        "65_74": "65_PLUS",
        "75_PLUS": "65_PLUS",
        "PREFER_NOT": None,
    },
)
SEX = WeightingVariable("SEX", {"F": "FEMALE", "M": "MALE"})
TARGETS = {
    "AGE_BAND": {"16_34": 300.0, "35_64": 450.0, "65_PLUS": 250.0},
    "SEX": {"FEMALE": 510.0, "MALE": 490.0},
}
ANSWERS = pd.DataFrame(
    {
        "AGE_BAND": ["16_34", "35_64", "65_74", "75_PLUS", "PREFER_NOT", None, "35_64", "16_34"],
        "SEX": ["F", "M", "F", "M", "F", "M", np.nan, "F"],
    },
    index=[101, 102, 103, 104, 105, 106, 107, 108],
)


def refused(answers=ANSWERS, variables=(AGE, SEX), targets=TARGETS, **kwargs) -> str:
    with pytest.raises(WeightingError) as error:
        prepare(answers, variables, targets, **kwargs)
    return str(error.value)


def test_answers_are_mapped_to_categories_and_merged_bands_share_one():
    prepared = prepare(ANSWERS.loc[[101, 102, 103, 104, 108]], [AGE, SEX], TARGETS)
    assert list(prepared.frame["AGE_BAND"]) == ["16_34", "35_64", "65_PLUS", "65_PLUS", "16_34"]
    assert list(prepared.frame["SEX"]) == ["FEMALE", "MALE", "FEMALE", "MALE", "FEMALE"]
    assert prepared.targets == TARGETS
    assert prepared.not_known == {"AGE_BAND": 0, "SEX": 0}


def test_by_default_respondents_not_known_form_their_own_category_with_their_sample_share():
    prepared = prepare(ANSWERS, [AGE, SEX], TARGETS)
    assert list(prepared.frame.index) == list(ANSWERS.index) and prepared.left_out.empty
    assert prepared.frame.loc[105, "AGE_BAND"] == NOT_KNOWN  # prefer not to say
    assert prepared.frame.loc[106, "AGE_BAND"] == NOT_KNOWN  # skipped
    assert prepared.frame.loc[107, "SEX"] == NOT_KNOWN
    assert prepared.not_known == {"AGE_BAND": 2, "SEX": 1}
    assert prepared.targets["AGE_BAND"] == pytest.approx(
        {"16_34": 225.0, "35_64": 337.5, "65_PLUS": 187.5, NOT_KNOWN: 250.0}
    )
    assert prepared.targets["SEX"][NOT_KNOWN] == pytest.approx(125.0)


def test_base_weights_decide_the_share_of_those_not_known():
    base = pd.Series([1.0, 1, 1, 1, 3, 1, 1, 1], index=ANSWERS.index)
    prepared = prepare(ANSWERS, [AGE, SEX], TARGETS, base_weights=base)
    assert prepared.targets["AGE_BAND"][NOT_KNOWN] == pytest.approx(1000 * 4 / 10)
    assert prepared.base_weights.equals(base.rename("base"))


def test_leave_out_drops_anyone_not_known_on_any_variable_and_counts_them():
    base = pd.Series(np.arange(1.0, 9.0), index=ANSWERS.index[::-1])
    prepared = prepare(ANSWERS, [AGE, SEX], TARGETS, NotKnownRule.LEAVE_OUT, base)
    assert list(prepared.left_out) == [105, 106, 107]
    assert list(prepared.frame.index) == [101, 102, 103, 104, 108]
    assert prepared.targets == TARGETS
    assert list(prepared.base_weights) == [8.0, 7.0, 6.0, 5.0, 1.0]
    assert prepared.not_known == {"AGE_BAND": 2, "SEX": 1}


def test_leave_out_with_nobody_remaining_is_refused():
    answers = ANSWERS.assign(SEX=None)
    assert "No respondents remain" in refused(answers, rule=NotKnownRule.LEAVE_OUT)


def test_a_variable_nobody_answered_is_refused_under_the_default_rule():
    assert "No respondent gave a known answer to SEX" in refused(ANSWERS.assign(SEX=None))


def test_missing_targets_for_a_variable_are_refused():
    assert "no population totals for SEX" in refused(targets={"AGE_BAND": TARGETS["AGE_BAND"]})


def test_target_categories_that_differ_from_the_mapping_are_named():
    targets = {**TARGETS, "AGE_BAND": {"16_34": 300.0, "35_64": 450.0, "65_74": 250.0}}
    message = refused(targets=targets)
    assert '"65_74", which no answer is in' in message
    assert '"65_PLUS", which has no population total' in message


def test_an_answer_the_mapping_does_not_place_is_refused_with_a_count():
    answers = ANSWERS.assign(SEX=["F", "M", "X", "M", "F", "X", None, "F"])
    assert 'SEX: 2 respondents answered "X"' in refused(answers)


def test_a_question_missing_from_the_answers_is_refused():
    assert "no answers to SEX" in refused(ANSWERS[["AGE_BAND"]])


@pytest.mark.parametrize(
    ("answers", "variables", "words"),
    [
        (ANSWERS, [], "at least one question"),
        (ANSWERS, [AGE, AGE], "AGE_BAND is chosen more than once"),
        (ANSWERS.iloc[:0], [AGE], "no responses"),
    ],
)
def test_nothing_to_weight_is_refused(answers, variables, words):
    assert words in refused(answers, variables)


def test_base_weights_must_cover_every_respondent_and_be_positive():
    assert "needs a base weight" in refused(base_weights=pd.Series(1.0, index=ANSWERS.index[1:]))
    base = pd.Series([1.0, 1, 0, 1, 1, 1, 1, 1], index=ANSWERS.index)
    assert "respondent 103" in refused(base_weights=base)


def test_default_variable_gives_each_answer_its_own_category_but_prefer_not_is_not_known():
    variable = default_variable(AGE_SPEC)
    assert variable.categories["65_74"] == "65_74" and variable.categories["PREFER_NOT"] is None
    assert variable.category_names() == ["16_34", "35_64", "65_74", "75_PLUS"]
    assert variable_problems(variable, AGE_SPEC) == []


def test_a_variable_survives_a_round_trip_through_json():
    assert WeightingVariable.from_json(AGE.as_json()) == AGE
    assert AGE.category_names() == ["16_34", "35_64", "65_PLUS"]


@pytest.mark.parametrize("data", [None, {"categories": {}}, {"question": "SEX", "categories": [1]}])
def test_stored_variables_of_the_wrong_shape_are_refused(data):
    with pytest.raises(WeightingError):
        WeightingVariable.from_json(data)


def test_a_variable_cannot_be_changed_through_the_mapping_it_was_given():
    mapping = {"F": "FEMALE"}
    variable = WeightingVariable("SEX", mapping)
    mapping["M"] = "MALE"
    assert variable.category_names() == ["FEMALE"]


def test_a_question_not_in_the_version_or_not_single_choice_cannot_weight():
    assert "not a question in this version" in variable_problems(AGE, None)[0]
    multiple = QuestionSpec("AGE_BAND", QuestionType.MULTIPLE, "Ages?", options=AGE_SPEC.options)
    assert "single choice" in variable_problems(AGE, multiple)[0]


@pytest.mark.parametrize(
    ("categories", "words"),
    [
        ({**AGE.categories, "85_PLUS": "85"}, 'has no answer "85_PLUS"'),
        ({"16_34": "YOUNG", "35_64": "OLD"}, '"65 to 74", "75 or over", "Prefer not to say" are'),
        (dict.fromkeys(AGE.categories), "give at least one category"),
        ({**AGE.categories, "PREFER_NOT": "not_known"}, "kept for respondents"),
        ({**AGE.categories, "16_34": "16 to 34"}, "1 to 40 letters"),
        ({**AGE.categories, "16_34": "Y" * 41}, "1 to 40 letters"),
        ({**AGE.categories, "16_34": "young", "35_64": "YOUNG"}, "differ only in capital"),
    ],
)
def test_mistakes_in_a_mapping_are_named(categories, words):
    problems = variable_problems(WeightingVariable("AGE_BAND", categories), AGE_SPEC)
    assert any(words in problem for problem in problems), problems


@st.composite
def samples(draw):
    """Answers to 1-3 questions of 2-4 options, each with a not-known answer, and targets."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    codes = [f"Q{i}" for i in range(len(sizes))]
    choices = [[*(f"a{k}" for k in range(size)), None] for size in sizes]
    every = list(itertools.product(*choices))  # every combination occurs, so raking converges
    extra = draw(st.lists(st.sampled_from(every), max_size=150))
    if draw(st.booleans()):  # sometimes everyone is known
        every = list(itertools.product(*[options[:-1] for options in choices]))
        extra = [row for row in extra if None not in row]
    rows = every + extra
    answers = pd.DataFrame(rows, columns=codes, index=[f"r{i}" for i in range(len(rows))])
    variables = [
        WeightingVariable(code, {f"a{k}": f"c{k}" for k in range(size)})
        for code, size in zip(codes, sizes, strict=True)
    ]
    population = draw(st.floats(100, 1e7))
    targets = {}
    for code, size in zip(codes, sizes, strict=True):
        shares = draw(st.lists(st.floats(0.05, 1.0), min_size=size, max_size=size))
        targets[code] = {f"c{k}": population * s / sum(shares) for k, s in enumerate(shares)}
    base = None
    if draw(st.booleans()):
        base = pd.Series(
            draw(st.lists(st.floats(0.2, 5.0), min_size=len(rows), max_size=len(rows))),
            index=answers.index,
        )
    return answers, variables, targets, base, population


@settings(max_examples=50, deadline=None)
@given(samples())
def test_own_category_targets_still_add_up_to_the_population(case):
    answers, variables, targets, base, population = case
    prepared = prepare(answers, variables, targets, base_weights=base)
    for variable in variables:
        code = variable.question
        assert sum(prepared.targets[code].values()) == pytest.approx(population, rel=1e-9)
        unknown = answers[code].isna()
        assert (NOT_KNOWN in prepared.targets[code]) == bool(unknown.any())
        assert prepared.not_known[code] == int(unknown.sum())


@settings(max_examples=50, deadline=None)
@given(samples())
def test_raking_the_prepared_frame_keeps_census_proportions_among_the_known(case):
    answers, variables, targets, base, population = case
    prepared = prepare(answers, variables, targets, base_weights=base)
    weights = rake(prepared.frame, prepared.targets, prepared.base_weights).weights
    assert weights.sum() == pytest.approx(population, rel=1e-9)
    weight_of = weights if base is None else base
    for variable in variables:
        code = variable.question
        column = prepared.frame[code]
        known = column != NOT_KNOWN
        achieved = weights[known].groupby(column[known]).sum() / weights[known].sum()
        census = sum(targets[code].values())
        for category, total in targets[code].items():
            assert achieved[category] == pytest.approx(total / census, rel=1e-7)
        sample_share = weight_of[~known].sum() / weight_of.sum() if (~known).any() else 0.0
        assert weights[~known].sum() / population == pytest.approx(sample_share, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(samples())
def test_leave_out_keeps_only_respondents_known_on_every_variable(case):
    answers, variables, targets, base, _ = case
    prepared = prepare(answers, variables, targets, NotKnownRule.LEAVE_OUT, base)
    unknown = answers.isna().any(axis=1)
    assert list(prepared.left_out) == list(answers.index[unknown])
    assert list(prepared.frame.index) == list(answers.index[~unknown])
    assert not (prepared.frame == NOT_KNOWN).any().any()
