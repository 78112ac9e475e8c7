"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of the whole API.

Generated, not written: apispec (with its Flask plugin) walks the routes of the API
blueprints, and each route's view carries its own description (`@operation`, in
app/api/openapi_operations.py) and its scope (`require_scope`). The bodies' schemas are the
pydantic models' (app/records/model.py for the record, app/api/openapi_schemas.py for the
rest). What every operation shares is added here once: the problem+json error answers, the
rate-limit headers and the security requirement. A route without a description stops the
document from being built, so none can be served undescribed (tests/api/test_openapi.py).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from apispec import APISpec
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask
from pydantic import BaseModel
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from app.api import openapi_schemas as schemas
from app.api.openapi_operations import JSON, Operation, operation, page_parameters
from app.api.pagination import MAX_PER_PAGE
from app.api.views import bp, json_response
from app.core.problems import PROBLEM_MIMETYPE
from app.core.security import public
from app.records.model import MeasureRecord, json_schema

API_PREFIX = "/api/v1"
SECURITY_SCHEME = "bearerAuth"
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
DESCRIPTION = f"""\
The Prevent-Hub JSON API: everything a person can do through the pages, under the same rules.

**First request.** Published measures need no token: `GET /api/v1/search?q=grooming&countries=DE`
answers the matching measures with facets; `GET /api/v1/measures/<id>` answers one measure as
a record (the JSON Lines format of the exports, plus its evidence level); `GET
/api/v1/openapi.json` is this description for code generators.

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

**Long URLs.** A request line longer than about 8 KB is refused with 414 URI Too Long before
the API sees it, so that answer is not problem+json: keep query strings short (a search with
dozens of filter values fits easily).
"""
TAGS = (
    ("Search", "Full-text search with filters and facets."),
    ("Measures", "Measures: read, and write drafts through their workflow."),
    ("Reviews", "Peer reviews by practitioners and officials."),
    ("Shortlists", "Your named lists of measures, private unless shared."),
    ("Compare", "Side-by-side comparison of published measures."),
    ("Moderation", "Decisions of moderators and admins (moderate scope)."),
    ("Account", "The token's user, and this description."),
)
INT = {"type": "integer"}
STR = {"type": "string"}
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
PROBLEM_HEADERS = {401: ("WWW-Authenticate",), 409: ("Location",), 429: ("Retry-After",)}
ALWAYS = (400, 401, 429)  # any operation: a bad parameter, a bad token, too many requests
BODY_ERRORS = (400, 413, 415, 422)
# Path parameters are named alike across routes; each name is described once.
PATH_PARAMETERS = {
    "measure_id": "The measure's id.",
    "review_id": "The review's id.",
    "shortlist_id": "The shortlist's id.",
    "request_id": "The re-review request's id.",
    "number": "The revision's number, from 1.",
    "index": "The evaluation's position in the record, from 0.",
    "token": "The share token of the list's share link.",  # nosec B105  (a description)
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "description": "An ETag from an earlier answer: 304 when nothing changed.",
    "schema": STR,
}
_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


# --- the document ----------------------------------------------------------------------------


def api_blueprints() -> tuple[Blueprint, ...]:
    """The blueprints that serve /api/v1."""
    return (bp,)


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The whole document, built once per process: it depends on code, not on data.

    The routes are read from an application holding only the API's blueprints, so the
    document can be built (and tested) without the full application or a request.
    """
    routes = Flask(__name__)
    for blueprint in api_blueprints():
        routes.register_blueprint(blueprint)
    return build_document(routes)


def build_document(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Prevent-Hub API",
        version="1",
        openapi_version="3.1.0",
        plugins=[ApiPlugin()],
        info={"description": DESCRIPTION},
        servers=[{"url": API_PREFIX}],
    )
    for name, text in TAGS:
        spec.tag({"name": name, "description": text})
    components = Components(spec)
    for rule in api_rules(app):
        view = app.view_functions[rule.endpoint]
        described: Operation | None = getattr(view, "openapi_operation", None)
        if described is None:
            raise LookupError(f"{rule.endpoint} ({rule.rule}) has no @operation description")
        scope = getattr(view, "_api_scope", None)
        operations = {
            method.lower(): operation_object(rule, method, described, scope, components)
            for method in sorted(rule.methods - IGNORED_METHODS)
        }
        spec.path(view=view, app=app, operations=operations)
    return spec.to_dict()


def api_rules(app: Flask) -> list[Rule]:
    """The API's rules in registration order; a path and method served twice is an error."""
    rules, seen = [], set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX + "/"):
            continue
        for method in rule.methods - IGNORED_METHODS:
            if (rule.rule, method) in seen:
                raise LookupError(f"{method} {rule.rule} is routed twice")
            seen.add((rule.rule, method))
        rules.append(rule)
    return rules


class ApiPlugin(FlaskPlugin):
    """Flask's paths, relative to the document's server (/api/v1)."""

    def path_helper(self, *args: Any, **kwargs: Any) -> str | None:
        path = super().path_helper(*args, **kwargs)
        return path.removeprefix(API_PREFIX) if path else path


class Components:
    """The document's shared parts, registered with apispec as operations first use them."""

    def __init__(self, spec: APISpec) -> None:
        self.spec = spec
        self.schemas: dict[str, dict[str, Any]] = {}
        for name, (text, schema) in HEADERS.items():
            spec.components.header(name, {"description": text, "schema": schema})
        for name, param in page_parameters().items():
            spec.components.parameter(name, "query", param)
        self.schema("Problem", schemas.Problem)
        for status, text in PROBLEMS.items():
            spec.components.response(
                f"Problem{status}",
                {
                    "description": text,
                    "headers": self.header_refs(*PROBLEM_HEADERS.get(status, ())),
                    "content": {PROBLEM_MIMETYPE: {"schema": "Problem"}},
                },
            )
        spec.components.security_scheme(
            SECURITY_SCHEME,
            {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token. Scopes: read (GET only), write "
                "(read + drafts, reviews, shortlists), moderate (write + moderation; "
                "moderators and admins only).",
            },
        )
        for name, schema in record_schemas().items():
            self.add(name, schema)

    @staticmethod
    def header_refs(*names: str) -> dict[str, Any]:
        return {name: {"$ref": f"#/components/headers/{name}"} for name in (*RATE_HEADERS, *names)}

    def add(self, name: str, schema: dict[str, Any]) -> None:
        known = self.schemas.get(name)
        if known is None:
            self.schemas[name] = schema
            self.spec.components.schema(name, schema)
        elif known != schema:
            raise ValueError(f"Two different schemas are named {name}")

    def schema(self, name: str | None, source: Any) -> dict[str, Any] | str | None:
        """A reference to `source` (a model, registered with its nested models, or a name
        registered already), or `source` itself when it is an inline schema."""
        if not (isinstance(source, type) and issubclass(source, BaseModel)):
            return source
        name = name or source.__name__
        if name not in self.schemas:
            out = json_schema(source, ref_template="#/components/schemas/{model}")
            for nested, definition in out.pop("$defs", {}).items():
                self.add(nested, definition)
            self.add(name, out)
        return name


def record_schemas() -> dict[str, dict[str, Any]]:
    """The record (the model's schema) with the objects it nests, and its merge patch."""
    out = json_schema(MeasureRecord, ref_template="#/components/schemas/{model}")
    nested = out.pop("$defs")  # Evaluation, Result, Contact, ExternalRating, Reference
    record = {
        **out,
        "description": "A measure record (spec/measure-record.md). `status` is the programme's "
        "status; it may also be sent as `programme_status` (as GET answers it). Unknown keys "
        "are refused (422); the computed keys a GET answers (id, evidence_*, ratings, …) are "
        "ignored.",
    }
    patch = {
        "type": "object",
        "description": "An RFC 7396 merge patch of the record: null removes a key.",
        "properties": {
            key: {"oneOf": [schema, {"type": "null"}]}
            for key, schema in record["properties"].items()
        },
        "additionalProperties": False,
    }
    return {**nested, "MeasureRecord": record, "MeasurePatch": patch}


def path_parameters(rule: Rule) -> list[dict[str, Any]]:
    params = []
    for match in _ARGUMENT.finditer(rule.rule):
        number = match["converter"] in ("int", "float")
        params.append(
            {
                "name": match["name"],
                "in": "path",
                "required": True,
                "description": PATH_PARAMETERS[match["name"]],
                "schema": {"type": "integer", "minimum": 0} if number else STR,
            }
        )
    return params


def operation_object(
    rule: Rule, method: str, described: Operation, scope: str | None, components: Components
) -> dict[str, Any]:
    """One operation of the document. `scope` None means anonymous callers may use it (a
    token may still be sent)."""
    status, answer, text = described.ok
    success: dict[str, Any] = {
        "description": text,
        "headers": components.header_refs(*described.headers),
    }
    answer_schema = components.schema(None, answer)
    if answer_schema is not None:
        success["content"] = {JSON: {"schema": answer_schema}}
    body = described.body is not None
    statuses = sorted(
        {*ALWAYS, *described.errors, *(BODY_ERRORS if body else ()), *((403,) if scope else ())}
    )
    params: list[Any] = [*path_parameters(rule), *described.params]
    responses: dict[str, Any] = {str(status): success}
    if described.conditional:
        params.append(IF_NONE_MATCH)
        responses["304"] = {
            "description": "Not modified since the ETag sent.",
            "headers": components.header_refs("ETag"),
        }
    responses.update({str(s): f"Problem{s}" for s in statuses})
    out: dict[str, Any] = {
        "operationId": rule.endpoint.rsplit(".", 1)[-1],
        "summary": described.summary,
        "tags": [described.tag],
        "parameters": params,
        "responses": responses,
        "x-required-scope": scope,
    }
    if described.description:
        out["description"] = described.description
    if described.example:
        out["x-example"] = described.example
    out["security"] = [{SECURITY_SCHEME: [scope]}] if scope else [{}, {SECURITY_SCHEME: []}]
    if body:
        body_schema = components.schema(None, described.body)
        out["requestBody"] = {
            "required": True,
            "content": {media: {"schema": body_schema} for media in described.body_types},
        }
    return out


@bp.get("/openapi.json")
@public
@operation("This document", "Account", ok=(200, None, "The OpenAPI 3.1 description of the API."))
def openapi() -> Response:
    response = json_response(openapi_document())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
