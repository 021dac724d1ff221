"""Forms for the partners' and clerks' part in a concern: actions, referral answers, "this is not
resolved", staff's decision on it, and the filter of "Your concerns".

They check that what was typed has the right shape and hand plain values to
engage.concerns.actions, whose ConcernError messages go back onto the fields they name.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from engage.auth.models import User
from engage.auth.permissions import Role
from engage.concerns.actions import ActionValues
from engage.concerns.casework_forms import filled
from engage.concerns.models import ActionStatus, ConcernAction
from engage.concerns.services import TEXT_LIMIT
from engage.concerns.workflow import Status
from engage.core.form_fields import GovDateField, stripped
from engage.core.models import Agency

ACTION_STATUS_HINTS = {
    ActionStatus.PLANNED: "Agreed, not started.",
    ActionStatus.IN_PROGRESS: "Being done now.",
    ActionStatus.DONE: "Finished: say what was done, for the public.",
    ActionStatus.CANCELLED: "Will not be done.",
}
ACCEPT, REJECT = "accept", "reject"
REOPEN, KEEP = "reopen", "keep"


def _whole_number(text: str | None) -> int | None:
    """A database id typed or tampered with: a small whole number, else None."""
    text = text or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def _within_limit(form, field) -> None:
    if field.data and len(field.data) > TEXT_LIMIT:
        raise ValidationError(f"{field.label.text} must be {TEXT_LIMIT:,} characters or fewer")


def _text_area(label: str, description: str = "", *validators) -> StringField:
    return StringField(
        label,
        widget=GovTextArea(),
        filters=[stripped],
        description=description,
        validators=[*validators, _within_limit],
    )


class ActionForm(FlaskForm):
    """One agency's part in answering a concern."""

    agency = SelectField("Agency", widget=GovSelect(), validate_choice=False, filters=[stripped])
    owner = SelectField(
        "Owner",
        widget=GovSelect(),
        validate_choice=False,
        filters=[stripped],
        description="Someone from the agency, or from the office, who sees it through.",
    )
    description = _text_area(
        "What will be done",
        "The working detail, for the agencies and the office only.",
        filled("Say what will be done"),
    )
    public_line = _text_area(
        "What the public may read (needed once it is done)",
        "One line for the “We did”, like “Speed checks on six mornings in March”. No names, "
        "addresses or other personal details.",
    )
    due_on = GovDateField("Due date (optional)", example="27 3 2026")
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[SelectChoice(status.value, status.value.capitalize()) for status in ActionStatus],
        default=ActionStatus.PLANNED.value,
    )
    seen = HiddenField()
    submit = SubmitField("Save action", widget=GovSubmitInput())

    def offer(self, agencies: Sequence[Agency], owners: Sequence[User]) -> None:
        """Offer the agencies that may act (office only) and who may own the action."""
        if "agency" in self:
            self.agency.choices = [SelectChoice("", "Choose an agency")] + [
                SelectChoice(str(agency.id), agency.name) for agency in agencies
            ]
        self.owner.choices = [SelectChoice("", "Choose someone")] + [
            SelectChoice(str(user.id), _owner_label(user)) for user in owners
        ]

    def fill(self, action: ConcernAction, seen: str) -> None:
        """Show the action as it is stored."""
        if "agency" in self:
            self.agency.data = str(action.agency_id)
        self.owner.data = str(action.owner_id or "")
        self.description.data = action.description
        self.public_line.data = action.public_line
        self.due_on.data = action.due_on
        self.status.data = action.status.value
        self.seen.data = seen

    def validate_status(self, field) -> None:
        if field.data not in {status.value for status in ActionStatus}:
            raise ValidationError("Choose the action's status")

    def validate_owner(self, field) -> None:
        if _whole_number(field.data) is None:
            raise ValidationError("Choose who owns this action")

    def values(self, agency_id: int | None = None) -> ActionValues:
        """What was given (call after validation); `agency_id` fixes the agency (partners)."""
        return ActionValues(
            agency_id=agency_id if agency_id is not None else _whole_number(self.agency.data),
            owner_id=_whole_number(self.owner.data),
            description=self.description.data or "",
            public_line=self.public_line.data or "",
            due_on=self.due_on.data,
            status=ActionStatus(self.status.data),
        )


def _owner_label(user: User) -> str:
    if user.role is Role.PARTNER and user.agency is not None:
        return f"{user.name} ({user.agency.name})"
    return f"{user.name} (the office)"


class ReferralAnswerForm(FlaskForm):
    """The referred agency's answer: take the lead, or say why not."""

    answer = RadioField(
        "Will your agency lead on this concern?", widget=GovRadioInput(), validate_choice=False
    )
    note = _text_area(
        "Note",
        "Needed if you will not lead on it: say why, for the office. When you accept, a note "
        "is shown with the concern's public updates, so leave out personal details.",
    )
    version = HiddenField()
    submit = SubmitField("Send answer", widget=GovSubmitInput())

    def offer(self, agency: Agency) -> None:
        self.answer.choices = [
            SelectChoice(ACCEPT, f"Yes, {agency.name} will lead on it"),
            SelectChoice(REJECT, f"No, {agency.name} will not lead on it"),
        ]

    def validate_answer(self, field) -> None:
        if field.data not in (ACCEPT, REJECT):
            raise ValidationError("Say whether your agency will lead on this concern")

    def validate_note(self, field) -> None:
        if self.answer.data == REJECT and not field.data:
            raise ValidationError("Say why your agency will not lead on it")


class NotResolvedForm(FlaskForm):
    """Someone saying the concern is not resolved."""

    reason = _text_area(
        "What is not resolved?",
        "Say what is still happening, or what was not done.",
        filled("Say what is not resolved"),
    )
    submit = SubmitField("Send", widget=GovSubmitInput())


class ReopenDecisionForm(FlaskForm):
    """Staff's decision on a request to look at a concern again."""

    decision = RadioField(
        "What will you do?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[
            SelectChoice(REOPEN, "Reopen the concern and look at it again"),
            SelectChoice(KEEP, "Keep it as it is"),
        ],
    )
    note = _text_area(
        "Why?",
        "The person who asked reads this with the concern's public updates, so leave out "
        "personal details.",
        filled("Say why: the person who asked will read it"),
    )
    version = HiddenField()
    submit = SubmitField("Decide", widget=GovSubmitInput())

    def validate_decision(self, field) -> None:
        if field.data not in (REOPEN, KEEP):
            raise ValidationError("Choose whether to reopen the concern or keep it as it is")


class FollowedFilterForm(FlaskForm):
    """Which of the concerns one follows to list."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        widget=GovSelect(),
        validate_choice=False,
        filters=[stripped],
        choices=[SelectChoice("", "Any status")]
        + [SelectChoice(status.value, status.value.capitalize()) for status in Status],
    )
    submit = SubmitField("Show concerns", widget=GovSubmitInput())

    def validate_status(self, field) -> None:
        if field.data and field.data not in {status.value for status in Status}:
            raise ValidationError("Choose a status from the list")

    def chosen_status(self) -> Status | None:
        return Status(self.status.data) if self.status.data and not self.errors else None


def version_of(field: HiddenField) -> int | None:
    """The concern's version the page was showing, or None when it was not sent."""
    return _whole_number(field.data)
