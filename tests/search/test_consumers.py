"""One outbox queue per index consumer: several hosts, each with its own Whoosh folder over one
database, each get every change, apply it to their own index and delete only their own rows.

The "other host" is a second app over the same database with a Whoosh folder of its own, in
this process: the same code path as a second server, without the processes (those are in
tests/ops/test_multihost.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from app.audit.models import AuditEvent
from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.health import check_outbox
from app.outbox.models import IndexChange, IndexConsumer
from app.outbox.services import enqueue_index_changes
from app.search import get_backend, indexer
from app.search.outbox import consumer_name, register_consumer, remove_consumer
from tests.conftest import make_measure, make_user
from tests.search.conftest import found, pending_rows

pytestmark = pytest.mark.whoosh_only  # two Whoosh folders; the PostgreSQL index is one for all


def queued(consumer: str) -> list[int]:
    stmt = select(IndexChange.measure_id).where(IndexChange.consumer == consumer)
    return list(db.session.scalars(stmt.order_by(IndexChange.seq)))


@pytest.fixture()
def other_host(make_app, tmp_path) -> Iterator[Any]:
    """A second host's app: same database, its own index folder, no after-commit sync (its
    follower, `flask search sync --follow`, is what applies its changes)."""
    other = make_app(SEARCH_INDEX_DIR=str(tmp_path / "other-index"), SEARCH_SYNC_ON_COMMIT=False)
    yield other
    with other.app_context():
        db.engine.dispose()


def on(host: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
    with host.app_context():
        return fn(*args, **kwargs)


def test_the_consumer_name_is_the_host_and_folder_unless_configured(app, monkeypatch):
    name = consumer_name()
    assert name.endswith(":" + app.config["SEARCH_INDEX_DIR"])
    monkeypatch.setitem(app.config, "SEARCH_CONSUMER", "web-1")
    assert consumer_name() == "web-1"


def test_every_consumer_gets_every_change_and_applies_only_its_own(app, other_host):
    this = consumer_name()
    report = on(other_host, indexer.sync)  # the other host's follower starts: registers, builds
    assert report.rebuilt == 0
    other = on(other_host, consumer_name)
    assert other != this

    measure = make_measure(make_user(), publish=True, title="Lighthouse mentoring scheme")
    # This host applied its row after the commit; the other host's row waits for its follower.
    assert found("lighthouse") == [measure.id]
    assert queued(this) == []
    assert queued(other) == [measure.id]
    assert on(other_host, found, "lighthouse") == []

    report = on(other_host, indexer.sync)
    assert (report.rows, report.upserted, report.rebuilt) == (1, 1, None)
    assert on(other_host, found, "lighthouse") == [measure.id]
    assert queued(other) == []
    assert found("lighthouse") == [measure.id]  # untouched here


def test_one_consumer_draining_leaves_the_others_rows(app, other_host):
    on(other_host, indexer.sync)
    other = on(other_host, consumer_name)
    with indexer.sync_paused():
        measure = make_measure(make_user(), publish=True, title="Lighthouse mentoring scheme")
    assert queued(consumer_name()) == queued(other) == [measure.id]

    assert indexer.sync().rows == 1
    assert queued(consumer_name()) == []
    assert queued(other) == [measure.id]
    assert indexer.rebuild() == 1  # a rebuild here takes only this host's rows too
    assert queued(other) == [measure.id]
    assert indexer.check().ok and indexer.check().pending == 0
    assert on(other_host, indexer.check).pending == 1


def test_a_change_committed_while_a_host_builds_its_index_is_applied(app, other_host, monkeypatch):
    """Registered before the build: a change committed after the registration but before the
    build reads it, and one committed after the build read the database, both reach the index."""
    titles = iter(["Lighthouse before the build", "Beacon after the build read"])
    published = []

    def publish_one() -> None:  # another request, on the other host, committing meanwhile
        published.append(make_measure(make_user(), publish=True, title=next(titles)).id)

    real_register = indexer.register_consumer

    def register_then_publish(name: str, backend: str) -> bool:
        added = real_register(name, backend)
        publish_one()
        return added

    backend = on(other_host, get_backend, other_host)
    real_rebuild = backend.rebuild

    def rebuild_then_publish(documents: Any, **kwargs: Any) -> int:
        count = real_rebuild(documents, **kwargs)
        publish_one()  # not in the build: only the queued row can bring it
        return count

    monkeypatch.setattr(indexer, "register_consumer", register_then_publish)
    monkeypatch.setattr(backend, "rebuild", rebuild_then_publish)
    report = on(other_host, indexer.sync)
    assert report.rebuilt == 1  # the first one only
    assert report.rows == 2  # both queued for it, as it registered first
    first, second = published
    assert on(other_host, found, "lighthouse") == [first]
    assert on(other_host, found, "beacon") == [second]
    assert on(other_host, indexer.check).ok


def test_no_consumer_no_rows_and_the_first_sync_builds_from_the_database(app, runner):
    remove_consumer(consumer_name())
    measure = make_measure(make_user(), publish=True, title="Lighthouse mentoring scheme")
    assert db.session.scalar(select(func.count(IndexChange.seq))) == 0
    assert found("lighthouse") == []

    checked = runner.invoke(args=["search", "check"])
    assert checked.exit_code == 1
    assert "Not registered" in checked.output

    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "built the index from the database with 1 documents" in result.output
    assert found("lighthouse") == [measure.id]
    assert "No drift." in runner.invoke(args=["search", "check"]).output


def test_registering_is_idempotent_and_notes_when_a_host_was_last_seen(app):
    this = consumer_name()
    long_ago = utcnow() - timedelta(days=2)
    db.session.execute(
        update(IndexConsumer).where(IndexConsumer.name == this).values(last_seen_at=long_ago)
    )
    db.session.commit()
    assert register_consumer(this, "whoosh") is False
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(IndexConsumer)) == 1
    assert db.session.get(IndexConsumer, this).last_seen_at > long_ago
    assert register_consumer("other-host:/srv/index", "whoosh") is True


def test_healthz_counts_only_this_hosts_queue(app, client):
    register_consumer("gone-host:/srv/index", "whoosh")
    make_measure(make_user(), publish=True, title="Lighthouse mentoring scheme")
    db.session.execute(  # a host that stopped syncing an hour ago
        update(IndexChange).values(created_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    assert check_outbox(300) == {
        "ok": True,
        "depth": 0,
        "oldest_age_seconds": 0.0,
        "max_lag_seconds": 300,
    }
    report = client.get("/healthz").get_json()
    assert report["checks"]["index_lag"]["depth"] == 0
    assert "gone-host" not in str(report)  # host names and paths are not for visitors

    with indexer.sync_paused():
        make_measure(make_user(), publish=True, title="Beacon scheme")
    db.session.execute(update(IndexChange).values(created_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    lag = check_outbox(300)
    assert (lag["ok"], lag["depth"]) == (False, 1)


def test_consumers_lists_queues_and_removes_a_gone_host(app, runner):
    gone = "gone-host:/srv/index"
    register_consumer(gone, "whoosh")
    with indexer.sync_paused():
        for title in ("Lighthouse one", "Lighthouse two"):
            make_measure(make_user(), publish=True, title=title)
    indexer.sync()

    listed = runner.invoke(args=["search", "consumers"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert any(
        line.startswith(f"{consumer_name()} (this host): whoosh; 0 queued") for line in lines
    )
    assert any(line.startswith(f"{gone}: whoosh; 2 queued") for line in lines)

    removed = runner.invoke(args=["search", "consumers", "--remove", gone])
    assert removed.exit_code == 0, removed.output
    assert f"Removed consumer {gone!r} and its 2 queued change(s)." in removed.output
    assert db.session.get(IndexConsumer, gone) is None
    assert queued(gone) == []
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "search.consumer_removed")
    ).one()
    assert event.details == {"consumer": gone, "rows": 2}
    # Changes from now on are queued for the hosts that remain.
    make_measure(make_user(), publish=True, title="Beacon scheme")
    assert queued(gone) == []
    assert pending_rows() == 0

    unknown = runner.invoke(args=["search", "consumers", "--remove", gone])
    assert unknown.exit_code == 1
    assert "No consumer named" in unknown.output


def test_a_removed_host_that_still_syncs_registers_again_and_rebuilds(app, runner):
    measure = make_measure(make_user(), publish=True, title="Lighthouse mentoring scheme")
    result = runner.invoke(args=["search", "consumers", "--remove", consumer_name()])
    assert "That is this host" in result.output
    report = indexer.sync()
    assert report.rebuilt == 1
    assert found("lighthouse") == [measure.id]


def test_batch_jobs_queue_each_measure_once_for_every_consumer(app):
    register_consumer("other-host:/srv/index", "whoosh")
    owner = make_user()
    with indexer.sync_paused():
        a = make_measure(owner, publish=True, title="Lighthouse one").id
        b = make_measure(owner, publish=True, title="Lighthouse two").id
        db.session.execute(IndexChange.__table__.delete())
        enqueue_index_changes([a, b, a])
        db.session.commit()
    assert queued(consumer_name()) == queued("other-host:/srv/index") == [a, b]
    assert indexer.sync().upserted == 2
    assert sorted(found("lighthouse")) == [a, b]
