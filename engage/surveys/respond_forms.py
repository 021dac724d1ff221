"""Forms of the answering pages: the codes, staff entry, and each question as a GOV.UK component.

A question page is built from the question itself, so its component parameters are made here
rather than declared as a WTForms form: the field is always named `answer`, and its first input
has the id `answer`, which the error summary links to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from markupsafe import Markup
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from engage.surveys.models import ResponseMode
from engage.surveys.questions import TEXT_LIMIT, AnswerValue, QuestionSpec, QuestionType, describe

FIELD = "answer"
CODE_LENGTH = Length(max=40, message="A code has fewer than 40 letters and numbers")


class InvitationCodeForm(FlaskForm):
    """The code printed on an invitation letter."""

    code = StringField(
        "Invitation code",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the code from your invitation letter"),
            CODE_LENGTH,
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ResumeForm(FlaskForm):
    """The resume code given when the resident chose to save and come back later."""

    resume_code = StringField(
        "Resume code",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your resume code"), CODE_LENGTH],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class EntryForm(FlaskForm):
    """How a response staff are about to key in reached the office."""

    mode = RadioField(
        "How did this response reach you?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(ResponseMode.PAPER.value, "A paper questionnaire"),
            SelectChoice(ResponseMode.PHONE.value, "A telephone interview"),
        ],
        validators=[InputRequired(message="Choose paper questionnaire or telephone interview")],
    )
    submit = SubmitField("Start entering answers", widget=GovSubmitInput())


@dataclass(frozen=True)
class AnswerField:
    """The GOV.UK component that asks a question, and its parameters."""

    component: str  # radios, checkboxes, input or character-count
    params: dict


def answer_field(spec: QuestionSpec, shown: Sequence[str], error: str | None) -> AnswerField:
    """The question as the page heading with its inputs, showing `shown` and any error."""
    heading = _heading(spec)
    common = {"name": FIELD, "errorMessage": {"text": error} if error else None}
    if spec.hint:
        common["hint"] = {"text": spec.hint}
    if spec.type is QuestionType.MULTIPLE:
        params = {**common, "idPrefix": FIELD, "items": _checkbox_items(spec, shown)}
        params.setdefault("hint", {"text": "Select all that apply."})
        return AnswerField("checkboxes", {**params, "fieldset": _fieldset(heading)})
    if spec.options or _rating_scale(spec):
        items = (
            [{"value": option.code, "text": option.label} for option in spec.options]
            if spec.options
            else [{"value": str(value), "text": str(value)} for value in _rating_scale(spec)]
        )
        for item in items:
            item["checked"] = item["value"] in shown
        params = {**common, "idPrefix": FIELD, "items": items, "fieldset": _fieldset(heading)}
        if not spec.options:
            params["classes"] = "govuk-radios--inline"
        return AnswerField("radios", params)
    label = {"html": heading, "isPageHeading": True, "classes": "govuk-label--l"}
    value = shown[0] if shown else ""
    if spec.type in (QuestionType.NUMBER, QuestionType.RATING):
        return AnswerField(
            "input",
            {
                **common,
                "id": FIELD,
                "label": label,
                "value": value,
                "inputmode": "numeric",
                "spellcheck": False,
                "autocomplete": "off",
                "classes": "govuk-input--width-5",
            },
        )
    return AnswerField(
        "character-count",
        {**common, "id": FIELD, "label": label, "value": value, "maxlength": TEXT_LIMIT, "rows": 8},
    )


def summary_sections(
    specs: Sequence[QuestionSpec],
    answers: dict[str, AnswerValue],
    change_url: Callable[[str], str],
) -> list[dict]:
    """The check-your-answers page: each section's questions with the answer and a Change link."""
    sections = []
    for section, group in groupby(specs, key=lambda spec: spec.section):
        rows = [
            {
                "key": {"text": spec.text},
                "value": {"text": describe(spec, answers.get(spec.code))},
                "actions": {
                    "items": [
                        {
                            "href": change_url(spec.code),
                            "text": "Change",
                            "visuallyHiddenText": f"your answer to “{spec.text}”",
                        }
                    ]
                },
            }
            for spec in group
        ]
        sections.append({"title": section or "Your answers", "rows": rows})
    return sections


def _heading(spec: QuestionSpec) -> Markup:
    if not spec.section:
        return Markup.escape(spec.text)
    return Markup('<span class="govuk-caption-l">{}</span> {}').format(spec.section, spec.text)


def _fieldset(heading: Markup) -> dict:
    return {
        "legend": {
            "html": heading,
            "isPageHeading": True,
            "classes": "govuk-fieldset__legend--l",
        }
    }


def _rating_scale(spec: QuestionSpec) -> range | None:
    """The points of a rating question small enough to show as a row of radios (0 to 10)."""
    if spec.type is not QuestionType.RATING or spec.min_value is None or spec.max_value is None:
        return None
    points = range(spec.min_value, spec.max_value + 1)
    return points if 1 < len(points) <= 11 else None


def _checkbox_items(spec: QuestionSpec, shown: Sequence[str]) -> list[dict]:
    items: list[dict] = []
    for option in spec.options:
        item = {"value": option.code, "text": option.label, "checked": option.code in shown}
        if option.exclusive:
            items.append({"divider": "or"})
            item["behaviour"] = "exclusive"
        items.append(item)
    return items
