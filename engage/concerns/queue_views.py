"""Staff's pages about no one concern: the queue, and the response templates to answer from.

They sit apart from casework_views.py, which holds the case page and the moves made on it.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from engage.auth.permissions import Action, requires
from engage.concerns import casework, response_templates
from engage.concerns.blueprint import blueprint, form_page
from engage.concerns.casework_views import GET_POST, STATUS_TAGS
from engage.concerns.queue import PAGE_SIZE, QueueFilters, due_counts, queue_query, rows_of
from engage.concerns.queue_forms import QueueFilterForm, TemplateForm
from engage.concerns.services import ConcernError
from engage.core.dates import today
from engage.core.form_fields import put_error
from engage.core.models import Agency, Area, AreaKind, ConcernCategory
from engage.core.paging import page_links, page_of
from engage.extensions import db

TEMPLATES = "/manage/templates"


# The queue -------------------------------------------------------------------------------


@blueprint.get("/manage")
@requires(Action.MANAGE_CONCERNS)
def queue():
    """New concerns to triage, then those in hand with their clocks, due and overdue marked."""
    form = QueueFilterForm(request.args)
    districts = list(
        db.session.scalars(
            select(Area).where(Area.kind == AreaKind.DISTRICT, Area.active).order_by(Area.name)
        )
    )
    form.offer(districts, casework.active_rows(Agency, Agency.name))
    if not form.validate():
        return render_template("concerns/casework/queue.html", form=form, page=None), 400
    chosen = form.chosen()
    filters = QueueFilters(
        status=form.status.data or "active",
        district_id=int(chosen["district"]) if "district" in chosen else None,
        lead_agency_id=int(chosen["lead_agency"]) if "lead_agency" in chosen else None,
        owner_id=current_user.id if chosen.get("owner") == "me" else None,
        due=form.due.data or "",
    )
    day = today()
    query = queue_query(filters, day)
    page = page_of(query, request.args.get("page", 1, type=int), PAGE_SIZE)
    return render_template(
        "concerns/casework/queue.html",
        form=form,
        page=page,
        rows=rows_of(page.items, day),
        counts=due_counts(filters, day),
        pages=page_links(page, "concerns.queue", chosen),
        status_tags=STATUS_TAGS,
    )


# Response templates ----------------------------------------------------------------------


@blueprint.get(TEMPLATES)
@requires(Action.MANAGE_CONCERNS)
def templates():
    """Response templates by category and outcome, those in use first."""
    return render_template(
        "concerns/casework/templates.html", templates=response_templates.response_templates()
    )


def _template_page(template_id: int | None):
    template = None
    if template_id is not None:
        try:
            template = response_templates.template_by_id(template_id)
        except LookupError:
            abort(404)
    form = TemplateForm()
    categories = casework.active_rows(ConcernCategory, ConcernCategory.name)
    if template is not None and template.category and not template.category.active:
        categories.append(template.category)  # a retired category stays as it was
    form.offer(categories)
    if not form.is_submitted() and template is not None:
        form.fill(template)
    elif form.validate_on_submit():
        try:
            saved = response_templates.save_template(
                template_id,
                category_id=form.category_id(),
                outcome=form.outcome.data,
                title=form.title.data,
                text=form.text.data,
            )
        except ConcernError as error:
            db.session.rollback()
            put_error(form, error.field, str(error), fallback="text")
        else:
            flash(f"The template “{saved.title}” is saved.", "success")
            return redirect(url_for(".templates"))
    return form_page("concerns/casework/template.html", form, response_template=template)


@blueprint.route(f"{TEMPLATES}/new", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def new_template():
    """Write a new response template."""
    return _template_page(None)


@blueprint.route(f"{TEMPLATES}/<int:template_id>", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def edit_template(template_id: int):
    """Change a response template."""
    return _template_page(template_id)


@blueprint.post(f"{TEMPLATES}/<int:template_id>/active")
@requires(Action.MANAGE_CONCERNS)
def template_active(template_id: int):
    """Stop offering a template (it is kept), or offer it again."""
    active = request.form.get("active") == "yes"
    try:
        template = response_templates.set_template_active(template_id, active)
    except LookupError:
        abort(404)
    state = "offered again" if active else "no longer offered"
    flash(f"The template “{template.title}” is {state}.", "success")
    return redirect(url_for(".templates"))
