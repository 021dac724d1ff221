"""Matching an agency's file to the survey and checking every row, with no app."""

from __future__ import annotations

import pytest

from engage.surveys.bank import question_bank
from engage.surveys.import_files import Table, read_table
from engage.surveys.imports import (
    NO_ANSWER,
    NOT_MATCHED,
    ImportMapping,
    MappingError,
    answer_values,
    check_mapping,
    check_rows,
    stored_text,
    suggest_columns,
    suggest_value,
)
from tests.unit.surveys.test_import_files import csv_table, fixture, sav_bytes

CODES = [  # the questions the agency files in fixtures/imports answer
    "SAFE_DARK",
    "VICTIM_12M",
    "VICTIM_REPORTED",
    "VICTIM_SATISFIED",
    "PRIORITY_CRIMES",
    "POLICE_RATING",
    "YEARS_IN_AREA",
    "COMMENTS",
    "AGE_BAND",
    "SEX",
    "DISTRICT",
]
SPECS = [spec for spec in question_bank() if spec.code in CODES]
BY_CODE = {spec.code: spec for spec in SPECS}
DEMOGRAPHICS = [BY_CODE["AGE_BAND"], BY_CODE["SEX"], BY_CODE["DISTRICT"]]


def suggested(table: Table, specs=SPECS) -> ImportMapping:
    return ImportMapping(columns=suggest_columns(table.columns, specs))


# Matching ---------------------------------------------------------------------------------


def test_spss_value_labels_match_codes_to_answers(tmp_path):
    table = read_table("agency.sav", sav_bytes(tmp_path))
    mapping = ImportMapping(columns={"age": "AGE_BAND", "sex": "SEX", "district": "DISTRICT"})

    check = check_rows(table, mapping, DEMOGRAPHICS)

    assert [row.answers["AGE_BAND"] for row in check.accepted] == [
        ("16_24",),
        ("75_PLUS",),
        ("PREFER_NOT",),
    ]
    assert [line for row in check.refused for line in row.lines()] == [
        "Row 4: SEX: '9' is not an answer code"
    ]


def test_columns_named_as_question_codes_are_suggested_ignoring_case_and_spacing():
    columns = ["respondent_id", "safe_dark", "Age band", "SEX", "sex (2)", "AGE-BAND"]

    assert suggest_columns(columns, SPECS) == {
        "safe_dark": "SAFE_DARK",
        "Age band": "AGE_BAND",
        "SEX": "SEX",
    }


@pytest.mark.parametrize(
    ("value", "label", "expected"),
    [
        ("16_24", None, "16_24"),
        ("16 to 24", None, "16_24"),
        ("75 OR OVER", None, "75_PLUS"),
        ("prefer not to say", None, "PREFER_NOT"),
        ("3", "35 to 44", "35_44"),
        ("3", None, None),
        ("99", "Missing", None),
    ],
)
def test_a_value_is_matched_by_its_code_its_words_or_its_spss_label(value, label, expected):
    assert suggest_value(BY_CODE["AGE_BAND"], value, label) == expected


def test_curly_apostrophes_match_straight_ones():
    assert suggest_value(BY_CODE["SAFE_DARK"], "Don\u2019t know") == "DONT_KNOW"


def test_the_values_of_a_choice_column_are_counted_each_answer_apart():
    table = csv_table("PRIORITY_CRIMES,AGE\nBURGLARY;ASB,10\nASB,2\n,2\nASB ; DRUGS,x\n")

    found = answer_values(table, "PRIORITY_CRIMES", BY_CODE["PRIORITY_CRIMES"])
    ages = answer_values(table, "AGE", BY_CODE["AGE_BAND"])

    assert [(count.value, count.rows) for count in found] == [
        ("ASB", 3),
        ("BURGLARY", 1),
        ("DRUGS", 1),
    ]
    assert [(count.value, count.rows) for count in ages] == [("2", 2), ("10", 1), ("x", 1)]


def test_a_mapping_that_cannot_be_used_says_every_problem():
    table = fixture("agency_good.csv")
    mapping = ImportMapping(
        columns={"SEX": "SEX", "DISTRICT": "SEX", "nowhere": "AGE_BAND", "SAFE_DARK": "NO_SUCH"},
        values={"SEX": {"F": "FEMALE", "M": "MAN"}},
    )

    assert check_mapping(mapping, table, SPECS) == [
        "“SEX” and “DISTRICT” are both matched to SEX: ignore one of them",
        "The file has no column “nowhere”",
        "NO_SUCH is not a question in this survey",
        "SEX: 'M' is matched to MAN, which it does not offer",
    ]
    assert check_mapping(ImportMapping(), table, SPECS) == [
        "Match at least one column to a question"
    ]
    with pytest.raises(MappingError) as raised:
        check_rows(table, ImportMapping(), SPECS)
    assert raised.value.problems == ["Match at least one column to a question"]


def test_a_mapping_survives_json_and_malformed_parts_are_dropped():
    mapping = ImportMapping(columns={"Age": "AGE_BAND"}, values={"AGE_BAND": {"1": "16_24"}})

    assert ImportMapping.from_dict(mapping.to_dict()) == mapping
    assert ImportMapping.from_dict(
        {"columns": {"Age": None, "Sex": "SEX"}, "values": {"SEX": "F"}}
    ) == ImportMapping(columns={"Sex": "SEX"})
    assert ImportMapping.from_dict([]) == ImportMapping()


# Checking rows ----------------------------------------------------------------------------


def test_a_good_file_is_accepted_whole_with_answers_as_stored():
    check = check_rows(fixture("agency_good.csv"), suggested(fixture("agency_good.csv")), SPECS)

    assert check.can_import
    assert check.refused == ()
    assert [row.row for row in check.accepted] == [2, 3, 4, 5]
    first, second, third, fourth = (row.answers for row in check.accepted)
    assert first == {
        "SAFE_DARK": ("VERY_SAFE",),
        "VICTIM_12M": ("NO",),
        "PRIORITY_CRIMES": ("BURGLARY", "ASB"),
        "POLICE_RATING": 7.0,
        "YEARS_IN_AREA": 12.0,
        "COMMENTS": "More patrols please",
        "AGE_BAND": ("16_24",),
        "SEX": ("FEMALE",),
        "DISTRICT": ("CHELTENHAM",),
    }
    assert second["VICTIM_SATISFIED"] == ("VERY_SATISFIED",)
    assert third["SEX"] == ("PREFER_NOT",)
    assert "VICTIM_REPORTED" not in fourth  # routing does not ask it after "prefer not to say"


def test_every_refused_row_is_listed_with_its_reason_and_nothing_is_accepted_for_storing():
    table = fixture("agency_bad_rows.csv")

    check = check_rows(table, suggested(table), SPECS)

    assert not check.can_import
    assert [row.row for row in check.accepted] == [2]
    assert [line for row in check.refused for line in row.lines()] == [
        "Row 3: AGE_BAND: '99' is not an answer code",
        "Row 4: POLICE_RATING: '11': Enter a number between 0 and 10",
        "Row 5: SEX: no answer, but the question must be answered",
        "Row 6: VICTIM_REPORTED: answered, but it is asked only if VICTIM_12M is YES",
        "Row 7: PRIORITY_CRIMES: 'NONE;BURGLARY': Select “None of these” on its own, "
        "or other answers without it",
        "Row 8: PRIORITY_CRIMES: 'BURGLARY;ASB;DRUGS;FRAUD': Select up to 3 answers",
        "Row 9: VICTIM_SATISFIED: no answer, but the question must be answered",
        "Row 10: YEARS_IN_AREA: '-4': Enter a number between 0 and 110",
    ]


def test_a_row_lists_all_of_its_reasons():
    table = csv_table("AGE_BAND,SEX,DISTRICT\n99,X;Y,\n")

    check = check_rows(table, suggested(table, DEMOGRAPHICS), DEMOGRAPHICS)

    assert check.refused[0].lines() == [
        "Row 2: AGE_BAND: '99' is not an answer code",
        "Row 2: SEX: 'X;Y' is not an answer code",
        "Row 2: DISTRICT: no answer, but the question must be answered",
    ]


def test_several_unknown_answers_in_one_cell_are_named_together():
    spec = BY_CODE["PRIORITY_CRIMES"]
    table = csv_table("PRIORITY_CRIMES\nBURGLARY;LITTER;NOISE\n")

    check = check_rows(table, suggested(table, [spec]), [spec])

    assert check.refused[0].reasons == ("PRIORITY_CRIMES: 'LITTER', 'NOISE' are not answer codes",)


def test_an_unanswered_required_question_routing_skips_is_not_refused():
    specs = [BY_CODE["VICTIM_12M"], BY_CODE["VICTIM_REPORTED"], BY_CODE["VICTIM_SATISFIED"]]
    table = csv_table("VICTIM_12M,VICTIM_REPORTED\nNO,\nYES,NO\n")

    check = check_rows(table, suggested(table, specs), specs)

    assert check.can_import
    assert [row.answers for row in check.accepted] == [
        {"VICTIM_12M": ("NO",)},
        {"VICTIM_12M": ("YES",), "VICTIM_REPORTED": ("NO",)},
    ]


def test_a_required_question_with_no_column_refuses_the_rows_that_are_asked_it():
    table = csv_table("AGE_BAND,SEX\n16_24,MALE\n")

    check = check_rows(table, suggested(table, DEMOGRAPHICS), DEMOGRAPHICS)

    assert check.refused[0].reasons == ("DISTRICT: no answer, but the question must be answered",)


def test_values_matched_by_hand_override_the_suggestions():
    table = csv_table("AGE_BAND,SEX,DISTRICT\n1,F,Glos\n9,M,STROUD\n")
    mapping = ImportMapping(
        columns={"AGE_BAND": "AGE_BAND", "SEX": "SEX", "DISTRICT": "DISTRICT"},
        values={
            "AGE_BAND": {"1": "16_24", "9": "PREFER_NOT"},
            "SEX": {"F": "FEMALE", "M": "MALE"},
            "DISTRICT": {"Glos": "GLOUCESTER", "STROUD": NOT_MATCHED},
        },
    )

    check = check_rows(table, mapping, DEMOGRAPHICS)

    assert check.accepted[0].answers == {
        "AGE_BAND": ("16_24",),
        "SEX": ("FEMALE",),
        "DISTRICT": ("GLOUCESTER",),
    }
    assert check.refused[0].lines() == ["Row 3: DISTRICT: 'STROUD' is not an answer code"]


def test_a_value_matched_to_no_answer_is_a_blank():
    specs = [BY_CODE["SAFE_DARK"], BY_CODE["VICTIM_12M"], BY_CODE["VICTIM_REPORTED"]]
    table = csv_table("SAFE_DARK,VICTIM_12M,VICTIM_REPORTED\nVERY_SAFE,NO,-1\nVERY_SAFE,-1,-1\n")
    mapping = ImportMapping(
        columns=suggest_columns(table.columns, specs),
        values={"VICTIM_REPORTED": {"-1": NO_ANSWER}, "VICTIM_12M": {"-1": NO_ANSWER}},
    )

    check = check_rows(table, mapping, specs)

    assert check.accepted[0].answers == {"SAFE_DARK": ("VERY_SAFE",), "VICTIM_12M": ("NO",)}
    assert check.refused[0].reasons == ("VICTIM_12M: no answer, but the question must be answered",)


def test_a_refused_routing_question_does_not_add_reasons_for_the_questions_it_routes():
    specs = [BY_CODE["VICTIM_12M"], BY_CODE["VICTIM_REPORTED"]]
    table = csv_table("VICTIM_12M,VICTIM_REPORTED\nMAYBE,YES\n")

    check = check_rows(table, suggested(table, specs), specs)

    assert check.refused[0].reasons == ("VICTIM_12M: 'MAYBE' is not an answer code",)


def test_all_or_nothing_one_bad_row_among_many_stops_the_import():
    good = "AGE_BAND,SEX,DISTRICT\n" + "16_24,MALE,STROUD\n" * 500
    table = csv_table(good + "16_24,MALE,ATLANTIS\n")

    check = check_rows(table, suggested(table, DEMOGRAPHICS), DEMOGRAPHICS)

    assert len(check.accepted) == 500
    assert [row.row for row in check.refused] == [502]
    assert check.rows == 501
    assert not check.can_import


def test_the_preview_shows_the_first_rows_refused_or_not():
    table = fixture("agency_bad_rows.csv")

    check = check_rows(table, suggested(table), SPECS, preview=3)

    assert [(row.row, row.refused) for row in check.preview] == [
        (2, frozenset()),
        (3, {"AGE_BAND"}),
        (4, {"POLICE_RATING"}),
    ]
    assert check.preview[1].answers["SEX"] == ("FEMALE",)
    assert "AGE_BAND" not in check.preview[1].answers


def test_stored_text_shows_codes_numbers_and_text_as_kept():
    assert stored_text(("BURGLARY", "ASB")) == "BURGLARY;ASB"
    assert stored_text(7.0) == "7"
    assert stored_text(2.5) == "2.5"
    assert stored_text("More patrols") == "More patrols"
    assert stored_text(None) == ""
