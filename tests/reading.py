"""Reading a response the way a person reads the page."""

import html
import re


def text_of(response) -> str:
    """The page's text with tags removed and spaces collapsed, as a reader sees it."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(page).split())
