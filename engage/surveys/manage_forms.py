"""Forms of the survey builder: a survey, a question, bank questions to add, and a wave.

The forms carry what was typed; `engage.surveys.builder.rules` and `details` check it, so each
rule lives in one place and every problem with a question shows at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice

from engage.core.form_fields import GovDateField
from engage.surveys.builder.details import WaveDraft
from engage.surveys.builder.rules import QuestionDraft
from engage.surveys.models import SurveyVersion, Wave
from engage.surveys.questions import CHOICE_TYPES, QuestionSpec, QuestionType

TYPE_CHOICES = [
    SelectChoice(QuestionType.SINGLE.value, "Single choice: one answer from a list"),
    SelectChoice(QuestionType.MULTIPLE.value, "Multiple choice: any answers from a list"),
    SelectChoice(
        QuestionType.AGREEMENT.value,
        "Agreement scale: strongly agree to strongly disagree, and don't know",
    ),
    SelectChoice(QuestionType.RATING.value, "Rating: one point on a scale, like 0 to 10"),
    SelectChoice(QuestionType.NUMBER.value, "Number"),
    SelectChoice(QuestionType.TEXT.value, "Free text"),
]


def _text(value: str | None) -> str:
    """Typed text without surrounding spaces or NUL characters (which PostgreSQL refuses)."""
    return (value or "").replace("\x00", "").strip()


def _lines(value: str | None) -> str:
    """Typed lines, as _text, with the browser's CRLF line ends made plain."""
    return _text(value).replace("\r\n", "\n")


def _text_field(label: str, description: str = "", area: bool = False) -> StringField:
    return StringField(
        label,
        widget=GovTextArea() if area else GovTextInput(),
        description=description,
        filters=[_lines],
    )


class SurveyForm(FlaskForm):
    """A new survey, started with the bank questions ticked (all, at first)."""

    code = StringField(
        "Code",
        widget=GovTextInput(),
        filters=[_text],
        description="Lowercase letters, digits and hyphens, like perception. It cannot change.",
    )
    title = StringField("Title", widget=GovTextInput(), filters=[_text])
    description = _text_field("Description (optional)", "What it is for, for staff.", area=True)
    questions = SelectMultipleField("Questions from the bank", validate_choice=False)
    submit = SubmitField("Create survey", widget=GovSubmitInput())


class BankQuestionsForm(FlaskForm):
    """Bank questions to add to a version."""

    questions = SelectMultipleField("Questions from the bank", validate_choice=False)
    submit = SubmitField("Add questions", widget=GovSubmitInput())


class QuestionForm(FlaskForm):
    """A question's wording and settings; settings of other types than the chosen one are ignored."""

    code = StringField(
        "Code",
        widget=GovTextInput(),
        filters=[_text],
        description="Capital letters, digits and underscores, like BUS_SAFE. Results, imports "
        "and exports use it, and it cannot change once the question is added.",
    )
    section = StringField(
        "Section (optional)",
        widget=GovTextInput(),
        filters=[_text],
        description="Questions in the same section are grouped, like Feeling safe.",
    )
    text = _text_field("Question", "As residents will read it.", area=True)
    hint = _text_field("Hint (optional)", "Shown under the question to help answer it.", area=True)
    required = BooleanField("Residents must answer it", widget=GovCheckboxInput())
    type = RadioField(
        "Type of question", widget=GovRadioInput(), choices=TYPE_CHOICES, validate_choice=False
    )
    options = _text_field(
        "Answer codes and labels",
        "One a line: a code, a colon, then the label residents see, like DONT_KNOW: Don't know.",
        area=True,
    )
    exclusive = StringField(
        "Answers chosen on their own (optional)",
        widget=GovTextInput(),
        description="Codes of answers that cannot be combined with others, like NONE.",
    )
    max_choices = StringField(
        "Most answers a resident may choose (optional)",
        widget=GovTextInput(),
        description="For example, 3. Leave blank for no limit.",
    )
    min_value = StringField(
        "Lowest value", widget=GovTextInput(), description="Needed for a rating, like 0."
    )
    max_value = StringField(
        "Highest value", widget=GovTextInput(), description="Needed for a rating, like 10."
    )
    ask_if_code = SelectField(
        "Who is asked this question",
        widget=GovSelect(),
        validate_choice=False,
        description="Everyone, or only residents who gave certain answers to an earlier question.",
    )
    ask_if_answers = StringField(
        "Answer codes that lead to this question",
        widget=GovTextInput(),
        description="Codes of the earlier question's answers, separated by commas, like YES.",
    )
    submit = SubmitField("Save question", widget=GovSubmitInput())

    def set_routing_choices(self, earlier: Sequence[QuestionSpec]) -> None:
        """Offer the earlier choice questions to route on."""
        self.ask_if_code.choices = [SelectChoice("", "Everyone")] + [
            SelectChoice(spec.code, f"Depends on {spec.code}: {_shortened(spec.text)}")
            for spec in earlier
            if spec.type in CHOICE_TYPES
        ]

    def fill(self, draft: QuestionDraft) -> None:
        """Show a question as it is (or a new question's starting values)."""
        for name in QuestionDraft.__dataclass_fields__:
            self[name].data = getattr(draft, name)

    def draft(self) -> QuestionDraft:
        """What was typed, as plain values for the service."""
        values = {
            name: _text(self[name].data)
            for name in QuestionDraft.__dataclass_fields__
            if name not in ("required", "hint", "text", "options")
        }
        return QuestionDraft(
            **values,
            text=_text(self.text.data),
            hint=_text(self.hint.data),
            options=self.options.data or "",
            required=bool(self.required.data),
        )


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class WaveForm(FlaskForm):
    """A wave's code, title, dates, who may answer, and which version it asks."""

    code = StringField(
        "Code",
        widget=GovTextInput(),
        filters=[_text],
        description="Lowercase letters, digits and hyphens, like 2026-q4. It is part of the "
        "survey's web address, so it cannot change once invitations or answers use it.",
    )
    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[_text],
        description="What residents and reports call it, like October to December 2026.",
    )
    opens_on = GovDateField("Opening date", example="1 10 2026")
    closes_on = GovDateField(
        "Closing date",
        example="1 10 2026",
        description="Residents can answer until the end of this day.",
    )
    open_link = RadioField(
        "Who can answer",
        widget=GovRadioInput(),
        validate_choice=False,
        default="yes",
        choices=[
            SelectChoice("yes", "Anyone with the link"),
            SelectChoice("no", "Only people with an invitation code"),
        ],
    )
    version = RadioField("Version of the questions", widget=GovRadioInput(), validate_choice=False)
    submit = SubmitField("Save wave", widget=GovSubmitInput())

    def set_versions(self, versions: Sequence[SurveyVersion]) -> None:
        """Offer the survey's versions, newest first."""
        self.version.choices = [
            SelectChoice(
                str(version.id),
                f"Version {version.number} ({len(version.questions)} questions"
                f"{', locked' if version.locked else ''})",
            )
            for version in reversed(versions)
        ]

    def fill(self, wave: Wave) -> None:
        """Show a wave as it is (the code and version, unless taken off the form)."""
        if self.code is not None:
            self.code.data = wave.code
        if self.version is not None:
            self.version.data = str(wave.version_id)
        self.title.data = wave.title
        self.opens_on.data, self.closes_on.data = wave.opens_on, wave.closes_on
        self.open_link.data = "yes" if wave.open_link else "no"

    def draft(self, wave: Wave | None = None) -> WaveDraft:
        """What was typed, as plain values; a field taken off the form keeps `wave`'s value."""
        code = _text(self.code.data) if self.code is not None else wave.code
        version = _text(self.version.data) if self.version is not None else str(wave.version_id)
        return WaveDraft(
            code=code,
            title=_text(self.title.data),
            opens_on=self.opens_on.data,
            closes_on=self.closes_on.data,
            open_link=self.open_link.data != "no",
            version_id=int(version) if re.fullmatch(r"[0-9]{1,9}", version) else None,
        )
