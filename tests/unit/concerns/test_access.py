"""Who may see and do what on one concern: clerks their parishes, partners their agency's."""

from __future__ import annotations

import pytest

from engage.auth.permissions import Role
from engage.concerns.access import Involvement, Viewer, may_follow, may_log_for, may_respond

STROUD, TETBURY = 11, 12
POLICE, HIGHWAYS = 1, 2
CONCERN = Involvement(parish_id=STROUD, agency_ids={POLICE})


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STAFF])
def test_the_office_may_log_follow_and_respond_to_any_concern(role):
    office = Viewer(role)
    assert may_log_for(office, TETBURY)
    assert may_follow(office, CONCERN)
    assert may_respond(office, CONCERN, agency_id=HIGHWAYS)


def test_a_clerk_follows_and_logs_only_for_their_own_parishes():
    clerk = Viewer(Role.PARISH, parish_ids=frozenset({STROUD}))
    assert may_log_for(clerk, STROUD)
    assert may_follow(clerk, CONCERN)
    assert not may_log_for(clerk, TETBURY)
    assert not may_follow(clerk, Involvement(parish_id=TETBURY, agency_ids={POLICE}))
    assert not may_respond(clerk, CONCERN)


def test_a_partner_follows_and_responds_only_where_their_agency_is_involved():
    police = Viewer(Role.PARTNER, agency_id=POLICE)
    highways = Viewer(Role.PARTNER, agency_id=HIGHWAYS)
    assert may_follow(police, CONCERN) and may_respond(police, CONCERN)
    assert may_respond(police, CONCERN, agency_id=POLICE)
    assert not may_respond(police, CONCERN, agency_id=HIGHWAYS)
    assert not may_follow(highways, CONCERN) and not may_respond(highways, CONCERN)
    assert not may_log_for(police, STROUD)


@pytest.mark.parametrize("role", [None, Role.VOLUNTEER])
def test_residents_and_volunteers_see_no_private_details(role):
    someone = Viewer(role, parish_ids=frozenset({STROUD}), agency_id=POLICE)
    assert not may_follow(someone, CONCERN)
    assert not may_respond(someone, CONCERN)
    assert not may_log_for(someone, STROUD)


def test_a_partner_without_an_agency_responds_to_nothing():
    assert not may_respond(Viewer(Role.PARTNER), CONCERN)
    assert not may_follow(Viewer(Role.PARTNER), CONCERN)
