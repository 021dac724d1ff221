"""Admins keep the reference data: areas, agencies, concern categories and plan priorities."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage.auth.permissions import Role
from engage.core.models import Agency, Area, AreaKind, ConcernCategory, PlanPriority
from engage.extensions import db
from tests.factories import agency
from tests.reading import text_of


def area(code: str) -> Area:
    return db.session.scalar(select(Area).where(Area.code == code))


@pytest.fixture
def admin(sign_in):
    return sign_in(Role.ADMIN)


def edit_police(admin, **changes):
    """Post the police agency's edit form: its current values, with `changes`."""
    police = agency()
    values = {
        "name": police.name,
        "kind": police.kind.value,
        "area": str(police.area_id or ""),
        "email": police.email or "",
        "active": "y",
    }
    return admin.submit(f"/admin/reference/agencies/{police.id}", values | changes)


def edit_area(admin, code: str, **fields):
    """Post an area's edit form with just `fields` ('In use' is unticked unless active="y")."""
    return admin.submit(f"/admin/reference/areas/{area(code).id}", fields)


def test_index_lists_the_four_kinds_with_counts(admin):
    page = text_of(admin.get("/admin/reference"))

    assert "Areas The county, its districts, and parishes and towns. 33" in page
    assert "Agencies" in page
    assert "Concern categories" in page
    assert "Plan priorities" in page


def test_admin_renames_an_agency_and_sees_the_new_name_in_the_list(admin):
    response = edit_police(admin, name="Gloucestershire Police")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/reference/agencies"
    listing = admin.get("/admin/reference/agencies")
    assert "Your changes to Gloucestershire Police are saved." in text_of(listing)
    assert "Gloucestershire Police Police Gloucestershire glos-police In use" in text_of(listing)
    assert "Gloucestershire Constabulary" not in text_of(listing)


def test_edit_form_shows_the_current_values_and_the_code_read_only(admin):
    police = agency()

    page = admin.get(f"/admin/reference/agencies/{police.id}").get_data(as_text=True)

    assert 'value="Gloucestershire Constabulary"' in page
    assert "glos-police" in page
    assert 'name="code"' not in page


def test_the_code_cannot_be_changed_after_creation(admin):
    edit_police(admin, code="new-code")

    assert agency("glos-police") is not None


def test_admin_creates_a_parish_under_a_district(admin):
    stroud = area("stroud")

    response = admin.submit(
        "/admin/reference/areas/new",
        {
            "code": "minchinhampton",
            "name": "Minchinhampton",
            "kind": "parish",
            "parent": str(stroud.id),
            "council_name": "Minchinhampton Parish Council",
            "active": "y",
        },
    )

    assert response.status_code == 302
    parish = area("minchinhampton")
    assert (parish.kind, parish.parent, parish.active) == (AreaKind.PARISH, stroud, True)
    listing = text_of(admin.get("/admin/reference/areas"))
    assert "Minchinhampton is added to areas." in listing
    assert "Minchinhampton Parish or town Stroud minchinhampton" in listing


def test_areas_are_listed_county_then_each_district_with_its_parishes(admin):
    listing = text_of(admin.get("/admin/reference/areas"))

    order = [
        listing.index(name)
        for name in ("Gloucestershire County", "Cheltenham District", "Prestbury", "Cotswold")
    ]
    assert order == sorted(order)


def test_a_parish_needs_a_district(admin):
    response = admin.submit(
        "/admin/reference/areas/new",
        {"code": "nowhere", "name": "Nowhere", "kind": "parish", "parent": "", "active": "y"},
    )

    assert response.status_code == 400
    assert "Choose the district this parish or town is in" in text_of(response)
    assert area("nowhere") is None


def test_a_duplicate_code_is_refused_and_what_was_typed_is_kept(admin):
    response = admin.submit(
        "/admin/reference/categories/new",
        {"code": "asb", "name": "Nuisance neighbours", "description": "Noise at night"},
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "The code asb is already used by Anti-social behaviour. Choose another code." in page
    assert 'value="Nuisance neighbours"' in page
    assert "Noise at night</textarea>" in page
    assert page.count("<title>Error: ") == 1


def test_a_badly_formed_code_is_refused(admin):
    response = admin.submit(
        "/admin/reference/categories/new", {"code": "Rural Crime!", "name": "Rural"}
    )

    assert response.status_code == 400
    assert "lowercase letters, digits and single hyphens" in text_of(response)


def test_an_empty_name_is_refused_with_its_message(admin):
    response = edit_police(admin, name="")

    assert response.status_code == 400
    assert "Enter the agency's name" in text_of(response)
    assert agency().name == "Gloucestershire Constabulary"


def test_a_retired_category_is_still_listed_with_its_tag(admin):
    fraud = db.session.scalar(select(ConcernCategory).where(ConcernCategory.code == "fraud"))

    admin.submit(
        f"/admin/reference/categories/{fraud.id}",
        {"name": fraud.name, "description": fraud.description},  # "In use" left unticked
    )

    listing = text_of(admin.get("/admin/reference/categories"))
    assert re.search(r"Fraud and scams .* fraud Retired", listing)
    assert "(1 retired)" in text_of(admin.get("/admin/reference"))


def test_a_district_with_parishes_in_use_cannot_be_retired(admin):
    response = edit_area(admin, "stroud", name="Stroud", kind="district", gss_code="E07000082")

    assert response.status_code == 400
    assert "Move or retire them before retiring the district" in text_of(response)
    assert area("stroud").active


def test_a_priority_number_already_in_use_is_refused(admin):
    response = admin.submit(
        "/admin/reference/priorities/new",
        {"code": "roads", "number": "2", "title": "Safer roads", "active": "y"},
    )

    assert response.status_code == 400
    assert "Priority 2 is already" in text_of(response)
    assert db.session.scalar(select(PlanPriority).where(PlanPriority.code == "roads")) is None


def test_the_county_keeps_its_kind_when_edited(admin):
    response = edit_area(
        admin, "gloucestershire", name="Gloucestershire", gss_code="e10000013", active="y"
    )

    assert response.status_code == 302
    county = area("gloucestershire")
    assert (county.kind, county.parent) == (AreaKind.COUNTY, None)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reference/widgets",
        "/admin/reference/widgets/new",
        "/admin/reference/widgets/1",
        "/admin/reference/areas/999999",
    ],
)
def test_an_unknown_kind_or_record_is_not_found(admin, url):
    assert admin.get(url).status_code == 404


def test_the_id_of_a_record_of_another_kind_is_not_found(admin):
    priority_ids = set(db.session.scalars(select(PlanPriority.id)))
    agency_id = next(
        record_id
        for record_id in db.session.scalars(select(Agency.id))
        if record_id not in priority_ids
    )

    assert admin.get(f"/admin/reference/agencies/{agency_id}").status_code == 200
    assert admin.get(f"/admin/reference/priorities/{agency_id}").status_code == 404
