"""The form for an indicator's national benchmark: a percentage, where it comes from, when."""

from __future__ import annotations

import math

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import ValidationError

from engage.surveys.result_models import Indicator


def _text(value: str | None) -> str:
    """Typed text without surrounding spaces or NUL characters (which PostgreSQL refuses)."""
    return (value or "").replace("\x00", "").strip()


class BenchmarkForm(FlaskForm):
    """The national figure an indicator is compared with; a blank value clears it.

    The range and the need for a source and period are the service's rules (save_benchmark);
    this form only reads the typed number, keeping the typed text when it is not one.
    """

    value = StringField(
        "Benchmark",
        widget=GovTextInput(),
        filters=[_text],
        description="A percentage, like 74.5. Leave it blank to compare with no benchmark.",
    )
    source = StringField(
        "Source",
        widget=GovTextInput(),
        filters=[_text],
        description="Where the figure comes from, like Crime Survey for England and Wales.",
    )
    period = StringField(
        "Period",
        widget=GovTextInput(),
        filters=[_text],
        description="The time the figure covers, like year ending March 2025.",
    )
    submit = SubmitField("Save benchmark", widget=GovSubmitInput())

    def validate_value(self, field: StringField) -> None:
        if field.data and self.percentage() is None:
            raise ValidationError("Enter the benchmark as a number, like 74.5")

    def percentage(self) -> float | None:
        """The typed benchmark as a number ("74.5%" reads as 74.5), or None if blank or not one."""
        typed = (self.value.data or "").removesuffix("%").strip()
        try:
            number = float(typed)
        except ValueError:
            return None
        return number if math.isfinite(number) else None

    def fill(self, indicator: Indicator) -> None:
        """Show the indicator's current benchmark."""
        value = indicator.benchmark_value
        self.value.data = "" if value is None else f"{value:g}"
        self.source.data = indicator.benchmark_source
        self.period.data = indicator.benchmark_period
