"""Review forms. They parse input only; app/reviews/services.py validates (one set of messages
for every way a review arrives) and touches the database."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation

from app.accounts.forms import COUNTRY_CHOICES
from app.reviews.models import DIMENSION_LABELS, SCORE_WORDS, SCORES
from app.reviews.services import ReviewData

DIMENSION_HINTS = {
    "effectiveness": _l("Did it achieve its aims where you saw it used?"),
    "ease": _l("Staff, training, materials, time: how easy was it to put into practice?"),
    "transferability": _l("How well would it work in other countries, languages and systems?"),
    "value": _l("Were the results worth the money and effort?"),
}
MSG_YEAR_NOT_NUMBER = _l("Enter the year as a number, like 2021.")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _score(value: Any) -> int | None:
    """A posted score as an int; anything else None, so the service names the problem."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class YearField(StringField):
    """A year typed as text: blank is None, digits an int, anything else a clear message."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = (valuelist[0] if valuelist else "") or ""
        raw = raw.strip()
        self.raw = raw
        if not raw:
            self.data = None
        elif raw.isdigit() and len(raw) <= 4:
            self.data = int(raw)
        else:
            self.data = None
            raise ValueError(MSG_YEAR_NOT_NUMBER)

    def _value(self) -> str:
        if getattr(self, "raw", None) is not None:
            return self.raw
        return "" if self.data is None else str(self.data)

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()


def _score_field(name: str) -> RadioField:
    return RadioField(
        DIMENSION_LABELS[name],
        choices=[
            SelectChoice(score, _l("%(score)s – %(words)s", score=score, words=SCORE_WORDS[score]))
            for score in SCORES
        ],
        coerce=_score,
        validate_choice=False,  # the service says what a valid score is
        description=DIMENSION_HINTS[name],
    )


class ReviewForm(FlaskForm):
    effectiveness = _score_field("effectiveness")
    ease = _score_field("ease")
    transferability = _score_field("transferability")
    value = _score_field("value")
    implemented = BooleanField(
        _l("I have implemented this measure (or my organisation has)"),
        description=_l("Reviews by people who have run the measure are marked as such."),
    )
    implemented_country = SelectField(
        _l("Country where you implemented it"),
        choices=COUNTRY_CHOICES,
        validate_choice=False,
        filters=[_strip],
        description=_l("Optional."),
    )
    implemented_year = YearField(
        _l("Year you implemented it"),
        description=_l("Optional. For example 2021."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "class": "input-short"},
    )
    comment = TextAreaField(
        _l("Comment"),
        filters=[_strip],
        description=_l("What worked, what did not, and for whom. 10 to 5,000 characters."),
        render_kw={"rows": 6},
    )

    score_fields = ("effectiveness", "ease", "transferability", "value")

    def to_data(self) -> ReviewData:
        return ReviewData(
            effectiveness=self.effectiveness.data,
            ease=self.ease.data,
            transferability=self.transferability.data,
            value=self.value.data,
            implemented=bool(self.implemented.data),
            implemented_country=self.implemented_country.data or None,
            implemented_year=self.implemented_year.data,
            comment=self.comment.data,
        )


def add_errors(form: FlaskForm, errors: list[tuple[str, str]]) -> None:
    """Put a service's messages on their fields (a field keeps only its first problem)."""
    for name, message in errors:
        field: Field | None = getattr(form, name, None)
        if field is not None and not field.errors:
            field.errors = [message]


class HideForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for hiding"),
        filters=[_strip],
        description=_l("The author reads this reason, and it goes into the audit log."),
        render_kw={"rows": 4},
    )


class UnhideForm(FlaskForm):
    note = TextAreaField(
        _l("Note for the audit log"), filters=[_strip], description=_l("Optional.")
    )
