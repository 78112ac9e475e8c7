"""The tables of the PostgreSQL search backend (the outbox's tables are in app/outbox/models.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.core.extensions import db

# --- the PostgreSQL search backend's tables (SEARCH_BACKEND=postgres) --------------------------
# Like the Whoosh folder, these are a cache rebuilt from the measures by `flask search rebuild`.
# They exist on SQLite too (the schema is the same everywhere) but stay empty there.

TSVECTOR_TYPE = Text().with_variant(TSVECTOR(), "postgresql")


class SearchDocument(db.Model):
    """One published measure as the PostgreSQL backend searches and lists it."""

    __tablename__ = "search_documents"
    __table_args__ = (Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),)

    measure_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision_id: Mapped[int]
    external_id: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    text_language: Mapped[str | None] = mapped_column(String(2))
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence_level: Mapped[int] = mapped_column(default=0)
    evidence_label: Mapped[str] = mapped_column(String(40), default="")
    harm_flag: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[float] = mapped_column(Float, default=0.0)
    start_year: Mapped[int | None]
    published_at: Mapped[datetime | None]
    # The PostgreSQL text search configuration of the document's language ("simple" when
    # PostgreSQL has none), used for its half of `tsv` and for ts_headline.
    ts_config: Mapped[str] = mapped_column(String(32), default="simple", server_default="simple")
    # PostgreSQL's own lexemes (app/search/backends/postgres_text.py): the accent-folded text
    # under `simple` plus the text under `ts_config`, weighted A-D by field.
    tsv: Mapped[str] = mapped_column(TSVECTOR_TYPE)


class SearchFacet(db.Model):
    """One facet value of an indexed measure (facet counts are GROUP BYs over these)."""

    __tablename__ = "search_facets"
    __table_args__ = (Index("ix_search_facets_key_value", "key", "value", "measure_id"),)

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("search_documents.measure_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
