"""The search outbox: one row per change and index consumer, written with the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.dbtypes import utcnow
from app.core.extensions import db


class IndexConsumer(db.Model):
    """One search index kept in step through the outbox: a Whoosh folder on one host, or the
    PostgreSQL backend's tables (one for every host). Each gets its own copy of every change."""

    __tablename__ = "index_consumers"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    backend: Mapped[str] = mapped_column(String(16))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)  # its last `flask search sync`


class IndexChange(db.Model):
    """A change one consumer has still to apply; its consumer deletes it once applied."""

    __tablename__ = "index_changes"
    __table_args__ = (Index("ix_index_changes_consumer_seq", "consumer", "seq"),)

    seq: Mapped[int] = mapped_column(primary_key=True)
    # No FK: removing a consumer must never make a publishing transaction fail.
    consumer: Mapped[str] = mapped_column(String(255))
    measure_id: Mapped[int] = mapped_column(index=True)  # no FK: deletions must be indexed too
    op: Mapped[str] = mapped_column(String(8))  # "upsert" | "delete"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
