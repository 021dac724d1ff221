"""Forms for a wave's weighting: variables, each answer's category, rule and cap, and targets.

They check what was typed is of the right shape and hand plain values to weighting_services,
which has the last word (its SurveyError messages go back onto the fields).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from engage.core.form_fields import stripped
from engage.surveys.models import Wave
from engage.surveys.questions import QuestionSpec
from engage.surveys.weighting_inputs import (
    CATEGORY_NAME,
    NOT_KNOWN,
    NotKnownRule,
    WeightingVariable,
)
from engage.surveys.weighting_services import SOURCE_LIMIT

RULE_LABELS = {
    NotKnownRule.OWN_CATEGORY: "Keep them, as a group of their own",
    NotKnownRule.LEAVE_OUT: "Leave them out of the weighted results",
}


def _shortened(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class AddVariableForm(FlaskForm):
    """One more question to weight by."""

    question = SelectField(
        "Question", widget=GovSelect(), validate_choice=False, filters=[stripped]
    )
    submit = SubmitField("Add variable", widget=GovSubmitInput())

    def offer(self, specs: Sequence[QuestionSpec]) -> None:
        """Offer the single-choice questions the wave is not weighted by yet."""
        self.question.choices = [
            SelectChoice(spec.code, f"{spec.code}: {_shortened(spec.text)}") for spec in specs
        ]


class CopyTargetsForm(FlaskForm):
    """An earlier wave of the same survey whose targets to use."""

    from_wave = SelectField(
        "Copy the targets of", widget=GovSelect(), validate_choice=False, filters=[stripped]
    )
    submit = SubmitField("Copy targets", widget=GovSubmitInput())

    def offer(self, waves: Sequence[Wave]) -> None:
        """Offer the waves that have targets, newest first."""
        self.from_wave.choices = [SelectChoice(str(wave.id), wave.title) for wave in waves]

    def wave_id(self) -> int | None:
        """The chosen wave's id, or None when what was sent is not a wave's id."""
        text = self.from_wave.data or ""
        return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def _source_given(form, field) -> None:
    if not field.data:
        raise ValidationError(
            "Say where the totals come from, for example ONS Census 2021, table TS007A"
        )
    if len(field.data) > SOURCE_LIMIT:
        raise ValidationError(f"The source must be {SOURCE_LIMIT:,} characters or fewer")
    if any(ord(character) < 32 and character not in "\t\r\n" for character in field.data):
        raise ValidationError("The source must be plain text: remove the control characters")


class TargetsUploadForm(FlaskForm):
    """A CSV file of population totals and where they come from."""

    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        description="Three columns named variable, category and total, then a row per "
        "category of each weighting variable.",
        validators=[FileRequired(message="Choose the CSV file of population totals")],
    )
    source = StringField(
        "Source of the totals",
        widget=GovTextArea(),
        filters=[stripped],
        description="So readers can check them, for example ONS Census 2021, table TS007A, "
        "usual residents aged 16 and over.",
        validators=[_source_given],
    )
    submit = SubmitField("Upload targets", widget=GovSubmitInput())


def _cap(form, field) -> None:
    text = (field.data or "").replace(" ", "")
    if not text:
        return
    try:
        cap = float(text)
    except ValueError:
        cap = math.nan
    if not math.isfinite(cap) or "_" in text:
        raise ValidationError("Enter the cap as a number, like 5, or leave it blank for no cap")
    if cap <= 1:
        raise ValidationError(
            "The cap must be more than 1 times the mean weight, like 5, or leave it blank"
        )


class SettingsForm(FlaskForm):
    """What to do with residents who did not give a weighting answer, and the weight cap."""

    rule = RadioField(
        "What should weighting do with residents who did not say, for example their age?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[SelectChoice(rule.value, RULE_LABELS[rule]) for rule in NotKnownRule],
    )
    cap = StringField(
        "Cap on the weights (optional)",
        widget=GovTextInput(),
        filters=[stripped],
        description="The largest weight allowed, as a multiple of the mean weight, like 5. A cap "
        "stops a few residents counting for many, at the cost of meeting the targets less "
        "closely. Leave blank for no cap.",
        validators=[_cap],
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def validate_rule(self, field) -> None:
        if field.data not in {rule.value for rule in NotKnownRule}:
            raise ValidationError("Choose what weighting should do with residents who did not say")

    def fill(self, rule: NotKnownRule, cap: float | None) -> None:
        """Show the settings in use."""
        self.rule.data = rule.value
        self.cap.data = "" if cap is None else f"{cap:g}"

    def chosen_rule(self) -> NotKnownRule:
        return NotKnownRule(self.rule.data)

    def chosen_cap(self) -> float | None:
        """The cap typed, or None for no cap (call after validation)."""
        text = (self.cap.data or "").replace(" ", "")
        return float(text) if text else None


def _category_name(label: str):
    def check(form, field) -> None:
        name = field.data or ""
        if not name:
            return
        if name.casefold() == NOT_KNOWN.casefold():
            raise ValidationError(
                f"“{NOT_KNOWN}” is kept for residents whose answer is not known: leave “{label}” "
                "blank for that, or choose another name"
            )
        if not CATEGORY_NAME.fullmatch(name):
            raise ValidationError(
                f"The category for “{label}” must be 1 to 40 letters, digits, _ or -, like 65_PLUS"
            )

    return check


class MappingForm(FlaskForm):
    """The weighting category of each answer of one question; blank means not known."""

    submit = SubmitField("Save categories", widget=GovSubmitInput())
    answer_fields: list[tuple[str, StringField]]

    def categories(self) -> dict[str, str | None]:
        """Each answer code's category, None where left blank."""
        return {code: field.data or None for code, field in self.answer_fields}


def mapping_form(spec: QuestionSpec, variable: WeightingVariable) -> MappingForm:
    """A box per answer of the question, filled with its category so far."""

    class Form(MappingForm):
        pass

    for index, option in enumerate(spec.options):
        setattr(
            Form,
            f"answer_{index}",
            StringField(
                option.label,
                widget=GovTextInput(),
                filters=[stripped],
                description=f"Answer code {option.code}",
                default=variable.categories.get(option.code) or "",
                validators=[_category_name(option.label)],
            ),
        )
    form = Form()
    form.answer_fields = [
        (option.code, form[f"answer_{index}"]) for index, option in enumerate(spec.options)
    ]
    return form


def rule_hints(explanations: Mapping[NotKnownRule, str]) -> list[dict]:
    """The radios' hints, one per rule in the order the form lists them."""
    return [{"hint": {"text": explanations[rule]}} for rule in NotKnownRule]
