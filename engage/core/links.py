"""Absolute links for things read outside the browser: emails and mail-merge letters."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for

FALLBACK_BASE = "http://127.0.0.1:5000"  # development, when a link is made outside a request


def external_url(endpoint: str, **values) -> str:
    """An absolute link, on ENGAGE_BASE_URL when set (behind a proxy the request's host may be
    an internal one), otherwise on the host of the current request. Outside a request (the
    command line, a service called from a script) ENGAGE_BASE_URL is the only host there is."""
    base = current_app.config["ENGAGE_BASE_URL"]
    if not has_request_context():
        with current_app.test_request_context(base_url=base or FALLBACK_BASE):
            return url_for(endpoint, _external=True, **values)
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
