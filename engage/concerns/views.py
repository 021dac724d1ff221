"""Concern pages; for now the landing page of the "You said, we did" board."""

from flask import Blueprint, render_template

from engage.auth.permissions import Action, requires

blueprint = Blueprint("concerns", __name__)


@blueprint.get("/")
@requires(Action.VIEW_PUBLIC)
def index():
    """What "You said, we did" is and how concerns reach it."""
    return render_template("concerns/index.html")
