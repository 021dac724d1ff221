"""Account services: sign-in, invitations, password resets and role changes.

Each takes plain values, does its work in one transaction and raises AccountError with a
message a user can act on. Mail is sent by the caller after the commit, so a mail failure
never leaves a half-made account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from engage.auth.models import AccountToken, TokenPurpose, User
from engage.auth.passwords import password_problems
from engage.auth.permissions import Role, binding_problems, may_invite
from engage.core import audit
from engage.core.columns import utcnow
from engage.core.models import Agency, Area, AreaKind
from engage.extensions import db

# Checked against when no account matches, so a wrong email takes as long as a wrong password.
_UNUSABLE_HASH = generate_password_hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A request about an account cannot be carried out; the message says why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    """Emails are compared without case or surrounding spaces."""
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The account with this email address, if there is one."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user whose email and password match, or None; failures are audited."""
    user = find_user(email)
    if user is None or user.password_hash is None:
        check_password_hash(_UNUSABLE_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        audit.record_event("sign-in failed", user, "Wrong password or inactive account")
        db.session.commit()
        return None
    user.last_sign_in_at = utcnow()
    audit.record_event("sign-in", user, "Signed in", actor=user)
    db.session.commit()
    return user


def record_sign_out(user: User) -> None:
    """Note in the audit log that a user signed out."""
    audit.record_event("sign-out", user, "Signed out")
    db.session.commit()


def _issue_token(user: User, purpose: TokenPurpose, lifetime: timedelta, by: User | None) -> str:
    """Create a single-use token, retiring any unused one for the same purpose."""
    now = utcnow()
    for old in db.session.scalars(
        select(AccountToken).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
    ):
        old.used_at = now
    secret = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user=user,
            purpose=purpose,
            digest=_digest(secret),
            expires_at=now + lifetime,
            created_by_id=by.id if by else None,
        )
    )
    return secret


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_token(secret: str, purpose: TokenPurpose) -> AccountToken:
    """The live token for `secret`, or AccountError saying why the link cannot be used."""
    token = db.session.scalar(select(AccountToken).where(AccountToken.digest == _digest(secret)))
    if token is None or token.purpose != purpose:
        raise AccountError(
            "This link is not valid. Check you copied the whole link from the email."
        )
    if token.used_at is not None:
        raise AccountError("This link has already been used. Each link works once.")
    if token.expires_at <= utcnow():
        raise AccountError("This link has expired.")
    if not token.user.active:
        raise AccountError("This account has been closed. Contact the office if you need it.")
    return token


def _validate_bindings(role: Role, agency_id: int | None, parish_ids: list[int]) -> list[Area]:
    problems = binding_problems(role, agency_id, parish_ids)
    if problems:
        field, problem = next(iter(problems.items()))
        raise AccountError(problem, field=field)
    if agency_id is not None and db.session.get(Agency, agency_id) is None:
        raise AccountError("Choose an agency from the list", field="agency")
    parishes = list(
        db.session.scalars(
            select(Area).where(Area.id.in_(parish_ids), Area.kind == AreaKind.PARISH)
        )
    )
    if len(parishes) != len(set(parish_ids)):
        raise AccountError("Choose parishes from the list", field="parishes")
    return parishes


def invite(
    inviter: User,
    *,
    email: str,
    name: str,
    role: Role,
    agency_id: int | None,
    parish_ids: list[int],
    lifetime: timedelta,
) -> tuple[User, str]:
    """Create an account with no password yet, and the secret for its invitation link."""
    if not may_invite(inviter.role, role):
        raise AccountError(f"You cannot create {role.label.lower()} accounts", field="role")
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError("There is already an account with this email address", field="email")
    parishes = _validate_bindings(role, agency_id, parish_ids)
    user = User(email=email, name=name.strip(), role=role, agency_id=agency_id, parishes=parishes)
    db.session.add(user)
    db.session.flush()
    secret = _issue_token(user, TokenPurpose.INVITATION, lifetime, inviter)
    db.session.commit()
    return user, secret


def reinvite(inviter: User, user: User, lifetime: timedelta) -> str:
    """A fresh invitation link for someone who has not yet set a password."""
    if user.password_hash is not None:
        raise AccountError("This person has already accepted their invitation.")
    if not may_invite(inviter.role, user.role):
        raise AccountError(f"You cannot invite {user.role.label.lower()} accounts")
    secret = _issue_token(user, TokenPurpose.INVITATION, lifetime, inviter)
    db.session.commit()
    return secret


def set_password_with_token(secret: str, purpose: TokenPurpose, password: str) -> User:
    """Accept an invitation or finish a reset: check the link and the password, then save."""
    token = check_token(secret, purpose)
    user = token.user
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise AccountError(problems[0], field="password")
    user.password_hash = generate_password_hash(password)
    user.end_sessions()
    token.used_at = utcnow()
    action = "invitation accepted" if purpose is TokenPurpose.INVITATION else "password reset"
    audit.record_event(action, user, action.capitalize(), actor=user)
    db.session.commit()
    return user


def request_password_reset(email: str, lifetime: timedelta) -> tuple[User, str] | None:
    """A reset secret for an active account with a password; None otherwise (say nothing)."""
    user = find_user(email)
    if user is None or not user.is_active:
        return None
    secret = _issue_token(user, TokenPurpose.PASSWORD_RESET, lifetime, None)
    audit.record_event("password reset requested", user, "Reset link requested", actor=user)
    db.session.commit()
    return user, secret


def change_password(user: User, current: str, new: str) -> None:
    """Change a password after checking the current one; other sessions are signed out."""
    if not check_password_hash(user.password_hash or _UNUSABLE_HASH, current):
        raise AccountError("Your current password is not correct", field="current_password")
    problems = password_problems(new, email=user.email, name=user.name)
    if problems:
        raise AccountError(problems[0], field="password")
    user.password_hash = generate_password_hash(new)
    user.end_sessions()
    audit.record_event("password changed", user, "Password changed")
    db.session.commit()


def update_account(
    editor: User,
    user: User,
    *,
    name: str,
    role: Role,
    agency_id: int | None,
    parish_ids: list[int],
) -> None:
    """Change a person's name, role and bindings (admins only, enforced by the route)."""
    if user.id == editor.id and role is not Role.ADMIN:
        raise AccountError("You cannot remove your own administrator role", field="role")
    user.parishes = _validate_bindings(role, agency_id, parish_ids)
    user.name, user.role, user.agency_id = name.strip(), role, agency_id
    db.session.commit()


def set_active(editor: User, user: User, active: bool) -> None:
    """Close or reopen an account; closing ends its sessions at once."""
    if user.id == editor.id:
        raise AccountError("You cannot close your own account")
    user.active = active
    if not active:
        user.end_sessions()
    db.session.commit()


def list_users() -> list[User]:
    """Every account, by name."""
    return list(db.session.scalars(select(User).order_by(func.lower(User.name))))
