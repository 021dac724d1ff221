"""Error pages inside the layout, each saying what happened and what to do next."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: (
        "Sorry, there is a problem with the request",
        "The page could not use what was sent. If you were filling in a form, go back, "
        "reload the page and try again.",
    ),
    403: (
        "You do not have permission to see this page",
        "Your account does not give you access to this page. If you think it should, contact "
        "the office.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted the web address, "
        "check you copied the entire address.",
    ),
    405: ("Sorry, that cannot be done here", "This page does not accept that kind of request."),
    413: (
        "The file is too large",
        "The file or form you sent is larger than this service accepts. Go back and send a "
        "smaller file.",
    ),
    429: (
        "Too many attempts",
        "There have been too many attempts from this account or address. Wait a while, then "
        "try again.",
    ),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. If you were filling in a form, what you entered may not have been saved.",
    ),
}


def render_error(code: int, detail: str | None = None):
    """Render the layout's error page for an HTTP status code."""
    title, message = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    return render_template(
        "errors/error.html", code=code, title=title, message=message, detail=detail
    ), code


def _http_error(error: HTTPException):
    return render_error(error.code or 500)


def _rate_limited(error: RateLimitExceeded):
    """Say how many attempts are allowed and when to try again, from the limit that was hit."""
    limit = error.limit.limit
    window = limit.GRANULARITY.name + ("s" if limit.multiples != 1 else "")
    wait = f"{limit.multiples} {window}" if limit.multiples != 1 else f"a {window}"
    return render_error(
        429,
        f"There have been too many attempts from this account or address: the limit is "
        f"{limit.amount} in {wait}. Wait {wait}, then try again."
        + (
            " If you have forgotten your password, you can reset it."
            if request.endpoint == "auth.login"
            else ""
        ),
    )


def _csrf_error(error: CSRFError):
    return render_error(
        400,
        "The form had expired or did not come from this service. Go back, reload the page "
        "and send it again.",
    )


def _server_error(error: Exception):
    return render_error(500)


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    for code in MESSAGES:
        app.register_error_handler(code, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
