"""SIGKILL `flask search rebuild` half-way through: searches keep being answered from the old
index, a change published meanwhile is not lost, and the next sync or rebuild leaves
`flask search check` clean (and the half-built folder tidied away)."""

from __future__ import annotations

import signal

import requests

from app.accounts.models import Role
from app.core.extensions import db
from app.measures.services import submit_measure
from tests.conftest import make_measure, make_user
from tests.faults.conftest import kill_group, seed_people, text_of, wait_until

CORPUS = 800  # enough that a one-process rebuild takes several seconds here
POINTER = "CURRENT"


def _index_folders(instance) -> set[str]:
    return {p.name for p in instance.index_dir.iterdir() if p.is_dir()}


def _live(instance) -> str:
    return (instance.index_dir / POINTER).read_text().strip()


def _total(server) -> int:
    response = requests.get(f"{server.base}/api/v1/search", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["total"]


def _submitted_measure(instance) -> int:
    app = instance.app(SEARCH_SYNC_ON_COMMIT=False)
    with app.app_context():
        owner = make_user(Role.PRACTITIONER, organisation="Org Late")
        measure = make_measure(owner, title="Published while the rebuild ran")
        submit_measure(owner, measure)
        db.session.commit()
        measure_id = measure.id
        db.session.remove()
        db.engine.dispose()
    return measure_id


def test_a_killed_rebuild_leaves_search_working_and_the_next_one_clean(instance):
    people = seed_people(instance, writers=0)
    late = _submitted_measure(instance)
    instance.flask("measures", "generate", str(CORPUS), "--publish")
    instance.flask("search", "rebuild")  # the first index
    old = _live(instance)
    server = instance.start_server(workers=2)
    assert _total(server) == CORPUS

    rebuild = instance.start_flask("search", "rebuild", "--procs", "1")
    wait_until(lambda: _index_folders(instance) - {old}, 60, "the rebuild never started")
    # A publish while the rebuild holds the writer lock (it waits a moment for it, then leaves
    # its index change queued): accepted. By then the build is well under way.
    moderator = server.sign_in(people.moderator)
    published = moderator.post(
        f"{server.base}/moderation/measures/{late}/publish",
        data={"comment": "Published during the rebuild."},
        allow_redirects=False,
        timeout=60,
    )
    assert published.status_code == 302, text_of(published.text)[:500]
    assert rebuild.poll() is None, "the rebuild finished before it could be killed"
    kill_group(rebuild, signal.SIGKILL)

    assert _live(instance) == old  # killed before the swap: the old index is still live
    assert _index_folders(instance) - {old}  # the half-built one is left behind
    assert _total(server) == CORPUS
    found = requests.get(f"{server.base}/search", params={"q": "prevention"}, timeout=30)
    assert found.status_code == 200

    assert "applied" in instance.flask("search", "sync").stdout
    assert "No drift." in instance.flask("search", "check").stdout
    assert _total(server) == CORPUS + 1

    instance.flask("search", "rebuild")
    assert "No drift." in instance.flask("search", "check").stdout
    live = _live(instance)
    assert _index_folders(instance) <= {live, old}  # the killed build's folder was tidied
    assert _total(server) == CORPUS + 1
