"""Resetting a forgotten password by email, and changing a known one."""

import re

from engage.extensions import db
from tests.factories import PASSWORD, UserFactory

LINK = re.compile(r"http://localhost(/password/reset/[\w-]+)")
NEW = "seven orange lanterns"


def request_reset(client, email):
    return client.submit("/password/forgot", {"email": email})


def test_a_reset_link_arrives_by_email_and_sets_a_new_password(client, app, outbox):
    UserFactory(email="forgetful@example.org", name="Fay Forgetful")
    db.session.commit()
    response = request_reset(client, "forgetful@example.org")
    assert "Check your email" in response.get_data(as_text=True)
    message = outbox.last_to("forgetful@example.org")
    assert message["Subject"] == "Reset your Engage password"
    url = LINK.search(message.get_content()).group(1)
    done = client.submit(url, {"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    fresh = app.test_client()
    assert (
        fresh.submit("/login", {"email": "forgetful@example.org", "password": PASSWORD}).status_code
        == 401
    )
    assert (
        fresh.submit("/login", {"email": "forgetful@example.org", "password": NEW}).status_code
        == 302
    )


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, outbox):
    response = request_reset(client, "stranger@example.org")
    assert response.status_code == 200
    assert "If there is an account for stranger@example.org" in response.get_data(as_text=True)
    assert outbox == []


def test_a_reset_link_works_once(client, outbox):
    UserFactory(email="once@example.org")
    db.session.commit()
    request_reset(client, "once@example.org")
    url = LINK.search(outbox.last_to("once@example.org").get_content()).group(1)
    client.submit(url, {"password": NEW, "confirm": NEW})
    again = client.get(url)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)


def test_a_malformed_email_is_named_in_the_error_summary(client):
    response = request_reset(client, "not-an-email")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter an email address in the correct format" in page
    assert 'value="not-an-email"' in page


def test_resetting_a_password_signs_out_other_sessions(client, app, outbox):
    UserFactory(email="twodevices@example.org")
    db.session.commit()
    laptop = app.test_client()
    laptop.submit("/login", {"email": "twodevices@example.org", "password": PASSWORD})
    assert laptop.get("/account").status_code == 200
    request_reset(client, "twodevices@example.org")
    url = LINK.search(outbox.last_to("twodevices@example.org").get_content()).group(1)
    client.submit(url, {"password": NEW, "confirm": NEW})
    assert laptop.get("/account").status_code == 302


def test_changing_a_password_needs_the_current_one(sign_in):
    user = sign_in("volunteer")
    wrong = user.submit(
        "/account/password", {"current_password": "nope", "password": NEW, "confirm": NEW}
    )
    assert wrong.status_code == 400
    assert "Your current password is not correct" in wrong.get_data(as_text=True)
    right = user.submit(
        "/account/password", {"current_password": PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert right.status_code == 302
    assert user.get("/account").status_code == 200  # this session carries on


def test_a_new_password_must_meet_the_rules(sign_in):
    user = sign_in("volunteer")
    short = user.submit(
        "/account/password", {"current_password": PASSWORD, "password": "short", "confirm": "short"}
    )
    assert short.status_code == 400
    assert "10 characters or more" in short.get_data(as_text=True)
