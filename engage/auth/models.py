"""User accounts and the single-use tokens that invite users and reset passwords."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.permissions import Role
from engage.core.audit import Audited
from engage.core.columns import UTCDateTime, enum_type, utcnow
from engage.core.models import Agency, Area
from engage.extensions import db

user_parishes = Table(
    "user_parishes",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id"), primary_key=True),
)


def _new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(Audited, db.Model):
    """A signed-in user of Engage. Residents never have accounts; everyone else is invited."""

    __tablename__ = "users"
    __audit_exclude__ = frozenset({"password_hash", "session_token", "last_sign_in_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login cookie: changing it (password change, deactivation) ends every session.
    session_token: Mapped[str] = mapped_column(String(64), default=_new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency | None] = relationship()
    parishes: Mapped[list[Area]] = relationship(secondary=user_parishes, order_by=Area.name)

    # Flask-Login's interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active and self.password_hash is not None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Sign this user out everywhere by changing the token every session carries."""
        self.session_token = _new_session_token()

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class TokenPurpose(enum.StrEnum):
    """What a mailed link lets its holder do, once."""

    INVITATION = "invitation"
    PASSWORD_RESET = "password reset"


class AccountToken(db.Model):
    """A single-use, expiring secret sent by e-mail; only its SHA-256 digest is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
