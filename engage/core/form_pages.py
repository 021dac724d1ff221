"""Rendering a page that holds a form, shared by every capability's views."""

from flask import render_template


def form_page(template: str, form, **context):
    """A page with a form: 400 when the form has errors, so a refusal is not taken for success."""
    return render_template(template, form=form, **context), 400 if form.errors else 200
