"""Admin pages: reference data and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from engage.auth.permissions import Action, requires
from engage.core import audit, reference_admin
from engage.core.admin_forms import (
    AgencyForm,
    AreaForm,
    AuditSearchForm,
    CategoryForm,
    PriorityForm,
    ReferenceForm,
)
from engage.core.audit import AuditEvent
from engage.core.models import AreaKind, ReferenceData
from engage.core.paging import page_links, page_of
from engage.core.reference_admin import AGENCY_KIND_LABELS, ReferenceEditError, ReferenceKind
from engage.extensions import db

blueprint = Blueprint("admin", __name__)

LONDON = ZoneInfo("Europe/London")
AUDIT_PAGE_SIZE = 50
FORMS: dict[str, type[ReferenceForm]] = {
    "areas": AreaForm,
    "agencies": AgencyForm,
    "categories": CategoryForm,
    "priorities": PriorityForm,
}


@blueprint.get("/reference")
@requires(Action.EDIT_REFERENCE)
def reference_index():
    """The kinds of reference data an admin can edit."""
    return render_template(
        "admin/reference_index.html",
        kinds=reference_admin.KINDS.values(),
        counts=reference_admin.counts(),
    )


def _kind(slug: str) -> ReferenceKind:
    kind = reference_admin.KINDS.get(slug)
    if kind is None:
        abort(404)
    return kind


@blueprint.get("/reference/<kind>")
@requires(Action.EDIT_REFERENCE)
def reference_list(kind: str):
    """Every row of one kind, in use or retired, with a link to change each."""
    return render_template(
        "admin/reference_list.html",
        kind=_kind(kind),
        rows=reference_admin.listing(kind),
        agency_kinds=AGENCY_KIND_LABELS,
    )


def _form(slug: str, record: ReferenceData | None = None) -> ReferenceForm:
    """The kind's form with its choices; the code is only asked for when adding a row."""
    form = FORMS[slug]()
    if isinstance(form, AreaForm):
        form.set_choices(reference_admin.districts(), record)
        if record is not None and record.kind is AreaKind.COUNTY:
            del form.kind
            del form.parent
    elif isinstance(form, AgencyForm):
        form.set_choices(reference_admin.areas_in_order(), record)
    if record is not None:
        del form.code
    return form


def _show_error(form: ReferenceForm, error: ReferenceEditError) -> None:
    db.session.rollback()
    field = form[error.field] if error.field and error.field in form else next(iter(form))
    field.errors.append(str(error))


def _form_page(
    kind: ReferenceKind,
    form: ReferenceForm,
    record: ReferenceData | None,
    save: Callable[[], str],
):
    """Save a valid posted form and go back to the list, or show the form with its errors.

    `save` calls the service and returns the message to flash.
    """
    if form.validate_on_submit():
        try:
            message = save()
        except ReferenceEditError as error:
            _show_error(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("admin.reference_list", kind=kind.slug))
    page = render_template("admin/reference_form.html", kind=kind, form=form, record=record)
    return page, 400 if form.errors else 200


@blueprint.route("/reference/<kind>/new", methods=["GET", "POST"])
@requires(Action.EDIT_REFERENCE)
def reference_new(kind: str):
    """Add a row; its code is chosen here, once."""
    words = _kind(kind)
    form = _form(kind)

    def save() -> str:
        record = reference_admin.create(kind, form.code.data, **form.values())
        return f"{record} is added to {words.title.lower()}."

    return _form_page(words, form, None, save)


@blueprint.route("/reference/<kind>/<int:record_id>", methods=["GET", "POST"])
@requires(Action.EDIT_REFERENCE)
def reference_edit(kind: str, record_id: int):
    """Change a row, or retire it by unticking 'In use'."""
    words = _kind(kind)
    record = reference_admin.find(kind, record_id)
    if record is None:
        abort(404)
    form = _form(kind, record)
    if request.method == "GET":
        form.fill(record)

    def save() -> str:
        reference_admin.update(kind, record_id, **form.values())
        return f"Your changes to {record} are saved."

    return _form_page(words, form, record, save)


def _london_midnight(day: date | None) -> datetime | None:
    """The UTC moment a day starts in Gloucestershire."""
    if day is None:
        return None
    return datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC)


def local_time(moment: datetime) -> str:
    """A moment as people in the county read it, like '23 Nov 2026 14:05'."""
    local = moment.astimezone(LONDON)
    return f"{local.day} {local:%b %Y %H:%M}"


def _shown(value: object) -> str:
    if value is None or value in ("", []):
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def change_lines(event: AuditEvent) -> list[str]:
    """An event's changes as 'field: old → new' (just the value for a new record)."""
    lines = []
    for name, (old, new) in (event.changes or {}).items():
        if event.action == "create":
            lines.append(f"{name}: {_shown(new)}")
        else:
            lines.append(f"{name}: {_shown(old)} → {_shown(new)}")
    return lines


@blueprint.get("/audit")
@requires(Action.READ_AUDIT)
def audit_log():
    """Search the audit log, newest first, 50 events a page."""
    form = AuditSearchForm(request.args)
    form.set_choices(audit.actions(), audit.record_types())
    if not form.validate():
        return render_template("admin/audit_log.html", form=form, events=None), 400
    until = form.until.data + timedelta(days=1) if form.until.data else None
    query = audit.search(
        actor=form.actor.data or "",
        action=form.action.data or "",
        record_type=form.record_type.data or "",
        record_id=form.record_id.data or "",
        text=form.text.data or "",
        since=_london_midnight(form.since.data),
        until=_london_midnight(until),
    )
    events = page_of(query, request.args.get("page", 1, type=int), AUDIT_PAGE_SIZE)
    return render_template(
        "admin/audit_log.html",
        form=form,
        events=events,
        pages=page_links(events, "admin.audit_log", form.filters()),
        local_time=local_time,
        change_lines=change_lines,
    )
