"""The survey builder's question rules: typed answers, settings, routing and what codes mean."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.surveys.bank import bank_question, question_bank
from engage.surveys.builder.rules import (
    Problems,
    QuestionDraft,
    meaning_problems,
    options_text,
    parse_options,
    question_spec,
    routing_in_words,
    routing_problems,
    selection_problems,
    split_codes,
    type_in_words,
)
from engage.surveys.questions import Option, QuestionType, standard_options


def problems(callable_, *args) -> list[tuple[str | None, str]]:
    with pytest.raises(Problems) as raised:
        callable_(*args)
    return raised.value.problems


def draft(kind: QuestionType = QuestionType.SINGLE, **fields) -> QuestionDraft:
    values = {"text": "Do you feel safe on buses?", "options": "YES: Yes\nNO: No"} | fields
    return QuestionDraft(type=kind.value, **values)


def test_options_are_typed_one_a_line_as_code_colon_label():
    options = parse_options("yes: Yes\n\n  NO :  No  \nOTHER: Other: please say\n")

    assert options == (
        Option("YES", "Yes"),
        Option("NO", "No"),
        Option("OTHER", "Other: please say"),
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("YES: Yes\nNO: No\nYES: Yes again", "The code YES is on lines 1 and 3"),
        ("YES: Yes\nNO:", "Line 2 needs a label after “NO:”"),
        ("YES: Yes\nNo", "Line 2 needs a code, a colon and a label"),
        ("YES: Yes\n: No", "Line 2 needs a code before the colon"),
        ("YES: Yes\nNOT SURE: Not sure", "Line 2: an answer code uses only capital letters"),
        ("YES: Yes", "Enter at least 2 answers"),
        ("", "Enter at least 2 answers"),
    ],
)
def test_options_that_cannot_be_read_are_refused_saying_which_line(typed, message):
    [(field, said)] = problems(parse_options, typed)

    assert field == "options"
    assert said.startswith(message)


option_codes = st.from_regex(r"[A-Z0-9][A-Z0-9_]{0,10}", fullmatch=True)
labels = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1)


@given(st.dictionaries(option_codes, labels.map(str.strip).filter(bool), min_size=2, max_size=8))
def test_options_written_out_read_back_the_same(answers):
    options = tuple(Option(code, label) for code, label in answers.items())

    assert parse_options(options_text(options)) == options


def test_codes_may_be_typed_in_any_case_with_commas_or_spaces():
    assert split_codes("yes, no  DONT_KNOW;yes") == ("YES", "NO", "DONT_KNOW")


def test_a_single_choice_question_is_read_from_the_draft():
    spec = question_spec("bus_safe", draft(hint="  Think of the last month. "), [])

    assert spec.code == "BUS_SAFE"
    assert spec.type is QuestionType.SINGLE
    assert spec.hint == "Think of the last month."
    assert [option.code for option in spec.options] == ["YES", "NO"]


def test_an_agreement_scale_brings_the_standard_points_and_ignores_typed_answers():
    spec = question_spec("BUS_AGREE", draft(QuestionType.AGREEMENT, options="X: whatever"), [])

    assert spec.options == standard_options(QuestionType.AGREEMENT)
    assert spec.option("DONT_KNOW").exclusive


def test_multiple_choice_takes_a_limit_and_answers_chosen_on_their_own():
    typed = draft(
        QuestionType.MULTIPLE,
        options="BUS: Buses\nTRAIN: Trains\nNONE: None of these",
        exclusive="none",
        max_choices="2",
    )

    spec = question_spec("TRAVEL", typed, [])

    assert spec.max_choices == 2
    assert [option.code for option in spec.options if option.exclusive] == ["NONE"]


def test_settings_of_other_types_are_dropped():
    spec = question_spec(
        "YEARS", draft(QuestionType.NUMBER, exclusive="YES", max_choices="x", min_value="0"), []
    )

    assert spec.options == ()
    assert spec.max_choices is None
    assert spec.min_value == 0


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        (draft(QuestionType.RATING), "min_value", "Enter the lowest point"),
        (draft(QuestionType.RATING, min_value="0"), "max_value", "Enter the highest point"),
        (draft(QuestionType.RATING, min_value="1", max_value="20"), "max_value", "A rating scale"),
        (draft(QuestionType.RATING, min_value="5", max_value="5"), "max_value", "A rating scale"),
        (draft(QuestionType.NUMBER, min_value="ten"), "min_value", "Lowest value must be a whole"),
        (draft(QuestionType.NUMBER, min_value="9", max_value="1"), "max_value", "Highest value"),
        (draft(QuestionType.MULTIPLE, max_choices="3"), "max_choices", "Most answers must be"),
        (draft(QuestionType.MULTIPLE, exclusive="MAYBE"), "exclusive", "There is no answer"),
        (draft(QuestionType.MULTIPLE, exclusive="YES NO"), "exclusive", "At least one answer"),
        (draft(text="  "), "text", "Enter the question"),
        (draft(section="x" * 81), "section", "Section must be 80 characters"),
        (QuestionDraft(type="essay", text="Why?"), "type", "Choose the type"),
    ],
)
def test_settings_that_do_not_fit_the_type_are_refused(typed, field, message):
    found = problems(question_spec, "CODE", typed, [])

    assert next(said for named, said in found if named == field).startswith(message)


@pytest.mark.parametrize("code", ["", "2BUS", "BUS SAFE", "BUS-SAFE", "B" * 41])
def test_question_codes_are_capitals_digits_and_underscores_starting_with_a_letter(code):
    assert [field for field, _ in problems(question_spec, code, draft(), [])] == ["code"]


def test_every_problem_is_reported_at_once():
    typed = QuestionDraft(type="single choice", text="", options="YES: Yes")

    assert [field for field, _ in problems(question_spec, "bad code", typed, [])] == [
        "code",
        "text",
        "options",
    ]


VICTIM = bank_question("VICTIM_12M")


def test_routing_names_an_earlier_choice_question_and_its_answer_codes():
    spec = question_spec(
        "VICTIM_HELP", draft(ask_if_code="victim_12m", ask_if_answers="yes"), [VICTIM]
    )

    assert (spec.ask_if_code, spec.ask_if_answers) == ("VICTIM_12M", ("YES",))


@pytest.mark.parametrize(
    ("code", "answers", "field", "message"),
    [
        ("VICTIM_12M", "MAYBE", "ask_if_answers", "VICTIM_12M has no answer coded MAYBE: use YES"),
        ("VICTIM_12M", "", "ask_if_answers", "Enter the answers to VICTIM_12M that lead here"),
        ("LATER_ONE", "YES", "ask_if_code", "Choose an earlier choice question"),
        ("YEARS_IN_AREA", "1", "ask_if_code", "Choose an earlier choice question"),
    ],
)
def test_routing_only_to_an_earlier_choice_question_and_its_own_codes(
    code, answers, field, message
):
    earlier = [VICTIM, bank_question("YEARS_IN_AREA")]
    typed = draft(ask_if_code=code, ask_if_answers=answers)

    [(named, said)] = problems(question_spec, "VICTIM_HELP", typed, earlier)

    assert named == field
    assert said.startswith(message)


def test_the_bank_asks_its_routed_questions_after_the_ones_they_depend_on():
    assert routing_problems(question_bank()) == []


def test_routing_problems_name_the_question_and_what_it_depends_on():
    bank = {spec.code: spec for spec in question_bank()}
    reported, victim = bank["VICTIM_REPORTED"], bank["VICTIM_12M"]

    assert routing_problems([reported, victim]) == [
        "VICTIM_REPORTED must come after VICTIM_12M: it is asked depending on the answer to "
        "VICTIM_12M"
    ]
    assert routing_problems([reported])[0].endswith("which is not in this version")
    no_yes = replace(victim, options=victim.options[1:])
    assert "VICTIM_12M must keep offering those answers" in routing_problems([no_yes, reported])[0]


def test_choosing_a_routed_bank_question_needs_the_question_it_depends_on():
    chosen = [bank_question("VICTIM_REPORTED")]

    assert selection_problems(chosen, set()) == [
        "VICTIM_REPORTED is asked depending on the answer to VICTIM_12M: tick VICTIM_12M too, "
        "or untick VICTIM_REPORTED"
    ]
    assert selection_problems(chosen, {"VICTIM_12M"}) == []


def test_a_bank_question_may_be_reworded_and_its_answers_relabelled_and_reordered():
    bank = bank_question("SAFE_DARK")
    typed = QuestionDraft.of(bank)
    reordered = "\n".join(
        reversed(typed.options.replace("Very safe", "Completely safe").splitlines())
    )

    spec = question_spec("SAFE_DARK", replace(typed, options=reordered), [])

    assert meaning_problems(spec, bank, "the question bank") == []


def test_a_bank_question_keeps_its_type_answer_codes_and_scale():
    safe = bank_question("SAFE_DARK")
    rating = bank_question("POLICE_RATING")
    fewer = question_spec("SAFE_DARK", draft(options="VERY_SAFE: Very safe\nOTHER: Other"), [])
    other_type = question_spec("SAFE_DARK", draft(QuestionType.AGREEMENT), [])
    rescaled = question_spec(
        "POLICE_RATING", draft(QuestionType.RATING, min_value="1", max_value="5"), []
    )

    assert meaning_problems(fewer, safe, "the question bank")[0][0] == "options"
    assert meaning_problems(other_type, safe, "the question bank")[0] == (
        "type",
        "SAFE_DARK is a single choice question in the question bank: keep its type, or add a "
        "new question with a code of its own",
    )
    assert meaning_problems(rescaled, rating, "version 1") == [
        ("min_value", "POLICE_RATING must keep its scale of 0 to 10")
    ]


def test_a_draft_made_from_a_question_gives_the_question_back():
    earlier = [bank_question("VICTIM_12M"), bank_question("VICTIM_REPORTED")]
    for spec in [*question_bank(), earlier[1]]:
        before = earlier if spec.ask_if_code else []
        assert question_spec(spec.code, QuestionDraft.of(spec), before) == spec


def test_routing_and_types_are_described_in_words():
    bank = question_bank()

    assert routing_in_words(bank_question("SAFE_DARK"), bank) == "Everyone"
    assert routing_in_words(bank_question("VICTIM_REPORTED"), bank) == (
        "Only if the answer to VICTIM_12M is “Yes”"
    )
    assert type_in_words(bank_question("POLICE_RATING")) == "Rating, 0 to 10"
    assert type_in_words(bank_question("PRIORITY_CRIMES")) == (
        "Multiple choice, 10 answers, up to 3 chosen"
    )
    assert type_in_words(bank_question("COMMENTS")) == "Free text"
