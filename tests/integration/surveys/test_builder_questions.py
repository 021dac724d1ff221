"""Staff add, change, move and delete a version's questions; locked versions are copied instead."""

from __future__ import annotations

import html as html_module
import re
from datetime import date

import pytest
from sqlalchemy import select

from engage.auth.permissions import Role
from engage.core.audit import AuditEvent
from engage.extensions import db
from engage.surveys.models import Question, SurveyVersion
from engage.surveys.services import create_wave
from tests.factories import open_wave
from tests.integration.surveys.test_builder_surveys import codes, errors, new_version
from tests.reading import text_of


def question(version: SurveyVersion, code: str) -> Question:
    return db.session.scalar(
        select(Question).where(Question.version_id == version.id, Question.code == code)
    )


def typed(**fields) -> dict:
    """A custom single choice question's form, with `fields` changed."""
    values = {
        "code": "BUS_SAFE",
        "type": "single choice",
        "text": "How safe do you feel on buses?",
        "hint": "",
        "section": "Feeling safe",
        "required": "y",
        "options": "SAFE: Safe\nUNSAFE: Unsafe\nDONT_KNOW: Don't know",
        "exclusive": "",
        "max_choices": "",
        "min_value": "",
        "max_value": "",
        "ask_if_code": "",
        "ask_if_answers": "",
    }
    return values | fields


def add(staff, version: SurveyVersion, **fields):
    return staff.submit(f"/surveys/manage/versions/{version.id}/questions/new", typed(**fields))


def change(staff, version: SurveyVersion, code: str, **fields):
    """Post a question's change form: its current values as the form shows them, and `fields`."""
    url = f"/surveys/manage/questions/{question(version, code).id}"
    html = staff.get(url).get_data(as_text=True)
    current = {}
    for name in ("text", "hint", "options"):
        found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
        current[name] = html_module.unescape(found.group(1)) if found else ""
    for name in ("section", "exclusive", "max_choices", "min_value", "max_value", "ask_if_answers"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
        current[name] = html_module.unescape(value.group(1)) if value else ""
    current["type"] = re.search(r'name="type" type="radio" value="([^"]+)" checked', html).group(1)
    selected = re.search(r'<option value="([^"]*)" selected', html)
    current["ask_if_code"] = selected.group(1) if selected else ""
    if re.search(r'name="required" type="checkbox" value="y" checked', html):
        current["required"] = "y"
    return staff.submit(url, current | fields)


@pytest.fixture
def staff(sign_in):
    return sign_in(Role.STAFF)


@pytest.fixture
def empty(staff) -> SurveyVersion:
    return new_version(staff, questions=[])


@pytest.fixture
def victims(staff) -> SurveyVersion:
    return new_version(staff, questions=["SAFE_DARK", "VICTIM_12M", "VICTIM_REPORTED"])


def test_staff_add_bank_questions_that_the_version_does_not_ask_yet(staff, victims):
    url = f"/surveys/manage/versions/{victims.id}/questions/bank"
    offered = staff.get(url).get_data(as_text=True)

    response = staff.submit(url, {"questions": ["SAFE_DAY", "VICTIM_SATISFIED"]})

    assert 'value="SAFE_DARK"' not in offered and 'value="SAFE_DAY"' in offered
    assert response.status_code == 302
    assert codes(victims) == [
        "SAFE_DARK",
        "VICTIM_12M",
        "VICTIM_REPORTED",
        "SAFE_DAY",
        "VICTIM_SATISFIED",
    ]
    assert "2 questions added: SAFE_DAY, VICTIM_SATISFIED." in text_of(
        staff.get(f"/surveys/manage/versions/{victims.id}")
    )


def test_a_bank_question_needs_the_question_its_routing_depends_on(staff, empty):
    url = f"/surveys/manage/versions/{empty.id}/questions/bank"

    response = staff.submit(url, {"questions": ["VICTIM_SATISFIED"]})
    nothing = staff.submit(url, {})

    assert response.status_code == 400
    assert errors(response) == {
        "questions": "VICTIM_SATISFIED is asked depending on the answer to VICTIM_REPORTED: "
        "tick VICTIM_REPORTED too, or untick VICTIM_SATISFIED"
    }
    assert errors(nothing) == {"questions": "Tick at least one question to add"}
    assert codes(empty) == []


def test_staff_add_a_question_of_their_own_at_the_end(staff, victims):
    response = add(staff, victims, code="bus_safe", hint="Think of the last month.")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/versions/{victims.id}#question-BUS_SAFE")
    added = question(victims, "BUS_SAFE")
    assert added.position == 4
    assert [(o.code, o.label) for o in added.options] == [
        ("SAFE", "Safe"),
        ("UNSAFE", "Unsafe"),
        ("DONT_KNOW", "Don't know"),
    ]
    page = text_of(staff.get(f"/surveys/manage/versions/{victims.id}"))
    assert (
        "4 BUS_SAFE How safe do you feel on buses? Feeling safe Single choice, 3 answers Required Everyone"
        in page
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            "SAFE: Safe\nUNSAFE: Unsafe\nSAFE: Quite safe",
            "The code SAFE is on lines 1 and 3: give each answer its own code",
        ),
        ("SAFE: Safe\nUNSAFE:", "Line 2 needs a label after “UNSAFE:”"),
        ("SAFE: Safe\nUnsafe", "Line 2 needs a code, a colon and a label, like YES: Yes"),
        ("SAFE: Safe", "Enter at least 2 answers, one a line, like YES: Yes"),
    ],
)
def test_answers_that_cannot_be_read_are_refused_clearly_keeping_what_was_typed(
    staff, empty, options, message
):
    response = add(staff, empty, options=options)

    assert response.status_code == 400
    assert errors(response) == {"options": message}
    assert options.split("\n")[0] in response.get_data(as_text=True)
    assert 'value="BUS_SAFE"' in response.get_data(as_text=True)
    assert codes(empty) == []


def test_a_question_code_is_new_to_the_version_and_not_the_banks(staff, victims):
    lowercase = add(staff, victims, code="2 buses")
    taken = add(staff, victims, code="safe_dark")
    bank = add(staff, victims, code="POLICE_JOB")

    assert errors(lowercase)["code"].startswith("Code must start with a capital letter")
    assert errors(taken) == {"code": "This version already has a question SAFE_DARK"}
    assert errors(bank) == {
        "code": "POLICE_JOB is a question bank code: add it from the bank, or choose another"
    }


def test_each_type_gets_its_own_settings(staff, empty):
    add(staff, empty, code="BUS_AGREE", type="agreement scale", options="")
    add(staff, empty, code="BUS_RATING", type="rating", min_value="1", max_value="5", options="")
    add(
        staff,
        empty,
        code="BUS_WHY",
        type="multiple choice",
        options="LATE: Late buses\nCROWDS: Crowds\nNONE: None of these",
        exclusive="NONE",
        max_choices="2",
    )
    add(staff, empty, code="BUS_TRIPS", type="number", min_value="0", max_value="50", required="")

    assert [o.code for o in question(empty, "BUS_AGREE").options][-1] == "DONT_KNOW"
    rating = question(empty, "BUS_RATING")
    assert (rating.min_value, rating.max_value, rating.options) == (1, 5, [])
    why = question(empty, "BUS_WHY")
    assert (why.max_choices, [o.code for o in why.options if o.exclusive]) == (2, ["NONE"])
    assert question(empty, "BUS_TRIPS").required is False
    page = text_of(staff.get(f"/surveys/manage/versions/{empty.id}"))
    assert "Agreement scale, 6 answers" in page
    assert "Rating, 1 to 5" in page
    assert "Multiple choice, 3 answers, up to 2 chosen" in page
    assert "Number, 0 to 50 Optional" in page


def test_a_rating_needs_a_scale_of_up_to_eleven_points(staff, empty):
    response = add(staff, empty, type="rating", min_value="0", max_value="100", options="")

    assert response.status_code == 400
    assert errors(response)["max_value"].startswith("A rating scale has 2 to 11 points")


def test_staff_route_a_question_on_an_earlier_answer(staff, victims):
    response = add(staff, victims, ask_if_code="VICTIM_12M", ask_if_answers="yes")

    assert response.status_code == 302
    assert question(victims, "BUS_SAFE").ask_if_answers == ["YES"]
    page = text_of(staff.get(f"/surveys/manage/versions/{victims.id}"))
    assert "Required Only if the answer to VICTIM_12M is “Yes”" in page


def test_routing_only_on_the_earlier_questions_answer_codes(staff, victims):
    form = staff.get(f"/surveys/manage/versions/{victims.id}/questions/new")
    unknown_answer = add(staff, victims, ask_if_code="VICTIM_12M", ask_if_answers="MAYBE")
    not_a_question = add(staff, victims, ask_if_code="NOPE", ask_if_answers="YES")

    assert '<option value="VICTIM_12M">Depends on VICTIM_12M' in form.get_data(as_text=True)
    assert errors(unknown_answer) == {
        "ask_if_answers": "VICTIM_12M has no answer coded MAYBE: use YES, NO, PREFER_NOT"
    }
    assert errors(not_a_question) == {
        "ask_if_code": "Choose an earlier choice question, or ask everyone"
    }


def test_routing_cannot_point_to_a_later_question(staff, victims):
    change_form = staff.get(f"/surveys/manage/questions/{question(victims, 'SAFE_DARK').id}")

    response = change(staff, victims, "SAFE_DARK", ask_if_code="VICTIM_12M", ask_if_answers="YES")

    assert 'value="VICTIM_12M"' not in change_form.get_data(as_text=True)
    assert response.status_code == 400
    assert errors(response) == {"ask_if_code": "Choose an earlier choice question, or ask everyone"}


def test_staff_reword_a_bank_question_which_keeps_its_code(staff, victims):
    response = change(
        staff,
        victims,
        "SAFE_DARK",
        text="How safe do you feel walking alone near your home after dark?",
        options="VERY_SAFE: Very safe\nFAIRLY_SAFE: Fairly safe\nBIT_UNSAFE: A little unsafe\n"
        "VERY_UNSAFE: Very unsafe\nNEVER_OUT: I never go out alone then\nDONT_KNOW: Don't know",
    )

    assert response.status_code == 302
    safe = question(victims, "SAFE_DARK")
    assert safe.text == "How safe do you feel walking alone near your home after dark?"
    assert safe.options[2].label == "A little unsafe"
    assert "Your changes to SAFE_DARK are saved." in text_of(
        staff.get(response.headers["Location"])
    )
    logged = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.record_type == "questions", AuditEvent.action == "update"
        )
    ).one()
    assert logged.record_id == str(safe.id)
    assert logged.changes["text"][1] == safe.text


def test_every_bank_question_saves_unchanged_from_its_change_form(staff):
    version = new_version(staff)

    saved = [change(staff, version, code).status_code for code in codes(version)]

    assert saved == [302] * 30
    assert not db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.record_type.in_(["questions", "question_options"]),
            AuditEvent.action != "create",
        )
    ).all()


def test_a_bank_question_keeps_its_type_and_answer_codes(staff, victims):
    new_type = change(staff, victims, "SAFE_DARK", type="agreement scale")
    fewer = change(staff, victims, "SAFE_DARK", options="VERY_SAFE: Very safe\nOTHER: Other")

    assert errors(new_type) == {
        "type": "SAFE_DARK is a single choice question in the question bank: keep its type, "
        "or add a new question with a code of its own"
    }
    assert errors(fewer)["options"].startswith(
        "SAFE_DARK must keep the answer codes it has in the question bank (VERY_SAFE, "
    )
    assert question(victims, "SAFE_DARK").type.value == "single choice"


def test_answers_that_later_routing_needs_cannot_be_removed(staff, empty):
    add(staff, empty, code="BUS_USER", options="YES: Yes\nNO: No")
    add(staff, empty, code="BUS_SAFE", ask_if_code="BUS_USER", ask_if_answers="YES")

    response = change(staff, empty, "BUS_USER", options="Y: Yes\nN: No")

    assert response.status_code == 400
    assert errors(response) == {
        "options": "BUS_SAFE is asked only if BUS_USER is answered YES, so BUS_USER must keep "
        "offering those answers"
    }


def test_staff_move_questions_up_and_down(staff, victims):
    url = f"/surveys/manage/questions/{question(victims, 'VICTIM_12M').id}"
    page = f"/surveys/manage/versions/{victims.id}"

    up = staff.submit(f"{url}/up", page=page)
    assert codes(victims) == ["VICTIM_12M", "SAFE_DARK", "VICTIM_REPORTED"]
    staff.submit(f"{url}/up", page=page)  # already first: nothing happens
    staff.submit(f"/surveys/manage/questions/{question(victims, 'SAFE_DARK').id}/down", page=page)

    assert up.status_code == 302
    assert codes(victims) == ["VICTIM_12M", "VICTIM_REPORTED", "SAFE_DARK"]


def test_a_routed_question_cannot_move_above_the_question_it_depends_on(staff, victims):
    reported = question(victims, "VICTIM_REPORTED")

    response = staff.submit(
        f"/surveys/manage/questions/{reported.id}/up", page=f"/surveys/manage/versions/{victims.id}"
    )

    assert response.status_code == 400
    assert errors(response) == {
        "questions": "VICTIM_REPORTED must come after VICTIM_12M: it is asked depending on the "
        "answer to VICTIM_12M"
    }
    assert codes(victims) == ["SAFE_DARK", "VICTIM_12M", "VICTIM_REPORTED"]


def test_staff_delete_a_question_after_confirming(staff, victims):
    url = f"/surveys/manage/questions/{question(victims, 'SAFE_DARK').id}/delete"

    confirm = text_of(staff.get(url))
    response = staff.submit(url)

    assert "Are you sure you want to delete SAFE_DARK?" in confirm
    assert response.status_code == 302
    assert codes(victims) == ["VICTIM_12M", "VICTIM_REPORTED"]
    assert [q.position for q in db.session.get(SurveyVersion, victims.id).questions] == [1, 2]


def test_a_question_others_depend_on_cannot_be_deleted(staff, victims):
    url = f"/surveys/manage/questions/{question(victims, 'VICTIM_12M').id}/delete"

    response = staff.submit(url)

    assert response.status_code == 400
    assert errors(response) == {
        "questions": "VICTIM_12M cannot be deleted yet: VICTIM_REPORTED is asked depending on "
        "its answer. Change that routing or delete VICTIM_REPORTED first"
    }


def test_a_locked_version_refuses_changes(staff):
    wave = open_wave(question_codes=["SAFE_DARK", "POLICE_RATING"])
    version = wave.version
    safe = question(version, "SAFE_DARK")

    page = text_of(staff.get(f"/surveys/manage/versions/{version.id}"))
    form = staff.get(f"/surveys/manage/questions/{safe.id}")
    said = text_of(staff.get(form.headers["Location"]))
    posted = staff.submit(
        f"/surveys/manage/questions/{safe.id}",
        {"type": "single choice", "text": "Changed"},
        page=f"/surveys/manage/versions/{version.id}",
    )
    moved = staff.submit(
        f"/surveys/manage/questions/{safe.id}/down", page=f"/surveys/manage/versions/{version.id}"
    )
    deleted = staff.submit(
        f"/surveys/manage/questions/{safe.id}/delete", page=f"/surveys/manage/versions/{version.id}"
    )

    locked = (
        "Version 1 is locked because the wave Wave tracker-test has used it: make a new version "
        "to change its questions"
    )
    assert "Locked" in page and "Make a new version" in page and "Change SAFE_DARK" not in page
    assert form.status_code == 302
    assert locked in said
    assert posted.status_code == moved.status_code == deleted.status_code == 400
    assert errors(posted) == {"text": locked}
    assert errors(moved) == errors(deleted) == {"questions": locked}
    assert codes(version) == ["SAFE_DARK", "POLICE_RATING"]
    assert question(version, "SAFE_DARK").text != "Changed"


def test_a_new_version_copies_the_questions_and_codes_unlocked(staff):
    wave = open_wave(question_codes=["SAFE_DARK", "VICTIM_12M", "VICTIM_REPORTED"])
    locked = wave.version
    page = f"/surveys/manage/versions/{locked.id}"

    response = staff.submit(f"/surveys/manage/versions/{locked.id}/copy", page=page)

    copy = wave.survey.versions[-1]
    assert response.headers["Location"] == f"/surveys/manage/versions/{copy.id}"
    assert (copy.number, copy.locked) == (2, False)
    assert codes(copy) == codes(locked)
    assert question(copy, "VICTIM_REPORTED").ask_if_answers == ["YES"]
    assert [o.code for o in question(copy, "SAFE_DARK").options] == [
        o.code for o in question(locked, "SAFE_DARK").options
    ]
    assert "Version 2 is a copy of version 1" in text_of(staff.get(response.headers["Location"]))
    assert change(staff, copy, "SAFE_DARK", text="Reworded for wave 2").status_code == 302
    assert question(locked, "SAFE_DARK").text != "Reworded for wave 2"


def test_a_code_asked_in_a_locked_version_keeps_its_meaning_in_later_versions(staff, empty):
    add(staff, empty, code="BUS_SAFE")
    create_wave(
        empty.survey,
        code="2026-q4",
        title="Q4",
        opens_on=date(2026, 10, 1),
        closes_on=date(2026, 12, 31),
        version=empty,
    )
    copy_url = f"/surveys/manage/versions/{empty.id}/copy"
    staff.submit(copy_url, page=f"/surveys/manage/versions/{empty.id}")
    copy = empty.survey.versions[-1]

    response = change(staff, copy, "BUS_SAFE", options="YES: Yes\nNO: No")

    assert errors(response)["options"].startswith(
        "BUS_SAFE must keep the answer codes it has in version 1 (SAFE, UNSAFE, DONT_KNOW)"
    )
