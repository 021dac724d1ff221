"""Staff key in paper and telephone responses through the resident's question pages."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.models import Response, ResponseMode, ResponseStatus
from tests.factories import open_wave
from tests.integration.surveys.test_respond_answering import WAVE, answer_all, question_url
from tests.reading import text_of


def entry_url(wave) -> str:
    return f"/surveys/manage/waves/{wave.id}/entry"


def test_staff_choose_the_mode_then_answer_through_the_same_pages(sign_in):
    wave = open_wave(question_codes=["SAFE_DARK", "POLICE_RATING", "SEX"])
    staff = sign_in("staff")
    form = staff.get(entry_url(wave))
    assert form.status_code == 200
    assert "A paper questionnaire" in text_of(form) and "A telephone interview" in text_of(form)

    started = staff.submit(entry_url(wave), {"mode": "paper"})

    assert started.headers["Location"] == question_url("SAFE_DARK")
    assert "You are entering a paper response" in text_of(staff.get(question_url("SAFE_DARK")))
    answer_all(staff, started.headers["Location"])
    staff.submit(f"/surveys/{WAVE}/submit", page=f"/surveys/{WAVE}/check")
    response = db.session.scalars(select(Response)).one()
    assert response.mode is ResponseMode.PAPER
    assert response.entered_by_id == staff.user.id
    assert response.status is ResponseStatus.COMPLETE

    done = staff.get(f"/surveys/{WAVE}/done")
    assert "Response recorded" in text_of(done) and "Enter another" in text_of(done)
    another = staff.submit(entry_url(wave), {"mode": "paper"}, page=f"/surveys/{WAVE}/done")
    assert another.headers["Location"] == question_url("SAFE_DARK")
    assert db.session.scalar(select(func.count(Response.id))) == 2


def test_a_telephone_response_can_be_entered_after_the_wave_closed(sign_in):
    yesterday = date.today() - timedelta(days=1)
    wave = open_wave(
        question_codes=["SAFE_DARK"], opens_on=yesterday - timedelta(days=30), closes_on=yesterday
    )
    staff = sign_in("staff")
    assert "not open online today" in text_of(staff.get(entry_url(wave)))

    started = staff.submit(entry_url(wave), {"mode": "telephone"})
    answer_all(staff, started.headers["Location"])
    staff.submit(f"/surveys/{WAVE}/submit", page=f"/surveys/{WAVE}/check")

    response = db.session.scalars(select(Response)).one()
    assert (response.mode, response.status) == (ResponseMode.PHONE, ResponseStatus.COMPLETE)


def test_a_mode_that_is_not_offered_is_refused(sign_in):
    wave = open_wave(question_codes=["SAFE_DARK"])
    staff = sign_in("staff")
    for mode in ("", "online", "import", "carrier pigeon"):
        refused = staff.submit(entry_url(wave), {"mode": mode})
        assert refused.status_code == 400, mode
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_pressing_start_twice_does_not_leave_an_empty_response_behind(sign_in):
    wave = open_wave(question_codes=["SAFE_DARK"])
    staff = sign_in("staff")
    staff.submit(entry_url(wave), {"mode": "paper"})
    staff.submit(entry_url(wave), {"mode": "paper"})
    assert db.session.scalar(select(func.count(Response.id))) == 1


def test_an_unknown_wave_is_not_found(sign_in):
    assert sign_in("admin").get("/surveys/manage/waves/999999/entry").status_code == 404


def test_only_the_office_enters_responses(sign_in, client):
    wave = open_wave(question_codes=["SAFE_DARK"])
    assert sign_in("volunteer").get(entry_url(wave)).status_code == 403
    assert client.get(entry_url(wave)).headers["Location"].startswith("/login")


def test_a_staff_entry_cannot_be_carried_on_once_signed_out(sign_in):
    wave = open_wave(question_codes=["SAFE_DARK", "SEX"])
    staff = sign_in("staff")
    staff.submit(entry_url(wave), {"mode": "paper"})
    with staff.session_transaction() as session:
        session.pop("_user_id")

    page = staff.get(question_url("SAFE_DARK"))

    assert page.headers["Location"] == f"/surveys/{WAVE}/"
