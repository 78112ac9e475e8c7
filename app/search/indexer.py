"""The indexer: the only code that writes to the search index.

Services write IndexChange rows in the same transaction as the change (app/outbox/),
one for each index consumer (a Whoosh folder per host, or the shared PostgreSQL tables).
After that transaction commits, the indexer takes the one writer lock, reads *this host's
consumer's* pending rows in sequence order, reads each measure's *current* state from the
database (the row says only "look again at this measure"), upserts the published ones and
deletes the others, commits the index, and only then deletes the rows it applied. So applying
twice does no harm, a crash at any point leaves the rows for the next sync, and because the
database is read while the lock is held, the last writer always wrote the newest state. Each
host deletes only its own consumer's rows: another host's index still needs its copy.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, select
from sqlalchemy.orm import Session, object_session, selectinload

from app.core.extensions import db
from app.measures.models import Evaluation, Measure, MeasureRevision, MeasureStatus
from app.outbox.models import IndexChange
from app.outbox.services import OUTBOX_FLAG
from app.reviews.models import ReviewAggregate
from app.search import get_backend
from app.search.backends.base import IndexMissing, LockTimeout, SearchBackend
from app.search.concept_match import tables as concept_tables
from app.search.documents import measure_to_document
from app.search.outbox import consumer_name, is_registered, pending_count, register_consumer

log = logging.getLogger(__name__)

BATCH_SIZE = 200


@dataclass
class SyncReport:
    rows: int = 0
    upserted: int = 0
    deleted: int = 0
    rebuilt: int | None = None  # documents, when the index was missing and had to be built


@dataclass
class DriftReport:
    published: int
    indexed: int
    missing: list[int] = field(default_factory=list)  # published, not in the index
    extra: list[int] = field(default_factory=list)  # in the index, not published
    stale: list[int] = field(default_factory=list)  # indexed from another revision
    pending: int = 0  # this consumer's outbox rows not applied yet
    consumer: str = ""
    registered: bool = True  # if not, no change is queued for this index: it falls behind

    @property
    def ok(self) -> bool:
        return self.registered and not (self.missing or self.extra or self.stale)


def _with_content(stmt: Any) -> Any:
    revision = selectinload(Measure.published_revision)
    return stmt.options(
        revision.selectinload(MeasureRevision.terms),
        revision.selectinload(MeasureRevision.evaluations).selectinload(Evaluation.attachments),
    )


def _ratings(session: Session, ids: list[int]) -> dict[int, float]:
    """Peer-rating sort scores (Bayesian averages) of these measures; absent means no reviews."""
    rows = session.execute(
        select(ReviewAggregate.measure_id, ReviewAggregate.bayes).where(
            ReviewAggregate.measure_id.in_(ids)
        )
    )
    return {measure_id: float(bayes or 0.0) for measure_id, bayes in rows}


def _to_documents(session: Session, measures: list[Measure]) -> list[dict[str, Any]]:
    ratings = _ratings(session, [m.id for m in measures])
    return [
        measure_to_document(m, m.published_revision, ratings.get(m.id, 0.0))
        for m in measures
        if m.status == MeasureStatus.PUBLISHED and m.published_revision is not None
    ]


def _documents(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    measures = session.scalars(_with_content(select(Measure).where(Measure.id.in_(ids)))).all()
    return _to_documents(session, list(measures))


def _is_published() -> Any:
    return (Measure.status == MeasureStatus.PUBLISHED) & Measure.published_revision_id.is_not(None)


def _published() -> Any:
    return select(Measure).where(_is_published())


def published_count() -> int:
    with Session(db.engine) as session:
        return session.scalar(select(func.count()).select_from(_published().subquery())) or 0


def iter_published_documents(batch_size: int = BATCH_SIZE) -> Iterator[dict[str, Any]]:
    """Every published measure's document, read in id order a batch at a time."""
    last_id = 0
    while True:
        with Session(db.engine) as session:
            stmt = _published().where(Measure.id > last_id).order_by(Measure.id).limit(batch_size)
            measures = session.scalars(_with_content(stmt)).all()
            if not measures:
                return
            docs = _to_documents(session, list(measures))
            last_id = measures[-1].id
        yield from docs


class PublishedDocuments:
    """Every published measure's document: iterate it, or split it for parallel builders.

    A backend that builds in several processes takes `id_batches()` and lets each process
    `load()` its own batches, so reading the database runs in parallel too.
    """

    def __init__(self, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size
        self.total = published_count()  # for the build's progress (x of y)
        # The concept tables (0.6 s of CPU to build) are built once here, before the workers
        # fork, so that every worker inherits them instead of building its own.
        concept_tables()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter_published_documents(self.batch_size)

    def id_batches(self, size: int = 100) -> Iterator[list[int]]:
        with Session(db.engine) as session:
            stmt = select(Measure.id).where(_is_published()).order_by(Measure.id)
            ids = list(session.scalars(stmt))
        for start in range(0, len(ids), size):
            yield ids[start : start + size]

    @staticmethod
    def load(ids: list[int]) -> list[dict[str, Any]]:
        with Session(db.engine) as session:
            return _documents(session, ids)

    @staticmethod
    def after_fork() -> None:
        """In a forked process: drop the parent's database connections, open our own."""
        db.engine.dispose(close=False)


def _drain(backend: SearchBackend, consumer: str, batch_size: int) -> SyncReport:
    """Apply every row pending for `consumer` (caller holds the writer lock)."""
    report = SyncReport()
    while True:
        with Session(db.engine) as session:
            rows = session.execute(
                select(IndexChange.seq, IndexChange.measure_id)
                .where(IndexChange.consumer == consumer)
                .order_by(IndexChange.seq)
                .limit(batch_size)
            ).all()
            if not rows:
                return report
            ids = list(dict.fromkeys(r.measure_id for r in rows))
            docs = _documents(session, ids)
            kept = {d["id"] for d in docs}
            deletes = [i for i in ids if i not in kept]
            backend.write(docs, deletes)
            # Only now, with the index committed, may the rows go.
            session.execute(delete(IndexChange).where(IndexChange.seq.in_([r.seq for r in rows])))
            session.commit()
        report.rows += len(rows)
        report.upserted += len(docs)
        report.deleted += len(deletes)


def sync(
    *,
    timeout: float = 5.0,
    attempts: int = 3,
    batch_size: int = BATCH_SIZE,
    procs: int = 1,
    build_missing: bool = True,
    compact: bool = False,
) -> SyncReport:
    """Apply this consumer's pending outbox rows; then merge the small segments left by
    publishing (compact; not inside a request).

    With build_missing (the CLI, the follower), also register this consumer, and build the
    index from the database first if there is none or the consumer was not registered (then
    no change was queued for it and the index cannot know what it missed). The registration
    is committed before the build reads the database, so nothing falls between the two.

    Raises LockTimeout when the writer lock stayed busy through every attempt (the rows stay
    pending; whoever holds the lock applies them before letting go, or the next sync does).
    """
    backend = get_backend()
    consumer = consumer_name()
    if not build_missing and backend.build_status() is not None:
        # Waiting for the lock would mean waiting for a whole build (inside a request): the
        # rows stay queued, and the builder applies them once it has swapped its index in.
        raise LockTimeout("a build of the search index is under way; it applies these rows")
    for attempt in range(1, attempts + 1):
        try:
            with backend.writer_lock(timeout):
                rebuilt = None
                if build_missing:
                    added = register_consumer(consumer, backend.name)
                    if added or not backend.exists():
                        rebuilt = backend.rebuild(PublishedDocuments(), procs=procs)
                report = _drain(backend, consumer, batch_size)
                report.rebuilt = rebuilt
                if compact:
                    backend.compact()
                return report
        except LockTimeout:
            if attempt == attempts:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def rebuild(
    *, procs: int = 1, timeout: float = 60.0, progress: Callable[[int], None] | None = None
) -> int:
    """Build a new index from the database beside the live one and swap it in.

    Holds the writer lock throughout, so outbox rows committed meanwhile wait and are applied
    to the new index right after the swap. Searches keep using the old index until then.
    Raises LockTimeout if another writer holds the lock for longer than `timeout`.
    """
    backend = get_backend()
    consumer = consumer_name()
    with backend.writer_lock(timeout):
        # Registered (and committed) first: from here on every change is queued for us.
        register_consumer(consumer, backend.name)
        # Rows already committed now are covered by the build, which reads the database
        # after this point; rows committed later (whatever their number) are applied after.
        with Session(db.engine) as session:
            covered = list(
                session.scalars(select(IndexChange.seq).where(IndexChange.consumer == consumer))
            )
        count = backend.rebuild(PublishedDocuments(), procs=procs, progress=progress)
        with Session(db.engine) as session:
            for start in range(0, len(covered), 1000):
                chunk = covered[start : start + 1000]
                session.execute(delete(IndexChange).where(IndexChange.seq.in_(chunk)))
            session.commit()
        _drain(backend, consumer, BATCH_SIZE)
    return count


def check() -> DriftReport:
    """Compare the published measures in the database with the documents in this host's index."""
    backend = get_backend()
    consumer = consumer_name()
    with Session(db.engine) as session:
        published = dict(
            session.execute(
                select(Measure.id, Measure.published_revision_id).where(
                    Measure.status == MeasureStatus.PUBLISHED,
                    Measure.published_revision_id.is_not(None),
                )
            ).all()
        )
        pending = pending_count(session, consumer)
    indexed = backend.indexed_versions()
    return DriftReport(
        published=len(published),
        indexed=len(indexed),
        missing=sorted(set(published) - set(indexed)),
        extra=sorted(set(indexed) - set(published)),
        stale=sorted(
            i for i in set(published) & set(indexed) if indexed[i].revision_id != published[i]
        ),
        pending=pending,
        consumer=consumer,
        registered=is_registered(consumer),
    )


def clear() -> None:
    """Empty the index (tests, and before rebuilding from nothing).

    Registers this consumer first, as a build does: the emptied index is the start of one.
    """
    backend = get_backend()
    with backend.writer_lock(30.0):
        register_consumer(consumer_name(), backend.name)
        backend.clear()


# --- after-commit sync ----------------------------------------------------------------------

_paused = threading.local()
_hooks_installed = False


@contextmanager
def sync_paused() -> Iterator[None]:
    """Skip the after-commit sync inside this block (bulk jobs: sync or rebuild once after)."""
    _paused.depth = getattr(_paused, "depth", 0) + 1
    try:
        yield
    finally:
        _paused.depth -= 1


def _note_outbox_row(_mapper: Any, _connection: Any, target: IndexChange) -> None:
    session = object_session(target)
    if session is not None:
        session.info[OUTBOX_FLAG] = True


def _after_commit(session: Session) -> None:
    if not session.info.pop(OUTBOX_FLAG, False) or getattr(_paused, "depth", 0):
        return
    if not has_app_context():
        return
    app = current_app
    if not app.extensions.get("search_sync") or not app.config.get("SEARCH_SYNC_ON_COMMIT"):
        return
    try:
        # Short waits: this runs inside a request. If the lock stays busy, its holder (or the
        # next sync) applies these rows.
        # A missing index is not rebuilt here, inside a request: the index keeper of the
        # served process (app/search/keeper.py) or `flask search sync` builds it.
        sync(
            timeout=app.config.get("SEARCH_COMMIT_LOCK_TIMEOUT", 1.0),
            attempts=2,
            build_missing=False,
        )
    except LockTimeout:
        log.warning(
            "search: writer lock busy after commit; its holder or the next sync "
            "applies the pending rows"
        )
    except IndexMissing:
        log.info("search: the index is missing or being built; its builder applies the rows")
    except Exception:
        log.exception("search: applying the outbox after commit failed; rows stay pending")


def _after_rollback(session: Session) -> None:
    session.info.pop(OUTBOX_FLAG, None)


def install_session_hooks() -> None:
    """Apply outbox rows right after the transaction that wrote them commits."""
    global _hooks_installed
    if _hooks_installed:
        return
    event.listen(IndexChange, "after_insert", _note_outbox_row)
    event.listen(db.session, "after_commit", _after_commit)
    event.listen(db.session, "after_rollback", _after_rollback)
    _hooks_installed = True
