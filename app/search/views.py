"""The search page, /search, thin over search_measures (/api/v1/search is in app/api/search.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for

from app.core.extensions import limiter
from app.core.security import public
from app.evidence.rules import LEVEL_NAMES
from app.records import labels
from app.search.backends.base import SORTS, SearchQuery
from app.search.documents import FACET_KEYS
from app.search.facets import CERTIFICATION_LABELS, UNIT_COST_HINT, UNIT_COST_LABELS, VERDICTS
from app.search.query import SearchParamError, parse_search_args, query_args
from app.search.services import search_measures

bp = Blueprint("search", __name__)

# Record keys are named by the record model; the evidence level and the cost band are
# computed, not keys, and outcomes and designs are the evaluations'.
_COMPUTED_LEGENDS = {
    "evidence_level": "Evidence level",
    "unit_cost_band": "Unit cost per participant",
    "outcomes": "Outcomes studied",
    "design": "Study design",
    "certification_required": "Certification of deliverers",
}
FACET_LEGENDS = {key: _COMPUTED_LEGENDS.get(key) or labels.facet_legend(key) for key in FACET_KEYS}
# A line under a facet's legend where its values need explaining.
FACET_HINTS = {
    "evidence_level": (
        "Levels from 5 (strongest) to 0, then two findings that are no level of their own:"
        " no effect found, and negative effects found."
    ),
    "unit_cost_band": UNIT_COST_HINT,
    "outcomes": "What the measure's evaluations looked at, with or without an effect.",
}
EVIDENCE_MIN_HINT = (
    "Measures where no effect or negative effects were found are left out whatever minimum"
    " you choose."
)
SORT_LABELS = {
    "relevance": "Relevance",
    "evidence": "Evidence level (strongest first)",
    "rating": "Peer rating",
    "newest": "Newest",
}
# How the error summary names each parameter.
PARAM_LABELS = {
    "q": "Search words",
    "sort": "Sort by",
    "evidence_min": "Minimum evidence level",
    "year_from": "Started from",
    "year_to": "Started up to",
    "page": "Page",
    "per_page": "Results per page",
    "noexpand": "Removed expansion",
    "expand": "Expansion",
    "autocorrect": "Spelling correction",
    **FACET_LEGENDS,
}
# Where the error summary sends the reader for each bad parameter.
ERROR_ANCHORS = {
    "q": "search-q",
    "sort": "search-sort",
    "evidence_min": "search-evidence-min",
    "year_from": "search-year-from",
    "year_to": "search-year-to",
}
# Facets with long value lists start collapsed (in <details>, so no script is needed).
OPEN_FACET_VALUES = 8
TOO_MANY_SEARCHES = "Too many searches from your network. Please wait a minute and try again."


def search_rate_limit() -> str:
    """Per client address, as sign-in is limited; deployments tune it with SEARCH_RATE_LIMIT."""
    return current_app.config.get("SEARCH_RATE_LIMIT") or "60 per minute"


_VERDICT_NAMES = {value: label for label, value in VERDICTS.items()}


def facet_value_label(key: str, value: str) -> str:
    if key == "evidence_level":
        if value in _VERDICT_NAMES:
            return _VERDICT_NAMES[value]
        return f"{value}: {LEVEL_NAMES[int(value)]}"
    if key == "unit_cost_band":
        return UNIT_COST_LABELS.get(value, value)
    if key == "certification_required":
        return CERTIFICATION_LABELS.get(value, value)
    return labels.value_label(key, value)


def search_url(query: SearchQuery, **changes: Any) -> str:
    """The URL of this search with some state changed (page, sort, a filter removed, …)."""
    return url_for("search.search_page") + "?" + query_args(query, **changes)


@bp.get("/search")
@public
@limiter.limit(search_rate_limit, error_message=TOO_MANY_SEARCHES)
def search_page() -> tuple[str, int]:
    try:
        query = parse_search_args(request.args, strict=False)
    except SearchParamError as exc:
        fallback = SearchQuery(q=(request.args.get("q") or "")[:500])
        return render_template(
            "search/search.html",
            query=fallback,
            results=None,
            error=exc,
            error_anchor=ERROR_ANCHORS.get(exc.param, "search-form"),
            error_label=PARAM_LABELS.get(exc.param, exc.param),
            **_page_context(),
        ), 400
    results = search_measures(query)
    return render_template(
        "search/search.html", query=query, results=results, error=None, **_page_context()
    ), 200


def _page_context() -> dict[str, Any]:
    return {
        "facet_keys": FACET_KEYS,
        "facet_legends": FACET_LEGENDS,
        "facet_hints": FACET_HINTS,
        "evidence_min_hint": EVIDENCE_MIN_HINT,
        "facet_value_label": facet_value_label,
        "sort_labels": SORT_LABELS,
        "sorts": SORTS,
        "level_names": LEVEL_NAMES,
        "search_url": search_url,
        "open_facet_values": OPEN_FACET_VALUES,
    }
