"""Importing a fieldwork agency's file of responses: kept between steps, stored all or nothing.

Between upload and import the file waits on the server, never in the browser: it is read once
and kept, already parsed, in an upload folder (instance/imports/ unless the app sets another),
under a random ticket the user's signed session names. A pending import is the user's own, for
one wave, and is deleted when it is imported or cancelled; anything left behind is swept away
after UPLOAD_LIFETIME. With more than one app server the folder must be shared between them.

Storing is all or nothing: every row is checked again, and if any is refused nothing is stored.
A file already imported into the wave (the same SHA-256) is refused, not stored twice.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from engage.auth.models import User
from engage.core.columns import utcnow
from engage.extensions import db
from engage.surveys.import_files import FileRefused, Table, base_name, digest_of, read_table
from engage.surveys.imports import (
    ImportMapping,
    MappingError,
    RefusedRow,
    check_rows,
)
from engage.surveys.models import (
    Answer,
    Response,
    ResponseImport,
    ResponseMode,
    ResponseStatus,
)
from engage.surveys.questions import AnswerValue
from engage.surveys.services import specs_of, wave_by_id

UPLOAD_LIFETIME = timedelta(hours=24)
TICKET = re.compile(r"[0-9a-f]{32}")
LONDON = ZoneInfo("Europe/London")


class ImportRefused(ValueError):
    """A file or an import is refused; the message says why, `refused` lists bad rows."""

    def __init__(self, message: str, refused: Sequence[RefusedRow] = ()):
        super().__init__(message)
        self.refused = tuple(refused)


class AlreadyImported(ImportRefused):
    """The same file has already been imported into this wave."""


@dataclass(frozen=True)
class PendingImport:
    """An uploaded file waiting to be matched and imported by the user who uploaded it."""

    ticket: str
    wave_id: int
    user_id: int | None
    filename: str
    digest: str
    rows: int
    uploaded_at: str
    mapping: dict = field(default_factory=dict)

    @property
    def import_mapping(self) -> ImportMapping:
        return ImportMapping.from_dict(self.mapping)


@dataclass(frozen=True)
class ImportSummary:
    """A past import of the wave, for the list on the upload page."""

    id: int
    filename: str
    rows: int
    imported_at: datetime
    imported_by: str


def start_import(
    folder: Path, wave_id: int, user_id: int | None, filename: str, content: bytes
) -> PendingImport:
    """Read an uploaded file and keep it for the next steps; ImportRefused if it cannot be used."""
    filename = base_name(filename)[:255] or "upload"
    digest = digest_of(content)
    _refuse_if_imported(wave_id, digest, filename)
    try:
        table = read_table(filename, content)
    except FileRefused as error:
        raise ImportRefused(str(error)) from None
    sweep(folder)
    pending = PendingImport(
        ticket=secrets.token_hex(16),
        wave_id=wave_id,
        user_id=user_id,
        filename=filename,
        digest=digest,
        rows=table.rows,
        uploaded_at=utcnow().isoformat(),
    )
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    data, _ = _paths(folder, pending.ticket)
    _write(data, lambda path: table.frame.to_parquet(path))
    table_meta = {
        "kind": table.kind,
        "value_labels": table.value_labels,
        "column_labels": table.column_labels,
        "empty_rows": table.empty_rows,
        "note": table.note,
    }
    _save(folder, pending, table_meta)
    return pending


def pending_import(
    folder: Path, ticket: str | None, wave_id: int, user_id: int | None
) -> PendingImport | None:
    """The user's pending import for this wave, if the ticket names one that is still kept."""
    if not ticket or not TICKET.fullmatch(ticket):
        return None
    data, meta = _paths(folder, ticket)
    try:
        pending = PendingImport(**json.loads(meta.read_text(encoding="utf-8"))["pending"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if pending.wave_id != wave_id or pending.user_id != user_id or not data.exists():
        return None
    return pending


def pending_table(folder: Path, pending: PendingImport) -> Table:
    """The pending file's rows, as read at upload."""
    data, meta = _paths(folder, pending.ticket)
    try:
        stored = json.loads(meta.read_text(encoding="utf-8"))["table"]
        frame = pd.read_parquet(data)
    except (OSError, ValueError, KeyError):
        raise ImportRefused(
            "The uploaded file is no longer kept (uploads are kept for a day): upload it again"
        ) from None
    return Table(frame=frame, **stored)


def save_mapping(folder: Path, pending: PendingImport, mapping: ImportMapping) -> PendingImport:
    """Keep how the pending file's columns and values are matched."""
    updated = replace(pending, mapping=mapping.to_dict())
    _, meta = _paths(folder, pending.ticket)
    table_meta = json.loads(meta.read_text(encoding="utf-8"))["table"]
    _save(folder, updated, table_meta)
    return updated


def finish_import(
    folder: Path, pending: PendingImport, table: Table, imported_by_id: int | None
) -> ResponseImport:
    """Store the pending file's responses (all or nothing), then forget the upload.

    `table` is the pending file's rows, from `pending_table`.
    """
    record = import_responses(
        pending.wave_id,
        filename=pending.filename,
        digest=pending.digest,
        table=table,
        mapping=pending.import_mapping,
        imported_by_id=imported_by_id,
    )
    discard(folder, pending.ticket)
    return record


def import_responses(
    wave_id: int,
    *,
    filename: str,
    digest: str,
    table: Table,
    mapping: ImportMapping,
    imported_by_id: int | None,
) -> ResponseImport:
    """Store every row as a complete response in one transaction, or nothing if any is refused."""
    wave = wave_by_id(wave_id)
    _refuse_if_imported(wave_id, digest, filename)
    questions = {question.code: question.id for question in wave.version.questions}
    try:
        check = check_rows(table, mapping, specs_of(wave.version))
    except MappingError as error:
        raise ImportRefused(str(error)) from None
    if check.refused:
        raise ImportRefused(
            f"{len(check.refused):,} of {check.rows:,} rows are refused, so nothing is imported",
            check.refused,
        )
    if not check.accepted:
        raise ImportRefused("The file has no responses to import")
    record = ResponseImport(
        wave_id=wave_id,
        filename=filename,
        digest=digest,
        rows=len(check.accepted),
        mapping=mapping.to_dict(),
        imported_by_id=imported_by_id,
    )
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:  # the same file, imported a moment ago by someone else
        db.session.rollback()
        raise AlreadyImported(f"{filename} has just been imported into this wave") from None
    now = utcnow()
    today = now.astimezone(LONDON).date()
    response_ids = db.session.scalars(
        insert(Response).returning(Response.id, sort_by_parameter_order=True),
        [
            {
                "wave_id": wave_id,
                "mode": ResponseMode.IMPORT,
                "status": ResponseStatus.COMPLETE,
                "token": secrets.token_urlsafe(32),
                "started_on": today,
                "submitted_at": now,
                "entered_by_id": imported_by_id,
                "import_id": record.id,
                "import_row": row.row,
            }
            for row in check.accepted
        ],
    ).all()
    answers = [
        answer
        for response_id, row in zip(response_ids, check.accepted, strict=True)
        for code, value in row.answers.items()
        for answer in answer_rows(response_id, questions[code], value)
    ]
    if answers:
        # A Core insert: the ORM's bulk insert leaves out None values, so rows of mixed kinds
        # (options, numbers, text) would be sent in many small batches.
        db.session.execute(insert(Answer.__table__), answers)
    db.session.commit()
    return record


def answer_rows(response_id: int, question_id: int, value: AnswerValue) -> list[dict]:
    """The Answer rows for one answer, for a bulk insert: one per chosen option, or one number
    or text (every column given, so rows of all kinds go in one batch)."""
    row = {"response_id": response_id, "question_id": question_id}
    if isinstance(value, tuple):
        return [{**row, "option_code": code, "number": None, "text": None} for code in value]
    if isinstance(value, float):
        return [{**row, "option_code": None, "number": value, "text": None}]
    return [{**row, "option_code": None, "number": None, "text": value}]


def previous_import(wave_id: int, digest: str) -> ResponseImport | None:
    """The wave's import of the file with this digest, if it has been imported."""
    query = select(ResponseImport).where(
        ResponseImport.wave_id == wave_id, ResponseImport.digest == digest
    )
    return db.session.scalar(query)


def _refuse_if_imported(wave_id: int, digest: str, filename: str) -> None:
    earlier = previous_import(wave_id, digest)
    if earlier is not None:
        when = earlier.imported_at.astimezone(LONDON)
        raise AlreadyImported(
            f"{filename} has already been imported into this wave (as {earlier.filename}, "
            f"{when.day} {when:%B %Y at %H:%M}, {earlier.rows:,} responses): "
            "the same file is not imported twice"
        )


def imports_of(wave_id: int) -> list[ImportSummary]:
    """The wave's imports, newest first, with who made each."""
    query = (
        select(ResponseImport, User.name)
        .outerjoin(User, User.id == ResponseImport.imported_by_id)
        .where(ResponseImport.wave_id == wave_id)
        .order_by(ResponseImport.imported_at.desc(), ResponseImport.id.desc())
    )
    return [
        ImportSummary(record.id, record.filename, record.rows, record.imported_at, name or "")
        for record, name in db.session.execute(query)
    ]


def discard(folder: Path, ticket: str) -> None:
    """Delete a pending upload's files."""
    if not TICKET.fullmatch(ticket or ""):
        return
    for path in _paths(folder, ticket):
        path.unlink(missing_ok=True)


def sweep(folder: Path, now: datetime | None = None) -> None:
    """Delete uploads older than UPLOAD_LIFETIME that were never imported or cancelled."""
    if not folder.is_dir():
        return
    cutoff = (now or datetime.now(UTC)).timestamp() - UPLOAD_LIFETIME.total_seconds()
    for path in folder.iterdir():
        if TICKET.fullmatch(path.name.split(".", 1)[0]):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except OSError:
                continue


def _paths(folder: Path, ticket: str) -> tuple[Path, Path]:
    return folder / f"{ticket}.parquet", folder / f"{ticket}.json"


def _save(folder: Path, pending: PendingImport, table_meta: dict) -> None:
    _, meta = _paths(folder, pending.ticket)
    text = json.dumps({"pending": asdict(pending), "table": table_meta})
    _write(meta, lambda path: path.write_text(text, encoding="utf-8"))


def _write(target: Path, write) -> None:
    """Write a file whole or not at all, readable only by the app."""
    partial = target.with_name(f"{target.name}.{secrets.token_hex(4)}.part")
    try:
        write(partial)
        partial.chmod(0o600)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
