"""Answering a survey: the resident's question pages, and staff keying in paper and phone replies.

The browser's session holds a random token per wave naming the response under way (and the
invitation used to start it, until it is spent); nothing else identifies the resident.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import flash, g, redirect, render_template, request, session, url_for

from engage.auth.permissions import Action, requires
from engage.core.dates import today
from engage.errors import render_error
from engage.extensions import limiter
from engage.surveys import respond, response_codes
from engage.surveys.blueprint import blueprint, form_page
from engage.surveys.models import ResponseStatus, Wave
from engage.surveys.questions import (
    AnswerError,
    as_submitted,
    asked_questions,
    first_missing,
    first_unanswered,
    previous_question,
    progress,
)
from engage.surveys.respond_forms import (
    EntryForm,
    InvitationCodeForm,
    ResumeForm,
    answer_field,
    summary_sections,
)

TOKENS = "survey_responses"  # session key: {wave code: response token}
INVITATIONS = "survey_invitations"  # session key: {wave code: invitation id}, until spent
CODE_GUESSES = "10 per 15 minutes"


@blueprint.get("/<wave_code>/")
@requires(Action.ANSWER_SURVEY)
def start_page(wave_code: str):
    """What the survey is, how answers are kept anonymous, and the Start now button."""
    wave = respond.find_wave(wave_code)
    return _start_page(wave, respond.unavailable_reason(wave, today()))


@blueprint.post("/<wave_code>/start")
@requires(Action.ANSWER_SURVEY)
def start(wave_code: str):
    """Start an online response (or carry on with this browser's) and go to its first question."""
    started = respond.start_online(wave_code, today(), _token(wave_code))
    return _carry_on(started)


def _code_guesses(scope: str):
    """At most CODE_GUESSES tries at a code; one that works (a redirect) is not counted."""
    return limiter.limit(
        CODE_GUESSES, methods=["POST"], deduct_when=lambda r: r.status_code != 302, scope=scope
    )


@blueprint.route("/invitation", methods=["GET", "POST"])
@requires(Action.ANSWER_SURVEY)
@_code_guesses("survey-invitation")
def invitation():
    """Start with the code from an invitation letter."""
    form = InvitationCodeForm()
    return _code_page(
        form, form.code, response_codes.start_with_invitation, "surveys/respond/invitation.html"
    )


@blueprint.route("/resume", methods=["GET", "POST"])
@requires(Action.ANSWER_SURVEY)
@_code_guesses("survey-resume")
def resume():
    """Carry on with saved answers, from the resume code."""
    form = ResumeForm()
    return _code_page(form, form.resume_code, response_codes.resume, "surveys/respond/resume.html")


def _code_page(form, field, use_code: Callable[[str, date], respond.Started], template: str):
    """Start or carry on with the code typed in `field`; a code refused is that field's error."""
    if form.validate_on_submit():
        try:
            started = use_code(field.data, today())
        except respond.CodeNotAccepted as error:
            field.errors.append(str(error))
        else:
            return _carry_on(started)
    return form_page(template, form)


@blueprint.route("/<wave_code>/questions/<question_code>", methods=["GET", "POST"])
@requires(Action.ANSWER_SURVEY)
def question(wave_code: str, question_code: str):
    """One question a page; a valid answer moves on to the next question routing asks."""
    current = _sitting(wave_code)
    spec = current.asked(question_code)
    from_check = request.args.get("from") == "check"
    if request.method == "GET":
        shown = as_submitted(current.answers.get(spec.code))
        return _question_page(current, spec, shown, None, from_check)
    submitted = request.form.getlist("answer")
    try:
        following = respond.record_answer(current, question_code, submitted)
    except AnswerError as error:  # say what to fix; keep what was typed and earlier answers
        return _question_page(current, spec, submitted, str(error), from_check), 400
    if from_check or following is None:
        return redirect(url_for(".check", wave_code=wave_code))
    return redirect(url_for(".question", wave_code=wave_code, question_code=following))


@blueprint.get("/<wave_code>/check")
@requires(Action.ANSWER_SURVEY)
def check(wave_code: str):
    """Check your answers before sending them; a required one missing is asked first."""
    current = _sitting(wave_code)
    missing = first_missing(current.specs, current.answers)
    if missing is not None:
        return redirect(_question_url(wave_code, missing, from_check=True))
    asked = asked_questions(current.specs, current.answers)
    sections = summary_sections(
        asked, current.routed, lambda code: _question_url(wave_code, code, from_check=True)
    )
    back = _question_url(wave_code, asked[-1].code) if asked else None
    return render_template(
        "surveys/respond/check.html", current=current, sections=sections, back=back
    )


@blueprint.post("/<wave_code>/submit")
@requires(Action.ANSWER_SURVEY)
def submit(wave_code: str):
    """Send the answers; a second click or a replay records nothing more."""
    try:
        respond.submit(_sitting(wave_code), _invitation_id(wave_code))
    except respond.AlreadySent:  # a second click, the back button or a replay
        return redirect(url_for(".done", wave_code=wave_code))
    except respond.MissingAnswer as missing:
        return redirect(_question_url(wave_code, missing.code, from_check=True))
    _forget_invitation(wave_code)
    return redirect(url_for(".done", wave_code=wave_code))


@blueprint.get("/<wave_code>/done")
@requires(Action.ANSWER_SURVEY)
def done(wave_code: str):
    """The confirmation once the answers are sent."""
    response = respond.find_response(wave_code, _token(wave_code), _actor_id())
    if response.status is not ResponseStatus.COMPLETE:
        return redirect(url_for(".check", wave_code=wave_code))
    return render_template("surveys/respond/done.html", wave=response.wave, response=response)


@blueprint.post("/<wave_code>/save")
@requires(Action.ANSWER_SURVEY)
def save(wave_code: str):
    """Keep the answers so far (and the one on the page) and give a code to come back with."""
    current = _sitting(wave_code)
    saved = response_codes.save_for_later(
        current,
        request.form.get("question", ""),
        request.form.getlist("answer"),
        _invitation_id(wave_code),
    )
    _forget_invitation(wave_code)
    following = first_unanswered(current.specs, current.answers)
    continue_url = (
        _question_url(wave_code, following) if following else url_for(".check", wave_code=wave_code)
    )
    return render_template(
        "surveys/respond/saved.html", current=current, saved=saved, continue_url=continue_url
    )


@blueprint.route("/manage/waves/<int:wave_id>/entry", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def entry(wave_id: int):
    """Staff key in a paper or telephone response through the resident's question pages."""
    wave = respond.wave_by_id(wave_id)
    form = EntryForm()
    if form.validate_on_submit():
        started = respond.start_entry(
            wave.id, form.mode.data, g.actor.id, today(), _token(wave.code)
        )
        return _carry_on(started)
    return form_page("surveys/respond/entry.html", form, wave=wave, today=today())


# Domain errors become pages here, so the views above stay a few lines each.


@blueprint.errorhandler(respond.RespondError)
def _cannot(error: respond.RespondError):
    return render_error(400, str(error))


@blueprint.errorhandler(respond.WaveNotFound)
@blueprint.errorhandler(respond.QuestionNotAsked)
def _not_found(error: respond.RespondError):
    return render_error(404, str(error))


@blueprint.errorhandler(respond.WaveUnavailable)
def _unavailable(error: respond.WaveUnavailable):
    return _start_page(error.wave, str(error), 200 if request.method == "GET" else 400)


@blueprint.errorhandler(respond.NoResponse)
def _no_response(error: respond.NoResponse):
    flash(str(error))
    wave_code = (request.view_args or {}).get("wave_code")
    if not wave_code:
        return redirect(url_for(".index"))
    return redirect(url_for(".start_page", wave_code=wave_code))


@blueprint.errorhandler(respond.AlreadySent)
def _already_sent(error: respond.AlreadySent):
    wave_code = (request.view_args or {}).get("wave_code", "")
    status = 200 if request.method == "GET" else 409
    return render_template("surveys/respond/already_sent.html", wave_code=wave_code), status


def _start_page(wave: Wave, reason: str | None, status: int = 200):
    form = InvitationCodeForm()
    return render_template(
        "surveys/respond/start.html",
        wave=wave,
        reason=reason,
        invitation_only=respond.INVITATION_ONLY if not wave.open_link else None,
        form=form,
        closes_on=respond.long_date(wave.closes_on),
    ), status


def _question_page(current, spec, shown, error, from_check):
    number, total = progress(current.specs, current.routed, spec.code)
    if from_check:
        back = url_for(".check", wave_code=current.wave.code)
    else:
        earlier = previous_question(current.specs, current.routed, spec.code)
        back = (
            _question_url(current.wave.code, earlier)
            if earlier
            else url_for(".start_page", wave_code=current.wave.code)
        )
    return render_template(
        "surveys/respond/question.html",
        current=current,
        spec=spec,
        field=answer_field(spec, shown, error),
        error=error,
        number=number,
        total=total,
        back=back,
    )


def _question_url(wave_code: str, question_code: str, from_check: bool = False) -> str:
    extra = {"from": "check"} if from_check else {}
    return url_for(".question", wave_code=wave_code, question_code=question_code, **extra)


def _carry_on(started: respond.Started):
    """Remember the response in the session and go where it continues."""
    tokens = dict(session.get(TOKENS, {}))
    tokens[started.wave_code] = started.token
    session[TOKENS] = tokens
    invitations = dict(session.get(INVITATIONS, {}))
    invitations.pop(started.wave_code, None)
    if started.invitation_id is not None:
        invitations[started.wave_code] = started.invitation_id
    session[INVITATIONS] = invitations
    if started.continue_at is None:
        return redirect(url_for(".check", wave_code=started.wave_code))
    return redirect(_question_url(started.wave_code, started.continue_at))


def _sitting(wave_code: str) -> respond.Sitting:
    return respond.sitting(wave_code, _token(wave_code), today(), _actor_id())


def _token(wave_code: str) -> str | None:
    return session.get(TOKENS, {}).get(wave_code)


def _invitation_id(wave_code: str) -> int | None:
    return session.get(INVITATIONS, {}).get(wave_code)


def _forget_invitation(wave_code: str) -> None:
    invitations = dict(session.get(INVITATIONS, {}))
    if invitations.pop(wave_code, None) is not None:
        session[INVITATIONS] = invitations


def _actor_id() -> int | None:
    return g.actor.id if g.get("actor") else None
