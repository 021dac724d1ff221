"""Survey pages: the landing page here; answering, building and fieldwork in their modules."""

from flask import render_template

from engage.auth.permissions import Action, requires
from engage.surveys.blueprint import blueprint


@blueprint.get("/")
@requires(Action.VIEW_PUBLIC)
def index():
    """What the perception survey is, and where its results will appear."""
    return render_template("surveys/index.html")


# Importing the view modules registers their routes on the blueprint.
from engage.surveys import fieldwork_views, manage_views, respond_views  # noqa: E402, F401
