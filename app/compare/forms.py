"""Compare and shortlist forms. They validate input only; the services check again."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.compare.models import NAME_MAX_LENGTH, NOTE_MAX_LENGTH

MEASURE_ID_MAX = 2**31 - 1  # the largest id a database integer column holds


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _squash(value: Any) -> Any:
    """Names are one line: runs of spaces, tabs and line breaks become one space."""
    return " ".join(value.split()) if isinstance(value, str) else value


def _measure_id_field() -> IntegerField:
    return IntegerField(
        _l("Measure"),
        validators=[
            InputRequired(_l("Say which measure.")),
            NumberRange(min=1, max=MEASURE_ID_MAX, message=_l("This is not a measure number.")),
        ],
    )


class MeasureActionForm(FlaskForm):
    """Add a measure to, or remove it from, a list; `next` is where to go back to."""

    measure_id = _measure_id_field()
    next = HiddenField()


class ShortlistNameForm(FlaskForm):
    """Create or rename a shortlist; creating may put a first measure on it."""

    name = StringField(
        _l("Name of the shortlist"),
        filters=[_squash],
        validators=[
            DataRequired(_l("Enter a name for the shortlist.")),
            Length(max=NAME_MAX_LENGTH, message=_l("The name must be at most %(max)d characters.")),
        ],
    )
    measure_id = IntegerField(
        _l("Measure"),
        validators=[
            Optional(),
            NumberRange(min=1, max=MEASURE_ID_MAX, message=_l("This is not a measure number.")),
        ],
    )
    next = HiddenField()


class ItemForm(FlaskForm):
    """Put a measure on a shortlist with a note, or change the note of one already there."""

    measure_id = _measure_id_field()
    note = TextAreaField(
        _l("Note"),
        filters=[_strip],
        validators=[
            Length(max=NOTE_MAX_LENGTH, message=_l("The note must be at most %(max)d characters.")),
        ],
    )
    next = HiddenField()


class ChooseShortlistForm(ItemForm):
    """The measure page's "Add to shortlist": which of the user's shortlists (the view checks
    it is theirs, and answers 404 otherwise, as for any shortlist that is not theirs)."""

    shortlist_id = IntegerField(
        _l("Shortlist"),
        validators=[
            InputRequired(_l("Choose one of your shortlists.")),
            NumberRange(min=1, max=MEASURE_ID_MAX, message=_l("Choose one of your shortlists.")),
        ],
    )


class ShareForm(FlaskForm):
    """Share a shortlist (a new link each time) or stop sharing it."""

    action = SelectField(
        _l("Action"),
        choices=[SelectChoice("share", _l("Share")), SelectChoice("revoke", _l("Stop sharing"))],
        validate_choice=True,
        invalid_choice_message=_l("Choose to share the shortlist or to stop sharing it."),
    )


class ConfirmForm(FlaskForm):
    """A POST with nothing to say but its CSRF token (delete)."""
