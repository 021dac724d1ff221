"""Roadshow forms: a roadshow's details, and the rows of concerns raised at one, captured on a
single page.

They live apart from the one-concern forms (engage.concerns.capture_forms), whose fields and
checks they reuse, because a page of rows validates, numbers and reports its errors its own way.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from engage.concerns.capture import Raised, contact_details
from engage.concerns.capture_forms import (
    EXAMPLE_DATE,
    GroupedGovSelect,
    checked_by,
    clean_text,
    contact_field,
    name_field,
    one_of_choices,
    parish_choices,
    parish_field,
)
from engage.concerns.models import RoadshowStatus
from engage.concerns.roadshows import MAX_ATTENDANCE, TITLE_LIMIT, RoadshowDetails, time_of_day
from engage.concerns.services import TEXT_LIMIT
from engage.core.form_fields import GovDateField, put_error
from engage.core.models import Area

FIRST_ROWS = 10  # empty rows on a roadshow's capture page
MORE_ROWS = 10  # added by "Add more rows"
MAX_ROWS = 200
STATUS_CHOICES = [
    SelectChoice(RoadshowStatus.PLANNED.value, "Planned"),
    SelectChoice(RoadshowStatus.HELD.value, "Held"),
    SelectChoice(RoadshowStatus.CANCELLED.value, "Cancelled"),
]


# Many concerns at one roadshow -------------------------------------------------------------


class RowForm(Form):
    """One concern raised at a roadshow: a row of the capture page (its parish select, with
    the page's choices, is added by `capture_form`)."""

    parish: SelectField
    raised_text = StringField(
        "What was raised",
        widget=GovTextArea(),
        filters=[clean_text],
        validators=[
            Length(max=TEXT_LIMIT, message=f"Keep it to {TEXT_LIMIT:,} characters or fewer"),
        ],
    )
    raiser_name = name_field("Name (optional)")
    contact = contact_field("Email or phone (optional)", contact_details)
    consent_contact = BooleanField("May be contacted about it", widget=GovCheckboxInput())
    consent_publish = BooleanField("A summary may be published", widget=GovCheckboxInput())

    def validate_raised_text(self, field) -> None:
        # Not InputRequired: its flag would mark every row's box required, blank rows too.
        if not field.data:
            raise ValidationError("Say what was raised")

    def validate_contact(self, field) -> None:
        if self.consent_contact.data and not field.data:
            raise ValidationError(
                "Give an email address or phone number, or untick “May be contacted”"
            )

    @property
    def blank(self) -> bool:
        """Nothing typed or ticked (the parish is chosen for every row to start with)."""
        return not (
            self.raised_text.data
            or self.raiser_name.data
            or self.contact.data
            or self.consent_contact.data
            or self.consent_publish.data
        )

    def raised(self) -> Raised:
        email, phone = contact_details(self.contact.data or "")
        return Raised(
            parish_id=int(self.parish.data),
            raised_text=self.raised_text.data,
            raiser_name=self.raiser_name.data or "",
            raiser_email=email,
            raiser_phone=phone,
            consent_contact=bool(self.consent_contact.data),
            consent_publish=bool(self.consent_publish.data),
        )


class CaptureForm(FlaskForm):
    """Rows of concerns raised at one roadshow; blank rows are left out, the rest saved at once."""

    add_rows = SubmitField("Add more rows", widget=GovSubmitInput())
    submit = SubmitField("Save concerns", widget=GovSubmitInput())
    rows: FieldList

    @property
    def adding_rows(self) -> bool:
        return bool(self.add_rows.data)

    def add_more_rows(self) -> None:
        for _ in range(min(MORE_ROWS, MAX_ROWS - len(self.rows.entries))):
            self.rows.append_entry()

    def filled(self) -> list[tuple[int, RowForm]]:
        """The rows with anything typed, numbered as on the page (from 1)."""
        return [
            (number, entry.form)
            for number, entry in enumerate(self.rows.entries, start=1)
            if not entry.form.blank
        ]

    def validate(self, extra_validators=None) -> bool:
        """The token, then every row with anything typed; blank rows are left out."""
        valid = self.csrf_token.validate(self) if self.meta.csrf else True
        filled = self.filled()
        for _, row in filled:
            valid = row.validate() and valid
        if valid and not filled:
            self.rows.entries[0].form.raised_text.errors = ["Fill in at least one concern"]
            valid = False
        return valid

    def show_errors(self, errors: dict[int, dict[str, str]]) -> None:
        """Put a service's refusals on their rows' fields."""
        names = {"raiser_email": "contact", "raiser_phone": "contact"}
        for number, fields in errors.items():
            row = self.rows.entries[number - 1].form
            for field, message in fields.items():
                target = row._fields.get(names.get(field, field)) or row.raised_text
                target.errors = [*target.errors, message]

    @property
    def errors(self) -> dict:
        """Only fields with errors (FieldList lists an empty dict for every row that has none)."""
        found = {
            name: field.errors
            for name, field in self._fields.items()
            if name != "rows" and field.errors
        }
        for number, entry in enumerate(self.rows.entries, start=1):
            row_errors = {name: e for name, e in entry.form.errors.items() if e}
            if row_errors:
                found[f"row {number}"] = row_errors
        return found

    def summary(self) -> list[dict]:
        """The error summary's items, each naming its row and linking to its field."""
        items = [
            {"text": errors[0], "href": f"#{self[name].id}"}
            for name, errors in self.errors.items()
            if not name.startswith("row ")
        ]
        for number, entry in enumerate(self.rows.entries, start=1):
            for field in entry.form:
                if field.errors:
                    items.append(
                        {"text": f"Row {number}: {field.errors[0]}", "href": f"#{field.id}"}
                    )
        return items


def capture_form(parishes: Sequence[Area], default_parish: Area | None) -> CaptureForm:
    """A capture page's form, its parish selects offering `parishes` (default the host's)."""

    class Row(RowForm):
        parish = parish_field(
            "Choose the parish or town",
            choices=parish_choices(parishes),
            default=str(default_parish.id) if default_parish else "",
        )

    class Capture(CaptureForm):
        rows = FieldList(FormField(Row), min_entries=FIRST_ROWS, max_entries=MAX_ROWS)

    return Capture()


# A roadshow's details ----------------------------------------------------------------------


def area_choices(districts: Sequence[tuple[Area, Sequence[Area]]]) -> list:
    """Each district (as a whole) and its parishes, grouped by district."""
    choices = [SelectChoice("", "Choose where it is held")]
    for district, parishes in districts:
        choices.append(
            SelectChoice(
                str(district.id), f"{district.name} (the district)", optgroup=district.name
            )
        )
        choices += [
            SelectChoice(str(parish.id), parish.name, optgroup=district.name) for parish in parishes
        ]
    return choices


class RoadshowForm(FlaskForm):
    """A roadshow's details, from planning to the attendance once it is held."""

    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[clean_text],
        description="For example, Stroud valleys roadshow",
        validators=[
            InputRequired(message="Enter the roadshow's title"),
            Length(max=TITLE_LIMIT, message=f"Keep the title to {TITLE_LIMIT} characters"),
        ],
    )
    held_on = GovDateField("Date", example=EXAMPLE_DATE)
    starts_at = StringField(
        "Start time (optional)",
        widget=GovTextInput(),
        filters=[clean_text],
        description="For example, 18:30 or 6.30pm",
        validators=[checked_by(time_of_day)],
    )
    venue = StringField(
        "Venue",
        widget=GovTextInput(),
        filters=[clean_text],
        validators=[
            InputRequired(message="Enter the venue"),
            Length(max=TITLE_LIMIT, message=f"Keep the venue to {TITLE_LIMIT} characters"),
        ],
    )
    area = SelectField(
        "Where it is held",
        widget=GroupedGovSelect(),
        validate_choice=False,
        filters=[clean_text],
        description="The parish or town, or the whole district.",
        validators=[one_of_choices("Choose the parish or district where it is held")],
    )
    hosts = SelectMultipleField(
        "Hosting councils (optional)",
        widget=GovCheckboxesInput(),
        validate_choice=False,
        description="The parish and town councils hosting it; they get its bulletin.",
    )
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=STATUS_CHOICES,
        default=RoadshowStatus.PLANNED.value,
        validators=[InputRequired(message="Choose the roadshow's status")],
    )
    attendance = StringField(
        "Attendance (optional)",
        widget=GovTextInput(),
        filters=[clean_text],
        description="How many people came, once it is held.",
    )
    notes = StringField(
        "Notes (optional)",
        widget=GovTextArea(),
        filters=[clean_text],
        description="For staff only.",
        validators=[Length(max=TEXT_LIMIT, message=f"Keep the notes to {TEXT_LIMIT:,} characters")],
    )
    submit = SubmitField("Save roadshow", widget=GovSubmitInput())

    def set_choices(self, districts: Sequence[tuple[Area, Sequence[Area]]]) -> None:
        """Offer each district and its active parishes."""
        self.area.choices = area_choices(districts)
        self.hosts.choices = [
            SelectChoice(str(parish.id), f"{parish.name} ({district.name})")
            for district, parishes in districts
            for parish in parishes
        ]

    def validate_held_on(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("Enter the date of the roadshow")

    def validate_hosts(self, field) -> None:
        offered = {choice.value for choice in field.choices}
        if any(value not in offered for value in field.data or []):
            raise ValidationError("Choose the hosting councils from the list")

    def validate_attendance(self, field) -> None:
        try:
            self._attendance()
        except ValueError:
            raise ValidationError("Enter the attendance as a whole number, like 45") from None

    def _attendance(self) -> int | None:
        text = (self.attendance.data or "").replace(",", "")
        if not text:
            return None
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_ATTENDANCE:
            raise ValueError(text)
        return int(text)

    def fill(self, roadshow) -> None:
        """Show a roadshow as it is."""
        self.title.data = roadshow.title
        self.held_on.data = roadshow.held_on
        self.starts_at.data = f"{roadshow.starts_at:%H:%M}" if roadshow.starts_at else ""
        self.venue.data = roadshow.venue
        self.area.data = str(roadshow.area_id)
        self.hosts.data = [str(host.id) for host in roadshow.hosts]
        self.status.data = roadshow.status.value
        self.attendance.data = "" if roadshow.attendance is None else str(roadshow.attendance)
        self.notes.data = roadshow.notes

    def details(self) -> RoadshowDetails:
        """What was typed, as the services take it."""
        return RoadshowDetails(
            title=self.title.data,
            held_on=self.held_on.data,
            starts_at=time_of_day(self.starts_at.data or ""),
            venue=self.venue.data,
            area_id=int(self.area.data),
            host_ids=[int(value) for value in self.hosts.data or []],
            status=RoadshowStatus(self.status.data),
            attendance=self._attendance(),
            notes=self.notes.data or "",
        )

    def show_error(self, field: str | None, message: str) -> None:
        """Put a service's refusal on the field it names."""
        put_error(self, field, message, fallback="title")
