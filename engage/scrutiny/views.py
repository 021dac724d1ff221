"""Scrutiny panel pages; for now the landing page that explains the panels."""

from flask import Blueprint, render_template

from engage.auth.permissions import Action, requires

blueprint = Blueprint("scrutiny", __name__)


@blueprint.get("/")
@requires(Action.VIEW_PUBLIC)
def index():
    """What the volunteer panels do and how their findings are published."""
    return render_template("scrutiny/index.html")
