"""Eight writers for 30 seconds through the JSON API, against gunicorn (2 workers x 4
threads): every acknowledged measure and review is stored exactly once, nothing is lost or
duplicated, no request fails (no 5xx, no "database is locked", no index lock error shown to
anyone), and after `flask search sync` the index matches the database.

Each writer is a practitioner of an organisation of their own, with a token: it creates drafts
(submitting some), and reviews published measures of another organisation; each review
recomputes the measure's rating and re-indexes it, so the writers also contend for the index
writer lock.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests
from sqlalchemy import select

from app.accounts.models import Role, User
from app.core.extensions import db
from app.measures.models import Measure, MeasureRevision
from app.reviews.models import Review
from tests.conftest import make_measure, make_user, sample_record
from tests.faults.conftest import seed_people

WRITERS = 8
DURATION = 30.0  # seconds of writing
PUBLISHED = 60  # measures to review (more than any writer gets through)
REVIEW = {
    "effectiveness": 4,
    "ease": 3,
    "transferability": 4,
    "value": 5,
    "implemented": False,
    "comment": "We used it in three schools; it worked well for the older children.",
}


@dataclass
class Writer:
    email: str
    token: str
    created: dict[int, str] = field(default_factory=dict)  # measure id -> title
    submitted: list[int] = field(default_factory=list)
    reviewed: list[int] = field(default_factory=list)  # measure ids reviewed (201)
    failures: list[str] = field(default_factory=list)


def _published_measures(instance, count: int) -> list[int]:
    app = instance.app(SEARCH_SYNC_ON_COMMIT=False)
    with app.app_context():
        owner = make_user(Role.PRACTITIONER, organisation="Org Reviewed")
        ids = [
            make_measure(owner, publish=True, title=f"Reviewed programme {n}").id
            for n in range(count)
        ]
        db.session.remove()
        db.engine.dispose()
    return ids


def _write(base: str, writer: Writer, number: int, targets: list[int], until: float) -> None:
    web = requests.Session()
    web.headers["Authorization"] = f"Bearer {writer.token}"

    def post(path: str, json: dict | None = None) -> requests.Response | None:
        try:
            response = web.post(base + path, json=json, timeout=60)
        except requests.RequestException as error:
            writer.failures.append(f"POST {path}: {error}")
            return None
        if response.status_code not in (200, 201):
            writer.failures.append(f"POST {path}: {response.status_code} {response.text[:300]}")
            return None
        return response

    n = 0
    while time.monotonic() < until:
        n += 1
        title = f"Writer {number} measure {n}"
        record = sample_record(title=title, organisation=f"Org {number}")
        created = post("/api/v1/measures", record)
        if created is not None:
            measure_id = created.json()["id"]
            writer.created[measure_id] = title
            if n % 3 == 0 and post(f"/api/v1/measures/{measure_id}/submit") is not None:
                writer.submitted.append(measure_id)
        if n <= len(targets):
            target = targets[(n - 1 + number * 7) % len(targets)]  # writers overlap measures
            if post(f"/api/v1/measures/{target}/reviews", REVIEW) is not None:
                writer.reviewed.append(target)


def test_eight_writers_lose_and_duplicate_nothing(instance):
    people = seed_people(instance, writers=WRITERS)
    targets = _published_measures(instance, PUBLISHED)
    instance.flask("search", "rebuild")
    server = instance.start_server(workers=2)
    writers = [Writer(email, people.tokens[email]) for email in people.practitioners]
    until = time.monotonic() + DURATION
    threads = [
        threading.Thread(target=_write, args=(server.base, w, n, targets, until))
        for n, w in enumerate(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DURATION + 120)

    assert not any(t.is_alive() for t in threads)
    failures = [f for w in writers for f in w.failures]
    log = server.log_text()
    assert not failures, (failures[:10], log[-3000:])  # the server's side of a failure
    assert "Traceback" not in log and "database is locked" not in log, log[-3000:]
    assert all(w.created and w.reviewed for w in writers)  # everyone got writes through

    app = instance.app(SEARCH_SYNC_ON_COMMIT=False)
    with app.app_context():
        titles = Counter(
            db.session.scalars(
                select(MeasureRevision.title).where(MeasureRevision.title.like("Writer %"))
            )
        )
        stored = {
            m.id: m.working_revision.title
            for m in db.session.scalars(select(Measure))
            if m.working_revision is not None and m.working_revision.title.startswith("Writer ")
        }
        reviews = Counter(
            (email, measure_id)
            for email, measure_id in db.session.execute(
                select(User.email, Review.measure_id).join(User, Review.user_id == User.id)
            )
        )
        submitted = {
            m.id for m in db.session.scalars(select(Measure)) if m.status.value == "submitted"
        }
        db.session.remove()
        db.engine.dispose()
    acknowledged = {i: t for w in writers for i, t in w.created.items()}
    assert stored == acknowledged  # nothing lost, nothing extra
    assert set(titles.values()) == {1}  # one revision per title: nothing stored twice
    expected_reviews = Counter((w.email, m) for w in writers for m in w.reviewed)
    assert reviews == expected_reviews
    assert set(titles.values()) == {1} and max(reviews.values()) == 1
    assert {i for w in writers for i in w.submitted} <= submitted

    instance.flask("search", "sync")
    assert "No drift." in instance.flask("search", "check").stdout
