"""Test data factories: valid records with the fewest details a test needs to state."""

from __future__ import annotations

import itertools
import random

import factory
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from engage.auth.models import User
from engage.auth.permissions import Role
from engage.core.models import Agency, Area, AreaKind
from engage.extensions import db
from engage.surveys.models import Answer, Response, ResponseMode, ResponseStatus
from engage.surveys.questions import QuestionType

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = generate_password_hash(PASSWORD)


def agency(code: str = "glos-police") -> Agency:
    """A reference agency loaded at the start of the session."""
    return db.session.scalar(select(Agency).where(Agency.code == code))


def parishes(*codes: str) -> list[Area]:
    """Reference parishes by code (default: the first two parishes by name)."""
    query = select(Area).where(Area.kind == AreaKind.PARISH).order_by(Area.name)
    if codes:
        query = query.where(Area.code.in_(codes))
    return list(db.session.scalars(query.limit(len(codes) or 2)))


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    """An active user with the password PASSWORD and the bindings its role needs."""

    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.STAFF
    password_hash = _PASSWORD_HASH
    agency = factory.LazyAttribute(lambda user: agency() if user.role is Role.PARTNER else None)
    parishes = factory.LazyAttribute(lambda user: parishes() if user.role is Role.PARISH else [])


def open_wave(code: str = "tracker-test", question_codes: list[str] | None = None, **fields):
    """A survey built from the question bank with a wave open today (and for a year)."""
    from datetime import date, timedelta

    from engage.surveys.services import create_survey_from_bank, create_wave

    survey = create_survey_from_bank(
        f"survey-{code}", f"Survey {code}", question_codes=question_codes
    )
    today = date.today()
    values = {"opens_on": today - timedelta(days=1), "closes_on": today + timedelta(days=365)}
    values.update(fields)
    return create_wave(survey, code=code, title=f"Wave {code}", **values)


RESULT_QUESTIONS = [
    "SAFE_DARK",
    "POLICE_JOB",
    "CONF_LOCAL",
    "PRIORITY_CRIMES",
    "YEARS_IN_AREA",
    "COMMENTS",
    "AGE_BAND",
    "SEX",
    "DISTRICT",
]
TARGET_TOTALS = {
    "AGE_BAND": {
        "16_24": 60,
        "25_34": 70,
        "35_44": 70,
        "45_54": 80,
        "55_64": 80,
        "65_74": 70,
        "75_PLUS": 70,
    },
    "SEX": {"FEMALE": 255, "MALE": 245},
    "DISTRICT": {
        "CHELTENHAM": 95,
        "COTSWOLD": 70,
        "FOREST_OF_DEAN": 65,
        "GLOUCESTER": 100,
        "STROUD": 95,
        "TEWKESBURY": 75,
    },
}


STEPS = {"AGE_BAND": 1, "SEX": 7, "DISTRICT": 14}  # 7 x 2 x 6 combinations, each in turn
FREE_TEXT = "Please patrol Acacia Avenue"  # what every invented free-text answer says
_tokens = itertools.count(1)


def add_complete_responses(wave, count: int, *, seed: int = 1, **chosen: str) -> None:
    """`count` complete online responses to a wave of RESULT_QUESTIONS giving the `chosen`
    options (SEX="MALE", ...) and invented answers to the other questions: each age band, sex
    and district in turn, so that every combination is present, and the rest at random."""
    rng = random.Random(seed)
    for number in range(count):
        response = Response(
            wave=wave,
            mode=ResponseMode.ONLINE,
            status=ResponseStatus.COMPLETE,
            token=f"{wave.code}-{next(_tokens)}",
            started_on=wave.opens_on,
        )
        for question in wave.version.questions:
            if question.code in chosen:
                answers = [Answer(question=question, option_code=chosen[question.code])]
            else:
                answers = _invented_answers(question, number, rng)
            response.answers += answers
        db.session.add(response)
    db.session.commit()


def _invented_answers(question, number: int, rng: random.Random) -> list[Answer]:
    """The answers of the `number`th invented response to `question` (free text only sometimes)."""
    options = [option.code for option in question.options]
    if question.code in STEPS:
        known = options[:-1]  # all but "prefer not to say"
        code = known[(number // STEPS[question.code]) % len(known)]
        return [Answer(question=question, option_code=code)]
    if question.type is QuestionType.MULTIPLE:
        return [Answer(question=question, option_code=code) for code in rng.sample(options[:-1], 2)]
    if question.type is QuestionType.NUMBER:
        return [Answer(question=question, number=float(rng.randint(0, 40)))]
    if question.type is QuestionType.TEXT:
        return [Answer(question=question, text=FREE_TEXT)] if rng.random() < 0.1 else []
    return [Answer(question=question, option_code=rng.choice(options))]


def closed_wave_with_responses(
    code: str = "results-test", responses: int = 400, seed: int = 1, targets: bool = True
):
    """A closed wave of a bank survey with `responses` invented complete responses (see
    add_complete_responses) and, unless told not to, population targets in thousands for age
    band, sex and district from an invented census."""
    from datetime import date, timedelta

    from engage.surveys import weighting_services
    from engage.surveys.targets import template_csv

    today = date.today()
    wave = open_wave(
        code,
        RESULT_QUESTIONS,
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=1),
    )
    add_complete_responses(wave, responses, seed=seed)
    if targets:
        thousands = {
            variable: {category: 1000 * total for category, total in totals.items()}
            for variable, totals in TARGET_TOTALS.items()
        }
        weighting_services.upload_targets(
            wave.id,
            template_csv({v: list(t) for v, t in thousands.items()}, thousands).encode(),
            "An invented census, for tests",
        )
    return wave
