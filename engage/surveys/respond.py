"""Answering a survey: start, answer a question at a time, save and resume, check, submit once.

The services behind the resident's pages and behind staff keying in paper and telephone
responses. They take plain values (a wave code, the secret token the browser's session holds,
today's date), check answers with the pure questions module and commit once. Nothing about the
resident is stored: no name, address, IP address or browser details, and a response is not
linked to the invitation code that let it in (only the invitation's district is kept).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from engage.core.columns import utcnow
from engage.extensions import db
from engage.surveys.models import (
    Answer,
    Invitation,
    Question,
    Response,
    ResponseMode,
    ResponseStatus,
    Wave,
)
from engage.surveys.questions import (
    AnswerError,
    AnswerValue,
    QuestionSpec,
    first_missing,
    first_unanswered,
    is_asked,
    next_question,
    parse_answer,
    routed_answers,
)
from engage.surveys.services import spec_of

# Resume codes avoid characters that are easy to misread or mistype: no 0/O, no 1/I/L.
RESUME_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RESUME_LENGTH = 10
CODE_LIMIT = 40  # longer input cannot be a code; it is refused before any lookup
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


@dataclass(frozen=True)
class Saved:
    """A resume code just issued, and why the answer on the page was not kept, if it was not."""

    code: str
    problem: str | None = None


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


def normalise_code(code: str) -> str:
    """A code as typed, made comparable: capitals, no spaces or hyphens."""
    return "".join(code.split()).replace("-", "").upper()


def resume_digest(code: str) -> str:
    """The SHA-256 digest stored for a resume code; the code itself is never stored."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_resume_code() -> str:
    """A fresh resume code, shown in two groups of five: ABCDE-FGHJK."""
    code = "".join(secrets.choice(RESUME_ALPHABET) for _ in range(RESUME_LENGTH))
    half = RESUME_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


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
    _check_open(wave, today)
    if not wave.open_link:
        raise WaveUnavailable(wave, INVITATION_ONLY)
    response = _in_progress(wave, current_token)
    if response is None or response.entered_by_id is not None:
        response = _create_response(wave.id, ResponseMode.ONLINE, today)
    return _started(wave, response)


def start_with_invitation(code: str, today: date) -> Started:
    """Start a response with an unused invitation code; it is marked used on submission."""
    wanted = normalise_code(code)
    if not wanted:
        raise CodeNotAccepted("Enter the code from your invitation letter")
    invitation = _invitation(wanted) if len(wanted) <= CODE_LIMIT else None
    if invitation is None:
        raise CodeNotAccepted(
            "We do not recognise that code. Check it against your invitation letter and try again"
        )
    if invitation.used_at is not None:
        raise CodeNotAccepted(
            "This code has already been used. Each code can be used once, to send one response"
        )
    wave, invitation_id = invitation.wave, invitation.id
    _check_open(wave, today)
    response = _create_response(
        wave.id, ResponseMode.ONLINE, today, invited_district_id=invitation.district_id
    )
    return _started(wave, response, invitation_id=invitation_id)


def start_entry(
    wave_id: int, mode: str, staff_id: int, today: date, current_token: str | None = None
) -> Started:
    """Start keying in a paper or telephone response (closed waves too: post arrives late)."""
    wave = wave_by_id(wave_id)
    if mode not in {staff_mode.value for staff_mode in STAFF_MODES}:
        raise RespondError("Choose whether the response came on paper or by telephone")
    response = _in_progress(wave, current_token)
    reusable = (
        response is not None
        and response.mode == mode
        and response.entered_by_id == staff_id
        and not response.answers
    )  # a second click on the start button, not a second response
    if not reusable:
        response = _create_response(wave.id, ResponseMode(mode), today, entered_by_id=staff_id)
    return _started(wave, response)


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
        _check_open(wave, today)
    questions = _questions(wave)
    return Sitting(
        wave=wave,
        response=response,
        specs=[spec_of(question) for question in questions],
        question_ids={question.code: question.id for question in questions},
        answers=_answers_of(response, questions),
    )


def record_answer(current: Sitting, code: str, submitted: Sequence[str]) -> str | None:
    """Store the answer to `code` in place of any earlier one; the next question, or None.

    Raises QuestionNotAsked, or AnswerError (nothing stored, earlier answers kept).
    """
    spec = current.asked(code)
    value = parse_answer(spec, submitted)
    _start_writing(current.response_id)
    _replace_answer(current.response_id, current.question_ids[code], value)
    db.session.commit()
    answers = dict(current.answers)
    answers.pop(code, None)
    if value is not None:
        answers[code] = value
    current.answers = answers
    return next_question(current.specs, current.routed, code)


def save_for_later(
    current: Sitting, code: str, submitted: Sequence[str], invitation_id: int | None
) -> Saved:
    """Keep the answer on the page if it is valid, and issue a new resume code.

    An invitation used to start is spent now: the resume code takes its place.
    """
    problem, kept = None, False
    if code and any(value.strip() for value in submitted):
        try:
            value = parse_answer(current.asked(code), submitted)
            kept = True
        except (AnswerError, QuestionNotAsked) as error:
            problem = str(error)
    resume_code = new_resume_code()
    _start_writing(current.response_id)
    if kept:
        _replace_answer(current.response_id, current.question_ids[code], value)
        current.answers = {**current.answers, code: value}
    db.session.execute(
        update(Response)
        .where(Response.id == current.response_id)
        .values(resume_digest=resume_digest(resume_code))
        .execution_options(synchronize_session=False)
    )
    if invitation_id is not None:
        _mark_invitation_used(invitation_id, current.wave_id)
    db.session.commit()
    return Saved(resume_code, problem)


def resume(code: str, today: date) -> Started:
    """Find the saved response a resume code names; carry on at its first unanswered question."""
    wanted = normalise_code(code)
    if not wanted:
        raise CodeNotAccepted("Enter your resume code")
    response = None
    if len(wanted) <= CODE_LIMIT:
        response = db.session.scalar(
            select(Response).where(
                Response.resume_digest == resume_digest(wanted),
                Response.status == ResponseStatus.IN_PROGRESS,
            )
        )
    if response is None:
        raise CodeNotAccepted(
            "We cannot find saved answers with that code. Check the code and try again. "
            "Answers that have been sent cannot be opened again"
        )
    if response.mode is ResponseMode.ONLINE:
        _check_open(response.wave, today)
    return _started(response.wave, response)


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
    _start_writing(response_id)  # a second click waits here, then finds it sent
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
    if invitation_id is not None and not _mark_invitation_used(invitation_id, current.wave_id):
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


def _check_open(wave: Wave, today: date) -> None:
    reason = unavailable_reason(wave, today)
    if reason:
        raise WaveUnavailable(wave, reason)


def _in_progress(wave: Wave, token: str | None) -> Response | None:
    if not token:
        return None
    return db.session.scalar(
        select(Response).where(
            Response.token == token,
            Response.wave_id == wave.id,
            Response.status == ResponseStatus.IN_PROGRESS,
        )
    )


def _start_writing(response_id: int) -> None:
    """End the request's reads, then begin its write by locking the response, still in progress.

    The write comes first in its transaction because SQLite cannot turn a transaction that has
    read into one that writes once another write got in between ("database is locked", whatever
    the busy timeout), whereas one that starts by writing waits its turn. On PostgreSQL the
    statement locks the row, so two requests for one response take turns there too.
    Raises AlreadySent if the response was sent in the meantime.
    """
    db.session.rollback()  # the transaction so far only read
    locked = db.session.execute(
        update(Response)
        .where(Response.id == response_id, Response.status == ResponseStatus.IN_PROGRESS)
        .values(status=ResponseStatus.IN_PROGRESS)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:
        db.session.rollback()
        raise AlreadySent(ALREADY_SENT)


def _create_response(wave_id: int, mode: ResponseMode, today: date, **fields) -> Response:
    """Insert a new response as the first statement of its transaction (see _start_writing)."""
    db.session.rollback()  # the transaction so far only read
    token = secrets.token_urlsafe(32)
    response = Response(wave_id=wave_id, mode=mode, token=token, started_on=today, **fields)
    db.session.add(response)
    db.session.commit()
    return response


def _started(wave: Wave, response: Response, invitation_id: int | None = None) -> Started:
    questions = _questions(wave)
    specs = [spec_of(question) for question in questions]
    answers = _answers_of(response, questions)
    return Started(wave.code, response.token, first_unanswered(specs, answers), invitation_id)


def _questions(wave: Wave) -> Sequence[Question]:
    """The wave's questions in order, with their options, in two queries."""
    return db.session.scalars(
        select(Question)
        .where(Question.version_id == wave.version_id)
        .order_by(Question.position)
        .options(selectinload(Question.options))
    ).all()


def _invitation(wanted: str) -> Invitation | None:
    """The invitation whose code is `wanted`, however the stored code is spaced or cased."""
    exact = db.session.scalar(select(Invitation).where(Invitation.code == wanted))
    if exact is not None:
        return exact
    stored = func.upper(func.replace(func.replace(Invitation.code, "-", ""), " ", ""))
    return db.session.scalar(select(Invitation).where(stored == wanted).limit(1))


def _answers_of(response: Response, questions: Sequence[Question]) -> dict[str, AnswerValue]:
    """The stored answers as values the questions module reads, keyed by question code."""
    by_id = {question.id: question for question in questions}
    chosen: dict[str, list[str]] = {}
    answers: dict[str, AnswerValue] = {}
    rows = db.session.scalars(select(Answer).where(Answer.response_id == response.id))
    for row in rows:
        question = by_id.get(row.question_id)
        if question is None:
            continue
        if row.option_code is not None:
            chosen.setdefault(question.code, []).append(row.option_code)
        elif row.number is not None:
            answers[question.code] = float(row.number)
        elif row.text is not None:
            answers[question.code] = row.text
    for question in questions:
        if question.code in chosen:
            order = [option.code for option in question.options]
            codes = chosen[question.code]
            answers[question.code] = tuple(
                sorted(codes, key=lambda code: order.index(code) if code in order else len(order))
            )
    return answers


def _replace_answer(response_id: int, question_id: int, value: AnswerValue | None) -> None:
    """Swap the stored answer to a question for `value` (none at all for a skipped question)."""
    db.session.execute(
        delete(Answer).where(Answer.response_id == response_id, Answer.question_id == question_id)
    )
    if value is None:
        return
    if isinstance(value, tuple):
        rows = [
            Answer(response_id=response_id, question_id=question_id, option_code=option)
            for option in value
        ]
    elif isinstance(value, float):
        rows = [Answer(response_id=response_id, question_id=question_id, number=value)]
    else:
        rows = [Answer(response_id=response_id, question_id=question_id, text=value)]
    db.session.add_all(rows)


def _mark_invitation_used(invitation_id: int, wave_id: int) -> bool:
    """Mark an invitation used, once; False if it already was.

    A plain UPDATE rather than the ORM, so the audit log does not record the resident's address
    against the invitation, and only the day is kept, so the time cannot be matched with a
    response's submission time.
    """
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    marked = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.wave_id == wave_id,
            Invitation.used_at.is_(None),
        )
        .values(used_at=today)
        .execution_options(synchronize_session=False)
    )
    return marked.rowcount == 1
