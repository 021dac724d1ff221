"""A response's records as the answering pages keep them: created, locked, its answers swapped.

Plain values in and records out, for `respond` and `response_codes`, which decide what may be
written. Nothing here commits except `create_response`; the callers commit once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from engage.extensions import db
from engage.surveys.models import Answer, Question, Response, ResponseMode, ResponseStatus, Wave
from engage.surveys.questions import AnswerValue


def in_progress(wave: Wave, token: str | None) -> Response | None:
    """The response this browser's token names for the wave, if it is still being answered."""
    if not token:
        return None
    return db.session.scalar(
        select(Response).where(
            Response.token == token,
            Response.wave_id == wave.id,
            Response.status == ResponseStatus.IN_PROGRESS,
        )
    )


def lock_in_progress(response_id: int) -> bool:
    """End the request's reads, then begin its write by locking the response, still in progress.

    The write comes first in its transaction because SQLite cannot turn a transaction that has
    read into one that writes once another write got in between ("database is locked", whatever
    the busy timeout), whereas one that starts by writing waits its turn. On PostgreSQL the
    statement locks the row, so two requests for one response take turns there too.
    False (and nothing held) if the response was sent in the meantime.
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
        return False
    return True


def create_response(wave_id: int, mode: ResponseMode, today: date, **fields) -> Response:
    """Insert a new response as the first statement of its transaction (see lock_in_progress)."""
    db.session.rollback()  # the transaction so far only read
    token = secrets.token_urlsafe(32)
    response = Response(wave_id=wave_id, mode=mode, token=token, started_on=today, **fields)
    db.session.add(response)
    db.session.commit()
    return response


def questions_of(wave: Wave) -> Sequence[Question]:
    """The wave's questions in order, with their options, in two queries."""
    return db.session.scalars(
        select(Question)
        .where(Question.version_id == wave.version_id)
        .order_by(Question.position)
        .options(selectinload(Question.options))
    ).all()


def answers_of(response: Response, questions: Sequence[Question]) -> dict[str, AnswerValue]:
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


def replace_answer(response_id: int, question_id: int, value: AnswerValue | None) -> None:
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
