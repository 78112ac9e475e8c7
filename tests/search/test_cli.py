"""`flask search rebuild | check | sync`: rebuild beside the live index while searches go on,
and report drift between the database and the index."""

from __future__ import annotations

import threading

from app.core.extensions import db
from app.measures.services import submit_measure, update_measure
from app.moderation.services import archive_measure, publish_measure
from app.records.schema import validate_record
from app.search import indexer
from tests.conftest import make_measure, make_user, sample_record
from tests.search.conftest import found, search


def _published(owner, n: int, **overrides):
    return [
        make_measure(owner, publish=True, title=f"Lighthouse scheme number {i}", **overrides)
        for i in range(n)
    ]


def test_rebuild_indexes_every_published_measure_and_reports_progress(app, runner):
    owner = make_user()
    measures = _published(owner, 3)
    make_measure(owner, title="Lighthouse draft")  # never indexed
    indexer.clear()
    assert search().total == 0
    result = runner.invoke(args=["search", "rebuild", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert "Indexing published measures" in result.output
    assert "Indexed 3 measure(s)" in result.output
    assert sorted(found("lighthouse")) == sorted(m.id for m in measures)


def test_rebuild_with_two_processes_gives_the_same_index(app, runner):
    owner = make_user()
    measures = _published(owner, 4)
    result = runner.invoke(args=["search", "rebuild", "--procs", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(found("lighthouse")) == sorted(m.id for m in measures)
    assert search(filters={"countries": ["AT"]}).total == 4


def test_searches_keep_answering_while_a_rebuild_runs(app):
    owner = make_user()
    measures = _published(owner, 12)
    during_build: list[int] = []
    errors: list[BaseException] = []
    building, searched, stop = threading.Event(), threading.Event(), threading.Event()

    def keep_searching() -> None:
        with app.app_context():
            while not stop.is_set():
                try:
                    total = search("lighthouse").total
                except BaseException as exc:
                    errors.append(exc)
                    searched.set()
                    return
                if building.is_set():
                    during_build.append(total)
                    if len(during_build) >= 3:
                        searched.set()

    def hold_the_build(_n: int) -> None:
        # The rebuild waits here, index half-built, until the searcher has searched a few
        # times meanwhile: no guess about how threads are scheduled.
        building.set()
        searched.wait(30)

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        count = indexer.rebuild(progress=hold_the_build)
    finally:
        stop.set()
        searcher.join()
    assert count == 12
    assert not errors
    assert len(during_build) >= 3  # searches answered while the new index was being built
    assert set(during_build) == {12}  # from the old index, complete
    assert sorted(found("lighthouse")) == sorted(m.id for m in measures)


def test_changes_committed_during_a_rebuild_reach_the_new_index(app, search_backend):
    owner = make_user()
    _published(owner, 2)
    late: list[int] = []

    def publish_during_build(_n: int) -> None:
        if not late:
            # Another request publishes while the rebuild holds the writer lock: its sync
            # gives up waiting and leaves the row for the rebuild to apply after the swap.
            measure = make_measure(owner, publish=True, title="Lighthouse latecomer")
            late.append(measure.id)

    indexer.rebuild(progress=publish_during_build)
    assert late[0] in found("latecomer")
    assert search("lighthouse").total == 3


def test_check_reports_no_drift_and_exits_0_when_in_step(app, runner):
    _published(make_user(), 2)
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert "Published in the database: 2; in the index: 2." in result.output
    assert "No drift." in result.output


def test_check_reports_each_kind_of_drift_and_exits_1(app, runner, monkeypatch):
    owner, moderator = make_user(), make_user("moderator")
    archived, edited = _published(owner, 2)
    monkeypatch.setitem(app.config, "SEARCH_SYNC_ON_COMMIT", False)
    missing = make_measure(owner, publish=True, title="Not yet indexed")
    archive_measure(moderator, archived, "Closed.")
    update_measure(owner, edited, validate_record(sample_record(title="Edited scheme")))
    submit_measure(owner, edited)
    publish_measure(moderator, edited, "Fine.")
    db.session.commit()

    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1, result.output
    assert f"Published but not indexed (1): {missing.id}" in result.output
    assert f"Indexed but not published (1): {archived.id}" in result.output
    assert f"Indexed from an older revision (1): {edited.id}" in result.output
    assert "Pending index changes (run `flask search sync`): 3." in result.output

    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output


def test_check_reports_an_emptied_index_as_drift(app, runner):
    _published(make_user(), 1)
    indexer.clear()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "Published but not indexed (1)" in result.output
