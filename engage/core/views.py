"""Public pages every visitor can reach: home, accessibility statement, privacy notice, health."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import text

from engage.auth.permissions import Action, requires
from engage.extensions import db

blueprint = Blueprint("core", __name__)


@blueprint.get("/")
@requires(Action.VIEW_PUBLIC)
def home():
    """The front door: what residents can do, and a way in for everyone else."""
    return render_template("core/home.html")


@blueprint.get("/accessibility")
@requires(Action.VIEW_PUBLIC)
def accessibility():
    """The accessibility statement the public sector bodies regulations (2018) require."""
    return render_template("core/accessibility.html")


@blueprint.get("/privacy")
@requires(Action.VIEW_PUBLIC)
def privacy():
    """How Engage handles personal data, in plain words."""
    return render_template("core/privacy.html")


@blueprint.get("/health")
@requires(Action.VIEW_PUBLIC)
def health():
    """For load balancers: answers 200 when the app can reach its database."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
