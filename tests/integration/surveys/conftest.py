"""Fixtures shared by the survey pages' tests."""

from __future__ import annotations

import pytest

from engage.auth.permissions import Role
from engage.extensions import db
from engage.surveys import weighting_services
from tests.factories import RESULT_QUESTIONS, open_wave


@pytest.fixture
def staff(sign_in):
    """A client signed in as a member of staff."""
    return sign_in(Role.STAFF)


@pytest.fixture
def new_wave():
    """An open wave of the results questions with no responses and no targets, weighted by age
    band, sex and district (the default), as its weighting pages first find it."""
    made = open_wave("weighting-pages", question_codes=RESULT_QUESTIONS)
    weighting_services.scheme_of(made)  # as the first visit to its weighting makes it
    db.session.commit()
    return made
