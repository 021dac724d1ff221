"""Signing in and out, and the limits that stop password guessing."""

from sqlalchemy import select

from engage.auth.permissions import Role
from engage.core.audit import AuditEvent
from engage.extensions import db
from tests.factories import PASSWORD, UserFactory


def sign_in(client, email, password, next_page=""):
    url = "/login" + (f"?next={next_page}" if next_page else "")
    return client.submit(url, {"email": email, "password": password})


def test_a_user_signs_in_and_the_home_page_greets_them_by_role(client):
    UserFactory(email="clerk.one@example.org", name="Clerk One", role=Role.PARISH)
    db.session.commit()
    response = sign_in(client, "Clerk.One@Example.org ", PASSWORD)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "You are signed in as Clerk One (Parish or town council clerk)" in page
    assert "Sign out" in page


def test_sign_in_returns_to_the_page_that_asked_for_it(client):
    UserFactory(email="staff.one@example.org")
    db.session.commit()
    assert client.get("/account").headers["Location"] == "/login?next=/account"
    response = sign_in(client, "staff.one@example.org", PASSWORD, next_page="/account")
    assert response.headers["Location"] == "/account"


def test_sign_in_never_redirects_to_another_site(client):
    UserFactory(email="staff.two@example.org")
    db.session.commit()
    response = sign_in(client, "staff.two@example.org", PASSWORD, next_page="//evil.example")
    assert response.headers["Location"] == "/"


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(client):
    UserFactory(email="known@example.org")
    db.session.commit()
    wrong = sign_in(client, "known@example.org", "not the password at all")
    unknown = sign_in(client, "nobody@example.org", "not the password at all")
    for response in (wrong, unknown):
        assert response.status_code == 401
        page = response.get_data(as_text=True)
        assert "Enter a correct email address and password" in page
        assert 'value="' in page and "There is a problem" in page
    assert 'value="known@example.org"' in wrong.get_data(as_text=True)


def test_empty_fields_are_named_in_the_error_summary(client):
    response = client.submit("/login", {"email": "", "password": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter your email address" in page and "Enter your password" in page


def test_a_closed_account_cannot_sign_in(client):
    UserFactory(email="closed@example.org", active=False)
    db.session.commit()
    assert sign_in(client, "closed@example.org", PASSWORD).status_code == 401


def test_an_invited_user_without_a_password_cannot_sign_in(client):
    UserFactory(email="pending@example.org", password_hash=None)
    db.session.commit()
    assert sign_in(client, "pending@example.org", "").status_code == 400
    assert sign_in(client, "pending@example.org", "anything at all").status_code == 401


def test_signing_out_ends_the_session_and_is_audited(client):
    user = UserFactory(email="leaving@example.org")
    db.session.commit()
    sign_in(client, "leaving@example.org", PASSWORD)
    response = client.submit("/logout", page="/")
    assert response.headers["Location"] == "/login"
    assert "You have been signed out" in client.get("/login").get_data(as_text=True)
    assert client.get("/account").status_code == 302
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.record_id == str(user.id))
    ).all()
    assert "sign-in" in actions and "sign-out" in actions


def test_get_logout_asks_before_signing_out(client):
    UserFactory(email="asking@example.org")
    db.session.commit()
    sign_in(client, "asking@example.org", PASSWORD)
    page = client.get("/logout").get_data(as_text=True)
    assert "You are signed in as asking@example.org" in page
    assert client.get("/account").status_code == 200


def test_25_wrong_passwords_for_one_account_end_in_429(client):
    UserFactory(email="target@example.org")
    db.session.commit()
    statuses = [
        sign_in(client, "target@example.org", f"wrong guess {n}").status_code for n in range(25)
    ]
    assert statuses[0] == 401
    assert statuses[-1] == 429
    blocked = sign_in(client, "target@example.org", PASSWORD)
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert "Too many attempts" in page
    assert "the limit is 10 in 15 minutes. Wait 15 minutes, then try again" in page
    assert 0 < int(blocked.headers["Retry-After"]) <= 900


def test_the_account_limit_holds_across_addresses(client, app):
    UserFactory(email="spread@example.org")
    db.session.commit()
    statuses = []
    for n in range(12):
        other = app.test_client()
        token = other.csrf_token("/login")
        response = other.post(
            "/login",
            data={"email": "spread@example.org", "password": f"guess {n}", "csrf_token": token},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"},
        )
        statuses.append(response.status_code)
    assert 429 in statuses


def test_the_address_limit_stops_guessing_across_many_accounts(client, app):
    limit = int(app.config["LOGIN_LIMIT_PER_ADDRESS"].split()[0])
    statuses = [
        sign_in(client, f"guess{n}@example.org", "not a password").status_code
        for n in range(limit + 1)
    ]
    assert statuses[:limit] == [401] * limit
    assert statuses[-1] == 429


def test_a_successful_sign_in_does_not_count_against_the_limits(client, app):
    UserFactory(email="busy@example.org")
    db.session.commit()
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(limit + 2):
        assert sign_in(client, "busy@example.org", PASSWORD).status_code == 302
        client.submit("/logout", page="/")
