"""Staff make invitation codes per district, download them for a mail merge and see them used."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engage.auth.permissions import Role
from engage.core.models import Area, AreaKind
from engage.extensions import db
from engage.surveys import invitations
from engage.surveys.invitations import ALPHABET, MAIL_MERGE_COLUMNS
from engage.surveys.models import Invitation
from tests.factories import open_wave
from tests.reading import text_of


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


@pytest.fixture
def wave():
    return open_wave("invitations-test")


def district(name: str) -> Area:
    return db.session.scalar(select(Area).where(Area.kind == AreaKind.DISTRICT, Area.name == name))


def page_url(wave) -> str:
    return f"/surveys/manage/waves/{wave.id}/invitations"


def make(staff, wave, **numbers: int):
    """Post the form with a number for each district named (by name, spaces as underscores)."""
    data = {
        f"district_{district(name.replace('_', ' ')).id}": str(number)
        for name, number in numbers.items()
    }
    return staff.submit(page_url(wave), data)


def codes_of(wave, batch: int | None = None) -> list[Invitation]:
    query = select(Invitation).where(Invitation.wave_id == wave.id)
    if batch is not None:
        query = query.where(Invitation.batch == batch)
    return list(db.session.scalars(query))


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_staff_make_codes_per_district_and_see_them_counted(staff, wave):
    response = make(staff, wave, Cheltenham=30, Stroud=12)

    assert response.status_code == 302
    page = text_of(staff.get(page_url(wave)))
    assert "Batch 1: 42 invitation codes are made." in page
    assert "Cheltenham 30 0 30" in page
    assert "Stroud 12 0 12" in page
    assert "Gloucester 0 0 0" in page
    assert "In all: 42 codes made, 0 used, 42 not used." in page
    made = codes_of(wave)
    assert len(made) == 42
    assert {invitation.batch for invitation in made} == {1}


def test_codes_are_eight_unambiguous_characters_unique_and_random(staff, wave):
    make(staff, wave, Gloucester=500)

    codes = [invitation.code for invitation in codes_of(wave)]
    assert len(set(codes)) == 500
    assert all(len(code) == 8 and set(code) <= set(ALPHABET) for code in codes)
    assert not set("01ILO") & set(ALPHABET)
    assert sorted(codes) != codes  # not handed out in order


def test_codes_are_unique_across_waves_even_when_a_new_code_collides(staff, wave, monkeypatch):
    make(staff, wave, Tewkesbury=1)
    taken = codes_of(wave)[0].code
    other = open_wave("invitations-other")
    drawn = iter([taken, "ABCDEFGH", "ABCDEFGJ"])
    monkeypatch.setattr(invitations, "new_code", lambda: next(drawn))

    make(staff, other, Tewkesbury=2)

    assert sorted(invitation.code for invitation in codes_of(other)) == ["ABCDEFGH", "ABCDEFGJ"]


def test_each_new_batch_gets_the_next_number_and_keeps_the_earlier_codes(staff, wave):
    make(staff, wave, Cotswold=5)
    make(staff, wave, Cotswold=3, Forest_of_Dean=4)

    assert len(codes_of(wave, batch=1)) == 5
    assert len(codes_of(wave, batch=2)) == 7
    page = text_of(staff.get(page_url(wave)))
    assert "Batch 1" in page and "Batch 2" in page
    assert "Cotswold 8 0 8" in page


def test_mail_merge_csv_has_a_row_per_code_with_the_start_address_and_a_bom(staff, wave):
    make(staff, wave, Cheltenham=3, Stroud=2)

    response = staff.get(f"{page_url(wave)}.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "invitations-test-invitations.csv" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").splitlines()[0] == ",".join(MAIL_MERGE_COLUMNS)
    rows = read_csv(response)
    assert len(rows) == 5
    assert len({row["code"] for row in rows}) == 5
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", row["code"]) for row in rows)
    stored = {invitation.code for invitation in codes_of(wave)}
    assert {row["code"].replace("-", "") for row in rows} == stored
    assert sorted(row["district"] for row in rows) == ["Cheltenham"] * 3 + ["Stroud"] * 2
    assert {row["wave"] for row in rows} == {"invitations-test"}
    assert {row["start_url"] for row in rows} == {"http://localhost/surveys/"}
    assert {row["batch"] for row in rows} == {"1"}
    assert {row["used_on"] for row in rows} == {""}


def test_the_start_address_uses_the_configured_public_address(staff, wave, app):
    make(staff, wave, Stroud=1)
    app.config["ENGAGE_BASE_URL"] = "https://engage.example.org"
    try:
        rows = read_csv(staff.get(f"{page_url(wave)}.csv"))
    finally:
        app.config["ENGAGE_BASE_URL"] = ""

    assert rows[0]["start_url"] == "https://engage.example.org/surveys/"


def test_one_batch_can_be_downloaded_on_its_own(staff, wave):
    make(staff, wave, Stroud=2)
    make(staff, wave, Stroud=3)

    response = staff.get(f"{page_url(wave)}.csv?batch=2")

    rows = read_csv(response)
    assert len(rows) == 3
    assert {row["batch"] for row in rows} == {"2"}
    assert "batch-2" in response.headers["Content-Disposition"]
    assert staff.get(f"{page_url(wave)}.csv?batch=9").status_code == 404
    assert staff.get(f"{page_url(wave)}.csv?batch=two").status_code == 404


def test_used_codes_are_counted_listed_and_left_out_of_reminders(staff, wave):
    make(staff, wave, Gloucester=4)
    used = codes_of(wave)[:3]
    for invitation in used:
        invitation.used_at = datetime(2026, 7, 1, tzinfo=UTC)  # only the day is kept
    db.session.commit()

    page = text_of(staff.get(page_url(wave)))
    assert "Gloucester 4 3 1" in page
    assert "Codes used most recently" in page
    assert f"{invitations.shown(used[0].code)} Gloucester 1 Jul 2026" in page
    everything = read_csv(staff.get(f"{page_url(wave)}.csv"))
    assert sorted(row["used_on"] for row in everything) == ["", *["2026-07-01"] * 3]
    reminders = read_csv(staff.get(f"{page_url(wave)}.csv?unused=1"))
    assert len(reminders) == 1
    assert reminders[0]["used_on"] == ""


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", "Enter a whole number of codes for Stroud, like 500"),
        ("-3", "Enter a whole number of codes for Stroud, like 500"),
        ("2.5", "Enter a whole number of codes for Stroud, like 500"),
        ("20001", "Make no more than 20,000 codes for Stroud"),
    ],
)
def test_a_number_that_is_not_a_count_is_refused_and_kept(staff, wave, typed, message):
    response = make(staff, wave, Stroud=typed, Cotswold=10)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in text_of(response)
    assert f'value="{typed}"' in page
    assert 'value="10"' in page
    assert codes_of(wave) == []


def test_asking_for_no_codes_at_all_is_refused(staff, wave):
    response = make(staff, wave, Stroud=0)

    assert response.status_code == 400
    assert "Enter how many codes to make for at least one district" in text_of(response)


def test_thousands_separators_are_understood(staff, wave):
    make(staff, wave, Stroud="1,200")

    assert len(codes_of(wave)) == 1200


def test_a_wave_that_does_not_exist_is_not_found(staff):
    assert staff.get("/surveys/manage/waves/999999/invitations").status_code == 404
    assert staff.get("/surveys/manage/waves/999999/invitations.csv").status_code == 404


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_made_text():
    content = invitations.csv_bytes(["district"], [["=HYPERLINK(1)"], ["@SUM(A1)"], ["Stroud"]])

    assert content.decode("utf-8-sig").splitlines() == [
        "district",
        "'=HYPERLINK(1)",
        "'@SUM(A1)",
        "Stroud",
    ]
