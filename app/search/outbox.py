"""Outbox rows, written in the same transaction as the change they describe."""

from __future__ import annotations

from app.extensions import db
from app.search.models import IndexChange


def enqueue_index_change(measure_id: int, op: str = "upsert") -> None:
    if op not in ("upsert", "delete"):
        raise ValueError(op)
    db.session.add(IndexChange(measure_id=measure_id, op=op))
