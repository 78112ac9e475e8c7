"""Validation of a measure record: the one path shared by the web form, the API and import.

`validate_record(data)` returns a normalised record or raises `RecordInvalid` whose errors
name the key (``evaluations[1].year``) and the reason, in the same words everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from app.records import vocab


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


class _Bad(Exception):
    """Raised by a field checker with the reason; the caller adds the key."""


def _string(min_len: int = 0, max_len: int | None = None) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _Bad("must be text")
        if "\x00" in value:  # PostgreSQL refuses it in text; no real document has one
            raise _Bad("must not contain a NUL character")
        value = value.strip()
        if len(value) < min_len:
            raise _Bad(f"must be at least {min_len} characters long")
        if max_len is not None and len(value) > max_len:
            raise _Bad(f"must be at most {max_len:,} characters long")
        return value

    return check


def _integer(low: int | None = None, high: int | None = None) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Bad("must be a whole number")
        if low is not None and value < low:
            raise _Bad(f"must be at least {low}")
        if high is not None and value > high:
            raise _Bad(f"must be at most {high}")
        return value

    return check


def _number(low: float | None = None, high: float | None = None) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Bad("must be a number")
        if value != value or value in (float("inf"), float("-inf")):
            raise _Bad("must be a finite number")
        if low is not None and value < low:
            raise _Bad(f"must be at least {low:g}")
        if high is not None and value > high:
            raise _Bad(f"must be at most {high:g}")
        return float(value)

    return check


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad("must be true or false")
    return value


def _choice(choices: Iterable[str]) -> Callable[[Any], str]:
    allowed = tuple(choices)

    def check(value: Any) -> str:
        if value not in allowed:
            raise _Bad(f"must be one of {', '.join(allowed)} (got {_show(value)})")
        return value

    return check


def _country(value: Any) -> str:
    if not isinstance(value, str) or value.upper() not in vocab.COUNTRY_CODES:
        raise _Bad(f"{_show(value)} is not an ISO 3166-1 alpha-2 country code")
    return value.upper()


def _language(value: Any) -> str:
    if not isinstance(value, str) or value.lower() not in vocab.LANGUAGE_CODES:
        raise _Bad(f"{_show(value)} is not an ISO 639-1 language code")
    return value.lower()


def _url(value: Any) -> str:
    value = _string(1, 500)(value)
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise _Bad("must be a web address starting with http:// or https://")
    return value


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# key -> (required, checker, is_list)
Spec = dict[str, tuple[bool, Callable[[Any], Any], bool]]

EVALUATION_SPEC: Spec = {
    "design": (True, _choice(vocab.DESIGNS), False),
    "year": (True, _integer(1950, 2100), False),
    "country": (False, _country, False),
    "sample_size": (False, _integer(1), False),
    "comparison_group": (False, _boolean, False),
    "follow_up_months": (False, _integer(0, 1200), False),
    "attrition_pct": (False, _number(0, 100), False),
    "independent": (False, _boolean, False),
    "peer_reviewed": (False, _boolean, False),
    "outcomes": (False, _choice(vocab.OUTCOMES), True),
    "effect": (True, _choice(vocab.EFFECTS), False),
    "effect_size": (False, _number(-10, 10), False),
    "findings": (True, _string(1, 10_000), False),
    "citation": (False, _string(0, 2_000), False),
    "url": (False, _url, False),
}

RECORD_SPEC: Spec = {
    "external_id": (False, _string(1, 100), False),
    "title": (True, _string(3, 200), False),
    "summary": (True, _string(20, 1000), False),
    "description": (False, _string(0, 50_000), False),
    "countries": (True, _country, True),
    "text_language": (False, _language, False),
    "languages": (False, _language, True),
    "prevention_level": (True, _choice(vocab.PREVENTION_LEVELS), False),
    "target_groups": (True, _choice(vocab.TARGET_GROUPS), True),
    "settings": (True, _choice(vocab.SETTINGS), True),
    "abuse_forms": (False, _choice(vocab.ABUSE_FORMS), True),
    "delivery": (False, _choice(vocab.DELIVERY), True),
    "age_min": (False, _integer(0, 99), False),
    "age_max": (False, _integer(0, 99), False),
    "organisation": (True, _string(2, 300), False),
    "website": (False, _url, False),
    "start_year": (False, _integer(1950, 2100), False),
    "end_year": (False, _integer(1950, 2100), False),
    "status": (False, _choice(vocab.PROGRAMME_STATUSES), False),
    "cost_level": (False, _choice(vocab.COST_LEVELS), False),
    "cost_notes": (False, _string(0, 5_000), False),
    "implementation": (False, _string(0, 20_000), False),
    "manual_available": (False, _boolean, False),
    "transferability": (False, _string(0, 20_000), False),
    "evaluations": (False, lambda v: v, True),  # checked item by item below
}
RECORD_KEYS = tuple(RECORD_SPEC)
EVALUATION_KEYS = tuple(EVALUATION_SPEC)
MAX_EVALUATIONS = 50


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _check_object(data: Any, spec: Spec, prefix: str) -> tuple[dict, list[FieldError]]:
    errors: list[FieldError] = []
    if not isinstance(data, dict):
        return {}, [FieldError(prefix.rstrip(".") or "record", "must be a JSON object")]
    clean: dict[str, Any] = {}
    for key in data:
        if key not in spec:
            errors.append(FieldError(f"{prefix}{key}", "is not a known key"))
    for key, (required, check, is_list) in spec.items():
        value = data.get(key)
        name = f"{prefix}{key}"
        if _is_blank(value):
            if required:
                errors.append(FieldError(name, "is required"))
            continue
        if not is_list:
            try:
                clean[key] = check(value)
            except _Bad as bad:
                errors.append(FieldError(name, str(bad)))
            continue
        if not isinstance(value, list):
            errors.append(FieldError(name, "must be a list"))
            continue
        if key == "evaluations":
            clean[key] = value
            continue
        items: list[Any] = []
        for i, item in enumerate(value):
            try:
                item = check(item)
            except _Bad as bad:
                errors.append(FieldError(f"{name}[{i}]", str(bad)))
                continue
            if item in items:
                errors.append(FieldError(f"{name}[{i}]", f"{_show(item)} is listed twice"))
            else:
                items.append(item)
        clean[key] = items
    return clean, errors


def validate_evaluation(data: Any, prefix: str = "") -> tuple[dict, list[FieldError]]:
    return _check_object(data, EVALUATION_SPEC, prefix)


def validate_record(data: Any) -> dict:
    """Check and normalise one record; raise RecordInvalid listing every problem found."""
    clean, errors = _check_object(data, RECORD_SPEC, "")
    evaluations = []
    raw_evaluations = clean.get("evaluations", [])
    if len(raw_evaluations) > MAX_EVALUATIONS:
        errors.append(FieldError("evaluations", f"must have at most {MAX_EVALUATIONS} items"))
    for i, item in enumerate(raw_evaluations[:MAX_EVALUATIONS]):
        evaluation, eval_errors = validate_evaluation(item, f"evaluations[{i}].")
        errors.extend(eval_errors)
        evaluations.append(evaluation)
    if "evaluations" in clean:
        clean["evaluations"] = evaluations
    for low, high in (("age_min", "age_max"), ("start_year", "end_year")):
        if low in clean and high in clean and clean[high] < clean[low]:
            errors.append(FieldError(high, f"must not be less than {low} ({clean[low]})"))
    if errors:
        raise RecordInvalid(errors)
    return clean
