"""The permission rules as data: who may do what, and who may invite whom."""

import pytest

from engage.auth.permissions import (
    RULES,
    Action,
    Role,
    binding_problems,
    declared_action,
    may,
    may_invite,
    requires,
)


def test_anonymous_residents_may_view_public_pages_but_not_use_an_account():
    assert may(None, Action.VIEW_PUBLIC)
    assert not may(None, Action.USE_ACCOUNT)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_use_its_own_account(role):
    assert may(role, Action.USE_ACCOUNT)


@pytest.mark.parametrize("action", [Action.MANAGE_USERS, Action.EDIT_REFERENCE, Action.READ_AUDIT])
def test_only_admins_manage_users_reference_data_and_the_audit_log(action):
    assert [role for role in Role if may(role, action)] == [Role.ADMIN]


def test_staff_and_admins_may_invite_users():
    assert {role for role in Role if may(role, Action.INVITE_USERS)} == {Role.ADMIN, Role.STAFF}


def test_every_action_has_a_rule():
    assert set(RULES) == set(Action)


def test_staff_invite_partners_clerks_and_volunteers_but_not_staff_or_admins():
    assert may_invite(Role.STAFF, Role.PARISH)
    assert may_invite(Role.STAFF, Role.PARTNER)
    assert may_invite(Role.STAFF, Role.VOLUNTEER)
    assert not may_invite(Role.STAFF, Role.STAFF)
    assert not may_invite(Role.STAFF, Role.ADMIN)
    assert may_invite(Role.ADMIN, Role.ADMIN)
    assert not may_invite(Role.PARTNER, Role.VOLUNTEER)
    assert not may_invite(None, Role.VOLUNTEER)


def test_a_view_without_a_declaration_has_no_action():
    def view():
        return "hello"

    assert declared_action("somewhere.view", view) is None
    assert declared_action("somewhere.view", requires(Action.READ_AUDIT)(view)) is Action.READ_AUDIT
    assert declared_action("static", None) is Action.VIEW_PUBLIC


def test_a_partner_must_be_bound_to_an_agency_and_a_clerk_to_parishes():
    assert binding_problems(Role.PARTNER, None, []).keys() == {"agency"}
    assert binding_problems(Role.PARTNER, 3, []) == {}
    assert binding_problems(Role.PARISH, None, []).keys() == {"parishes"}
    assert binding_problems(Role.PARISH, None, [4, 5]) == {}
    assert binding_problems(Role.STAFF, 3, []).keys() == {"agency"}
    assert binding_problems(Role.VOLUNTEER, None, [4]).keys() == {"parishes"}
