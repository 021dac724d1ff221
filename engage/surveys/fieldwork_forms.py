"""Forms for fieldwork: invitation codes per district, an upload and its matching, and targets.

Most have one field per district, column, value or category, so they are built for what they
show: a `*_form(...)` function makes the form class with those fields and returns an instance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from engage.core.models import Area
from engage.surveys.import_files import Table
from engage.surveys.imports import (
    MAX_ANSWER_VALUES,
    NO_ANSWER,
    NOT_MATCHED,
    ValueCount,
    suggest_value,
)
from engage.surveys.invitations import MAX_PER_DISTRICT
from engage.surveys.monitor import MONITORED, Category
from engage.surveys.questions import QuestionSpec

IGNORE = ""  # the column choice that leaves a column out


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (import, cancel)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


# Invitation codes --------------------------------------------------------------------------


class InvitationBatchForm(FlaskForm):
    """How many codes to make for each district; `district_fields` pairs each with its id."""

    submit = SubmitField("Make codes", widget=GovSubmitInput())
    district_fields: list[tuple[int, StringField]]

    def counts(self) -> dict[int, int]:
        """Codes wanted per district id (blank means none)."""
        return {district_id: int(field.data or 0) for district_id, field in self.district_fields}

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators) or not self.district_fields:
            return False
        if not any(self.counts().values()):
            self.district_fields[0][1].errors.append(
                "Enter how many codes to make for at least one district"
            )
            return False
        return True


def _whole_number(name: str):
    def check(form, field) -> None:
        text = (field.data or "").replace(",", "")
        if not text:
            return
        if not text.isdigit() or not text.isascii():
            raise ValidationError(f"Enter a whole number of codes for {name}, like 500")
        if int(text) > MAX_PER_DISTRICT:
            raise ValidationError(f"Make no more than {MAX_PER_DISTRICT:,} codes for {name}")
        field.data = str(int(text))

    return check


def invitation_form(districts: Sequence[Area]) -> InvitationBatchForm:
    """A number box for each district in use."""

    class Form(InvitationBatchForm):
        pass

    for district in districts:
        setattr(
            Form,
            f"district_{district.id}",
            StringField(
                district.name,
                widget=GovTextInput(),
                filters=[_strip],
                validators=[_whole_number(district.name)],
            ),
        )
    form = Form()
    form.district_fields = [
        (district.id, form[f"district_{district.id}"]) for district in districts
    ]
    return form


# Importing responses -----------------------------------------------------------------------


class UploadForm(FlaskForm):
    """The agency's file."""

    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description="A CSV file, an Excel workbook (.xlsx) or an SPSS data file (.sav), "
        "with the column names in the first row and one response a row.",
        validators=[FileRequired(message="Choose the file to upload")],
    )
    submit = SubmitField("Upload and continue", widget=GovSubmitInput())


def _question_choice(spec: QuestionSpec) -> SelectChoice:
    text = spec.text if len(spec.text) <= 70 else spec.text[:69].rstrip() + "…"
    return SelectChoice(spec.code, f"{spec.code}: {text}")


class ColumnsForm(FlaskForm):
    """A question (or 'do not import') for each column of the file."""

    submit = SubmitField("Save and continue", widget=GovSubmitInput())
    column_fields: list[tuple[str, SelectField]]

    def chosen(self) -> dict[str, str]:
        """The columns to import and the question each answers."""
        return {column: field.data for column, field in self.column_fields if field.data != IGNORE}

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        first: dict[str, str] = {}
        for column, field in self.column_fields:
            if field.data == IGNORE:
                continue
            if field.data in first:
                field.errors.append(
                    f"“{first[field.data]}” is already matched to {field.data}: "
                    "choose another question or do not import this column"
                )
            else:
                first[field.data] = column
        if not first and self.column_fields:
            self.column_fields[0][1].errors.append("Match at least one column to a question")
        return not self.errors


def columns_form(
    columns: Sequence[str], specs: Sequence[QuestionSpec], chosen: Mapping[str, str]
) -> ColumnsForm:
    """A select per column, set to what is chosen (or suggested) so far."""
    choices = [SelectChoice(IGNORE, "Do not import"), *(_question_choice(spec) for spec in specs)]

    class Form(ColumnsForm):
        pass

    for index, column in enumerate(columns):
        setattr(
            Form,
            f"column_{index}",
            SelectField(
                column, widget=GovSelect(), choices=choices, default=chosen.get(column, IGNORE)
            ),
        )
    form = Form()
    form.column_fields = [(column, form[f"column_{index}"]) for index, column in enumerate(columns)]
    return form


@dataclass
class AnswerGroup:
    """A choice question matched to a column: its values and the select for each."""

    spec: QuestionSpec
    column: str
    values: list[tuple[ValueCount, SelectField]]
    too_many: int = 0  # the number of different values, when there are too many to match


class AnswersForm(FlaskForm):
    """The answer code each value of each choice column means."""

    submit = SubmitField("Save and continue", widget=GovSubmitInput())
    groups: list[AnswerGroup]

    def chosen(self) -> dict[str, dict[str, str]]:
        """Per question code, the answer chosen for each value."""
        return {
            group.spec.code: {count.value: field.data for count, field in group.values}
            for group in self.groups
        }


def answers_form(
    table: Table,
    matched: Sequence[tuple[str, QuestionSpec]],
    values: Mapping[str, Sequence[ValueCount]],
    chosen: Mapping[str, Mapping[str, str]],
) -> AnswersForm:
    """A select per value of each matched choice column, set to what is chosen or suggested.

    `matched` pairs each choice column with its question; `values` holds each column's values.
    """

    class Form(AnswersForm):
        pass

    layout = []
    for group_index, (column, spec) in enumerate(matched):
        choices = [
            SelectChoice(NOT_MATCHED, "Not matched: refuse rows with it"),
            SelectChoice(NO_ANSWER, "No answer: leave the question unanswered"),
            *(
                SelectChoice(option.code, f"{option.code}: {option.label}")
                for option in spec.options
            ),
        ]
        found = values[column]
        if len(found) > MAX_ANSWER_VALUES:
            layout.append((spec, column, [], len(found)))
            continue
        names = []
        for value_index, count in enumerate(found):
            default = chosen.get(spec.code, {}).get(count.value)
            if default is None:
                default = suggest_value(spec, count.value, count.label) or NOT_MATCHED
            name = f"answer_{group_index}_{value_index}"
            setattr(
                Form,
                name,
                SelectField(
                    f"Answer code for “{count.value}” in {column}",
                    widget=GovSelect(),
                    choices=choices,
                    default=default,
                ),
            )
            names.append((count, name))
        layout.append((spec, column, names, 0))
    form = Form()
    form.groups = [
        AnswerGroup(spec, column, [(count, form[name]) for count, name in names], too_many)
        for spec, column, names, too_many in layout
    ]
    return form


# Fieldwork monitor -------------------------------------------------------------------------


class TargetsForm(FlaskForm):
    """A target percentage for each category of each monitored question."""

    submit = SubmitField("Save targets", widget=GovSubmitInput())
    groups: list[tuple[str, str, list[tuple[Category, StringField]]]]

    def typed(self) -> dict[str, dict[str, str]]:
        """What was typed, per question code and category code."""
        return {
            code: {category.code: field.data or "" for category, field in fields}
            for code, _, fields in self.groups
        }

    def show_errors(self, errors: Mapping[tuple[str, str], str]) -> None:
        """Put errors from monitor.targets_from_percentages on their fields."""
        for code, _, fields in self.groups:
            for category, field in fields:
                if (code, category.code) in errors:
                    field.errors = [*field.errors, errors[code, category.code]]


def targets_form(
    categories: Mapping[str, Sequence[Category]], percentages: Mapping[str, Mapping[str, str]]
) -> TargetsForm:
    """A percentage box per category, filled with the targets set so far."""

    class Form(TargetsForm):
        pass

    layout = []
    for code, members in categories.items():
        names = []
        for category in members:
            name = f"target_{code}_{category.code}"
            setattr(
                Form,
                name,
                StringField(
                    category.label,
                    widget=GovTextInput(),
                    filters=[_strip],
                    default=percentages.get(code, {}).get(category.code, ""),
                ),
            )
            names.append((category, name))
        layout.append((code, MONITORED.get(code, code), names))
    form = Form()
    form.groups = [
        (code, title, [(category, form[name]) for category, name in names])
        for code, title, names in layout
    ]
    return form
