"""Forms for staff casework's lifecycle moves, and the fields and checks the queue's forms
(engage.concerns.queue_forms) share with them.

Each move form carries the concern's version in a hidden field, so a change made by someone else
since the page was loaded is caught, and hands plain values to services.apply_move, whose
ConcernError messages go back onto the fields they name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from engage.auth.models import User
from engage.auth.permissions import Role
from engage.concerns import personal_data
from engage.concerns.models import Concern
from engage.concerns.services import TEXT_LIMIT
from engage.core.form_fields import stripped
from engage.core.models import Agency

REFERENCE = re.compile(r"C-\d{4}-\d{5,9}|\d{1,9}", re.IGNORECASE)  # or a concern's number


def at_most(limit: int, what: str = "It"):
    """A validator: the text is `limit` characters or fewer."""

    def check(form, field) -> None:
        if field.data and len(field.data) > limit:
            raise ValidationError(f"{what} must be {limit:,} characters or fewer")

    return check


def plain(form, field) -> None:
    """A validator: no control characters other than tabs and line ends."""
    if field.data and any(ord(c) < 32 and c not in "\t\r\n" for c in field.data):
        raise ValidationError("Use plain text: remove the control characters")


def filled(message: str):
    """A validator: something was typed or chosen."""

    def check(form, field) -> None:
        if not field.data:
            raise ValidationError(message)

    return check


def _chosen(message: str):
    """The value must be one of the field's choices (other than the blank prompt)."""

    def check(form, field) -> None:
        offered = {str(choice.value) for choice in field.choices or [] if choice.value != ""}
        if field.data not in offered:
            raise ValidationError(message)

    return check


def text_box(label: str, missing: str | None = None, description: str = "") -> StringField:
    """A plain-text box of at most TEXT_LIMIT characters, required when `missing` says how."""
    validators = [filled(missing)] if missing else []
    return StringField(
        label,
        widget=GovTextArea(),
        filters=[stripped],
        description=description,
        validators=[*validators, at_most(TEXT_LIMIT, label.split(" (")[0]), plain],
    )


def _select(label: str, message: str, description: str = "") -> SelectField:
    return SelectField(
        label,
        widget=GovSelect(),
        validate_choice=False,
        filters=[stripped],
        description=description,
        validators=[_chosen(message)],
    )


def _prompted(prompt: str, choices: list[SelectChoice]) -> list[SelectChoice]:
    return [SelectChoice("", prompt), *choices]


def agency_choices(agencies: Sequence[Agency]) -> list[SelectChoice]:
    """The agencies as a select's choices."""
    return [SelectChoice(str(agency.id), agency.name) for agency in agencies]


def owner_label(user: User) -> str:
    """Who may own a concern, as the owner select names them."""
    if user.role is Role.PARTNER and user.agency is not None:
        return f"{user.name} ({user.agency.name})"
    return f"{user.name} ({user.role.label})"


# Moves --------------------------------------------------------------------------------------


class MoveForm(FlaskForm):
    """A lifecycle move: the version the page showed and an internal note."""

    version = HiddenField()
    note = text_box("Note (optional)")
    submit = SubmitField("Save", widget=GovSubmitInput())
    fallback = "note"  # where a refusal that names no field is shown

    def validate_version(self, field) -> None:
        text = field.data or ""
        if not (text.isascii() and text.isdigit() and len(text) < 10):
            raise ValidationError(
                "This form is out of date: go back to the concern and start again"
            )

    def fill(self, concern: Concern) -> None:
        """Start from the concern as it stands."""
        self.version.data = str(concern.version)

    def expected_version(self) -> int:
        return int(self.version.data)

    def given(self) -> dict:
        """The values services.apply_move takes for this move."""
        return {"note": self.note.data or ""}


class CloseForm(MoveForm):
    submit = SubmitField("Close concern", widget=GovSubmitInput())


class WithdrawReferralForm(MoveForm):
    submit = SubmitField("Withdraw referral", widget=GovSubmitInput())


class ReopenForm(MoveForm):
    note = text_box(
        "Why reopen it?",
        "Add a note saying why it is reopened",
        "Shown with the concern's updates.",
    )
    submit = SubmitField("Reopen concern", widget=GovSubmitInput())


class TriageForm(MoveForm):
    lead_agency = _select("Lead agency", "Choose the agency that leads")
    owner = _select(
        "Owner",
        "Choose who owns the concern",
        "A member of staff or a partner who sees it through.",
    )
    category = _select("Category", "Choose a category")
    priority = _select("Plan priority", "Choose the plan priority it falls under")
    submit = SubmitField("Triage concern", widget=GovSubmitInput())
    fallback = "lead_agency"

    def offer(self, agencies, owners, categories, priorities) -> None:
        self.lead_agency.choices = _prompted("Choose an agency", agency_choices(agencies))
        self.owner.choices = _prompted(
            "Choose an owner", [SelectChoice(str(user.id), owner_label(user)) for user in owners]
        )
        self.category.choices = _prompted(
            "Choose a category", [SelectChoice(str(one.id), one.name) for one in categories]
        )
        self.priority.choices = _prompted(
            "Choose a plan priority", [SelectChoice(str(one.id), str(one)) for one in priorities]
        )

    def fill(self, concern: Concern) -> None:
        super().fill(concern)
        self.category.data = str(concern.category_id or "")

    def given(self) -> dict:
        return {
            **super().given(),
            "lead_agency": self.lead_agency.data,
            "owner": self.owner.data,
            "category": self.category.data,
            "priority": self.priority.data,
        }


class ReferForm(MoveForm):
    agency = _select("Refer to", "Choose the agency it is referred to")
    handed_over = text_box(
        "What is handed over",
        "Say what is handed over to the agency",
        "Shown on the public board once published: no names or contact details.",
    )
    submit = SubmitField("Refer concern", widget=GovSubmitInput())
    fallback = "agency"

    def offer(self, agencies: Sequence[Agency]) -> None:
        self.agency.choices = _prompted("Choose an agency", agency_choices(agencies))

    def given(self) -> dict:
        return {
            **super().given(),
            "agency": self.agency.data,
            "handed_over": self.handed_over.data,
        }


class RespondForm(MoveForm):
    we_did = text_box(
        "We did",
        "Write what we did",
        "What the agencies did, in plain words; it is published only once signed off.",
    )
    submit = SubmitField("Record response", widget=GovSubmitInput())
    fallback = "we_did"

    def given(self) -> dict:
        return {**super().given(), "we_did": self.we_did.data}


class PublishForm(MoveForm):
    public_summary = text_box(
        "You said: the public summary",
        "Write a public summary",
        "In our words, never the raiser's unreviewed: no names, addresses or contact details.",
    )
    we_did = text_box("We did", "Write what we did")
    checked = BooleanField(
        "I have checked the flagged text and it is not personal data", widget=GovCheckboxInput()
    )
    redact = SubmitField("Remove flagged text", widget=GovSubmitInput())
    submit = SubmitField("Sign off and publish", widget=GovSubmitInput())
    fallback = "we_did"

    def fill(self, concern: Concern) -> None:
        super().fill(concern)
        self.public_summary.data = concern.public_summary
        self.we_did.data = concern.we_did_draft

    def flagged(self) -> bool:
        """Whether either text has something that looks like personal data."""
        return any(
            personal_data.flags(field.data or "") for field in (self.public_summary, self.we_did)
        )

    def validate_checked(self, field) -> None:
        if self.flagged() and not field.data:
            raise ValidationError(
                "Remove the flagged text, or tick to confirm you have checked it is not "
                "personal data"
            )

    def given(self) -> dict:
        return {
            **super().given(),
            "public_summary": self.public_summary.data,
            "we_did": self.we_did.data,
        }


class MergeForm(MoveForm):
    merge_into = StringField(
        "Merge into",
        widget=GovTextInput(),
        filters=[stripped],
        description="The reference of the concern this one duplicates, like C-2026-00042.",
        validators=[filled("Give the reference of the concern this one duplicates")],
    )
    submit = SubmitField("Merge concern", widget=GovSubmitInput())
    fallback = "merge_into"

    def validate_merge_into(self, field) -> None:
        if field.data and not REFERENCE.fullmatch(field.data):
            raise ValidationError("Give a reference like C-2026-00042")

    def given(self) -> dict:
        return {**super().given(), "merge_into": self.merge_into.data}


class DeclineForm(MoveForm):
    reason = text_box(
        "Public reason",
        "Give a public reason that says where to go instead",
        "Shown on the public board: why it is not ours to answer, and where to go instead.",
    )
    submit = SubmitField("Decline concern", widget=GovSubmitInput())
    fallback = "reason"

    def given(self) -> dict:
        return {**super().given(), "reason": self.reason.data}


class HoldForm(MoveForm):
    note = text_box(
        "What are we waiting for?",
        "Say what information we are waiting for from the raiser",
        "The clocks stop counting until you restart them.",
    )
    submit = SubmitField("Pause the clocks", widget=GovSubmitInput())


class ResumeForm(MoveForm):
    submit = SubmitField("Restart the clocks", widget=GovSubmitInput())
