"""SIGKILL the app server in the middle of a stream of submissions, restart it, and find every
change whose request was answered with success: in the database, and after `flask search sync`
in the index (`flask search check` clean).

Two streams run at once against gunicorn: a moderator publishing submitted measures through
the moderation form (each publish commits and then writes the index inside the request), and a
practitioner creating measures through the API. The whole process group is killed with SIGKILL
once some publishes have succeeded, with requests still in flight.
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass, field

import requests
from sqlalchemy import select

from app.accounts.models import Role
from app.core.extensions import db
from app.measures.models import Measure, MeasureStatus
from app.measures.services import submit_measure
from tests.conftest import make_measure, make_user, sample_record
from tests.faults.conftest import kill_group, seed_people, wait_until

QUEUED = 60  # submitted measures the moderator works through
KILL_AFTER = 8  # successful publishes before the kill


@dataclass
class Outcomes:
    published: list[int] = field(default_factory=list)  # answered 302
    created: dict[int, str] = field(default_factory=dict)  # id -> title, answered 201
    other: list[str] = field(default_factory=list)  # any other answer, before the kill
    stop: threading.Event = field(default_factory=threading.Event)


def _queue(instance, count: int) -> list[int]:
    app = instance.app(SEARCH_SYNC_ON_COMMIT=False)
    with app.app_context():
        owner = make_user(Role.PRACTITIONER, organisation="Org Queue")
        ids = []
        for n in range(count):
            measure = make_measure(owner, title=f"Queued programme number {n}")
            submit_measure(owner, measure)
            db.session.commit()
            ids.append(measure.id)
        db.session.remove()
        db.engine.dispose()
    return ids


def _publisher(server, email: str, ids: list[int], out: Outcomes) -> None:
    web = server.sign_in(email)
    for measure_id in ids:
        if out.stop.is_set():
            return
        try:
            response = web.post(
                f"{server.base}/moderation/measures/{measure_id}/publish",
                data={"comment": "Checked during the fault test."},
                allow_redirects=False,
                timeout=30,
            )
        except requests.RequestException:
            return  # the server is gone: this publish's fate is unknown, and not counted
        if response.status_code == 302:
            out.published.append(measure_id)
        else:
            out.other.append(f"publish {measure_id}: {response.status_code}")


def _creator(server, token: str, out: Outcomes) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    n = 0
    while not out.stop.is_set():
        n += 1
        title = f"Created through the API number {n}"
        try:
            response = requests.post(
                f"{server.base}/api/v1/measures",
                json=sample_record(title=title, organisation="Org 0"),
                headers=headers,
                timeout=30,
            )
        except requests.RequestException:
            return
        if response.status_code == 201:
            out.created[response.json()["id"]] = title
        else:
            out.other.append(f"create: {response.status_code} {response.text[:200]}")


def test_every_acknowledged_change_survives_a_sigkill_of_the_server(instance):
    people = seed_people(instance, writers=1)
    queued = _queue(instance, QUEUED)
    instance.flask("search", "sync")
    server = instance.start_server(workers=2)
    out = Outcomes()
    threads = [
        threading.Thread(target=_publisher, args=(server, people.moderator, queued, out)),
        threading.Thread(
            target=_creator, args=(server, people.tokens[people.practitioners[0]], out)
        ),
    ]
    for thread in threads:
        thread.start()
    try:
        wait_until(
            lambda: len(out.published) >= KILL_AFTER or out.other,
            60,
            "the publishes never got going",
        )
        kill_group(server.process, signal.SIGKILL)  # master and workers, mid-request
    finally:
        out.stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not out.other, out.other  # before the kill every answer was a success
    assert len(out.published) >= KILL_AFTER and out.created
    assert len(out.published) < QUEUED  # it was killed in the middle

    restarted = instance.start_server(workers=2)
    assert requests.get(f"{restarted.base}/healthz", timeout=30).status_code in (200, 503)
    app = instance.app(SEARCH_SYNC_ON_COMMIT=False)
    with app.app_context():
        measures = {m.id: m for m in db.session.scalars(select(Measure))}
        for measure_id in out.published:
            assert measures[measure_id].status == MeasureStatus.PUBLISHED, measure_id
        for measure_id, title in out.created.items():
            assert measures[measure_id].working_revision.title == title
        published = {i for i, m in measures.items() if m.status == MeasureStatus.PUBLISHED}
        db.session.remove()
        db.engine.dispose()

    instance.flask("search", "sync")
    checked = instance.flask("search", "check")
    assert "No drift." in checked.stdout
    assert f"Published in the database: {len(published)}; in the index: {len(published)}" in (
        checked.stdout
    )
    found = requests.get(
        f"{restarted.base}/api/v1/search",
        params={"q": "Queued programme", "per_page": 100},
        timeout=30,
    )
    assert found.status_code == 200
    assert set(out.published) <= {hit["id"] for hit in found.json()["results"]}
