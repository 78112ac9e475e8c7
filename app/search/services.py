"""Search services: one call per search, shared by the page and the JSON API."""

from __future__ import annotations

from app.search import get_backend
from app.search.backends.base import SearchQuery, SearchResults


def search_measures(query: SearchQuery) -> SearchResults:
    """Published measures matching `query`. Everyone may search; nothing is raised."""
    return get_backend().search(query)
