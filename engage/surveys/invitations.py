"""Invitation codes for a drawn address sample: made in batches per district, exported for a
mail merge, and counted as residents use them.

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), made with
`secrets`, unique across every wave, stored as typed without its hyphen and shown as
"ABCD-EFGH". Whether it was used is all that is kept, and only the day (`used_at` is midnight
UTC, set by the resident's pages), so it cannot be matched with a response's time.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from engage.core.columns import utcnow
from engage.core.models import Area, AreaKind
from engage.extensions import db
from engage.surveys.models import Invitation, Wave

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_PER_DISTRICT = 20_000
MAX_PER_BATCH = 50_000
MAIL_MERGE_COLUMNS = ("code", "district", "wave", "start_url", "batch", "used_on")


class InvitationError(ValueError):
    """Codes cannot be made as asked; the message says why."""


def new_code() -> str:
    """A random code of CODE_LENGTH characters from ALPHABET (about 40 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """A code as printed on a letter, in two groups: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}"


def districts() -> list[Area]:
    """The districts in use, by name: each gets its own codes."""
    query = select(Area).where(Area.kind == AreaKind.DISTRICT, Area.active).order_by(Area.name)
    return list(db.session.scalars(query))


def make_batch(wave_id: int, counts: Mapping[int, int]) -> int:
    """Make `counts[district_id]` new codes per district as the wave's next batch; its number."""
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        raise InvitationError("There is no such wave")
    allowed = {district.id for district in districts()}
    wanted = {district: number for district, number in counts.items() if number}
    if not wanted:
        raise InvitationError("Enter how many codes to make for at least one district")
    if set(wanted) - allowed:
        raise InvitationError("Codes can only be made for districts in use")
    if any(number < 0 or number > MAX_PER_DISTRICT for number in wanted.values()):
        raise InvitationError(f"Make from 0 to {MAX_PER_DISTRICT:,} codes per district")
    if sum(wanted.values()) > MAX_PER_BATCH:
        raise InvitationError(f"Make at most {MAX_PER_BATCH:,} codes in one batch")
    batch = (
        db.session.scalar(select(func.max(Invitation.batch)).where(Invitation.wave_id == wave_id))
        or 0
    ) + 1
    codes = iter(_unused_codes(sum(wanted.values())))
    db.session.add_all(
        Invitation(wave_id=wave_id, district_id=district, code=next(codes), batch=batch)
        for district, number in wanted.items()
        for _ in range(number)
    )
    db.session.commit()
    return batch


def _unused_codes(count: int) -> list[str]:
    """`count` new codes that no wave has used (collisions are rare, but checked)."""
    codes: set[str] = set()
    while len(codes) < count:
        candidates = {new_code() for _ in range(count - len(codes))} - codes
        taken = set()
        listed = sorted(candidates)
        for start in range(0, len(listed), 500):
            chunk = listed[start : start + 500]
            taken |= set(
                db.session.scalars(select(Invitation.code).where(Invitation.code.in_(chunk)))
            )
        codes |= candidates - taken
    shuffled = list(codes)
    secrets.SystemRandom().shuffle(shuffled)  # no district gets a run of look-alike codes
    return shuffled


@dataclass(frozen=True)
class DistrictUsage:
    """How many of a district's codes were made and used."""

    district: str
    made: int
    used: int

    @property
    def unused(self) -> int:
        return self.made - self.used


@dataclass(frozen=True)
class BatchSummary:
    """One batch of codes: when it was made, how many, how many used."""

    number: int
    made_at: datetime
    made: int
    used: int


def usage(wave_id: int) -> list[DistrictUsage]:
    """Codes made and used per district (every district in use, and any other with codes)."""
    query = (
        select(Area.name, func.count(Invitation.id), func.count(Invitation.used_at))
        .join(Invitation, Invitation.district_id == Area.id)
        .where(Invitation.wave_id == wave_id)
        .group_by(Area.name)
    )
    counted = {name: (made, used) for name, made, used in db.session.execute(query)}
    names = [district.name for district in districts()]
    names += sorted(set(counted) - set(names))
    return [DistrictUsage(name, *counted.get(name, (0, 0))) for name in names]


def batches(wave_id: int) -> list[BatchSummary]:
    """The wave's batches, first first."""
    query = (
        select(
            Invitation.batch,
            func.min(Invitation.created_at),
            func.count(Invitation.id),
            func.count(Invitation.used_at),
        )
        .where(Invitation.wave_id == wave_id)
        .group_by(Invitation.batch)
        .order_by(Invitation.batch)
    )
    return [BatchSummary(*row) for row in db.session.execute(query)]


def recently_used(wave_id: int, limit: int = 20) -> list[Invitation]:
    """The codes used most recently, newest first."""
    query = (
        select(Invitation)
        .options(joinedload(Invitation.district))  # the page names each code's district
        .where(Invitation.wave_id == wave_id, Invitation.used_at.is_not(None))
        .order_by(Invitation.used_at.desc(), Invitation.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def mail_merge_csv(
    wave_id: int, start_url: str, batch: int | None = None, unused_only: bool = False
) -> bytes:
    """The codes as CSV for a mail merge: one row per code, UTF-8 with a BOM so Excel reads it.

    `batch` narrows it to one batch; `unused_only` to codes not yet used (for reminders).
    """
    wave = db.session.get(Wave, wave_id)
    query = (
        select(Invitation.code, Area.name, Invitation.batch, Invitation.used_at)
        .join(Area, Invitation.district_id == Area.id)
        .where(Invitation.wave_id == wave_id)
        .order_by(Invitation.batch, Area.name, Invitation.id)
    )
    if batch is not None:
        query = query.where(Invitation.batch == batch)
    if unused_only:
        query = query.where(Invitation.used_at.is_(None))
    rows = (
        (
            shown(code),
            district,
            wave.code,
            start_url,
            number,
            used_at.date().isoformat() if used_at else "",
        )
        for code, district, number, used_at in db.session.execute(query)
    )
    return csv_bytes(MAIL_MERGE_COLUMNS, rows)


def batch_exists(wave_id: int, batch: int) -> bool:
    """Whether the wave has a batch with this number."""
    query = select(Invitation.id).where(Invitation.wave_id == wave_id, Invitation.batch == batch)
    return db.session.scalar(query.limit(1)) is not None


def mark_used(invitation_id: int, wave_id: int) -> bool:
    """Mark an invitation used, once; False if it already was.

    A plain UPDATE rather than the ORM, so the audit log does not record the resident's address
    against the invitation, and only the day is kept, so the time cannot be matched with a
    response's submission time.
    """
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    marked = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.wave_id == wave_id,
            Invitation.used_at.is_(None),
        )
        .values(used_at=today)
        .execution_options(synchronize_session=False)
    )
    return marked.rowcount == 1


def used_on(invitation: Invitation) -> str:
    """The day a code was used, like '1 Jul 2026' (only the day is kept)."""
    day = invitation.used_at.date() if invitation.used_at else None
    return f"{day.day} {day:%b %Y}" if day else ""


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    """CSV as Excel opens it: UTF-8 with a byte-order mark, CRLF lines, and no cell that a
    spreadsheet would run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
