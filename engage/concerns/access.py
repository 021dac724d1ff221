"""Who may see and do what on one concern: the object rules beside the role table.

The role table (engage.auth.permissions) says a clerk may log and follow concerns and a partner
may respond to them; these rules say which ones. A clerk sees everything about concerns in their
own parishes and nothing private of any other parish; a partner sees and answers concerns their
agency leads, holds an action on, or has been referred; the office sees all. Pure, so the rules
are tested without a database.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from engage.auth.permissions import Role

OFFICE = frozenset({Role.ADMIN, Role.STAFF})


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as the rules need them."""

    role: Role | None
    parish_ids: frozenset[int] = frozenset()
    agency_id: int | None = None


@dataclass(frozen=True)
class Involvement:
    """Which parish a concern is in and which agencies work on it."""

    parish_id: int
    agency_ids: Collection[int] = ()  # lead agency, agencies with actions, referred agencies


def may_log_for(viewer: Viewer, parish_id: int) -> bool:
    """Whether the viewer may log a concern for this parish."""
    if viewer.role in OFFICE:
        return True
    return viewer.role is Role.PARISH and parish_id in viewer.parish_ids


def may_follow(viewer: Viewer, concern: Involvement) -> bool:
    """Whether the viewer may read the concern's private details and every update."""
    if viewer.role in OFFICE:
        return True
    if viewer.role is Role.PARISH:
        return concern.parish_id in viewer.parish_ids
    if viewer.role is Role.PARTNER:
        return viewer.agency_id is not None and viewer.agency_id in concern.agency_ids
    return False


def may_respond(viewer: Viewer, concern: Involvement, agency_id: int | None = None) -> bool:
    """Whether the viewer may update an action or answer a referral (for `agency_id`, if
    given): the office always, a partner only for their own agency's part."""
    if viewer.role in OFFICE:
        return True
    if viewer.role is not Role.PARTNER or viewer.agency_id is None:
        return False
    if agency_id is not None:
        return agency_id == viewer.agency_id
    return viewer.agency_id in concern.agency_ids
