"""The account deletion form: the password confirms it is really the person."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, Length


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[
            DataRequired("Enter your password to confirm."),
            Length(max=128, message="Use at most 128 characters."),
        ],
        description="To confirm that it is you who asks.",
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Delete my account")
