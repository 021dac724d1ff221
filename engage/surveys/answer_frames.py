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
    code_of = {question.id: question.code for question in wave.version.questions}
    complete = (Response.wave_id == wave.id, Response.status == ResponseStatus.COMPLETE)
    responses = db.session.execute(
        select(Response.id, Response.mode).where(*complete).order_by(Response.id)
    ).all()
    respondents = pd.Index([row[0] for row in responses], name="response")
    mode = pd.Series([str(row[1]) for row in responses], index=respondents, name="mode")
    rows = db.session.execute(
        select(Answer.response_id, Answer.question_id, Answer.option_code, Answer.number)
        .join(Response, Response.id == Answer.response_id)
        .where(*complete, Answer.text.is_(None))
    ).all()
    frame = pd.DataFrame.from_records(rows, columns=["response", "question", "option", "number"])
    frame["question"] = frame["question"].map(code_of)
    grouped = dict(tuple(frame.groupby("question", sort=False)))
    answers: dict[str, pd.Series | pd.DataFrame] = {}
    for spec in specs:
        given = grouped.get(spec.code, frame.iloc[:0])
        answers[spec.code] = _column(spec, given, respondents)
    return WaveAnswers(specs, respondents, answers, mode)


def _column(spec: QuestionSpec, given: pd.DataFrame, respondents: pd.Index):
    """One question's answers aligned to every respondent; missing where not answered."""
    if spec.type in NUMERIC_TYPES:
        values = given.set_index("response")["number"].astype(float)
        return values.reindex(respondents)
    if spec.type is QuestionType.MULTIPLE:
        codes = [option.code for option in spec.options]
        chosen = pd.crosstab(given["response"], given["option"]).reindex(
            columns=codes, fill_value=0
        )
        return (chosen > 0).astype(float).reindex(respondents)
    values = given.set_index("response")["option"].astype(object)
    return values.reindex(respondents)
