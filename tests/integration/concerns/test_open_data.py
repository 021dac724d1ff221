"""Open data and the feed: every concern the board shows, as a streamed CSV file and JSON
document in the documented schema, and the latest responses as an Atom feed."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

from engage.concerns import open_data
from engage.concerns.models import ConcernSource
from engage.concerns.open_data import FIELDS, NAMES, SCHEMA_VERSION
from engage.concerns.services import apply_move
from engage.concerns.workflow import Move, Status
from engage.core.dates import today
from tests.concern_factories import concern, roadshow, staff
from tests.reading import text_of

ATOM = "{http://www.w3.org/2005/Atom}"


def published(said: str, did: str, **fields):
    given = {Move.PUBLISH: {"public_summary": said, "we_did": did}}
    return concern(status=Status.PUBLISHED, given=given, **fields)


def rows_of(response) -> list[dict]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")  # so that spreadsheets read it as UTF-8
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def test_the_csv_file_has_a_row_for_each_concern_on_the_board_in_the_schema(client):
    show = roadshow()
    answered = published(
        "Speeding on the hill",
        '=HYPERLINK("x") Speed checks',
        roadshow_id=show.id,
        source=ConcernSource.ROADSHOW,
    )
    declined = concern(status=Status.DECLINED, given={Move.DECLINE: {"reason": "Ask the council"}})
    concern(status=Status.RESPONDED)  # not published: not in the file

    response = client.get("/concerns/data.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response)
    assert list(rows[0]) == list(NAMES)
    assert [row["reference"] for row in rows] == [answered.reference, declined.reference]
    first, second = rows
    assert first["status"] == "published" and first["version"] == "1"
    assert first["you_said"] == "Speeding on the hill"
    assert first["we_did"] == '\'=HYPERLINK("x") Speed checks'  # never a formula
    assert first["raised_by"] == "Raised by 1 resident at 1 roadshow"
    assert first["times_raised"] == "1"
    assert first["raised_on"] == answered.raised_on.isoformat()
    assert first["answered_on"] == today().isoformat()
    assert first["url"] == f"http://localhost/concerns/published/{answered.id}"
    assert first["district"] == answered.parish.parent.name
    assert (second["status"], second["you_said"], second["we_did"]) == ("declined", "", "")
    assert second["decline_reason"] == "Ask the council"


def test_the_json_document_holds_the_same_rows_with_the_schema(client):
    answered = published("Noise at night", "Patrols on Fridays")
    office = staff()
    duplicate = concern()
    apply_move(duplicate.id, Move.MERGE, {"merge_into": answered.id}, actor=office, today=today())

    response = client.get("/concerns/data.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    assert document["schema_version"] == SCHEMA_VERSION == "1.0"
    assert document["licence"] == "Open Government Licence v3.0"
    assert document["fields"] == [{"name": f.name, "description": f.description} for f in FIELDS]
    (row,) = document["concerns"]
    assert list(row) == list(NAMES)
    assert row["reference"] == answered.reference
    assert row["times_raised"] == 2 and row["version"] == 1
    assert row["raised_by"] == "Raised by 2 residents by phone"
    assert row["we_did"] == "Patrols on Fridays"


def test_an_empty_board_gives_an_empty_file_and_document(client):
    assert rows_of(client.get("/concerns/data.csv")) == []
    assert json.loads(client.get("/concerns/data.json").get_data(as_text=True))["concerns"] == []


def test_open_data_is_read_and_written_a_chunk_at_a_time(app):
    made = [published(f"Said {n}", f"Did {n}") for n in range(5)]
    concern(status=Status.OPEN)
    with app.test_request_context():
        rows = list(open_data.records("https://example.org/c/", chunk=2))
        chunks = list(open_data.csv_chunks("https://example.org/c/", chunk=2))
        pieces = list(open_data.json_chunks("Office", "https://example.org/c/", chunk=2))

    assert [row["reference"] for row in rows] == [c.reference for c in made]
    assert rows[0]["url"] == f"https://example.org/c/{made[0].id}"
    assert len(chunks) == 3  # the header and two rows, two rows, then the last row
    assert len(list(csv.reader(io.StringIO("".join(chunks).removeprefix("\ufeff"))))) == 6
    assert len(pieces) > 1
    assert len(json.loads("".join(pieces))["concerns"]) == 5


def test_the_feed_gives_the_latest_published_responses_newest_first(client):
    older = published("Litter in the park", "Extra bins")
    newer = published("Graffiti on the bridge", "Cleaned <b>twice</b> & painted")
    concern(status=Status.DECLINED)  # declined: no response to announce
    concern(status=Status.RESPONDED)  # not signed off

    response = client.get("/concerns/feed.atom")

    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "http://localhost/concerns/feed.atom"
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}id") for entry in entries] == [
        f"http://localhost/concerns/published/{newer.id}",
        f"http://localhost/concerns/published/{older.id}",
    ]
    content = entries[0].findtext(f"{ATOM}content")
    assert content == "You said: Graffiti on the bridge\n\nWe did: Cleaned <b>twice</b> & painted"
    assert entries[0].findtext(f"{ATOM}title").startswith(f"{newer.reference}: ")
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")


def test_the_board_documents_the_schema_and_links_the_data(client):
    text = text_of(client.get("/concerns/"))
    html = client.get("/concerns/").get_data(as_text=True)

    assert "About the data" in text and f"Schema version {SCHEMA_VERSION}." in text
    for field in FIELDS:
        assert f"{field.name} {field.description}" in text
    for link in ("/concerns/data.csv", "/concerns/data.json", "/concerns/feed.atom"):
        assert f'href="{link}"' in html
