"""Reading request bodies of the API: JSON (415, 413, 400 before any parsing goes wrong) and
records (the one validation path of app.records.schema, with the API's read-only keys)."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, request

from app.api.serializers import PROGRAMME_STATUS_KEY
from app.core.problems import ApiProblem, ValidationProblem, field_error
from app.measures.models import MeasureStatus
from app.records.schema import RecordInvalid, validate_record

JSON_TYPES = ("application/json",)
# Keys a GET answers that are computed, not written: a body read from GET may be sent back.
READ_ONLY_KEYS = (
    "id",
    "evidence_level",
    "evidence_label",
    "harm_flag",
    "evidence_ruleset",
    "evidence_provisional",
    "evidence_rated_at",
    "evidence_reviewed_at",
    "badges",
    "evidence_explanation",
    "ratings",
)
WORKFLOW_STATUSES = frozenset(s.value for s in MeasureStatus)


def max_json_bytes() -> int:
    return current_app.config.get("API_MAX_JSON_BYTES", 1024 * 1024)


def _is_json_type(mimetype: str, extra: tuple[str, ...] = ()) -> bool:
    return mimetype in JSON_TYPES + extra or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def without_nul(value: Any) -> Any:
    """The JSON value with NUL characters dropped from its strings: PostgreSQL refuses NUL in
    text, and forms drop it too (app/core/security.py), so a JSON body gets the same treatment."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


def json_body(*, extra_types: tuple[str, ...] = ()) -> Any:
    """The parsed JSON body. 415 for another content type, 413 when larger than
    API_MAX_JSON_BYTES, 400 when it is not JSON (or not UTF-8)."""
    if not _is_json_type(request.mimetype, extra_types):
        raise ApiProblem(
            415,
            f"Send the body as application/json (got {request.mimetype or 'no content type'}).",
        )
    limit = max_json_bytes()
    if request.content_length is not None and request.content_length > limit:
        raise ApiProblem(413, f"The JSON body may be at most {limit:,} bytes.")
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise ApiProblem(413, f"The JSON body may be at most {limit:,} bytes.")
    try:
        return without_nul(json.loads(data.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ApiProblem(400, f"The body is not valid JSON: {error}.") from error


def record_from_body(body: Any) -> dict[str, Any]:
    """Validate an API record body; 422 with one entry per bad field.

    The body is the record format, except that the programme's status may come as
    "programme_status" (as GET answers it) and GET's computed keys are ignored.
    """
    alias = False
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in READ_ONLY_KEYS}
        if PROGRAMME_STATUS_KEY in body:
            alias = True
            body.pop("status", None)  # the workflow status, as GET answers it
            body["status"] = body.pop(PROGRAMME_STATUS_KEY)
        elif isinstance(body.get("status"), str) and body["status"] in WORKFLOW_STATUSES:
            body.pop("status")  # changes only through submit and moderation
    try:
        return validate_record(body)
    except RecordInvalid as invalid:
        raise ValidationProblem(
            [
                field_error(
                    PROGRAMME_STATUS_KEY if alias and e.key == "status" else e.key, e.message
                )
                for e in invalid.errors
            ],
            detail="The record has errors; see `errors` for each field.",
        ) from invalid
