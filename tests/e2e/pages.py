"""Page objects: what a person sees and does on each page, so tests read in their words."""

from __future__ import annotations

import os

import pytest

# The one place the browser tests import Playwright from, so a venv without it skips them.
try:
    from playwright.sync_api import Locator, Page, expect
except ImportError as error:  # CI must never skip the browser tests
    if os.environ.get("CI", "").lower() == "true":
        raise
    pytest.skip(f"Playwright is not installed ({error}): run make setup", allow_module_level=True)

__all__ = ["ErrorPage", "HomePage", "LayoutPage", "LoginPage", "expect"]


class LayoutPage:
    """What every page shares: the header with its navigation, the main area, the footer."""

    def __init__(self, page: Page):
        self.page = page
        self.header = page.get_by_role("banner")
        self.main = page.get_by_role("main")
        self.footer = page.get_by_role("contentinfo")

    @property
    def heading(self) -> Locator:
        return self.main.get_by_role("heading", level=1)

    @property
    def notification(self) -> Locator:
        """The banner that confirms what just happened (GOV.UK notification banner)."""
        return self.main.locator(".govuk-notification-banner")

    def footer_link(self, text: str) -> Locator:
        return self.footer.get_by_role("link", name=text)

    def sign_out(self) -> LoginPage:
        """Press the Sign out button in the header navigation."""
        self.header.get_by_role("button", name="Sign out").click()
        return LoginPage(self.page)


class HomePage(LayoutPage):
    """The front door at /."""

    def open(self) -> HomePage:
        self.page.goto("/")
        return self

    @property
    def signed_in_as(self) -> Locator:
        return self.main.get_by_text("You are signed in as")


class LoginPage(LayoutPage):
    """Sign in at /login."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.email = page.get_by_label("Email address", exact=True)
        self.password = page.get_by_label("Password", exact=True)
        self.error_summary = page.locator(".govuk-error-summary")

    def open(self) -> LoginPage:
        self.page.goto("/login")
        return self

    def sign_in_with_keyboard(self, email: str, password: str) -> None:
        """Type the details and press Enter, as a keyboard user would."""
        self.email.fill(email)
        self.password.fill(password)
        self.password.press("Enter")

    def sign_in(self, email: str, password: str) -> HomePage:
        self.sign_in_with_keyboard(email, password)
        return HomePage(self.page)

    def sign_in_expecting_error(self, email: str, password: str) -> LoginPage:
        self.sign_in_with_keyboard(email, password)
        return LoginPage(self.page)

    def error_links(self) -> list[tuple[str, str | None]]:
        """Each message in the error summary with the place its link goes to."""
        return [
            (link.inner_text().strip(), link.get_attribute("href"))
            for link in self.error_summary.get_by_role("link").all()
        ]


class ErrorPage(LayoutPage):
    """An error page such as 'Page not found', drawn inside the layout."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.status: int | None = None

    def open(self, path: str) -> ErrorPage:
        response = self.page.goto(path)
        self.status = response.status if response else None
        return self
