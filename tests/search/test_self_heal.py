"""The index heals itself, on every backend: a missing index answers 503 with Retry-After only
while a build runs, /healthz says how far it got, and the index keeper builds a missing index
and applies the changes a crash left queued."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from sqlalchemy import delete

from app.core.extensions import db
from app.outbox.models import IndexChange
from app.search import get_backend, indexer
from app.search.indexer import sync_paused
from app.search.keeper import start_keeper
from app.search.outbox import consumer_name, remove_consumer
from tests.conftest import make_measure, make_user
from tests.faults.conftest import wait_until

WORD = "zqselfheal"


def _lose_index(backend) -> None:
    """What a lost disk or a fresh install leaves: no index (PostgreSQL: empty tables)."""
    with backend.writer_lock(5.0):
        if backend.name == "whoosh":
            backend.store.clear()
        else:
            backend.clear()


class HeldDocuments:
    """Published documents for a real build that waits half-way until the test lets it go."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.started = threading.Event()
        self.release = threading.Event()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        self.started.set()
        self.release.wait(60)
        yield from indexer.PublishedDocuments()


def _build_in_thread(app, documents: HeldDocuments) -> threading.Thread:
    def build() -> None:
        with app.app_context():
            backend = get_backend()
            with backend.writer_lock(5.0):
                backend.rebuild(documents)

    thread = threading.Thread(target=build)
    thread.start()
    documents.started.wait(30)
    return thread


def test_a_missing_index_answers_503_with_retry_after_while_it_is_built(app, client):
    owner = make_user()
    measures = [make_measure(owner, publish=True, title=f"{WORD} scheme {n}") for n in range(3)]
    backend = get_backend()
    _lose_index(backend)
    documents = HeldDocuments(total=len(measures))
    thread = _build_in_thread(app, documents)
    try:
        api = client.get("/api/v1/search", query_string={"q": WORD})
        page = client.get("/search", query_string={"q": WORD})
        health = client.get("/healthz")
    finally:
        documents.release.set()
        thread.join(60)
    assert api.status_code == 503 and int(api.headers["Retry-After"]) > 0
    assert page.status_code == 503 and "being rebuilt" in page.get_data(as_text=True)
    index = health.get_json()["checks"]["search_index"]
    assert health.status_code == 503
    assert index["state"] == "rebuilding"
    assert index["rebuild"]["total"] == 3 and index["rebuild"]["done"] <= 3

    after = client.get("/api/v1/search", query_string={"q": WORD})
    assert after.status_code == 200 and after.get_json()["total"] == 3
    assert client.get("/healthz").get_json()["checks"]["search_index"]["state"] == "ready"


def test_a_missing_index_that_nothing_builds_is_not_called_being_rebuilt(app, client):
    make_measure(make_user(), publish=True, title=f"{WORD} scheme")
    # A fresh install: no index, none registered, and no keeper (SEARCH_KEEPER is off).
    _lose_index(get_backend())
    remove_consumer(consumer_name())
    api = client.get("/api/v1/search", query_string={"q": WORD})
    page = client.get("/search", query_string={"q": WORD})
    assert api.status_code == 503 and "Retry-After" not in api.headers
    assert page.status_code == 503 and "Retry-After" not in page.headers
    assert "has not been built" in page.get_data(as_text=True)
    assert "being rebuilt" not in page.get_data(as_text=True)


def test_the_keeper_builds_a_missing_index_and_applies_what_a_crash_left(app, monkeypatch):
    owner = make_user()
    shown = make_measure(owner, publish=True, title=f"{WORD} before the loss")
    _lose_index(get_backend())
    remove_consumer(consumer_name())  # as on a fresh install: nothing registered yet
    monkeypatch.setitem(app.config, "SEARCH_KEEPER", True)
    monkeypatch.setitem(app.config, "SEARCH_KEEPER_INTERVAL", 0.2)
    keeper = start_keeper(app)
    assert keeper is not None
    try:
        wait_until(lambda: indexer.check().ok, 60, "the keeper did not build the index")
        assert indexer.check().indexed == 1

        # A change committed whose request died before applying it: queued, not applied.
        with sync_paused():
            later = make_measure(owner, publish=True, title=f"{WORD} after the crash")
        assert indexer.check().missing == [later.id]
        wait_until(
            lambda: indexer.check().ok and indexer.check().pending == 0,
            60,
            "the keeper did not apply the queued change",
        )
    finally:
        keeper.stop()
        db.session.execute(delete(IndexChange))
        db.session.commit()
    assert set(get_backend().indexed_versions()) == {shown.id, later.id}
