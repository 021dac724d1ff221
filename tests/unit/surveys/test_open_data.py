"""Published tables as open data: the public page's figures and suppression, nothing more."""

import datetime as dt
import io
import json

import pandas as pd

from engage.surveys.exports import to_csv
from engage.surveys.open_data import (
    FIELDS,
    LICENCE,
    SCHEMA_VERSION,
    open_data_json,
    open_data_rows,
)

META = {
    "publisher": "Office of the Police and Crime Commissioner",
    "survey": {"code": "SAFETY", "title": "Community safety survey"},
    "wave": {
        "code": "2025-SPRING",
        "title": "Spring 2025",
        "fieldwork_start": dt.date(2025, 3, 1),
        "fieldwork_end": dt.date(2025, 4, 30),
    },
    "published_at": dt.datetime(2025, 6, 2, 9, 30, tzinfo=dt.UTC),
    "methods": {"weighting": "Raked to age, sex and district (ONS mid-2023 estimates)"},
}


def published_payload():
    """A published copy, except that the suppressed row still carries figures it should not."""
    return {
        "schema": 1,
        "confidence": 0.95,
        "low_base": {"flag_below": 50, "suppress_below": 30},
        "groups": [{"code": "TEWK", "label": "Tewkesbury"}],
        "questions": [
            {
                "code": "SAFE_DAY",
                "text": "How safe do you feel walking alone during the day?",
                "type": "single choice",
                "section": "Safety",
                "kind": "choice",
                "answers": [
                    {"code": "SAFE", "label": "Safe"},
                    {"code": "UNSAFE", "label": "Unsafe"},
                ],
                "rows": [
                    row("ALL", "SAFE", 81.234, 76.51, 85.27, 80.0, 240, ""),
                    row("TEWK", "SAFE", 66.0, 40.0, 85.0, 65.0, 25, "suppressed"),
                    row("TEWK", "UNSAFE", None, None, None, None, 25, "suppressed"),
                ],
            },
            {
                "code": "YEARS",
                "text": "How many years have you lived here?",
                "type": "number",
                "section": "About you",
                "kind": "mean",
                "answers": [],
                "rows": [row("ALL", "mean", 12.3456, 11.0, 13.7, 11.9, 238, "low base")],
            },
            {
                "code": "COMMENT",
                "text": "Anything else you would like to tell us?",
                "type": "free text",
                "section": "",
                "kind": "choice",
                "answers": [
                    {"code": "I live at 4 Acacia Avenue", "label": "I live at 4 Acacia Avenue"}
                ],
                "rows": [],
            },
        ],
        "indicators": [],
    }


def row(group, answer, weighted, low, high, unweighted, base, status):
    return {
        "group": group,
        "answer": answer,
        "weighted": weighted,
        "low": low,
        "high": high,
        "unweighted": unweighted,
        "base": base,
        "status": status,
    }


def keys_in(value):
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_in(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_in(item)}
    return set()


def test_json_names_its_schema_licence_survey_and_wave_and_serialises():
    document = open_data_json(published_payload(), META)
    text = json.dumps(document)
    assert document["schema_version"] == SCHEMA_VERSION == "1.0"
    assert document["licence"] == LICENCE == "Open Government Licence v3.0"
    assert document["wave"] == {
        "code": "2025-SPRING",
        "title": "Spring 2025",
        "fieldwork_start": "2025-03-01",
        "fieldwork_end": "2025-04-30",
    }
    assert document["published_at"] == "2025-06-02T09:30:00+00:00"
    assert document["methods"]["low_base"] == {"flag_below": 50, "suppress_below": 30}
    assert document["methods"]["weighting"].startswith("Raked")
    assert json.loads(text) == document


def test_json_rows_hold_rounded_figures_labels_and_notes():
    tables = {table["code"]: table for table in open_data_json(published_payload(), META)["tables"]}
    first = tables["SAFE_DAY"]["rows"][0]
    assert first == {
        "group_code": "ALL",
        "group": "All respondents",
        "answer_code": "SAFE",
        "answer": "Safe",
        "weighted_percent": 81.2,
        "weighted_mean": None,
        "ci_low": 76.5,
        "ci_high": 85.3,
        "base": 240,
        "note": "",
    }
    mean = tables["YEARS"]["rows"][0]
    assert (mean["weighted_percent"], mean["weighted_mean"]) == (None, 12.35)
    assert mean["note"] == "Low base (under 50)"
    assert tables["YEARS"]["measure"] == "mean"


def test_suppressed_figures_are_null_even_when_the_payload_holds_them():
    tables = open_data_json(published_payload(), META)["tables"]
    suppressed = [line for line in tables[0]["rows"] if line["group_code"] == "TEWK"]
    assert len(suppressed) == 2
    for line in suppressed:
        assert [line[key] for key in ("weighted_percent", "ci_low", "ci_high")] == [None] * 3
        assert line["note"] == "Suppressed (under 30)"


def test_no_respondent_counts_unweighted_figures_or_free_text_leave():
    payload = published_payload()
    payload["respondents"] = 240
    for line in payload["questions"][0]["rows"]:
        line["respondents"] = 7  # as if the staff copy were passed by mistake
    document = open_data_json(payload, META)
    assert not keys_in(document) & {"respondents", "unweighted"}
    assert [table["code"] for table in document["tables"]] == ["SAFE_DAY", "YEARS"]
    assert "Acacia" not in json.dumps(document)
    frame = open_data_rows(payload, META)
    assert "respondents" not in frame.columns
    assert "Acacia" not in frame.to_csv()


def test_json_rows_and_csv_columns_are_the_documented_fields():
    document = open_data_json(published_payload(), META)
    repeated = {"survey", "wave", "question_code", "question"}
    documented = [field.name for field in FIELDS]
    assert [key for key in documented if key not in repeated] == list(
        document["tables"][0]["rows"][0]
    )
    assert list(open_data_rows(published_payload(), META).columns) == documented
    assert all(field.description for field in FIELDS)


def test_csv_has_a_row_per_question_group_and_answer_with_suppressed_cells_empty():
    data = to_csv(open_data_rows(published_payload(), META))
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back[["question_code", "group_code", "answer_code"]].values.tolist() == [
        ["SAFE_DAY", "ALL", "SAFE"],
        ["SAFE_DAY", "TEWK", "SAFE"],
        ["SAFE_DAY", "TEWK", "UNSAFE"],
        ["YEARS", "ALL", "mean"],
    ]
    assert set(back.survey) == {"SAFETY"} and set(back.wave) == {"2025-SPRING"}
    assert back.weighted_percent.tolist() == ["81.2", "", "", ""]
    assert back.weighted_mean.tolist() == ["", "", "", "12.35"]
    assert back.base.tolist() == ["240", "25", "25", "238"]
