"""Search fixtures: the contract suite runs every test against each backend.

Whoosh uses a real index in the session's temporary SEARCH_INDEX_DIR; the PostgreSQL backend
(only when DATABASE_URL is PostgreSQL) uses the test database's search tables. Both are
emptied before every test, with the after-commit sync turned on (as init_search does).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.outbox.models import IndexChange
from app.search import get_backend, init_search
from app.search.backends.base import SearchQuery, SearchResults
from app.search.indexer import clear
from app.search.outbox import consumer_name, remove_consumer
from app.search.services import search_measures

# The browser fixtures of tests/browser (Chromium, live server, axe checker), for
# tests/search/test_browser.py.
from tests.browser.conftest import browser_type_launch_args, checker, live_server  # noqa: F401

BACKENDS = ["whoosh"]
if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
    BACKENDS.append("postgres")


def pytest_generate_tests(metafunc):
    """Run each search test on every backend, except those marked `whoosh_only`."""
    if "search_backend" in metafunc.fixturenames:
        whoosh_only = metafunc.definition.get_closest_marker("whoosh_only") is not None
        backends = ["whoosh"] if whoosh_only else BACKENDS
        metafunc.parametrize("search_backend", backends, indirect=True)


@pytest.fixture(autouse=True)
def search_backend(request, app, monkeypatch):
    init_search(app)
    if getattr(request, "param", "whoosh") == "postgres":
        from app.search.backends.postgres_backend import PostgresBackend

        # The app fixture registered the Whoosh folder as a consumer: this test has one index.
        remove_consumer(consumer_name())
        monkeypatch.setitem(app.extensions, "search_backend", PostgresBackend())
    clear()
    return get_backend()


def search(q: str = "", **kwargs: Any) -> SearchResults:
    filters = kwargs.pop("filters", {})
    return search_measures(
        SearchQuery(q=q, filters={k: tuple(v) for k, v in filters.items()}, **kwargs)
    )


def found(q: str = "", **kwargs: Any) -> list[int]:
    """Ids of the hits on the first page, in rank order."""
    kwargs.setdefault("per_page", 100)
    return [hit.id for hit in search(q, **kwargs).hits]


def pending_rows() -> int:
    """This host's consumer's rows not applied yet."""
    stmt = select(func.count(IndexChange.seq)).where(IndexChange.consumer == consumer_name())
    return db.session.scalar(stmt) or 0


def text_measure(owner: Any, title: str, summary: str, **overrides: Any):
    """A published measure with this text and no description to match by accident."""
    overrides.setdefault("description", None)
    return _publish(owner, title=title, summary=summary, **overrides)


def _publish(owner: Any, **overrides: Any):
    from tests.conftest import make_measure

    return make_measure(owner, publish=True, **overrides)
