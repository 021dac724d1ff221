"""The case page and the staff queue: who may read a concern's private details, and what staff
see is due and overdue."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engage.auth.permissions import Role
from engage.concerns.models import ConcernAction
from engage.concerns.queue import PAGE_SIZE
from engage.concerns.workflow import Status
from engage.core.audit import AuditEvent
from engage.core.dates import today
from engage.core.models import Area, AreaKind
from engage.extensions import db
from tests.concern_factories import concern
from tests.factories import agency, parishes
from tests.reading import text_of

RAISER = {
    "raiser_name": "Ann Example",
    "raiser_email": "ann@resident.example",
    "raiser_phone": "07700 900123",
    "consent_contact": False,  # True would mail at triage, which the factory makes outside a request
}


def url(item) -> str:
    return f"/concerns/{item.id}"


# Who may read a concern ---------------------------------------------------------------------


def test_staff_see_everything_about_a_concern(staff):
    item = concern(status=Status.OPEN, **RAISER)

    response = staff.get(url(item))

    assert response.status_code == 200
    shown = text_of(response)
    for private in ("Ann Example", "ann@resident.example", "07700 900123", item.raised_text):
        assert private in shown
    assert "Service promise" in shown and "Acknowledgement" in shown
    assert "Updates" in shown and "Triage" in shown
    assert f"<title>{item.reference} \N{EN DASH} " in response.get_data(as_text=True)


def test_reading_a_concern_is_audited(staff):
    item = concern(**RAISER)

    staff.get(url(item))

    reads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "read", AuditEvent.record_id == str(item.id))
    )
    assert [event.actor for event in reads] == [staff.user.email]


def test_a_clerk_reads_their_parishes_concerns_and_gets_404_for_another_parish(sign_in):
    mine, theirs = parishes()
    clerk = sign_in(Role.PARISH, parishes=[mine])
    own = concern(mine, **RAISER)
    other = concern(theirs, **RAISER)

    response = clerk.get(url(own))
    assert response.status_code == 200
    shown = text_of(response)
    assert "ann@resident.example" in shown
    assert "What can be done next" not in shown  # staff moves are not offered

    refused = clerk.get(url(other))
    assert refused.status_code == 404
    assert "ann@resident.example" not in refused.get_data(as_text=True)
    assert other.reference not in refused.get_data(as_text=True)


def test_a_partner_reads_only_concerns_their_agency_is_involved_in(sign_in):
    police = sign_in(Role.PARTNER, agency=agency("glos-police"))
    county = sign_in(Role.PARTNER, agency=agency("glos-county-council"))
    fire = sign_in(Role.PARTNER, agency=agency("glos-fire"))
    led = concern(status=Status.OPEN)  # the police lead
    acted = concern(status=Status.OPEN)
    acted.actions.append(
        ConcernAction(agency_id=agency("glos-county-council").id, description="Resurface")
    )
    db.session.commit()

    assert police.get(url(led)).status_code == 200
    assert county.get(url(led)).status_code == 404
    assert county.get(url(acted)).status_code == 200
    assert fire.get(url(acted)).status_code == 404
    assert fire.get(url(concern())).status_code == 404  # new: no agency yet


def test_a_concern_referred_to_an_agency_can_be_read_by_its_partners(sign_in, staff):
    item = concern(status=Status.OPEN)
    county = sign_in(Role.PARTNER, agency=agency("glos-county-council"))
    assert county.get(url(item)).status_code == 404

    staff.submit(
        f"{url(item)}/refer",
        {
            "version": item.version,
            "agency": agency("glos-county-council").id,
            "handed_over": "Road data",
        },
    )

    assert county.get(url(item)).status_code == 200


def test_residents_and_volunteers_cannot_reach_a_case_page(client, sign_in):
    item = concern()

    assert client.get(url(item)).status_code == 302  # asked to sign in
    assert sign_in(Role.VOLUNTEER).get(url(item)).status_code == 403


def test_an_unknown_concern_is_404(staff):
    assert staff.get("/concerns/999999").status_code == 404


def test_the_case_page_counts_the_merged_originals(staff):
    survivor = concern()
    concern(status=Status.MERGED, given={"merge": {"merge_into": survivor.id}})
    concern(status=Status.MERGED, given={"merge": {"merge_into": survivor.id}})

    shown = text_of(staff.get(url(survivor)))

    assert "Raised by 3 residents by phone" in shown
    assert "Duplicates merged into this one" in shown


def test_other_staff_see_every_version_but_followers_only_the_published_one(staff, sign_in):
    item = concern(status=Status.PUBLISHED)
    clerk = sign_in(Role.PARISH, parishes=[item.parish])

    assert "Signed-off versions" in text_of(staff.get(url(item)))
    shown = text_of(clerk.get(url(item)))
    assert "Signed-off versions" not in shown
    assert "Published on" in shown


# The queue ----------------------------------------------------------------------------------


def queue(client, **filters):
    return client.get("/concerns/manage", query_string=filters)


def test_the_queue_lists_new_concerns_oldest_first_then_those_in_hand(staff):
    newer = concern(today=today() - timedelta(days=1))
    older = concern(today=today() - timedelta(days=3))
    in_hand = concern(status=Status.OPEN)
    done = concern(status=Status.CLOSED)

    response = queue(staff)

    assert response.status_code == 200
    shown = text_of(response)
    assert shown.index("To triage") < shown.index(older.reference) < shown.index(newer.reference)
    assert shown.index(newer.reference) < shown.index("In hand") < shown.index(in_hand.reference)
    assert done.reference not in shown


def test_the_queue_highlights_what_is_overdue_and_due_soon(staff):
    late = concern(today=today() - timedelta(days=30))
    fresh = concern()

    shown = text_of(queue(staff))

    late_row = shown[shown.index(late.reference) : shown.index(fresh.reference)]
    assert "Overdue by" in late_row
    assert "Due soon: 2 working days left" in shown[shown.index(fresh.reference) :]
    assert "1 overdue" in shown
    assert "1 due within 2 working days" in shown
    overdue_only = text_of(queue(staff, due="overdue"))
    assert late.reference in overdue_only
    assert fresh.reference not in overdue_only


def test_the_queue_filters_by_status_district_agency_and_owner(staff, sign_in):
    mine = concern(status=Status.OPEN, actor=staff.user)
    someone_elses = concern(status=Status.OPEN)
    district = mine.parish.parent
    elsewhere_parish = db.session.scalar(
        select(Area).where(Area.kind == AreaKind.PARISH, Area.parent_id != district.id)
    )
    elsewhere = concern(elsewhere_parish)

    by_owner = text_of(queue(staff, owner="me"))
    assert mine.reference in by_owner and someone_elses.reference not in by_owner

    by_district = text_of(queue(staff, district=district.id))
    assert mine.reference in by_district and elsewhere.reference not in by_district

    by_status = text_of(queue(staff, status="new"))
    assert elsewhere.reference in by_status and mine.reference not in by_status

    by_agency = text_of(queue(staff, lead_agency=agency("glos-county-council").id))
    assert mine.reference not in by_agency


def test_the_queue_pages_and_keeps_its_filters(staff):
    made = [concern() for _ in range(PAGE_SIZE + 1)]

    first = queue(staff, status="new")
    second = queue(staff, status="new", page=2)

    assert first.status_code == second.status_code == 200
    assert "page 1 of 2" in text_of(first)
    assert "status=new&amp;page=2" in first.get_data(as_text=True)
    assert made[-1].reference in text_of(second)


def test_a_bad_filter_is_refused_with_a_message(staff):
    response = queue(staff, status="lost", district="abc")

    assert response.status_code == 400
    shown = text_of(response)
    assert "Choose a status from the list" in shown
    assert "Choose a district from the list" in shown


def test_only_staff_see_the_queue(sign_in):
    assert sign_in(Role.PARISH).get("/concerns/manage").status_code == 403
    assert sign_in(Role.PARTNER).get("/concerns/manage").status_code == 403
