"""GET /api/v1/search: the search page's query, answered as JSON by the same search_measures."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request

from app.api.limits import api_limit
from app.api.openapi_operations import BASE, operation, query_param, search_params
from app.api.openapi_schemas import SearchResults
from app.api.views import bp
from app.core.problems import BadParameter
from app.core.security import public
from app.search.backends.base import SearchHit
from app.search.query import MAX_PAGE, SearchParamError, parse_search_args
from app.search.services import search_measures


def _hit_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "external_id": hit.external_id,
        "title": hit.title,
        "summary": hit.summary,
        "evidence_level": hit.evidence_level,
        "countries": hit.countries,
        "score": hit.score,
        "highlights": hit.highlights,
        "matched_via": [str(via) for via in hit.matched_via],
    }


@bp.get("/search")
@public
@api_limit  # the API's shared budget, per token or per address
@operation(
    "Search published measures",
    "Search",
    params=[
        *search_params(),
        query_param(
            "page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Page number, from 1."
        ),
        "per_page",
    ],
    ok=(
        200,
        SearchResults,
        "Hits, facet counts and a spelling suggestion. When misspelt words were corrected, the "
        "hits are for `corrected_query` and `original_query` is the query as sent. `off_topic` "
        "names the typed words no measure is about (none holds them, or one or two only in "
        "passing) when the rest of the query does not say what it is about: then nothing is "
        "listed (`partial=1` lists the partial matches).",
    ),
    example=f"curl '{BASE}/search?q=school&countries=DE&evidence_min=3'",
)
def api_search() -> tuple[Response, int]:
    try:
        query = parse_search_args(request.args, strict=True)
    except SearchParamError as exc:
        raise BadParameter(exc.param, exc.message, detail=str(exc)) from exc
    results = search_measures(query)
    body = {
        "total": results.total,
        "page": query.page,
        "results": [_hit_json(h) for h in results.hits],
        "facets": results.facets,
        "suggestion": results.suggestion,
        "corrected_query": results.corrected_query,
        "original_query": results.original_query,
        "off_topic": results.off_topic,
    }
    # Not sorted: a facet's values keep their order (levels 5 … 0, then the verdicts; the
    # most frequent first elsewhere), as the search page lists them.
    text = current_app.json.dumps(body, sort_keys=False)
    return current_app.response_class(text + "\n", mimetype=current_app.json.mimetype), 200
