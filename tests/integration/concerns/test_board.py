"""The public board: "You said" beside "We did", filters that work without JavaScript, search
over the public texts only, paging, the headline figures, a concern's public page and a
roadshow's printable bulletin."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from engage.concerns import board
from engage.concerns.models import Concern, ConcernSource, RoadshowStatus, WeDidVersion
from engage.concerns.services import apply_move
from engage.concerns.workflow import Move, Status
from engage.core.dates import today
from engage.core.models import Area, ConcernCategory, PlanPriority
from engage.extensions import db
from tests.concern_factories import concern, roadshow, staff
from tests.factories import agency, parishes
from tests.reading import text_of

RAISED = date(2026, 3, 2)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return text_of(response)


def published(where=None, said="Speeding near the school", did="Speed checks", **fields):
    """A concern answered and published, saying `said` and `did`."""
    given = fields.pop("given", {})
    given[Move.PUBLISH] = {"public_summary": said, "we_did": did}
    return concern(where, Status.PUBLISHED, given=given, **fields)


def listed(text: str) -> list[str]:
    """The references on a board page, in order."""
    results = text.split("Clear filters", 1)[1].split("How quickly concerns are answered")[0]
    return re.findall(r"C-\d{4}-\d{5}", results)


def test_the_board_shows_you_said_beside_we_did_with_their_dates(client):
    shown = published(said="Lorries in the village", did="The force met the haulier", today=RAISED)
    signed = today()

    text = page(client, "/concerns/")

    assert "You said Raised 2 March 2026 Lorries in the village" in text
    assert f"We did Signed off {signed.day} {signed:%B %Y} The force met the haulier" in text
    assert shown.reference in text
    html = client.get("/concerns/").get_data(as_text=True)
    assert f'href="/concerns/published/{shown.id}"' in html
    assert (
        'method="get"' in html and "<script" not in html.split("<footer")[0].split("</header>")[1]
    )


def test_each_filter_narrows_the_board(client):
    cheltenham, stroud = parishes("prestbury", "stroud-town")
    categories = db.session.scalars(select(ConcernCategory).order_by(ConcernCategory.id)).all()
    priorities = db.session.scalars(select(PlanPriority).order_by(PlanPriority.number)).all()
    triage = {"category": categories[1].id, "priority": priorities[1].id}
    in_cheltenham = published(cheltenham, today=RAISED)
    in_stroud = published(stroud, today=RAISED + timedelta(days=30), given={Move.TRIAGE: triage})
    closed = concern(stroud, Status.CLOSED, today=RAISED + timedelta(days=60))
    declined = concern(cheltenham, Status.DECLINED, today=RAISED + timedelta(days=90))
    district = db.session.get(Area, stroud.parent_id)

    def board_for(query: str) -> set[str]:
        return set(listed(page(client, f"/concerns/?{query}")))

    everyone = {c.reference for c in (in_cheltenham, in_stroud, closed, declined)}
    assert board_for("") == everyone
    assert board_for(f"district={district.id}") == {in_stroud.reference, closed.reference}
    assert board_for(f"parish={cheltenham.id}") == {in_cheltenham.reference, declined.reference}
    assert board_for(f"category={categories[1].id}") == {in_stroud.reference}
    assert board_for(f"priority={priorities[1].id}") == {in_stroud.reference}
    assert board_for("status=closed") == {closed.reference}
    assert board_for("status=declined") == {declined.reference}
    assert board_for("raised_from=01/04/2026&raised_to=30/04/2026") == {in_stroud.reference}
    assert board_for("raised_from=1/5/2026") == {closed.reference, declined.reference}
    assert board_for(f"district={district.id}&status=published") == {in_stroud.reference}


def test_search_reads_the_public_texts_and_never_what_was_raised(client):
    speeding = published(
        said="Cars racing on the bypass", did="Average speed cameras", raised_text="Zebra crossing"
    )
    declined = concern(
        status=Status.DECLINED, given={Move.DECLINE: {"reason": "Ask the Highways team"}}
    )

    def found(words: str) -> set[str]:
        return set(listed(page(client, f"/concerns/?q={words}")))

    assert found("bypass") == {speeding.reference}
    assert found("SPEED cameras") == {speeding.reference}
    assert found("highways") == {declined.reference}
    assert found(speeding.reference.lower()) == {speeding.reference}
    assert found(speeding.parish.name.split()[0]) == {speeding.reference, declined.reference}
    assert found("Zebra") == set()  # only in what was raised: private
    assert found("%") == set() and found("_") == set()  # wildcards are taken literally
    assert "No concerns match" in page(client, "/concerns/?q=Zebra")


def test_search_reads_only_the_newest_signed_off_version(client):
    answered = published(said="Dogs fouling the green", did="Wardens patrolled")
    apply_move(
        answered.id,
        Move.PUBLISH,
        {"public_summary": "Dog fouling on the green", "we_did": "New bins were put up"},
        actor=staff(),
        today=today(),
    )
    assert listed(page(client, "/concerns/?q=Wardens")) == []
    assert listed(page(client, "/concerns/?q=bins")) == [answered.reference]
    assert "(version 2)" in page(client, "/concerns/")


def quickly_published(count: int, start: date) -> list[Concern]:
    """`count` published concerns raised a day apart from `start` backwards, made directly."""
    where = parishes()[0]
    made = []
    for number in range(count):
        one = Concern(
            reference=f"C-2026-{90000 + number:05d}",
            source=ConcernSource.PHONE,
            parish_id=where.id,
            raised_on=start - timedelta(days=number),
            raised_text="Private",
            consent_publish=True,
            status=Status.PUBLISHED,
        )
        one.we_did_versions.append(WeDidVersion(number=1, you_said="Said", we_did="Did"))
        made.append(one)
    db.session.add_all(made)
    db.session.commit()
    return made


def test_the_board_pages_older_and_back_newer_keeping_its_filters(client, monkeypatch):
    monkeypatch.setattr(board, "PAGE_SIZE", 2)
    made = [c.reference for c in quickly_published(5, RAISED)]  # newest first
    client_filters = "status=published"

    first = client.get(f"/concerns/?{client_filters}").get_data(as_text=True)
    assert listed(text_of_html(first)) == made[:2]
    older = re.search(r'href="([^"]*after=[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "status=published" in older and "before=" not in first

    second = client.get(older).get_data(as_text=True)
    assert listed(text_of_html(second)) == made[2:4]
    third_link = re.search(r'href="([^"]*after=[^"]*)"', second).group(1).replace("&amp;", "&")
    third = client.get(third_link).get_data(as_text=True)
    assert listed(text_of_html(third)) == made[4:]
    assert "after=" not in third  # the last page

    newer = re.search(r'href="([^"]*before=[^"]*)"', third).group(1).replace("&amp;", "&")
    assert listed(text_of_html(client.get(newer).get_data(as_text=True))) == made[2:4]
    assert "5 concerns" in text_of_html(second)


def test_a_page_of_the_board_is_read_in_a_fixed_number_of_queries(app):
    quickly_published(30, RAISED)
    statements = []

    def count(connection, cursor, statement, *_):
        if statement.startswith("SELECT"):  # not the test's savepoints
            statements.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        found = board.board_page(board.BoardFilters(), size=20)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(found.concerns) == 20 and found.total == 30
    assert len(statements) == 3, statements  # the page, its count, who raised them


def text_of_html(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("raised_from=31/02/2026", "Raised from date must be a real date, like 23/11/2026"),
        ("raised_to=soon", "Raised to date must be a real date, like 23/11/2026"),
        (
            "raised_from=02/03/2026&raised_to=01/03/2026",
            "Raised to date must be the same as or after the from date",
        ),
        ("district=999999", "Choose a district from the list"),
        ("parish=abc", "Choose a parish or town from the list"),
        ("category=0", "Choose a category from the list"),
        ("priority=-1", "Choose a plan priority from the list"),
        ("status=merged", "Choose a status from the list"),
        ("q=" + "word " * 50, "Search must be 200 characters or fewer"),
        ("after=yesterday", "That page link is not one the board made"),
        ("before=2026-13-01.4", "That page link is not one the board made"),
    ],
)
def test_bad_filters_are_refused_with_a_clear_message_keeping_what_was_typed(
    client, query, message
):
    response = client.get(f"/concerns/?{query}")
    assert response.status_code == 400
    text = text_of(response)
    assert "There is a problem" in text and message in text
    assert text.startswith("Error:")
    typed = query.split("=", 1)[1].split("&")[0]
    if query.startswith(("raised", "q=")):
        assert f'value="{typed.strip()}' in response.get_data(as_text=True)


def test_headline_figures_are_shown_only_on_ten_concerns_or_more(client):
    stroud = parishes("stroud-town")[0]
    for _ in range(9):
        published(stroud)
    text = page(client, "/concerns/")
    assert "Stroud 9 Not shown: fewer than 10 concerns Not shown: fewer than 10 concerns" in text
    assert "Figures on fewer than 10 concerns are not shown" in text

    published(stroud)
    concern(stroud, Status.OPEN, today=today() - timedelta(days=70))  # overdue

    text = page(client, "/concerns/")
    assert "Stroud 11 91% (10 of 11) 0 (of 10 answered)" in text
    assert "11 concerns raised since" in text
    assert "91% answered within the promise (10 of the 11 answered or overdue)" in text
    assert "0 working days to a response, the median of 10 answered" in text
    html = client.get("/concerns/").get_data(as_text=True)
    assert '<svg class="engage-chart__svg"' in html
    assert 'aria-labelledby="answered-in-time-title answered-in-time-desc"' in html
    assert "Concerns answered within the promise, by month raised Month raised All districts" in (
        text
    )


def test_a_concern_page_shows_its_public_steps_and_the_agency_it_was_referred_to(client):
    office = staff()
    council = agency("glos-county-council")
    referred = concern(status=Status.OPEN, actor=office)
    for move, given in (
        (Move.REFER, {"agency": council.id, "handed_over": "Photos of the potholes", "note": "x"}),
        (Move.ACCEPT_REFERRAL, {"note": "Private acceptance note"}),
        (Move.RESPOND, {"we_did": "Resurfaced"}),
        (Move.PUBLISH, {"public_summary": "Potholes", "we_did": "Resurfaced", "note": "Secret"}),
    ):
        apply_move(referred.id, move, given, actor=office, today=today())

    text = page(client, f"/concerns/published/{referred.id}")

    assert f"{referred.reference}: " in text
    assert "Referred to Gloucestershire County Council." in text
    assert "What was handed over: Photos of the potholes" in text
    assert "Response signed off and published." in text
    assert "Private acceptance note" not in text and "Secret" not in text
    page(client, "/concerns/published/999999", 404)


def test_who_raised_it_counts_every_duplicate_merged_into_it(client):
    office = staff()
    first, second = roadshow(), roadshow()
    survivor = published(source=ConcernSource.ROADSHOW, roadshow_id=first.id, actor=office)
    duplicates = [
        concern(source=ConcernSource.ROADSHOW, roadshow_id=first.id),
        concern(source=ConcernSource.ROADSHOW, roadshow_id=second.id),
        concern(source=ConcernSource.PARISH),
        concern(source=ConcernSource.ONLINE),
    ]
    for duplicate in duplicates:
        apply_move(
            duplicate.id,
            Move.MERGE,
            {"merge_into": survivor.id},
            actor=office,
            today=today(),
        )

    expected = "Raised by 3 residents at 2 roadshows, by 1 parish council and by 1 resident online"
    assert expected in page(client, "/concerns/")
    assert expected in page(client, f"/concerns/published/{survivor.id}")
    assert listed(page(client, "/concerns/")) == [survivor.reference]


def test_a_roadshow_bulletin_prints_what_was_said_there_and_what_was_done(client):
    office = staff()
    held, elsewhere = roadshow(), roadshow()
    here = published(
        source=ConcernSource.ROADSHOW, roadshow_id=held.id, said="Parking by the school"
    )
    other = published(source=ConcernSource.ROADSHOW, roadshow_id=elsewhere.id)
    answering = published(
        source=ConcernSource.ROADSHOW, roadshow_id=elsewhere.id, said="Vans on the verge"
    )
    duplicate = concern(source=ConcernSource.ROADSHOW, roadshow_id=held.id)
    apply_move(duplicate.id, Move.MERGE, {"merge_into": answering.id}, actor=office, today=today())
    concern(source=ConcernSource.ROADSHOW, roadshow_id=held.id)  # not answered yet

    response = client.get(f"/concerns/roadshows/{held.id}/bulletin")
    text = text_of(response)

    assert response.status_code == 200
    assert f"You said, we did: {held.title}" in text
    assert "3 concerns were raised at the roadshow. Below are 2 with a published answer." in text
    assert here.reference in text and answering.reference in text
    assert other.reference not in text
    assert "Parking by the school" in text and "Vans on the verge" in text
    html = response.get_data(as_text=True)
    assert 'class="engage-bulletin"' in html and "style=" not in html

    planned = roadshow(status=RoadshowStatus.PLANNED)
    page(client, f"/concerns/roadshows/{planned.id}/bulletin", 404)
    page(client, "/concerns/roadshows/999999/bulletin", 404)
