"""Placeholder until the public board is written: the landing page."""

from flask import render_template

from engage.auth.permissions import Action, requires
from engage.concerns.blueprint import blueprint


@blueprint.get("/")
@requires(Action.VIEW_PUBLIC)
def index():
    """What "You said, we did" is and how concerns reach it."""
    return render_template("concerns/index.html")
