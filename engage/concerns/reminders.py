"""What each owner is reminded of: concerns and actions due soon or overdue, one e-mail each.

Pure: takes what is due (read by engage.concerns.reminder_services) and groups it by whom to
tell, most overdue first, so a cron job sends one clear digest per person, not one per item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

DUE_WITHIN = 2  # working days: "due soon"


@dataclass(frozen=True)
class DueItem:
    """One thing due: a concern's promise (acknowledge, first update, response) or an action."""

    to: str  # the owner's e-mail address
    name: str  # the owner's name, to greet them
    reference: str  # the concern's reference
    what: str  # e.g. "response" or "action: repair the street light"
    due_on: date
    overdue_by: int  # working days; 0 when not yet overdue
    link: str = ""


@dataclass
class Digest:
    """One person's reminder."""

    to: str
    name: str
    overdue: list[DueItem] = field(default_factory=list)
    due_soon: list[DueItem] = field(default_factory=list)

    @property
    def subject(self) -> str:
        parts = []
        if self.overdue:
            parts.append(f"{len(self.overdue)} overdue")
        if self.due_soon:
            parts.append(f"{len(self.due_soon)} due soon")
        return "Concerns: " + " and ".join(parts)


def digests(items: Iterable[DueItem]) -> list[Digest]:
    """Group what is due by person: overdue first (most overdue first), then due soon."""
    by_person: dict[str, Digest] = {}
    for item in items:
        digest = by_person.setdefault(item.to, Digest(item.to, item.name))
        (digest.overdue if item.overdue_by > 0 else digest.due_soon).append(item)
    for digest in by_person.values():
        digest.overdue.sort(key=lambda item: (-item.overdue_by, item.due_on, item.reference))
        digest.due_soon.sort(key=lambda item: (item.due_on, item.reference))
    return sorted(by_person.values(), key=lambda digest: digest.to)
