"""Paged lists for staff: a page of a query, and GOV.UK pagination whose links keep the filters.

One copy for every paged list (the concerns queue, the audit log), so they page alike: a page
number past the end, from an old link after the list shrank, shows the last page.
"""

from __future__ import annotations

from flask import url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from engage.extensions import db


def page_of(query: Select, number: int, per_page: int) -> Pagination:
    """Page `number` of the query's rows, or the last page if there are fewer pages."""
    page = db.paginate(query, page=number, per_page=per_page, error_out=False)
    if page.total and number > page.pages:
        page = db.paginate(query, page=page.pages, per_page=per_page, error_out=False)
    return page


def page_links(page: Pagination, endpoint: str, filters: dict[str, str]) -> dict | None:
    """GOV.UK pagination parameters whose links to `endpoint` keep the filters; None for one
    page."""
    if page.pages <= 1:
        return None

    def href(number: int) -> str:
        return url_for(endpoint, **filters, page=number)

    items = [
        {"number": number, "href": href(number), "current": number == page.page}
        if number
        else {"ellipsis": True}
        for number in page.iter_pages(left_edge=1, left_current=1, right_current=2)
    ]
    return {
        "previous": {"href": href(page.prev_num)} if page.has_prev else None,
        "next": {"href": href(page.next_num)} if page.has_next else None,
        "items": items,
    }
