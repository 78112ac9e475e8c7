"""Re-review requests: an owner asks the moderators to look at a published level again
(EVIDENCE-2027 §7)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dbtypes import str_enum, utcnow
from app.core.extensions import db


class RereviewDecision(enum.StrEnum):
    UPHELD = "upheld"  # the figures were checked again and the level stands
    CHANGES_REQUESTED = "changes_requested"  # the owner is asked to correct the figures


class RereviewRequest(db.Model):
    """One request and, once decided, its decision. Open while `decision` is empty."""

    __tablename__ = "rereview_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    # The revision whose level was questioned (the published one when asked).
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure_revisions.id", ondelete="SET NULL")
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[RereviewDecision | None] = mapped_column(
        str_enum(RereviewDecision, "rereview_decision")
    )
    decision_comment: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    measure = relationship("Measure")
    revision = relationship("MeasureRevision")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def is_open(self) -> bool:
        return self.decision is None
