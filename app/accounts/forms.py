"""Account forms. They validate input only; the services check again and touch the database."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    StopValidation,
    ValidationError,
)

from app.accounts import services as s
from app.accounts.models import Role
from app.records import vocab


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _sort_key(name: str) -> str:
    """Sort "Åland Islands" with the A's, not after "Zimbabwe"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _country_choices() -> list[SelectChoice]:
    """An empty first choice (nothing picked by accident), the EU member states (most users),
    then every other ISO 3166 country."""

    def group(codes: Any, label: str) -> list[SelectChoice]:
        pairs = sorted(((c, vocab.country_name(c)) for c in codes), key=lambda p: _sort_key(p[1]))
        return [SelectChoice(code, name, optgroup=label) for code, name in pairs]

    eu = set(vocab.EU27)
    return [
        SelectChoice("", "Choose a country"),
        *group(eu, "EU member states"),
        *group(vocab.COUNTRY_CODES - eu, "Other countries"),
    ]


COUNTRY_CHOICES = _country_choices()
ROLE_HINTS = {
    Role.PRACTITIONER: "Practitioner: you run or evaluate prevention work and submit measures",
    Role.OFFICIAL: "Official: you work for a public authority and compare measures",
    Role.MODERATOR: "Moderator: you review submissions for the network",
    Role.ADMIN: "Admin: manages users and roles",
}


class OneOf:
    """The value must be one of `allowed`; unlike AnyOf it marks the field as required."""

    field_flags = {"required": True}

    def __init__(self, allowed: set[str], message: str) -> None:
        self.allowed = allowed
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if field.data not in self.allowed:
            raise ValidationError(self.message)


def _max_length(limit: int):
    """Stops the chain, so an overlong value gets one clear message, not several."""

    def check(form: Any, field: Any) -> None:
        if field.data and len(field.data) > limit:
            raise StopValidation(s.MSG_TOO_LONG.format(max=limit))

    return check


def _password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(s.MSG_REQUIRED["password"]),
            Length(min=s.MIN_PASSWORD_LENGTH, message=s.MSG_PASSWORD_SHORT),
            Length(max=s.MAX_PASSWORD_LENGTH, message=s.MSG_PASSWORD_LONG),
        ],
        description=f"At least {s.MIN_PASSWORD_LENGTH} characters. A few unrelated words "
        "make a strong password that is easy to remember.",
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_field() -> PasswordField:
    return PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", s.MSG_PASSWORDS_DIFFER),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _email_field() -> EmailField:
    return EmailField(
        "Email address",
        filters=[_strip],
        validators=[
            DataRequired(s.MSG_REQUIRED["email"]),
            _max_length(s.FIELD_LIMITS["email"]),
            Email(s.MSG_EMAIL_INVALID),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class RegistrationForm(FlaskForm):
    name = StringField(
        "Full name",
        filters=[_strip],
        validators=[
            DataRequired(s.MSG_REQUIRED["name"]),
            _max_length(s.FIELD_LIMITS["name"]),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = _email_field()
    password = _password_field("Password")
    confirm = _confirm_field()
    country = SelectField(
        "Country",
        choices=COUNTRY_CHOICES,
        validate_choice=False,
        validators=[OneOf(set(vocab.COUNTRY_CODES), s.MSG_COUNTRY)],
        description="The country you work in.",
        render_kw={"autocomplete": "country"},
    )
    organisation = StringField(
        "Organisation",
        filters=[_strip],
        validators=[
            DataRequired(s.MSG_REQUIRED["organisation"]),
            _max_length(s.FIELD_LIMITS["organisation"]),
        ],
        render_kw={"autocomplete": "organization"},
    )
    role = SelectField(
        "Role you ask for",
        choices=[
            SelectChoice("", "Choose a role"),
            *(SelectChoice(role.value, ROLE_HINTS[role]) for role in s.REGISTRATION_ROLES),
        ],
        validate_choice=False,
        validators=[OneOf({role.value for role in s.REGISTRATION_ROLES}, s.MSG_REGISTRATION_ROLE)],
        description="A moderator approves practitioners; an administrator approves officials "
        "and moderators.",
    )
    submit = SubmitField("Register")


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[_strip],
        validators=[DataRequired(s.MSG_REQUIRED["email"]), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=s.MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in")


class ResetRequestForm(FlaskForm):
    email = _email_field()
    submit = SubmitField("Send me a reset link")


class ResetPasswordForm(FlaskForm):
    password = _password_field("New password")
    confirm = _confirm_field()
    submit = SubmitField("Set the new password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = _password_field("New password")
    confirm = _confirm_field()
    submit = SubmitField("Change password")


class RejectForm(FlaskForm):
    reason = StringField(
        "Reason (optional, sent to the person)",
        filters=[_strip],
        validators=[_max_length(500)],
    )


class RoleForm(FlaskForm):
    role = SelectField(
        "Role",
        choices=[SelectChoice(role.value, role.value.title()) for role in Role],
        validate_choice=False,
        validators=[OneOf({role.value for role in Role}, s.MSG_ROLE)],
    )


# --- two-factor sign-in ----------------------------------------------------------------------

MSG_CODE_REQUIRED = "Enter the code."


def _code_field(label: str, description: str, numeric: bool = False) -> StringField:
    render_kw = {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}
    if numeric:
        render_kw["inputmode"] = "numeric"
    return StringField(
        label,
        filters=[_strip],
        validators=[DataRequired(MSG_CODE_REQUIRED), _max_length(40)],
        description=description,
        render_kw=render_kw,
    )


class SecondFactorForm(FlaskForm):
    code = _code_field(
        "Sign-in code",
        "The 6-digit code your authenticator app shows now, or one of your recovery codes.",
    )
    submit = SubmitField("Continue")


class ConfirmTwoFactorForm(FlaskForm):
    code = _code_field(
        "Code from your app", "The 6-digit code your app shows for Prevent-Hub.", numeric=True
    )
    submit = SubmitField("Turn on two-factor sign-in")


class PasswordAndCodeForm(FlaskForm):
    """Used twice on one page, so each use gets its own prefix (unique field ids)."""

    current_password = PasswordField(
        "Current password",
        validators=[
            DataRequired("Enter your current password."),
            Length(max=s.MAX_PASSWORD_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    code = _code_field("Code", "The code your app shows now, or an unused recovery code.")


class StaffPolicyForm(FlaskForm):
    require_for_staff = BooleanField(
        "Require two-factor sign-in for moderators and admins",
        description="Moderators and admins without it are sent to set it up when they next "
        "open a page, and can do nothing else until they have.",
    )
    submit = SubmitField("Save")
