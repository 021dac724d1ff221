"""Residents raise concerns online; staff and clerks log them, told of similar open concerns."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engage.auth.permissions import Role
from engage.concerns import capture
from engage.concerns.access import Viewer
from engage.concerns.models import Concern, ConcernSource
from engage.concerns.services import ConcernError
from engage.concerns.workflow import Status
from engage.core.dates import today
from engage.extensions import db
from tests.concern_factories import clerk_for, concern, parish
from tests.factories import parishes
from tests.reading import text_of

RAISE = "/concerns/raise"
LOG = "/concerns/log"
REFERENCE = re.compile(r"^C-\d{4}-\d{5}$")


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Concern))


def newest() -> Concern:
    return db.session.scalar(select(Concern).order_by(Concern.id.desc()).limit(1))


def resident_values(**changes) -> dict:
    values = {
        "parish": str(parish().id),
        "raised_text": "Lorries use Mill Lane as a short cut and mount the pavement",
        "raiser_name": "Sam Resident",
        "raiser_email": "sam@resident.example",
        "raiser_phone": "",
        "consent_contact": "yes",
        "consent_publish": "no",
    }
    return values | changes


def log_values(**changes) -> dict:
    day = today()
    values = {
        "source": "phone",
        "parish": str(parish().id),
        "raised_text": "Fly-tipping behind the village hall car park every weekend",
        "raised_on": [str(day.day), str(day.month), str(day.year)],
        "raiser_name": "Alex Caller",
        "raiser_email": "",
        "raiser_phone": "01632 960 001",
        "consent_contact": "yes",
        "consent_publish": "yes",
    }
    return values | changes


# A resident raises a concern ---------------------------------------------------------------


def test_the_resident_page_says_999_and_101_before_the_form(client):
    page = client.get(RAISE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index("call 999") < html.index("<form")
    assert html.index("call 101") < html.index("<form")
    assert "community concerns" in text_of(page)


def test_a_resident_raises_a_concern_and_is_given_its_reference_and_the_promise(client, app):
    before = count()
    sent = client.submit(RAISE, resident_values())
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith("/concerns/raise/done")
    assert count() == before + 1
    raised = newest()
    assert REFERENCE.match(raised.reference)
    assert raised.reference == f"C-{today().year}-{raised.id:05d}"
    assert raised.source is ConcernSource.ONLINE
    assert raised.status is Status.NEW
    assert raised.public_summary == ""
    assert raised.logged_by is None
    assert (raised.consent_contact, raised.consent_publish) == (True, False)
    assert raised.raiser_email == "sam@resident.example"
    done = text_of(client.get(sent.headers["Location"]))
    assert raised.reference in done
    days = app.config["PROMISE_RESPONSE_DAYS"]
    assert f"full response within {days} working days" in done


def test_the_done_page_without_a_concern_goes_back_to_the_form(client):
    response = client.get("/concerns/raise/done")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(RAISE)


def test_the_parish_select_groups_parishes_by_district(client):
    html = client.get(RAISE).get_data(as_text=True)
    first = parish()
    group = re.search(rf'<optgroup label="{first.parent.name}">(.*?)</optgroup>', html, re.DOTALL)
    assert group and f'value="{first.id}"' in group.group(1)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"parish": ""}, "Choose the parish or town the concern is about"),
        ({"parish": "999999"}, "Choose the parish or town the concern is about"),
        ({"raised_text": "   "}, "Say what the concern is"),
        ({"raised_text": "x" * 5001}, "Keep it to 5,000 characters or fewer"),
        ({"raiser_email": "not an address"}, "Enter an email address in the correct format"),
        ({"raiser_phone": "call me"}, "Enter a phone number"),
        ({"raiser_email": "", "raiser_phone": ""}, "or say we may not contact you"),
        ({"consent_contact": ""}, "Say whether we may contact you about your concern"),
        ({"consent_publish": "maybe"}, "Not a valid choice"),
    ],
)
def test_bad_input_on_the_resident_form_is_refused_and_kept(client, changes, message):
    before = count()
    values = resident_values(**changes)
    page = client.submit(RAISE, values)
    assert page.status_code == 400
    assert message in text_of(page)
    assert "<title>Error:" in page.get_data(as_text=True)
    assert count() == before
    if values["raised_text"].strip() and len(values["raised_text"]) < 100:
        assert values["raised_text"] in page.get_data(as_text=True)


def test_residents_are_limited_to_a_few_concerns_an_hour(client):
    statuses = [client.submit(RAISE, resident_values()).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]


def test_refused_forms_do_not_count_against_the_limit(client):
    for _ in range(6):
        assert client.submit(RAISE, resident_values(raised_text="")).status_code == 400
    assert client.submit(RAISE, resident_values()).status_code == 302


# Staff and clerks log a concern ------------------------------------------------------------


def test_staff_log_a_phoned_concern_with_the_raisers_consent(sign_in):
    staff = sign_in(Role.STAFF)
    before = count()
    response = staff.submit(LOG, log_values(consent_publish="no"))
    assert response.status_code == 302
    assert count() == before + 1
    logged = newest()
    assert REFERENCE.match(logged.reference)
    assert logged.source is ConcernSource.PHONE
    assert logged.logged_by_id == staff.user.id
    assert (logged.consent_contact, logged.consent_publish) == (True, False)
    assert logged.raiser_phone == "01632 960 001"
    assert logged.raised_on == today()
    assert f"Concern {logged.reference} is logged" in text_of(staff.get(LOG))


def test_the_log_page_offers_today_as_the_date(sign_in):
    page = sign_in(Role.STAFF).get(LOG).get_data(as_text=True)
    day = today()
    assert re.search(rf'name="raised_on"[^>]*value="0?{day.day}"', page)


def test_an_earlier_date_is_kept(sign_in):
    staff = sign_in(Role.STAFF)
    earlier = today() - timedelta(days=20)
    values = log_values(raised_on=[str(earlier.day), str(earlier.month), str(earlier.year)])
    assert staff.submit(LOG, values).status_code == 302
    assert newest().raised_on == earlier


def test_a_clerk_logs_for_their_own_parish_as_the_parish_council(sign_in):
    own = parishes()[0]
    clerk = sign_in(Role.PARISH, parishes=[own])
    page = clerk.get(LOG)
    assert "How was it received" not in text_of(page)
    response = clerk.submit(LOG, log_values(parish=str(own.id), source="email"))
    assert response.status_code == 302
    logged = newest()
    assert logged.source is ConcernSource.PARISH
    assert logged.parish_id == own.id
    assert logged.logged_by_id == clerk.user.id


def test_a_clerk_cannot_log_for_another_parish(sign_in):
    own, other = parishes()
    clerk = sign_in(Role.PARISH, parishes=[own])
    page = clerk.get(LOG).get_data(as_text=True)
    assert f'value="{other.id}"' not in page
    before = count()
    response = clerk.submit(LOG, log_values(parish=str(other.id)))
    assert response.status_code in (400, 403)
    assert count() == before


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"source": "online"}, "Not a valid choice"),
        ({"source": ""}, "Say how the concern was received"),
        ({"parish": "abc"}, "Choose the parish or town the concern is about"),
        ({"raised_text": ""}, "Say what the concern is"),
        ({"raised_on": ["", "", ""]}, "Enter the date it was raised"),
        ({"raised_on": ["31", "2", "2026"]}, "Date raised must be a real date"),
        ({"raised_on": ["1", "", "2026"]}, "Date raised must include a month"),
        ({"raised_on": ["1"]}, "Date raised must include a month and a year"),
        ({"raised_on": ["1", "1", str(today().year + 1)]}, "cannot be in the future"),
        ({"raiser_name": "n" * 201}, "Keep the name to 200 characters"),
        ({"raiser_phone": "", "raiser_email": ""}, "or say they may not be contacted"),
        ({"consent_publish": ""}, "Say whether a summary may be published"),
    ],
)
def test_bad_input_on_the_log_form_is_refused_and_kept(sign_in, changes, message):
    staff = sign_in(Role.STAFF)
    before = count()
    page = staff.submit(LOG, log_values(**changes))
    assert page.status_code == 400
    assert message in text_of(page)
    assert count() == before
    if changes.get("raised_text") != "":
        assert "Fly-tipping behind the village hall car park" in page.get_data(as_text=True)


# Similar open concerns ---------------------------------------------------------------------


def test_similar_open_concerns_in_the_parish_are_shown_before_logging(sign_in):
    here = parish()
    earlier = concern(
        here,
        raised_text="Fly-tipping behind the village hall car park again",
        raiser_name="Private Person",
        raiser_email="private@resident.example",
    )
    staff = sign_in(Role.STAFF)
    before = count()
    page = staff.submit(LOG, log_values(parish=str(here.id)))
    assert page.status_code == 200
    shown = text_of(page)
    assert f"These open concerns in {here.name} look similar" in shown
    assert earlier.reference in shown
    assert "Fly-tipping behind the village hall car park again" in shown
    assert "Private Person" not in shown and "private@resident.example" not in shown
    assert count() == before
    anyway = dict(log_values(parish=str(here.id)))
    anyway["similar_seen"] = re.search(
        r'name="similar_seen"[^>]*value="([^"]+)"', page.get_data(as_text=True)
    ).group(1)
    assert staff.submit(LOG, anyway).status_code == 302
    assert count() == before + 1


def test_changing_the_text_after_the_suggestions_checks_again(sign_in):
    here = parish()
    concern(here, raised_text="Fly-tipping behind the village hall car park again")
    concern(here, raised_text="Speeding lorries on the bypass at night")
    staff = sign_in(Role.STAFF)
    first = staff.submit(LOG, log_values(parish=str(here.id)))
    seen = re.search(r'name="similar_seen"[^>]*value="([^"]+)"', first.get_data(True)).group(1)
    changed = log_values(
        parish=str(here.id), raised_text="Speeding lorries on the bypass", similar_seen=seen
    )
    again = staff.submit(LOG, changed)
    assert again.status_code == 200
    assert "look similar" in text_of(again)


def test_only_open_concerns_of_the_same_parish_are_suggested(sign_in):
    here, elsewhere = parishes()
    text = "Fly-tipping behind the village hall car park again"
    closed = concern(here, Status.DECLINED, raised_text=text)
    other = concern(elsewhere, raised_text=text)
    staff = sign_in(Role.STAFF)
    response = staff.submit(LOG, log_values(parish=str(here.id)))
    assert response.status_code == 302, text_of(response)
    assert closed.reference not in text_of(response)
    assert other.reference not in text_of(response)


def test_a_clerk_is_shown_only_their_own_parishs_similar_concerns(sign_in):
    own, other = parishes()
    text = "Fly-tipping behind the village hall car park again"
    theirs = concern(own, raised_text=text)
    not_theirs = concern(other, raised_text=text)
    clerk = sign_in(Role.PARISH, parishes=[own])
    page = clerk.submit(LOG, log_values(parish=str(own.id)))
    assert page.status_code == 200
    assert theirs.reference in text_of(page)
    assert not_theirs.reference not in text_of(page)
    refused = clerk.submit(LOG, log_values(parish=str(other.id)))
    assert not_theirs.reference not in text_of(refused)


def test_suggestions_show_the_first_words_with_personal_data_redacted(sign_in):
    here = parish()
    concern(
        here,
        raised_text="Fly-tipping behind the village hall car park, call me on 01632 960 123",
    )
    page = sign_in(Role.STAFF).submit(LOG, log_values(parish=str(here.id)))
    assert "01632 960 123" not in page.get_data(as_text=True)


def test_a_clerk_without_parishes_is_told_to_ask_the_office(sign_in):
    clerk = sign_in(Role.PARISH, parishes=[])
    page = clerk.get(LOG)
    assert page.status_code == 200
    assert "not linked to a parish or town" in text_of(page)
    before = count()
    assert clerk.submit(LOG, log_values(), page="/account").status_code == 400
    assert count() == before


def test_the_service_refuses_a_clerk_another_parish_whatever_the_form_let_through():
    own, other = parishes()
    clerk = clerk_for(own)
    before = count()
    with pytest.raises(ConcernError, match="Choose one of your parishes"):
        capture.log_one(
            capture.Raised(parish_id=other.id, raised_text="Speeding"),
            source=ConcernSource.PARISH,
            raised_on=today(),
            viewer=Viewer(role=Role.PARISH, parish_ids=frozenset({own.id})),
            logged_by=clerk,
            today=today(),
        )
    assert count() == before
