"""Pages for the partners' and clerks' part in a concern: agencies' actions, answers to
referrals, "this is not resolved" and staff's decision on it (the concerns one follows, and the
raiser's private link, are in engage.concerns.follow_views).

A record the user may not follow is answered with 404, so its existence is not revealed; one
they may follow but not change, with 403. A change made on an out-of-date page is refused with
409 and the page shows the newer state, keeping what was typed.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from engage.auth.models import User
from engage.auth.permissions import Action, Role, requires
from engage.concerns import actions, following
from engage.concerns.access import may_follow, may_respond
from engage.concerns.blueprint import blueprint, form_page
from engage.concerns.casework import involvement_of, viewer_of
from engage.concerns.models import Concern, ConcernAction, ReopenRequest
from engage.concerns.partner_forms import (
    ACCEPT,
    REOPEN,
    ActionForm,
    NotResolvedForm,
    ReferralAnswerForm,
    ReopenDecisionForm,
    version_of,
)
from engage.concerns.services import ConcernError, StaleConcern
from engage.core.admin_views import local_time
from engage.core.dates import today
from engage.core.form_fields import put_error
from engage.core.models import Agency
from engage.extensions import db


def _followed(concern_id: int) -> Concern:
    """The concern, or 404 when the user may not follow it (not revealing that it exists)."""
    concern = db.get_or_404(Concern, concern_id)
    if not may_follow(viewer_of(current_user), involvement_of(concern)):
        abort(404)
    return concern


def _case_page(concern: Concern):
    return redirect(url_for(".concern", concern_id=concern.id))


def own_agency() -> Agency | None:
    """A partner's agency, which is the only one they act for; None for the office."""
    return current_user.agency if current_user.role is Role.PARTNER else None


def _may_update(action: ConcernAction) -> bool:
    return may_respond(
        viewer_of(current_user), involvement_of(action.concern), agency_id=action.agency_id
    )


def _may_answer(concern: Concern) -> bool:
    pending = concern.pending_referral
    return pending is not None and may_respond(
        viewer_of(current_user), involvement_of(concern), agency_id=pending.to_agency_id
    )


def _may_ask_to_reopen(concern: Concern) -> bool:
    return (
        current_user.is_authenticated
        and current_user.role is Role.PARISH
        and actions.reopen_refusal(concern) is None
        and may_follow(viewer_of(current_user), involvement_of(concern))
    )


@blueprint.context_processor
def _partner_helpers() -> dict:
    """What the partials on the case page ask of each action, referral and request."""
    return {
        "may_update_action": _may_update,
        "may_answer_referral": _may_answer,
        "may_ask_to_reopen": _may_ask_to_reopen,
        "action_refusal": actions.action_refusal,
        "pending_reopen_requests": actions.pending_requests,
        "asked_by": actions.asked_by,
        "what_happened": following.what_happened,
        "local_time": local_time,
        "county_today": today,
    }


# Actions -------------------------------------------------------------------------------------


def _action_form(agency: Agency | None) -> ActionForm:
    """The action form: the office chooses the agency, a partner acts for their own."""
    form = ActionForm()
    if agency is not None:
        del form.agency
        agencies = []
    else:
        agencies = actions.acting_agencies()
    form.offer(agencies, actions.possible_owners(agency.id if agency else None))
    return form


@blueprint.route("/<int:concern_id>/actions/new", methods=["GET", "POST"])
@requires(Action.RESPOND_TO_CONCERNS)
def new_action(concern_id: int):
    """Give an agency its part in answering the concern (a partner: their own agency)."""
    concern = _followed(concern_id)
    if not may_respond(viewer_of(current_user), involvement_of(concern)):
        abort(403)
    agency = own_agency()
    form = _action_form(agency)
    refusal = actions.action_refusal(concern)
    if not form.is_submitted():
        form.owner.data = str(current_user.id)
        if "agency" in form and concern.lead_agency_id:
            form.agency.data = str(concern.lead_agency_id)
    elif refusal is None and form.validate():
        try:
            action = actions.add_action(
                concern.id,
                form.values(agency.id if agency else None),
                actor=current_user,
                today=today(),
            )
        except ConcernError as error:
            db.session.rollback()
            put_error(form, error.field, str(error), fallback="description")
        else:
            flash(f"The action for {action.agency.name} is added.", "success")
            return _case_page(concern)
    page, status = form_page(
        "concerns/partner/action.html",
        form,
        concern=concern,
        action=None,
        agency=agency,
        refusal=refusal,
        today=today(),
    )
    return page, 409 if refusal and form.is_submitted() else status


@blueprint.route("/actions/<int:action_id>", methods=["GET", "POST"])
@requires(Action.RESPOND_TO_CONCERNS)
def action(action_id: int):
    """Change an action: its owner, due date, status and what the public may read."""
    held = db.get_or_404(ConcernAction, action_id)
    concern = _followed(held.concern_id)
    if not _may_update(held):
        abort(403)
    agency = own_agency()
    form = _action_form(agency)
    if not form.is_submitted():
        form.fill(held, actions.fingerprint(held))
    elif form.validate():
        try:
            actions.update_action(
                held.id,
                form.values(agency.id if agency else None),
                actor=current_user,
                today=today(),
                seen=form.seen.data,
            )
        except StaleConcern as stale:
            db.session.rollback()
            form.seen.data = actions.fingerprint(held)
            return _action_page(form, concern, held, agency, conflict=str(stale))
        except ConcernError as error:
            db.session.rollback()
            put_error(form, error.field, str(error), fallback="description")
        else:
            flash(f"The action for {held.agency.name} is saved.", "success")
            return _case_page(concern)
    return _action_page(form, concern, held, agency)


def _action_page(form, concern, held, agency, conflict: str | None = None):
    page, status = form_page(
        "concerns/partner/action.html",
        form,
        concern=concern,
        action=held,
        agency=agency,
        refusal=None,
        conflict=conflict,
        today=today(),
    )
    return page, 409 if conflict else status


# Referrals -----------------------------------------------------------------------------------


@blueprint.route("/<int:concern_id>/referral", methods=["GET", "POST"])
@requires(Action.RESPOND_TO_CONCERNS)
def referral(concern_id: int):
    """The referred agency takes the lead on the concern, or says why it will not."""
    concern = _followed(concern_id)
    pending = concern.pending_referral
    if pending is not None and not _may_answer(concern):
        abort(403)
    form = ReferralAnswerForm()
    if pending is not None:
        form.offer(pending.to_agency)
    if not form.is_submitted():
        form.version.data = str(concern.version)
        return _referral_page(form, concern)
    version = version_of(form.version)
    if pending is None or version != concern.version:
        return _referral_conflict(form, concern, None)
    if form.validate():
        accept = form.answer.data == ACCEPT
        try:
            actions.answer_referral(
                concern.id,
                accept,
                form.note.data,
                actor=current_user,
                today=today(),
                expected_version=version,
            )
        except StaleConcern as stale:
            db.session.rollback()
            return _referral_conflict(form, concern, str(stale))
        except ConcernError as error:
            db.session.rollback()
            put_error(form, error.field, str(error), fallback="answer")
        else:
            if accept:
                flash(f"{pending.to_agency.name} now leads on {concern.reference}.", "success")
                return _case_page(concern)
            flash(f"The referral of {concern.reference} is rejected.", "success")
            return redirect(url_for(".mine"))
    return _referral_page(form, concern)


def _referral_page(form, concern, conflict: str | None = None):
    return form_page("concerns/partner/referral.html", form, concern=concern, conflict=conflict)


def _referral_conflict(form, concern: Concern, message: str | None):
    """409: the concern changed since the page was loaded; show it as it is now."""
    concern = db.session.get(Concern, concern.id)
    if concern.pending_referral is not None:
        form.offer(concern.pending_referral.to_agency)
    form.version.data = str(concern.version)
    message = message or (
        f"{concern.reference} was changed by someone else while you were working on it. "
        "Here it is as it stands now: check it and answer again."
    )
    page, _ = _referral_page(form, concern, conflict=message)
    return page, 409


# "This is not resolved" ----------------------------------------------------------------------


@blueprint.route("/<int:concern_id>/not-resolved", methods=["GET", "POST"])
@requires(Action.LOG_CONCERNS)
def not_resolved(concern_id: int):
    """A clerk of the concern's parish (or staff, for someone who phoned) says it is not
    resolved; staff decide whether to look at it again."""
    concern = _followed(concern_id)
    form = NotResolvedForm()
    refusal = actions.reopen_refusal(concern)
    if (
        refusal is None
        and form.validate_on_submit()
        and sent_not_resolved(form, concern, current_user)
    ):
        flash(
            f"Your request is sent: staff will decide whether to look at {concern.reference} "
            "again, and you will see their answer in its updates.",
            "success",
        )
        return _case_page(concern)
    page, status = form_page(
        "concerns/partner/not_resolved.html", form, concern=concern, refusal=refusal
    )
    return page, 409 if refusal and form.is_submitted() else status


def sent_not_resolved(form: NotResolvedForm, concern: Concern, requested_by: User | None) -> bool:
    """Send a valid "this is not resolved" form (`requested_by` None: the raiser, on their
    private link); False with the refusal on the form."""
    try:
        actions.ask_to_reopen(concern.id, form.reason.data, requested_by=requested_by)
    except ConcernError as error:
        db.session.rollback()
        put_error(form, error.field, str(error), fallback="reason")
        return False
    return True


@blueprint.route("/reopen-requests/<int:request_id>", methods=["GET", "POST"])
@requires(Action.MANAGE_CONCERNS)
def reopen_request(request_id: int):
    """Decide on a request to look at a concern again: reopen it, or keep it as it is."""
    asked = db.get_or_404(ReopenRequest, request_id)
    concern = asked.concern
    form = ReopenDecisionForm()
    if not form.is_submitted():
        form.version.data = str(concern.version)
    elif form.validate():
        reopen = form.decision.data == REOPEN
        try:
            actions.decide_reopen_request(
                asked.id,
                reopen,
                form.note.data,
                actor=current_user,
                today=today(),
                expected_version=version_of(form.version),
            )
        except StaleConcern as stale:
            db.session.rollback()
            form.version.data = str(concern.version)
            page, _ = _decision_page(form, asked, conflict=str(stale))
            return page, 409
        except ConcernError as error:
            db.session.rollback()
            put_error(form, error.field, str(error), fallback="note")
        else:
            done = "reopened" if reopen else "kept as it is"
            flash(f"{concern.reference} is {done}.", "success")
            return _case_page(concern)
    return _decision_page(form, asked)


def _decision_page(form, asked: ReopenRequest, conflict: str | None = None):
    return form_page(
        "concerns/partner/reopen_request.html",
        form,
        asked=asked,
        concern=asked.concern,
        conflict=conflict,
    )
