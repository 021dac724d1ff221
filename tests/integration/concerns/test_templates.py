"""Response templates: staff write, change and stop offering them, and start a "We did" from one
and the agencies' public lines."""

from __future__ import annotations

from sqlalchemy import select

from engage.auth.permissions import Role
from engage.concerns.models import ActionStatus, ConcernAction, ResponseTemplate
from engage.concerns.workflow import Status
from engage.core.models import ConcernCategory
from engage.extensions import db
from tests.concern_factories import category, concern
from tests.factories import agency
from tests.reading import text_of

LIST = "/concerns/manage/templates"


def template(**fields) -> ResponseTemplate:
    values = {"outcome": "action taken", "title": "Speed checks", "text": "Officers ran checks."}
    values.update(fields)
    made = ResponseTemplate(**values)
    db.session.add(made)
    db.session.commit()
    return made


def other_category() -> ConcernCategory:
    return db.session.scalar(
        select(ConcernCategory).where(ConcernCategory.id != category().id).limit(1)
    )


def test_staff_write_a_template_for_a_category_and_outcome(staff):
    assert staff.get(f"{LIST}/new").status_code == 200

    response = staff.submit(
        f"{LIST}/new",
        {
            "title": "Speed watch set up",
            "category": category().id,
            "outcome": "action taken",
            "text": "A community speed watch now runs here.",
        },
    )

    assert response.status_code == 302
    saved = db.session.scalar(select(ResponseTemplate))
    assert (saved.title, saved.category, saved.outcome, saved.active) == (
        "Speed watch set up",
        category(),
        "action taken",
        True,
    )
    listed = text_of(staff.get(LIST))
    assert "Speed watch set up" in listed and category().name in listed


def test_a_template_with_missing_parts_is_refused_and_keeps_what_was_typed(staff):
    response = staff.submit(
        f"{LIST}/new", {"title": "", "category": "", "outcome": "", "text": "Kept text"}
    )

    assert response.status_code == 400
    shown = text_of(response)
    assert "Give the template a title" in shown
    assert "Say what the outcome is" in shown
    assert "Kept text" in shown
    assert db.session.scalar(select(ResponseTemplate)) is None


def test_a_template_with_a_category_not_offered_is_refused(staff):
    response = staff.submit(
        f"{LIST}/new",
        {"title": "T", "category": "999999", "outcome": "action taken", "text": "Text"},
    )

    assert response.status_code == 400
    assert "Choose a category from the list" in text_of(response)


def test_staff_change_a_template(staff):
    made = template()
    page = staff.get(f"{LIST}/{made.id}")
    assert page.status_code == 200
    assert "Officers ran checks." in page.get_data(as_text=True)

    response = staff.submit(
        f"{LIST}/{made.id}",
        {"title": "Speed checks", "category": "", "outcome": "no further action", "text": "New"},
    )

    assert response.status_code == 302
    assert (made.outcome, made.text, made.category_id) == ("no further action", "New", None)


def test_a_template_can_stop_being_offered_and_be_offered_again(staff):
    made = template()

    staff.submit(f"{LIST}/{made.id}/active", {"active": "no"}, page=LIST)
    assert made.active is False
    assert "Not offered" in text_of(staff.get(LIST))

    staff.submit(f"{LIST}/{made.id}/active", {"active": "yes"}, page=LIST)
    assert made.active is True


def test_unknown_templates_are_404(staff):
    assert staff.get(f"{LIST}/999999").status_code == 404
    token = staff.csrf_token(LIST)
    response = staff.post(f"{LIST}/999999/active", data={"csrf_token": token, "active": "no"})
    assert response.status_code == 404


def test_only_staff_manage_templates(sign_in):
    assert sign_in(Role.PARTNER).get(LIST).status_code == 403
    assert sign_in(Role.PARISH).get(f"{LIST}/new").status_code == 403


# Starting a response from a template ---------------------------------------------------------


def test_the_response_starts_from_the_chosen_template_and_the_agencies_public_lines(staff):
    item = concern(status=Status.OPEN)
    item.actions += [
        ConcernAction(
            agency_id=agency().id, description="private", public_line="Six speed checks."
        ),
        ConcernAction(
            agency_id=agency("glos-county-council").id,
            description="private",
            public_line="New signs.",
            status=ActionStatus.CANCELLED,
        ),
    ]
    db.session.commit()
    chosen = template(category_id=category().id, text="We looked into it.")
    template(title="Other category", category_id=other_category().id)
    template(title="Retired", active=False)

    page = staff.get(f"/concerns/{item.id}/respond", query_string={"template": chosen.id})

    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    expected = "We looked into it.\n\nGloucestershire Constabulary: Six speed checks."
    assert f">{expected}</textarea>" in shown.replace("\r\n", "\n")
    assert "New signs." not in shown.split("<textarea")[1]  # a cancelled action says nothing
    assert "Other category" not in shown
    assert "Retired" not in shown
    assert "private" not in text_of(page).split("What the agencies say they did")[1]


def test_the_response_starts_from_the_public_lines_without_a_template(staff):
    item = concern(status=Status.OPEN)
    item.actions.append(
        ConcernAction(agency_id=agency().id, description="d", public_line="Patrols added.")
    )
    db.session.commit()

    shown = staff.get(f"/concerns/{item.id}/respond").get_data(as_text=True)

    assert ">Gloucestershire Constabulary: Patrols added.</textarea>" in shown
