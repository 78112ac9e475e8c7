"""The form that creates a personal API token. It validates; services.py checks again."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from app.api_tokens import services as tokens

SCOPE_LABELS = {
    "read": "Read: look up measures and your own drafts (GET only)",
    "write": "Write: also create and edit drafts, reviews and shortlists",
    "moderate": "Moderate: also publish, reject and hide (moderators only)",
}


class CreateTokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[
            DataRequired(tokens.MSG_NAME_REQUIRED),
            Length(max=tokens.MAX_NAME_LENGTH, message=tokens.MSG_NAME_TOO_LONG),
        ],
        description=_l("So you recognise it later, for example “Ministry portal sync”."),
    )
    scope = SelectField(_l("What the token may do"), validate_choice=True)
    submit = SubmitField(_l("Create token"))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope.choices = [(s.value, SCOPE_LABELS[s.value]) for s in tokens.scopes_for(user)]
        self.scope.validate_choice = True
