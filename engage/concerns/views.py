"""Concern pages: capture, casework and the public "You said, we did" board, in their modules."""

# Importing the view modules registers their routes on the blueprint.
from engage.concerns import (  # noqa: F401
    alert_views,
    board_views,
    capture_views,
    casework_views,
    follow_views,
    partner_views,
    queue_views,
)
from engage.concerns.blueprint import blueprint

__all__ = ["blueprint"]
