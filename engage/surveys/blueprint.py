"""The surveys blueprint, shared by its view modules (public pages, answering, staff pages)."""

from flask import Blueprint, render_template

blueprint = Blueprint("surveys", __name__)


def form_page(template: str, form, **context):
    """A page with a form: 400 when the form has errors, so a refusal is not taken for success."""
    return render_template(template, form=form, **context), 400 if form.errors else 200
