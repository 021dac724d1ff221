"""The concerns blueprint, shared by its view modules (capture, casework, the public board)."""

from flask import Blueprint

from engage.core.form_pages import form_page

blueprint = Blueprint("concerns", __name__)

__all__ = ["blueprint", "form_page"]
