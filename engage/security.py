"""The security baseline: headers and CSP, CSRF, rate limits, sessions and access control."""

from __future__ import annotations

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from engage.auth.permissions import declared_action, may
from engage.extensions import csrf, limiter, login_manager, talisman

# Scripts and styles come only from our own origin: no inline script, no inline style.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app: Flask) -> None:
    """Bind the security extensions and the one place where every request is authorised."""
    production = app.config["ENGAGE_ENV"] == "production"
    talisman.init_app(
        app,
        force_https=app.config["ENGAGE_FORCE_HTTPS"],
        strict_transport_security=production,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    app.before_request(_authorise)
    app.after_request(_no_store_when_signed_in)


def _load_user(cookie_id: str):
    """Load the user named by a session, only if its session token is still current."""
    from engage.auth.models import User
    from engage.extensions import db

    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


def _authorise():
    """Refuse the request unless the endpoint's declared action is allowed for this user."""
    g.actor = current_user._get_current_object() if current_user.is_authenticated else None
    if request.endpoint is None:
        return None  # no route matched: the 404 and 405 handlers answer
    view = current_app.view_functions.get(request.endpoint)
    action = declared_action(request.endpoint, view)
    if action is None:
        current_app.logger.error("Route %s declares no permission; refused", request.endpoint)
        abort(403)
    if may(g.actor.role if g.actor else None, action):
        return None
    if g.actor is None:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)


def _no_store_when_signed_in(response):
    """Keep pages shown to signed-in users out of shared caches and the back-button cache."""
    if g.get("actor") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response
