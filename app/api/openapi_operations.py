"""How an API route describes itself for the OpenAPI document: `@operation(...)`.

Each view carries its summary, tag, parameters, body model, answer model and headers once,
beside its route; the path and its path parameters come from the route itself, the required
scope from `require_scope` (app/api/auth.py). app/api/openapi.py collects them from the URL
map. Query parameters are described here with the limits the views check, taken from the
same constants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from app.api.pagination import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from app.search.backends.base import SORTS
from app.search.concepts import load_concepts
from app.search.query import FILTER_VALUES, MAX_QUERY_LENGTH, YEAR_MAX, YEAR_MIN

JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
MULTIPART = "multipart/form-data"
CURL = 'curl -H "Authorization: Bearer $TOKEN" '
BASE = "https://prevent-hub.example/api/v1"

F = TypeVar("F", bound=Callable[..., Any])
Schema = type[BaseModel] | dict[str, Any] | str | None  # a model, an inline schema, a name


@dataclass(frozen=True)
class Operation:
    """What the document says of one route and method besides its path and scope.

    `ok` is (status, answer schema, description); `errors` the problem statuses beyond those
    every operation may answer; `conditional` adds If-None-Match and the 304 answer.
    """

    summary: str
    tag: str
    ok: tuple[int, Schema, str] = (200, None, "OK")
    params: tuple[dict[str, Any] | str, ...] = ()
    body: Schema = None
    body_types: tuple[str, ...] = (JSON,)
    headers: tuple[str, ...] = ()
    errors: tuple[int, ...] = ()
    conditional: bool = False
    description: str = ""
    example: str = ""


def operation(summary: str, tag: str, **details: Any) -> Callable[[F], F]:
    """Describe the decorated view for the OpenAPI document (see `Operation`).

    Put it right above the function: the decorators above it (functools.wraps) carry the
    description to the view Flask registers.
    """
    for key in ("params", "body_types", "headers", "errors"):
        if key in details:
            details[key] = tuple(details[key])
    described = Operation(summary, tag, **details)

    def decorate(view: F) -> F:
        view.openapi_operation = described  # type: ignore[attr-defined]
        return view

    return decorate


# --- query parameters ----------------------------------------------------------------------

PAGE_PARAMS = ("page", "per_page")  # components/parameters, shared by the collections
STR = {"type": "string"}


def query_param(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict:
    param: dict[str, Any] = {"name": name, "in": "query", "description": description}
    param.update(schema=schema, **extra)
    if schema.get("type") == "array":
        param.update(style="form", explode=True)
    return param


def enum_schema(values: Iterable[Any]) -> dict[str, Any]:
    return {"type": "string", "enum": [str(v) for v in values]}


def page_parameters() -> dict[str, dict[str, Any]]:
    """The components/parameters every collection shares."""
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


FILTER_DESCRIPTIONS = {
    "evidence_level": (
        "Only measures at this evidence level (0-5), or with this verdict: no_effect (No"
        " effect found) or negative_effects (Negative effects found), which are not counted"
        " as level 1."
    ),
    "outcomes": "Only measures with an evaluation that names this outcome or reports on it.",
    "design": "Only measures with an evaluation of this study design.",
    "population_level": "Only measures that reach this population (universal, selective,"
    " indicated).",
    "licence": "Only measures under this licence.",
    "certification_required": "true: deliverers must be certified by the developer; false:"
    " no certification needed.",
    "unit_cost_band": (
        "Only measures whose unit cost per participant, in euros of the measure's price year,"
        " is in this band: under_50 (< 50), 50_250 (50 to under 250), 250_1000 (250 to"
        " 1,000), over_1000 (> 1,000); other_unit: the cost is given per family, group,"
        " school, site or year; unknown: no unit cost given."
    ),
}


def search_params() -> tuple[dict[str, Any], ...]:
    """The search filters (app/search/query.py), shared by /search and /measures."""
    year = {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}
    filters = [
        query_param(
            key,
            {"type": "array", "items": {"type": "string", "enum": sorted(values)}},
            FILTER_DESCRIPTIONS.get(key, f"Only measures with this {key.replace('_', ' ')}.")
            + " Repeat for several: any of them.",
        )
        for key, values in FILTER_VALUES.items()
    ]
    return (
        query_param(
            "q",
            {"type": "string", "maxLength": MAX_QUERY_LENGTH},
            'Search words: "exact phrase", AND, OR, NOT or -word, +word, brackets.',
        ),
        query_param("sort", enum_schema(SORTS), "Order of results (default relevance)."),
        query_param(
            "evidence_min",
            {"type": "integer", "minimum": 0, "maximum": 5},
            "Lowest evidence level. From 1 up, measures labelled No effect found or Negative"
            " effects found (level 1, but verdicts rather than rungs) are left out.",
        ),
        query_param("year_from", year, "Started in or after."),
        query_param("year_to", year, "Started in or before."),
        query_param(
            "expand",
            enum_schema(("0", "1", "true", "false")),
            "Also match documents of the concepts the words name, in every language (default 1).",
        ),
        query_param(
            "noexpand",
            {"type": "array", "items": enum_schema(sorted(load_concepts().by_id))},
            "Concepts not to expand.",
        ),
        query_param(
            "autocorrect",
            enum_schema(("0", "1", "true", "false")),
            "Search misspelt words as corrected (default 1); 0 searches the words as typed.",
        ),
        query_param(
            "partial",
            enum_schema(("0", "1", "true", "false")),
            "1 lists the partial matches of a query about a topic no measure is about (default "
            "0: such a query finds nothing and `off_topic` names the words no measure is about).",
        ),
        *filters,
    )
