"""Checking answers, routing and showing answers: the rules every way of answering shares."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.surveys.bank import bank_question, question_bank
from engage.surveys.questions import (
    TEXT_LIMIT,
    AnswerError,
    Option,
    QuestionSpec,
    QuestionType,
    as_submitted,
    asked_questions,
    describe,
    first_missing,
    first_unanswered,
    is_asked,
    next_question,
    parse_answer,
    previous_question,
    progress,
    routed_answers,
    standard_options,
)

SAFE_DARK = bank_question("SAFE_DARK")
POLICE_RELY = bank_question("POLICE_RELY")  # agreement scale
POLICE_RATING = bank_question("POLICE_RATING")  # 0 to 10
PRIORITIES = bank_question("PRIORITY_CRIMES")  # up to 3, NONE exclusive
YEARS = bank_question("YEARS_IN_AREA")  # optional number, 0 to 110
COMMENTS = bank_question("COMMENTS")  # optional free text

# A short survey with two levels of routing: victims are asked about reporting, and those who
# reported about their satisfaction.
ROUTED = [
    bank_question(code)
    for code in (
        "SAFE_DARK",
        "VICTIM_12M",
        "VICTIM_REPORTED",
        "VICTIM_SATISFIED",
        "COMMENTS",
        "SEX",
    )
]


def codes(specs) -> list[str]:
    return [spec.code for spec in specs]


class TestSingleChoice:
    def test_an_offered_option_is_its_code_in_a_tuple(self):
        assert parse_answer(SAFE_DARK, ["FAIRLY_SAFE"]) == ("FAIRLY_SAFE",)

    def test_surrounding_spaces_are_ignored(self):
        assert parse_answer(SAFE_DARK, ["  VERY_SAFE \n"]) == ("VERY_SAFE",)

    @pytest.mark.parametrize("submitted", [[], [""], ["   "]])
    def test_nothing_chosen_is_refused_when_required(self, submitted):
        with pytest.raises(AnswerError, match="Select an answer"):
            parse_answer(SAFE_DARK, submitted)

    @pytest.mark.parametrize("tampered", ["EXTREMELY_SAFE", "very_safe", "1", "<script>"])
    def test_an_option_not_offered_is_refused(self, tampered):
        with pytest.raises(AnswerError, match="Choose from the answers shown"):
            parse_answer(SAFE_DARK, [tampered])

    def test_two_choices_are_refused(self):
        with pytest.raises(AnswerError, match="Select one answer"):
            parse_answer(SAFE_DARK, ["VERY_SAFE", "FAIRLY_SAFE"])

    def test_the_same_choice_sent_twice_counts_once(self):
        assert parse_answer(SAFE_DARK, ["VERY_SAFE", "VERY_SAFE"]) == ("VERY_SAFE",)


class TestAgreementScale:
    def test_the_scale_has_five_points_and_dont_know(self):
        assert codes(POLICE_RELY.options) == [
            "STRONGLY_AGREE",
            "TEND_AGREE",
            "NEITHER",
            "TEND_DISAGREE",
            "STRONGLY_DISAGREE",
            "DONT_KNOW",
        ]
        assert [option.code for option in standard_options(QuestionType.AGREEMENT)] == codes(
            POLICE_RELY.options
        )

    def test_a_point_on_the_scale_is_accepted(self):
        assert parse_answer(POLICE_RELY, ["TEND_AGREE"]) == ("TEND_AGREE",)

    def test_a_point_off_the_scale_is_refused(self):
        with pytest.raises(AnswerError):
            parse_answer(POLICE_RELY, ["AGREE_A_LOT"])


class TestMultipleChoice:
    def test_choices_keep_the_order_sent_without_repeats(self):
        assert parse_answer(PRIORITIES, ["DRUGS", "BURGLARY", "DRUGS"]) == ("DRUGS", "BURGLARY")

    def test_nothing_chosen_asks_for_at_least_one(self):
        with pytest.raises(AnswerError, match="Select at least one answer"):
            parse_answer(PRIORITIES, [])

    def test_more_than_the_maximum_is_refused(self):
        with pytest.raises(AnswerError, match="Select up to 3 answers"):
            parse_answer(PRIORITIES, ["BURGLARY", "VEHICLE", "DRUGS", "ROADS"])

    def test_an_exclusive_answer_stands_alone(self):
        assert parse_answer(PRIORITIES, ["NONE"]) == ("NONE",)
        with pytest.raises(AnswerError, match="on its own"):
            parse_answer(PRIORITIES, ["BURGLARY", "NONE"])

    def test_one_option_not_offered_spoils_the_answer(self):
        with pytest.raises(AnswerError, match="Choose from the answers shown"):
            parse_answer(PRIORITIES, ["BURGLARY", "PARKING"])


class TestRating:
    @pytest.mark.parametrize("typed, value", [("0", 0.0), ("7", 7.0), ("10", 10.0)])
    def test_a_point_on_the_scale_is_a_number(self, typed, value):
        assert parse_answer(POLICE_RATING, [typed]) == value

    @pytest.mark.parametrize("tampered", ["11", "-1", "7.5", "1e3"])
    def test_a_point_off_the_scale_is_refused(self, tampered):
        with pytest.raises(AnswerError):
            parse_answer(POLICE_RATING, [tampered])

    def test_nothing_chosen_is_refused(self):
        with pytest.raises(AnswerError, match="Select an answer"):
            parse_answer(POLICE_RATING, [])


class TestNumber:
    @pytest.mark.parametrize(
        "typed, value", [("12", 12.0), ("0", 0.0), ("1,0", 10.0), ("2.5", 2.5)]
    )
    def test_a_number_in_range_is_accepted(self, typed, value):
        assert parse_answer(YEARS, [typed]) == value

    @pytest.mark.parametrize("typed", ["twelve", "nan", "inf", "1e309", "12 years"])
    def test_words_and_non_finite_numbers_ask_for_a_number(self, typed):
        with pytest.raises(AnswerError, match="Enter a number, like 12"):
            parse_answer(YEARS, [typed])

    @pytest.mark.parametrize("typed", ["-1", "111", "100000"])
    def test_out_of_range_gives_the_range(self, typed):
        with pytest.raises(AnswerError, match="between 0 and 110"):
            parse_answer(YEARS, [typed])

    def test_one_bound_is_stated_alone(self):
        at_least = QuestionSpec("N", QuestionType.NUMBER, "How many?", min_value=1)
        with pytest.raises(AnswerError, match="1 or more"):
            parse_answer(at_least, ["0"])
        at_most = QuestionSpec("N", QuestionType.NUMBER, "How many?", max_value=5)
        with pytest.raises(AnswerError, match="5 or less"):
            parse_answer(at_most, ["6"])

    def test_an_optional_question_left_blank_is_no_answer(self):
        assert parse_answer(YEARS, [""]) is None

    def test_two_numbers_are_refused(self):
        with pytest.raises(AnswerError, match="Give one answer"):
            parse_answer(YEARS, ["1", "2"])


class TestFreeText:
    def test_text_is_kept_without_surrounding_space(self):
        assert parse_answer(COMMENTS, ["  More patrols.  "]) == "More patrols."

    def test_text_at_the_limit_is_accepted_and_over_it_refused(self):
        assert parse_answer(COMMENTS, ["x" * TEXT_LIMIT]) == "x" * TEXT_LIMIT
        with pytest.raises(AnswerError, match="2,000 characters or fewer"):
            parse_answer(COMMENTS, ["x" * (TEXT_LIMIT + 1)])

    def test_nul_characters_are_dropped(self):
        assert parse_answer(COMMENTS, ["Lights\x00 out"]) == "Lights out"
        assert parse_answer(COMMENTS, ["\x00"]) is None

    def test_blank_text_on_an_optional_question_is_no_answer(self):
        assert parse_answer(COMMENTS, []) is None

    def test_required_text_left_blank_asks_for_it(self):
        required = QuestionSpec("WHY", QuestionType.TEXT, "Why?")
        with pytest.raises(AnswerError, match="Enter your answer"):
            parse_answer(required, ["  "])


@given(st.sampled_from(question_bank()), st.lists(st.text(max_size=30), max_size=4))
def test_anything_submitted_is_an_answer_or_an_answer_error(spec, submitted):
    try:
        value = parse_answer(spec, submitted)
    except AnswerError as error:
        assert str(error)
    else:
        assert value is None or parse_answer(spec, as_submitted(value)) == value


class TestRouting:
    def test_a_question_without_a_condition_is_always_asked(self):
        assert is_asked(SAFE_DARK, {})

    def test_a_routed_question_waits_for_its_answer(self):
        reported = bank_question("VICTIM_REPORTED")
        assert not is_asked(reported, {})
        assert is_asked(reported, {"VICTIM_12M": ("YES",)})
        assert not is_asked(reported, {"VICTIM_12M": ("NO",)})
        assert not is_asked(reported, {"VICTIM_12M": 1.0})

    def test_a_victim_is_asked_about_reporting(self):
        answers = {"SAFE_DARK": ("VERY_SAFE",), "VICTIM_12M": ("YES",)}
        assert next_question(ROUTED, answers, "VICTIM_12M") == "VICTIM_REPORTED"

    def test_someone_who_was_not_a_victim_skips_both_routed_questions(self):
        answers = {"VICTIM_12M": ("NO",)}
        assert next_question(ROUTED, answers, "VICTIM_12M") == "COMMENTS"
        assert previous_question(ROUTED, answers, "COMMENTS") == "VICTIM_12M"

    def test_the_first_and_last_questions(self):
        assert next_question(ROUTED, {}, None) == "SAFE_DARK"
        assert next_question(ROUTED, {}, "SEX") is None
        assert previous_question(ROUTED, {}, "SAFE_DARK") is None

    def test_an_unknown_code_is_a_key_error(self):
        with pytest.raises(KeyError):
            next_question(ROUTED, {}, "NOPE")

    def test_answers_routing_no_longer_asks_are_dropped_down_the_chain(self):
        answers = {
            "VICTIM_12M": ("NO",),  # changed from YES after the two below were answered
            "VICTIM_REPORTED": ("YES",),
            "VICTIM_SATISFIED": ("VERY_SATISFIED",),
            "SEX": ("MALE",),
        }
        assert routed_answers(ROUTED, answers) == {"VICTIM_12M": ("NO",), "SEX": ("MALE",)}

    def test_the_questions_asked_follow_the_answers(self):
        assert codes(asked_questions(ROUTED, {})) == ["SAFE_DARK", "VICTIM_12M", "COMMENTS", "SEX"]
        victim = {"VICTIM_12M": ("YES",), "VICTIM_REPORTED": ("YES",)}
        assert len(asked_questions(ROUTED, victim)) == 6


class TestCompleteness:
    def test_the_first_required_question_unanswered_is_missing(self):
        assert first_missing(ROUTED, {}) == "SAFE_DARK"
        answers = {"SAFE_DARK": ("VERY_SAFE",), "VICTIM_12M": ("YES",)}
        assert first_missing(ROUTED, answers) == "VICTIM_REPORTED"

    def test_optional_questions_are_never_missing(self):
        answers = {"SAFE_DARK": ("VERY_SAFE",), "VICTIM_12M": ("NO",), "SEX": ("FEMALE",)}
        assert first_missing(ROUTED, answers) is None
        assert first_unanswered(ROUTED, answers) == "COMMENTS"

    def test_an_unrouted_answer_does_not_count(self):
        answers = {
            "SAFE_DARK": ("VERY_SAFE",),
            "VICTIM_12M": ("YES",),
            "VICTIM_SATISFIED": ("VERY_SATISFIED",),  # stale: reporting not yet answered
            "SEX": ("MALE",),
        }
        assert first_missing(ROUTED, answers) == "VICTIM_REPORTED"

    def test_everything_answered_leaves_nothing_unanswered(self):
        answers = {
            "SAFE_DARK": ("VERY_SAFE",),
            "VICTIM_12M": ("NO",),
            "COMMENTS": "Thanks",
            "SEX": ("FEMALE",),
        }
        assert first_unanswered(ROUTED, answers) is None

    def test_progress_counts_only_the_questions_asked(self):
        assert progress(ROUTED, {}, "VICTIM_12M") == (2, 4)
        assert progress(ROUTED, {"VICTIM_12M": ("YES",)}, "VICTIM_REPORTED") == (3, 5)


class TestShowingAnswers:
    def test_choices_are_shown_by_label(self):
        assert describe(PRIORITIES, ("BURGLARY", "DRUGS")) == "Burglary, Drug dealing and drug use"

    def test_numbers_text_and_nothing(self):
        assert describe(POLICE_RATING, 7.0) == "7"
        assert describe(COMMENTS, "More patrols") == "More patrols"
        assert describe(YEARS, None) == "Not answered"

    def test_an_answer_goes_back_into_its_form_as_submitted(self):
        assert as_submitted(("BURGLARY", "DRUGS")) == ["BURGLARY", "DRUGS"]
        assert as_submitted(7.0) == ["7"]
        assert as_submitted(2.5) == ["2.5"]
        assert as_submitted("Hello") == ["Hello"]
        assert as_submitted(None) == []

    def test_an_option_of_its_own_is_found_by_code(self):
        spec = QuestionSpec(
            "Q", QuestionType.SINGLE, "Pick", options=(Option("A", "Apple"), Option("B", "Bean"))
        )
        assert spec.option("B").label == "Bean" and spec.option("C") is None
