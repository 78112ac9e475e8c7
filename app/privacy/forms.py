"""The account deletion form: the password confirms it is really the person."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, Length


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[
            DataRequired(_l("Enter your password to confirm.")),
            Length(max=128, message=_l("Use at most 128 characters.")),
        ],
        description=_l("To confirm that it is you who asks."),
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Delete my account"))
