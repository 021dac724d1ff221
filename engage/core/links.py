"""Absolute links for things read outside the browser: emails and mail-merge letters."""

from __future__ import annotations

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """An absolute link, on ENGAGE_BASE_URL when set (behind a proxy the request's host may be
    an internal one), otherwise on the host of the current request."""
    base = current_app.config["ENGAGE_BASE_URL"]
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
