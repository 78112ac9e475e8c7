"""Search services: one call per search, shared by the page, the JSON API and the exports."""

from __future__ import annotations

import logging
from dataclasses import replace

from flask import current_app, g, has_request_context
from flask_babel import gettext
from werkzeug.exceptions import ServiceUnavailable

from app.core.errors import is_api_request
from app.search import NOT_BUILT_FLAG, get_backend
from app.search.analysis import fold
from app.search.backends.base import SearchBackend, SearchQuery, SearchResults, SearchTimeout
from app.search.concept_match import warm
from app.search.keeper import keeper_state, nudge_keeper
from app.search.outbox import consumer_name, is_registered
from app.search.query import N_
from app.search.suggestions import SHORT_WORD_LENGTH

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30  # a build takes seconds to minutes (docs/performance.md)
TOO_SLOW_RETRY_AFTER_SECONDS = 5


def _said(message: str) -> str:
    """The error's message in the reader's language on a page; the API's stays English."""
    if not has_request_context() or is_api_request():
        return message
    return gettext(message)


class SearchUnavailable(ServiceUnavailable):
    """There is no index to search and one is being built now: 503 with Retry-After and this
    message, as a page or as problem+json under /api/, rather than an empty result that
    looks like an answer."""

    message = N_(
        "The search index is being rebuilt, so search is not available for a few minutes. "
        "Measure pages work as usual; please search again shortly."
    )

    def __init__(self) -> None:
        # Passed, not a class attribute: the error page shows a message of the error's own.
        super().__init__(description=_said(self.message), retry_after=RETRY_AFTER_SECONDS)


class SearchNotBuilt(ServiceUnavailable):
    """There is no index to search and nothing is building one (the index keeper is off, or
    its last attempt failed): 503 without Retry-After, since waiting alone will not help."""

    message = N_(
        "Search is not available at the moment: the search index has not been built. "
        "Measure pages work as usual. The site's administrators can see this in its health "
        "check."
    )

    def __init__(self) -> None:
        super().__init__(description=_said(self.message))


class SearchTooSlow(ServiceUnavailable):
    """The search ran past SEARCH_TIME_BUDGET and was stopped: 503 with this message.

    Every query the parser accepts finishes well within the budget on an idle server
    (bench/search_worst_case.py), so this means the server is busy: trying again helps.
    """

    message = N_(
        "This search took too long to answer, so it was stopped. "
        "Please try again in a moment, or search with fewer words."
    )

    def __init__(self) -> None:
        super().__init__(description=_said(self.message), retry_after=TOO_SLOW_RETRY_AFTER_SECONDS)


def search_measures(query: SearchQuery) -> SearchResults:
    """Published measures matching `query`. Everyone may search.

    The search may take SEARCH_TIME_BUDGET seconds (None: no limit). Raises SearchUnavailable
    when there is no index to search, SearchTooSlow past the budget.
    """
    budget = current_app.config.get("SEARCH_TIME_BUDGET")
    backend = get_backend()
    warm()  # the vocabulary's tables, once per process: not this search's time
    try:
        results = backend.search(query, budget)
        if _may_be_misspelt(query, results):
            results = _respelt(backend, query, results, budget)
    except SearchTimeout:
        # The words stay out of the log (they are the user's); their shape is enough.
        log.warning(
            "search stopped after its time budget of %s s (query of %d characters)",
            budget,
            len(query.q),
        )
        raise SearchTooSlow() from None
    if results.unavailable or (results.total == 0 and _not_built(backend)):
        raise _unavailable(backend)
    return results


def _may_be_misspelt(query: SearchQuery, results: SearchResults) -> bool:
    """Whether a query found off topic, as typed, may be a misspelt one: "Ssfe prevention" is
    about safe prevention, not about "Ssfe". Only a missing word of 4 letters is corrected more
    freely on a second try (lenient_spelling)."""
    return (
        query.autocorrect
        and results.corrected_query is None
        and any(len(fold(word)) == SHORT_WORD_LENGTH for word in results.off_topic)
    )


def _respelt(
    backend: SearchBackend, query: SearchQuery, results: SearchResults, budget: float | None
) -> SearchResults:
    """The query with its short words corrected more freely (lenient_spelling), when that finds
    it on topic; else `results`, the off-topic answer as typed."""
    retry = backend.search(replace(query, lenient_spelling=True), budget)
    return retry if retry.corrected_query and not retry.off_topic else results


def _not_built(backend: SearchBackend) -> bool:
    """An empty answer from an index never built is no answer either: PostgreSQL's tables are
    there even then (a Whoosh backend says so itself). Empty tables while measures are
    published mean that only when nobody registered the index or a build runs: else the first
    measure published is in the database a moment before it is in the index."""
    if backend.exists():
        return False
    return backend.build_status() is not None or not is_registered(consumer_name())


def _unavailable(backend: SearchBackend) -> ServiceUnavailable:
    """ "Being rebuilt" (with Retry-After) only when a build runs: in some process, or about to
    start in this one's index keeper; otherwise say that the index is not built."""
    if backend.build_status() is not None:
        return SearchUnavailable()
    state = keeper_state()
    if state is not None and state.failure is None and nudge_keeper():
        return SearchUnavailable()
    g.setdefault(NOT_BUILT_FLAG, True)  # no Retry-After, not even Flask-Limiter's
    return SearchNotBuilt()
