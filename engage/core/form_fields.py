"""Form pieces every capability's forms share, so a date is read and a refusal is shown alike on
every page (survey waves, concerns, roadshows, agencies' actions)."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field, Form

PARTS = ("day", "month", "year")


def stripped(value: str | None) -> str | None:
    """A filter: typed text without surrounding spaces (anything else, as it came)."""
    return value.strip() if isinstance(value, str) else value


class GovDateField(Field):
    """A date typed as day, month and year (GOV.UK date input); blank is None for the form or
    the service to refuse if it is needed.

    GovDateInput unpacks exactly three typed values, so a post with fewer or more is evened out
    here rather than breaking the page. Only ASCII digits are read, as int() would also take
    "+3", "1_0" or other scripts' digits. Messages follow GOV.UK's pattern and name the field by
    its label without "(optional)"; `example` is the date they and the hint show.
    """

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, *, example: str, **kwargs) -> None:
        kwargs.setdefault("description", f"For example, {example}")
        super().__init__(label, validators, **kwargs)
        self.example = example

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [(value or "").replace("\x00", "").strip() for value in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        name = self.label.text.split(" (")[0]
        missing = [part_name for part_name, part in zip(PARTS, parts, strict=True) if not part]
        if missing:
            raise ValueError(f"{name} must include a {' and a '.join(missing)}")
        day, month, year = parts
        try:
            if len(year) != 4 or not all(part.isascii() and part.isdigit() for part in parts):
                raise ValueError(year)
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"{name} must be a real date, like {self.example}") from None

    def _value(self) -> str:
        return ""  # the widget fills the day, month and year in from raw_data or data


def put_error(form: Form, field_name: str | None, message: str, fallback: str) -> None:
    """Show a service's refusal on the field it names, else on `fallback` (a refusal naming no
    field, or one the form does not have, is still shown)."""
    field = form[field_name] if field_name and field_name in form else form[fallback]
    field.errors = [*field.errors, message]
