"""A wave's complete responses as pandas columns, one per question: what the statistics read.

Loaded in one query of (response, question, option, number) rows, so a wave of 20,000 responses
to 40 questions (about 800,000 answers) is read in one pass and pivoted by pandas. Free-text
answers are never read here: they are not analysed, exported or published.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select

from engage.extensions import db
from engage.surveys.models import Answer, Response, ResponseStatus, Wave
from engage.surveys.questions import QuestionSpec, QuestionType
from engage.surveys.services import specs_of

NUMERIC_TYPES = frozenset({QuestionType.NUMBER, QuestionType.RATING})


@dataclass
class WaveAnswers:
    """The wave's questions and its complete responses' answers, indexed by response id."""

    specs: list[QuestionSpec]
    respondents: pd.Index
    answers: dict[str, pd.Series | pd.DataFrame]  # see engage.surveys.results.wave_results
    mode: pd.Series

    def single(self, codes: list[str]) -> pd.DataFrame:
        """The chosen option of each single-choice question in `codes`, one column each."""
        return pd.DataFrame(
            {
                code: self.answers.get(
                    code, pd.Series(np.nan, index=self.respondents, dtype=object)
                )
                for code in codes
            },
            index=self.respondents,
        )


def load_wave_answers(wave: Wave) -> WaveAnswers:
    """Read the wave's complete responses and pivot their answers into one column per question."""
    specs = [spec for spec in specs_of(wave.version) if spec.type is not QuestionType.TEXT]
    complete = (Response.wave_id == wave.id, Response.status == ResponseStatus.COMPLETE)
    responses = db.session.execute(
        select(Response.id, Response.mode).where(*complete).order_by(Response.id)
    ).all()
    respondents = pd.Index([row[0] for row in responses], name="response")
    mode = pd.Series([str(row[1]) for row in responses], index=respondents, name="mode")
    query = (
        select(Answer.response_id, Answer.question_id, Answer.option_code, Answer.number)
        .join(Response, Response.id == Answer.response_id)
        .where(*complete, Answer.text.is_(None))
    )
    # The driver's plain tuples: building 800,000 SQLAlchemy rows would cost seconds.
    result = db.session.connection().execute(query)
    rows = result.cursor.fetchall()
    result.close()
    table = np.array(rows, dtype=object).reshape(len(rows), 4)
    row_of = respondents.get_indexer(table[:, 0].astype(np.int64))  # position of each response
    of_question = pd.Series(table[:, 1].astype(np.int64)).groupby(table[:, 1]).indices
    ids = {question.code: question.id for question in wave.version.questions}
    empty = np.array([], dtype=np.int64)
    answers: dict[str, pd.Series | pd.DataFrame] = {}
    for spec in specs:
        where = of_question.get(ids[spec.code], empty)
        answers[spec.code] = _column(
            spec, row_of[where], table[where, 2], table[where, 3], respondents
        )
    return WaveAnswers(specs, respondents, answers, mode)


def _column(spec: QuestionSpec, rows, options, numbers, respondents: pd.Index):
    """One question's answers aligned to every respondent (`rows` are their positions);
    missing where not answered."""
    if spec.type in NUMERIC_TYPES:
        values = np.full(len(respondents), np.nan)
        values[rows] = pd.to_numeric(numbers)
        return pd.Series(values, index=respondents)
    if spec.type is QuestionType.MULTIPLE:
        codes = [option.code for option in spec.options]
        chosen = np.full((len(respondents), len(codes)), np.nan)
        chosen[rows] = 0.0  # answered: every option not chosen is 0
        column = pd.Index(codes).get_indexer(options)
        known = column >= 0
        chosen[rows[known], column[known]] = 1.0
        return pd.DataFrame(chosen, index=respondents, columns=codes)
    values = np.full(len(respondents), np.nan, dtype=object)
    values[rows] = options
    return pd.Series(values, index=respondents)
