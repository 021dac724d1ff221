"""Forms for the queue's filters and for response templates: staff's pages that are about no one
concern (engage.concerns.queue_views), apart from the move forms in casework_forms.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from engage.concerns.casework_forms import agency_choices, at_most, filled, plain, text_box
from engage.concerns.models import ResponseTemplate
from engage.concerns.queue import DUE_SOON, OVERDUE
from engage.concerns.workflow import Status
from engage.core.form_fields import stripped
from engage.core.models import Agency, Area, ConcernCategory

ANY = SelectChoice("", "Any")
STATUS_CHOICES = [
    SelectChoice("active", "Still to be answered or signed off"),
    *(SelectChoice(status.value, status.value.capitalize()) for status in Status),
    SelectChoice("all", "Any status"),
]
OWNER_CHOICES = [SelectChoice("", "Anyone"), SelectChoice("me", "Me")]
DUE_CHOICES = [
    ANY,
    SelectChoice(OVERDUE, "Overdue"),
    SelectChoice(DUE_SOON, "Due within 2 working days"),
]


def _one_of(message: str):
    def check(form, field) -> None:
        if (field.data or "") not in {str(choice.value) for choice in field.choices}:
            raise ValidationError(message)

    return check


def _filter(label: str, message: str, choices=None) -> SelectField:
    return SelectField(
        label,
        widget=GovSelect(),
        validate_choice=False,
        choices=choices,
        default="",
        validators=[_one_of(message)],
    )


class QueueFilterForm(FlaskForm):
    """The queue's filters, sent by GET so a view of the queue can be bookmarked."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        widget=GovSelect(),
        validate_choice=False,
        choices=STATUS_CHOICES,
        default="active",
        validators=[_one_of("Choose a status from the list")],
    )
    district = _filter("District", "Choose a district from the list")
    lead_agency = _filter("Lead agency", "Choose an agency from the list")
    owner = _filter("Owner", "Choose anyone or me", OWNER_CHOICES)
    due = _filter("Due", "Choose when it is due from the list", DUE_CHOICES)

    def offer(self, districts: Sequence[Area], agencies: Sequence[Agency]) -> None:
        self.district.choices = [ANY] + [SelectChoice(str(one.id), one.name) for one in districts]
        self.lead_agency.choices = [ANY, *agency_choices(agencies)]

    def chosen(self) -> dict[str, str]:
        """The filters as chosen, for links that keep them (page numbers)."""
        names = ("status", "district", "lead_agency", "owner", "due")
        return {name: self[name].data for name in names if self[name].data}


class TemplateForm(FlaskForm):
    """A reusable "We did" wording for a category and outcome."""

    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[stripped],
        description="Staff see it when choosing a template, like Speed watch set up.",
        validators=[filled("Give the template a title"), at_most(200, "The title"), plain],
    )
    category = SelectField(
        "Category",
        widget=GovSelect(),
        validate_choice=False,
        filters=[stripped],
        validators=[_one_of("Choose a category from the list")],
    )
    outcome = StringField(
        "Outcome",
        widget=GovTextInput(),
        filters=[stripped],
        description="For example: action taken, referred elsewhere, no further action.",
        validators=[filled("Say what the outcome is"), at_most(80, "The outcome"), plain],
    )
    text = text_box(
        "Text", "Write the template's text", "The “We did” wording, to adapt for each concern."
    )
    submit = SubmitField("Save template", widget=GovSubmitInput())

    def offer(self, categories: Sequence[ConcernCategory]) -> None:
        self.category.choices = [SelectChoice("", "Any category")] + [
            SelectChoice(str(one.id), one.name) for one in categories
        ]

    def fill(self, template: ResponseTemplate) -> None:
        self.title.data = template.title
        self.category.data = str(template.category_id or "")
        self.outcome.data = template.outcome
        self.text.data = template.text

    def category_id(self) -> int | None:
        return int(self.category.data) if self.category.data else None
