"""The audit log: who changed or read which record, when, and from which address.

Changes are captured for every model marked `Audited` by one flush listener, so no service can
forget to log; reads of confidential records and security events are logged explicitly.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import JSON, ForeignKey, String, Text, event, insert, inspect, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engage.core.columns import UTCDateTime, utcnow
from engage.extensions import db


class Audited:
    """Mixin: changes to rows of this model are written to the audit log automatically.

    `__audit_exclude__` names columns whose values must never be copied into the log.
    """

    __audit_exclude__: frozenset[str] = frozenset()
    __audit_label__: str | None = None


class AuditEvent(db.Model):
    """One entry in the audit log; never updated or deleted by the application."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40), index=True)
    record_type: Mapped[str] = mapped_column(String(60), index=True)
    record_id: Mapped[str | None] = mapped_column(String(64), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict | None] = mapped_column(JSON)
    ip_address: Mapped[str | None] = mapped_column(String(45))


SYSTEM_ACTOR = "system (command line)"


def _actor() -> tuple[int | None, str, str | None]:
    """Who is acting now: the signed-in user of this request, anonymous, or the command line."""
    if not has_request_context():
        return None, SYSTEM_ACTOR, None
    user = g.get("actor")
    if user is None:
        return None, "anonymous", request.remote_addr
    return user.id, user.email, request.remote_addr


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _label(obj: Audited) -> str:
    return obj.__audit_label__ or obj.__tablename__


def _event_row(action: str, obj: Audited, changes: dict | None, summary: str = "") -> dict:
    actor_id, actor, ip = _actor()
    identity = inspect(obj).mapper.primary_key_from_instance(obj)
    return {
        "occurred_at": utcnow(),
        "actor_id": actor_id,
        "actor": actor,
        "action": action,
        "record_type": _label(obj),
        "record_id": ",".join(str(part) for part in identity) if any(identity) else None,
        "summary": summary or str(obj)[:500],
        "changes": changes,
        "ip_address": ip,
    }


def _unloaded_old_values(session: Session, obj: Audited) -> dict[str, Any]:
    """Old values of changed columns that were never loaded (set after a commit expired them).

    Read from the database before the flush overwrites them, so the log can show old → new.
    """
    state = inspect(obj)
    keys = [
        attr.key
        for attr in state.mapper.column_attrs
        if state.attrs[attr.key].history.added and not state.attrs[attr.key].history.deleted
    ]
    if not keys or state.key is None:
        return {}
    table = state.mapper.local_table
    columns = [state.mapper.column_attrs[key].columns[0] for key in keys]
    where = [column == value for column, value in zip(table.primary_key, state.key[1], strict=True)]
    row = session.connection().execute(select(*columns).where(*where)).one_or_none()
    return dict(zip(keys, row, strict=True)) if row else {}


@event.listens_for(Session, "before_flush")
def _remember_old_values(session: Session, flush_context, instances) -> None:
    """Keep the stored values of audited records about to change, for the after-flush log."""
    remembered = session.info.setdefault("audit_old_values", {})
    for obj in session.dirty:
        if isinstance(obj, Audited):
            remembered[id(obj)] = _unloaded_old_values(session, obj)


def _changes(obj: Audited, *, new: bool, old_values: dict | None = None) -> dict[str, list]:
    """Column changes as {name: [old, new]}; for a new record, every set value."""
    state = inspect(obj)
    old_values = old_values or {}
    changes: dict[str, list] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in obj.__audit_exclude__:
            continue
        history = state.attrs[attr.key].history
        if new:
            value = getattr(obj, attr.key)
            if value is not None:
                changes[attr.key] = [None, _plain(value)]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else old_values.get(attr.key)
            value = history.added[0] if history.added else None
            if _plain(old) != _plain(value):
                changes[attr.key] = [_plain(old), _plain(value)]
    for rel in state.mapper.relationships:
        if rel.secondary is None or rel.key in obj.__audit_exclude__:
            continue
        history = state.attrs[rel.key].history
        if history.added or history.deleted:
            changes[rel.key] = [
                sorted(str(item) for item in history.deleted),
                sorted(str(item) for item in history.added),
            ]
    return changes


@event.listens_for(Session, "after_flush")
def _log_changes(session: Session, flush_context) -> None:
    """Write an audit row for every audited record this flush created, changed or deleted."""
    rows = []
    remembered = session.info.pop("audit_old_values", {})
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(_event_row("create", obj, _changes(obj, new=True)))
    for obj in session.dirty:
        if isinstance(obj, Audited):
            changes = _changes(obj, new=False, old_values=remembered.get(id(obj)))
            if changes:
                rows.append(_event_row("update", obj, changes))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(_event_row("delete", obj, None))
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def record_event(action: str, obj: Audited, summary: str = "", actor=None) -> None:
    """Log an event that is not a column change (a read, a sign-in), in the current transaction.

    `actor` names the user when the request has none yet (for example at sign-in).
    """
    row = _event_row(action, obj, None, summary)
    if actor is not None:
        row["actor_id"], row["actor"] = actor.id, actor.email
    db.session.add(AuditEvent(**row))


def record_read(obj: Audited) -> None:
    """Log that the current user read a confidential record; call it wherever one is shown."""
    record_event("read", obj, f"Read {_label(obj)} {obj}")


def search(
    *,
    actor: str = "",
    action: str = "",
    record_type: str = "",
    record_id: str = "",
    text: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
):
    """A select of audit events, newest first, narrowed by whichever filters are given."""
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if actor:
        query = query.where(AuditEvent.actor.ilike(f"%{actor}%"))
    if action:
        query = query.where(AuditEvent.action == action)
    if record_type:
        query = query.where(AuditEvent.record_type == record_type)
    if record_id:
        query = query.where(AuditEvent.record_id == record_id)
    if text:
        query = query.where(
            or_(AuditEvent.summary.ilike(f"%{text}%"), AuditEvent.ip_address == text)
        )
    if since:
        query = query.where(AuditEvent.occurred_at >= since)
    if until:
        query = query.where(AuditEvent.occurred_at < until)
    return query


def actions() -> list[str]:
    """Every action that appears in the log, for the search form's choices."""
    query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(query))


def record_types() -> list[str]:
    """Every record type that appears in the log, for the search form's choices."""
    return list(
        db.session.scalars(select(AuditEvent.record_type).distinct().order_by("record_type"))
    )
