"""The search page, /search, thin over search_measures (/api/v1/search is in app/api/search.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.extensions import limiter
from app.core.i18n import current_language
from app.core.security import public
from app.evidence.rules import LEVEL_NAMES
from app.records import labels, vocab
from app.search import concept_match
from app.search.backends.base import SORTS, SearchQuery, Via
from app.search.documents import FACET_KEYS
from app.search.facets import CERTIFICATION_LABELS, UNIT_COST_HINT, UNIT_COST_LABELS, VERDICTS
from app.search.query import SearchParamError, parse_search_args, query_args
from app.search.services import search_measures

bp = Blueprint("search", __name__)

# Record keys are named by the record model; the evidence level and the cost band are
# computed, not keys, and outcomes and designs are the evaluations'.
# The page's words are lazy (translated when shown); the parameters and values stay codes.
_COMPUTED_LEGENDS = {
    "evidence_level": _l("Evidence level"),
    "unit_cost_band": _l("Unit cost per participant"),
    "outcomes": _l("Outcomes studied"),
    "design": _l("Study design"),
    "certification_required": _l("Certification of deliverers"),
}


def _legend(key: str) -> Any:
    return _COMPUTED_LEGENDS[key] if key in _COMPUTED_LEGENDS else labels.facet_legend(key)


FACET_LEGENDS = {key: _legend(key) for key in FACET_KEYS}


def facet_legends() -> dict[str, str]:
    """Each facet's legend in the reader's language, asked for in the request (the record's
    labels are translated when asked for, not at import)."""
    return {key: str(_legend(key)) for key in FACET_KEYS}


# A line under a facet's legend where its values need explaining.
FACET_HINTS = {
    "evidence_level": _l(
        "Levels from 5 (strongest) to 0, then two findings that are no level of their own:"
        " no effect found, and negative effects found."
    ),
    "unit_cost_band": UNIT_COST_HINT,
    "outcomes": _l("What the measure's evaluations looked at, with or without an effect."),
}
EVIDENCE_MIN_HINT = _l(
    "Measures where no effect or negative effects were found are left out whatever minimum"
    " you choose."
)
SORT_LABELS = {
    "relevance": _l("Relevance"),
    "evidence": _l("Evidence level (strongest first)"),
    "rating": _l("Peer rating"),
    "newest": _l("Newest"),
}
# How an error message names each parameter.
PARAM_LABELS = {
    "q": _l("Search words"),
    "sort": _l("Sort by"),
    "evidence_min": _l("Minimum evidence level"),
    "year_from": _l("Started from"),
    "year_to": _l("Started up to"),
    "page": _l("Page"),
    "per_page": _l("Results per page"),
    "noexpand": _l("Removed expansion"),
    "expand": _l("Expansion"),
    "autocorrect": _l("Spelling correction"),
    "partial": _l("Partial matches"),
}


def param_label(param: str) -> str:
    """How an error message names a parameter: as the page labels its field."""
    if param in PARAM_LABELS:
        return str(PARAM_LABELS[param])
    return facet_legends().get(param, param)


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


def too_many_searches() -> str:
    """The 429 page's message (Flask-Limiter calls it in the request, so it is translated)."""
    return _("Too many searches from your network. Please wait a minute and try again.")


def search_rate_limit() -> str:
    """Per client address, as sign-in is limited; deployments tune it with SEARCH_RATE_LIMIT."""
    return current_app.config.get("SEARCH_RATE_LIMIT") or "60 per minute"


_VERDICT_NAMES = {value: label for label, value in VERDICTS.items()}


def level_names() -> list[str]:
    """The names of levels 0 to 5 in the reader's language."""
    return [_(name) for name in LEVEL_NAMES]


def facet_value_label(key: str, value: str) -> str:
    """One value of a facet as the page shows it, in the reader's language."""
    if key == "evidence_level":
        if value in _VERDICT_NAMES:
            return _(_VERDICT_NAMES[value])
        return _("%(level)s: %(name)s", level=value, name=_(LEVEL_NAMES[int(value)]))
    if key == "unit_cost_band":
        return str(UNIT_COST_LABELS.get(value, value))
    if key == "certification_required":
        return str(CERTIFICATION_LABELS.get(value, value))
    if key == "countries":
        return vocab.country_name(value, current_language())
    if key == "languages":
        return vocab.language_name(value, current_language())
    return labels.value_label(key, value)


def search_url(query: SearchQuery, **changes: Any) -> str:
    """The URL of this search with some state changed (page, sort, a filter removed, …)."""
    return url_for("search.search_page") + "?" + query_args(query, **changes)


@bp.get("/search")
@public
@limiter.limit(search_rate_limit, error_message=too_many_searches)
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
            error_message=exc.page_message(param_label(exc.param)),
            **_page_context(),
        ), 400
    results = search_measures(query)
    return render_template(
        "search/search.html", query=query, results=results, error=None, **_page_context()
    ), 200


def _page_context() -> dict[str, Any]:
    return {
        "facet_keys": FACET_KEYS,
        "facet_legends": facet_legends(),
        "facet_hints": FACET_HINTS,
        "evidence_min_hint": EVIDENCE_MIN_HINT,
        "facet_value_label": facet_value_label,
        "sort_labels": SORT_LABELS,
        "sorts": SORTS,
        "level_names": level_names(),
        "search_url": search_url,
        "open_facet_values": OPEN_FACET_VALUES,
    }


@bp.app_template_filter("concept_name")
def concept_name(concept_id: str) -> str:
    """A concept of the vocabulary named in the reader's language (its English name if it has
    no term there)."""
    return concept_match.concept_label(concept_id, current_language())


@bp.app_template_filter("reader_first")
def reader_first(terms: list[str], concept_id: str) -> list[str]:
    """An expansion's other terms, those of the reader's language first."""
    return concept_match.reader_first(concept_id, terms, current_language())


@bp.app_template_filter("via_words")
def via_words(via: Via) -> str:
    """An expansion that brought a hit, in the reader's words: "Sextortion (aus ‘…’)"."""
    return _("%(concept)s (from ‘%(words)s’)", concept=concept_name(via.concept), words=via.matched)
