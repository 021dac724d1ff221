"""The surveys blueprint, shared by its view modules (public pages, answering, staff pages)."""

from flask import Blueprint

from engage.core.form_pages import form_page

blueprint = Blueprint("surveys", __name__)

__all__ = ["blueprint", "form_page"]
