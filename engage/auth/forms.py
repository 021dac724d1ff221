"""Forms for signing in, setting passwords and inviting or editing users."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from engage.auth.passwords import MAX_LENGTH
from engage.auth.permissions import Role

EMAIL_REQUIRED = DataRequired(message="Enter your email address")
EMAIL_FORMAT = Email(
    message="Enter an email address in the correct format, like name@example.com",
    check_deliverability=False,
)


class LoginForm(FlaskForm):
    """Email and password; the same message for any mismatch, so accounts cannot be probed."""

    email = StringField("Email address", widget=GovTextInput(), validators=[EMAIL_REQUIRED])
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    """Choose a password, typed twice (for invitations and resets)."""

    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter a password"),
            Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer"),
        ],
    )
    confirm = PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter the password again"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(NewPasswordForm):
    """Change a known password; the current one proves it is really the account holder."""

    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )


class ForgotPasswordForm(FlaskForm):
    """Ask for a reset link by email."""

    email = StringField(
        "Email address", widget=GovTextInput(), validators=[EMAIL_REQUIRED, EMAIL_FORMAT]
    )
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class AccountForm(FlaskForm):
    """Role and bindings of an account; choices are filled in by the view from reference data."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the person's full name"), Length(max=120)],
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose a role")],
    )
    agency = SelectField("Agency (partners only)", widget=GovSelect(), default="")
    parishes = SelectMultipleField(
        "Parishes and towns (clerks only)", widget=GovCheckboxesInput(), coerce=int
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def set_choices(self, roles, agencies, parishes) -> None:
        """Offer only the roles this user may grant, and the active agencies and parishes."""
        self.role.choices = [SelectChoice(role.value, role.label) for role in roles]
        self.agency.choices = [SelectChoice("", "None")] + [
            SelectChoice(str(agency.id), agency.name) for agency in agencies
        ]
        self.parishes.choices = [
            SelectChoice(parish.id, f"{parish.name} ({parish.parent.name})") for parish in parishes
        ]

    @property
    def chosen_role(self) -> Role:
        return Role(self.role.data)

    @property
    def chosen_agency_id(self) -> int | None:
        return int(self.agency.data) if self.agency.data else None


class InviteForm(AccountForm):
    """Invite a person by email to an account with a role."""

    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the person's email address"), EMAIL_FORMAT],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token (deactivate, resend, sign out)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
