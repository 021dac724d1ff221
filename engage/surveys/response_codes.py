"""Codes a resident types: an invitation code to start, a resume code to carry on later.

An invitation code is single-use, but a response is not linked to it: only its district is kept
with the response, and the code is marked used (to the day) when the response is sent or saved.
A resume code is shown once and never stored: only its SHA-256 digest is, until the response is
sent. Codes are compared as typed, whatever their spacing, hyphens or case.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update

from engage.extensions import db
from engage.surveys import invitations
from engage.surveys.models import Invitation, Response, ResponseMode, ResponseStatus
from engage.surveys.questions import AnswerError, parse_answer
from engage.surveys.respond import (
    CodeNotAccepted,
    QuestionNotAsked,
    Sitting,
    Started,
    check_open,
    start_writing,
    started,
)
from engage.surveys.response_records import create_response, replace_answer

# Resume codes avoid characters that are easy to misread or mistype: no 0/O, no 1/I/L.
RESUME_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RESUME_LENGTH = 10
CODE_LIMIT = 40  # longer input cannot be a code; it is refused before any lookup


@dataclass(frozen=True)
class Saved:
    """A resume code just issued, and why the answer on the page was not kept, if it was not."""

    code: str
    problem: str | None = None


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
    check_open(wave, today)
    response = create_response(
        wave.id, ResponseMode.ONLINE, today, invited_district_id=invitation.district_id
    )
    return started(wave, response, invitation_id=invitation_id)


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
    start_writing(current.response_id)
    if kept:
        replace_answer(current.response_id, current.question_ids[code], value)
        current.answers = {**current.answers, code: value}
    db.session.execute(
        update(Response)
        .where(Response.id == current.response_id)
        .values(resume_digest=resume_digest(resume_code))
        .execution_options(synchronize_session=False)
    )
    if invitation_id is not None:
        invitations.mark_used(invitation_id, current.wave_id)
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
        check_open(response.wave, today)
    return started(response.wave, response)


def _invitation(wanted: str) -> Invitation | None:
    """The invitation whose code is `wanted`, however the stored code is spaced or cased."""
    exact = db.session.scalar(select(Invitation).where(Invitation.code == wanted))
    if exact is not None:
        return exact
    stored = func.upper(func.replace(func.replace(Invitation.code, "-", ""), " ", ""))
    return db.session.scalar(select(Invitation).where(stored == wanted).limit(1))
