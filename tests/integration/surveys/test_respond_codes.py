"""Codes that let residents in: resume codes for saved answers, invitation codes from letters."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from engage.core.audit import AuditEvent
from engage.core.models import Area, AreaKind
from engage.extensions import db
from engage.surveys.models import Invitation, Response, ResponseStatus
from tests.factories import open_wave
from tests.integration.surveys.test_respond_answering import (
    WAVE,
    answer,
    answer_all,
    complete,
    only_response,
    question_url,
    start,
    stored,
)
from tests.reading import text_of

RESUME_CODE = re.compile(r"\b([2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5})\b")
QUESTIONS = ["SAFE_DARK", "SAFE_DAY", "POLICE_RATING", "COMMENTS", "SEX"]


def save(client, code: str = "", *values: str):
    """Press "Save and come back later" on a question page."""
    page = question_url(code or "SAFE_DARK")
    return client.submit(
        f"/surveys/{WAVE}/save", {"question": code, "answer": list(values)}, page=page
    )


def resume(client, code: str):
    return client.submit("/surveys/resume", {"resume_code": code})


def resume_code_in(page) -> str:
    match = RESUME_CODE.search(text_of(page))
    assert match, text_of(page)
    return match.group(1)


def invite(wave, code: str = "ABCD2345", district: str = "stroud") -> Invitation:
    area = db.session.scalar(
        select(Area).where(Area.kind == AreaKind.DISTRICT, Area.name.ilike(f"%{district}%"))
    )
    invitation = Invitation(wave=wave, district_id=area.id, code=code)
    db.session.add(invitation)
    db.session.commit()
    return invitation


def test_saving_gives_a_code_that_resumes_at_the_first_unanswered_question(client, app):
    open_wave(question_codes=QUESTIONS)
    start(client)
    answer(client, "SAFE_DARK", "VERY_SAFE")

    saved = save(client, "SAFE_DAY", "FAIRLY_SAFE")  # the answer on the page is kept too

    assert saved.status_code == 200
    assert "Your answers have been saved" in text_of(saved)
    code = resume_code_in(saved)
    digest = hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert only_response().resume_digest == digest
    assert code.replace("-", "") not in repr(db.session.execute(select(Response.__table__)).all())

    elsewhere = app.test_client()  # another device: no session
    typed = f" {code.lower().replace('-', ' ')} "
    resumed = resume(elsewhere, typed)
    assert resumed.headers["Location"] == question_url("POLICE_RATING")
    assert answer(elsewhere, "POLICE_RATING", "6").status_code == 302
    assert stored(only_response()) == {
        "SAFE_DARK": ["VERY_SAFE"],
        "SAFE_DAY": ["FAIRLY_SAFE"],
        "POLICE_RATING": [6.0],
    }


def test_an_answer_that_cannot_be_kept_is_named_when_saving(client):
    open_wave(question_codes=QUESTIONS)
    start(client)
    saved = save(client, "POLICE_RATING", "eleven")
    assert saved.status_code == 200
    assert "Your answer to the last question was not saved" in text_of(saved)
    assert stored(only_response()) == {}


def test_saving_again_replaces_the_code(client, app):
    open_wave(question_codes=QUESTIONS)
    start(client)
    first = resume_code_in(save(client))
    second = resume_code_in(save(client))
    assert first != second
    assert resume(app.test_client(), first).status_code == 400
    assert resume(app.test_client(), second).status_code == 302


def test_a_wrong_resume_code_is_refused_with_a_clear_message(client):
    open_wave(question_codes=QUESTIONS)
    for typed, message in [
        ("", "Enter your resume code"),
        ("ABCDE-FGHJK", "We cannot find saved answers with that code"),
        ("x" * 41, "fewer than 40"),
    ]:
        page = resume(client, typed)
        assert page.status_code == 400, typed
        assert message in text_of(page)
        assert "There is a problem" in text_of(page)


def test_a_resume_code_stops_working_once_the_answers_are_sent(client, app):
    open_wave(question_codes=["SAFE_DARK"])
    start(client)
    code = resume_code_in(save(client))
    answer(client, "SAFE_DARK", "VERY_SAFE")
    client.submit(f"/surveys/{WAVE}/submit", page=f"/surveys/{WAVE}/check")

    assert only_response().resume_digest is None
    assert resume(app.test_client(), code).status_code == 400


@pytest.mark.parametrize(
    ("url", "field", "guess", "wave"),
    [
        ("/surveys/resume", "resume_code", "AAAAA-AAAAA", {"question_codes": QUESTIONS}),
        ("/surveys/invitation", "code", "ZZZZ9999", {"open_link": False}),
    ],
    ids=["resume", "invitation"],
)
def test_guessing_codes_is_limited(client, url, field, guess, wave):
    open_wave(**wave)
    token = client.csrf_token(url)
    statuses = [client.post(url, data={field: guess, "csrf_token": token}) for _ in range(11)]
    assert [page.status_code for page in statuses] == [400] * 10 + [429]


def test_an_invitation_code_starts_a_response_for_its_district_and_works_once(client, app):
    wave = open_wave(open_link=False)
    invitation = invite(wave)

    started = client.submit("/surveys/invitation", {"code": " abcd-2345 "})

    assert started.headers["Location"] == question_url("SAFE_DARK")
    response = only_response()
    assert response.invited_district_id == invitation.district_id
    assert invitation.used_at is None  # spent when the answers are sent
    answer_all(client, started.headers["Location"])
    logged_before = db.session.scalar(select(func.count(AuditEvent.id)))
    client.submit(f"/surveys/{WAVE}/submit", page=f"/surveys/{WAVE}/check")

    db.session.refresh(invitation)
    assert only_response().status is ResponseStatus.COMPLETE
    assert invitation.used_at is not None
    assert (invitation.used_at.hour, invitation.used_at.minute) == (0, 0)  # the day only
    # No audit entry ties the resident's address or moment of sending to the invitation.
    assert db.session.scalar(select(func.count(AuditEvent.id))) == logged_before

    again = app.test_client().submit("/surveys/invitation", {"code": "ABCD2345"})
    assert again.status_code == 400
    assert "This code has already been used" in text_of(again)


def test_an_unknown_invitation_code_is_refused(client):
    open_wave(open_link=False)
    page = client.submit("/surveys/invitation", {"code": "ZZZZ-9999"})
    assert page.status_code == 400
    assert "We do not recognise that code" in text_of(page)
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_an_invitation_to_a_closed_wave_gets_a_polite_message(client):
    yesterday = date.today() - timedelta(days=1)
    wave = open_wave(opens_on=yesterday - timedelta(days=60), closes_on=yesterday)
    invite(wave)
    page = client.submit("/surveys/invitation", {"code": "ABCD2345"})
    assert page.status_code == 400
    assert "This survey closed on" in text_of(page)


def test_an_invitation_is_spent_when_the_answers_are_saved_for_later(client, app):
    wave = open_wave(question_codes=QUESTIONS, open_link=False)
    invitation = invite(wave)
    client.submit("/surveys/invitation", {"code": "ABCD2345"})

    code = resume_code_in(save(client, "SAFE_DARK", "VERY_SAFE"))

    db.session.refresh(invitation)
    assert invitation.used_at is not None
    assert app.test_client().submit("/surveys/invitation", {"code": "ABCD2345"}).status_code == 400
    later = app.test_client()
    assert resume(later, code).headers["Location"] == question_url("SAFE_DAY")
    assert only_response().invited_district_id == invitation.district_id


def test_two_residents_racing_with_one_code_on_an_invitation_only_wave(client, app):
    wave = open_wave(question_codes=["SAFE_DARK"], open_link=False)
    invite(wave)
    other = app.test_client()
    for browser in (client, other):
        browser.submit("/surveys/invitation", {"code": "ABCD2345"})
        answer(browser, "SAFE_DARK", "VERY_SAFE")

    client.submit(f"/surveys/{WAVE}/submit", page=f"/surveys/{WAVE}/check")
    late = other.submit(f"/surveys/{WAVE}/submit", page=f"/surveys/{WAVE}/check")

    assert late.status_code == 400
    assert "already been used" in text_of(late)
    statuses = db.session.scalars(select(Response.status).order_by(Response.id)).all()
    assert statuses == [ResponseStatus.COMPLETE, ResponseStatus.IN_PROGRESS]


def test_every_resident_completes_their_own_response_from_an_open_link(client, app):
    open_wave(question_codes=["SAFE_DARK"])
    complete(client)
    complete(app.test_client())
    assert db.session.scalar(select(func.count(Response.id))) == 2
