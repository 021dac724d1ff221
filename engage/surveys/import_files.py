"""An agency's file of responses read as text: CSV, Excel (.xlsx) or SPSS (.sav).

Pure: no Flask, no database. The kind is known from the file's name and its content together
(a name that does not match the content is refused), every cell becomes text as the agency
wrote it ("" when empty, whole numbers without ".0"), and rows keep the numbers staff see.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath

import pandas as pd

FILE_KINDS = {"csv": "CSV file", "xlsx": "Excel workbook (.xlsx)", "sav": "SPSS data file (.sav)"}
MAX_ROWS = 50_000
MAX_COLUMNS = 300
MAX_UNPACKED_BYTES = 250 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks to more


class FileRefused(ValueError):
    """The file cannot be read as responses; the message says why and what to do."""


@dataclass(frozen=True)
class Table:
    """A file's rows as text cells ("" when empty), indexed by the row numbers staff see.

    Row numbers are those a spreadsheet shows (the column names are row 1, so the first response
    is row 2) for CSV and Excel files, and case numbers (from 1) for SPSS files.
    """

    kind: str
    frame: pd.DataFrame
    value_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    column_labels: Mapping[str, str] = field(default_factory=dict)
    empty_rows: int = 0
    note: str = ""

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def rows(self) -> int:
        return len(self.frame)


def digest_of(content: bytes) -> str:
    """The SHA-256 of a file, which tells the same file imported twice."""
    return hashlib.sha256(content).hexdigest()


def base_name(filename: str) -> str:
    """The file's own name, without any folders a browser sent with it."""
    return PurePosixPath((filename or "").replace("\\", "/")).name.strip()


def file_kind(filename: str, content: bytes) -> str:
    """'csv', 'xlsx' or 'sav', when the name and the content agree; FileRefused otherwise."""
    name = base_name(filename) or "The file"
    if not content:
        raise FileRefused(f"{name} is empty")
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    found = _sniff(content)
    if extension not in FILE_KINDS:
        advice = " (save an older .xls workbook as .xlsx)" if found == "xls" else ""
        raise FileRefused(
            f"{name} is not a file Engage can import: upload a CSV file, an Excel workbook "
            f"(.xlsx) or an SPSS data file (.sav){advice}"
        )
    if found != extension:
        raise FileRefused(
            f"{name} is named as an {FILE_KINDS[extension]} but is not one: save it again "
            "in that format, or give it the name its format has"
        )
    return extension


def _sniff(content: bytes) -> str:
    """What the bytes are, from their signature: xlsx, sav, xls, zip, binary or csv (text)."""
    if content[:4] in (b"$FL2", b"$FL3"):
        return "sav"
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "binary"
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    if b"\x00" in content[:65536]:
        return "binary"
    return "csv"


def read_table(filename: str, content: bytes) -> Table:
    """Read a CSV, Excel or SPSS file into a Table; FileRefused says why one cannot be read."""
    kind = file_kind(filename, content)
    reader = {"csv": _read_csv, "xlsx": _read_excel, "sav": _read_sav}[kind]
    frame, value_labels, column_labels, note = reader(content)
    if len(frame.columns) > MAX_COLUMNS:
        raise FileRefused(
            f"The file has {len(frame.columns):,} columns; Engage imports up to {MAX_COLUMNS}"
        )
    if len(frame) > MAX_ROWS:
        raise FileRefused(
            f"The file has {len(frame):,} rows; Engage imports up to {MAX_ROWS:,} at a time: "
            "split it into smaller files"
        )
    # SPSS names are unique; a spreadsheet's header row is made unique here, by position.
    original = [str(column) for column in frame.columns]
    names = _column_names(frame.columns)
    renamed = dict(zip(original, names, strict=True))
    value_labels = {renamed[old]: labels for old, labels in value_labels.items() if old in renamed}
    column_labels = {
        renamed[old]: text for old, text in column_labels.items() if old in renamed and text
    }
    frame = frame.set_axis(names, axis="columns")
    frame = frame.map(_text) if len(frame) else frame.astype(object)
    frame.index = range(1 if kind == "sav" else 2, len(frame) + (1 if kind == "sav" else 2))
    filled = frame.ne("").any(axis=1)
    if not len(frame.columns) or not filled.any():
        raise FileRefused("The file has no responses in it: check it is the right file")
    return Table(
        kind=kind,
        frame=frame[filled].astype(str),
        value_labels=value_labels,
        column_labels=column_labels,
        empty_rows=int((~filled).sum()),
        note=note,
    )


def _column_names(columns) -> list[str]:
    """Each column's name as text: stripped, 'Column 3' when blank, '(2)' added to a repeat."""
    names: list[str] = []
    seen: set[str] = set()
    for position, column in enumerate(columns, start=1):
        name = _text(column) or f"Column {position}"
        base, count = name, 1
        while name.casefold() in seen:
            count += 1
            name = f"{base} ({count})"
        seen.add(name.casefold())
        names.append(name)
    return names


def _text(value: object) -> str:
    """A cell as text: '' when empty, whole numbers without '.0', dates without midnight."""
    if value is None or isinstance(value, str):
        return (value or "").strip()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        if pd.isna(value):
            return ""
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _read_csv(content: bytes):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRefused(
            "The CSV file's text cannot be read: save it as 'CSV UTF-8' and try again"
        )
    header = text.split("\n", 1)[0]
    separator = max((",", ";", "\t"), key=header.count)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except pd.errors.EmptyDataError:
        raise FileRefused("The file has no responses in it: check it is the right file") from None
    except (pd.errors.ParserError, csv.Error, ValueError) as error:
        message = " ".join(str(error).split())
        raise FileRefused(f"The CSV file cannot be read: {message}") from None
    return _header_first(frame), {}, {}, ""


def _header_first(frame: pd.DataFrame) -> pd.DataFrame:
    """The first row as column names (read as a row, so pandas does not rename repeats)."""
    if frame.empty:
        return frame
    return frame.iloc[1:].set_axis(list(frame.iloc[0]), axis="columns")


def _read_excel(content: bytes):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(entry.file_size for entry in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused("The workbook is too large once unpacked: save it as a CSV file instead")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles agencies' tools write
            with pd.ExcelFile(io.BytesIO(content), engine="openpyxl") as book:
                sheets = book.sheet_names
                frame = _header_first(pd.read_excel(book, sheet_name=0, header=None, dtype=object))
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise FileRefused(
            f"The Excel workbook cannot be read ({type(error).__name__}): open it in Excel, "
            "save it again and upload it"
        ) from None
    note = ""
    if len(sheets) > 1:
        note = f"Only the first of the workbook's {len(sheets)} sheets, “{sheets[0]}”, is read."
    return frame, {}, {}, note


def _read_sav(content: bytes):
    import pyreadstat  # imported here: only SPSS files need it

    try:
        frame, meta = pyreadstat.read_sav(io.BytesIO(content), apply_value_formats=False)
    except Exception as error:  # pyreadstat raises its own errors for a damaged file
        raise FileRefused(
            f"The SPSS file cannot be read ({type(error).__name__}): save it again from SPSS "
            "and upload it"
        ) from None
    value_labels = {
        column: {_text(value): str(label) for value, label in labels.items()}
        for column, labels in (meta.variable_value_labels or {}).items()
    }
    return frame, value_labels, dict(meta.column_names_to_labels or {}), ""


def examples(table: Table, column: str, count: int = 3) -> list[str]:
    """The first few different values in a column, to help match it to a question."""
    found: list[str] = []
    for cell in table.frame[column]:
        if cell and cell not in found:
            found.append(cell)
            if len(found) == count:
                break
    return found
