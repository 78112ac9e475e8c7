"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of the whole API, as plain data.

The record's JSON Schema is the record model's (app/records/model.py, the one validation path), and
the search filters from app/search/query.py, so neither can drift from what the API accepts.
A test checks that every /api/v1 route is described here with its scope (tests/api).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Response

from app.api.models import TokenScope
from app.api.pagination import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from app.api.problems import PROBLEM_MIMETYPE
from app.api.views import bp, json_response
from app.compare.comparison import MAX_MEASURES, MIN_MEASURES
from app.compare.models import NAME_MAX_LENGTH, NOTE_MAX_LENGTH
from app.measures.models import EvidenceReview, MeasureStatus, RevisionState
from app.moderation.policies import ACTIONS
from app.moderation.services import COMMENT_MAX_LENGTH, QUEUE_STATES
from app.records.fields import Country
from app.records.model import MeasureRecord, api_name, json_schema
from app.reviews.models import DIMENSIONS, SCORE_MAX, SCORE_MIN
from app.reviews.services import COMMENT_MAX_LENGTH as REVIEW_COMMENT_MAX
from app.reviews.services import COMMENT_MIN_LENGTH as REVIEW_COMMENT_MIN
from app.search import thesaurus
from app.search.backends.base import SORTS
from app.search.query import _FILTER_VALUES, MAX_QUERY_LENGTH, YEAR_MAX, YEAR_MIN
from app.search.query import MAX_PAGE as SEARCH_MAX_PAGE
from app.security import public

API_PREFIX = "/api/v1"
SECURITY_SCHEME = "bearerAuth"
JSON = "application/json"
DESCRIPTION = f"""\
The Prevent-Hub JSON API: everything a person can do through the pages, under the same rules.

**Authentication.** Send a personal API token as `Authorization: Bearer <token>`; create and
revoke tokens on your account page (a token is shown once). Without a token you may read
published data. A token has one scope: `read` (GET only), `write` (read, plus drafts, reviews
and shortlists) or `moderate` (write, plus moderation; moderators and admins only). A revoked
token is refused at once (401). The session cookie is ignored under `/api/`.

**Errors** are RFC 9457 problem details (`{PROBLEM_MIMETYPE}`): `type`, `title`, `status`,
`detail`, and for validation failures `errors: [{{"field", "message"}}]` with the same messages
as the web forms and the import.

**Paging.** Collections take `page` and `per_page` (at most {MAX_PER_PAGE}) and answer
`{{"total", "page", "per_page", "results"}}` with an RFC 8288 `Link` header (first, prev, next,
last). **Caching.** Measure reads carry an `ETag`; send it back in `If-None-Match` to get 304.
**Rate limits** apply per token, or per address without one, and every answer says where you
stand in `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds); over the
limit you get 429 with `Retry-After`.

**Long URLs.** The server (gunicorn, `limit_request_line` in gunicorn.conf.py: 8190 bytes)
answers 414 URI Too Long to a longer request line, before the application sees it (so that
answer is not problem+json): keep query strings short.
"""


# --- the record's JSON Schema, from the record model (app/records/model.py) ------------------


def record_schemas() -> dict[str, Any]:
    schemas = json_schema(MeasureRecord, ref_template="#/components/schemas/{model}")
    evaluation = schemas.pop("$defs")["Evaluation"]
    evaluation.pop("description", None)
    record = {
        **schemas,
        "description": "A measure record (spec/measure-record.md). `status` is the programme's "
        "status; it may also be sent as `programme_status` (as GET answers it). Unknown keys "
        "are refused (422); the computed keys a GET answers (id, evidence_*, ratings, …) are "
        "ignored.",
    }
    patch = {
        "type": "object",
        "description": "An RFC 7396 merge patch of the record: null removes a key.",
        "properties": {
            k: {"oneOf": [v, {"type": "null"}]} for k, v in record["properties"].items()
        },
        "additionalProperties": False,
    }
    # Answers: the record's keys with "status" renamed, plus the computed ones.
    shown = {api_name(k): v for k, v in record["properties"].items()}
    measure = obj(
        {
            "id": INT,
            **shown,
            "status": enum(MeasureStatus),
            "evidence_level": {"type": "integer", "minimum": 0, "maximum": 5},
            "evidence_label": STR,
            "harm_flag": BOOL,
            "badges": array(STR),
            "evidence_explanation": obj(
                {
                    "ruleset": nullable(STR),
                    "reasons": array(STR),
                    "counted": array({}),
                    "next_step": {},
                },
            ),
            "ratings": nullable(ref("Ratings")),
        },
        required=["id", "title", "status", "evidence_level", "evidence_label", "harm_flag"],
        closed=False,
    )
    return {
        "MeasureRecord": record,
        "MeasurePatch": patch,
        "Evaluation": evaluation,
        "Measure": measure,
    }


# --- small builders ----------------------------------------------------------------------------

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NUM = {"type": "number"}
DATETIME = {"type": "string", "format": "date-time"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return (
        {"oneOf": [schema, {"type": "null"}]}
        if "$ref" in schema or "enum" in schema
        else {
            **schema,
            "type": [schema["type"], "null"],
        }
    )


def array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


def enum(values: Iterable[Any]) -> dict[str, Any]:
    return {"type": "string", "enum": [str(v) for v in values]}


def obj(
    properties: dict[str, Any], *, required: Iterable[str] | None = None, closed: bool = False
) -> dict[str, Any]:
    """An object schema; `required` defaults to every property; `closed` refuses others."""
    out: dict[str, Any] = {"type": "object", "properties": properties}
    out["required"] = list(properties) if required is None else list(required)
    if closed:
        out["additionalProperties"] = False
    return out


def collection(item: str) -> dict[str, Any]:
    return obj({"total": INT, "page": INT, "per_page": INT, "results": array(ref(item))})


# --- the shared schemas ------------------------------------------------------------------------


def _schemas() -> dict[str, Any]:
    review_fields = {
        **{
            name: {"type": "integer", "minimum": SCORE_MIN, "maximum": SCORE_MAX}
            for name in DIMENSIONS
        },
        "implemented": BOOL,
        "implemented_country": nullable(Country().json_schema()),
        "implemented_year": nullable({"type": "integer", "minimum": 1950}),
        "comment": {
            "type": "string",
            "minLength": REVIEW_COMMENT_MIN,
            "maxLength": REVIEW_COMMENT_MAX,
        },
    }
    dimension_rating = obj(
        {
            "label": STR,
            "mean": nullable(NUM),
            "count": INT,
            "distribution": {"type": "object", "additionalProperties": INT},
        }
    )
    revision_summary = obj(
        {
            "number": INT,
            "state": enum(RevisionState),
            "title": STR,
            "evidence_level": INT,
            "evidence_label": STR,
            "created_at": nullable(DATETIME),
            "submitted_at": nullable(DATETIME),
            "decided_at": nullable(DATETIME),
        }
    )
    shortlist_item = obj(
        {
            "measure_id": INT,
            "title": nullable(STR),
            "published": BOOL,
            "note": nullable(STR),
            "added_at": nullable(DATETIME),
        }
    )
    return {
        "Problem": obj(
            {
                "type": STR,
                "title": STR,
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": STR,
                "errors": array(obj({"field": STR, "message": STR})),
            },
            required=["type", "title", "status", "detail"],
        ),
        **record_schemas(),
        "MeasureList": collection("Measure"),
        "Ratings": obj(
            {
                "count": INT,
                "implemented_count": INT,
                "mean": nullable(NUM),
                "bayesian_average": nullable(NUM),
                "prior_mean": nullable(NUM),
                "prior_weight": NUM,
                "dimensions": {"type": "object", "additionalProperties": dimension_rating},
            }
        ),
        "RevisionSummary": revision_summary,
        "RevisionList": collection("RevisionSummary"),
        "Revision": {"allOf": [ref("Measure"), obj({"revision": revision_summary})]},
        "Attachment": obj(
            {
                "id": INT,
                "evaluation": INT,
                "filename": STR,
                "sha256": STR,
                "size_bytes": INT,
                "page_count": nullable(INT),
                "evidence_level": INT,
            }
        ),
        "SearchResults": obj(
            {
                "total": INT,
                "page": INT,
                "results": array(
                    obj(
                        {
                            "id": INT,
                            "external_id": nullable(STR),
                            "title": STR,
                            "summary": STR,
                            "evidence_level": INT,
                            "countries": array(STR),
                            "score": NUM,
                            "highlights": {"type": "object", "additionalProperties": STR},
                        }
                    )
                ),
                "facets": {
                    "type": "object",
                    "additionalProperties": {"type": "object", "additionalProperties": INT},
                },
                "suggestion": nullable(STR),
            }
        ),
        "Me": obj(
            {
                "id": INT,
                "name": STR,
                "email": STR,
                "role": STR,
                "country": nullable(STR),
                "organisation": nullable(STR),
                "token": obj(
                    {
                        "id": INT,
                        "name": STR,
                        "scope": enum(TokenScope),
                        "created_at": nullable(DATETIME),
                        "last_used_at": nullable(DATETIME),
                    }
                ),
            }
        ),
        "ReviewInput": {
            **obj(review_fields, required=[*DIMENSIONS, "comment"], closed=True),
            "description": "A peer review. `implemented_country` and `implemented_year` only "
            "when `implemented` is true; the year at most the current one.",
        },
        "ReviewPatch": {
            **obj(
                {k: nullable(v) if k in DIMENSIONS else v for k, v in review_fields.items()},
                required=[],
                closed=True,
            ),
            "description": "The fields to change; the others keep their values.",
        },
        "Review": obj(
            {
                "id": INT,
                "measure_id": INT,
                **dict.fromkeys(DIMENSIONS, INT),
                "overall": NUM,
                "implemented": BOOL,
                "implemented_country": nullable(STR),
                "implemented_year": nullable(INT),
                "comment": STR,
                "reviewer": nullable(
                    obj(
                        {"role": STR, "country": nullable(STR), "name": STR, "organisation": STR},
                        required=["role", "country"],
                    )
                ),
                "own": BOOL,
                "created_at": DATETIME,
                "updated_at": DATETIME,
                "edited": BOOL,
                "hidden": BOOL,
                "hidden_reason": nullable(STR),
            }
        ),
        "ReviewList": collection("Review"),
        "ShortlistItem": shortlist_item,
        "Shortlist": obj(
            {
                "id": INT,
                "name": STR,
                "created_at": DATETIME,
                "updated_at": DATETIME,
                "shared": BOOL,
                "share_token": nullable(STR),
                "share_url": nullable({"type": "string", "format": "uri"}),
                "items": array(ref("ShortlistItem")),
            }
        ),
        "ShortlistList": collection("Shortlist"),
        "ShortlistCreate": obj(
            {
                "name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX_LENGTH},
                "measures": array({"type": "integer", "minimum": 1}, maxItems=500),
            },
            required=["name"],
            closed=True,
        ),
        "ShortlistPatch": obj(
            {
                "name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX_LENGTH},
                "shared": BOOL,
            },
            required=[],
            closed=True,
        ),
        "ShortlistItemInput": obj(
            {
                "measure_id": {"type": "integer", "minimum": 1},
                "note": nullable({"type": "string", "maxLength": NOTE_MAX_LENGTH}),
            },
            required=["measure_id"],
            closed=True,
        ),
        "SharedShortlist": obj(
            {"name": STR, "updated_at": DATETIME, "items": array(ref("ShortlistItem"))}
        ),
        "Comparison": obj(
            {
                "ids": array(INT),
                "measures": array(
                    obj(
                        {
                            "id": INT,
                            "title": STR,
                            "evidence_level": INT,
                            "evidence_label": STR,
                            "harm_flag": BOOL,
                        }
                    )
                ),
                "sections": array(STR),
                "differing": INT,
                "rows": array(
                    obj(
                        {
                            "key": STR,
                            "label": STR,
                            "section": STR,
                            "differs": BOOL,
                            "cells": array(
                                obj({"text": STR, "items": array(STR), "flag": nullable(STR)})
                            ),
                        }
                    )
                ),
            }
        ),
        "QueueEntry": obj(
            {
                "measure_id": INT,
                "title": STR,
                "status": enum(MeasureStatus),
                "revision": revision_summary,
                "is_edit": BOOL,
                "harm_flag": BOOL,
                "evidence_review": nullable(enum(EvidenceReview)),
                "owner": nullable(obj({"id": INT, "name": STR, "organisation": nullable(STR)})),
                "allowed_actions": array(enum(ACTIONS)),
            }
        ),
        "Queue": collection("QueueEntry"),
        "ModerationState": obj(
            {
                "measure_id": INT,
                "status": enum(MeasureStatus),
                "revision": nullable(revision_summary),
                "is_edit": BOOL,
                "allowed_actions": array(enum(ACTIONS)),
                "history": array(
                    obj(
                        {
                            "id": INT,
                            "action": STR,
                            "at": DATETIME,
                            "actor": nullable(obj({"id": INT, "name": STR})),
                            "details": {"type": "object"},
                        }
                    )
                ),
            }
        ),
        "Decision": obj(
            {
                "action": enum(ACTIONS),
                "comment": {"type": "string", "minLength": 1, "maxLength": COMMENT_MAX_LENGTH},
            },
            closed=True,
        ),
        "HideReview": obj(
            {"reason": {"type": "string", "minLength": 1, "maxLength": 2000}}, closed=True
        ),
        "UnhideReview": obj(
            {"note": nullable({"type": "string", "maxLength": 2000})}, required=[], closed=True
        ),
    }


# --- headers, parameters, responses ------------------------------------------------------------

HEADERS = {
    "RateLimit-Limit": ("Requests allowed in the current window.", INT),
    "RateLimit-Remaining": ("Requests left in the current window.", INT),
    "RateLimit-Reset": ("Seconds until the window resets.", INT),
    "Retry-After": ("Seconds to wait before trying again.", INT),
    "Link": ("RFC 8288 links to the first, prev, next and last pages.", STR),
    "ETag": ("A strong validator of the body; send it in If-None-Match.", STR),
    "Location": ("The address of the resource created (or of the one in the way).", STR),
    "WWW-Authenticate": ("The Bearer challenge (RFC 6750).", STR),
}
RATE_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def header_refs(*names: str) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in (*RATE_HEADERS, *names)}


PROBLEMS = {
    400: "Bad request: a query parameter is not acceptable (`errors` names it), or the body "
    "is not valid JSON.",
    401: "The token is missing (where one is needed), malformed, unknown or revoked.",
    403: "The token's scope or the user's role does not allow this.",
    404: "Not found, or not visible to the caller.",
    409: "The object's state does not allow this (or it already exists).",
    413: "The body is too large.",
    415: "The body has the wrong content type.",
    422: "The body has errors: `errors` lists each field and what is wrong with it.",
    429: "Too many requests: wait for `Retry-After` seconds.",
}


def _problem_responses() -> dict[str, Any]:
    out = {}
    for status, description in PROBLEMS.items():
        extra = {401: ("WWW-Authenticate",), 409: ("Location",), 429: ("Retry-After",)}
        out[f"Problem{status}"] = {
            "description": description,
            "headers": header_refs(*extra.get(status, ())),
            "content": {PROBLEM_MIMETYPE: {"schema": ref("Problem")}},
        }
    return out


def page_params() -> list[dict[str, Any]]:
    return [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]


def path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "integer", "minimum": 0} if name != "token" else STR,
    }


def query_param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    param = {"name": name, "in": "query", "description": description, "schema": schema}
    if schema.get("type") == "array":
        param.update(style="form", explode=True)
    return param


def search_params() -> list[dict[str, Any]]:
    """The search filters (app/search/query.py), shared by /search and /measures."""
    filters = [
        query_param(
            key,
            array({"type": "string", "enum": sorted(values)}),
            f"Only measures with this {key.replace('_', ' ')} (repeat for several: any of them).",
        )
        for key, values in _FILTER_VALUES.items()
    ]
    return [
        query_param(
            "q",
            {"type": "string", "maxLength": MAX_QUERY_LENGTH},
            'Search words: "exact phrase", AND, OR, NOT or -word, +word, brackets.',
        ),
        query_param("sort", enum(SORTS), "Order of results (default relevance)."),
        query_param(
            "evidence_min",
            {"type": "integer", "minimum": 0, "maximum": 5},
            "Lowest evidence level.",
        ),
        query_param(
            "year_from",
            {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
            "Started in or after.",
        ),
        query_param(
            "year_to",
            {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
            "Started in or before.",
        ),
        query_param(
            "expand", enum(("0", "1", "true", "false")), "Thesaurus expansion (default 1)."
        ),
        query_param(
            "noexpand",
            array(enum(sorted(thesaurus.CONCEPTS_BY_ID))),
            "Thesaurus concepts not to expand.",
        ),
        *filters,
    ]


def _parameters() -> dict[str, Any]:
    return {
        "page": query_param(
            "page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page number, from 1."
        ),
        "per_page": query_param(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
            f"Items per page (at most {MAX_PER_PAGE}).",
        ),
    }


# --- operations --------------------------------------------------------------------------------

BODY_ERRORS = (400, 413, 415, 422)


def op(
    endpoint: str,
    summary: str,
    tag: str,
    *,
    scope: str | None = None,
    params: Iterable[dict[str, Any]] = (),
    body: str | None = None,
    body_types: Iterable[str] = (JSON,),
    ok: tuple[int, str | None, str] = (200, None, "OK"),
    headers: Iterable[str] = (),
    errors: Iterable[int] = (),
    description: str = "",
    example: str = "",
) -> dict[str, Any]:
    """One operation. Every one may answer 400 (bad parameters), 401 (a bad token) and 429;
    `scope` None means anonymous callers may use it (a token may still be sent)."""
    status, schema, text = ok
    success: dict[str, Any] = {"description": text, "headers": header_refs(*headers)}
    if schema is not None:
        success["content"] = {JSON: {"schema": ref(schema)}}
    statuses = sorted(
        {400, 401, 429, *errors, *(BODY_ERRORS if body else ()), *((403,) if scope else ())}
    )
    operation: dict[str, Any] = {
        "operationId": endpoint,
        "summary": summary,
        "tags": [tag],
        "parameters": list(params),
        "responses": {
            str(status): success,
            **{str(s): {"$ref": f"#/components/responses/Problem{s}"} for s in statuses},
        },
        "x-required-scope": scope,
    }
    if description:
        operation["description"] = description
    if example:
        operation["x-example"] = example
    operation["security"] = [{SECURITY_SCHEME: [scope]}] if scope else [{}, {SECURITY_SCHEME: []}]
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {
                media: {"schema": ref(body) if not body.startswith("multipart") else MULTIPART}
                for media in body_types
            },
        }
    return operation


MULTIPART = obj(
    {"file": {"type": "string", "format": "binary", "contentMediaType": "application/pdf"}}
)
ID = path_param("measure_id", "The measure's id.")
REVIEW_ID = path_param("review_id", "The review's id.")
SHORTLIST_ID = path_param("shortlist_id", "The shortlist's id.")
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "description": "An ETag from an earlier answer: 304 when nothing changed.",
    "schema": STR,
}
NOT_MODIFIED = {
    "304": {"description": "Not modified since the ETag sent.", "headers": header_refs("ETag")}
}


def _paths() -> dict[str, dict[str, Any]]:
    curl = 'curl -H "Authorization: Bearer $TOKEN" '
    base = "https://prevent-hub.example" + API_PREFIX
    measure_get = op(
        "get_measure",
        "Read a measure",
        "Measures",
        params=[ID, IF_NONE_MATCH],
        ok=(200, "Measure", "The measure: its record plus state, evidence and ratings."),
        headers=("ETag",),
        errors=(404,),
        description="Published measures for everyone; an unpublished one for its owner and "
        "the moderators only (404 for others).",
        example=f"curl {base}/measures/42",
    )
    measure_get["responses"].update(NOT_MODIFIED)
    revision_get = op(
        "get_revision",
        "Read one revision of a measure",
        "Measures",
        params=[ID, path_param("number", "The revision's number, from 1."), IF_NONE_MATCH],
        ok=(200, "Revision", "The revision's content, and its number, state and dates."),
        headers=("ETag",),
        errors=(404,),
    )
    revision_get["responses"].update(NOT_MODIFIED)
    measure_update = {
        "scope": "write",
        "params": [ID],
        "ok": (200, "Measure", "The measure with its draft."),
        "errors": (404, 409),
    }
    return {
        "/search": {
            "get": op(
                "api_search",
                "Search published measures",
                "Search",
                params=[
                    *search_params(),
                    query_param(
                        "page",
                        {"type": "integer", "minimum": 1, "maximum": SEARCH_MAX_PAGE},
                        "Page number, from 1.",
                    ),
                    {"$ref": "#/components/parameters/per_page"},
                ],
                ok=(200, "SearchResults", "Hits, facet counts and a spelling suggestion."),
                example=f"curl '{base}/search?q=school&countries=DE&evidence_min=3'",
            )
        },
        "/measures": {
            "get": op(
                "list_measures",
                "List published measures",
                "Measures",
                params=[
                    query_param(
                        "external_id", STR, "Find a measure by its external id (no other filters)."
                    ),
                    *search_params(),
                    *page_params(),
                ],
                ok=(200, "MeasureList", "One page of measures, newest first."),
                headers=("Link",),
                example=f"curl '{base}/measures?external_id=safe-together'",
            ),
            "post": op(
                "create_measure",
                "Create a draft measure",
                "Measures",
                scope="write",
                body="MeasureRecord",
                ok=(201, "Measure", "The new draft."),
                headers=("Location", "ETag"),
                example=curl
                + f"-H 'Content-Type: application/json' -d @record.json {base}/measures",
            ),
        },
        "/measures/{measure_id}": {
            "get": measure_get,
            "put": op(
                "replace_measure",
                "Replace a measure's content",
                "Measures",
                body="MeasureRecord",
                description="A published measure gets a new draft revision; the published one "
                "stays until a moderator publishes the draft.",
                headers=("ETag",),
                **measure_update,
            ),
            "patch": op(
                "patch_measure",
                "Change some keys of a measure",
                "Measures",
                body="MeasurePatch",
                body_types=(JSON, "application/merge-patch+json"),
                headers=("ETag",),
                **measure_update,
            ),
        },
        "/measures/{measure_id}/submit": {
            "post": op(
                "submit_measure",
                "Submit the draft to the moderators",
                "Measures",
                scope="write",
                params=[ID],
                ok=(200, "Measure", "The measure, now submitted."),
                headers=("ETag",),
                errors=(404, 409),
                example=curl + f"-X POST {base}/measures/42/submit",
            )
        },
        "/measures/{measure_id}/evaluations/{index}/reports": {
            "post": op(
                "attach_report",
                "Attach a PDF report to an evaluation of the draft",
                "Measures",
                scope="write",
                params=[
                    ID,
                    path_param("index", "The evaluation's position in the record, from 0."),
                ],
                body="multipart",
                body_types=("multipart/form-data",),
                ok=(201, "Attachment", "The report (200 when the same file was already attached)."),
                errors=(404, 409),
                example=curl + f"-F file=@report.pdf {base}/measures/42/evaluations/0/reports",
            )
        },
        "/measures/{measure_id}/revisions": {
            "get": op(
                "list_revisions",
                "List a measure's revisions",
                "Measures",
                params=[ID, *page_params()],
                ok=(
                    200,
                    "RevisionList",
                    "Revisions, oldest first (the published ones, unless you own or moderate it).",
                ),
                headers=("Link",),
                errors=(404,),
            )
        },
        "/measures/{measure_id}/revisions/{number}": {"get": revision_get},
        "/measures/{measure_id}/reviews": {
            "get": op(
                "list_reviews",
                "List a measure's peer reviews",
                "Reviews",
                params=[
                    ID,
                    query_param(
                        "implemented",
                        enum(("true", "false", "1", "0")),
                        "Only reviews by implementers.",
                    ),
                    *page_params(),
                ],
                ok=(200, "ReviewList", "Reviews, newest first."),
                headers=("Link",),
                errors=(404,),
                example=f"curl {base}/measures/42/reviews?implemented=true",
            ),
            "post": op(
                "create_review",
                "Review a published measure",
                "Reviews",
                scope="write",
                params=[ID],
                body="ReviewInput",
                ok=(201, "Review", "The review, published."),
                headers=("Location",),
                errors=(404, 409),
                description="Practitioners and officials review published measures from other "
                "organisations (403 says why not otherwise); one review per person and measure "
                "(409 points at yours: change it with PATCH).",
                example=curl + "-H 'Content-Type: application/json' -d '{\"effectiveness\": 4, "
                '"ease": 3, "transferability": 4, "value": 5, "comment": "Worked well in our '
                f"schools.\"}}' {base}/measures/42/reviews",
            ),
        },
        "/reviews/{review_id}": {
            "get": op(
                "get_review",
                "Read a review",
                "Reviews",
                params=[REVIEW_ID],
                ok=(200, "Review", "The review."),
                errors=(404,),
            ),
            "patch": op(
                "update_review",
                "Change your review",
                "Reviews",
                scope="write",
                params=[REVIEW_ID],
                body="ReviewPatch",
                body_types=(JSON, "application/merge-patch+json"),
                ok=(200, "Review", "The review as saved."),
                errors=(404,),
            ),
        },
        "/reviews/{review_id}/hide": {
            "post": op(
                "hide_review",
                "Hide a review (moderators)",
                "Moderation",
                scope="moderate",
                params=[REVIEW_ID],
                body="HideReview",
                ok=(200, "Review", "The review, hidden; its author is told why."),
                errors=(404, 409),
            )
        },
        "/reviews/{review_id}/unhide": {
            "post": op(
                "unhide_review",
                "Show a hidden review again (moderators)",
                "Moderation",
                scope="moderate",
                params=[REVIEW_ID],
                body="UnhideReview",
                ok=(200, "Review", "The review, visible again."),
                errors=(404, 409),
            )
        },
        "/shortlists": {
            "get": op(
                "list_shortlists",
                "List your shortlists",
                "Shortlists",
                scope="read",
                params=page_params(),
                ok=(200, "ShortlistList", "Your shortlists, most recently changed first."),
                headers=("Link",),
                example=curl + f"{base}/shortlists",
            ),
            "post": op(
                "create_shortlist",
                "Create a shortlist",
                "Shortlists",
                scope="write",
                body="ShortlistCreate",
                ok=(201, "Shortlist", "The new shortlist."),
                headers=("Location",),
                example=curl + "-H 'Content-Type: application/json' "
                f'-d \'{{"name": "For the ministry", "measures": [42, 43]}}\' {base}/shortlists',
            ),
        },
        "/shortlists/{shortlist_id}": {
            "get": op(
                "get_shortlist",
                "Read your shortlist",
                "Shortlists",
                scope="read",
                params=[SHORTLIST_ID],
                ok=(200, "Shortlist", "The shortlist."),
                errors=(404,),
            ),
            "patch": op(
                "update_shortlist",
                "Rename or share your shortlist",
                "Shortlists",
                scope="write",
                params=[SHORTLIST_ID],
                body="ShortlistPatch",
                body_types=(JSON, "application/merge-patch+json"),
                ok=(200, "Shortlist", "The shortlist as saved."),
                errors=(404,),
                description="`shared: true` gives the list a read-only share link (kept if it "
                "has one); `shared: false` stops the link working.",
            ),
            "delete": op(
                "delete_shortlist",
                "Delete your shortlist",
                "Shortlists",
                scope="write",
                params=[SHORTLIST_ID],
                ok=(204, None, "Deleted."),
                errors=(404,),
            ),
        },
        "/shortlists/{shortlist_id}/items": {
            "post": op(
                "add_shortlist_item",
                "Put a measure on your shortlist, or change its note",
                "Shortlists",
                scope="write",
                params=[SHORTLIST_ID],
                body="ShortlistItemInput",
                ok=(201, "Shortlist", "Added (200 when only the note changed)."),
                errors=(404,),
            )
        },
        "/shortlists/{shortlist_id}/items/{measure_id}": {
            "delete": op(
                "remove_shortlist_item",
                "Take a measure off your shortlist",
                "Shortlists",
                scope="write",
                params=[SHORTLIST_ID, ID],
                ok=(204, None, "Removed."),
                errors=(404,),
            )
        },
        "/shortlists/shared/{token}": {
            "get": op(
                "get_shared_shortlist",
                "Read a shared shortlist",
                "Shortlists",
                params=[path_param("token", "The share token of the list's share link.")],
                ok=(200, "SharedShortlist", "The list's name and its published measures."),
                errors=(404,),
            )
        },
        "/compare": {
            "get": op(
                "compare",
                "Compare 2 to 4 published measures",
                "Compare",
                params=[
                    {
                        **query_param(
                            "ids",
                            {"type": "string", "pattern": r"^[0-9]+(,[0-9]+)*$"},
                            f"{MIN_MEASURES} to {MAX_MEASURES} measure ids, comma-separated.",
                        ),
                        "required": True,
                    }
                ],
                ok=(200, "Comparison", "One row per aspect; `differs` marks real differences."),
                errors=(404,),
                example=f"curl '{base}/compare?ids=42,43,44'",
            )
        },
        "/moderation/queue": {
            "get": op(
                "moderation_queue",
                "The moderation queue",
                "Moderation",
                scope="moderate",
                params=[
                    query_param("state", enum(QUEUE_STATES), "Which measures (default submitted)."),
                    query_param("country", STR, "Only measures in this country (ISO code)."),
                    query_param(
                        "older_than",
                        {"type": "integer", "minimum": 1},
                        "Submitted more than this many days ago.",
                    ),
                    *page_params(),
                ],
                ok=(200, "Queue", "Measures waiting, oldest submission first."),
                headers=("Link",),
                example=curl + f"{base}/moderation/queue",
            )
        },
        "/measures/{measure_id}/moderation": {
            "get": op(
                "get_moderation",
                "A measure's moderation state and history",
                "Moderation",
                scope="moderate",
                params=[ID],
                ok=(
                    200,
                    "ModerationState",
                    "The revision under review, the decisions allowed now, the audit history.",
                ),
                errors=(404,),
            ),
            "post": op(
                "moderate_measure",
                "Decide on a measure",
                "Moderation",
                scope="moderate",
                params=[ID],
                body="Decision",
                ok=(200, "Measure", "The measure after the decision."),
                headers=("ETag",),
                errors=(404, 409),
                description="publish, request_changes or reject the submitted revision; archive "
                "a published measure; confirm_evidence or flag_evidence. The comment goes to "
                "the owner and the audit log. 409 when the measure's state does not allow it.",
                example=curl + "-H 'Content-Type: application/json' -d '{\"action\": "
                f'"publish", "comment": "Checked the studies."}}\' {base}/measures/42/moderation',
            ),
        },
        "/me": {
            "get": op(
                "me",
                "Who the token belongs to",
                "Account",
                scope="read",
                ok=(200, "Me", "The token's user and the token."),
                example=curl + f"{base}/me",
            )
        },
        "/openapi.json": {
            "get": op(
                "openapi",
                "This document",
                "Account",
                ok=(200, None, "The OpenAPI 3.1 description of the API."),
            )
        },
    }


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The whole document (built once: it depends on code, not on data)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Prevent-Hub API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": API_PREFIX}],
        "tags": [
            {"name": name, "description": text}
            for name, text in (
                ("Search", "Full-text search with filters and facets."),
                ("Measures", "Measures: read, and write drafts through their workflow."),
                ("Reviews", "Peer reviews by practitioners and officials."),
                ("Shortlists", "Your named lists of measures, private unless shared."),
                ("Compare", "Side-by-side comparison of published measures."),
                ("Moderation", "Decisions of moderators and admins (moderate scope)."),
                ("Account", "The token's user, and this description."),
            )
        ],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "headers": {
                name: {"description": text, "schema": schema}
                for name, (text, schema) in HEADERS.items()
            },
            "responses": _problem_responses(),
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token. Scopes: read (GET only), write "
                    "(read + drafts, reviews, shortlists), moderate (write + moderation; "
                    "moderators and admins only).",
                }
            },
        },
    }


@bp.get("/openapi.json")
@public
def openapi() -> Response:
    response = json_response(openapi_document())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
