"""Published concerns as open data: a CSV file and a JSON document in schema 1.0, both streamed.

Rows come only through engage.concerns.visibility (the concerns the public may see, and only
their public fields), read a chunk at a time in the order of their ids, so the whole table is
never held in memory. There is no personal data: not what was raised in the raiser's words, not
who raised it, no staff notes.

JSON (schema 1.0)::

    {"schema_version": "1.0", "publisher": str, "licence": str, "licence_url": str,
     "fields": [{"name", "description"}], "concerns": [ROW, ...]}

Each ROW holds the FIELDS below, keyed by name: dates are ISO 8601, counts are numbers, and a
value that does not apply is an empty string. The CSV has one row per concern with FIELDS as its
columns, in UTF-8 with a byte-order mark (so spreadsheets read it as UTF-8); a text that would
start with = + - or @ is given a leading apostrophe so that a spreadsheet shows it as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from sqlalchemy import func, select

from engage.concerns.models import Concern
from engage.concerns.raised_by import Raising, raised_by
from engage.concerns.visibility import (
    PublicConcern,
    public_concern,
    public_concerns,
    raisings_of,
)
from engage.extensions import db

SCHEMA_VERSION = "1.0"
LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
CHUNK = 500


class Field(NamedTuple):
    """A column of the CSV (and key of a JSON row), documented on the board."""

    name: str
    description: str


FIELDS = (
    Field("reference", "The concern's reference, like C-2026-00042."),
    Field("url", "The concern's page on this site."),
    Field("status", "“published” (a response is published), “closed” or “declined”."),
    Field("raised_on", "The date the concern was raised."),
    Field("district", "The district the parish or town lies in."),
    Field("parish", "The parish or town the concern is about."),
    Field("category", "What the concern is about, such as “Anti-social behaviour”."),
    Field("plan_priority", "The priority of the Police and Crime Plan it falls under."),
    Field("times_raised", "How many times it was raised, counting duplicates merged into it."),
    Field("raised_by", "Who raised it and where, such as “Raised by 7 residents at 2 roadshows”."),
    Field("you_said", "What was raised, as summarised by the office. Empty when declined."),
    Field("we_did", "What was done, as signed off. Empty when declined."),
    Field("version", "The signed-off version shown: each later edit is a new version."),
    Field("answered_on", "The date this version was signed off, or the concern declined."),
    Field("decline_reason", "Why it was declined and where to go instead. Empty otherwise."),
)
NAMES = tuple(field.name for field in FIELDS)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def record(concern: PublicConcern, raisings: Sequence[Raising], page_url: str) -> dict:
    """A concern as a row of open data (`page_url` + id is its page)."""
    answered_on = concern.answered_on
    return {
        "reference": concern.reference,
        "url": f"{page_url}{concern.id}",
        "status": str(concern.status),
        "raised_on": concern.raised_on.isoformat(),
        "district": concern.district,
        "parish": concern.parish,
        "category": concern.category,
        "plan_priority": concern.priority,
        "times_raised": len(raisings),
        "raised_by": raised_by(raisings),
        "you_said": concern.you_said,
        "we_did": concern.we_did,
        "version": concern.version if concern.version is not None else "",
        "answered_on": answered_on.isoformat() if answered_on else "",
        "decline_reason": concern.decline_reason,
    }


def records(page_url: str, chunk: int = CHUNK) -> Iterator[dict]:
    """Every visible concern as a row of open data, oldest first, read `chunk` ids at a time."""
    last = 0
    while True:
        window = select(Concern.id).where(Concern.id > last).order_by(Concern.id).limit(chunk)
        window = window.subquery()
        end = db.session.scalar(select(func.max(window.c.id)))
        if end is None:
            return
        query = public_concerns(among=window).order_by(Concern.id)
        concerns = [public_concern(row) for row in db.session.execute(query)]
        raisings = raisings_of(concerns)
        for concern in concerns:
            yield record(concern, raisings[concern.id], page_url)
        last = end


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_chunks(page_url: str, chunk: int = CHUNK) -> Iterator[str]:
    """The CSV file, a chunk of rows at a time (the first begins with the byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(NAMES)
    for number, row in enumerate(records(page_url, chunk), start=1):
        writer.writerow([_safe(row[name]) for name in NAMES])
        if number % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


def json_chunks(publisher: str, page_url: str, chunk: int = CHUNK) -> Iterator[str]:
    """The JSON document, a chunk of rows at a time."""
    head = {
        "schema_version": SCHEMA_VERSION,
        "publisher": publisher,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "fields": [field._asdict() for field in FIELDS],
    }
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "concerns": ['
    parts = [opening]
    for number, row in enumerate(records(page_url, chunk)):
        parts.append(("," if number else "") + "\n" + json.dumps(row, ensure_ascii=False))
        if len(parts) >= chunk:
            yield "".join(parts)
            parts = []
    parts.append("\n]}\n")
    yield "".join(parts)
