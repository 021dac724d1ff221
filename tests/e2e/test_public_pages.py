"""Pages anyone can see: the home page and the error pages, inside the layout."""

from __future__ import annotations

import pytest

from tests.e2e.pages import ErrorPage, HomePage, expect

pytestmark = pytest.mark.e2e


def test_home_page_welcomes_visitors_and_offers_sign_in(page, assert_accessible):
    home = HomePage(page).open()

    expect(home.heading).to_have_text("Engage")
    expect(home.main.get_by_role("link", name="Sign in")).to_be_visible()
    expect(home.header.get_by_role("link", name="Sign in")).to_be_visible()
    expect(home.signed_in_as).to_have_count(0)
    assert_accessible(page)


def test_home_page_scripts_run_under_the_content_security_policy(page, console_errors):
    HomePage(page).open()
    page.wait_for_load_state("networkidle")

    # body-classes.js and GOV.UK Frontend (a module) both ran: neither was refused.
    expect(page.locator("body")).to_contain_class("js-enabled govuk-frontend-supported")
    assert console_errors == [], "console errors on the home page:\n" + "\n".join(console_errors)


def test_missing_page_shows_not_found_inside_the_layout(page, assert_accessible):
    error = ErrorPage(page).open("/nope")

    assert error.status == 404
    expect(error.heading).to_have_text("Page not found")
    expect(error.header.get_by_role("link", name="Engage", exact=True)).to_be_visible()
    expect(error.footer_link("Accessibility statement")).to_have_attribute("href", "/accessibility")
    expect(error.footer_link("Privacy notice")).to_have_attribute("href", "/privacy")
    assert_accessible(page)

    error.footer_link("Accessibility statement").click()
    expect(page).to_have_url("/accessibility")
