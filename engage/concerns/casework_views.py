"""Staff casework: the case page, each lifecycle move, and pausing the clocks (the queue and
response templates are in engage.concerns.queue_views).

Every move is a form carrying the concern's version; services.apply_move decides and records it.
A refusal comes back onto the form (400, typed text kept); a change someone else made meanwhile
gives 409 with the concern as it now stands beside what was typed. Moves the lifecycle does not
allow are never offered, and asking for one by address goes back to the case page saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.auth.permissions import Action, may, requires
from engage.concerns import access, casework, response_templates
from engage.concerns.blueprint import blueprint, form_page
from engage.concerns.casework_forms import (
    CloseForm,
    DeclineForm,
    HoldForm,
    MergeForm,
    MoveForm,
    PublishForm,
    ReferForm,
    ReopenForm,
    RespondForm,
    ResumeForm,
    TriageForm,
    WithdrawReferralForm,
)
from engage.concerns.models import Concern
from engage.concerns.personal_data import redacted
from engage.concerns.services import ConcernError, StaleConcern, apply_move
from engage.concerns.workflow import TRANSITIONS, Move
from engage.core.admin_views import local_time
from engage.core.audit import record_read
from engage.core.dates import today
from engage.core.form_fields import put_error
from engage.core.models import Agency, ConcernCategory, PlanPriority
from engage.extensions import db

CASE = "/<int:concern_id>"
# The page for each move staff make here; a referral is accepted or rejected on the partner's.
MOVE_PAGES = {
    Move.TRIAGE: ".triage",
    Move.RESPOND: ".respond",
    Move.REFER: ".refer",
    Move.WITHDRAW_REFERRAL: ".withdraw_referral",
    Move.CLOSE: ".close",
    Move.PUBLISH: ".publish",
    Move.MERGE: ".merge",
    Move.DECLINE: ".decline",
    Move.REOPEN: ".reopen",
}
STATUS_TAGS = {
    "new": "blue",
    "open": "light-blue",
    "responded": "purple",
    "published": "green",
    "closed": "grey",
    "merged": "grey",
    "declined": "orange",
}
GET_POST = ["GET", "POST"]


@dataclass(frozen=True)
class Heading:
    """What a form page says it does, read like a row of the lifecycle's table."""

    label: str
    description: str
    public: bool


def _to_case(concern_id: int):
    return redirect(url_for(".concern", concern_id=concern_id))


# The case page ---------------------------------------------------------------------------


@blueprint.get(CASE, endpoint="concern")
@requires(Action.FOLLOW_CONCERNS)
def case_page(concern_id: int):
    """Everything about one concern for those who follow it; staff also see what to do next."""
    concern = db.get_or_404(Concern, concern_id)
    viewer = casework.viewer_of(current_user)
    involvement = casework.involvement_of(concern)
    if not access.may_follow(viewer, involvement):
        abort(404)
    record_read(concern)
    db.session.commit()
    concern = casework.case_concern(concern_id)  # the commit expired it; reread with its rows
    office = viewer.role in access.OFFICE
    clocks = casework.clock_rows(concern.id, today())
    merged = casework.originals(concern)
    moves = [row for row in casework.moves_of(concern) if row.move in MOVE_PAGES]
    return render_template(
        "concerns/casework/concern.html",
        concern=concern,
        clocks=clocks,
        merged=merged,
        raised_by=casework.raised_by_text(concern, merged),
        moves=moves if office else [],
        move_pages=MOVE_PAGES,
        may_manage=office,
        may_publish=may(viewer.role, Action.PUBLISH_CONCERNS),
        may_respond=access.may_respond(viewer, involvement),
        may_hold=office and casework.may_hold(clocks),
        may_resume=office and casework.may_resume(clocks),
        status_tags=STATUS_TAGS,
        local_time=local_time,
    )


# Moves -------------------------------------------------------------------------------------


def _move_page(
    concern_id: int,
    move: Move,
    form: MoveForm,
    template: str,
    *,
    prefill: Callable[[Concern, MoveForm], None] | None = None,
    context: Callable[[Concern, MoveForm], dict] | None = None,
):
    """Show a move's form, or make the move and go back to the case page."""
    concern = db.get_or_404(Concern, concern_id)
    row = TRANSITIONS[move]
    if not form.is_submitted():
        refused = casework.refusal(concern, move)
        if refused:
            flash(refused)
            return _to_case(concern.id)
        form.fill(concern)
        if prefill:
            prefill(concern, form)
    elif form.validate_on_submit():
        try:
            apply_move(
                concern.id,
                move,
                form.given(),
                actor=current_user,
                today=today(),
                expected_version=form.expected_version(),
            )
        except StaleConcern as error:
            return _stale(concern.id, form, template, str(error), row, context, move)
        except ConcernError as error:
            db.session.rollback()
            put_error(form, error.field, str(error), fallback=form.fallback)
        else:
            flash(f"{concern.reference} has been {row.done}.", "success")
            return _to_case(concern.id)
    return form_page(template, form, **_move_context(concern, form, row, move, context))


def _move_context(concern, form, heading, move=None, context=None) -> dict:
    """What every move page shows: the concern, the move's wording, whether it is still
    possible (after someone else's change), and the page's own extras."""
    return {
        "concern": concern,
        "heading": heading,
        "refused": casework.refusal(concern, move) if move else None,
        "status_tags": STATUS_TAGS,
        "local_time": local_time,
        **(context(concern, form) if context else {}),
    }


def _stale(concern_id, form, template, message, heading, context, move=None):
    """409: the concern as it now stands, the form as typed, ready to send again if still wise."""
    db.session.rollback()
    concern = db.session.get(Concern, concern_id)
    form.version.data = str(concern.version)
    page = render_template(
        template, form=form, stale=message, **_move_context(concern, form, heading, move, context)
    )
    return page, 409


@blueprint.route(f"{CASE}/triage", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def triage(concern_id: int):
    """Record the lead agency, owner, category and plan priority of a new concern."""
    form = TriageForm()
    form.offer(
        casework.active_rows(Agency, Agency.name),
        casework.owner_choices(),
        casework.active_rows(ConcernCategory, ConcernCategory.name),
        casework.active_rows(PlanPriority, PlanPriority.number),
    )
    return _move_page(concern_id, Move.TRIAGE, form, "concerns/casework/triage.html")


@blueprint.route(f"{CASE}/refer", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def refer(concern_id: int):
    """Ask another agency to lead, saying what is handed over."""
    concern = db.get_or_404(Concern, concern_id)
    form = ReferForm()
    form.offer(
        [
            one
            for one in casework.active_rows(Agency, Agency.name)
            if one.id != concern.lead_agency_id
        ]
    )
    return _move_page(concern_id, Move.REFER, form, "concerns/casework/refer.html")


def _respond_prefill(concern: Concern, form: RespondForm) -> None:
    chosen = _chosen_template(concern)
    if chosen is not None or not form.we_did.data:
        form.we_did.data = response_templates.suggested_we_did(concern, chosen)


def _chosen_template(concern: Concern):
    template_id = request.args.get("template", type=int)
    return next(
        (one for one in response_templates.templates_for(concern) if one.id == template_id), None
    )


def _respond_context(concern: Concern, form: RespondForm) -> dict:
    chosen = _chosen_template(concern)
    items = [{"value": "", "text": "Choose a template"}] + [
        {
            "value": one.id,
            "text": f"{one.title} ({one.outcome})",
            "selected": chosen is not None and one.id == chosen.id,
        }
        for one in response_templates.templates_for(concern)
    ]
    return {"template_items": items}


@blueprint.route(f"{CASE}/respond", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def respond(concern_id: int):
    """Draft the "We did", from a response template and the agencies' public lines."""
    return _move_page(
        concern_id,
        Move.RESPOND,
        RespondForm(),
        "concerns/casework/respond.html",
        prefill=_respond_prefill,
        context=_respond_context,
    )


def _publish_context(concern: Concern, form: PublishForm) -> dict:
    return {
        "summary_pieces": casework.marked(form.public_summary.data or ""),
        "we_did_pieces": casework.marked(form.we_did.data or ""),
        "flagged": form.flagged(),
    }


@blueprint.route(f"{CASE}/publish", methods=GET_POST)
@requires(Action.PUBLISH_CONCERNS)
def publish(concern_id: int):
    """Sign off the public summary and "We did": a first publication, or a new version."""
    form = PublishForm()
    if form.is_submitted() and form.redact.data:
        concern = db.get_or_404(Concern, concern_id)
        form.public_summary.data = redacted(form.public_summary.data or "")
        form.we_did.data = redacted(form.we_did.data or "")
        form.checked.data = False
        row = TRANSITIONS[Move.PUBLISH]
        context = _move_context(concern, form, row, Move.PUBLISH, _publish_context)
        return render_template(
            "concerns/casework/publish.html", form=form, redacted_now=True, **context
        )
    return _move_page(
        concern_id,
        Move.PUBLISH,
        form,
        "concerns/casework/publish.html",
        context=_publish_context,
    )


@blueprint.route(f"{CASE}/merge", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def merge(concern_id: int):
    """Merge a duplicate into the concern that answers it, with similar ones suggested."""
    return _move_page(
        concern_id,
        Move.MERGE,
        MergeForm(),
        "concerns/casework/merge.html",
        context=lambda concern, form: {"similar": casework.similar_open(concern)},
    )


@blueprint.route(f"{CASE}/decline", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def decline(concern_id: int):
    """Decline a concern that is not ours to answer, saying publicly where to go instead."""
    return _move_page(concern_id, Move.DECLINE, DeclineForm(), "concerns/casework/decline.html")


@blueprint.route(f"{CASE}/close", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def close(concern_id: int):
    """Close a published concern: nothing more is to be done."""
    return _move_page(concern_id, Move.CLOSE, CloseForm(), "concerns/casework/note.html")


@blueprint.route(f"{CASE}/reopen", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def reopen(concern_id: int):
    """Look at a concern again: it is open once more."""
    return _move_page(concern_id, Move.REOPEN, ReopenForm(), "concerns/casework/note.html")


@blueprint.route(f"{CASE}/withdraw-referral", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def withdraw_referral(concern_id: int):
    """Take a referral back before the agency answers."""
    return _move_page(
        concern_id, Move.WITHDRAW_REFERRAL, WithdrawReferralForm(), "concerns/casework/note.html"
    )


# Waiting for the raiser ------------------------------------------------------------------

CLOCK_PAGES = {
    "hold": (
        "Pause the clocks",
        "Waiting for information from the raiser: the service promise stops counting.",
        casework.hold,
        casework.may_hold,
        "There is no running clock to pause on this concern.",
    ),
    "resume": (
        "Restart the clocks",
        "The raiser has answered, or we will wait no longer: the clocks count again.",
        casework.resume,
        casework.may_resume,
        "No clock is paused on this concern.",
    ),
}


def _clock_page(concern_id: int, which: str, form: MoveForm):
    concern = db.get_or_404(Concern, concern_id)
    title, description, change, possible, not_now = CLOCK_PAGES[which]
    if not form.is_submitted():
        if not possible(casework.clock_rows(concern.id, today())):
            flash(not_now)
            return _to_case(concern.id)
        form.fill(concern)
    elif form.validate_on_submit():
        try:
            change(
                concern.id,
                form.note.data or "",
                actor=current_user,
                today=today(),
                expected_version=form.expected_version(),
            )
        except StaleConcern as error:
            heading = Heading(title, description, public=False)
            return _stale(
                concern.id, form, "concerns/casework/note.html", str(error), heading, None
            )
        except ConcernError as error:
            db.session.rollback()
            put_error(form, error.field, str(error), fallback="note")
        else:
            state = "paused" if which == "hold" else "running again"
            flash(f"The clocks on {concern.reference} are {state}.", "success")
            return _to_case(concern.id)
    heading = Heading(title, description, public=False)
    return form_page("concerns/casework/note.html", form, **_move_context(concern, form, heading))


@blueprint.route(f"{CASE}/hold", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def hold(concern_id: int):
    """Pause the clocks while we wait for information from the raiser."""
    return _clock_page(concern_id, "hold", HoldForm())


@blueprint.route(f"{CASE}/resume", methods=GET_POST)
@requires(Action.MANAGE_CONCERNS)
def resume(concern_id: int):
    """Restart the paused clocks."""
    return _clock_page(concern_id, "resume", ResumeForm())
