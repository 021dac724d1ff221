"""Services for admins editing reference data: list, add, change and retire rows.

Each takes plain values, checks them before touching a record, commits once and raises
ReferenceEditError with a message a user can act on. Rows are retired, never deleted; codes are
set once, because other records and the CSV files refer to them. The audit log records every
change by itself (see engage.core.audit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage.core.models import (
    Agency,
    AgencyKind,
    Area,
    AreaKind,
    ConcernCategory,
    PlanPriority,
    ReferenceData,
)
from engage.extensions import db

CODE_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CODE_RULE = "Code must use only lowercase letters, digits and single hyphens, like rural-crime"
CODE_MAX_LENGTH = 64
GSS_PATTERN = re.compile(r"[EWSN]\d{8}")
GSS_RULE = "GSS code must be a capital letter and 8 digits, like E07000078"

AGENCY_KIND_LABELS = {
    AgencyKind.POLICE: "Police",
    AgencyKind.COUNTY_COUNCIL: "County council",
    AgencyKind.DISTRICT_COUNCIL: "District council",
    AgencyKind.OPCC: "Office of the Police and Crime Commissioner",
    AgencyKind.OTHER: "Other",
}


class ReferenceEditError(ValueError):
    """A change to reference data cannot be made; the message says why, `field` says where."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ReferenceKind:
    """One kind of reference data, as it appears in URLs and in the users' words."""

    slug: str
    model: type[ReferenceData]
    title: str
    singular: str
    description: str

    @property
    def add_label(self) -> str:
        """The words for adding a row, like 'Add an agency'."""
        article = "an" if self.singular[0] in "aeiou" else "a"
        return f"Add {article} {self.singular}"


KINDS: dict[str, ReferenceKind] = {
    kind.slug: kind
    for kind in (
        ReferenceKind(
            "areas", Area, "Areas", "area", "The county, its districts, and parishes and towns."
        ),
        ReferenceKind(
            "agencies",
            Agency,
            "Agencies",
            "agency",
            "The force, councils and others who respond to concerns and findings.",
        ),
        ReferenceKind(
            "categories",
            ConcernCategory,
            "Concern categories",
            "concern category",
            "What a concern is about, for filtering and trends.",
        ),
        ReferenceKind(
            "priorities",
            PlanPriority,
            "Plan priorities",
            "plan priority",
            "The priorities of the Police and Crime Plan, in the plan's order.",
        ),
    )
}


def counts() -> dict[str, tuple[int, int]]:
    """For each kind: how many rows, and how many of them are retired."""
    totals = {}
    for slug, kind in KINDS.items():
        by_state = dict(
            db.session.execute(
                select(kind.model.active, func.count()).group_by(kind.model.active)
            ).all()
        )
        retired = by_state.get(False, 0)
        totals[slug] = (retired + by_state.get(True, 0), retired)
    return totals


def find(slug: str, record_id: int) -> ReferenceData | None:
    """The row of this kind with this id, or None (also when the id belongs to another kind)."""
    return db.session.get(KINDS[slug].model, record_id)


def _area_order(area: Area) -> tuple:
    """County first, then each district followed by its parishes, by name."""
    if area.kind is AreaKind.COUNTY:
        return ("", 0, "", area.id)
    district = area.district
    district_key = (district.name, district.id) if district else ("", 0)
    if area.kind is AreaKind.DISTRICT:
        return (*district_key, "", area.id)
    return (*district_key, area.name, area.id)


def areas_in_order(*, active_only: bool = False) -> list[Area]:
    """Every area, the county first, each district followed by its parishes and towns."""
    query = select(Area).options(selectinload(Area.parent))
    if active_only:
        query = query.where(Area.active)
    return sorted(db.session.scalars(query), key=_area_order)


def districts() -> list[Area]:
    """Every district, by name."""
    return list(
        db.session.scalars(select(Area).where(Area.kind == AreaKind.DISTRICT).order_by(Area.name))
    )


def listing(slug: str) -> list[ReferenceData]:
    """The rows of one kind in the order admins read them."""
    if slug == "areas":
        return areas_in_order()
    if slug == "agencies":
        query = select(Agency).options(selectinload(Agency.area)).order_by(Agency.name)
    elif slug == "categories":
        query = select(ConcernCategory).order_by(ConcernCategory.name)
    else:
        query = select(PlanPriority).order_by(
            PlanPriority.number, PlanPriority.active.desc(), PlanPriority.title
        )
    return list(db.session.scalars(query))


def _text(value: str | None) -> str:
    return (value or "").strip()


def _required(value: str | None, message: str, field: str) -> str:
    text = _text(value)
    if not text:
        raise ReferenceEditError(message, field=field)
    return text


def _new_code(model: type[ReferenceData], code: str) -> str:
    """A code that is well formed and not yet used by a row of this kind."""
    code = _text(code)
    if not code:
        raise ReferenceEditError("Enter a code", field="code")
    if not CODE_PATTERN.fullmatch(code):
        raise ReferenceEditError(CODE_RULE, field="code")
    if len(code) > CODE_MAX_LENGTH:
        raise ReferenceEditError(
            f"Code must be {CODE_MAX_LENGTH} characters or fewer", field="code"
        )
    holder = db.session.scalar(select(model).where(model.code == code))
    if holder is not None:
        raise ReferenceEditError(
            f"The code {code} is already used by {holder}. Choose another code.", field="code"
        )
    return code


def _apply_area(
    area: Area,
    *,
    name: str,
    kind: str | None,
    parent_id: int | None,
    gss_code: str,
    council_name: str,
    active: bool,
) -> None:
    """Check an area's new values, then set them. The county's kind and parent never change."""
    name = _required(name, "Enter the area's name", "name")
    gss_code = _text(gss_code).upper()
    if gss_code and not GSS_PATTERN.fullmatch(gss_code):
        raise ReferenceEditError(GSS_RULE, field="gss_code")
    if area.kind is AreaKind.COUNTY:
        new_kind, parent = AreaKind.COUNTY, None
    else:
        new_kind, parent = _area_place(area, kind, parent_id)
    if area.id is not None and area.kind is AreaKind.DISTRICT:
        parishes = [child for child in area.children if child.active]
        if new_kind is not AreaKind.DISTRICT and area.children:
            raise ReferenceEditError(
                f"{area.name} has {len(area.children)} parishes or towns. "
                "Move them to another district before making it a parish.",
                field="kind",
            )
        if not active and parishes:
            raise ReferenceEditError(
                f"{area.name} has {len(parishes)} parishes or towns in use. "
                "Move or retire them before retiring the district.",
                field="active",
            )
    area.name, area.kind, area.parent = name, new_kind, parent
    area.gss_code = gss_code or None
    area.council_name = _text(council_name) or None
    area.active = active


def _area_place(area: Area, kind: str | None, parent_id: int | None) -> tuple[AreaKind, Area]:
    """The kind and parent of a district or parish: a district lies in the county."""
    if kind not in (AreaKind.DISTRICT.value, AreaKind.PARISH.value):
        raise ReferenceEditError("Choose district, or parish or town", field="kind")
    if kind == AreaKind.DISTRICT:
        county = db.session.scalar(select(Area).where(Area.kind == AreaKind.COUNTY))
        if county is None:
            raise ReferenceEditError("Load the county from the reference files first", "kind")
        return AreaKind.DISTRICT, county
    parent = db.session.get(Area, parent_id) if parent_id else None
    if parent is None or parent.kind is not AreaKind.DISTRICT or parent.id == area.id:
        raise ReferenceEditError("Choose the district this parish or town is in", field="parent")
    if not parent.active and parent is not area.parent:
        raise ReferenceEditError(
            f"{parent.name} is retired. Choose a district that is in use.", field="parent"
        )
    return AreaKind.PARISH, parent


def _apply_agency(
    agency: Agency,
    *,
    name: str,
    kind: str,
    area_id: int | None,
    email: str,
    active: bool,
) -> None:
    """Check an agency's new values, then set them."""
    name = _required(name, "Enter the agency's name", "name")
    try:
        agency_kind = AgencyKind(kind)
    except ValueError:
        raise ReferenceEditError("Choose what kind of agency this is", field="kind") from None
    area = db.session.get(Area, area_id) if area_id else None
    if area_id and area is None:
        raise ReferenceEditError("Choose an area from the list", field="area")
    agency.name, agency.kind, agency.area = name, agency_kind, area
    agency.email = _text(email).lower() or None
    agency.active = active


def _apply_category(
    category: ConcernCategory, *, name: str, description: str, active: bool
) -> None:
    """Check a concern category's new values, then set them."""
    category.name = _required(name, "Enter the category's name", "name")
    category.description = _text(description)
    category.active = active


def _apply_priority(
    priority: PlanPriority, *, number: int, title: str, description: str, active: bool
) -> None:
    """Check a plan priority's new values, then set them; active priorities have distinct numbers."""
    title = _required(title, "Enter the priority's title", "title")
    if number < 1:
        raise ReferenceEditError("Number must be 1 or more", field="number")
    if active:
        clash = db.session.scalar(
            select(PlanPriority).where(
                PlanPriority.number == number,
                PlanPriority.active,
                PlanPriority.id != (priority.id or 0),
            )
        )
        if clash is not None:
            raise ReferenceEditError(
                f"Priority {number} is already {clash.title}. Choose another number, "
                "or retire that priority first.",
                field="number",
            )
    priority.number, priority.title = number, title
    priority.description = _text(description)
    priority.active = active


_APPLY = {
    "areas": _apply_area,
    "agencies": _apply_agency,
    "categories": _apply_category,
    "priorities": _apply_priority,
}


def create(slug: str, code: str, **values) -> ReferenceData:
    """Add a row of kind `slug` with a new code and the kind's values (see the `_apply_` functions)."""
    model = KINDS[slug].model
    code = _new_code(model, code)
    record = model(code=code)
    if slug == "areas":
        record.kind = AreaKind.PARISH  # a new area is never the county
    _APPLY[slug](record, **values)
    db.session.add(record)
    db.session.commit()
    return record


def update(slug: str, record_id: int, **values) -> ReferenceData:
    """Change a row of kind `slug`; its code stays as it is."""
    record = find(slug, record_id)
    if record is None:
        raise ReferenceEditError(f"That {KINDS[slug].singular} no longer exists")
    _APPLY[slug](record, **values)
    db.session.commit()
    return record
