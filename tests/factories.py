"""Test data factories: valid records with the fewest details a test needs to state."""

from __future__ import annotations

import factory
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from engage.auth.models import User
from engage.auth.permissions import Role
from engage.core.models import Agency, Area, AreaKind
from engage.extensions import db

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
