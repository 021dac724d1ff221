"""Forms for the admin pages: one per kind of reference data, and the audit log search."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from engage.core.models import Agency, AgencyKind, Area, AreaKind, PlanPriority, ReferenceData
from engage.core.reference_admin import (
    AGENCY_KIND_LABELS,
    CODE_MAX_LENGTH,
    CODE_PATTERN,
    CODE_RULE,
    GSS_PATTERN,
    GSS_RULE,
)

DATE_HINT = "For example, 23/11/2026"


def _at_most(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit} characters or fewer")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _required_text(label: str, *, of: str, limit: int) -> StringField:
    """A one-line text box that must be filled in, like an agency's name or a priority's title."""
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            DataRequired(message=f"Enter the {of}'s {label.lower()}"),
            _at_most(limit, label),
        ],
    )


def area_label(area: Area) -> str:
    """An area's name with where it lies, so same-named places can be told apart."""
    if area.kind is AreaKind.PARISH and area.parent is not None:
        return f"{area.name} (parish or town in {area.parent.name})"
    return f"{area.name} ({area.kind.value})"


class ReferenceForm(FlaskForm):
    """Fields every kind shares: a code (set once, on create) and whether the row is in use.

    Views delete `code` when editing; `fill` loads a record and `values` hands the service the
    kind's own values as plain data. Fields named in `same_as_record` hold the record's
    attribute of that name as it is; a kind's form fills and reads its other fields itself.
    """

    same_as_record: tuple[str, ...] = ()

    code = StringField(
        "Code",
        widget=GovTextInput(),
        filters=[_strip],
        description="Lowercase letters, digits and hyphens, like rural-crime. "
        "It cannot be changed later: files and other records refer to it.",
        validators=[
            DataRequired(message="Enter a code"),
            _at_most(CODE_MAX_LENGTH, "Code"),
            Regexp(rf"^{CODE_PATTERN.pattern}$", message=CODE_RULE),
        ],
    )
    active = BooleanField(
        "In use",
        widget=GovCheckboxInput(),
        default=True,
        description="Untick to retire it: past records keep it, but it cannot be chosen for new ones.",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def fill(self, record: ReferenceData) -> None:
        """Show a record's current values."""
        self.active.data = record.active
        for name in self.same_as_record:
            self[name].data = getattr(record, name)

    def values(self) -> dict:
        """The kind's values for reference_admin.create or update."""
        return {"active": self.active.data} | {
            name: self[name].data for name in self.same_as_record
        }


class AreaForm(ReferenceForm):
    """A district or a parish or town (the county's kind and parent are fixed)."""

    same_as_record = ("name", "gss_code", "council_name")

    name = _required_text("Name", of="area", limit=120)
    kind = RadioField(
        "Type of area",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(AreaKind.DISTRICT.value, "District (community safety partnership area)"),
            SelectChoice(AreaKind.PARISH.value, "Parish or town"),
        ],
        description="Districts lie in the county; each parish or town lies in a district.",
        validators=[DataRequired(message="Choose district, or parish or town")],
    )
    parent = SelectField(
        "District it is in",
        widget=GovSelect(),
        default="",
        description="Only for a parish or town. A district lies in the county.",
    )
    gss_code = StringField(
        "GSS code (optional)",
        widget=GovTextInput(),
        filters=[_strip],
        description="The ONS code for a district, like E07000078.",
        validators=[
            Optional(),
            Regexp(
                rf"^{GSS_PATTERN.pattern}$",
                flags=re.IGNORECASE,
                message=GSS_RULE,
            ),
        ],
    )
    council_name = StringField(
        "Council name (optional)",
        widget=GovTextInput(),
        filters=[_strip],
        validators=[_at_most(160, "Council name")],
    )

    def set_choices(self, districts: list[Area], current: Area | None = None) -> None:
        """Offer the districts in use, and the current parent even if it has been retired."""
        self.parent.choices = [SelectChoice("", "Choose a district")] + [
            SelectChoice(str(district.id), district.name)
            for district in districts
            if district.active or (current is not None and district is current.parent)
        ]

    def fill(self, record: Area) -> None:
        super().fill(record)
        if self.kind is not None:
            self.kind.data = record.kind.value
            parent = record.parent if record.kind is AreaKind.PARISH else None
            self.parent.data = str(parent.id) if parent else ""

    def values(self) -> dict:
        # The county's form has no kind or parent: the service keeps them as they are.
        return super().values() | {
            "kind": self.kind.data if self.kind is not None else None,
            "parent_id": int(self.parent.data)
            if self.parent is not None and self.parent.data
            else None,
        }


class AgencyForm(ReferenceForm):
    """An organisation that responds to concerns and findings."""

    same_as_record = ("name", "email")

    name = _required_text("Name", of="agency", limit=160)
    kind = RadioField(
        "Type of agency",
        widget=GovRadioInput(),
        choices=[SelectChoice(kind.value, AGENCY_KIND_LABELS[kind]) for kind in AgencyKind],
        description="Councils of every tier, the force, the office, or another body.",
        validators=[DataRequired(message="Choose what kind of agency this is")],
    )
    area = SelectField("Area it covers", widget=GovSelect(), default="")
    email = StringField(
        "Email address (optional)",
        widget=GovTextInput(),
        filters=[_strip],
        description="A shared inbox for the agency's responses, not a person's own address.",
        validators=[
            Optional(),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
            _at_most(254, "Email address"),
        ],
    )

    def set_choices(self, areas: list[Area], current: Agency | None = None) -> None:
        """Offer the areas in use, and the agency's current area even if it has been retired."""
        self.area.choices = [SelectChoice("", "No particular area")] + [
            SelectChoice(str(area.id), area_label(area))
            for area in areas
            if area.active or (current is not None and area is current.area)
        ]

    def fill(self, record: Agency) -> None:
        super().fill(record)
        self.kind.data = record.kind.value
        self.area.data = str(record.area_id or "")

    def values(self) -> dict:
        return super().values() | {
            "kind": self.kind.data,
            "area_id": int(self.area.data) if self.area.data else None,
        }


class CategoryForm(ReferenceForm):
    """A concern category."""

    same_as_record = ("name", "description")

    name = _required_text("Name", of="category", limit=120)
    description = StringField(
        "Description (optional)",
        widget=GovTextArea(),
        description="What it covers, so staff choose it consistently.",
    )


class PriorityForm(ReferenceForm):
    """A priority of the Police and Crime Plan."""

    same_as_record = ("title", "description")

    number = StringField(
        "Number",
        widget=GovTextInput(),
        filters=[_strip],
        description="Its place in the plan, like 3.",
        validators=[
            DataRequired(message="Enter the priority's number"),
            Regexp(r"^\d{1,3}$", message="Number must be a whole number, like 3"),
        ],
    )
    title = _required_text("Title", of="priority", limit=200)
    description = StringField("Description (optional)", widget=GovTextArea())

    def fill(self, record: PlanPriority) -> None:
        super().fill(record)
        self.number.data = str(record.number)

    def values(self) -> dict:
        return super().values() | {"number": int(self.number.data)}


DATE_PATTERN = re.compile(r"(\d{1,2})[/.\- ]+(\d{1,2})[/.\- ]+(\d{4})")


def parse_day(text: str) -> date:
    """A date typed as day/month/year, like 23/11/2026; ValueError when it is not a real date."""
    match = DATE_PATTERN.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    day, month, year = (int(part) for part in match.groups())
    return date(year, month, day)


class DayField(StringField):
    """A date typed in one text box; a date that cannot be read is a validation error."""

    widget = GovTextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if text:
            try:
                self.data = parse_day(text)
            except ValueError:
                raise ValueError(
                    f"{self.label.text} date must be a real date, like 23/11/2026"
                ) from None

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d/%m/%Y") if self.data else ""


class AuditSearchForm(FlaskForm):
    """Filters for the audit log, sent by GET so a search can be bookmarked and shared."""

    class Meta:
        csrf = False

    actor = StringField(
        "Who", widget=GovTextInput(), filters=[_strip], description="Part of their email address"
    )
    action = SelectField("Action", widget=GovSelect(), validate_choice=False)
    record_type = SelectField("Record type", widget=GovSelect(), validate_choice=False)
    record_id = StringField("Record number", widget=GovTextInput(), filters=[_strip])
    text = StringField(
        "Summary or IP address",
        widget=GovTextInput(),
        filters=[_strip],
        description="Words in the summary, or an exact IP address like 192.0.2.10",
    )
    since = DayField("From", description=DATE_HINT)
    until = DayField("To", description=DATE_HINT)

    def set_choices(self, actions: list[str], record_types: list[str]) -> None:
        """Offer what the log holds; a value from a shared link is kept even if not listed."""
        for field, options in ((self.action, actions), (self.record_type, record_types)):
            if field.data and field.data not in options:
                options = [*options, field.data]
            field.choices = [SelectChoice("", "Any")] + [
                SelectChoice(option, option) for option in options
            ]

    def validate_until(self, field: DayField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("To date must be the same as or after the from date")

    def filters(self) -> dict[str, str]:
        """The filters as typed, for page links that keep the search."""
        names = ("actor", "action", "record_type", "record_id", "text", "since", "until")
        typed = {name: (self[name].raw_data or [""])[0].strip() for name in names}
        return {name: value for name, value in typed.items() if value}
