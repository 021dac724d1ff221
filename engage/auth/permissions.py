"""Who may do what: every rule of Engage in one table, checked in one place.

Each view declares the action it performs with `@requires(Action.X)`; a single before-request
hook (engage.security) looks the action up here. A route without a declaration is refused,
and the permission-matrix test fails for it, so nothing is public by accident.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TypeVar

View = TypeVar("View", bound=Callable)


class Role(enum.StrEnum):
    """The kinds of account; residents use Engage anonymously and have none."""

    ADMIN = "admin"
    STAFF = "staff"
    PARTNER = "partner"
    PARISH = "parish"
    VOLUNTEER = "volunteer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.STAFF: "OPCC staff",
    Role.PARTNER: "Partner responder",
    Role.PARISH: "Parish or town council clerk",
    Role.VOLUNTEER: "Panel volunteer",
}


class Action(enum.StrEnum):
    """Things a person can ask Engage to do; each route performs exactly one."""

    VIEW_PUBLIC = "view public pages"
    SIGN_IN = "sign in or recover an account"
    USE_ACCOUNT = "use own account"
    INVITE_USERS = "invite and list users"
    MANAGE_USERS = "change roles and deactivate users"
    EDIT_REFERENCE = "edit reference data"
    READ_AUDIT = "search the audit log"
    ANSWER_SURVEY = "answer an open survey"
    RUN_SURVEYS = "build surveys and run fieldwork"
    RAISE_CONCERN = "raise a concern online"
    LOG_CONCERNS = "log and follow concerns for own parishes"
    RESPOND_TO_CONCERNS = "respond to concerns assigned to own agency"
    FOLLOW_CONCERNS = "follow the concerns one works on"
    MANAGE_CONCERNS = "triage concerns and run roadshows"
    PUBLISH_CONCERNS = "sign off and publish a response"


ANONYMOUS = None
SIGNED_IN = frozenset(Role)
EVERYONE = frozenset({ANONYMOUS, *Role})
OFFICE = frozenset({Role.ADMIN, Role.STAFF})

RULES: dict[Action, frozenset[Role | None]] = {
    Action.VIEW_PUBLIC: EVERYONE,
    Action.SIGN_IN: EVERYONE,
    Action.USE_ACCOUNT: SIGNED_IN,
    Action.INVITE_USERS: OFFICE,
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.EDIT_REFERENCE: frozenset({Role.ADMIN}),
    Action.READ_AUDIT: frozenset({Role.ADMIN}),
    Action.ANSWER_SURVEY: EVERYONE,
    Action.RUN_SURVEYS: OFFICE,
    Action.RAISE_CONCERN: EVERYONE,
    Action.LOG_CONCERNS: frozenset({Role.PARISH, *OFFICE}),
    Action.RESPOND_TO_CONCERNS: frozenset({Role.PARTNER, *OFFICE}),
    Action.FOLLOW_CONCERNS: frozenset({Role.PARISH, Role.PARTNER, *OFFICE}),
    Action.MANAGE_CONCERNS: OFFICE,
    Action.PUBLISH_CONCERNS: OFFICE,
}

# Endpoints Flask itself registers, which cannot carry a decorator.
BUILT_IN_ENDPOINTS: dict[str, Action] = {"static": Action.VIEW_PUBLIC}

# Staff invite the people they work with; only admins create staff and admin accounts.
INVITABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset(Role),
    Role.STAFF: frozenset({Role.PARTNER, Role.PARISH, Role.VOLUNTEER}),
}


def may(role: Role | None, action: Action) -> bool:
    """Whether someone with `role` (None for an anonymous resident) may perform `action`."""
    return role in RULES[action]


def may_invite(inviter: Role | None, role: Role) -> bool:
    """Whether a user with role `inviter` may create an account with role `role`."""
    return role in INVITABLE_ROLES.get(inviter, frozenset())


def requires(action: Action) -> Callable[[View], View]:
    """Declare the action a view performs; the access hook enforces it before the view runs."""

    def declare(view: View) -> View:
        view.required_action = action
        return view

    return declare


def declared_action(endpoint: str, view: Callable | None) -> Action | None:
    """The action declared for an endpoint, or None when the route declares nothing."""
    if endpoint in BUILT_IN_ENDPOINTS:
        return BUILT_IN_ENDPOINTS[endpoint]
    return getattr(view, "required_action", None)


def binding_problems(role: Role, agency_id: int | None, parish_ids: list[int]) -> dict[str, str]:
    """What is wrong with the agency and parishes an account of `role` is bound to, by field."""
    problems = {}
    if role is Role.PARTNER and agency_id is None:
        problems["agency"] = "Choose the agency a partner responds for"
    if role is not Role.PARTNER and agency_id is not None:
        problems["agency"] = "Only partner accounts are bound to an agency"
    if role is Role.PARISH and not parish_ids:
        problems["parishes"] = "Choose at least one parish or town for a clerk"
    if role is not Role.PARISH and parish_ids:
        problems["parishes"] = "Only clerk accounts are bound to parishes"
    return problems
