"""Survey pages: the landing page here; answering, building and fieldwork in their modules."""

from flask import render_template

from engage.auth.permissions import Action, requires
from engage.core.dates import today
from engage.surveys import respond
from engage.surveys.blueprint import blueprint


@blueprint.get("/")
@requires(Action.VIEW_PUBLIC)
def index():
    """What the perception survey is, the waves anyone may answer today, and a way in with an
    invitation or resume code."""
    return render_template("surveys/index.html", waves=respond.open_waves(today()))


# Importing the view modules registers their routes on the blueprint.
from engage.surveys import (  # noqa: E402, F401
    fieldwork_views,
    manage_views,
    public_results_views,
    respond_views,
    results_views,
    weighting_views,
)
