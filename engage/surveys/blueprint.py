"""The surveys blueprint, shared by its view modules (public pages, answering, staff pages)."""

from flask import Blueprint

blueprint = Blueprint("surveys", __name__)
