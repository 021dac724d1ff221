"""Answering a survey: start, answer a question at a time, check, submit once.

The services behind the resident's pages and behind staff keying in paper and telephone
responses. They take plain values (a wave code, the secret token the browser's session holds,
today's date), check answers with the pure questions module and commit once. Nothing about the
resident is stored: no name, address, IP address or browser details, and a response is not
linked to the invitation code that let it in (only the invitation's district is kept).
Starting with an invitation code, saving with a resume code and resuming are in
`response_codes`; the records are read and written by `response_records`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select, update

from engage.core.columns import utcnow
from engage.extensions import db
from engage.surveys import invitations
from engage.surveys.models import Answer, Response, ResponseMode, ResponseStatus, Wave
from engage.surveys.questions import (
    AnswerValue,
    QuestionSpec,
    first_missing,
    first_unanswered,
    is_asked,
    next_question,
    parse_answer,
    routed_answers,
)
from engage.surveys.response_records import (
    answers_of,
    create_response,
    in_progress,
    lock_in_progress,
    questions_of,
    replace_answer,
)
from engage.surveys.services import spec_of

STAFF_MODES = (ResponseMode.PAPER, ResponseMode.PHONE)


class RespondError(Exception):
    """What was asked cannot be done; the message tells the resident why, in plain words."""


class WaveNotFound(RespondError):
    """No wave has that code."""


class WaveUnavailable(RespondError):
    """Residents cannot answer the wave online today: closed, not open yet, or invitation only."""

    def __init__(self, wave: Wave, message: str):
        super().__init__(message)
        self.wave = wave


class NoResponse(RespondError):
    """This browser has no response under way for the wave (never started, or the session ended)."""


class AlreadySent(RespondError):
    """The response has been submitted and can no longer change."""


class QuestionNotAsked(RespondError):
    """The question is not one of the wave's, or routing does not ask it."""


class CodeNotAccepted(RespondError):
    """An invitation or resume code that cannot be used; the message says why."""


class MissingAnswer(RespondError):
    """A required question is still unanswered; `code` names it."""

    def __init__(self, code: str):
        super().__init__(f"Answer question {code} before you submit")
        self.code = code


@dataclass(frozen=True)
class Started:
    """A response under way: its wave, the secret naming it, and where to carry on."""

    wave_code: str
    token: str
    continue_at: str | None  # a question code; None for the check-your-answers page
    invitation_id: int | None = None


@dataclass
class Sitting:
    """A response being answered: its wave, the wave's questions and the answers so far."""

    wave: Wave
    response: Response
    specs: list[QuestionSpec]
    question_ids: dict[str, int]
    answers: dict[str, AnswerValue] = field(default_factory=dict)  # as stored, even unrouted
    # Plain ids, usable once the reads end (which expires the records above).
    response_id: int = field(init=False)
    wave_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.response_id = self.response.id
        self.wave_id = self.wave.id

    @property
    def routed(self) -> dict[str, AnswerValue]:
        """The answers routing still asks for (a changed answer can skip earlier ones)."""
        return routed_answers(self.specs, self.answers)

    @property
    def staff_entry(self) -> bool:
        return self.response.mode is not ResponseMode.ONLINE

    def asked(self, code: str) -> QuestionSpec:
        """The question `code`, if this wave has it and routing asks it."""
        spec = next((spec for spec in self.specs if spec.code == code), None)
        if spec is None:
            raise QuestionNotAsked(
                "This survey has no such question. Check the web address, or go back to the "
                "question you were answering."
            )
        if not is_asked(spec, self.routed):
            raise QuestionNotAsked(
                "This question does not apply, given your earlier answers. Go back to the "
                "question you were answering."
            )
        return spec


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 5 January 2026."""
    return f"{day.day} {day:%B %Y}"


def unavailable_reason(wave: Wave, today: date) -> str | None:
    """Why residents cannot answer `wave` online today (not open yet, or closed); None if open."""
    if today < wave.opens_on:
        return f"This survey opens on {long_date(wave.opens_on)}. Please come back then."
    if today > wave.closes_on:
        return (
            f"This survey closed on {long_date(wave.closes_on)}, so it no longer takes answers. "
            "Thank you for your interest: the results will be published on the surveys page."
        )
    return None


ALREADY_SENT = "You have already sent your answers, so they can no longer be changed"
INVITATION_ONLY = (
    "This survey is for the households we wrote to. To take part, enter the code from your "
    "invitation letter."
)


def open_waves(today: date) -> list[Wave]:
    """Waves anyone may answer today (open, with an open link), closing soonest first."""
    return list(
        db.session.scalars(
            select(Wave)
            .where(Wave.open_link.is_(True), Wave.opens_on <= today, Wave.closes_on >= today)
            .order_by(Wave.closes_on, Wave.code)
        )
    )


def find_wave(code: str) -> Wave:
    """The wave with this code."""
    wave = db.session.scalar(select(Wave).where(Wave.code == code))
    if wave is None:
        raise WaveNotFound(
            "There is no survey at this address. Check the web address, or find the surveys "
            "that are open on the surveys page."
        )
    return wave


def wave_by_id(wave_id: int) -> Wave:
    """The wave with this id (staff pages name waves by id)."""
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        raise WaveNotFound("There is no such wave. Choose one from the list of waves.")
    return wave


def start_online(wave_code: str, today: date, current_token: str | None = None) -> Started:
    """Start a resident's online response, or carry on with the one this browser has started."""
    wave = find_wave(wave_code)
    check_open(wave, today)
    if not wave.open_link:
        raise WaveUnavailable(wave, INVITATION_ONLY)
    response = in_progress(wave, current_token)
    if response is None or response.entered_by_id is not None:
        response = create_response(wave.id, ResponseMode.ONLINE, today)
    return started(wave, response)


def start_entry(
    wave_id: int, mode: str, staff_id: int, today: date, current_token: str | None = None
) -> Started:
    """Start keying in a paper or telephone response (closed waves too: post arrives late)."""
    wave = wave_by_id(wave_id)
    if mode not in {staff_mode.value for staff_mode in STAFF_MODES}:
        raise RespondError("Choose whether the response came on paper or by telephone")
    response = in_progress(wave, current_token)
    reusable = (
        response is not None
        and response.mode == mode
        and response.entered_by_id == staff_id
        and not response.answers
    )  # a second click on the start button, not a second response
    if not reusable:
        response = create_response(wave.id, ResponseMode(mode), today, entered_by_id=staff_id)
    return started(wave, response)


def find_response(wave_code: str, token: str | None, actor_id: int | None) -> Response:
    """The response this browser holds for the wave, whatever its status."""
    wave = find_wave(wave_code)
    response = None
    if token:
        response = db.session.scalar(
            select(Response).where(Response.token == token, Response.wave_id == wave.id)
        )
    if response is None or (response.entered_by_id is not None and actor_id is None):
        raise NoResponse(
            "We could not find your answers. This can happen if your browser blocks cookies or "
            "you left the survey for a long time. Start again, or use your resume code."
        )
    return response


def sitting(wave_code: str, token: str | None, today: date, actor_id: int | None) -> Sitting:
    """The response under way in this browser, ready to be answered."""
    response = find_response(wave_code, token, actor_id)
    wave = response.wave
    if response.status is ResponseStatus.COMPLETE:
        raise AlreadySent(ALREADY_SENT)
    if response.mode is ResponseMode.ONLINE:
        check_open(wave, today)
    questions = questions_of(wave)
    return Sitting(
        wave=wave,
        response=response,
        specs=[spec_of(question) for question in questions],
        question_ids={question.code: question.id for question in questions},
        answers=answers_of(response, questions),
    )


def record_answer(current: Sitting, code: str, submitted: Sequence[str]) -> str | None:
    """Store the answer to `code` in place of any earlier one; the next question, or None.

    Raises QuestionNotAsked, or AnswerError (nothing stored, earlier answers kept).
    """
    spec = current.asked(code)
    value = parse_answer(spec, submitted)
    start_writing(current.response_id)
    replace_answer(current.response_id, current.question_ids[code], value)
    db.session.commit()
    answers = dict(current.answers)
    answers.pop(code, None)
    if value is not None:
        answers[code] = value
    current.answers = answers
    return next_question(current.specs, current.routed, code)


def submit(current: Sitting, invitation_id: int | None) -> None:
    """Mark the response complete, exactly once; a replay changes nothing.

    Answers to questions that routing no longer asks are dropped, and the invitation used to
    start, if any, is marked used. Raises MissingAnswer for a required question not answered.
    """
    missing = first_missing(current.specs, current.answers)
    if missing is not None:
        raise MissingAnswer(missing)
    response_id, open_link = current.response_id, current.wave.open_link
    kept = current.routed
    unrouted = [current.question_ids[code] for code in current.answers if code not in kept]
    start_writing(response_id)  # a second click waits here, then finds it sent
    if unrouted:
        db.session.execute(
            delete(Answer).where(
                Answer.response_id == response_id, Answer.question_id.in_(unrouted)
            )
        )
    db.session.execute(
        update(Response)
        .where(Response.id == response_id, Response.status == ResponseStatus.IN_PROGRESS)
        .values(status=ResponseStatus.COMPLETE, submitted_at=utcnow(), resume_digest=None)
        .execution_options(synchronize_session=False)
    )
    if invitation_id is not None and not invitations.mark_used(invitation_id, current.wave_id):
        if not open_link:
            db.session.rollback()
            raise CodeNotAccepted(
                "Your invitation code has already been used to send a response, so these "
                "answers cannot be sent with it"
            )
        # Someone else sent a response with the code first: keep these as open-link answers.
        db.session.execute(
            update(Response)
            .where(Response.id == response_id)
            .values(invited_district_id=None)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def check_open(wave: Wave, today: date) -> None:
    """Raise WaveUnavailable if residents cannot answer the wave online today."""
    reason = unavailable_reason(wave, today)
    if reason:
        raise WaveUnavailable(wave, reason)


def start_writing(response_id: int) -> None:
    """Begin the request's write by locking the response (see lock_in_progress for why first).

    Raises AlreadySent if the response was sent in the meantime.
    """
    if not lock_in_progress(response_id):
        raise AlreadySent(ALREADY_SENT)


def started(wave: Wave, response: Response, invitation_id: int | None = None) -> Started:
    """The response under way, to carry on at its first unanswered question."""
    questions = questions_of(wave)
    specs = [spec_of(question) for question in questions]
    answers = answers_of(response, questions)
    return Started(wave.code, response.token, first_unanswered(specs, answers), invitation_id)
