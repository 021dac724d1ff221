"""Sending a move's form as the case page would, for the tests of moves made and refused.

A helper module rather than fixtures: these are plain functions of a client and a concern,
shared by test_moves.py and test_moves_refused.py.
"""

from __future__ import annotations

from sqlalchemy import select

from engage.concerns.models import ConcernEvent
from engage.extensions import db


def url(item, move: str = "") -> str:
    return f"/concerns/{item.id}" + (f"/{move}" if move else "")


def move(client, item, name: str, data: dict | None = None, **kwargs):
    """Send a move's form as the page would, with the concern's version as it stands now."""
    sent = {"version": item.version, **(data or {})}
    return client.submit(url(item, name), sent, page=url(item), **kwargs)


def events(item) -> list[str]:
    query = select(ConcernEvent.move).where(ConcernEvent.concern_id == item.id)
    return list(db.session.scalars(query.order_by(ConcernEvent.id)))
