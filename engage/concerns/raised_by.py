"""Who raised a concern and where, in words: "Raised by 7 residents at 2 roadshows and by 1 parish
council".

Pure: no Flask, no database. When duplicates are merged every original is kept, so the survivor
has one raising per original; the published answer counts them. Residents at roadshows are
counted with the distinct roadshows they spoke at, parish and town councils once each however
often they raised it, and residents who wrote in, phoned or e-mailed together, naming the ways.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SOURCES = ("roadshow", "parish council", "online", "phone", "email")
# The ways a resident reaches us directly, in the order they are named: "by phone or online".
_DIRECT = {"phone": "phone", "email": "e-mail", "online": "online"}


@dataclass(frozen=True)
class Raising:
    """One time a concern was raised: its source and, for those sources, which roadshow or
    which parish council (a name or reference; equal values are the same event or council)."""

    source: str
    roadshow: str | None = None
    parish_council: str | None = None

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(
                f'"{self.source}" is not a source of concerns; use one of {", ".join(SOURCES)}'
            )
        if self.source == "roadshow" and not self.roadshow:
            raise ValueError("A concern raised at a roadshow must say which roadshow")
        if self.source == "parish council" and not self.parish_council:
            raise ValueError("A concern raised by a parish council must say which council")


def raised_by(raisings: Sequence[Raising]) -> str:
    """How many raised the concern and where, as a sentence without a full stop.

    For example "Raised by 3 residents at 1 roadshow, by 2 parish councils and by 4 residents
    by phone, e-mail or online". Raises ValueError when there are no raisings: every concern
    was raised at least once.
    """
    if not raisings:
        raise ValueError("A concern is raised at least once: there are no raisings to count")
    parts = []
    at_roadshows = [raising.roadshow for raising in raisings if raising.source == "roadshow"]
    if at_roadshows:
        roadshows = len(set(at_roadshows))
        parts.append(
            f"by {_count(len(at_roadshows), 'resident')} at {_count(roadshows, 'roadshow')}"
        )
    councils = {r.parish_council for r in raisings if r.source == "parish council"}
    if councils:
        parts.append(f"by {_count(len(councils), 'parish council')}")
    direct = [raising.source for raising in raisings if raising.source in _DIRECT]
    if direct:
        ways = [words for source, words in _DIRECT.items() if source in direct]
        how = "online" if ways == ["online"] else f"by {_listed(ways, 'or')}"
        parts.append(f"by {_count(len(direct), 'resident')} {how}")
    return f"Raised {_listed(parts, 'and')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun if number == 1 else noun + 's'}"


def _listed(items: Sequence[str], conjunction: str) -> str:
    """ "a", "a and b", "a, b and c" (no serial comma, as in the rest of Engage)."""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
