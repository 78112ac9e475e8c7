"""Shortlists: a signed-in user's named lists of measures, each item with a note."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dbtypes import utcnow
from app.core.extensions import db

NAME_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 2000


class Shortlist(db.Model):
    """A named list of measures. Private to its owner unless shared by its token."""

    __tablename__ = "shortlists"
    __table_args__ = (CheckConstraint("length(name) >= 1", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    # A read-only link: random and unguessable; None while the list is not shared.
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner = relationship("User", foreign_keys=[owner_id])
    items: Mapped[list[ShortlistItem]] = relationship(
        back_populates="shortlist",
        cascade="all, delete-orphan",
        order_by="ShortlistItem.id",
        lazy="selectin",
    )

    def __repr__(self) -> str:
        return f"<Shortlist {self.id} of user {self.owner_id}>"


class ShortlistItem(db.Model):
    """One measure on a shortlist, once, with the owner's note."""

    __tablename__ = "shortlist_items"
    __table_args__ = (
        UniqueConstraint("shortlist_id", "measure_id"),
        CheckConstraint(f"note IS NULL OR length(note) <= {NOTE_MAX_LENGTH}", name="note_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shortlist_id: Mapped[int] = mapped_column(
        ForeignKey("shortlists.id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    shortlist: Mapped[Shortlist] = relationship(back_populates="items")
    measure = relationship("Measure", foreign_keys=[measure_id])
