"""Admins change roles and close accounts; staff can only look and invite."""

from sqlalchemy import event, select

from engage.auth.models import User
from engage.auth.permissions import Role
from engage.core.audit import AuditEvent
from engage.extensions import db
from tests.factories import PASSWORD, UserFactory, agency, parishes


def test_an_admin_changes_a_volunteer_into_a_partner(sign_in):
    admin = sign_in("admin")
    person = UserFactory(role=Role.VOLUNTEER, name="Vic Volunteer")
    db.session.commit()
    response = admin.submit(
        f"/users/{person.id}/edit",
        {"name": "Vic Liaison", "role": "partner", "agency": str(agency("stroud-dc").id)},
    )
    assert response.status_code == 302
    page = admin.get(f"/users/{person.id}").get_data(as_text=True)
    assert "Vic Liaison" in page and "Stroud District Council" in page
    change = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.record_id == str(person.id), AuditEvent.action == "update"
        )
    ).one()
    assert change.changes["role"] == ["volunteer", "partner"]
    assert change.actor == admin.user.email


def test_role_changes_are_checked_and_keep_what_was_typed(sign_in):
    admin = sign_in("admin")
    person = UserFactory(role=Role.VOLUNTEER)
    db.session.commit()
    response = admin.submit(f"/users/{person.id}/edit", {"name": "Typed Name", "role": "parish"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose at least one parish or town for a clerk" in page
    assert 'value="Typed Name"' in page
    assert db.session.get(User, person.id).role is Role.VOLUNTEER


def test_an_admin_closes_an_account_and_its_sessions_end(sign_in, app):
    admin = sign_in("admin")
    person = UserFactory(role=Role.PARISH, email="closing@example.org")
    db.session.commit()
    theirs = app.test_client()
    theirs.submit("/login", {"email": "closing@example.org", "password": PASSWORD})
    assert theirs.get("/account").status_code == 200
    admin.submit(f"/users/{person.id}/active", {"active": "no"}, page=f"/users/{person.id}")
    assert theirs.get("/account").status_code == 302
    assert "Closed" in admin.get(f"/users/{person.id}").get_data(as_text=True)
    again = app.test_client().submit(
        "/login", {"email": "closing@example.org", "password": PASSWORD}
    )
    assert again.status_code == 401
    admin.submit(f"/users/{person.id}/active", {"active": "yes"}, page=f"/users/{person.id}")
    reopened = app.test_client().submit(
        "/login", {"email": "closing@example.org", "password": PASSWORD}
    )
    assert reopened.status_code == 302


def test_an_admin_cannot_close_or_demote_their_own_account(sign_in):
    admin = sign_in("admin")
    page_url = f"/users/{admin.user.id}"
    admin.submit(f"{page_url}/active", {"active": "no"}, page=page_url)
    assert admin.get("/account").status_code == 200
    response = admin.submit(f"{page_url}/edit", {"name": "Me", "role": "staff"})
    assert "You cannot remove your own administrator role" in response.get_data(as_text=True)


def test_staff_see_accounts_but_no_admin_controls(sign_in):
    staff = sign_in("staff")
    person = UserFactory(role=Role.PARISH, parishes=parishes("prestbury"))
    db.session.commit()
    page = staff.get(f"/users/{person.id}").get_data(as_text=True)
    assert "Prestbury" in page
    assert "Change role or details" not in page and "Close account" not in page


def test_the_invite_page_names_each_parish_district_without_a_query_per_parish(sign_in, app):
    staff = sign_in("staff")
    statements = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = staff.get("/users/invite").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert "Prestbury (Cheltenham)" in page
    assert len([sql for sql in statements if "FROM areas" in sql]) <= 2


def test_an_account_bound_to_a_retired_agency_can_still_be_renamed(sign_in):
    admin = sign_in("admin")
    stroud = agency("stroud-dc")
    person = UserFactory(role=Role.PARTNER, agency=stroud)
    stroud.active = False
    db.session.commit()
    response = admin.submit(
        f"/users/{person.id}/edit",
        {"name": "Renamed Partner", "role": "partner", "agency": str(stroud.id)},
    )
    assert response.status_code == 302
    assert db.session.get(User, person.id).name == "Renamed Partner"
    invite_page = admin.get("/users/invite").get_data(as_text=True)
    assert "Stroud District Council" not in invite_page
