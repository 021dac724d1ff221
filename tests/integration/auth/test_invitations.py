"""Accounts by invitation: staff invite by email, the link sets the password once."""

import re
from datetime import timedelta

from sqlalchemy import select

from engage.auth.models import AccountToken, User
from engage.auth.permissions import Role
from engage.core.columns import utcnow
from engage.extensions import db
from tests.factories import agency, parishes

LINK = re.compile(r"http://localhost(/invitation/[\w-]+)")


def invite(client, **fields):
    data = {"email": "new.clerk@example.org", "name": "New Clerk", "role": "parish"}
    data.update(fields)
    return client.submit("/users/invite", data)


def link_in(message) -> str:
    return LINK.search(message.get_content()).group(1)


def invited_volunteer_link(sign_in, outbox) -> str:
    """Staff invite a volunteer; return the path of the link in the email they get."""
    invite(sign_in("staff"), role="volunteer")
    return link_in(outbox.last_to("new.clerk@example.org"))


def test_staff_invite_a_clerk_who_sets_a_password_and_is_signed_in(sign_in, app, outbox):
    staff = sign_in("staff")
    two = parishes()
    response = invite(staff, parishes=[str(parish.id) for parish in two])
    assert response.status_code == 302
    message = outbox.last_to("new.clerk@example.org")
    assert "You are invited to Engage" in message["Subject"]
    body = message.get_content()
    assert staff.user.name in body and "parish or town council clerk" in body

    newcomer = app.test_client()
    url = link_in(message)
    page = newcomer.get(url).get_data(as_text=True)
    assert "Welcome, New Clerk" in page
    done = newcomer.submit(
        url, {"password": "violet tractor summer", "confirm": "violet tractor summer"}
    )
    assert done.status_code == 302
    home = newcomer.get("/").get_data(as_text=True)
    assert "You are signed in as New Clerk" in home
    clerk = db.session.scalar(select(User).where(User.email == "new.clerk@example.org"))
    assert sorted(parish.name for parish in clerk.parishes) == sorted(p.name for p in two)


def test_an_invitation_link_works_only_once(sign_in, app, outbox):
    staff = sign_in("staff")
    invite(staff, parishes=[str(parishes()[0].id)])
    url = link_in(outbox.last_to("new.clerk@example.org"))
    first = app.test_client()
    first.submit(url, {"password": "violet tractor summer", "confirm": "violet tractor summer"})
    again = app.test_client().get(url)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_an_expired_invitation_is_refused(sign_in, app, outbox):
    url = invited_volunteer_link(sign_in, outbox)
    for token in db.session.scalars(select(AccountToken)):
        token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = app.test_client().get(url)
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)


def test_a_weak_password_is_refused_and_the_link_still_works(sign_in, app, outbox):
    url = invited_volunteer_link(sign_in, outbox)
    newcomer = app.test_client()
    weak = newcomer.submit(url, {"password": "password123", "confirm": "password123"})
    assert weak.status_code == 400
    assert "most commonly used" in weak.get_data(as_text=True)
    mismatch = newcomer.submit(url, {"password": "violet tractor summer", "confirm": "violet"})
    assert "The passwords do not match" in mismatch.get_data(as_text=True)
    ok = newcomer.submit(
        url, {"password": "violet tractor summer", "confirm": "violet tractor summer"}
    )
    assert ok.status_code == 302


def test_a_partner_must_be_bound_to_an_agency(sign_in, outbox):
    staff = sign_in("staff")
    response = invite(staff, role="partner", email="liaison@example.org")
    assert response.status_code == 400
    assert "Choose the agency a partner responds for" in response.get_data(as_text=True)
    assert 'value="liaison@example.org"' in response.get_data(as_text=True)
    assert outbox == []
    ok = invite(staff, role="partner", email="liaison@example.org", agency=str(agency().id))
    assert ok.status_code == 302
    partner = db.session.scalar(select(User).where(User.email == "liaison@example.org"))
    assert partner.agency.name == "Gloucestershire Constabulary"


def test_staff_cannot_invite_staff_or_admins_but_admins_can(sign_in, outbox):
    staff = sign_in("staff")
    refused = invite(staff, role="admin", email="boss@example.org")
    assert refused.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "boss@example.org")) is None
    admin = sign_in("admin")
    assert invite(admin, role="staff", email="officer@example.org").status_code == 302
    assert outbox.last_to("officer@example.org")


def test_an_email_already_in_use_is_refused(sign_in, outbox):
    staff = sign_in("staff")
    response = invite(staff, role="volunteer", email=staff.user.email.upper())
    assert response.status_code == 400
    assert "already an account with this email address" in response.get_data(as_text=True)


def test_a_fresh_invitation_replaces_the_old_link(sign_in, app, outbox):
    staff = sign_in("staff")
    invite(staff, role="volunteer")
    old = link_in(outbox.last_to("new.clerk@example.org"))
    user = db.session.scalar(select(User).where(User.email == "new.clerk@example.org"))
    staff.submit(f"/users/{user.id}/reinvite", page=f"/users/{user.id}")
    new = link_in(outbox[-1])
    assert new != old
    assert app.test_client().get(old).status_code == 410
    assert app.test_client().get(new).status_code == 200


def test_when_mail_fails_the_account_is_kept_and_staff_are_told(sign_in, app):
    staff = sign_in("staff")
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    try:
        response = invite(staff, role="volunteer", email="unlucky@example.org")
    finally:
        app.config.update(MAIL_SERVER="")
    assert response.status_code == 302
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "the email could not be sent" in page
    assert "Send the invitation again" in page


def test_the_user_list_shows_who_has_not_accepted_yet(sign_in, outbox):
    staff = sign_in("staff")
    invite(staff, role="volunteer", email="waiting@example.org", name="Wendy Waiting")
    page = staff.get("/users").get_data(as_text=True)
    row = page[page.index("Wendy Waiting") :]
    assert "Invited" in row[: row.index("</tr>")]
    assert Role.VOLUNTEER.label in row[: row.index("</tr>")]
