"""A targets file is read, or every mistake in it is named by line, in the officer's words."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.surveys.targets import RowProblem, TargetsError, read_targets, template_csv

EXPECTED = {
    "AGE_BAND": ["16_34", "35_64", "65_PLUS"],
    "SEX": ["FEMALE", "MALE"],
}
GOOD = """variable,category,total
AGE_BAND,16_34,300
AGE_BAND,35_64,450
AGE_BAND,65_PLUS,250
SEX,FEMALE,510
SEX,MALE,490
"""


def problems(text: str | bytes, expected=EXPECTED) -> list[RowProblem]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(TargetsError) as error:
        read_targets(data, expected)
    return error.value.problems


def only(text, expected=EXPECTED) -> RowProblem:
    found = problems(text, expected)
    assert len(found) == 1, found
    return found[0]


def test_a_good_file_gives_totals_in_the_expected_order():
    shuffled = "total,Category, VARIABLE \n490,MALE,SEX\n250,65_PLUS,AGE_BAND\n" + "\n".join(
        ["300,16_34,AGE_BAND", "510,FEMALE,SEX", "450,35_64,AGE_BAND"]
    )
    targets = read_targets(shuffled.encode(), EXPECTED)
    assert targets == {
        "AGE_BAND": {"16_34": 300.0, "35_64": 450.0, "65_PLUS": 250.0},
        "SEX": {"FEMALE": 510.0, "MALE": 490.0},
    }
    assert [list(totals) for totals in targets.values()] == list(EXPECTED.values())


def test_excel_csv_utf8_with_bom_crlf_blank_lines_and_thousands_separators_is_read():
    text = GOOD.replace("300", '"300,000"').replace("450", " 450000 ").replace("250", '"250,000.0"')
    text = text.replace("510", '"510,000"').replace("490", "490000")
    data = "\ufeff".encode() + text.replace("\n", "\r\n\r\n").encode()
    targets = read_targets(data, EXPECTED)
    assert targets["AGE_BAND"] == {"16_34": 300_000.0, "35_64": 450_000.0, "65_PLUS": 250_000.0}


def test_names_are_matched_ignoring_case_and_spaces():
    text = GOOD.replace("AGE_BAND,16_34", " age_band , 16_34 ").replace("SEX,MALE", "sex,male")
    assert read_targets(text.encode(), EXPECTED)["SEX"]["MALE"] == 490.0


def test_a_file_saved_in_windows_encoding_names_the_line_and_says_save_as_csv_utf8():
    data = GOOD.replace("SEX,MALE", "SEX,MÂLE").encode("cp1252")
    problem = only(data)
    assert problem.row is None
    assert "line 6" in problem.message and "CSV UTF-8" in problem.message


def test_an_excel_workbook_is_refused_with_advice():
    assert "CSV UTF-8" in only(b"PK\x03\x04rest of a zip").message


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "empty"), ("  \n\n", "empty"), ("variable,category,total\n\n", "no rows")],
)
def test_an_empty_file_or_one_with_only_column_names_is_refused(text, words):
    assert words in only(text).message


def test_wrong_columns_are_named_missing_and_unexpected():
    problem = only(GOOD.replace("total", "count", 1))
    assert problem.row == 1
    assert '"total" is missing' in problem.message and '"count" is not expected' in problem.message


def test_a_repeated_column_is_named():
    assert '"category" appears twice' in only("variable,category,category\nSEX,MALE,1\n").message


def test_a_semicolon_separated_file_is_told_to_use_commas():
    message = only(GOOD.replace(",", ";")).message
    assert "not separated by commas" in message


def test_something_that_is_not_a_targets_file_says_which_columns_it_needs():
    message = only("Dear officer, here are the numbers you asked for.\n").message
    assert "variable, category, total" in message


def test_every_bad_row_is_reported_by_its_line_number_at_once():
    text = """variable,category,total
AGE_BAND,16_34,300
AGE,35_64,450
AGE_BAND,85_PLUS,250
AGE_BAND,65_PLUS,
SEX,FEMALE,lots
SEX,MALE,-490
SEX,FEMALE,510
"""
    found = {problem.row: problem.message for problem in problems(text)}
    assert '"AGE" is not a weighting variable (expected AGE_BAND, SEX)' in found[3]
    assert found[4] == (
        'Row 4: "85_PLUS" is not a category of AGE_BAND (expected 16_34, 35_64, 65_PLUS)'
    )
    assert "total for AGE_BAND 65_PLUS is blank" in found[5]
    assert '"lots", is not a number' in found[6]
    assert "below zero" in found[7]
    assert "SEX FEMALE is given twice (first on row 6)" in found[8]
    assert "AGE_BAND has no row for category 35_64" in found[None]


def test_a_zero_total_is_refused_because_weighting_needs_a_positive_one():
    problem = only(GOOD.replace("MALE,490", "MALE,0"))
    assert problem.row == 6 and "positive total" in problem.message


@pytest.mark.parametrize("total", ["nan", "inf", "12,5", "1_000", "£12"])
def test_totals_that_are_not_plain_numbers_are_refused(total):
    assert "not a number" in only(GOOD.replace("MALE,490", f'MALE,"{total}"')).message


def test_a_variable_with_no_rows_lists_the_categories_it_needs():
    text = "\n".join(GOOD.splitlines()[:4])
    problem = only(text)
    assert problem.row is None
    assert problem.message == (
        "There are no rows for SEX: give a total for each of its categories (FEMALE, MALE)"
    )


def test_values_beyond_the_three_columns_are_refused_but_empty_ones_are_not():
    assert read_targets(GOOD.replace("\n", ",\n").encode(), EXPECTED)["SEX"]["MALE"] == 490.0
    assert (
        "beyond the three columns" in only(GOOD.replace("SEX,MALE,490", "SEX,MALE,490,x")).message
    )


def test_totals_of_variables_that_disagree_by_more_than_a_tenth_of_a_percent_are_named():
    message = only(GOOD.replace("MALE,490", "MALE,492")).message
    assert "AGE_BAND sums to 1,000" in message and "SEX sums to 1,002" in message


def test_totals_within_a_tenth_of_a_percent_are_accepted():
    assert (
        sum(read_targets(GOOD.replace("MALE,490", "MALE,491").encode(), EXPECTED)["SEX"].values())
        == 1001
    )


def test_the_error_message_lists_every_problem():
    error = TargetsError([RowProblem(3, "Row 3: a"), RowProblem(None, "b")])
    assert str(error) == "Row 3: a; b"


def test_the_template_has_a_blank_row_for_every_category_to_fill_in():
    lines = template_csv(EXPECTED).splitlines()
    assert lines[0] == "variable,category,total"
    assert lines[1:] == [
        "AGE_BAND,16_34,",
        "AGE_BAND,35_64,",
        "AGE_BAND,65_PLUS,",
        "SEX,FEMALE,",
        "SEX,MALE,",
    ]


def test_the_template_writes_large_totals_as_plain_numbers():
    text = template_csv({"SEX": ["FEMALE", "MALE"]}, {"SEX": {"FEMALE": 1_234_567.0}})
    assert "SEX,FEMALE,1234567\r\n" in text and text.endswith("SEX,MALE,\r\n")


totals = st.floats(0.5, 1e7, allow_nan=False).map(lambda value: round(value, 2))


@settings(max_examples=50, deadline=None)
@given(st.lists(totals, min_size=3, max_size=3), st.floats(0.1, 0.9))
def test_a_filled_in_template_reads_back_as_the_totals_written(ages, female_share):
    population = sum(ages)
    written = {
        "AGE_BAND": dict(zip(EXPECTED["AGE_BAND"], ages, strict=True)),
        "SEX": {"FEMALE": population * female_share, "MALE": population * (1 - female_share)},
    }
    read = read_targets(template_csv(EXPECTED, written).encode(), EXPECTED)
    assert read == written
