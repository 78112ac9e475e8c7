"""Two hosts over one PostgreSQL database, as docs/deploying.md describes them.

Each "host" is a real gunicorn server (the repository's gunicorn.conf.py, two workers) on its
own port with its own folders, plus its own `flask search sync --follow`. A measure published
through one host must become searchable through the other, with either search backend: Whoosh
(one index per host) or PostgreSQL (one index, in the shared database).

The database is a throwaway one on the local PostgreSQL server, whatever DATABASE_URL the
session runs with, so the SQLite run of the suite exercises this too.
"""

from __future__ import annotations

import json
import random
import string

import pytest

from app.accounts.models import Role
from app.core.extensions import db
from app.measures.services import submit_measure
from tests.conftest import make_measure, make_user
from tests.ops.conftest import REDIS_URL, server_env, start_flask, text_of, wait_until

DEADLINE = 60.0  # generous: the machine is shared; nothing here asserts a speed


def _made_up_word() -> str:
    # Letters only, so no analyser splits or stems it into something common.
    return "zq" + "".join(random.choices(string.ascii_lowercase, k=10))


def _seed(make_app, database_url: str, tmp_path, word: str) -> tuple[str, int]:
    """Schema, a moderator and a submitted measure, written straight to the shared database."""
    app = make_app(
        SQLALCHEMY_DATABASE_URI=database_url,
        SEARCH_INDEX_DIR=str(tmp_path / "seed-index"),
        SEARCH_SYNC_ON_COMMIT=False,  # the hosts' indexes are theirs to fill
    )
    with app.app_context():
        db.create_all()
        moderator = make_user(Role.MODERATOR, organisation="Hub")
        owner = make_user(Role.PRACTITIONER, organisation="Org A")
        measure = make_measure(owner, title=f"Multi-host {word} programme")
        submit_measure(owner, measure)
        db.session.commit()
        seeded = moderator.email, measure.id
        db.session.remove()
        db.engine.dispose()
    return seeded


def _found(server, word: str, measure_id: int) -> bool:
    status, body = server.get(f"/api/v1/search?q={word}")
    assert status == 200, body[:300]
    return measure_id in {hit["id"] for hit in json.loads(body)["results"]}


def _healthy(server) -> bool:
    status, body = server.get("/healthz")
    report = json.loads(body)
    return status == 200 and report["checks"]["index_lag"]["depth"] == 0


@pytest.mark.parametrize("backend", ["whoosh", "postgres"])
def test_a_measure_published_through_one_host_is_searchable_through_the_other(
    backend, make_app, postgres_database, tmp_path, servers, processes, redis_prefix
):
    word = _made_up_word()
    moderator_email, measure_id = _seed(make_app, postgres_database, tmp_path, word)

    hosts = []
    for name in ("host-a", "host-b"):
        workdir = tmp_path / name
        workdir.mkdir()
        env = server_env(
            postgres_database,
            workdir,
            SEARCH_BACKEND=backend,
            RATELIMIT_STORAGE_URI=REDIS_URL,
            RATELIMIT_KEY_PREFIX=redis_prefix,
        )
        processes.append(
            start_flask(
                ["search", "sync", "--follow", "--interval", "0.5"], env, workdir / "sync.log"
            )
        )
        hosts.append(servers(env))
    host_a, host_b = hosts
    for host in hosts:  # each follower has built its host's index (Whoosh) and drained the outbox
        wait_until(lambda h=host: _healthy(h), DEADLINE, f"{host.base} never became healthy")
    assert not _found(host_b, word, measure_id)

    host_a.sign_in(moderator_email)
    status, body = host_a.post(
        f"/moderation/measures/{measure_id}/publish", {"comment": "Checked; publishing."}
    )
    assert status == 302, text_of(body)[:500]

    wait_until(
        lambda: _found(host_b, word, measure_id),
        DEADLINE,
        f"the measure published through host A never became searchable through host B ({backend})",
        interval=0.5,
    )
    assert _found(host_a, word, measure_id)
    for host in hosts:
        wait_until(lambda h=host: _healthy(h), DEADLINE, f"{host.base} left changes unapplied")
