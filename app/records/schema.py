"""Validation of a measure record: the one path shared by the web form, the API and import.

`validate_record(data)` returns a normalised record or raises `RecordInvalid` whose errors
name the key (``evaluations[1].year``) and the reason, in the same words everywhere. The rules
are the model's (app/records/model.py); this module turns pydantic's errors into ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from app.core.i18n import N_, Wording
from app.records.fields import ERROR_TYPE
from app.records.model import (
    MAX_EVALUATIONS,
    RANGE_ERROR_TYPE,
    Evaluation,
    MeasureRecord,
    RecordObject,
    Result,
    nested_model,
)

__all__ = [
    "EVALUATION_KEYS",
    "EXPORT_ONLY_KEYS",
    "MAX_EVALUATIONS",
    "RECORD_KEYS",
    "RESULT_KEYS",
    "FieldError",
    "RecordInvalid",
    "validate_record",
]

RECORD_KEYS = tuple(MeasureRecord.model_fields)
EVALUATION_KEYS = tuple(Evaluation.model_fields)
RESULT_KEYS = tuple(Result.model_fields)
# Keys an export adds to each record for its reader (where the measure lives, how it is rated,
# a shortlist's note); import drops them, so an exported file re-imports as it is.
EXPORT_ONLY_KEYS = ("id", "url", "evidence_level", "evidence_label", "harm_flag", "note")

# The few structural errors pydantic itself raises around our kinds, in our words. Any other
# error type is a programming mistake (a pydantic constraint slipped into the model) and
# fails loudly rather than show pydantic's wording to a user.
_STRUCTURAL = {
    "missing": N_("is required"),
    "extra_forbidden": N_("is not a known key"),
    "model_type": N_("must be a JSON object"),
    "model_attributes_type": N_("must be a JSON object"),
    "dict_type": N_("must be a JSON object"),
}


@dataclass(frozen=True)
class FieldError:
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


class RecordInvalid(ValueError):
    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def key_path(loc: tuple[str | int, ...]) -> str:
    """('evaluations', 1, 'year') -> 'evaluations[1].year'; the whole record is 'record'."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path or "record"


def _message(error: Any) -> str:
    if error["type"] in (ERROR_TYPE, RANGE_ERROR_TYPE):
        return error["ctx"]["message"]
    try:
        words = _STRUCTURAL[error["type"]]
    except KeyError:
        raise LookupError(f"No words of ours for pydantic's {error['type']!r} error") from None
    return Wording(words)  # English; a page shows it in the reader's language


def _order(error: Any) -> tuple:
    """Errors in reading order: at each object, unknown keys first, then the keys in the
    model's order (items of a list by index); checks between two keys come last, in the
    order of where they are."""
    rank: list[Any] = [2 if error["type"] == RANGE_ERROR_TYPE else 1]
    model: type[RecordObject] | None = MeasureRecord
    for position, part in enumerate(error["loc"]):
        if isinstance(part, int):
            rank.append(part)
            continue
        last = position == len(error["loc"]) - 1
        if model is None or (last and error["type"] == "extra_forbidden"):
            rank.append(-1)
            break
        rank.append(list(model.model_fields).index(part))
        model = nested_model(model, part)
    return tuple(rank)


def errors_of(error: ValidationError) -> list[FieldError]:
    details = sorted(error.errors(include_url=False), key=_order)  # stable: keeps item order
    return [FieldError(key_path(e["loc"]), _message(e)) for e in details]


def validate_record(data: Any) -> dict:
    """Check and normalise one record; raise RecordInvalid listing every problem found."""
    try:
        return MeasureRecord.model_validate(data).to_dict()
    except ValidationError as error:
        raise RecordInvalid(errors_of(error)) from None
