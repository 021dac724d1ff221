"""The latest published responses as an Atom 1.0 feed (RFC 4287).

`latest_answers` reads them through engage.concerns.visibility, so only public fields can reach
the feed; `atom` is pure (concerns in, XML out) and ElementTree escapes every text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.etree import ElementTree

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from engage.concerns.models import Concern, WeDidVersion
from engage.concerns.visibility import (
    ANSWERED,
    LATEST,
    PublicConcern,
    public_concern,
    public_concerns,
    visible,
)
from engage.extensions import db

ENTRIES = 50
ATOM = "http://www.w3.org/2005/Atom"


def latest_answers(count: int) -> list[PublicConcern]:
    """The `count` answers signed off most recently, newest first (for the feed)."""
    later = aliased(WeDidVersion)
    newest = (
        select(WeDidVersion.concern_id.label("id"))
        .join(Concern, Concern.id == WeDidVersion.concern_id)
        .where(
            visible(),
            Concern.status.in_(ANSWERED),
            ~exists().where(
                later.concern_id == WeDidVersion.concern_id, later.number > WeDidVersion.number
            ),
        )
        .order_by(WeDidVersion.approved_at.desc(), WeDidVersion.id.desc())
        .limit(count)
        .subquery()
    )
    query = public_concerns(among=newest).order_by(LATEST.approved_at.desc(), Concern.id.desc())
    return [public_concern(row) for row in db.session.execute(query)]


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes):
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def entry_title(concern: PublicConcern) -> str:
    """What an entry is called: its reference, what it is about and where."""
    about = concern.category or "A concern"
    return f"{concern.reference}: {about} in {concern.parish}"


def atom(
    concerns: Sequence[PublicConcern],
    *,
    title: str,
    publisher: str,
    feed_url: str,
    board_url: str,
    page_url: str,
    now: datetime,
) -> bytes:
    """The feed of `concerns` (newest first), each linking to `page_url` + its id.

    The feed is as new as its newest entry, or `now` when it has none.
    """
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _add(feed, "title", title)
    _add(feed, "id", feed_url)
    _add(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    _add(feed, "link", rel="alternate", href=board_url, type="text/html")
    newest = max((c.answered_at for c in concerns if c.answered_at), default=now)
    _add(feed, "updated", newest.isoformat())
    _add(_add(feed, "author"), "name", publisher)
    for concern in concerns:
        entry = _add(feed, "entry")
        url = f"{page_url}{concern.id}"
        _add(entry, "title", entry_title(concern))
        _add(entry, "id", url)
        _add(entry, "link", rel="alternate", href=url, type="text/html")
        _add(entry, "updated", (concern.answered_at or newest).isoformat())
        if concern.category:
            _add(entry, "category", term=concern.category)
        content = f"You said: {concern.you_said}\n\nWe did: {concern.we_did}"
        _add(entry, "content", content, type="text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
