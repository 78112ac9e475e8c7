"""The outbox and the indexer: published measures become searchable after commit, archived
ones disappear, and a failure or a busy lock never loses a change."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from app.core.extensions import db
from app.measures.services import make_revision_public, submit_measure, update_measure
from app.moderation.services import archive_measure, publish_measure
from app.outbox.services import enqueue_index_change
from app.records.schema import validate_record
from app.search import indexer
from app.search.backends.base import LockTimeout
from tests.conftest import make_measure, make_user, sample_record
from tests.search.conftest import found, pending_rows, search


def test_publishing_makes_a_measure_searchable_as_soon_as_the_commit_returns(app):
    owner = make_user()
    measure = make_measure(owner, title="Lighthouse mentoring scheme")
    assert found("lighthouse") == []
    submit_measure(owner, measure)
    make_revision_public(measure, measure.working_revision)
    db.session.commit()
    # Indexed by the commit itself (after-commit sync): nothing left to wait for or retry.
    assert pending_rows() == 0
    assert found("lighthouse") == [measure.id]


def test_drafts_and_submissions_are_not_indexed(app):
    owner = make_user()
    draft = make_measure(owner, title="Draft lighthouse scheme")
    submitted = make_measure(owner, title="Submitted lighthouse scheme")
    submit_measure(owner, submitted)
    db.session.commit()
    assert found("lighthouse") == []
    assert draft.id and submitted.id


def test_archiving_removes_the_measure_from_the_index(app):
    owner, moderator = make_user(), make_user("moderator")
    measure = make_measure(owner, publish=True, title="Lighthouse mentoring scheme")
    assert found("lighthouse") == [measure.id]
    archive_measure(moderator, measure, "Programme closed down.")
    db.session.commit()
    assert found("lighthouse") == []
    assert search().total == 0
    assert pending_rows() == 0


def test_a_newly_published_revision_replaces_the_indexed_one(app):
    owner, moderator = make_user(), make_user("moderator")
    measure = make_measure(owner, publish=True, title="Lighthouse mentoring scheme")
    update_measure(owner, measure, validate_record(sample_record(title="Beacon mentoring scheme")))
    submit_measure(owner, measure)
    db.session.commit()
    assert found("lighthouse") == [measure.id]  # the edit waits for moderation
    assert found("beacon") == []
    publish_measure(moderator, measure, "Looks good.")
    db.session.commit()
    assert found("beacon") == [measure.id]
    assert found("lighthouse") == []
    assert search().total == 1


def test_rows_wait_while_sync_on_commit_is_off_and_flask_search_sync_applies_them(
    app, runner, monkeypatch
):
    monkeypatch.setitem(app.config, "SEARCH_SYNC_ON_COMMIT", False)
    measure = make_measure(make_user(), publish=True, title="Lighthouse mentoring scheme")
    assert pending_rows() == 1
    assert found("lighthouse") == []
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "applied 1 change(s): 1 indexed, 0 removed" in result.output
    assert found("lighthouse") == [measure.id]
    assert pending_rows() == 0


def test_a_rolled_back_transaction_leaves_no_row_and_indexes_nothing(app):
    measure = make_measure(make_user(), title="Lighthouse mentoring scheme")
    submit_measure(None, measure)
    make_revision_public(measure, measure.working_revision)
    db.session.flush()
    db.session.rollback()
    assert pending_rows() == 0
    assert found("lighthouse") == []


def test_sync_paused_defers_indexing_until_the_next_sync(app):
    owner = make_user()
    with indexer.sync_paused():
        measure = make_measure(owner, publish=True, title="Lighthouse mentoring scheme")
    assert found("lighthouse") == []
    assert pending_rows() == 1
    indexer.sync()
    assert found("lighthouse") == [measure.id]


def test_a_failed_index_write_keeps_the_rows_for_the_next_sync(app, search_backend, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    # Undone on leaving the block, not with monkeypatch.undo() (which would swap the backend
    # the fixture chose back to Whoosh, another index with its own queue).
    with monkeypatch.context() as patch:
        patch.setattr(search_backend, "write", broken)
        # The publish itself succeeds: the database is the truth, the index catches up later.
        measure = make_measure(make_user(), publish=True, title="Lighthouse mentoring scheme")
        assert pending_rows() == 1
    report = indexer.sync()
    assert (report.rows, report.upserted) == (1, 1)
    assert found("lighthouse") == [measure.id]
    assert pending_rows() == 0


def test_a_busy_writer_lock_times_out_without_losing_rows(app, search_backend, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_SYNC_ON_COMMIT", False)
    measure = make_measure(make_user(), publish=True, title="Lighthouse mentoring scheme")
    held, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with app.app_context(), search_backend.writer_lock(5.0):
            held.set()
            release.wait(5.0)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert held.wait(5.0)
        with pytest.raises(LockTimeout):
            indexer.sync(timeout=0.1, attempts=2)
        assert pending_rows() == 1
    finally:
        release.set()
        holder.join()
    indexer.sync(timeout=5.0)
    assert found("lighthouse") == [measure.id]


def test_a_sync_waiting_for_the_lock_goes_ahead_once_it_is_released(
    app, search_backend, monkeypatch
):
    monkeypatch.setitem(app.config, "SEARCH_SYNC_ON_COMMIT", False)
    measure = make_measure(make_user(), publish=True, title="Lighthouse mentoring scheme")
    held = threading.Event()

    def hold_lock_briefly() -> None:
        with app.app_context(), search_backend.writer_lock(5.0):
            held.set()
            time.sleep(0.3)

    holder = threading.Thread(target=hold_lock_briefly)
    holder.start()
    assert held.wait(5.0)
    report = indexer.sync(timeout=5.0)
    holder.join()
    assert report.rows == 1
    assert found("lighthouse") == [measure.id]


def test_applying_the_same_change_twice_is_harmless(app):
    measure = make_measure(make_user(), publish=True, title="Lighthouse mentoring scheme")
    enqueue_index_change(measure.id, "upsert")
    enqueue_index_change(measure.id, "upsert")
    db.session.commit()
    assert search().total == 1
    assert found("lighthouse") == [measure.id]


def test_the_indexer_indexes_the_current_state_whatever_the_row_says(app, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_SYNC_ON_COMMIT", False)
    owner, moderator = make_user(), make_user("moderator")
    measure = make_measure(owner, publish=True, title="Lighthouse mentoring scheme")
    archive_measure(moderator, measure, "Closed.")
    db.session.commit()
    # A late "upsert" row for an archived measure must not bring it back.
    enqueue_index_change(measure.id, "upsert")
    db.session.commit()
    report = indexer.sync()
    assert (report.rows, report.upserted, report.deleted) == (3, 0, 1)
    assert found("lighthouse") == []


def test_sync_builds_a_missing_index_from_the_database(app, monkeypatch, search_backend):
    monkeypatch.setitem(app.config, "SEARCH_SYNC_ON_COMMIT", False)
    owner = make_user()
    first = make_measure(owner, publish=True, title="Lighthouse mentoring scheme")
    db.session.execute(db.delete(indexer.IndexChange))  # as if the rows were long applied
    db.session.commit()
    second = make_measure(owner, publish=True, title="Lighthouse helpline")
    if search_backend.name == "whoosh":
        shutil.rmtree(app.config["SEARCH_INDEX_DIR"])  # the index folder was lost
    else:
        indexer.clear()
    report = indexer.sync()
    assert report.rebuilt == 2
    assert sorted(found("lighthouse")) == sorted([first.id, second.id])
