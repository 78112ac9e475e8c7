"""Queueing index changes: rows written in the caller's transaction, one per registered
consumer; app/search/outbox.py manages the consumers and app/search/indexer.py applies them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, cast, insert, literal, select
from sqlalchemy.types import Integer, String

from app.core.extensions import db
from app.outbox.models import IndexChange, IndexConsumer

# Set in a session's info when it wrote outbox rows: its commit triggers the after-commit sync.
OUTBOX_FLAG = "search_outbox_written"

OPS = ("upsert", "delete")


def _queue(op: str) -> object:
    """INSERT ... SELECT: one row per registered consumer, read in the inserting statement
    itself so that no consumer registering meanwhile falls between a read and a write."""
    if op not in OPS:
        raise ValueError(op)
    rows = select(
        IndexConsumer.name,
        cast(bindparam("measure_id"), Integer),
        cast(literal(op), String(8)),
    )
    # include_defaults fills created_at from the model.
    return insert(IndexChange.__table__).from_select(["consumer", "measure_id", "op"], rows)


def enqueue_index_change(measure_id: int, op: str = "upsert") -> None:
    """Queue "look again at this measure" for every consumer, in the caller's transaction."""
    result = db.session.execute(_queue(op), {"measure_id": measure_id})
    if result.rowcount != 0:  # -1 (unknown) counts as written
        db.session.info[OUTBOX_FLAG] = True


def enqueue_index_changes(
    measure_ids: Iterable[int], op: str = "upsert", *, apply_after_commit: bool = True
) -> None:
    """The same for many measures at once (batch jobs). Without apply_after_commit the rows
    wait for `flask search sync` (or a rebuild) instead of being indexed after each commit."""
    params = [{"measure_id": i} for i in dict.fromkeys(measure_ids)]
    if params:
        db.session.connection().execute(_queue(op), params)
        if apply_after_commit:
            db.session.info[OUTBOX_FLAG] = True
