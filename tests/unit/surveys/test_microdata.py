"""Anonymised respondent data: its columns and shuffled rows, its codebook and its SPSS file."""

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from engage.surveys.microdata import codebook, microdata, shuffle_seed, spss_names, to_sav
from engage.surveys.questions import Option, QuestionSpec, QuestionType, standard_options

AGE = QuestionSpec(
    "AGE",
    QuestionType.SINGLE,
    "What is your age?",
    options=(Option("16_34", "16 to 34"), Option("35_PLUS", "35 or over")),
)
CONFIDENT = QuestionSpec(
    "CONFIDENT",
    QuestionType.AGREEMENT,
    "The police can be relied on to be there when needed",
    options=standard_options(QuestionType.AGREEMENT),
)
SEEN = QuestionSpec(
    "SEEN",
    QuestionType.MULTIPLE,
    "Where have you seen officers?",
    options=(Option("STREET", "On foot"), Option("CAR", "In a car"), Option("NONE", "Nowhere")),
)
YEARS = QuestionSpec("YEARS", QuestionType.NUMBER, "How many years have you lived here?")
SCORE = QuestionSpec("SCORE", QuestionType.RATING, "Rate the police", min_value=1, max_value=5)
COMMENT = QuestionSpec("COMMENT", QuestionType.TEXT, "Anything else?")
SPECS = [AGE, CONFIDENT, SEEN, YEARS, SCORE, COMMENT]
IDS = pd.Index([501, 502, 503, 504, 505, 506], name="response")


def answers():
    """Answers as the results read them; YEARS holds the response id to check rows hold together."""
    return {
        "AGE": pd.Series(["16_34", "35_PLUS", None, "35_PLUS", "16_34", "16_34"], index=IDS),
        "CONFIDENT": pd.Series(["TEND_AGREE", None, "DONT_KNOW", "NEITHER", None, None], index=IDS),
        "SEEN": pd.DataFrame(
            {
                "STREET": [1.0, 0.0, np.nan, 1.0, 0.0, 0.0],
                "CAR": [1.0, 0.0, np.nan, 0.0, 0.0, 0.0],
                "NONE": [0.0, 1.0, np.nan, 0.0, 1.0, 1.0],
            },
            index=IDS,
        ),
        "YEARS": pd.Series(IDS.astype(float), index=IDS),
        "SCORE": pd.Series([4.0, 5.0, np.nan, 1.0, 2.0, 3.0], index=IDS),
        "COMMENT": pd.Series(["I live at 4 Acacia Avenue"] * 6, index=IDS),
    }


WEIGHTS = pd.Series([1.5, 0.5, 2.0, 1.0, 0.75], index=IDS[:5])  # 506 left out of weighting
MODE = pd.Series(["online", "paper", "online", "online", "paper", "online"], index=IDS)


def test_microdata_has_one_column_per_variable_extras_then_weight_and_no_free_text():
    frame = microdata(answers(), SPECS, WEIGHTS, {"mode": MODE}, seed=1)
    assert list(frame.columns) == [
        "serial",
        "AGE",
        "CONFIDENT",
        "SEEN_STREET",
        "SEEN_CAR",
        "SEEN_NONE",
        "YEARS",
        "SCORE",
        "mode",
        "weight",
    ]
    assert "Acacia" not in frame.to_csv()


def test_microdata_rows_are_shuffled_numbered_from_one_and_keep_each_respondents_answers():
    frame = microdata(answers(), SPECS, WEIGHTS, {"mode": MODE}, seed=1)
    assert frame.serial.tolist() == [1, 2, 3, 4, 5, 6]
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame.YEARS.tolist() != sorted(frame.YEARS)  # not in response order
    by_id = frame.set_index("YEARS")
    assert by_id.loc[501, ["AGE", "CONFIDENT", "SEEN_STREET", "SCORE", "mode"]].tolist() == [
        "16_34",
        "TEND_AGREE",
        1,
        4,
        "online",
    ]
    assert by_id.loc[504, "weight"] == 1.0
    assert pd.isna(by_id.loc[503, "AGE"]) and pd.isna(by_id.loc[503, "SEEN_NONE"])


def test_microdata_order_is_reproducible_for_a_seed_and_differs_between_seeds():
    first = microdata(answers(), SPECS, WEIGHTS, seed=7).YEARS.tolist()
    assert microdata(answers(), SPECS, WEIGHTS, seed=7).YEARS.tolist() == first
    others = {tuple(microdata(answers(), SPECS, WEIGHTS, seed=s).YEARS) for s in range(8, 14)}
    assert others - {tuple(first)}


def test_shuffle_seed_depends_on_the_secret_and_the_wave():
    assert shuffle_seed("secret", "W1") == shuffle_seed(b"secret", "W1")
    assert shuffle_seed("secret", "W1") != shuffle_seed("other", "W1")
    assert shuffle_seed("secret", "W1") != shuffle_seed("secret", "W2")


def test_microdata_keeps_respondents_left_out_of_weighting_with_no_weight():
    frame = microdata(answers(), SPECS, WEIGHTS, seed=3).set_index("YEARS")
    assert len(frame) == 6
    assert pd.isna(frame.loc[506, "weight"])
    assert frame.weight.sum() == pytest.approx(WEIGHTS.sum())


def test_microdata_accepts_multiple_choice_as_tuples_of_codes():
    given = answers() | {"SEEN": pd.Series([("STREET", "CAR"), None], index=IDS[:2])}
    frame = microdata(given, SPECS, WEIGHTS, seed=1).set_index("YEARS")
    assert frame.loc[501, ["SEEN_STREET", "SEEN_CAR", "SEEN_NONE"]].tolist() == [1, 1, 0]
    assert frame.loc[[502, 503], "SEEN_STREET"].isna().all()


def test_microdata_refuses_answers_with_options_the_question_does_not_offer():
    with pytest.raises(ValueError, match="AGE"):
        microdata(answers() | {"AGE": pd.Series(["OLD"], index=IDS[:1])}, SPECS, WEIGHTS)
    with pytest.raises(ValueError, match="weight"):
        microdata(answers(), SPECS, WEIGHTS, {"weight": MODE})


def test_codebook_describes_every_column_and_each_coded_value():
    frame = microdata(answers(), SPECS, WEIGHTS, {"mode": MODE}, seed=1)
    book = codebook(SPECS, frame, {"mode": "How the response came in"})
    variables = book[book.value == ""].set_index("variable")
    assert list(variables.index) == list(frame.columns)
    assert variables.loc["AGE", "label"] == "What is your age?"
    assert variables.loc["SEEN_CAR", "label"] == "Where have you seen officers?: In a car"
    assert variables.loc["mode", "label"] == "How the response came in"
    assert "Empty for a respondent left out of weighting" in variables.loc["weight", "label"]
    assert "random order" in variables.loc["serial", "label"]
    values = book[book.value != ""]
    assert values[values.variable == "AGE"][["value", "value label"]].values.tolist() == [
        ["16_34", "16 to 34"],
        ["35_PLUS", "35 or over"],
    ]
    assert values[values.variable == "SEEN_NONE"]["value label"].tolist() == [
        "Not selected",
        "Selected",
    ]
    assert values[values.variable == "YEARS"].empty


def read_sav(data, tmp_path):
    path = tmp_path / "back.sav"
    path.write_bytes(data)
    return pyreadstat.read_sav(str(path))


def test_spss_file_reads_back_with_labels_codes_and_weights(tmp_path):
    frame = microdata(answers(), SPECS, WEIGHTS, {"mode": MODE}, seed=1)
    back, meta = read_sav(to_sav(frame, SPECS, {"mode": "How the response came in"}), tmp_path)
    assert list(back.columns) == list(frame.columns)
    labels = meta.column_names_to_labels
    assert labels["CONFIDENT"] == CONFIDENT.text
    assert labels["mode"] == "How the response came in"
    assert meta.variable_value_labels["AGE"] == {1.0: "16 to 34", 2.0: "35 or over"}
    assert meta.variable_value_labels["CONFIDENT"][6.0] == "Don't know"
    assert meta.variable_value_labels["SEEN_CAR"] == {0.0: "Not selected", 1.0: "Selected"}
    assert meta.variable_measure["CONFIDENT"] == "ordinal"
    expected = frame.AGE.map({"16_34": 1.0, "35_PLUS": 2.0}).astype(float)
    pd.testing.assert_series_equal(back.AGE, expected)
    pd.testing.assert_series_equal(back.weight, frame.weight)
    pd.testing.assert_series_equal(back.SCORE, frame.SCORE.astype(float))
    assert back["mode"].tolist() == frame["mode"].tolist()


def test_spss_names_are_valid_unique_and_labels_fit_spss_limits(tmp_path):
    long = QuestionSpec("Q" * 70, QuestionType.NUMBER, "Why? " * 100)
    frame = pd.DataFrame({"serial": [1], "Q" * 70: [2.0], "Q" * 64: [3.0], "1st area": ["x"]})
    back, meta = read_sav(to_sav(frame, [long]), tmp_path)
    assert list(back.columns) == ["serial", "Q" * 64, "Q" * 62 + "_2", "V1st_area"]
    assert len(meta.column_names_to_labels["Q" * 64].encode()) <= 256
    assert spss_names(["with", "WITH", "a-b"]) == {"with": "with_", "WITH": "WITH__2", "a-b": "a_b"}
