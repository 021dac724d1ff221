"""Capture pages: a resident raises a concern, staff and clerks log one, staff run roadshows
and capture the many concerns raised at one on a single page."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user

from engage.auth.permissions import Action, Role, requires
from engage.concerns import capture, roadshows
from engage.concerns.blueprint import blueprint, form_page
from engage.concerns.capture_forms import LogForm, RaiseForm, parish_choices
from engage.concerns.casework import viewer_of
from engage.concerns.models import ConcernSource, Roadshow, RoadshowStatus
from engage.concerns.roadshow_forms import MAX_ROWS, RoadshowForm, capture_form
from engage.concerns.services import (
    ACKNOWLEDGE,
    FIRST_UPDATE,
    RESPONSE,
    ConcernError,
    promise,
)
from engage.core.dates import today
from engage.core.models import AreaKind
from engage.extensions import db, limiter

RAISE_LIMIT = "5 per hour"  # per address; CONCERN_LIMIT_PER_ADDRESS in the config overrides
RAISED = "raised_concern"  # session key: the reference of the concern just raised
ROADSHOWS = "/manage/roadshows"


def _raise_limit() -> str:
    return current_app.config.get("CONCERN_LIMIT_PER_ADDRESS") or RAISE_LIMIT


def _saved(response) -> bool:
    """Only concerns actually sent count against the limit (a refused form does not)."""
    return response.status_code == 302


# A resident raises a concern ---------------------------------------------------------------


@blueprint.route("/raise", methods=["GET", "POST"])
@requires(Action.RAISE_CONCERN)
@limiter.limit(_raise_limit, methods=["POST"], deduct_when=_saved, scope="raise-concern")
def raise_concern():
    """A resident's concern, moderated: nothing is public until staff triage and publish it."""
    form = RaiseForm()
    form.parish.choices = parish_choices(roadshows.active_parishes())
    if form.validate_on_submit():
        try:
            concern = capture.log_one(
                form.raised(),
                source=ConcernSource.ONLINE,
                raised_on=today(),
                viewer=None,
                logged_by=None,
                today=today(),
            )
        except ConcernError as error:
            form.show_error(error.field, str(error))
        else:
            session[RAISED] = concern.reference
            return redirect(url_for(".raised"))
    return form_page("concerns/capture/raise.html", form)


@blueprint.get("/raise/done")
@requires(Action.RAISE_CONCERN)
def raised():
    """The reference of the concern just raised, and what happens next."""
    reference = session.get(RAISED)
    if not reference:
        return redirect(url_for(".raise_concern"))
    days = promise()
    return render_template(
        "concerns/capture/raised.html",
        reference=reference,
        acknowledge=days[ACKNOWLEDGE],
        first_update=days[FIRST_UPDATE],
        response=days[RESPONSE],
    )


# Staff and clerks log a concern ------------------------------------------------------------


@blueprint.route("/log", methods=["GET", "POST"])
@requires(Action.LOG_CONCERNS)
def log_concern():
    """Log a concern received by phone or e-mail (staff) or for one's own parish (clerks); open
    concerns like it in the same parish are shown first, to log it anyway or merge it later."""
    clerk = current_user.role is Role.PARISH
    if clerk:
        parishes = [parish for parish in current_user.parishes if parish.active]
    else:
        parishes = roadshows.active_parishes()
    form = LogForm()
    if clerk:
        del form.source
    form.parish.choices = parish_choices(parishes, blank=len(parishes) != 1)
    if not form.is_submitted():
        form.raised_on.data = today()
    similar = []
    if form.validate_on_submit():
        raised = form.raised()
        if form.similar_seen.data != form.fingerprint():
            similar = capture.similar_open_concerns(raised.parish_id, raised.raised_text)
        if similar:
            form.similar_seen.data = form.fingerprint()
        else:
            try:
                concern = capture.log_one(
                    raised,
                    source=ConcernSource.PARISH if clerk else ConcernSource(form.source.data),
                    raised_on=form.raised_on.data,
                    viewer=viewer_of(current_user),
                    logged_by=current_user,
                    today=today(),
                )
            except ConcernError as error:
                form.show_error(error.field, str(error))
            else:
                flash(f"Concern {concern.reference} is logged.", "success")
                return redirect(url_for(".log_concern"))
    return form_page(
        "concerns/capture/log.html",
        form,
        clerk=clerk,
        parishes=parishes,
        similar=similar,
        similar_in=next((p.name for p in parishes if str(p.id) == form.parish.data), ""),
    )


# Roadshows ---------------------------------------------------------------------------------


def _roadshow(roadshow_id: int) -> Roadshow:
    return db.get_or_404(Roadshow, roadshow_id)


@blueprint.get(ROADSHOWS, endpoint="roadshows")
@requires(Action.MANAGE_CONCERNS)
def roadshow_list():
    """Upcoming and past roadshows, with how many concerns were captured at each."""
    upcoming, past = roadshows.roadshows(today())
    counts = roadshows.concern_counts([roadshow.id for roadshow in upcoming + past])
    return render_template(
        "concerns/capture/roadshows.html", upcoming=upcoming, past=past, counts=counts
    )


def _roadshow_form() -> RoadshowForm:
    form = RoadshowForm()
    form.set_choices(roadshows.districts_and_parishes())
    return form


def _save_roadshow(form: RoadshowForm, roadshow_id: int | None):
    """Save a valid form; the saved roadshow, or None with the refusal on the form."""
    try:
        return roadshows.save_roadshow(roadshow_id, form.details(), today=today())
    except ConcernError as error:
        form.show_error(error.field, str(error))
        return None


@blueprint.route(f"{ROADSHOWS}/new", methods=["GET", "POST"])
@requires(Action.MANAGE_CONCERNS)
def new_roadshow():
    """Plan a roadshow (or record one already held)."""
    form = _roadshow_form()
    if form.validate_on_submit() and (saved := _save_roadshow(form, None)):
        flash(f"{saved.title} is saved.", "success")
        return redirect(url_for(".roadshow", roadshow_id=saved.id))
    return form_page("concerns/capture/roadshow_form.html", form, roadshow=None)


@blueprint.route(f"{ROADSHOWS}/<int:roadshow_id>", methods=["GET", "POST"])
@requires(Action.MANAGE_CONCERNS)
def roadshow(roadshow_id: int):
    """A roadshow's details and concerns; change it, e.g. to record that it was held."""
    show = _roadshow(roadshow_id)
    form = _roadshow_form()
    if not form.is_submitted():
        form.fill(show)
    elif form.validate_on_submit() and _save_roadshow(form, show.id):
        flash(f"{show.title} is saved.", "success")
        return redirect(url_for(".roadshow", roadshow_id=show.id))
    return form_page(
        "concerns/capture/roadshow.html",
        form,
        roadshow=show,
        concerns=roadshows.concerns_at(show.id),
        capturable=_capturable(show),
    )


def _capturable(show: Roadshow) -> str | None:
    """Why concerns cannot be captured at a roadshow yet, or None if they can."""
    if show.status is RoadshowStatus.CANCELLED:
        return "This roadshow was cancelled, so no concerns can be captured at it."
    if show.held_on > today():
        return f"Concerns can be captured from the day of the roadshow, {show.held_on:%-d %B %Y}."
    return None


def _default_parish(show: Roadshow):
    """The parish most rows will name: where the roadshow is held, else its first host."""
    if show.area.kind is AreaKind.PARISH:
        return show.area
    return show.hosts[0] if show.hosts else None


@blueprint.route(f"{ROADSHOWS}/<int:roadshow_id>/capture", methods=["GET", "POST"])
@requires(Action.MANAGE_CONCERNS)
def roadshow_capture(roadshow_id: int):
    """Many concerns raised at one roadshow on one page; all are saved together or none."""
    show = _roadshow(roadshow_id)
    form = capture_form(roadshows.active_parishes(), _default_parish(show))
    refusal = _capturable(show)
    status = 409 if refusal and form.is_submitted() else 200
    if refusal is None and form.is_submitted() and form.adding_rows:
        form.add_more_rows()
    elif refusal is None and form.validate_on_submit():
        rows = [(number, row.raised()) for number, row in form.filled()]
        try:
            captured = capture.capture_at_roadshow(
                show.id, rows, logged_by=current_user, today=today()
            )
        except capture.RowsRefused as error:
            form.show_errors(error.errors)
        except ConcernError as error:
            refusal, status = str(error), 409
        else:
            flash(_captured(captured), "success")
            return redirect(url_for(".roadshow", roadshow_id=show.id))
    if form.errors:
        status = 400
    page = render_template(
        "concerns/capture/capture.html",
        form=form,
        roadshow=show,
        refusal=refusal,
        max_rows=MAX_ROWS,
    )
    return page, status


def _captured(captured) -> str:
    if len(captured) == 1:
        return f"1 concern is captured: {captured[0].reference}."
    return (
        f"{len(captured)} concerns are captured: "
        f"{captured[0].reference} to {captured[-1].reference}."
    )
