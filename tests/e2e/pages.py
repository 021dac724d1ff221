"""Page objects: what a person sees and does on each page, so tests read in their words."""

from __future__ import annotations

import os
import re

import pytest

# The one place the browser tests import Playwright from, so a venv without it skips them.
try:
    from playwright.sync_api import Locator, Page, expect
except ImportError as error:  # CI must never skip the browser tests
    if os.environ.get("CI", "").lower() == "true":
        raise
    pytest.skip(f"Playwright is not installed ({error}): run make setup", allow_module_level=True)

__all__ = [
    "CheckAnswersPage",
    "ConfirmationPage",
    "ErrorPage",
    "HomePage",
    "LayoutPage",
    "LoginPage",
    "QuestionPage",
    "ResumePage",
    "SavedPage",
    "SurveyStartPage",
    "expect",
    "tab_to",
]

TAB_LIMIT = 80  # more Tab presses than any page has stops: a target never reached is a bug


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


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as a keyboard user moves through a page."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def press_enter_and_wait(page: Page) -> None:
    """Press Enter on what has the focus and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


class SurveyStartPage(LayoutPage):
    """A wave's start page at /surveys/<wave_code>/, with its privacy notice."""

    def open(self, wave_code: str) -> SurveyStartPage:
        self.page.goto(f"/surveys/{wave_code}/")
        return self

    @property
    def start_button(self) -> Locator:
        return self.main.get_by_role("button", name="Start now")

    def start_with_keyboard(self) -> QuestionPage:
        tab_to(self.page, self.start_button)
        press_enter_and_wait(self.page)
        return QuestionPage(self.page)


class QuestionPage(LayoutPage):
    """One question a page: radios, checkboxes, a number or a comment, answered by keyboard."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.error_summary = page.locator(".govuk-error-summary")
        self.back_link = page.get_by_role("link", name="Back")

    @property
    def progress(self) -> Locator:
        return self.main.get_by_text(re.compile(r"^Question \d+ of \d+$"))

    def choose(self, label: str) -> QuestionPage:
        """Tab into the radios, then move to `label` with the arrow keys (Space on the first)."""
        radios = self.main.get_by_role("radio")
        labels = [
            radio.evaluate("element => element.labels[0].innerText.trim()")
            for radio in radios.all()
        ]
        index = labels.index(label)
        tab_to(self.page, radios.first)
        for _ in range(index):
            self.page.keyboard.press("ArrowDown")
        if index == 0:
            self.page.keyboard.press("Space")
        expect(self.main.get_by_role("radio", name=label, exact=True)).to_be_checked()
        return self

    def tick(self, *labels: str) -> QuestionPage:
        """Tab to each checkbox in turn (in page order) and press Space."""
        for label in labels:
            box = self.main.get_by_role("checkbox", name=label, exact=True)
            tab_to(self.page, box)
            self.page.keyboard.press("Space")
            expect(box).to_be_checked()
        return self

    def type_answer(self, text: str) -> QuestionPage:
        """Tab to the text box or number field and type."""
        field = self.main.locator("#answer")
        tab_to(self.page, field)
        self.page.keyboard.type(text)
        return self

    def continue_with_keyboard(self) -> None:
        tab_to(self.page, self.main.get_by_role("button", name="Continue"))
        press_enter_and_wait(self.page)

    def save_with_keyboard(self) -> SavedPage:
        tab_to(self.page, self.main.get_by_role("button", name="Save and come back later"))
        press_enter_and_wait(self.page)
        return SavedPage(self.page)


class CheckAnswersPage(LayoutPage):
    """Check your answers, with a Change link for each question."""

    def answer_to(self, question: str) -> Locator:
        row = self.main.locator(".govuk-summary-list__row").filter(has_text=question)
        return row.locator(".govuk-summary-list__value")

    def submit_with_keyboard(self) -> ConfirmationPage:
        tab_to(self.page, self.main.get_by_role("button", name="Submit"))
        press_enter_and_wait(self.page)
        return ConfirmationPage(self.page)


class ConfirmationPage(LayoutPage):
    """The GOV.UK confirmation panel once the answers are sent."""

    @property
    def panel(self) -> Locator:
        return self.main.locator(".govuk-panel")


class SavedPage(LayoutPage):
    """The resume code, shown once, with how to come back."""

    @property
    def resume_code(self) -> str:
        match = re.search(
            r"[2-9A-Z]{5}-[2-9A-Z]{5}", self.main.locator(".govuk-panel").inner_text()
        )
        assert match, "no resume code on the page"
        return match.group(0)


class ResumePage(LayoutPage):
    """Enter a resume code at /surveys/resume."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.code = page.get_by_label("Resume code")
        self.error_summary = page.locator(".govuk-error-summary")

    def open(self) -> ResumePage:
        self.page.goto("/surveys/resume")
        return self

    def resume_with_keyboard(self, code: str) -> QuestionPage:
        tab_to(self.page, self.code)
        self.page.keyboard.press("ControlOrMeta+A")  # replace whatever was typed before
        self.page.keyboard.type(code)
        press_enter_and_wait(self.page)
        return QuestionPage(self.page)
