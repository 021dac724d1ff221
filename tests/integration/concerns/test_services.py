"""The concern services: a concern logged, triaged, answered and published, with its clocks,
its events and its version guard, without HTTP."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engage.auth.permissions import Role
from engage.concerns.models import ConcernEvent, ConcernSource
from engage.concerns.services import (
    ACKNOWLEDGE,
    RESPONSE,
    SUBJECT,
    ConcernError,
    StaleConcern,
    apply_move,
    log_concern,
)
from engage.concerns.workflow import Move, Status
from engage.core.clock_services import clocks_of
from engage.core.models import ConcernCategory, PlanPriority
from engage.extensions import db
from tests.factories import UserFactory, agency, parishes

MONDAY = date(2026, 3, 2)


@pytest.fixture
def staff():
    return UserFactory(role=Role.STAFF)


@pytest.fixture
def concern(staff):
    logged = log_concern(
        source=ConcernSource.PHONE,
        parish_id=parishes()[0].id,
        raised_text="Cars speed past the school at pick-up time",
        raised_on=MONDAY,
        consent_contact=False,
        consent_publish=True,
        today=MONDAY,
        logged_by=staff,
    )
    db.session.commit()
    return logged


def triage(concern, staff, today=MONDAY):
    category = db.session.scalar(select(ConcernCategory))
    priority = db.session.scalar(select(PlanPriority))
    return apply_move(
        concern.id,
        Move.TRIAGE,
        {
            "lead_agency": agency().id,
            "owner": staff.id,
            "category": category.id,
            "priority": priority.id,
        },
        actor=staff,
        today=today,
    )


def test_a_logged_concern_gets_a_reference_and_the_promises_clocks(concern):
    assert concern.reference == f"C-2026-{concern.id:05d}"
    assert concern.status is Status.NEW
    clocks = clocks_of(SUBJECT, concern.id)
    assert set(clocks) == {"acknowledge", "first update", "response"}
    assert clocks[ACKNOWLEDGE].due_on == date(2026, 3, 4)  # two working days
    assert clocks[RESPONSE].due_on == date(2026, 3, 30)  # twenty working days


def test_triage_stops_the_acknowledgement_clock_and_records_the_event(concern, staff):
    triage(concern, staff, today=date(2026, 3, 5))  # a day late
    clock = clocks_of(SUBJECT, concern.id)[ACKNOWLEDGE]
    assert (clock.met, clock.working_days, clock.by_days) == (False, 3, 1)
    events = db.session.scalars(
        select(ConcernEvent).where(ConcernEvent.concern_id == concern.id)
    ).all()
    assert [event.move for event in events] == ["logged", "triage"]
    assert concern.lead_agency == agency()


def test_publishing_twice_keeps_both_signed_off_versions(concern, staff):
    triage(concern, staff)
    apply_move(concern.id, Move.RESPOND, {"we_did": "Patrols added."}, actor=staff, today=MONDAY)
    for text in ("Patrols added.", "Patrols added, and a speed camera."):
        apply_move(
            concern.id,
            Move.PUBLISH,
            {"we_did": text, "public_summary": "Speeding by the school."},
            actor=staff,
            today=MONDAY,
        )
    assert [v.we_did for v in concern.we_did_versions] == [
        "Patrols added.",
        "Patrols added, and a speed camera.",
    ]
    assert concern.status is Status.PUBLISHED
    assert clocks_of(SUBJECT, concern.id)[RESPONSE].met is True


def test_an_illegal_move_is_refused_in_words(concern, staff):
    with pytest.raises(ConcernError, match="new cannot be"):
        apply_move(concern.id, Move.CLOSE, {}, actor=staff, today=MONDAY)


def test_a_change_made_on_an_older_version_is_refused(concern, staff):
    seen = concern.version
    triage(concern, staff)
    with pytest.raises(StaleConcern, match="changed by someone else"):
        apply_move(
            concern.id,
            Move.DECLINE,
            {"reason": "Call 101"},
            actor=staff,
            today=MONDAY,
            expected_version=seen,
        )
    assert concern.status is Status.OPEN
