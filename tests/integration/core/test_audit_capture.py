"""Every change to a domain record is logged with who, when and from where; so are reads."""

from sqlalchemy import select

from engage.auth.permissions import Role
from engage.core import audit
from engage.core.audit import SYSTEM_ACTOR, AuditEvent
from engage.core.models import ConcernCategory
from engage.extensions import db
from tests.factories import UserFactory


def events_for(record_type: str, record_id) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.record_type == record_type, AuditEvent.record_id == str(record_id)
    )
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_creating_changing_and_deleting_a_record_outside_a_request_is_logged_as_the_system(app):
    category = ConcernCategory(code="noise", name="Noise", description="Loud music")
    db.session.add(category)
    db.session.commit()
    category.name = "Noise nuisance"
    db.session.commit()
    record_id = category.id
    db.session.delete(category)
    db.session.commit()
    created, updated, deleted = events_for("concern_categories", record_id)
    assert created.action == "create" and created.changes["name"] == [None, "Noise"]
    assert updated.action == "update" and updated.changes == {"name": ["Noise", "Noise nuisance"]}
    assert deleted.action == "delete"
    assert {event.actor for event in (created, updated, deleted)} == {SYSTEM_ACTOR}


def test_an_unchanged_save_writes_nothing(app):
    category = db.session.scalar(select(ConcernCategory).where(ConcernCategory.code == "asb"))
    before = len(events_for("concern_categories", category.id))
    category.name = category.name
    db.session.commit()
    assert len(events_for("concern_categories", category.id)) == before


def test_secrets_never_reach_the_log(app):
    user = UserFactory(role=Role.VOLUNTEER)
    db.session.commit()
    user.password_hash = "changed"
    user.end_sessions()
    db.session.commit()
    (created,) = events_for("users", user.id)
    assert "password_hash" not in created.changes and "session_token" not in created.changes
    assert created.changes["role"] == [None, "volunteer"]


def test_a_change_made_in_a_request_names_the_user_and_address(sign_in):
    admin = sign_in("admin")
    person = UserFactory(role=Role.VOLUNTEER, name="Original Name")
    db.session.commit()
    admin.submit(
        f"/users/{person.id}/edit",
        {"name": "Renamed Person", "role": "volunteer"},
        environ_base={"REMOTE_ADDR": "192.0.2.44"},
    )
    change = events_for("users", person.id)[-1]
    assert change.changes == {"name": ["Original Name", "Renamed Person"]}
    assert change.actor == admin.user.email and change.actor_id == admin.user.id
    assert change.ip_address == "192.0.2.44"


def test_reading_a_confidential_record_is_logged(sign_in, app):
    reader = sign_in("staff")
    person = UserFactory(role=Role.VOLUNTEER)
    db.session.commit()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.7"}):
        from flask import g

        g.actor = reader.user
        audit.record_read(person)
        db.session.commit()
    (read,) = [event for event in events_for("users", person.id) if event.action == "read"]
    assert read.actor == reader.user.email and read.ip_address == "198.51.100.7"
