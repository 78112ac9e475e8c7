"""Peer reviews, their edit history, and the cached rating aggregates of each measure."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dbtypes import utcnow
from app.core.extensions import db

# The four rated dimensions, in the order every page, chart and API body shows them.
DIMENSIONS = ("effectiveness", "ease", "transferability", "value")
DIMENSION_LABELS = {
    "effectiveness": _l("Effectiveness in practice"),
    "ease": _l("Ease of implementation"),
    "transferability": _l("Transferability to other countries"),
    "value": _l("Value for money"),
}
SCORE_MIN, SCORE_MAX = 1, 5
SCORES = tuple(range(SCORE_MIN, SCORE_MAX + 1))
SCORE_WORDS = {
    1: _l("Very poor"),
    2: _l("Poor"),
    3: _l("Fair"),
    4: _l("Good"),
    5: _l("Very good"),
}


def _score_checks() -> tuple[CheckConstraint, ...]:
    return tuple(
        CheckConstraint(f"{name} >= {SCORE_MIN} AND {name} <= {SCORE_MAX}", name=name)
        for name in DIMENSIONS
    )


class ReviewContent:
    """What a reviewer writes: the four scores, where and when they implemented it, a comment.
    A review holds it now; each of its versions holds it as it was before an edit."""

    effectiveness: Mapped[int]
    ease: Mapped[int]
    transferability: Mapped[int]
    value: Mapped[int]
    implemented: Mapped[bool] = mapped_column(Boolean, default=False)
    implemented_country: Mapped[str | None] = mapped_column(String(2))
    implemented_year: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text)


class Review(ReviewContent, db.Model):
    """One user's review of one measure: four scores, implementation, a comment.

    `user_id` is nullable so a deleted account's reviews can stay, anonymised (DESIGN §9).
    `updated_at` changes only when the author edits the content, not when a moderator hides
    or shows the review, so "edited on" means what it says.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("user_id", "measure_id"),
        *_score_checks(),
        CheckConstraint(
            "implemented_year IS NULL OR (implemented_year >= 1950 AND implemented_year <= 2100)",
            name="implemented_year",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    measure = relationship("Measure")
    user = relationship("User", foreign_keys=[user_id])
    hidden_by = relationship("User", foreign_keys=[hidden_by_id])
    versions: Mapped[list[ReviewVersion]] = relationship(
        back_populates="review",
        cascade="all, delete-orphan",
        order_by="ReviewVersion.id.desc()",
    )

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def scores(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in DIMENSIONS}

    @property
    def overall(self) -> float:
        """The review's overall score: the plain mean of its four scores."""
        return sum(self.scores.values()) / len(DIMENSIONS)

    @property
    def was_edited(self) -> bool:
        return bool(self.versions)

    def __repr__(self) -> str:
        return f"<Review {self.id} measure={self.measure_id} user={self.user_id}>"


class ReviewVersion(ReviewContent, db.Model):
    """A review's content as it was before one edit: the edit history, newest first."""

    __tablename__ = "review_versions"
    __table_args__ = _score_checks()

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    written_at: Mapped[datetime]  # when this content was first saved
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the edit replaced it
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    review: Mapped[Review] = relationship(back_populates="versions")

    @property
    def scores(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in DIMENSIONS}


class ReviewAggregate(db.Model):
    """Cached ratings of one measure, over its visible (not hidden) reviews.

    Recomputed in the same transaction as every review change (app/reviews/aggregates.py).
    `distribution` holds, per dimension, the number of reviews giving 1..5:
    {"effectiveness": [n1, n2, n3, n4, n5], ...}; means and counts derive from it.
    `bayes` is the Bayesian average used for sorting, computed with the prior `prior`.
    """

    __tablename__ = "review_aggregates"

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    n: Mapped[int] = mapped_column(default=0)
    implemented_count: Mapped[int] = mapped_column(default=0)
    # The sum of all four scores of every visible review: an integer, so the prior (the mean
    # over all reviews) adds up exactly across measures.
    score_total: Mapped[int] = mapped_column(default=0)
    mean_overall: Mapped[float | None] = mapped_column(Float)
    prior: Mapped[float | None] = mapped_column(Float)
    bayes: Mapped[float | None] = mapped_column(Float, index=True)
    distribution: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
