"""The kinds of value a record key can hold, each with its check, its words and its JSON Schema.

A kind is a small frozen object used as pydantic metadata (``Annotated[str, Text(3, 200)]``):
pydantic calls `check` to validate and `json_schema` to describe, so the limits written here
are the only ones. Every refusal is a `PydanticCustomError` of type ``record`` carrying our
own words ("must be text", "must be a whole number", …): pydantic's wording never reaches a
user (app/records/schema.py refuses any error that is not ours or a known structural one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from email_validator import EmailNotValidError, validate_email
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError, core_schema

from app.core.i18n import N_, Wording
from app.records import vocab

ERROR_TYPE = "record"
RANGE_ERROR_TYPE = "record_range"  # a rule between two keys broken; listed after the others
# Whole numbers are stored in INTEGER columns: a larger one would fail on PostgreSQL.
MAX_STORED_INT = 2_147_483_647
# EVIDENCE-2027 §1: "a DOI such as 10.1111/jsm.12785".
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")


def invalid(template: str, **params: Any) -> PydanticCustomError:
    """A refusal in our words: English for the API and imports, the reader's language where
    a page shows it (a Wording). The message is passed as context, not as pydantic's
    template, so a value shown in it ("got '{x}'") is never read as a placeholder."""
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": Wording(template, **params)})


def show(value: Any) -> str:
    """A value as a message quotes it: its repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Kind:
    """Base of the kinds: pydantic validates with `check` and describes with `json_schema`."""

    def check(self, value: Any) -> Any:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return self.json_schema()


@dataclass(frozen=True)
class Text(Kind):
    """Text, trimmed, between `min_length` and `max_length` characters."""

    min_length: int = 0
    max_length: int | None = None

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise invalid(N_("must be text"))
        if "\x00" in value:  # PostgreSQL refuses it in text; no real document has one
            raise invalid(N_("must not contain a NUL character"))
        value = value.strip()
        if len(value) < self.min_length:
            raise invalid(N_("must be at least %(count)s characters long"), count=self.min_length)
        if self.max_length is not None and len(value) > self.max_length:
            raise invalid(N_("must be at most %(count)s characters long"), count=self.max_length)
        return value

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "minLength": self.min_length}
        if self.max_length is not None:
            out["maxLength"] = self.max_length
        return out


@dataclass(frozen=True)
class WholeNumber(Kind):
    """A JSON integer (not a boolean, not 3.0), between `low` and `high` when given; without
    `high`, at most what an INTEGER column holds."""

    low: int | None = None
    high: int | None = None

    def check(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(N_("must be a whole number"))
        if self.low is not None and value < self.low:
            raise invalid(N_("must be at least %(limit)s"), limit=self.low)
        if value > self._high:
            raise invalid(N_("must be at most %(limit)s"), limit=self._high)
        return value

    @property
    def _high(self) -> int:
        return MAX_STORED_INT if self.high is None else self.high

    def json_schema(self) -> dict[str, Any]:
        return _bounded("integer", self.low, self._high)


@dataclass(frozen=True)
class Number(Kind):
    """A finite JSON number, stored as a float."""

    low: float | None = None
    high: float | None = None

    def check(self, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise invalid(N_("must be a number"))
        if value != value or value in (float("inf"), float("-inf")):
            raise invalid(N_("must be a finite number"))
        if self.low is not None and value < self.low:
            raise invalid(N_("must be at least %(limit)s"), limit=float(self.low))
        if self.high is not None and value > self.high:
            raise invalid(N_("must be at most %(limit)s"), limit=float(self.high))
        return float(value)

    def json_schema(self) -> dict[str, Any]:
        return _bounded("number", self.low, self.high)


def _bounded(kind: str, low: float | None, high: float | None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind}
    if low is not None:
        out["minimum"] = low
    if high is not None:
        out["maximum"] = high
    return out


@dataclass(frozen=True)
class YesNo(Kind):
    """true or false (the string "true" is refused: JSON has booleans)."""

    def check(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise invalid(N_("must be true or false"))
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Choice(Kind):
    """One value of a controlled vocabulary (app/records/vocab.py), in its order."""

    values: tuple[str, ...]

    def check(self, value: Any) -> str:
        if value not in self.values:
            raise invalid(
                N_("must be one of %(values)s (got %(value)s)"),
                values=", ".join(self.values),
                value=show(value),
            )
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}


@dataclass(frozen=True)
class Country(Kind):
    """An ISO 3166-1 alpha-2 code, any case in, upper case out."""

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or value.upper() not in vocab.COUNTRY_CODES:
            raise invalid(
                N_("%(value)s is not an ISO 3166-1 alpha-2 country code"), value=show(value)
            )
        return value.upper()

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": sorted(vocab.COUNTRY_CODES)}


@dataclass(frozen=True)
class Language(Kind):
    """An ISO 639-1 code, any case in, lower case out."""

    def check(self, value: Any) -> str:
        if not isinstance(value, str) or value.lower() not in vocab.LANGUAGE_CODES:
            raise invalid(N_("%(value)s is not an ISO 639-1 language code"), value=show(value))
        return value.lower()

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": sorted(vocab.LANGUAGE_CODES)}


@dataclass(frozen=True)
class WebAddress(Kind):
    """An http(s) address of at most 500 characters."""

    max_length: int = 500

    def check(self, value: Any) -> str:
        value = Text(1, self.max_length).check(value)
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise invalid(N_("must be a web address starting with http:// or https://"))
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uri", "maxLength": self.max_length}


@dataclass(frozen=True)
class Doi(Kind):
    """A DOI as EVIDENCE-2027 writes it (10.1111/jsm.12785), without a resolver address."""

    max_length: int = 300

    def check(self, value: Any) -> str:
        value = Text(1, self.max_length).check(value)
        if not DOI_PATTERN.match(value):
            raise invalid(
                N_(
                    "must be a DOI such as 10.1111/jsm.12785, without https://doi.org/"
                    " (got %(value)s)"
                ),
                value=show(value),
            )
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": DOI_PATTERN.pattern, "maxLength": self.max_length}


@dataclass(frozen=True)
class EmailAddress(Kind):
    """An email address (its form only: nobody is mailed to check it)."""

    max_length: int = 254

    def check(self, value: Any) -> str:
        value = Text(1, self.max_length).check(value)
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            raise invalid(
                N_("must be an email address such as office@example.org (got %(value)s)"),
                value=show(value),
            ) from None
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "email", "maxLength": self.max_length}


@dataclass(frozen=True)
class ListOf(Kind):
    """A list of `item` values, each listed once. Every bad item is reported at its index
    (``countries[2]``), so one pass names every problem."""

    item: Kind

    def check(self, value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise invalid(N_("must be a list"))
        errors: list[InitErrorDetails] = []
        items: list[Any] = []
        for index, raw in enumerate(value):
            try:
                item = self.item.check(raw)
            except PydanticCustomError as error:
                errors.append(InitErrorDetails(type=error, loc=(index,), input=raw))
                continue
            if item in items:
                duplicate = invalid(N_("%(value)s is listed twice"), value=show(item))
                errors.append(InitErrorDetails(type=duplicate, loc=(index,), input=raw))
            else:
                items.append(item)
        if errors:
            # pydantic-core keeps the locations of a ValidationError raised by a validator.
            raise ValidationError.from_exception_data("list", errors)
        return items

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.json_schema(), "uniqueItems": True}


@dataclass(frozen=True)
class RecordList:
    """A list of nested record objects (a record's evaluations), at most `max_items` of them.

    Over the limit the first `max_items` are still checked, so one pass reports the count
    and what is wrong with the items kept.
    """

    item: type
    max_items: int

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        items = core_schema.list_schema(handler.generate_schema(self.item), strict=True)
        return core_schema.no_info_wrap_validator_function(self._check, items)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {**handler(schema), "maxItems": self.max_items}

    def _check(self, value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
        if not isinstance(value, list):
            raise invalid(N_("must be a list"))
        errors: list[InitErrorDetails] = []
        if len(value) > self.max_items:
            too_many = invalid(N_("must have at most %(count)s items"), count=self.max_items)
            errors.append(InitErrorDetails(type=too_many, loc=(), input=value))
        try:
            checked = handler(value[: self.max_items])
        except ValidationError as error:
            errors.extend(error_details(error))
        if errors:
            raise ValidationError.from_exception_data("list", errors)
        return checked


def error_details(error: ValidationError) -> list[InitErrorDetails]:
    """The errors of a ValidationError, ready to be raised again beside others."""
    out: list[InitErrorDetails] = []
    for detail in error.errors(include_url=False):
        kind: Any = detail["type"]
        if kind in (ERROR_TYPE, RANGE_ERROR_TYPE):
            kind = PydanticCustomError(kind, "{message}", {"message": detail["ctx"]["message"]})
        entry = InitErrorDetails(type=kind, loc=detail["loc"], input=detail["input"])
        if "ctx" in detail and kind is detail["type"]:
            entry["ctx"] = detail["ctx"]
        out.append(entry)
    return out
