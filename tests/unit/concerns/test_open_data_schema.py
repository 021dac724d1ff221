"""The open-data schema and the Atom feed, without a database: a row holds exactly the documented
fields, and the feed escapes whatever the texts hold."""

from __future__ import annotations

from datetime import UTC, date, datetime
from xml.etree import ElementTree

from engage.concerns.feed import atom
from engage.concerns.open_data import FIELDS, NAMES, SCHEMA_VERSION, record
from engage.concerns.raised_by import Raising
from engage.concerns.visibility import PublicConcern
from engage.concerns.workflow import Status

SIGNED = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 1 July in England


def public(**fields) -> PublicConcern:
    values = {
        "id": 7,
        "reference": "C-2026-00007",
        "status": Status.PUBLISHED,
        "source": "roadshow",
        "roadshow_id": 3,
        "parish_id": 11,
        "parish": "Stroud",
        "district": "Stroud",
        "category": "Speeding and road safety",
        "priority": "A strong, visible and responsive policing family",
        "raised_on": date(2026, 6, 1),
        "you_said": "Speeding on the hill",
        "we_did": "Speed checks",
        "version": 2,
        "answered_at": SIGNED,
        "decline_reason": "",
    }
    values.update(fields)
    return PublicConcern(**values)


def test_the_schema_is_versioned_and_every_field_documented():
    assert SCHEMA_VERSION == "1.0"
    assert len(set(NAMES)) == len(NAMES)
    assert all(field.description.endswith(".") for field in FIELDS)


def test_a_row_holds_exactly_the_documented_fields():
    raisings = [Raising("roadshow", roadshow="3"), Raising("roadshow", roadshow="4")]
    row = record(public(), raisings, "https://example.org/concerns/published/")

    assert list(row) == list(NAMES)
    assert row["url"] == "https://example.org/concerns/published/7"
    assert row["answered_on"] == "2026-07-01"  # the day in England it was signed off
    assert row["times_raised"] == 2
    assert row["raised_by"] == "Raised by 2 residents at 2 roadshows"


def test_a_declined_row_gives_its_reason_and_no_version():
    row = record(
        public(status=Status.DECLINED, you_said="", we_did="", version=None, decline_reason="Ask"),
        [Raising("online")],
        "/",
    )
    assert (row["version"], row["you_said"], row["decline_reason"]) == ("", "", "Ask")


def test_the_feed_escapes_every_text_and_is_as_new_as_its_newest_entry():
    tricky = public(we_did="<script>alert(1)</script> & more", parish="Bishop's Cleeve")
    document = atom(
        [tricky],
        title="You said, we did",
        publisher="The office",
        feed_url="https://example.org/feed.atom",
        board_url="https://example.org/",
        page_url="https://example.org/p/",
        now=datetime(2026, 7, 5, tzinfo=UTC),
    )

    assert b"<script>" not in document
    feed = ElementTree.fromstring(document)
    ns = "{http://www.w3.org/2005/Atom}"
    assert feed.findtext(f"{ns}updated") == SIGNED.isoformat()
    entry = feed.find(f"{ns}entry")
    assert (
        entry.findtext(f"{ns}title") == "C-2026-00007: Speeding and road safety in Bishop's Cleeve"
    )
    assert entry.findtext(f"{ns}content").endswith("<script>alert(1)</script> & more")


def test_an_empty_feed_is_as_new_as_now():
    now = datetime(2026, 7, 5, tzinfo=UTC)
    document = atom(
        [], title="t", publisher="p", feed_url="f", board_url="b", page_url="p/", now=now
    )
    feed = ElementTree.fromstring(document)
    assert feed.findtext("{http://www.w3.org/2005/Atom}updated") == now.isoformat()
