"""The pages staff and admins work in pass axe in a real browser, errors included."""

from __future__ import annotations

import pytest

from engage.core.demo import DEMO_PASSWORD
from tests.e2e.pages import LoginPage, expect

pytestmark = pytest.mark.e2e

ADMIN_PAGES = [
    ("/users", "Users"),
    ("/users/invite", "Invite a person"),
    ("/account", "Your account"),
    ("/account/password", "Change your password"),
    ("/admin/reference", "Reference data"),
    ("/admin/reference/areas", None),
    ("/admin/reference/agencies/new", None),
    ("/admin/audit", "Audit log"),
]


def test_every_admin_page_is_accessible(page, assert_accessible):
    LoginPage(page).open().sign_in("admin@example.org", DEMO_PASSWORD)
    for path, heading in ADMIN_PAGES:
        response = page.goto(path)
        assert response and response.status == 200, path
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)


def test_an_invitation_with_mistakes_is_explained_and_accessible(page, assert_accessible):
    LoginPage(page).open().sign_in("staff@example.org", DEMO_PASSWORD)
    page.goto("/users/invite")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_label("Partner responder").check()
    page.get_by_role("button", name="Send invitation").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter an email address in the correct format")
    expect(summary).to_contain_text("Enter the person's full name")
    expect(page.get_by_label("Email address")).to_have_value("not an email")
    assert_accessible(page)


def test_the_forgotten_password_page_is_accessible(page, assert_accessible):
    page.goto("/password/forgot")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)
