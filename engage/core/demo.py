"""Demo data: one account per role, so a newcomer can see every view of Engage.

Later capabilities add their own demo records here. Never loaded in production.
"""

from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from engage.auth.models import User
from engage.auth.permissions import Role
from engage.core.models import Agency, Area
from engage.extensions import db

DEMO_PASSWORD = "engage-demo"

DEMO_ACCOUNTS = (
    ("admin@example.org", "Alex Admin", Role.ADMIN),
    ("staff@example.org", "Sam Staff", Role.STAFF),
    ("clerk@example.org", "Chris Clerk", Role.PARISH),
    ("partner@example.org", "Pat Partner", Role.PARTNER),
    ("volunteer@example.org", "Val Volunteer", Role.VOLUNTEER),
)
CLERK_PARISHES = ("charlton-kings", "prestbury")
PARTNER_AGENCY = "glos-police"


class DemoError(RuntimeError):
    """Demo data cannot be loaded here (production, or reference data missing)."""


def database_is_empty() -> bool:
    """True when no account exists yet: the only time demo data is loaded automatically."""
    return db.session.scalar(select(func.count(User.id))) == 0


def load_demo(env: str) -> int:
    """Create the demo accounts that do not exist yet; return how many were created."""
    if env == "production":
        raise DemoError("Demo data is never loaded when ENGAGE_ENV=production.")
    agency = db.session.scalar(select(Agency).where(Agency.code == PARTNER_AGENCY))
    parishes = list(db.session.scalars(select(Area).where(Area.code.in_(CLERK_PARISHES))))
    if agency is None or len(parishes) != len(CLERK_PARISHES):
        raise DemoError("Load the reference data first: flask engage load-reference")
    password_hash = generate_password_hash(DEMO_PASSWORD)
    created = 0
    for email, name, role in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).where(User.email == email)) is not None:
            continue
        user = User(email=email, name=name, role=role, password_hash=password_hash)
        if role is Role.PARISH:
            user.parishes = parishes
        if role is Role.PARTNER:
            user.agency = agency
        db.session.add(user)
        created += 1
    db.session.commit()
    return created
