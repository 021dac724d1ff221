"""Result tables as CSV and Excel files."""

import io
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from engage.surveys.exports import tables_frame, to_csv, to_xlsx


def staff_payload():
    """A staff copy: respondent counts present, one district too small to show."""
    return {
        "schema": 1,
        "confidence": 0.95,
        "respondents": 240,
        "low_base": {"flag_below": 50, "suppress_below": 30},
        "groups": [
            {"code": "CHELT", "label": "Cheltenham"},
            {"code": "TEWK", "label": "Tewkesbury"},
        ],
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
                    row("ALL", "SAFE", 81.234, 76.51, 85.27, 80.0, 192, 240, ""),
                    row("ALL", "UNSAFE", 18.766, 14.73, 23.49, 20.0, 48, 240, ""),
                    row("CHELT", "SAFE", 70.05, 58.4, 79.6, 71.1, 32, 45, "low base"),
                    row("TEWK", "SAFE", None, None, None, None, 20, 25, "suppressed"),
                ],
            },
            {
                "code": "YEARS",
                "text": "How many years have you lived here?",
                "type": "number",
                "section": "About you",
                "kind": "mean",
                "answers": [],
                "rows": [row("ALL", "mean", 12.3456, 11.0, 13.7, 11.9, 238, 238, "")],
            },
        ],
        "indicators": [],
    }


def row(group, answer, weighted, low, high, unweighted, respondents, base, status):
    return {
        "group": group,
        "answer": answer,
        "weighted": weighted,
        "low": low,
        "high": high,
        "unweighted": unweighted,
        "respondents": respondents,
        "base": base,
        "status": status,
    }


def published(payload):
    for question in payload["questions"]:
        for line in question["rows"]:
            del line["respondents"]
    del payload["respondents"]
    return payload


def test_tables_have_human_headings_labels_and_notes():
    frame = tables_frame(staff_payload(), "SAFE_DAY")
    assert list(frame.columns) == [
        "Question code",
        "Question",
        "Group",
        "Answer",
        "Weighted %",
        "95% CI low",
        "95% CI high",
        "Unweighted %",
        "Respondents",
        "Base (unweighted)",
        "Note",
    ]
    assert list(frame.Group) == ["All respondents", "All respondents", "Cheltenham", "Tewkesbury"]
    assert list(frame.Answer) == ["Safe", "Unsafe", "Safe", "Safe"]
    assert list(frame.Note) == ["", "", "Low base (under 50)", "Suppressed (under 30)"]
    assert frame["Weighted %"].iloc[0] == 81.2
    assert frame["Base (unweighted)"].tolist() == [240, 240, 45, 25]


def test_suppressed_figures_are_empty_in_tables():
    suppressed = tables_frame(staff_payload(), "SAFE_DAY").iloc[3]
    assert suppressed[["Weighted %", "95% CI low", "95% CI high", "Unweighted %"]].isna().all()


def test_published_tables_have_no_respondents_column():
    frame = tables_frame(published(staff_payload()))
    assert "Respondents" not in frame.columns


def test_a_mean_question_is_headed_as_a_mean_and_mixed_tables_say_both():
    means = tables_frame(staff_payload(), "YEARS")
    assert means["Weighted mean"].tolist() == [12.35]
    assert means.Answer.tolist() == ["Mean"]
    assert "Weighted % or mean" in tables_frame(staff_payload()).columns


def test_asking_for_a_question_without_a_table_is_an_error():
    with pytest.raises(KeyError):
        tables_frame(staff_payload(), "NOPE")


def test_csv_starts_with_a_byte_order_mark_and_reads_back_with_empty_suppressed_cells():
    data = to_csv(tables_frame(staff_payload(), "SAFE_DAY"))
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["Weighted %"].tolist() == ["81.2", "18.8", "70.0", ""]
    assert back["Base (unweighted)"].tolist() == ["240", "240", "45", "25"]


def workbook(data):
    return load_workbook(io.BytesIO(data))


def test_workbook_opens_with_about_then_one_sheet_per_table():
    about = [("Title", "Community safety survey"), ("Wave", "Spring 2025")]
    data = to_xlsx({"SAFE_DAY": tables_frame(staff_payload(), "SAFE_DAY")}, about)
    book = workbook(data)
    assert book.sheetnames == ["About", "SAFE_DAY"]
    assert [[cell.value for cell in line] for line in book["About"].iter_rows()] == [
        ["Title", "Community safety survey"],
        ["Wave", "Spring 2025"],
    ]


def test_workbook_sheet_names_are_valid_and_unique():
    frame = pd.DataFrame({"a": [1]})
    names = ["Safety: day/night [2025]?", "About", "x" * 40, "x" * 40, "History"]
    book = workbook(to_xlsx(dict.fromkeys(names, frame) | {"X" * 40: frame}))
    sheetnames = book.sheetnames[1:]
    assert len(sheetnames) == 5  # dict.fromkeys merged the repeated 40-character name
    assert len({name.lower() for name in book.sheetnames}) == 6
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in sheetnames)
    assert "History" not in sheetnames


def test_workbook_tables_have_a_bold_frozen_header_and_numbers_stored_as_numbers():
    sheet = workbook(to_xlsx({"t": tables_frame(staff_payload(), "SAFE_DAY")}))["t"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["E2"].value == 81.2 and sheet["E2"].data_type == "n"
    assert sheet["J2"].value == 240 and sheet["J2"].data_type == "n"
    assert sheet["E5"].value is None  # suppressed
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_workbook_keeps_text_that_looks_like_a_formula_as_text():
    data = to_xlsx({"t": pd.DataFrame({"Answer": ["=HYPERLINK(1)"]})})
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in sheet_xml
    assert "=HYPERLINK(1)" in sheet_xml
