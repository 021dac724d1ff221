"""Reading an agency's CSV, Excel or SPSS file into rows of text, with no app."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.surveys import import_files
from engage.surveys.import_files import (
    FileRefused,
    Table,
    digest_of,
    examples,
    file_kind,
    read_table,
)

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def fixture(name: str) -> Table:
    return read_table(name, (FIXTURES / name).read_bytes())


def csv_table(text: str) -> Table:
    return read_table("agency.csv", text.encode("utf-8"))


def excel_bytes(tmp_path: Path, sheets: dict[str, pd.DataFrame]) -> bytes:
    path = tmp_path / "agency.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path.read_bytes()


def sav_bytes(tmp_path: Path) -> bytes:
    """An SPSS file as agencies send them: numeric codes with value labels."""
    frame = pd.DataFrame(
        {
            "age": [1.0, 7.0, 8.0, 2.0],
            "sex": [1.0, 2.0, 2.0, 9.0],
            "district": ["CHELTENHAM", "STROUD", "COTSWOLD", "TEWKESBURY"],
        }
    )
    path = tmp_path / "agency.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"age": "Age band", "sex": "Sex", "district": "District"},
        variable_value_labels={
            "age": {1: "16 to 24", 2: "25 to 34", 7: "75 or over", 8: "Prefer not to say"},
            "sex": {1: "Female", 2: "Male", 9: "Refused"},
        },
    )
    return path.read_bytes()


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them_with_cells_as_trimmed_text():
    table = fixture("agency_good.csv")

    assert table.kind == "csv"
    assert table.rows == 4
    assert list(table.frame.index) == [2, 3, 4, 5]
    assert table.frame.loc[4, "COMMENTS"] == "Slow, but polite"
    assert table.frame.loc[5, "PRIORITY_CRIMES"] == "DRUGS; VAWG; FRAUD"
    assert table.frame.loc[3, "YEARS_IN_AREA"] == ""


def test_csv_from_excel_on_windows_with_semicolons_and_a_bom_is_read():
    windows = fixture("agency_windows.csv")
    with_bom = read_table("agency.csv", "\ufeffSEX,AGE_BAND\r\nMALE,16_24\r\n".encode())

    assert windows.columns == ["SAFE_DARK", "AGE_BAND", "SEX", "DISTRICT", "COMMENTS"]
    assert windows.frame.loc[2, "COMMENTS"] == "Café closes early"
    assert with_bom.columns == ["SEX", "AGE_BAND"]


def test_empty_rows_are_left_out_and_counted_keeping_the_other_row_numbers():
    table = csv_table("SEX,AGE_BAND\nMALE,16_24\n,\n\nFEMALE,25_34\n")

    assert list(table.frame.index) == [2, 5]
    assert table.empty_rows == 2


def test_blank_and_repeated_column_names_get_names_of_their_own():
    table = csv_table(",SEX,sex,SEX\n1,MALE,FEMALE,MALE\n")

    assert table.columns == ["Column 1", "SEX", "sex (2)", "SEX (3)"]


def test_excel_reads_the_first_sheet_with_whole_numbers_and_dates_as_written(tmp_path):
    first = pd.DataFrame(
        {
            "AGE_BAND": ["16_24", "25_34"],
            "POLICE_RATING": [7, 8.0],
            "YEARS_IN_AREA": [2.5, None],
            "interviewed": pd.to_datetime(["2026-03-01", "2026-03-02"]),
        }
    )
    other = pd.DataFrame({"notes": ["not read"]})

    table = read_table("agency.xlsx", excel_bytes(tmp_path, {"Responses": first, "Notes": other}))

    assert table.kind == "xlsx"
    assert list(table.frame.index) == [2, 3]
    assert table.frame["POLICE_RATING"].tolist() == ["7", "8"]
    assert table.frame["YEARS_IN_AREA"].tolist() == ["2.5", ""]
    assert table.frame["interviewed"].tolist() == ["2026-03-01", "2026-03-02"]
    assert table.note == "Only the first of the workbook's 2 sheets, “Responses”, is read."


def test_spss_codes_are_read_as_text_with_their_value_and_variable_labels(tmp_path):
    table = read_table("agency.sav", sav_bytes(tmp_path))

    assert table.kind == "sav"
    assert list(table.frame.index) == [1, 2, 3, 4]  # case numbers
    assert table.frame["age"].tolist() == ["1", "7", "8", "2"]
    assert table.value_labels["age"]["7"] == "75 or over"
    assert table.column_labels["sex"] == "Sex"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("agency.csv", b"", "agency.csv is empty"),
        ("notes.pdf", b"%PDF-1.4", "notes.pdf is not a file Engage can import"),
        ("data.json", b"{}", "upload a CSV file, an Excel workbook (.xlsx) or an SPSS data file"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "save an older .xls"),
        ("agency.csv", b"$FL2" + b"\0" * 100, "agency.csv is named as an CSV file but is not one"),
        ("agency.xlsx", b"SEX\nMALE\n", "is named as an Excel workbook (.xlsx) but is not one"),
        ("agency.sav", b"SEX\nMALE\n", "is named as an SPSS data file (.sav) but is not one"),
        ("agency.csv", b"SEX\x00\x01\x02", "is named as an CSV file but is not one"),
    ],
)
def test_files_that_are_not_what_they_claim_or_not_supported_are_refused(name, content, message):
    with pytest.raises(FileRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_table(name, content)


def zip_of(path: str, text: str) -> bytes:
    """A zip archive holding one file, as an .xlsx is (or pretends to be)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(path, text)
    return buffer.getvalue()


def test_an_xlsx_that_is_a_zip_of_something_else_is_refused():
    with pytest.raises(FileRefused, match="named as an Excel workbook"):
        read_table("letter.xlsx", zip_of("word/document.xml", "<w/>"))


def test_a_damaged_workbook_or_spss_file_is_refused_with_what_to_do():
    with pytest.raises(FileRefused, match="open it in Excel, save it again"):
        read_table("broken.xlsx", zip_of("xl/workbook.xml", "not a workbook"))
    with pytest.raises(FileRefused, match="save it again from SPSS"):
        read_table("broken.sav", b"$FL2" + b"\x07" * 300)


def test_a_csv_with_a_row_of_too_many_cells_is_refused_with_the_line():
    with pytest.raises(FileRefused, match="line 3"):
        csv_table("SEX,AGE_BAND\nMALE,16_24\nFEMALE,25_34,extra,more\n")


def test_a_file_with_no_responses_or_too_many_rows_is_refused(monkeypatch):
    with pytest.raises(FileRefused, match="no responses"):
        csv_table("SEX,AGE_BAND\n")
    with pytest.raises(FileRefused, match="no responses"):
        csv_table("SEX,AGE_BAND\n,\n")
    with pytest.raises(FileRefused, match="no responses"):
        csv_table("\n\n")
    monkeypatch.setattr(import_files, "MAX_ROWS", 2)
    with pytest.raises(FileRefused, match="The file has 3 rows; Engage imports up to 2"):
        csv_table("SEX\nMALE\nFEMALE\nMALE\n")


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["agency.csv", "agency.xlsx", "agency.sav"]),
    st.sampled_from([b"", b"$FL2", b"PK\x03\x04"]),
    st.binary(max_size=400),
)
def test_any_bytes_give_a_table_or_a_refusal_never_another_error(name, start, rest):
    try:
        table = read_table(name, start + rest)
    except FileRefused:
        return
    assert table.rows > 0


def test_the_kind_comes_from_name_and_content_together():
    assert file_kind("C:\\Users\\me\\Agency Data.CSV", b"SEX\nMALE\n") == "csv"
    assert digest_of(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_examples_are_the_first_different_values_of_a_column():
    table = csv_table("AGE\n10\n\n10\n2\nx\n")

    assert examples(table, "AGE", 2) == ["10", "2"]
