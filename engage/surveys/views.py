"""Survey pages; for now the landing page that says what the survey is for."""

from flask import Blueprint, render_template

from engage.auth.permissions import Action, requires

blueprint = Blueprint("surveys", __name__)


@blueprint.get("/")
@requires(Action.VIEW_PUBLIC)
def index():
    """What the perception survey is, and where its results will appear."""
    return render_template("surveys/index.html")
