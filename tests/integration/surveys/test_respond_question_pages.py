"""Question pages: one question each, its GOV.UK component, errors, tampering, check answers."""

from __future__ import annotations

from tests.factories import open_wave
from tests.integration.surveys.test_respond_answering import (
    WAVE,
    answer,
    only_response,
    question_url,
    start,
    stored,
)
from tests.reading import text_of


def test_a_question_routing_does_not_ask_is_not_found(client):
    open_wave()
    start(client)
    answer(client, "VICTIM_12M", "NO")

    page = client.get(question_url("VICTIM_REPORTED"))

    assert page.status_code == 404
    assert "does not apply, given your earlier answers" in text_of(page)


def test_a_question_code_the_wave_does_not_have_is_not_found(client):
    open_wave(question_codes=["SAFE_DARK", "SAFE_DAY"])
    start(client)
    for code in ("POLICE_RATING", "NOT_A_QUESTION", "safe_dark"):
        page = client.get(question_url(code))
        assert page.status_code == 404, code
        assert "This survey has no such question" in text_of(page)
    tampered = client.post(
        question_url("NOT_A_QUESTION"),
        data={"answer": "YES", "csrf_token": client.csrf_token(question_url("SAFE_DARK"))},
    )
    assert tampered.status_code == 404


def test_the_question_page_shows_progress_a_back_link_and_a_save_button(client):
    open_wave(question_codes=["SAFE_DARK", "SAFE_DAY", "VICTIM_12M", "VICTIM_REPORTED"])
    start(client)
    answer(client, "SAFE_DARK", "FAIRLY_SAFE")

    page = client.get(question_url("SAFE_DAY"))
    html = page.get_data(as_text=True)

    assert "Question 2 of 3" in text_of(page)  # reporting is asked only of victims
    assert f'href="{question_url("SAFE_DARK")}" class="govuk-back-link"' in html
    assert f'formaction="/surveys/{WAVE}/save"' in html
    assert "<h1" in html and "How safe do you feel walking alone" in html
    earlier = client.get(question_url("SAFE_DARK")).get_data(as_text=True)
    assert 'value="FAIRLY_SAFE" checked' in earlier


def test_each_question_type_has_its_gov_uk_component(client):
    open_wave(
        question_codes=[
            "POLICE_RELY",
            "POLICE_RATING",
            "PRIORITY_CRIMES",
            "YEARS_IN_AREA",
            "COMMENTS",
        ]
    )
    start(client)
    pages = {
        code: client.get(question_url(code)).get_data(as_text=True)
        for code in ("POLICE_RELY", "POLICE_RATING", "PRIORITY_CRIMES", "YEARS_IN_AREA", "COMMENTS")
    }
    assert (
        'value="STRONGLY_AGREE"' in pages["POLICE_RELY"]
        and "Don&#39;t know" in pages["POLICE_RELY"]
    )
    assert "govuk-radios--inline" in pages["POLICE_RATING"]
    assert (
        'type="radio" value="0"' in pages["POLICE_RATING"]
        and 'value="10"' in pages["POLICE_RATING"]
    )
    assert 'type="checkbox"' in pages["PRIORITY_CRIMES"]
    assert 'data-behaviour="exclusive"' in pages["PRIORITY_CRIMES"]
    assert 'inputmode="numeric"' in pages["YEARS_IN_AREA"]
    assert "<textarea" in pages["COMMENTS"] and "govuk-character-count" in pages["COMMENTS"]


def test_a_missing_answer_is_explained_next_to_the_question(client):
    open_wave()
    start(client)

    page = client.submit(question_url("SAFE_DARK"), {})

    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "There is a problem" in html and 'href="#answer"' in html
    assert "govuk-form-group--error" in html and "Select an answer" in text_of(page)
    assert "<title>Error:" in html


def test_what_was_typed_is_kept_when_it_is_refused(client):
    open_wave(question_codes=["YEARS_IN_AREA", "COMMENTS", "PRIORITY_CRIMES"])
    start(client)

    number = client.submit(question_url("YEARS_IN_AREA"), {"answer": "about twelve"})
    assert number.status_code == 400
    assert "Enter a number, like 12" in text_of(number)
    assert 'value="about twelve"' in number.get_data(as_text=True)

    too_long = "Street lights " * 200
    text = client.submit(question_url("COMMENTS"), {"answer": too_long})
    assert text.status_code == 400 and "2,000 characters or fewer" in text_of(text)
    assert too_long.strip() in text.get_data(as_text=True)

    choices = client.submit(
        question_url("PRIORITY_CRIMES"), {"answer": ["BURGLARY", "VEHICLE", "DRUGS", "ROADS"]}
    )
    assert choices.status_code == 400 and "Select up to 3 answers" in text_of(choices)
    assert choices.get_data(as_text=True).count("checked") == 4


def test_tampered_answers_are_refused_and_earlier_answers_kept(client):
    open_wave(question_codes=["SAFE_DARK", "POLICE_RATING", "YEARS_IN_AREA", "PRIORITY_CRIMES"])
    start(client)
    answer(client, "SAFE_DARK", "VERY_SAFE")
    answer(client, "POLICE_RATING", "8")

    tampered = {
        "SAFE_DARK": ["EXTREMELY_SAFE"],
        "POLICE_RATING": ["11"],
        "YEARS_IN_AREA": ["-5"],
        "PRIORITY_CRIMES": ["BURGLARY", "NONE"],
    }
    for code, values in tampered.items():
        refused = answer(client, code, *values)
        assert refused.status_code == 400, code
        assert "There is a problem" in text_of(refused)
    two = answer(client, "SAFE_DARK", "VERY_SAFE", "FAIRLY_SAFE")
    assert two.status_code == 400 and "Select one answer" in text_of(two)

    assert stored(only_response()) == {"SAFE_DARK": ["VERY_SAFE"], "POLICE_RATING": [8.0]}


def test_a_new_answer_replaces_the_earlier_one(client):
    open_wave(question_codes=["PRIORITY_CRIMES", "SEX"])
    start(client)
    answer(client, "PRIORITY_CRIMES", "BURGLARY", "DRUGS")
    answer(client, "PRIORITY_CRIMES", "ROADS")
    assert stored(only_response()) == {"PRIORITY_CRIMES": ["ROADS"]}


def test_check_answers_lists_each_asked_question_with_a_change_link(client):
    open_wave(question_codes=["SAFE_DARK", "VICTIM_12M", "VICTIM_REPORTED", "YEARS_IN_AREA"])
    start(client)
    answer(client, "SAFE_DARK", "BIT_UNSAFE")
    answer(client, "VICTIM_12M", "NO")
    answer(client, "YEARS_IN_AREA", "")  # optional: left blank

    page = client.get(f"/surveys/{WAVE}/check")
    html, text = page.get_data(as_text=True), text_of(page)

    assert page.status_code == 200
    assert "A bit unsafe" in text and "Not answered" in text and "reported" not in text
    assert f'href="{question_url("SAFE_DARK")}?from=check"' in html
    assert "govuk-summary-list" in html and ">Submit" in html.replace("\n", "").replace(" ", "")


def test_check_answers_sends_the_resident_to_a_required_question_not_answered(client):
    open_wave(question_codes=["SAFE_DARK", "SAFE_DAY", "SEX"])
    start(client)
    answer(client, "SAFE_DARK", "BIT_UNSAFE")
    answer(client, "SEX", "MALE")

    check = client.get(f"/surveys/{WAVE}/check")
    assert check.headers["Location"] == question_url("SAFE_DAY") + "?from=check"
    answered = client.submit(check.headers["Location"], {"answer": "FAIRLY_SAFE"})
    assert answered.headers["Location"] == f"/surveys/{WAVE}/check"


def test_garbage_sent_to_a_response_under_way_gets_a_page_not_a_server_error(client):
    codes = ["SAFE_DARK", "POLICE_RATING", "PRIORITY_CRIMES", "YEARS_IN_AREA", "COMMENTS"]
    open_wave(question_codes=codes)
    start(client)
    token = client.csrf_token(question_url("SAFE_DARK"))
    garbage = [
        {"answer": ["\x00", "🙂" * 3000]},
        {"answer": ["Lights\x00 out"], "question": "COMMENTS"},
        {"answer": ["1e309"], "question": "../../etc/passwd"},
        {"answer": [str(n) for n in range(500)], "question": "PRIORITY_CRIMES"},
        {"answer": "NaN", "question": "POLICE_RATING"},
    ]
    urls = [question_url(code) for code in codes]
    urls += [question_url("YEARS_IN_AREA") + "?from=%00", f"/surveys/{WAVE}/save"]
    for url in urls:
        for data in garbage:
            page = client.post(url, data={**data, "csrf_token": token})
            assert page.status_code < 500, (url, data, page.status_code)
    assert client.get(f"/surveys/{WAVE}/check").status_code < 500
