"""Admins search the audit log: who did what to which record, when and from where."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engage.auth.permissions import Role
from engage.core.audit import AuditEvent
from engage.extensions import db
from tests.factories import agency
from tests.reading import text_of


@pytest.fixture
def admin(sign_in):
    return sign_in(Role.ADMIN, email="olivia.admin@example.org")


def add_event(when: datetime, **fields) -> AuditEvent:
    """An event written straight to the log, at a chosen moment."""
    values = {
        "occurred_at": when,
        "actor": "someone@example.org",
        "action": "update",
        "record_type": "test_records",
        "record_id": "1",
        "summary": "A test event",
    }
    event = AuditEvent(**(values | fields))
    db.session.add(event)
    db.session.commit()
    return event


def test_an_agency_edit_shows_in_the_log_with_old_and_new_values(admin):
    police = agency()
    admin.submit(
        f"/admin/reference/agencies/{police.id}",
        {"name": "Gloucestershire Police", "kind": "police", "area": police.area_id, "active": "y"},
    )

    search = f"/admin/audit?action=update&record_type=agencies&record_id={police.id}"
    page = text_of(admin.get(search))

    assert "1 event, newest first" in page
    assert "name: Gloucestershire Constabulary → Gloucestershire Police" in page
    assert "olivia.admin@example.org" in page
    assert "127.0.0.1" in page


def test_times_are_shown_in_uk_local_time(admin):
    add_event(datetime(2026, 7, 1, 13, 5, tzinfo=UTC), summary="Summer event")
    add_event(datetime(2026, 11, 23, 14, 5, tzinfo=UTC), summary="Winter event")

    page = text_of(admin.get("/admin/audit?record_type=test_records"))

    assert "1 Jul 2026 14:05" in page  # British Summer Time
    assert "23 Nov 2026 14:05" in page
    assert page.index("Winter event") < page.index("Summer event")  # newest first


@pytest.mark.parametrize(
    ("query", "field", "matching", "other"),
    [
        ("actor=CLERK", "actor", "clerk@parish.example", "officer@opcc.example"),
        ("record_type=surveys", "record_type", "surveys", "concerns"),
        ("text=192.0.2.10", "ip_address", "192.0.2.10", "192.0.2.1"),
    ],
    ids=["who, in any case", "record type", "an exact address"],
)
def test_searching_narrows_the_results(admin, query, field, matching, other):
    add_event(datetime(2026, 1, 5, tzinfo=UTC), summary="The wanted event", **{field: matching})
    add_event(datetime(2026, 1, 6, tzinfo=UTC), summary="The other event", **{field: other})

    page = text_of(admin.get(f"/admin/audit?{query}"))

    assert "The wanted event" in page
    assert "The other event" not in page


def test_the_chosen_record_type_stays_selected(admin):
    add_event(datetime(2026, 1, 6, tzinfo=UTC), record_type="surveys")

    response = admin.get("/admin/audit?record_type=surveys")

    assert '<option value="surveys" selected>' in response.get_data(as_text=True)


def test_searching_by_dates_narrows_the_results_by_uk_days(admin):
    # 23:30 UTC on 30 June is already 1 July in London.
    add_event(datetime(2026, 6, 29, 12, 0, tzinfo=UTC), summary="Before")
    add_event(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), summary="Early on the first")
    add_event(datetime(2026, 7, 2, 22, 59, tzinfo=UTC), summary="Late on the second")
    add_event(datetime(2026, 7, 2, 23, 0, tzinfo=UTC), summary="After")

    page = text_of(admin.get("/admin/audit?since=1/7/2026&until=02/07/2026"))

    assert "Early on the first" in page
    assert "Late on the second" in page
    assert "Before" not in page
    assert "After" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=31/02/2026", "From date must be a real date, like 23/11/2026"),
        ("until=next+tuesday", "To date must be a real date, like 23/11/2026"),
        ("since=2/3/2026&until=1/3/2026", "To date must be the same as or after the from date"),
    ],
)
def test_a_bad_date_is_explained_not_crashed_on(admin, query, message):
    response = admin.get(f"/admin/audit?{query}")

    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    assert message in page


def test_results_come_fifty_a_page_with_links_that_keep_the_search(admin):
    for minute in range(55):
        add_event(datetime(2026, 3, 1, 9, minute, tzinfo=UTC), summary=f"Bulk event {minute}")

    first = admin.get("/admin/audit?text=Bulk+event")
    second = admin.get("/admin/audit?text=Bulk+event&page=2")

    assert "55 events, newest first (page 1 of 2)" in text_of(first)
    assert text_of(first).count("Bulk event") == 50
    assert 'href="/admin/audit?text=Bulk+event&amp;page=2"' in first.get_data(as_text=True)
    assert text_of(second).count("Bulk event") == 5
    assert "Bulk event 0 " in text_of(second)


def test_a_search_with_no_matches_says_so(admin):
    assert "No events match" in text_of(admin.get("/admin/audit?actor=nobody-at-all"))


@pytest.mark.parametrize("page", ["abc", "0", "999"])
def test_an_odd_page_number_does_not_fail(admin, page):
    assert admin.get(f"/admin/audit?page={page}").status_code == 200
