"""Forms that capture one concern: a resident's, or one logged by staff or a clerk; and the
fields they share with the roadshow forms (engage.concerns.roadshow_forms).

Choices (parishes, areas) come from the view, as the parish select is grouped by district and a
clerk is offered only their own parishes. The forms check what can be checked as typed; the
services in engage.concerns.capture check the rest and name the field at fault, which
`show_error` puts back on the form.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from engage.concerns.capture import NAME_LIMIT, Raised, email_address, phone_number
from engage.concerns.models import ConcernSource
from engage.concerns.services import TEXT_LIMIT
from engage.core.form_fields import GovDateField, put_error
from engage.core.models import Area

EXAMPLE_DATE = "5 3 2026"  # in the date fields' hints and messages
PARISH_MISSING = "Choose the parish or town the concern is about"
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
STAFF_SOURCES = [
    SelectChoice(ConcernSource.PHONE.value, "By phone"),
    SelectChoice(ConcernSource.EMAIL.value, "By email or letter"),
    SelectChoice(ConcernSource.PARISH.value, "From a parish or town council"),
]


def clean_text(value: str | None) -> str:
    """Typed text without surrounding spaces, NUL characters or the browser's CRLF line ends."""
    return (value or "").replace("\x00", "").replace("\r\n", "\n").strip()


def checked_by(check, optional: bool = True):
    """A validator from a pure check that raises ValueError with the message to show."""

    def validator(form, field) -> None:
        if optional and not field.data:
            return
        try:
            check(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    return validator


def one_of_choices(message: str):
    """The value must be one of the field's choices (a clearer message than WTForms')."""

    def validator(form, field) -> None:
        values = {str(choice.value) for choice in field.choices if choice.value != ""}
        if str(field.data or "") not in values:
            raise ValidationError(message)

    return validator


class GroupedGovSelect(GovSelect):
    """A GOV.UK select whose options are grouped (parishes under their district)."""

    template = "concerns/capture/_grouped_select.html"

    def __call__(self, field, **kwargs):
        kwargs.setdefault("params", {})
        kwargs["params"] = {**kwargs["params"], "groups": list(field.iter_groups())}
        return super().__call__(field, **kwargs)


def parish_choices(parishes: Sequence[Area], blank: bool = True) -> list:
    """Parishes grouped by district, in the order given, after a blank choice (unless not)."""
    choices = [SelectChoice("", "Choose a parish or town")] if blank else []
    return choices + [
        SelectChoice(
            str(parish.id), parish.name, optgroup=parish.parent.name if parish.parent else ""
        )
        for parish in parishes
    ]


def name_field(label: str) -> StringField:
    """The raiser's name, which they need not give."""
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[clean_text],
        validators=[Length(max=NAME_LIMIT, message=f"Keep the name to {NAME_LIMIT} characters")],
    )


def parish_field(message: str, **kwargs) -> SelectField:
    """The parish a concern is about, from the choices the view gives, grouped by district."""
    return SelectField(
        "Parish or town",
        widget=GroupedGovSelect(),
        validate_choice=False,
        filters=[clean_text],
        validators=[one_of_choices(message)],
        **kwargs,
    )


def contact_field(label: str, check) -> StringField:
    """A way to contact the raiser, which they need not give, read by a pure `check`."""
    return StringField(
        label, widget=GovTextInput(), filters=[clean_text], validators=[checked_by(check)]
    )


# One concern -------------------------------------------------------------------------------


def _concern_text(label: str, description: str = "") -> StringField:
    return StringField(
        label,
        widget=GovTextArea(),
        description=description,
        filters=[clean_text],
        validators=[
            InputRequired(message="Say what the concern is"),
            Length(max=TEXT_LIMIT, message=f"Keep it to {TEXT_LIMIT:,} characters or fewer"),
        ],
    )


def _consent(label: str, description: str, missing: str) -> RadioField:
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=YES_NO,
        description=description,
        validators=[InputRequired(message=missing)],
    )


class ConcernForm(FlaskForm):
    """What every concern needs: where, what, who, and the raiser's two consents. The subclasses
    declare the fields, in the order the page shows them, in words for who fills them in."""

    no_contact = "Give an email address or phone number, or say they may not be contacted"

    parish: SelectField
    raised_text: StringField
    raiser_name: StringField
    raiser_email: StringField
    raiser_phone: StringField
    consent_contact: RadioField
    consent_publish: RadioField

    def validate_raiser_email(self, field) -> None:
        if self.consent_contact.data == "yes" and not (field.data or self.raiser_phone.data):
            raise ValidationError(self.no_contact)

    def raised(self) -> Raised:
        """What was typed, as the services take it."""
        return Raised(
            parish_id=int(self.parish.data),
            raised_text=self.raised_text.data,
            raiser_name=self.raiser_name.data or "",
            raiser_email=self.raiser_email.data or None,
            raiser_phone=self.raiser_phone.data or None,
            consent_contact=self.consent_contact.data == "yes",
            consent_publish=self.consent_publish.data == "yes",
        )

    def show_error(self, field: str | None, message: str) -> None:
        """Put a service's refusal on the field it names (the text box when it names none)."""
        put_error(self, field, message, fallback="raised_text")


class RaiseForm(ConcernForm):
    """A resident raising a concern online, in their own words."""

    no_contact = "Give an email address or phone number, or say we may not contact you"

    parish = parish_field(PARISH_MISSING)
    raised_text = _concern_text(
        "What is your concern?",
        "Say what is happening, where and when. Do not include other people's names or details.",
    )
    raiser_name = name_field("Your name (optional)")
    raiser_email = contact_field("Email address (optional)", email_address)
    raiser_phone = contact_field("Phone number (optional)", phone_number)
    consent_contact = _consent(
        "May we contact you about your concern?",
        "We use your details only to reply about this concern.",
        "Say whether we may contact you about your concern",
    )
    consent_publish = _consent(
        "May we publish a summary of your concern on our website?",
        "Staff write the summary. Your name and contact details are never published.",
        "Say whether we may publish a summary of your concern",
    )
    submit = SubmitField("Send your concern", widget=GovSubmitInput())


class LogForm(ConcernForm):
    """A concern logged by staff (received by phone or e-mail) or by a clerk for their parish;
    the raiser's consents are asked of them and recorded here."""

    source = RadioField(
        "How was it received?",
        widget=GovRadioInput(),
        choices=STAFF_SOURCES,
        validators=[InputRequired(message="Say how the concern was received")],
    )
    parish = parish_field(PARISH_MISSING)
    raised_text = _concern_text("What was raised?", "In the raiser's words, as far as you can.")
    raised_on = GovDateField("Date raised", example=EXAMPLE_DATE)
    raiser_name = name_field("Their name (optional)")
    raiser_email = contact_field("Email address (optional)", email_address)
    raiser_phone = contact_field("Phone number (optional)", phone_number)
    consent_contact = _consent(
        "May we contact them about it?",
        "Ask them. Their details are used only to reply about this concern.",
        "Say whether they may be contacted about it",
    )
    consent_publish = _consent(
        "May a summary of their concern be published on our website?",
        "Ask them. Staff write the summary; names and contact details are never published.",
        "Say whether a summary may be published",
    )
    similar_seen = HiddenField()  # set once the similar concerns were shown for this text
    submit = SubmitField("Log concern", widget=GovSubmitInput())

    def validate_raised_on(self, field) -> None:
        if field.data is None and not field.errors:
            raise ValidationError("Enter the date it was raised")

    def fingerprint(self) -> str:
        """What the similar concerns were found for: the parish and the words typed."""
        typed = f"{self.parish.data}\n{self.raised_text.data}"
        return hashlib.sha256(typed.encode()).hexdigest()[:16]
