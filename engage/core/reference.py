"""Reference data from the CSV files under engage/data/: parse and check, then load.

`read_reference` is pure (files in, rows out, every problem named by file and line);
`load_reference` writes them, adding new codes and leaving admin edits alone unless asked.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from engage.core.models import Agency, AgencyKind, Area, AreaKind, ConcernCategory, PlanPriority
from engage.extensions import db

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

FILES = {
    "areas.csv": ("code", "name", "kind", "parent_code", "gss_code", "council_name"),
    "agencies.csv": ("code", "name", "kind", "area_code", "email"),
    "concern_categories.csv": ("code", "name", "description"),
    "plan_priorities.csv": ("code", "number", "title", "description"),
}


class ReferenceError(ValueError):
    """The reference files are not usable; the message lists every problem found."""


@dataclass
class ReferenceSet:
    """Checked rows from each file, as plain dicts ready for the models."""

    areas: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)
    priorities: list[dict] = field(default_factory=list)


def _rows(path: Path, columns: tuple[str, ...], problems: list[str]) -> list[dict]:
    if not path.exists():
        problems.append(f"{path.name}: file is missing")
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in columns if column not in (reader.fieldnames or [])]
        if missing:
            problems.append(f"{path.name}: missing columns {', '.join(missing)}")
            return []
        rows = []
        seen: set[str] = set()
        for line, row in enumerate(reader, start=2):
            clean = {column: (row.get(column) or "").strip() for column in columns}
            if not clean["code"]:
                problems.append(f"{path.name} line {line}: code is empty")
            elif clean["code"] in seen:
                problems.append(f"{path.name} line {line}: code {clean['code']} appears twice")
            seen.add(clean["code"])
            clean["line"] = line
            rows.append(clean)
        return rows


def _enum(value: str, kind, where: str, problems: list[str]):
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        problems.append(f"{where}: kind {value!r} is not one of {allowed}")
        return None


def read_reference(directory: Path = DATA_DIR) -> ReferenceSet:
    """Read and check the four files; raise ReferenceError listing every problem."""
    problems: list[str] = []
    areas = _rows(directory / "areas.csv", FILES["areas.csv"], problems)
    agencies = _rows(directory / "agencies.csv", FILES["agencies.csv"], problems)
    categories = _rows(
        directory / "concern_categories.csv", FILES["concern_categories.csv"], problems
    )
    priorities = _rows(directory / "plan_priorities.csv", FILES["plan_priorities.csv"], problems)

    area_kinds = {}
    for row in areas:
        where = f"areas.csv line {row['line']}"
        row["kind"] = _enum(row["kind"], AreaKind, where, problems)
        area_kinds[row["code"]] = row["kind"]
        if not row["name"]:
            problems.append(f"{where}: name is empty")
    expected_parent = {AreaKind.DISTRICT: AreaKind.COUNTY, AreaKind.PARISH: AreaKind.DISTRICT}
    for row in areas:
        where = f"areas.csv line {row['line']}"
        if row["kind"] is None:
            continue  # already reported as a bad kind
        wanted = expected_parent.get(row["kind"])
        if wanted is None and row["parent_code"]:
            problems.append(f"{where}: a county has no parent")
        elif wanted is not None and area_kinds.get(row["parent_code"]) is not wanted:
            problems.append(f"{where}: parent {row['parent_code']!r} is not a {wanted.value}")
    for row in agencies:
        where = f"agencies.csv line {row['line']}"
        row["kind"] = _enum(row["kind"], AgencyKind, where, problems)
        if row["area_code"] and row["area_code"] not in area_kinds:
            problems.append(f"{where}: area {row['area_code']!r} is not in areas.csv")
    numbers = set()
    for row in priorities:
        where = f"plan_priorities.csv line {row['line']}"
        if not row["number"].isdigit():
            problems.append(f"{where}: number {row['number']!r} is not a whole number")
        elif row["number"] in numbers:
            problems.append(f"{where}: number {row['number']} appears twice")
        numbers.add(row["number"])
    if problems:
        raise ReferenceError("\n".join(problems))
    return ReferenceSet(areas, agencies, categories, priorities)


def _upsert(model, code: str, values: dict, update: bool) -> tuple[object, bool]:
    record = db.session.scalar(select(model).where(model.code == code))
    if record is None:
        record = model(code=code, **values)
        db.session.add(record)
        return record, True
    if update:
        for key, value in values.items():
            setattr(record, key, value)
    return record, False


def load_reference(reference: ReferenceSet, *, update: bool = False) -> int:
    """Add the rows whose codes are new (and with `update`, overwrite the rest); commit once.

    Returns how many rows were added.
    """
    added = 0
    areas: dict[str, Area] = {}
    # Parents first: the county, then districts, then parishes.
    order = {AreaKind.COUNTY: 0, AreaKind.DISTRICT: 1, AreaKind.PARISH: 2}
    for row in sorted(reference.areas, key=lambda row: order[row["kind"]]):
        values = {
            "name": row["name"],
            "kind": row["kind"],
            "parent": areas.get(row["parent_code"]),
            "gss_code": row["gss_code"] or None,
            "council_name": row["council_name"] or None,
        }
        areas[row["code"]], new = _upsert(Area, row["code"], values, update)
        added += new
    for row in reference.agencies:
        values = {
            "name": row["name"],
            "kind": row["kind"],
            "area": areas.get(row["area_code"]),
            "email": row["email"] or None,
        }
        added += _upsert(Agency, row["code"], values, update)[1]
    for row in reference.categories:
        values = {"name": row["name"], "description": row["description"]}
        added += _upsert(ConcernCategory, row["code"], values, update)[1]
    for row in reference.priorities:
        values = {
            "number": int(row["number"]),
            "title": row["title"],
            "description": row["description"],
        }
        added += _upsert(PlanPriority, row["code"], values, update)[1]
    db.session.commit()
    return added
