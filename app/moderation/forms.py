"""Moderation forms: a decision with its comment, and the filters of the queue and audit log."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

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
from app.moderation.services import COMMENT_MAX_LENGTH
from app.records import vocab


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ListedChoiceField(SelectField):
    """A select whose refusal of an unlisted value says what to do about it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_choice_message", "Choose one of the listed options.")
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
            raise ValueError("Enter a whole number, like 42.") from None

    def pre_validate(self, form: Form) -> None:
        # Text that is no number gets that one message, not a range complaint as well.
        if self.process_errors:
            raise StopValidation()


class TransitionForm(FlaskForm):
    """One moderator decision and the comment the owner and the audit log read."""

    comment = TextAreaField(
        "Comment",
        filters=[_strip],
        validators=[
            DataRequired("Write a comment: the owner and the audit log read it."),
            Length(max=COMMENT_MAX_LENGTH, message="Keep the comment to %(max)d characters."),
        ],
    )


# --- the evidence workflow of EVIDENCE-2027 §7 -------------------------------------------------

_REASONS_REQUIRED = "Give your reasons: the owner and the audit log read them."
_REASONS_LENGTH = Length(max=COMMENT_MAX_LENGTH, message="Keep it to %(max)d characters.")


def _reasons(label: str, hint: str) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[_strip],
        description=hint,
        validators=[DataRequired(_REASONS_REQUIRED), _REASONS_LENGTH],
    )


class VerifyEvidenceForm(FlaskForm):
    """A second moderator records that the figures match the reports; a comment is optional."""

    comment = TextAreaField(
        "What did you check? (optional)",
        filters=[_strip],
        description="For example: effect sizes, sample sizes and attrition against each report.",
        validators=[Optional(), _REASONS_LENGTH],
    )


class ChoiceRadio(RadioField):
    """Radios that must be answered: one message whether nothing or an unknown value came."""

    def __init__(
        self, label: str, choices: list[SelectChoice], message: str, **kwargs: Any
    ) -> None:
        super().__init__(label, choices=choices, invalid_choice_message=message, **kwargs)

    def pre_validate(self, form: Form) -> None:
        try:
            super().pre_validate(form)
        except ValueError as exc:
            raise StopValidation(str(exc)) from None


HARM_VERDICTS = [
    SelectChoice("confirmed", "Harm confirmed: the evidence is labelled Negative effects found"),
    SelectChoice("not_confirmed", "Harm not confirmed: the harm signal is cleared"),
]


class HarmReviewForm(FlaskForm):
    """The experts' verdict on a harm signal, with the reasons the owner reads."""

    verdict = ChoiceRadio(
        "The experts' verdict", HARM_VERDICTS, "Choose whether the experts confirmed the harm."
    )
    reasons = _reasons("Reasons", "What the experts found; the owner receives this text.")


REREVIEW_DECISIONS = [
    SelectChoice("upheld", "The level stands: the figures were checked again"),
    SelectChoice(
        "changes_requested", "The figures need correcting: the owner is asked to edit the measure"
    ),
]


class RereviewDecisionForm(FlaskForm):
    """A moderator's decision on an owner's request to review the level again."""

    decision = ChoiceRadio("Decision", REREVIEW_DECISIONS, "Choose a decision.")
    comment = _reasons("Reasons", "Why; the owner receives this text.")


class RereviewRequestForm(FlaskForm):
    """The owner's request to have the evidence level reviewed again."""

    reason = _reasons(
        "Why should the evidence be reviewed again?",
        "For example: a figure was copied wrongly, or a report was misread. The moderators"
        " and the audit log read this.",
    )


QUEUE_STATE_CHOICES = [
    SelectChoice("submitted", "Submitted: waiting for a decision"),
    SelectChoice("draft", "Draft (being written or sent back for changes)"),
    SelectChoice("published", "Published"),
    SelectChoice("rejected", "Rejected"),
    SelectChoice("archived", "Archived"),
    SelectChoice("all", "All states"),
]
AGE_CHOICES = [
    SelectChoice("", "Any time"),
    SelectChoice("7", "More than 7 days ago"),
    SelectChoice("30", "More than 30 days ago"),
    SelectChoice("90", "More than 90 days ago"),
]


def country_choices() -> list[SelectChoice]:
    """EU Member States first, then the other countries, each by name."""
    eu = sorted(vocab.EU27, key=vocab.country_name)
    others = sorted(vocab.COUNTRY_CODES - set(vocab.EU27), key=vocab.country_name)
    return [
        SelectChoice("", "Any country"),
        *(SelectChoice(c, vocab.country_name(c), optgroup="EU Member States") for c in eu),
        *(SelectChoice(c, vocab.country_name(c), optgroup="Other countries") for c in others),
    ]


class QueueFilterForm(Form):
    """GET parameters of the queue; a plain Form, as filters change nothing."""

    state = ListedChoiceField("State", choices=QUEUE_STATE_CHOICES, default="submitted")
    country = ListedChoiceField("Country", default="")
    older_than = ListedChoiceField("Submitted", choices=AGE_CHOICES, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


# Action names look like "measure.published"; object types like "measure".
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class AuditFilterForm(Form):
    """GET parameters of the audit log. Choices come from what the log holds."""

    action = ListedChoiceField("Action", default="")
    actor = StringField(
        "Actor email",
        filters=[_strip],
        description="All or part of the email address.",
        validators=[
            Optional(),
            Length(max=254, message="An email has at most %(max)d characters."),
        ],
    )
    object_type = ListedChoiceField("Object type", default="")
    object_id = WholeNumberField(
        "Object id",
        validators=[Optional(), NumberRange(min=1, message="Object ids start at 1.")],
    )

    def __init__(
        self, formdata: Any, actions: list[str], object_types: list[str], **kwargs: Any
    ) -> None:
        super().__init__(formdata, **kwargs)
        self.action.choices = self._choices(
            "All actions", actions, self.action.data, wording.action_text
        )
        self.object_type.choices = self._choices(
            "All types", object_types, self.object_type.data, wording.object_text
        )

    @staticmethod
    def _choices(
        everything: str, present: list[str], asked: Any, words: Callable[[str], str]
    ) -> list[SelectChoice]:
        values = list(present)
        # A well-formed name the log does not hold yet is a filter with no results, not an error.
        if isinstance(asked, str) and asked and asked not in values and _NAME.match(asked):
            values.append(asked)
        return [SelectChoice("", everything), *(SelectChoice(v, words(v)) for v in values)]
