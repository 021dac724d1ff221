"""Staff plan and record roadshows and capture the many concerns raised at one on one page."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from engage.auth.permissions import Role
from engage.concerns import capture
from engage.concerns.models import Concern, ConcernSource, Roadshow, RoadshowStatus
from engage.concerns.services import ConcernError
from engage.core.dates import today
from engage.core.models import Area, AreaKind
from engage.extensions import db
from tests.concern_factories import concern, roadshow
from tests.factories import parishes
from tests.reading import text_of

ROADSHOWS = "/concerns/manage/roadshows"
REFERENCE = re.compile(r"C-\d{4}-\d{5}")


def district() -> Area:
    return db.session.scalar(select(Area).where(Area.kind == AreaKind.DISTRICT).order_by(Area.name))


def roadshow_values(**changes) -> dict:
    day = today() + timedelta(days=14)
    first, second = parishes()
    values = {
        "title": "Valley roadshow",
        "held_on": [str(day.day), str(day.month), str(day.year)],
        "starts_at": "6.30pm",
        "venue": "Village hall",
        "area": str(first.id),
        "hosts": [str(first.id), str(second.id)],
        "status": "planned",
        "attendance": "",
        "notes": "Bring the banner",
    }
    return values | changes


def concerns_at(show: Roadshow) -> list[Concern]:
    return list(db.session.scalars(select(Concern).where(Concern.roadshow_id == show.id)))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Concern))


def capture_url(show: Roadshow) -> str:
    return f"{ROADSHOWS}/{show.id}/capture"


def row(index: int, **fields) -> dict:
    """A row of the capture page, as the form names its fields."""
    return {f"rows-{index}-{name}": value for name, value in fields.items()}


def blank_rows(show: Roadshow, count: int = 10) -> dict:
    default = str(show.area.id)
    values = {}
    for index in range(count):
        values |= row(index, parish=default, raised_text="", raiser_name="", contact="")
    return values


# Planning and recording ---------------------------------------------------------------------


def test_staff_plan_a_roadshow(staff):
    response = staff.submit(f"{ROADSHOWS}/new", roadshow_values())
    assert response.status_code == 302
    saved = db.session.scalar(select(Roadshow).where(Roadshow.title == "Valley roadshow"))
    assert saved.starts_at == time(18, 30)
    assert saved.status is RoadshowStatus.PLANNED
    assert {host.id for host in saved.hosts} == {parish.id for parish in parishes()}
    assert response.headers["Location"].endswith(f"{ROADSHOWS}/{saved.id}")
    page = text_of(staff.get(ROADSHOWS))
    assert "Upcoming" in page and "Valley roadshow" in page


def test_a_roadshow_can_be_held_across_a_whole_district(staff):
    response = staff.submit(f"{ROADSHOWS}/new", roadshow_values(area=str(district().id)))
    assert response.status_code == 302
    saved = db.session.scalar(select(Roadshow).where(Roadshow.title == "Valley roadshow"))
    assert saved.area.kind is AreaKind.DISTRICT


def test_recording_that_it_was_held_with_the_attendance(staff):
    show = roadshow(held_on=today() - timedelta(days=1), status=RoadshowStatus.PLANNED)
    url = f"{ROADSHOWS}/{show.id}"
    page = staff.get(url)
    assert show.title in text_of(page)
    day = show.held_on
    values = roadshow_values(
        title=show.title,
        held_on=[str(day.day), str(day.month), str(day.year)],
        area=str(show.area_id),
        hosts=[str(show.area_id)],
        status="held",
        attendance="1,204",
    )
    assert staff.submit(url, values).status_code == 302
    db.session.refresh(show)
    assert (show.status, show.attendance) == (RoadshowStatus.HELD, 1204)
    listed = text_of(staff.get(ROADSHOWS))
    assert "Past and cancelled" in listed and "1,204" in listed


def _date(day):
    return [str(day.day), str(day.month), str(day.year)]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": " "}, "Enter the roadshow's title"),
        ({"title": "t" * 201}, "Keep the title to 200 characters"),
        ({"held_on": ["", "", ""]}, "Enter the date of the roadshow"),
        ({"held_on": ["30", "2", "2026"]}, "Date must be a real date"),
        ({"starts_at": "25:00"}, "Enter a start time, like 18:30 or 6.30pm"),
        ({"venue": ""}, "Enter the venue"),
        ({"area": ""}, "Choose the parish or district where it is held"),
        ({"area": "-1"}, "Choose the parish or district where it is held"),
        ({"hosts": ["abc"]}, "Choose the hosting councils from the list"),
        ({"status": "postponed"}, "Not a valid choice"),
        ({"status": "held"}, "cannot have been held on a date in the future"),
        ({"attendance": "lots"}, "Enter the attendance as a whole number"),
        ({"attendance": "40"}, "Record the attendance once the roadshow is held"),
    ],
)
def test_bad_input_on_the_roadshow_form_is_refused_and_kept(staff, changes, message):
    before = db.session.scalar(select(func.count()).select_from(Roadshow))
    page = staff.submit(f"{ROADSHOWS}/new", roadshow_values(**changes))
    assert page.status_code == 400
    assert message in text_of(page)
    assert "Bring the banner" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Roadshow)) == before


def test_a_roadshow_with_concerns_cannot_be_cancelled_or_moved(staff):
    show = roadshow(held_on=today() - timedelta(days=3))
    concern(show.area, source=ConcernSource.ROADSHOW, roadshow_id=show.id, raised_on=show.held_on)
    url = f"{ROADSHOWS}/{show.id}"
    base = roadshow_values(
        title=show.title, held_on=_date(show.held_on), area=str(show.area_id), status="held"
    )
    cancelled = staff.submit(url, base | {"status": "cancelled"})
    assert cancelled.status_code == 400
    assert "1 concern was captured at this roadshow, so it cannot be cancelled" in text_of(
        cancelled
    )
    moved = staff.submit(url, base | {"held_on": _date(show.held_on - timedelta(days=1))})
    assert moved.status_code == 400
    assert "so the date cannot change" in text_of(moved)
    db.session.refresh(show)
    assert show.status is RoadshowStatus.HELD


def test_an_unknown_roadshow_is_not_found(staff):
    assert staff.get(f"{ROADSHOWS}/999999").status_code == 404
    assert staff.get(f"{ROADSHOWS}/999999/capture").status_code == 404


# Fast capture -------------------------------------------------------------------------------


def test_the_capture_page_starts_with_ten_rows_set_to_the_host_parish(staff):
    show = roadshow()
    html = staff.get(capture_url(show)).get_data(as_text=True)
    assert len(re.findall(r'name="rows-\d+-raised_text"', html)) == 10
    chosen = re.findall(rf'<option value="{show.area.id}" selected>', html)
    assert len(chosen) == 10


def test_many_concerns_are_captured_in_one_go(staff):
    show = roadshow(held_on=today() - timedelta(days=2))
    other = parishes()[1]
    values = blank_rows(show)
    values |= row(0, raised_text="Speeding on the High Street", contact="01632 960 001")
    values["rows-0-consent_contact"] = "y"
    values |= row(2, raised_text="Parking on the zigzags at school time", raiser_name="Kim")
    values["rows-2-consent_publish"] = "y"
    values |= row(
        5,
        parish=str(other.id),
        raised_text="Drug dealing near the park",
        contact="kim@resident.example",
    )
    before = count()
    response = staff.submit(capture_url(show), values)
    assert response.status_code == 302, text_of(response)
    assert count() == before + 3
    saved = sorted(concerns_at(show), key=lambda c: c.id)
    assert [c.raised_text for c in saved] == [
        "Speeding on the High Street",
        "Parking on the zigzags at school time",
        "Drug dealing near the park",
    ]
    assert all(c.source is ConcernSource.ROADSHOW and c.raised_on == show.held_on for c in saved)
    assert all(REFERENCE.fullmatch(c.reference) for c in saved)
    assert (saved[0].raiser_phone, saved[0].consent_contact, saved[0].consent_publish) == (
        "01632 960 001",
        True,
        False,
    )
    assert (saved[1].raiser_name, saved[1].consent_publish) == ("Kim", True)
    assert (saved[2].parish_id, saved[2].raiser_email) == (other.id, "kim@resident.example")
    assert saved[0].logged_by_id == staff.user.id
    shown = staff.get(f"{ROADSHOWS}/{show.id}")
    page = text_of(shown)
    assert f"3 concerns are captured: {saved[0].reference} to {saved[2].reference}" in page
    assert "3 concerns captured here" in page
    html = shown.get_data(as_text=True)
    assert f'href="/concerns/{saved[0].id}"' in html
    assert f'href="/concerns/roadshows/{show.id}/bulletin"' in html


def test_one_bad_row_refuses_them_all_with_numbered_errors(staff):
    show = roadshow()
    values = blank_rows(show)
    values |= row(0, raised_text="Speeding on the High Street")
    values |= row(3, raised_text="", raiser_name="Only a name")
    values |= row(6, raised_text="Vans parked on the pavement", contact="not a contact")
    values |= row(7, raised_text="Call me about the bus shelter")
    values["rows-7-consent_contact"] = "y"
    before = count()
    page = staff.submit(capture_url(show), values)
    assert page.status_code == 400
    assert count() == before
    shown = text_of(page)
    assert "Row 4: Say what was raised" in shown
    assert "Row 7: Enter an email address or a phone number" in shown
    assert "Row 8: Give an email address or phone number" in shown
    assert "Row 1:" not in shown
    html = page.get_data(as_text=True)
    for kept in ("Speeding on the High Street", "Only a name", "not a contact", "bus shelter"):
        assert kept in html
    assert 'href="#rows-3-raised_text"' in html


def test_a_refusal_from_the_service_is_shown_on_its_row(staff, monkeypatch):
    show = roadshow()
    real = capture.log_concern
    calls = []

    def refuse_the_second(**values):
        calls.append(values)
        if len(calls) == 2:
            raise ConcernError("Choose the parish the concern is about", field="parish")
        return real(**values)

    monkeypatch.setattr(capture, "log_concern", refuse_the_second)
    values = blank_rows(show)
    values |= row(0, raised_text="Speeding on the High Street")
    values |= row(4, raised_text="Litter at the bus station")
    before = count()
    page = staff.submit(capture_url(show), values)
    assert page.status_code == 400
    assert "Row 5: Choose the parish the concern is about" in text_of(page)
    assert count() == before


def test_add_more_rows_keeps_what_was_typed(staff):
    show = roadshow()
    values = blank_rows(show) | row(1, raised_text="Speeding on the High Street")
    values["add_rows"] = "Add more rows"
    page = staff.submit(capture_url(show), values)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert len(re.findall(r'name="rows-\d+-raised_text"', html)) == 20
    assert "Speeding on the High Street" in html
    assert not concerns_at(show)


def test_an_all_blank_page_asks_for_one_concern(staff):
    show = roadshow()
    page = staff.submit(capture_url(show), blank_rows(show))
    assert page.status_code == 400
    assert "Row 1: Fill in at least one concern" in text_of(page)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"parish": "nowhere"}, "Row 1: Choose the parish or town"),
        ({"raised_text": "x" * 5001}, "Row 1: Keep it to 5,000 characters or fewer"),
        ({"raiser_name": "n" * 201}, "Row 1: Keep the name to 200 characters"),
        ({"contact": "someone@"}, "Row 1: Enter an email address in the correct format"),
    ],
)
def test_bad_input_in_a_row_is_refused(staff, fields, message):
    show = roadshow()
    values = blank_rows(show) | row(0, **({"raised_text": "Speeding"} | fields))
    page = staff.submit(capture_url(show), values)
    assert page.status_code == 400
    assert message in text_of(page)


def test_concerns_cannot_be_captured_at_a_cancelled_or_future_roadshow(staff):
    cancelled = roadshow(status=RoadshowStatus.CANCELLED)
    future = roadshow(held_on=today() + timedelta(days=5), status=RoadshowStatus.PLANNED)
    for show, message in ((cancelled, "was cancelled"), (future, "from the day of the roadshow")):
        assert message in text_of(staff.get(capture_url(show)))
        values = blank_rows(show) | row(0, raised_text="Speeding on the High Street")
        response = staff.submit(capture_url(show), values)
        assert response.status_code == 409
        assert not concerns_at(show)


@pytest.mark.parametrize("role", [Role.PARISH, Role.PARTNER, Role.VOLUNTEER])
def test_only_the_office_runs_roadshows(sign_in, role):
    show = roadshow()
    client = sign_in(role)
    for url in (ROADSHOWS, f"{ROADSHOWS}/new", f"{ROADSHOWS}/{show.id}", capture_url(show)):
        assert client.get(url).status_code == 403
