"""Moderation forms: a decision with its comment, and the filters of the queue and audit log."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import (
    Form,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation

from app.audit import wording
from app.core.i18n import current_language
from app.moderation.services import COMMENT_MAX_LENGTH
from app.records import vocab


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ListedChoiceField(SelectField):
    """A select whose refusal of an unlisted value says what to do about it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", _l("Choose one of the listed options."))
        super().__init__(*args, **kwargs)


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a whole number, like 42.")) from None

    def pre_validate(self, form: Form) -> None:
        # Text that is no number gets that one message, not a range complaint as well.
        if self.process_errors:
            raise StopValidation()


class TransitionForm(FlaskForm):
    """One moderator decision and the comment the owner and the audit log read."""

    comment = TextAreaField(
        _l("Comment"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Write a comment: the owner and the audit log read it.")),
            Length(max=COMMENT_MAX_LENGTH, message=_l("Keep the comment to %(max)d characters.")),
        ],
    )


# --- the evidence workflow of EVIDENCE-2027 §7 -------------------------------------------------

_REASONS_REQUIRED = _l("Give your reasons: the owner and the audit log read them.")
_REASONS_LENGTH = Length(max=COMMENT_MAX_LENGTH, message=_l("Keep it to %(max)d characters."))


def _reasons(label: LazyString, hint: LazyString) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[_strip],
        description=hint,
        validators=[DataRequired(_REASONS_REQUIRED), _REASONS_LENGTH],
    )


class VerifyEvidenceForm(FlaskForm):
    """A second moderator records that the figures match the reports; a comment is optional."""

    comment = TextAreaField(
        _l("What did you check? (optional)"),
        filters=[_strip],
        description=_l(
            "For example: effect sizes, sample sizes and attrition against each report."
        ),
        validators=[Optional(), _REASONS_LENGTH],
    )


class ChoiceRadio(RadioField):
    """Radios that must be answered: one message whether nothing or an unknown value came."""

    def __init__(
        self, label: LazyString, choices: list[SelectChoice], message: LazyString, **kwargs: Any
    ) -> None:
        super().__init__(label, choices=choices, invalid_choice_message=message, **kwargs)

    def pre_validate(self, form: Form) -> None:
        try:
            super().pre_validate(form)
        except ValueError as exc:
            raise StopValidation(str(exc)) from None


HARM_VERDICTS = [
    SelectChoice(
        "confirmed", _l("Harm confirmed: the evidence is labelled Negative effects found")
    ),
    SelectChoice("not_confirmed", _l("Harm not confirmed: the harm signal is cleared")),
]


class HarmReviewForm(FlaskForm):
    """The experts' verdict on a harm signal, with the reasons the owner reads."""

    verdict = ChoiceRadio(
        _l("The experts' verdict"),
        HARM_VERDICTS,
        _l("Choose whether the experts confirmed the harm."),
    )
    reasons = _reasons(_l("Reasons"), _l("What the experts found; the owner receives this text."))


REREVIEW_DECISIONS = [
    SelectChoice("upheld", _l("The level stands: the figures were checked again")),
    SelectChoice(
        "changes_requested",
        _l("The figures need correcting: the owner is asked to edit the measure"),
    ),
]


class RereviewDecisionForm(FlaskForm):
    """A moderator's decision on an owner's request to review the level again."""

    decision = ChoiceRadio(_l("Decision"), REREVIEW_DECISIONS, _l("Choose a decision."))
    comment = _reasons(_l("Reasons"), _l("Why; the owner receives this text."))


class RereviewRequestForm(FlaskForm):
    """The owner's request to have the evidence level reviewed again."""

    reason = _reasons(
        _l("Why should the evidence be reviewed again?"),
        _l(
            "For example: a figure was copied wrongly, or a report was misread. The moderators"
            " and the audit log read this."
        ),
    )


QUEUE_STATE_CHOICES = [
    SelectChoice("submitted", _l("Submitted: waiting for a decision")),
    SelectChoice("draft", _l("Draft (being written or sent back for changes)")),
    SelectChoice("published", _l("Published")),
    SelectChoice("rejected", _l("Rejected")),
    SelectChoice("archived", _l("Archived")),
    SelectChoice("all", _l("All states")),
]
AGE_CHOICES = [
    SelectChoice("", _l("Any time")),
    SelectChoice("7", _l("More than 7 days ago")),
    SelectChoice("30", _l("More than 30 days ago")),
    SelectChoice("90", _l("More than 90 days ago")),
]


def country_choices() -> list[SelectChoice]:
    """EU Member States first, then the other countries, each by its name in the reader's
    language."""
    language = current_language()
    names = {c: vocab.country_name(c, language) for c in vocab.COUNTRY_CODES}
    eu = sorted(vocab.EU27, key=names.__getitem__)
    others = sorted(vocab.COUNTRY_CODES - set(vocab.EU27), key=names.__getitem__)
    return [
        SelectChoice("", _l("Any country")),
        *(SelectChoice(c, names[c], optgroup=_l("EU Member States")) for c in eu),
        *(SelectChoice(c, names[c], optgroup=_l("Other countries")) for c in others),
    ]


class QueueFilterForm(Form):
    """GET parameters of the queue; a plain Form, as filters change nothing."""

    state = ListedChoiceField(_l("State"), choices=QUEUE_STATE_CHOICES, default="submitted")
    country = ListedChoiceField(_l("Country"), default="")
    older_than = ListedChoiceField(_l("Submitted"), choices=AGE_CHOICES, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


# Action names look like "measure.published"; object types like "measure".
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class AuditFilterForm(Form):
    """GET parameters of the audit log. Choices come from what the log holds."""

    action = ListedChoiceField(_l("Action"), default="")
    actor = StringField(
        _l("Actor email"),
        filters=[_strip],
        description=_l("All or part of the email address."),
        validators=[
            Optional(),
            Length(max=254, message=_l("An email has at most %(max)d characters.")),
        ],
    )
    object_type = ListedChoiceField(_l("Object type"), default="")
    object_id = WholeNumberField(
        _l("Object id"),
        validators=[Optional(), NumberRange(min=1, message=_l("Object ids start at 1."))],
    )

    def __init__(
        self, formdata: Any, actions: list[str], object_types: list[str], **kwargs: Any
    ) -> None:
        super().__init__(formdata, **kwargs)
        self.action.choices = self._choices(
            _l("All actions"), actions, self.action.data, wording.action_text
        )
        self.object_type.choices = self._choices(
            _l("All types"), object_types, self.object_type.data, wording.object_text
        )

    @staticmethod
    def _choices(
        everything: LazyString, present: list[str], asked: Any, words: Callable[[str], str]
    ) -> list[SelectChoice]:
        values = list(present)
        # A well-formed name the log does not hold yet is a filter with no results, not an error.
        if isinstance(asked, str) and asked and asked not in values and _NAME.match(asked):
            values.append(asked)
        return [SelectChoice("", everything), *(SelectChoice(v, words(v)) for v in values)]
