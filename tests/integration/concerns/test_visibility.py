"""The one visibility rule: a concern in any condition the public may not see never reaches the
board, its search, a public page, the feed, open data or a roadshow's bulletin; and what does
reach them is public fields only, never the raiser's words, name, e-mail or phone, nor staff
notes or the private detail of actions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.concerns.demo import load_concerns_demo
from engage.concerns.models import (
    Concern,
    Roadshow,
    RoadshowStatus,
)
from engage.concerns.visibility import is_visible, may_show, visible
from engage.concerns.workflow import Status
from engage.core.dates import today
from engage.core.demo import load_demo
from engage.extensions import db
from tests.concern_factories import roadshow
from tests.integration.concerns.public_cases import (
    ACTION_DETAIL,
    FORMER,
    PRIVATE_WORDS,
    STAFF_NOTE,
    every_condition_cases,
)


@pytest.mark.parametrize(
    ("status", "consent", "hidden", "merged", "signed_off", "shown"),
    [
        (Status.PUBLISHED, True, False, False, True, True),
        (Status.CLOSED, True, False, False, True, True),
        (Status.DECLINED, True, False, False, False, True),
        (Status.PUBLISHED, True, False, False, False, False),  # no signed-off version
        (Status.CLOSED, True, False, False, False, False),
        (Status.PUBLISHED, False, False, False, True, False),  # no consent to publish
        (Status.DECLINED, False, False, False, False, False),
        (Status.PUBLISHED, True, True, False, True, False),  # hidden by staff
        (Status.DECLINED, True, True, False, False, False),
        (Status.PUBLISHED, True, False, True, True, False),  # merged into another
        (Status.NEW, True, False, False, False, False),
        (Status.OPEN, True, False, False, True, False),  # reopened after publishing
        (Status.RESPONDED, True, False, False, False, False),
        (Status.MERGED, True, False, True, False, False),
    ],
)
def test_the_rule_in_words(status, consent, hidden, merged, signed_off, shown):
    facts = {"consent_publish": consent, "hidden": hidden, "merged": merged}
    assert may_show(status, signed_off=signed_off, **facts) is shown


@pytest.fixture
def show():
    return roadshow()


@pytest.fixture
def every_condition(show):
    return every_condition_cases(show)


def _markers(kept_back) -> dict[str, str]:
    """Each non-public concern's marker word (the first word after the private words)."""
    return {
        name: c.raised_text.removeprefix(PRIVATE_WORDS).strip() for name, c in kept_back.items()
    }


def public_responses(client, show, shown, kept_back) -> dict[str, str]:
    """Everything an anonymous visitor can fetch about these concerns, by address."""
    urls = [
        "/concerns/",
        "/concerns/data.csv",
        "/concerns/data.json",
        "/concerns/feed.atom",
        f"/concerns/roadshows/{show.id}/bulletin",
        *(f"/concerns/published/{c.id}" for c in shown.values()),
        *(f"/concerns/?q={marker}" for marker in _markers(kept_back).values()),
        "/concerns/?q=Privatewords",
        "/concerns/?q=Acacia",
    ]
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        if "?q=" in url:  # the search box shows what was typed: that is not a leak
            body = body.replace(f'value="{url.partition("?q=")[2]}"', "")
        found[url] = body
    return found


def test_the_criterion_and_the_predicate_agree_on_every_condition(every_condition):
    shown, kept_back = every_condition
    everyone = [*shown.values(), *kept_back.values()]
    for one in everyone:
        db.session.refresh(one)
    chosen = set(db.session.scalars(select(Concern.id).where(visible())))
    assert chosen == {one.id for one in everyone if is_visible(one)}
    assert chosen == {one.id for one in shown.values()}


def test_nothing_kept_back_reaches_any_public_response(client, every_condition, show):
    shown, kept_back = every_condition
    responses = public_responses(client, show, shown, kept_back)

    for name, kept in kept_back.items():
        marker = _markers(kept_back)[name]
        for url, body in responses.items():
            assert kept.reference not in body, (name, url)
            assert marker not in body, (name, url)
        assert client.get(f"/concerns/published/{kept.id}").status_code == 404, name
        assert "No concerns match" in responses[f"/concerns/?q={marker}"], name
    for one in shown.values():
        assert one.reference in responses["/concerns/"]
        assert one.reference in responses["/concerns/data.csv"]
        assert one.reference in responses["/concerns/data.json"]
        assert one.reference in responses[f"/concerns/roadshows/{show.id}/bulletin"]


def test_public_responses_hold_public_fields_only(client, every_condition, show):
    shown, kept_back = every_condition
    responses = public_responses(client, show, shown, kept_back)

    for url, body in responses.items():
        for private in ("@resident.example", "Privatewords", "Acacia", "07700 900123"):
            assert private not in body, (private, url)
        assert "Resident " not in body, url
        assert STAFF_NOTE not in body, url
        assert ACTION_DETAIL not in body, url
        assert FORMER not in body, url
    assert "Lampposts summary" in responses["/concerns/"]
    assert "Ask the council" in responses["/concerns/"]
    assert "No concerns match" in responses["/concerns/?q=Privatewords"]


def test_no_public_response_holds_a_demo_raisers_email_or_phone(client):
    load_demo("test")
    assert load_concerns_demo(today()) > 0
    phones = set(
        db.session.scalars(select(Concern.raiser_phone).where(Concern.raiser_phone.is_not(None)))
    )
    shown = db.session.scalars(select(Concern.id).where(visible())).all()
    held = db.session.scalars(select(Roadshow.id).where(Roadshow.status == RoadshowStatus.HELD))
    urls = ["/concerns/data.csv", "/concerns/data.json", "/concerns/feed.atom"]
    urls += [f"/concerns/published/{concern_id}" for concern_id in shown]
    urls += [f"/concerns/roadshows/{roadshow_id}/bulletin" for roadshow_id in held]
    board = "/concerns/"
    while board:  # every page of the board
        urls.append(board)
        older = re.search(r'href="([^"]*after=[^"]*)"', client.get(board).get_data(as_text=True))
        board = older.group(1).replace("&amp;", "&") if older else None

    assert len(shown) > 100 and phones
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert "@resident.example" not in body, url
        assert not any(phone in body for phone in phones), url
