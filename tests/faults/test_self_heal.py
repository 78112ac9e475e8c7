"""The index heals itself on a served instance, with nobody running a command: a fresh instance
builds its index, a SIGKILL of the server in the middle of a stream of publishes (plus changes
whose requests never applied them) is caught up after the restart, and a lost index is built
again under `flask run`. Meanwhile searches answer 200, or 503 with Retry-After.

No durations are asserted: each wait polls the state with a generous deadline.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading

import pytest
import requests
from sqlalchemy import select

from app.core.extensions import db
from app.measures.models import Measure, MeasureStatus
from app.search import indexer
from app.search.indexer import sync_paused
from tests.conftest import make_measure, make_user
from tests.faults.conftest import free_port, kill_group, seed_people, wait_until
from tests.faults.test_kill_server import KILL_AFTER, QUEUED, Outcomes, _publisher, _queue

HEAL_TIMEOUT = 180.0
KEEPER = {"SEARCH_KEEPER": "1", "SEARCH_KEEPER_INTERVAL": "0.5"}
WORD = "zqhealing"


def _publish_directly(instance, count: int) -> list[int]:
    """Changes committed whose requests died before applying them: queued, not indexed."""
    app = instance.app(SEARCH_SYNC_ON_COMMIT=False)
    with app.app_context(), sync_paused():
        owner = make_user(organisation="Org Lag")
        ids = [
            make_measure(owner, publish=True, title=f"Lagging {WORD} programme {n}").id
            for n in range(count)
        ]
        db.session.remove()
        db.engine.dispose()
    return ids


def _drift(instance, backend: str = "whoosh") -> indexer.DriftReport:
    """What `flask search check` reports (read only: it repairs nothing)."""
    app = instance.app(SEARCH_SYNC_ON_COMMIT=False, SEARCH_BACKEND=backend)
    with app.app_context():
        report = indexer.check()
        db.session.remove()
        db.engine.dispose()
    return report


def _published_ids(instance) -> set[int]:
    app = instance.app(SEARCH_SYNC_ON_COMMIT=False)
    with app.app_context():
        ids = set(
            db.session.scalars(select(Measure.id).where(Measure.status == MeasureStatus.PUBLISHED))
        )
        db.session.remove()
        db.engine.dispose()
    return ids


def _searchable(base: str, q: str, expected: set[int], answers: list) -> bool:
    """One search; every answer is kept to check that it was 200, or 503 with Retry-After."""
    try:
        response = requests.get(
            f"{base}/api/v1/search", params={"q": q, "per_page": 100}, timeout=30
        )
    except requests.ConnectionError:
        return False  # not listening yet
    answers.append((response.status_code, response.headers.get("Retry-After")))
    if response.status_code != 200:
        return False
    return expected <= {hit["id"] for hit in response.json()["results"]}


def _only_ok_or_retry(answers: list) -> None:
    for status, retry_after in answers:
        assert status == 200 or (status == 503 and retry_after and int(retry_after) > 0), answers


def _healthy(base: str) -> bool:
    response = requests.get(f"{base}/healthz", timeout=30)
    return (
        response.status_code == 200
        and response.json()["checks"]["search_index"]["state"] == "ready"
    )


# The PostgreSQL backend needs PostgreSQL: its case runs in the suite's PostgreSQL pass.
BACKENDS = ["whoosh"] + (
    ["postgres"] if os.environ.get("DATABASE_URL", "").startswith("postgresql") else []
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_killed_server_catches_up_its_index_without_a_command(instance, backend):
    keeper = {**KEEPER, "SEARCH_BACKEND": backend}
    people = seed_people(instance, writers=1)
    queued = _queue(instance, QUEUED)
    # A fresh instance: measures in the database, no index, nothing registered.
    first = _publish_directly(instance, 3)
    server = instance.start_server(workers=2, **keeper)
    answers: list = []
    wait_until(
        lambda: _searchable(server.base, WORD, set(first), answers),
        HEAL_TIMEOUT,
        f"the fresh instance never built its index:\n{server.log_text()}",
    )
    _only_ok_or_retry(answers)

    out = Outcomes()
    publisher = threading.Thread(target=_publisher, args=(server, people.moderator, queued, out))
    publisher.start()
    try:
        wait_until(
            lambda: len(out.published) >= KILL_AFTER or out.other,
            60,
            "the publishes never got going",
        )
        kill_group(server.process, signal.SIGKILL)  # master, workers and keepers, mid-request
    finally:
        out.stop.set()
        publisher.join(timeout=60)
    assert not out.other, out.other
    assert KILL_AFTER <= len(out.published) < QUEUED

    lagging = _publish_directly(instance, 3)
    assert set(lagging) <= set(_drift(instance, backend).missing)  # the index is behind

    restarted = instance.start_server(workers=2, **keeper)
    wait_until(
        lambda: _drift(instance, backend).ok and _drift(instance, backend).pending == 0,
        HEAL_TIMEOUT,
        f"the index did not catch up by itself:\n{restarted.log_text()}",
    )
    drift = _drift(instance, backend)
    published = _published_ids(instance)
    assert drift.published == drift.indexed == len(published)
    assert not (drift.missing or drift.extra or drift.stale)
    answers = []
    assert _searchable(restarted.base, "programme", set(out.published) | set(lagging), answers)
    wait_until(lambda: _healthy(restarted.base), HEAL_TIMEOUT, "/healthz never said ready")
    assert "Traceback" not in restarted.log_text()


def test_flask_run_builds_a_lost_index_again_by_itself(instance):
    shown = _publish_directly(instance, 5)
    port = free_port()
    process = instance.start_flask("run", "--port", str(port), "--no-reload", **KEEPER)
    base = f"http://127.0.0.1:{port}"
    answers: list = []
    try:
        wait_until(
            lambda: _searchable(base, WORD, set(shown), answers),
            HEAL_TIMEOUT,
            "flask run never built the index",
        )
        shutil.rmtree(instance.index_dir)  # the whole folder lost while it serves
        wait_until(
            lambda: _searchable(base, WORD, set(shown), answers),
            HEAL_TIMEOUT,
            "flask run did not build the lost index again",
        )
        health = requests.get(f"{base}/healthz", timeout=30).json()
        assert health["checks"]["search_index"]["documents"] == len(shown)
    finally:
        kill_group(process, signal.SIGTERM)
    _only_ok_or_retry(answers)
    assert _drift(instance).ok
