"""Residents answer a wave online: start, one question a page, routing, check, submit once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, inspect, select

from engage.core.audit import AuditEvent
from engage.extensions import db
from engage.surveys.bank import bank_question
from engage.surveys.models import Answer, Response, ResponseMode, ResponseStatus
from engage.surveys.questions import QuestionSpec, QuestionType
from tests.factories import open_wave
from tests.reading import text_of

WAVE = "tracker-test"


def valid_answer(spec: QuestionSpec) -> list[str]:
    """An answer the question accepts: its first option, or a plausible number or comment."""
    if spec.type is QuestionType.RATING:
        return ["7"]
    if spec.type is QuestionType.NUMBER:
        return ["12"]
    if spec.type is QuestionType.TEXT:
        return ["More patrols at night, please."]
    return [spec.options[0].code]


def question_url(code: str, wave: str = WAVE) -> str:
    return f"/surveys/{wave}/questions/{code}"


def start(client, wave: str = WAVE):
    """Press Start now on the wave's start page."""
    return client.submit(f"/surveys/{wave}/start", page=f"/surveys/{wave}/")


def answer(client, code: str, *values: str, wave: str = WAVE):
    """Answer one question from its page."""
    return client.submit(question_url(code, wave), {"answer": list(values)})


def answer_all(client, location: str, choices: dict[str, list[str]] | None = None) -> list[str]:
    """Answer from `location` on until the check page; the codes of the questions asked."""
    choices = choices or {}
    asked = []
    while "/questions/" in location:
        code = location.split("?")[0].rsplit("/", 1)[1]
        reply = client.submit(
            location, {"answer": choices.get(code, valid_answer(bank_question(code)))}
        )
        assert reply.status_code == 302, f"{code}: {text_of(reply)[:300]}"
        asked.append(code)
        location = reply.headers["Location"]
    assert location.endswith("/check"), location
    return asked


def complete(client, wave: str = WAVE, choices: dict[str, list[str]] | None = None) -> list[str]:
    """Start, answer every question asked, and submit; the codes asked."""
    asked = answer_all(client, start(client, wave).headers["Location"], choices)
    sent = client.submit(f"/surveys/{wave}/submit", page=f"/surveys/{wave}/check")
    assert sent.headers["Location"] == f"/surveys/{wave}/done"
    return asked


def only_response() -> Response:
    return db.session.scalars(select(Response)).one()


def stored(response: Response) -> dict[str, list]:
    """Each answered question's code with its stored option codes, number or text."""
    values: dict[str, list] = {}
    for row in response.answers:
        value = row.option_code or row.number or row.text
        values.setdefault(row.question.code, []).append(value)
    return values


def test_the_landing_page_links_each_wave_open_to_all_and_takes_codes(client):
    open_wave("open-to-all")
    open_wave("letters-only", open_link=False)
    yesterday = date.today() - timedelta(days=1)
    open_wave("last-year", opens_on=yesterday - timedelta(days=90), closes_on=yesterday)

    page = client.get("/surveys/").get_data(as_text=True)

    assert 'href="/surveys/open-to-all/"' in page
    assert "/surveys/letters-only/" not in page and "/surveys/last-year/" not in page
    assert 'action="/surveys/invitation"' in page and 'name="code"' in page
    assert 'href="/surveys/resume"' in page


def test_the_start_page_explains_anonymity_and_starts_a_response(client):
    open_wave()
    page = client.get(f"/surveys/{WAVE}/")
    text = text_of(page)
    assert page.status_code == 200
    assert "Start now" in text
    assert "IP address" in text and "browser" in text and "never published" in text
    assert f'action="/surveys/{WAVE}/start"' in page.get_data(as_text=True)

    started = start(client)

    assert started.headers["Location"] == question_url("SAFE_DARK")
    response = only_response()
    assert (response.mode, response.status) == (ResponseMode.ONLINE, ResponseStatus.IN_PROGRESS)
    assert response.started_on == date.today() and response.entered_by_id is None
    assert len(response.token) >= 40
    with client.session_transaction() as session:
        assert session["survey_responses"] == {WAVE: response.token}


def test_pressing_start_twice_carries_on_with_the_same_response(client):
    open_wave()
    start(client)
    answer(client, "SAFE_DARK", "VERY_SAFE")

    again = start(client)

    assert again.headers["Location"] == question_url("SAFE_DAY")
    assert db.session.scalar(select(func.count(Response.id))) == 1


def test_an_unknown_wave_is_not_found(client):
    assert client.get("/surveys/no-such-wave/").status_code == 404
    assert client.get(question_url("SAFE_DARK", "no-such-wave")).status_code == 404


def test_a_closed_wave_says_so_politely_and_takes_no_response(client):
    yesterday = date.today() - timedelta(days=1)
    open_wave(opens_on=yesterday - timedelta(days=30), closes_on=yesterday)

    page = client.get(f"/surveys/{WAVE}/")
    assert page.status_code == 200
    assert "This survey closed on" in text_of(page) and "Start now" not in text_of(page)

    refused = client.post(
        f"/surveys/{WAVE}/start", data={"csrf_token": client.csrf_token("/surveys/")}
    )
    assert refused.status_code == 400
    assert "This survey closed on" in text_of(refused)
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_a_wave_not_open_yet_gives_its_opening_date(client):
    tomorrow = date.today() + timedelta(days=1)
    open_wave(opens_on=tomorrow, closes_on=tomorrow + timedelta(days=30))
    page = client.get(f"/surveys/{WAVE}/")
    assert page.status_code == 200
    assert f"This survey opens on {tomorrow.day} {tomorrow:%B %Y}" in text_of(page)


def test_a_wave_for_invited_households_asks_for_the_code_instead_of_starting(client):
    open_wave(open_link=False)
    page = client.get(f"/surveys/{WAVE}/")
    assert "Start now" not in text_of(page)
    assert "enter the code from your invitation letter" in text_of(page)

    refused = client.post(
        f"/surveys/{WAVE}/start", data={"csrf_token": client.csrf_token("/surveys/")}
    )
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_a_victim_is_asked_about_reporting_and_the_whole_survey_is_sent(client):
    wave = open_wave()
    asked = complete(client, choices={"VICTIM_12M": ["YES"], "VICTIM_REPORTED": ["YES"]})

    assert asked == [question.code for question in wave.version.questions]  # all 30
    response = only_response()
    assert response.status is ResponseStatus.COMPLETE and response.submitted_at is not None
    answers = stored(response)
    assert answers["VICTIM_12M"] == ["YES"] and answers["VICTIM_REPORTED"] == ["YES"]
    assert answers["POLICE_RATING"] == [7.0] and answers["YEARS_IN_AREA"] == [12.0]
    assert answers["COMMENTS"] == ["More patrols at night, please."]
    assert len(answers) == 30
    done = client.get(f"/surveys/{WAVE}/done")
    assert "Thank you" in text_of(done) and "What happens next" in text_of(done)


def test_someone_who_was_not_a_victim_skips_the_questions_on_reporting(client):
    open_wave()
    asked = complete(client, choices={"VICTIM_12M": ["NO"]})

    assert "VICTIM_REPORTED" not in asked and "VICTIM_SATISFIED" not in asked
    assert asked[asked.index("VICTIM_12M") + 1] == "PCC_AWARE"
    assert len(stored(only_response())) == 28


def test_a_changed_answer_that_skips_questions_drops_their_answers_when_sent(client):
    open_wave(question_codes=["VICTIM_12M", "VICTIM_REPORTED", "VICTIM_SATISFIED", "SEX"])
    start(client)
    answer(client, "VICTIM_12M", "YES")
    answer(client, "VICTIM_REPORTED", "YES")
    answer(client, "VICTIM_SATISFIED", "FAIRLY_SATISFIED")
    answer(client, "SEX", "FEMALE")

    changed = client.submit(question_url("VICTIM_12M") + "?from=check", {"answer": "NO"})
    assert changed.headers["Location"] == f"/surveys/{WAVE}/check"
    check = text_of(client.get(f"/surveys/{WAVE}/check"))
    assert "reported" not in check and "Female" in check
    client.submit(f"/surveys/{WAVE}/submit", page=f"/surveys/{WAVE}/check")

    assert stored(only_response()) == {"VICTIM_12M": ["NO"], "SEX": ["FEMALE"]}


def test_submitting_twice_records_one_response_and_shows_the_confirmation(client):
    open_wave(question_codes=["SAFE_DARK"])
    start(client)
    answer(client, "SAFE_DARK", "VERY_SAFE")
    token = client.csrf_token(f"/surveys/{WAVE}/check")

    first = client.post(f"/surveys/{WAVE}/submit", data={"csrf_token": token})
    sent_at = only_response().submitted_at
    second = client.post(f"/surveys/{WAVE}/submit", data={"csrf_token": token})

    assert first.headers["Location"] == second.headers["Location"] == f"/surveys/{WAVE}/done"
    response = only_response()
    assert response.status is ResponseStatus.COMPLETE and response.submitted_at == sent_at
    assert "Thank you" in text_of(client.get(f"/surveys/{WAVE}/done"))


def test_after_sending_a_question_page_changes_nothing_and_says_so(client):
    open_wave(question_codes=["SAFE_DARK"])
    start(client)
    answer(client, "SAFE_DARK", "VERY_SAFE")
    form_token = client.csrf_token(question_url("SAFE_DARK"))
    client.submit(f"/surveys/{WAVE}/submit", page=f"/surveys/{WAVE}/check")

    back = client.get(question_url("SAFE_DARK"))
    assert back.status_code == 200 and "already been sent" in text_of(back)
    replay = client.post(
        question_url("SAFE_DARK"), data={"answer": "VERY_UNSAFE", "csrf_token": form_token}
    )
    assert replay.status_code == 409 and "already been sent" in text_of(replay)
    assert stored(only_response()) == {"SAFE_DARK": ["VERY_SAFE"]}


def test_pages_of_a_response_never_started_send_the_resident_to_the_start(client):
    open_wave()
    for url in (question_url("SAFE_DARK"), f"/surveys/{WAVE}/check", f"/surveys/{WAVE}/done"):
        page = client.get(url)
        assert page.headers["Location"] == f"/surveys/{WAVE}/", url
    start_page = client.get(f"/surveys/{WAVE}/")
    assert "We could not find your answers" in text_of(start_page)


def test_responses_keep_nothing_that_identifies_the_resident(client):
    open_wave(question_codes=["SAFE_DARK", "COMMENTS"])
    logged_before = db.session.scalar(select(func.count(AuditEvent.id)))

    complete(client, choices={"COMMENTS": ["Fine"]})

    for table in ("responses", "answers"):
        columns = {column["name"] for column in inspect(db.session.connection()).get_columns(table)}
        identifying = {
            column
            for column in columns
            if any(word in column for word in ("ip", "agent", "email", "name", "address"))
        }
        assert identifying == set(), table
    assert db.session.scalar(select(func.count(AuditEvent.id))) == logged_before
    assert db.session.scalar(select(func.count(Answer.id))) == 2
