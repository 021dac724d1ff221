"""The form pieces every capability shares: a GOV.UK date read strictly, and a service's refusal
put on the field it names."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField

from engage.core.form_fields import GovDateField, put_error, stripped


class DateForm(Form):
    due_on = GovDateField("Due date (optional)", example="27 3 2026")
    note = StringField("Note", filters=[stripped])


def typed(*parts: str) -> DateForm:
    form = DateForm(MultiDict([("due_on", part) for part in parts]))
    form.validate()
    return form


def test_a_date_typed_as_day_month_and_year_is_read():
    form = typed(" 5", "3 ", "2026")

    assert form.due_on.data == date(2026, 3, 5)
    assert form.errors == {}


@pytest.mark.parametrize("parts", [(), ("", "", ""), ("", "", "", "extra")])
def test_a_blank_date_is_none_without_an_error(parts):
    form = typed(*parts)

    assert form.due_on.data is None
    assert form.errors == {}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("1", "", "2026"), "Due date must include a month"),
        (("", "", "26"), "Due date must include a day and a month"),
        (("1",), "Due date must include a month and a year"),
        (("31", "2", "2026"), "Due date must be a real date, like 27 3 2026"),
        (("1", "10", "26"), "Due date must be a real date, like 27 3 2026"),
        (("+1", "10", "2026"), "Due date must be a real date, like 27 3 2026"),
        (("1_0", "10", "2026"), "Due date must be a real date, like 27 3 2026"),
        (("\u0661", "10", "2026"), "Due date must be a real date, like 27 3 2026"),
    ],
)
def test_a_date_that_cannot_be_read_is_refused_naming_the_field(parts, message):
    form = typed(*parts)

    assert form.due_on.data is None
    assert form.errors == {"due_on": [message]}


def test_what_was_typed_is_kept_to_show_again_without_nul_characters():
    form = typed("3\x00", "x", "2026")

    assert form.due_on.raw_data == ["3", "x", "2026"]


def test_the_example_is_the_hint_unless_the_field_has_its_own():
    assert DateForm().due_on.description == "For example, 27 3 2026"


@given(st.lists(st.text(max_size=6), max_size=5))
def test_any_post_is_read_or_refused_never_a_crash(parts):
    form = typed(*parts)

    assert form.due_on.data is None or isinstance(form.due_on.data, date)
    assert len(form.due_on.raw_data) == 3


def test_a_refusal_goes_on_the_field_it_names_else_on_the_fallback():
    form = typed("1", "1", "2026")

    put_error(form, "note", "Say more", fallback="due_on")
    put_error(form, "no_such_field", "Not that", fallback="due_on")
    put_error(form, None, "Nor this", fallback="due_on")

    assert form.note.errors == ["Say more"]
    assert form.due_on.errors == ["Not that", "Nor this"]
