"""Signing in and out in a real browser, as a keyboard user would."""

from __future__ import annotations

import re

import pytest

from engage.core.demo import DEMO_PASSWORD
from tests.e2e.pages import HomePage, LoginPage, expect

pytestmark = pytest.mark.e2e

STAFF = "staff@example.org"


def test_staff_signs_in_with_the_keyboard_and_the_home_page_says_so(page, assert_accessible):
    login = LoginPage(page).open()
    assert_accessible(page)

    home = login.sign_in(STAFF, DEMO_PASSWORD)

    expect(page).to_have_url("/")
    expect(home.signed_in_as).to_have_text("You are signed in as Sam Staff (OPCC staff).")
    expect(home.header.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)


def test_sign_out_in_the_header_returns_to_sign_in_and_says_so(page, assert_accessible):
    home = LoginPage(page).open().sign_in(STAFF, DEMO_PASSWORD)
    expect(home.signed_in_as).to_be_visible()

    login = home.sign_out()

    expect(login.heading).to_have_text("Sign in")
    expect(login.notification).to_contain_text("You have been signed out")
    expect(login.header.get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)
    expect(HomePage(page).open().signed_in_as).to_have_count(0)


def test_wrong_password_shows_an_error_summary_linking_to_the_field(page, assert_accessible):
    login = LoginPage(page).open().sign_in_expecting_error(STAFF, "not-the-password")

    expect(login.heading).to_have_text("Sign in")
    expect(login.error_summary).to_be_visible()
    expect(login.error_summary).to_be_focused()
    assert login.error_links() == [("Enter a correct email address and password", "#password")]
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert_accessible(page)

    login.error_summary.get_by_role("link").click()
    expect(login.password).to_be_focused()
