"""Search services: one call per search, shared by the page, the JSON API and the exports."""

from __future__ import annotations

import logging

from flask import current_app
from werkzeug.exceptions import ServiceUnavailable

from app.search import get_backend
from app.search.backends.base import SearchQuery, SearchResults, SearchTimeout

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60
TOO_SLOW_RETRY_AFTER_SECONDS = 5


class SearchUnavailable(ServiceUnavailable):
    """There is no index to search (lost, or being rebuilt): 503 with this message, as a page
    or as problem+json under /api/, rather than an empty result that looks like an answer."""

    description = (
        "The search index is being rebuilt, so search is not available for a few minutes. "
        "Measure pages work as usual; please search again shortly."
    )

    def __init__(self) -> None:
        super().__init__(retry_after=RETRY_AFTER_SECONDS)


class SearchTooSlow(ServiceUnavailable):
    """The search ran past SEARCH_TIME_BUDGET and was stopped: 503 with this message.

    Every query the parser accepts finishes well within the budget on an idle server
    (bench/search_worst_case.py), so this means the server is busy: trying again helps.
    """

    description = (
        "This search took too long to answer, so it was stopped. "
        "Please try again in a moment, or search with fewer words."
    )

    def __init__(self) -> None:
        super().__init__(retry_after=TOO_SLOW_RETRY_AFTER_SECONDS)


def search_measures(query: SearchQuery) -> SearchResults:
    """Published measures matching `query`. Everyone may search.

    The search may take SEARCH_TIME_BUDGET seconds (None: no limit). Raises SearchUnavailable
    when there is no index to search, SearchTooSlow past the budget.
    """
    budget = current_app.config.get("SEARCH_TIME_BUDGET")
    try:
        results = get_backend().search(query, budget)
    except SearchTimeout:
        # The words stay out of the log (they are the user's); their shape is enough.
        log.warning(
            "search stopped after its time budget of %s s (query of %d characters)",
            budget,
            len(query.q),
        )
        raise SearchTooSlow() from None
    if results.unavailable:
        raise SearchUnavailable()
    return results
