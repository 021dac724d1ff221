"""Forms for e-mail alerts: subscribing (an address and a place) and unsubscribing."""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from engage.concerns.capture import email_address
from engage.concerns.capture_forms import (
    GroupedGovSelect,
    checked_by,
    clean_text,
    one_of_choices,
)
from engage.core.models import Area

WHOLE_COUNTY = "county"  # the area choice for alerts about every district
AREA_MISSING = "Choose the whole county, a district, or a parish or town from the list"


def area_choices(places: Sequence[tuple[Area, Sequence[Area]]]) -> list[SelectChoice]:
    """The whole county, then each district, then each district's parishes and towns, from
    (district, parishes) pairs as engage.concerns.roadshows.districts_and_parishes gives them."""
    choices = [SelectChoice(WHOLE_COUNTY, "The whole county")]
    choices += [
        SelectChoice(str(district.id), f"All of {district.name}", optgroup="Districts")
        for district, _ in places
    ]
    for district, parishes in places:
        group = f"Parishes and towns in {district.name}"
        choices += [
            SelectChoice(str(parish.id), parish.name, optgroup=group) for parish in parishes
        ]
    return choices


class AlertForm(FlaskForm):
    """A resident's request for e-mail alerts about one place."""

    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[clean_text],
        description="We will email you a link to confirm. Nothing is sent until you do.",
        validators=[DataRequired(message="Enter your email address"), checked_by(email_address)],
    )
    area = SelectField(
        "Which area do you want alerts about?",
        widget=GroupedGovSelect(),
        validate_choice=False,
        filters=[clean_text],
        default=WHOLE_COUNTY,
        validators=[one_of_choices(AREA_MISSING)],
    )
    submit = SubmitField("Subscribe", widget=GovSubmitInput())

    def area_id(self) -> int | None:
        """The district or parish chosen, None for the whole county (only after validate())."""
        return None if self.area.data == WHOLE_COUNTY else int(self.area.data)


class UnsubscribeForm(FlaskForm):
    """Stop the alerts (a button, so that a link checker opening the link unsubscribes no one)."""

    submit = SubmitField("Unsubscribe", widget=GovSubmitInput())
