"""Account forms. They validate input only; the services check again and touch the database."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
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
        SelectChoice("", _l("Choose a country")),
        *group(eu, _l("EU member states")),
        *group(vocab.COUNTRY_CODES - eu, _l("Other countries")),
    ]


COUNTRY_CHOICES = _country_choices()
ROLE_HINTS = {
    Role.PRACTITIONER: _l("Practitioner: you run or evaluate prevention work and submit measures"),
    Role.OFFICIAL: _l("Official: you work for a public authority and compare measures"),
    Role.MODERATOR: _l("Moderator: you review submissions for the network"),
    Role.ADMIN: _l("Admin: manages users and roles"),
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
        description=_l(
            "At least %(count)s characters. A few unrelated words make a strong password that "
            "is easy to remember.",
            count=s.MIN_PASSWORD_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", s.MSG_PASSWORDS_DIFFER),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _email_field() -> EmailField:
    return EmailField(
        _l("Email address"),
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
        _l("Full name"),
        filters=[_strip],
        validators=[
            DataRequired(s.MSG_REQUIRED["name"]),
            _max_length(s.FIELD_LIMITS["name"]),
        ],
        render_kw={"autocomplete": "name"},
    )
    email = _email_field()
    password = _password_field(_l("Password"))
    confirm = _confirm_field()
    country = SelectField(
        _l("Country"),
        choices=COUNTRY_CHOICES,
        validate_choice=False,
        validators=[OneOf(set(vocab.COUNTRY_CODES), s.MSG_COUNTRY)],
        description=_l("The country you work in."),
        render_kw={"autocomplete": "country"},
    )
    organisation = StringField(
        _l("Organisation"),
        filters=[_strip],
        validators=[
            DataRequired(s.MSG_REQUIRED["organisation"]),
            _max_length(s.FIELD_LIMITS["organisation"]),
        ],
        render_kw={"autocomplete": "organization"},
    )
    role = SelectField(
        _l("Role you ask for"),
        choices=[
            SelectChoice("", _l("Choose a role")),
            *(SelectChoice(role.value, ROLE_HINTS[role]) for role in s.REGISTRATION_ROLES),
        ],
        validate_choice=False,
        validators=[OneOf({role.value for role in s.REGISTRATION_ROLES}, s.MSG_REGISTRATION_ROLE)],
        description=_l(
            "A moderator approves practitioners; an administrator approves officials "
            "and moderators."
        ),
    )
    submit = SubmitField(_l("Register"))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        filters=[_strip],
        validators=[DataRequired(s.MSG_REQUIRED["email"]), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=s.MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Sign in"))


class ResetRequestForm(FlaskForm):
    email = _email_field()
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    password = _password_field(_l("New password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Set the new password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = _password_field(_l("New password"))
    confirm = _confirm_field()
    submit = SubmitField(_l("Change password"))


class RejectForm(FlaskForm):
    reason = StringField(
        _l("Reason (optional, sent to the person)"),
        filters=[_strip],
        validators=[_max_length(500)],
    )


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, role.value.title()) for role in Role],
        validate_choice=False,
        validators=[OneOf({role.value for role in Role}, s.MSG_ROLE)],
    )


# --- two-factor sign-in ----------------------------------------------------------------------

MSG_CODE_REQUIRED = _l("Enter the code.")


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
        _l("Sign-in code"),
        _l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
    )
    submit = SubmitField(_l("Continue"))


class ConfirmTwoFactorForm(FlaskForm):
    code = _code_field(
        _l("Code from your app"),
        _l("The 6-digit code your app shows for Prevent-Hub."),
        numeric=True,
    )
    submit = SubmitField(_l("Turn on two-factor sign-in"))


class PasswordAndCodeForm(FlaskForm):
    """Used twice on one page, so each use gets its own prefix (unique field ids)."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(_l("Enter your current password.")),
            Length(max=s.MAX_PASSWORD_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    code = _code_field(_l("Code"), _l("The code your app shows now, or an unused recovery code."))


class StaffPolicyForm(FlaskForm):
    require_for_staff = BooleanField(
        _l("Require two-factor sign-in for moderators and admins"),
        description=_l(
            "Moderators and admins without it are sent to set it up when they next "
            "open a page, and can do nothing else until they have."
        ),
    )
    submit = SubmitField(_l("Save"))
