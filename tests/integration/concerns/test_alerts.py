"""E-mail alerts: subscribing with double opt-in, the daily digest `send_alerts` sends through
the one visibility rule (nothing kept back from the public can reach one), unsubscribing, bad
input, rate limits, and the subscriber's address kept private."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engage.concerns import alerts
from engage.concerns.alert_models import AlertSubscription
from engage.concerns.alerts import AlertError, confirm, send_alerts, subscribe
from engage.concerns.demo import load_concerns_demo
from engage.concerns.workflow import Move, Status
from engage.core.audit import AuditEvent
from engage.core.columns import utcnow
from engage.core.dates import today
from engage.core.demo import load_demo
from engage.core.models import Area, AreaKind
from engage.extensions import db
from tests.concern_factories import concern, roadshow
from tests.conftest import free_port
from tests.integration.concerns.public_cases import (
    ACTION_DETAIL,
    FORMER,
    PRIVATE_WORDS,
    STAFF_NOTE,
    every_condition_cases,
)
from tests.reading import text_of

ALERTS = "/concerns/alerts"
READER = "Reader@Example.org"  # as typed; kept in lower case
STORED = "reader@example.org"
CONFIRM_LINK = re.compile(r"https?://\S+/concerns/alerts/confirm/(\S+)")
UNSUBSCRIBE_LINK = re.compile(r"https?://\S+(/concerns/alerts/unsubscribe/\S+)")


def area(code: str) -> Area:
    return db.session.scalar(select(Area).where(Area.code == code))


def body_of(message) -> str:
    return message.get_content()


def subscribed(outbox, where: Area | None = None, email: str = STORED) -> AlertSubscription:
    """A subscription asked for and confirmed an hour ago, through the services and the e-mail."""
    an_hour_ago = utcnow() - timedelta(hours=1)
    subscribe(email, where.id if where else None, now=an_hour_ago)
    secret = CONFIRM_LINK.search(body_of(outbox.last_to(email))).group(1)
    outbox.clear()
    return confirm(secret, now=an_hour_ago)


def published(where: Area | None = None, marker: str = "Lampposts", **fields):
    """A concern published now, its public texts holding `marker`."""
    texts = {"public_summary": f"{marker} summary", "we_did": f"{marker} done"}
    return concern(where, Status.PUBLISHED, given={Move.PUBLISH: texts}, **fields)


def subscriptions() -> int:
    return db.session.scalar(select(func.count()).select_from(AlertSubscription))


# Subscribing ---------------------------------------------------------------------------------


def test_a_resident_subscribes_and_confirms_by_the_link_emailed(client, outbox):
    prestbury = area("prestbury")

    response = client.submit(ALERTS, {"email": f"  {READER} ", "area": str(prestbury.id)})

    assert response.status_code == 302
    assert "Check your email" in text_of(client.get(ALERTS))
    message = outbox.last_to(STORED)
    assert message["Subject"] == "Confirm your email alerts"
    assert "Prestbury, Cheltenham" in body_of(message)
    secret = CONFIRM_LINK.search(body_of(message)).group(1)
    made = db.session.scalar(select(AlertSubscription))
    assert (made.email, made.area_id, made.confirmed_at) == (STORED, prestbury.id, None)
    assert made.confirm_digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr([getattr(made, c.key) for c in AlertSubscription.__table__.c])

    confirmed = client.get(f"{ALERTS}/confirm/{secret}")

    assert confirmed.status_code == 200
    assert confirmed.headers["Cache-Control"] == "no-store"
    assert "Your email alerts are confirmed" in text_of(confirmed)
    assert "Prestbury, Cheltenham" in text_of(confirmed)
    db.session.refresh(made)
    assert made.confirmed_at is not None and made.confirm_digest is None
    assert client.get(f"{ALERTS}/confirm/{secret}").status_code == 404  # it works once


def test_the_page_offers_the_county_districts_and_parishes(client):
    page = client.get(ALERTS).get_data(as_text=True)

    assert '<option value="county" selected>The whole county</option>' in page
    assert f'<option value="{area("cheltenham").id}">All of Cheltenham</option>' in page
    assert '<optgroup label="Parishes and towns in Cheltenham">' in page
    assert "Prestbury" in page


def test_the_whole_county_is_a_subscription_with_no_area(client, outbox):
    assert client.submit(ALERTS, {"email": READER, "area": "county"}).status_code == 302
    made = db.session.scalar(select(AlertSubscription))
    assert made.area_id is None
    assert "the whole county" in body_of(outbox.last_to(STORED))


@pytest.mark.parametrize(
    ("values", "message", "kept"),
    [
        ({"email": "", "area": "county"}, "Enter your email address", None),
        ({"email": "   ", "area": "county"}, "Enter your email address", None),
        (
            {"email": "reader at example", "area": "county"},
            "Enter an email address in the correct format, like name@example.com",
            "reader at example",
        ),
        ({"email": READER, "area": "99999"}, alerts.WHOLE_COUNTY, READER),
        ({"email": READER, "area": ""}, alerts.WHOLE_COUNTY, READER),
        ({"email": "x" * 250 + "@example.org", "area": "county"}, "correct format", None),
    ],
)
def test_bad_input_is_refused_with_what_was_typed_kept(client, values, message, kept):
    response = client.submit(ALERTS, values)

    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    if message == alerts.WHOLE_COUNTY:
        message = "Choose the whole county, a district, or a parish or town from the list"
    assert message in page
    if kept:
        assert f'value="{kept}"' in response.get_data(as_text=True)
    assert subscriptions() == 0


@pytest.mark.parametrize("code", ["gloucestershire", "retired"])
def test_only_an_active_district_or_parish_can_be_chosen(code):
    where = area("prestbury") if code == "retired" else area(code)
    if code == "retired":
        where.active = False
        db.session.commit()

    with pytest.raises(AlertError) as refused:
        subscribe(READER, where.id, now=utcnow())

    assert refused.value.field == "area"
    assert subscriptions() == 0


def test_subscribing_again_does_not_say_whether_an_address_is_subscribed(client, outbox):
    prestbury = area("prestbury")
    subscribed(outbox, prestbury)

    response = client.submit(ALERTS, {"email": READER, "area": str(prestbury.id)})

    assert response.status_code == 302
    assert "Check your email" in text_of(client.get(ALERTS))
    message = outbox.last_to(STORED)
    assert message["Subject"] == "You already get these alerts"
    assert UNSUBSCRIBE_LINK.search(body_of(message))
    assert subscriptions() == 1


def test_asking_again_before_confirming_sends_a_new_link_and_retires_the_old(client, outbox):
    client.submit(ALERTS, {"email": READER, "area": "county"})
    first = CONFIRM_LINK.search(body_of(outbox.last_to(STORED))).group(1)
    client.submit(ALERTS, {"email": READER, "area": "county"})
    second = CONFIRM_LINK.search(body_of(outbox.last_to(STORED))).group(1)

    assert subscriptions() == 1
    assert client.get(f"{ALERTS}/confirm/{first}").status_code == 404
    assert client.get(f"{ALERTS}/confirm/{second}").status_code == 200


def test_a_confirmation_link_expires_and_the_request_is_forgotten(client, outbox):
    subscribe(READER, None, now=utcnow() - timedelta(days=alerts.CONFIRM_DAYS, minutes=1))
    secret = CONFIRM_LINK.search(body_of(outbox.last_to(STORED))).group(1)

    response = client.get(f"{ALERTS}/confirm/{secret}")

    assert response.status_code == 404
    assert "This link is not valid" in text_of(response)
    assert send_alerts(utcnow()) == 0
    assert subscriptions() == 0  # the address is not kept


def test_a_mail_failure_is_said_and_the_typed_address_kept(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there

    response = client.submit(ALERTS, {"email": READER, "area": "county"})

    assert response.status_code == 503
    assert "We could not send the email just now" in text_of(response)
    assert f'value="{READER}"' in response.get_data(as_text=True)


def test_subscribing_is_limited_per_network_address(client):
    statuses = [
        client.submit(ALERTS, {"email": f"reader{n}@example.org", "area": "county"}).status_code
        for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]


def test_subscribing_is_limited_per_email_address_from_anywhere(client):
    statuses = [
        client.submit(
            ALERTS,
            {"email": READER, "area": "county"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        ).status_code
        for n in range(1, 5)
    ]
    assert statuses == [302] * 3 + [429]


def test_refused_forms_do_not_count_against_the_limit(client):
    for _ in range(6):
        assert client.submit(ALERTS, {"email": "", "area": "county"}).status_code == 400
    assert client.submit(ALERTS, {"email": READER, "area": "county"}).status_code == 302


def test_wrong_link_secrets_are_not_found_and_guessing_is_limited(client):
    statuses = [client.get(f"{ALERTS}/confirm/guess-{n}").status_code for n in range(5)]
    statuses += [client.get(f"{ALERTS}/unsubscribe/guess-{n}").status_code for n in range(6)]
    assert statuses == [404] * 10 + [429]


# The daily digest ----------------------------------------------------------------------------


def test_each_subscriber_gets_one_digest_of_what_was_answered_in_their_area(outbox):
    prestbury, cirencester = area("prestbury"), area("cirencester")
    subscribed(outbox, prestbury, "parish@example.org")
    subscribed(outbox, area("cheltenham"), "district@example.org")
    subscribed(outbox, area("cotswold"), "cotswold@example.org")
    subscribed(outbox, None, "county@example.org")
    subscribed(outbox, area("stroud"), "quiet@example.org")
    near = published(prestbury, "Lampposts")
    far = published(cirencester, "Hedges")
    now = utcnow()

    assert send_alerts(now) == 4

    def told(email: str) -> set[str]:
        body = body_of(outbox.last_to(email))
        return {c.reference for c in (near, far) if c.reference in body}

    assert told("parish@example.org") == {near.reference}
    assert told("district@example.org") == {near.reference}
    assert told("cotswold@example.org") == {far.reference}
    assert told("county@example.org") == {near.reference, far.reference}
    assert not [m for m in outbox if "quiet@example.org" in m["To"]]
    assert len(outbox) == 4
    sent = db.session.scalar(
        select(AlertSubscription).where(AlertSubscription.email == "parish@example.org")
    )
    assert sent.last_sent_at == now
    quiet = db.session.scalar(
        select(AlertSubscription).where(AlertSubscription.email == "quiet@example.org")
    )
    assert quiet.last_sent_at is None


def test_a_digest_says_what_was_said_and_done_with_links(outbox):
    subscriber = subscribed(outbox, area("prestbury"))
    answered = published(area("prestbury"), "Lampposts")

    send_alerts(utcnow())

    message = outbox.last_to(STORED)
    assert message["Subject"] == "You said, we did: 1 new response for Prestbury, Cheltenham"
    body = body_of(message)
    assert f"{answered.reference}: " in body and "in Prestbury, Cheltenham" in body
    assert "You said: Lampposts summary" in body
    assert "We did: Lampposts done" in body
    assert f"/concerns/published/{answered.id}" in body
    link = UNSUBSCRIBE_LINK.search(body).group(1)
    secret = link.rsplit("/", 1)[1]
    assert subscriber.unsubscribe_digest == hashlib.sha256(secret.encode()).hexdigest()


def test_a_subscriber_is_told_only_what_is_new_since_their_last_alert(outbox):
    subscribed(outbox)
    first = published(marker="Lampposts")
    assert send_alerts(utcnow()) == 1
    outbox.clear()

    assert send_alerts(utcnow()) == 0  # nothing new
    assert outbox == []

    second = published(marker="Hedges")
    assert send_alerts(utcnow()) == 1
    body = body_of(outbox.last_to(STORED))
    assert second.reference in body and first.reference not in body


def test_what_was_answered_before_confirming_is_not_sent(outbox):
    published(marker="Lampposts")
    subscribe(READER, None, now=utcnow())
    secret = CONFIRM_LINK.search(body_of(outbox.last_to(STORED))).group(1)
    confirm(secret, now=utcnow())

    assert send_alerts(utcnow()) == 0


def test_unconfirmed_subscribers_get_nothing(outbox):
    subscribe(READER, None, now=utcnow() - timedelta(hours=1))
    outbox.clear()
    published()

    assert send_alerts(utcnow()) == 0
    assert outbox == []


def test_a_long_digest_lists_the_first_and_links_to_the_board(outbox, monkeypatch):
    monkeypatch.setattr(alerts, "MOST_LISTED", 1)
    prestbury = area("prestbury")
    subscribed(outbox, prestbury)
    first, second = published(prestbury, "Lampposts"), published(prestbury, "Hedges")

    send_alerts(utcnow())

    body = body_of(outbox.last_to(STORED))
    assert first.reference in body and second.reference not in body
    assert "And 1 more. See every response for Prestbury, Cheltenham at:" in body
    assert f"/concerns/?parish={prestbury.id}" in body


def test_an_alert_that_could_not_be_sent_is_tried_again(app, outbox, monkeypatch):
    subscriber = subscribed(outbox)
    answered = published()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())

    assert send_alerts(utcnow()) == 0
    db.session.refresh(subscriber)
    assert subscriber.last_sent_at is None

    monkeypatch.undo()  # the outbox's server again
    assert send_alerts(utcnow()) == 1
    assert answered.reference in body_of(outbox.last_to(STORED))


# Nothing kept back from the public reaches an alert -----------------------------------------


@pytest.fixture
def every_condition():
    return every_condition_cases(roadshow())


def test_nothing_kept_back_from_the_public_reaches_an_alert(outbox, every_condition):
    subscribed(outbox)  # confirmed an hour ago: everything above was answered since
    shown, kept_back = every_condition

    assert send_alerts(utcnow()) == 1

    body = body_of(outbox.last_to(STORED))
    for name, kept in kept_back.items():
        marker = kept.raised_text.removeprefix(PRIVATE_WORDS).strip()
        assert kept.reference not in body, name
        assert marker not in body, name
    for name, one in shown.items():
        assert one.reference in body, name
    for private in ("@resident.example", "Privatewords", "Acacia", "07700", "Resident "):
        assert private not in body, private
    for private in (STAFF_NOTE, ACTION_DETAIL, FORMER):
        assert private not in body, private
    assert "Lampposts summary" in body and "Ask the council" in body


def test_no_alert_holds_a_demo_raisers_details(outbox, monkeypatch):
    monkeypatch.setattr(alerts, "MOST_LISTED", 10_000)
    load_demo("test")
    load_concerns_demo(today())
    subscriber = AlertSubscription(
        email=STORED, unsubscribe_nonce="0" * 32, unsubscribe_digest="0" * 64
    )
    subscriber.confirmed_at = utcnow() - timedelta(days=800)  # before every demo concern
    db.session.add(subscriber)
    db.session.commit()

    assert send_alerts(utcnow()) == 1

    body = body_of(outbox.last_to(STORED))
    assert body.count("/concerns/published/") > 100
    assert "@resident.example" not in body


# Unsubscribing -------------------------------------------------------------------------------


def test_the_link_in_every_alert_unsubscribes_and_forgets_the_address(client, outbox):
    subscribed(outbox, area("prestbury"))
    published(area("prestbury"))
    send_alerts(utcnow())
    link = UNSUBSCRIBE_LINK.search(body_of(outbox.last_to(STORED))).group(1)

    page = client.get(link)

    assert page.status_code == 200
    assert page.headers["X-Robots-Tag"] == "noindex"
    assert "alerts about responses published for Prestbury, Cheltenham" in text_of(page)
    assert STORED not in page.get_data(as_text=True)
    assert subscriptions() == 1  # opening the link changes nothing: the button does

    response = client.submit(link)

    assert response.status_code == 302
    assert "You have unsubscribed from alerts about Prestbury, Cheltenham" in text_of(
        client.get(ALERTS)
    )
    assert subscriptions() == 0
    assert client.get(link).status_code == 404


def test_the_confirmed_page_offers_the_unsubscribe_link(client, outbox):
    client.submit(ALERTS, {"email": READER, "area": "county"})
    secret = CONFIRM_LINK.search(body_of(outbox.last_to(STORED))).group(1)

    page = client.get(f"{ALERTS}/confirm/{secret}").get_data(as_text=True)

    link = re.search(r'href="(/concerns/alerts/unsubscribe/[^"]+)"', page).group(1)
    assert client.get(link).status_code == 200


def test_an_unconfirmed_request_cannot_be_unsubscribed_by_guessing_its_link(client, outbox):
    made = subscribe(READER, None, now=utcnow())

    response = client.get(f"{ALERTS}/unsubscribe/{alerts.unsubscribe_secret(made)}")

    assert response.status_code == 404


# The address stays private -------------------------------------------------------------------


def test_the_address_is_never_shown_nor_written_to_the_audit_log(client, outbox):
    before = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    pages = [client.submit(ALERTS, {"email": READER, "area": "county"})]
    pages.append(client.get(ALERTS))
    secret = CONFIRM_LINK.search(body_of(outbox.last_to(STORED))).group(1)
    pages.append(client.get(f"{ALERTS}/confirm/{secret}"))
    published()
    send_alerts(utcnow())
    link = UNSUBSCRIBE_LINK.search(body_of(outbox.last_to(STORED))).group(1)
    pages.append(client.get(link))
    pages.append(client.submit(link))
    pages.append(client.get(ALERTS))

    for page in pages:
        assert STORED not in page.get_data(as_text=True).lower()
    logged = db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()
    assert not [e for e in logged if STORED in f"{e.summary} {e.changes} {e.actor}".lower()]


def test_kinds_of_area_in_words():
    cheltenham = area("cheltenham")
    assert alerts.place_of(None) == "the whole county"
    assert alerts.place_of(cheltenham) == "Cheltenham district"
    assert alerts.place_of(area("prestbury")) == "Prestbury, Cheltenham"
    assert cheltenham.kind is AreaKind.DISTRICT
