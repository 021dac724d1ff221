"""Staff import a fieldwork agency's file: upload, match, check every row, store all or nothing."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from sqlalchemy import func, select

from engage.auth.permissions import Role
from engage.extensions import db
from engage.surveys import import_services
from engage.surveys.import_files import read_table
from engage.surveys.import_services import AlreadyImported, ImportRefused
from engage.surveys.imports import ImportMapping
from engage.surveys.models import Answer, Question, Response, ResponseImport, ResponseMode
from tests.factories import open_wave
from tests.reading import text_of
from tests.unit.surveys.test_import_files import FIXTURES
from tests.unit.surveys.test_imports import CODES

SELECT = re.compile(r'<select[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.DOTALL)
SELECTED = re.compile(r'<option value="([^"]*)"[^>]*\bselected')


@pytest.fixture
def uploads(app, tmp_path) -> Path:
    """Keep this test's uploads in a folder of its own."""
    folder = tmp_path / "uploads"
    app.config["ENGAGE_UPLOAD_FOLDER"] = str(folder)
    yield folder
    app.config.pop("ENGAGE_UPLOAD_FOLDER")


@pytest.fixture
def staff(sign_in, uploads):
    return sign_in(Role.STAFF)


@pytest.fixture
def wave():
    return open_wave("import-test", question_codes=CODES)


def url(wave, step: str = "") -> str:
    return f"/surveys/manage/waves/{wave.id}/import" + (f"/{step}" if step else "")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def upload(staff, wave, name: str, content: bytes):
    return staff.submit(
        url(wave), {"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def as_shown(page) -> dict[str, str]:
    """Every select of a form with the option the page shows chosen, as a browser would send."""
    chosen = {}
    for name, options in SELECT.findall(page.get_data(as_text=True)):
        match = SELECTED.search(options)
        chosen[name] = html.unescape(match.group(1)) if match else ""
    return chosen


def accept_as_shown(staff, wave, step: str, **changes: str):
    """Post a matching page with what it shows chosen, and any changes."""
    page = staff.get(url(wave, step))
    assert page.status_code == 200, text_of(page)
    return staff.submit(url(wave, step), as_shown(page) | changes)


def match_and_check(staff, wave, name: str, content: bytes):
    """Upload a file, accept the suggested matching, and open the check page."""
    assert upload(staff, wave, name, content).headers["Location"].endswith("/import/columns")
    assert accept_as_shown(staff, wave, "columns").status_code == 302
    assert accept_as_shown(staff, wave, "answers").status_code == 302
    return staff.get(url(wave, "check"))


def import_file(staff, wave, name: str, content: bytes):
    check = match_and_check(staff, wave, name, content)
    assert check.status_code == 200, text_of(check)
    return staff.submit(url(wave, "check"), {})


def stored_responses(wave) -> list[Response]:
    query = select(Response).where(Response.wave_id == wave.id).order_by(Response.import_row)
    return list(db.session.scalars(query))


def answers_of(response: Response) -> dict[str, list]:
    rows = db.session.execute(
        select(Question.code, Answer.option_code, Answer.number, Answer.text)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id == response.id)
        .order_by(Answer.id)
    )
    found: dict[str, list] = {}
    for code, option, number, text in rows:
        found.setdefault(code, []).append(option or number or text)
    return found


def test_a_good_csv_is_imported_as_complete_responses_with_their_row_numbers(staff, wave, uploads):
    check = match_and_check(staff, wave, "agency_good.csv", fixture("agency_good.csv"))
    assert "All 4 rows can be imported as complete responses" in text_of(check)
    assert "The first rows as they will be stored" in text_of(check)
    assert "BURGLARY;ASB" in text_of(check)

    response = staff.submit(url(wave, "check"), {})

    assert response.status_code == 302
    assert response.headers["Location"] == url(wave)
    page = text_of(staff.get(url(wave)))
    assert "4 responses from agency_good.csv are imported." in page
    assert "agency_good.csv 4" in page
    responses = stored_responses(wave)
    record = db.session.scalar(select(ResponseImport).where(ResponseImport.wave_id == wave.id))
    assert record.rows == 4
    assert record.filename == "agency_good.csv"
    assert record.imported_by_id == staff.user.id
    assert len(record.digest) == 64
    assert record.mapping["columns"]["Age band"] == "AGE_BAND"
    assert "respondent_id" not in record.mapping["columns"]
    assert [r.import_row for r in responses] == [2, 3, 4, 5]
    assert {r.mode for r in responses} == {ResponseMode.IMPORT}
    assert {r.status.value for r in responses} == {"complete"}
    assert {r.import_id for r in responses} == {record.id}
    assert all(r.submitted_at is not None and r.token for r in responses)
    first = answers_of(responses[0])
    assert first["PRIORITY_CRIMES"] == ["BURGLARY", "ASB"]
    assert first["POLICE_RATING"] == [7.0]
    assert first["COMMENTS"] == ["More patrols please"]
    assert first["AGE_BAND"] == ["16_24"]
    assert "VICTIM_REPORTED" not in first
    assert answers_of(responses[1])["VICTIM_SATISFIED"] == ["VERY_SATISFIED"]
    assert list(uploads.iterdir()) == []  # the upload is not kept once imported


def test_a_file_with_bad_rows_lists_each_by_row_and_stores_nothing(staff, wave):
    check = match_and_check(staff, wave, "agency_bad_rows.csv", fixture("agency_bad_rows.csv"))

    page = text_of(check)
    assert "8 of 9 rows are refused, so nothing has been imported" in page
    assert "Row 3: AGE_BAND: '99' is not an answer code" in page
    assert "Row 4: POLICE_RATING: '11': Enter a number between 0 and 10" in page
    assert "Row 5: SEX: no answer, but the question must be answered" in page
    assert "Row 6: VICTIM_REPORTED: answered, but it is asked only if VICTIM_12M is YES" in page
    assert "Import 9 responses" not in page

    forced = staff.submit(url(wave, "check"), {})

    assert forced.status_code == 400
    assert "Row 10: YEARS_IN_AREA: '-4': Enter a number between 0 and 110" in text_of(forced)
    assert stored_responses(wave) == []
    assert db.session.scalar(select(func.count(ResponseImport.id))) == 0


def test_values_matched_by_hand_let_a_refused_row_in(staff, wave):
    content = fixture("agency_good.csv").replace(b"16 to 24", b"Under 25")
    upload(staff, wave, "agency.csv", content)
    accept_as_shown(staff, wave, "columns")
    answers = staff.get(url(wave, "answers"))
    shown = as_shown(answers)
    unmatched = [name for name, value in shown.items() if value == ""]
    assert len(unmatched) == 1
    assert "Row 2: AGE_BAND: 'Under 25' is not an answer code" in text_of(
        staff.get(url(wave, "check"))
    )

    staff.submit(url(wave, "answers"), shown | {unmatched[0]: "16_24"})

    assert "All 4 rows can be imported" in text_of(staff.get(url(wave, "check")))


def test_the_same_file_twice_into_a_wave_is_refused_not_doubled(staff, wave):
    import_file(staff, wave, "agency_good.csv", fixture("agency_good.csv"))

    again = upload(staff, wave, "renamed.csv", fixture("agency_good.csv"))

    assert again.status_code == 409
    assert "renamed.csv has already been imported into this wave (as agency_good.csv" in text_of(
        again
    )
    assert len(stored_responses(wave)) == 4
    other = open_wave("import-other", question_codes=CODES)
    assert upload(staff, other, "agency_good.csv", fixture("agency_good.csv")).status_code == 302


def test_the_same_file_is_refused_when_it_was_imported_while_being_matched(staff, wave, sign_in):
    match_and_check(staff, wave, "agency_good.csv", fixture("agency_good.csv"))
    colleague = sign_in(Role.STAFF)
    import_file(colleague, wave, "agency_good.csv", fixture("agency_good.csv"))

    late = staff.submit(url(wave, "check"), {})

    assert late.status_code == 409
    assert "has already been imported into this wave" in text_of(late)
    assert len(stored_responses(wave)) == 4


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.pdf", b"%PDF-1.7", "minutes.pdf is not a file Engage can import"),
        ("agency.csv", b"PK\x03\x04" + b"\0" * 40, "agency.csv is named as an CSV file but is"),
        ("agency.xlsx", b"SEX\nMALE\n", "is named as an Excel workbook (.xlsx) but is not one"),
        ("agency.csv", b"", "agency.csv is empty"),
    ],
)
def test_a_wrong_kind_of_file_is_refused_with_a_clear_message(staff, wave, name, content, message):
    response = upload(staff, wave, name, content)

    assert response.status_code == 400
    assert message in text_of(response)
    assert "There is a problem" in text_of(response)


def test_no_file_chosen_is_refused(staff, wave):
    response = staff.submit(url(wave), {})

    assert response.status_code == 400
    assert "Choose the file to upload" in text_of(response)


@pytest.mark.parametrize("rows", [21_000, 40_000], ids=["just over", "well over"])
def test_a_file_over_the_size_limit_gets_a_page_saying_so(staff, wave, app, rows):
    # Kept under 500 kB: a larger body is spooled to a file the test client never closes.
    app.config["ENGAGE_MAX_UPLOAD_BYTES"] = 100 * 1024
    try:
        response = upload(staff, wave, "big.csv", b"SEX\n" + b"MALE\n" * rows)
    finally:
        app.config.pop("ENGAGE_MAX_UPLOAD_BYTES")

    assert response.status_code == 413
    assert "The file is too large" in text_of(response)
    assert "Files of up to 100 KB can be uploaded" in text_of(response)


def test_an_excel_workbook_is_imported(staff, wave, tmp_path):
    frame = pd.read_csv(FIXTURES / "agency_good.csv", dtype=str, keep_default_na=False)
    frame["POLICE_RATING"] = frame["POLICE_RATING"].astype(int)
    path = tmp_path / "agency.xlsx"
    frame.to_excel(path, index=False)

    assert import_file(staff, wave, "agency.xlsx", path.read_bytes()).status_code == 302

    responses = stored_responses(wave)
    assert [r.import_row for r in responses] == [2, 3, 4, 5]
    assert answers_of(responses[0])["POLICE_RATING"] == [7.0]


def test_an_spss_file_is_imported_using_its_value_labels(staff, tmp_path):
    wave = open_wave("import-sav", question_codes=["AGE_BAND", "SEX", "DISTRICT"])
    frame = pd.DataFrame(
        {"AGE_BAND": [1.0, 7.0], "SEX": [2.0, 1.0], "DISTRICT": ["STROUD", "Cotswold"]}
    )
    path = tmp_path / "agency.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={
            "AGE_BAND": {1: "16 to 24", 7: "75 or over"},
            "SEX": {1: "Female", 2: "Male"},
        },
    )
    answers = None

    check = match_and_check(staff, wave, "agency.sav", path.read_bytes())
    assert "SPSS label" in text_of(staff.get(url(wave, "answers")))
    assert "All 2 rows can be imported" in text_of(check)
    staff.submit(url(wave, "check"), {})

    responses = stored_responses(wave)
    answers = [answers_of(response) for response in responses]
    assert [r.import_row for r in responses] == [1, 2]
    assert answers[0] == {"AGE_BAND": ["16_24"], "SEX": ["MALE"], "DISTRICT": ["STROUD"]}
    assert answers[1] == {"AGE_BAND": ["75_PLUS"], "SEX": ["FEMALE"], "DISTRICT": ["COTSWOLD"]}


def test_columns_named_as_question_codes_are_matched_already(staff, wave):
    upload(staff, wave, "agency_good.csv", fixture("agency_good.csv"))

    shown = as_shown(staff.get(url(wave, "columns")))

    assert list(shown.values()) == ["", *CODES]


def test_two_columns_matched_to_one_question_are_refused_and_the_choices_kept(staff, wave):
    upload(staff, wave, "agency_good.csv", fixture("agency_good.csv"))

    response = accept_as_shown(staff, wave, "columns", column_0="SEX")

    assert response.status_code == 400
    assert "“respondent_id” is already matched to SEX" in text_of(response)
    assert as_shown(response)["column_0"] == "SEX"


def test_the_matching_steps_send_you_to_upload_first(staff, wave):
    for step in ("columns", "answers", "check"):
        response = staff.get(url(wave, step))
        assert response.status_code == 302
        assert response.headers["Location"] == url(wave)
    assert "Upload the file to import first." in text_of(staff.get(url(wave)))


def test_an_upload_is_the_uploaders_own(staff, wave, sign_in):
    upload(staff, wave, "agency_good.csv", fixture("agency_good.csv"))
    colleague = sign_in(Role.STAFF)

    assert colleague.get(url(wave, "columns")).status_code == 302
    assert staff.get(url(wave, "columns")).status_code == 200


def test_cancelling_discards_the_upload(staff, wave, uploads):
    upload(staff, wave, "agency_good.csv", fixture("agency_good.csv"))
    assert "You have uploaded agency_good.csv (4 rows)" in text_of(staff.get(url(wave)))

    response = staff.submit(url(wave, "cancel"), {}, page=url(wave))

    assert response.status_code == 302
    assert "The upload is discarded" in text_of(staff.get(url(wave)))
    assert list(uploads.iterdir()) == []
    assert staff.get(url(wave, "columns")).status_code == 302


def test_uploads_left_for_more_than_a_day_are_swept_away(staff, wave, uploads):
    upload(staff, wave, "agency_good.csv", fixture("agency_good.csv"))
    kept = list(uploads.iterdir())
    assert len(kept) == 2
    for path in kept:
        import os

        os.utime(path, (0, 0))

    upload(staff, wave, "agency_windows.csv", fixture("agency_windows.csv"))

    assert len(list(uploads.iterdir())) == 2
    assert not any(path.exists() for path in kept)


def test_the_service_stores_nothing_when_any_row_is_refused_and_refuses_a_second_import(wave):
    bad = read_table("bad.csv", fixture("agency_bad_rows.csv"))
    good = read_table("good.csv", fixture("agency_good.csv"))
    columns = {column: column.upper().replace(" ", "_") for column in good.columns[1:]}

    def store(table, digest):
        return import_services.import_responses(
            wave.id,
            filename="agency.csv",
            digest=digest,
            table=table,
            mapping=ImportMapping(
                columns=columns if table is good else {c: c for c in bad.columns}
            ),
            imported_by_id=None,
        )

    with pytest.raises(ImportRefused) as refused:
        store(bad, "b" * 64)
    assert "8 of 9 rows are refused, so nothing is imported" in str(refused.value)
    assert len(refused.value.refused) == 8
    assert stored_responses(wave) == []
    store(good, "a" * 64)
    with pytest.raises(AlreadyImported):
        store(good, "a" * 64)
    assert len(stored_responses(wave)) == 4
