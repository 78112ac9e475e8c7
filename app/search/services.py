"""Search services: one call per search, shared by the page and the JSON API."""

from __future__ import annotations

from werkzeug.exceptions import ServiceUnavailable

from app.search import get_backend
from app.search.backends.base import SearchQuery, SearchResults

RETRY_AFTER_SECONDS = 60


class SearchUnavailable(ServiceUnavailable):
    """There is no index to search (lost, or being rebuilt): 503 with this message, as a page
    or as problem+json under /api/, rather than an empty result that looks like an answer."""

    description = (
        "The search index is being rebuilt, so search is not available for a few minutes. "
        "Measure pages work as usual; please search again shortly."
    )

    def __init__(self) -> None:
        super().__init__(retry_after=RETRY_AFTER_SECONDS)


def search_measures(query: SearchQuery) -> SearchResults:
    """Published measures matching `query`. Everyone may search. Raises SearchUnavailable
    when there is no index to search."""
    results = get_backend().search(query)
    if results.unavailable:
        raise SearchUnavailable()
    return results
