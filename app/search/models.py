"""The search outbox: one row per change to apply to the index, written with the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import utcnow
from app.extensions import db


class IndexChange(db.Model):
    __tablename__ = "index_changes"

    seq: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(index=True)  # no FK: deletions must be indexed too
    op: Mapped[str] = mapped_column(String(8))  # "upsert" | "delete"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
