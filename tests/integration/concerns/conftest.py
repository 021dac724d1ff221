"""Signed-in clients the concern pages' tests share: staff, and partners of two agencies."""

from __future__ import annotations

import pytest

from engage.auth.permissions import Role
from tests.concern_factories import COUNCIL
from tests.factories import agency


@pytest.fixture
def staff(sign_in):
    """A member of the commissioner's office staff."""
    return sign_in(Role.STAFF)


@pytest.fixture
def police(sign_in):
    """A partner from the police, which leads the concerns the factory triages."""
    return sign_in(Role.PARTNER, agency=agency())


@pytest.fixture
def council(sign_in):
    """A partner from the county council, which the tests refer concerns to."""
    return sign_in(Role.PARTNER, agency=agency(COUNCIL))
