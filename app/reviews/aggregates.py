"""Rating aggregates: per-dimension means, counts, distributions and the Bayesian sort score.

**Why a Bayesian average.** Sorting by the plain mean puts a measure with one 5-star review
above one with fifty 4-star reviews, although the second is far better established. The sort
score instead blends each measure's reviews with C imaginary reviews at the prior m:

    bayes_i = (C·m + Σ overall scores of measure i) / (C + n_i)

where a review's overall score is the mean of its four scores, n_i the measure's number of
visible reviews, and m the mean overall score of all visible reviews of all measures. A measure
with few reviews stays close to m; with many, its own mean wins.

**C = PRIOR_WEIGHT = 5** ("five reviews' worth"): reviews on this hub are few per measure, so a
larger C would keep every measure near m for years; a smaller one lets a single review jump
the list. With C = 5 one 5-star review scores m + (5 − m)/6 and fifty 4-star reviews score
m + (4 − m)·50/55, so the fifty 4s rank higher whenever m < (195·C − 50)/(49·C) ≈ 3.78. Above
that the community rates nearly everything 4 or more, a 4 is below average, and the formula
rightly prefers the lone 5 (tests/reviews/test_reviews_aggregates.py shows both sides).

**The prior moves with every review, so every measure's score would move too.** The search
index stores each measure's score, and re-indexing every reviewed measure on every review would
be wasteful. So all rows share one prior, stored with them (`prior`), and it is only renewed
when the true mean of all reviews has drifted more than PRIOR_TOLERANCE (0.05 stars) from it:
then one UPDATE recomputes every row and every reviewed published measure is queued for
re-indexing. One review moves the mean of N reviews by at most 4/N stars, so beyond ~80 reviews
a single review never triggers that; before then there are few reviewed measures to refresh.
Scores in the database and in the index therefore always agree and always use the same m,
which is within 0.05 of the exact mean.

Zero reviews: `bayes`, means and `prior` are None, and rating_score() answers 0.0, so a
measure without reviews sorts below every reviewed one. Peer ratings never touch the evidence
level: nothing here reads or writes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from flask_babel.speaklater import LazyString
from sqlalchemy import Float, cast, func, select, update

from app.core.extensions import db
from app.measures.models import Measure, MeasureStatus
from app.reviews.models import (
    DIMENSION_LABELS,
    DIMENSIONS,
    SCORES,
    Review,
    ReviewAggregate,
)

PRIOR_WEIGHT = 5
PRIOR_TOLERANCE = 0.05
_CHUNK = 500  # ids per IN (...) query
RATINGS_LOCK_KEY = 0x52_45_56_49  # "REVI": the advisory lock of rating recomputations


class ReviewScores(NamedTuple):
    """What the aggregates need of one visible review."""

    effectiveness: int
    ease: int
    transferability: int
    value: int
    implemented: bool


@dataclass(frozen=True)
class Summary:
    """One measure's visible reviews, summed up (pure data, as stored in ReviewAggregate)."""

    n: int
    implemented_count: int
    score_total: int
    distribution: dict[str, list[int]]

    @property
    def mean_overall(self) -> float | None:
        return self.score_total / (len(DIMENSIONS) * self.n) if self.n else None


@dataclass(frozen=True)
class DimensionRating:
    key: str
    label: str | LazyString
    mean: float | None  # None without reviews
    count: int
    distribution: dict[int, int]  # {1: n, ..., 5: n}, every score present

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": str(self.label),  # in the reader's language
            "mean": _round(self.mean),
            "count": self.count,
            "distribution": {str(score): n for score, n in self.distribution.items()},
        }


@dataclass(frozen=True)
class Ratings:
    """The ratings of one measure, over its visible reviews: what pages, API and compare show."""

    measure_id: int
    count: int
    implemented_count: int
    mean_overall: float | None
    bayes: float | None  # the sort score; None without reviews
    prior: float | None  # the m it was computed with
    dimensions: dict[str, DimensionRating]  # in DIMENSIONS order

    @property
    def score(self) -> float:
        """The sort score, 0.0 without reviews (as search stores it)."""
        return self.bayes or 0.0

    def to_dict(self) -> dict[str, Any]:
        """The API's "ratings" body."""
        return {
            "count": self.count,
            "implemented_count": self.implemented_count,
            "mean": _round(self.mean_overall),
            "bayesian_average": _round(self.bayes),
            "prior_mean": _round(self.prior),
            "prior_weight": PRIOR_WEIGHT,
            "dimensions": {key: d.to_dict() for key, d in self.dimensions.items()},
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# --- pure functions ----------------------------------------------------------------------------


def summarise(reviews: Iterable[ReviewScores]) -> Summary:
    distribution = {name: [0] * len(SCORES) for name in DIMENSIONS}
    n = implemented = total = 0
    for review in reviews:
        n += 1
        implemented += bool(review.implemented)
        for name in DIMENSIONS:
            score = getattr(review, name)
            distribution[name][score - SCORES[0]] += 1
            total += score
    return Summary(n, implemented, total, distribution)


def bayesian_average(
    overall_sum: float, n: int, prior: float | None, weight: float = PRIOR_WEIGHT
) -> float | None:
    """(C·m + Σ overall) / (C + n); None without reviews or without a prior."""
    if n <= 0 or prior is None:
        return None
    return (weight * prior + overall_sum) / (weight + n)


def dimension_rating(key: str, counts: Sequence[int] | None) -> DimensionRating:
    counts = list(counts or [0] * len(SCORES))
    n = sum(counts)
    mean = sum(score * c for score, c in zip(SCORES, counts, strict=True)) / n if n else None
    return DimensionRating(
        key=key,
        label=DIMENSION_LABELS[key],
        mean=mean,
        count=n,
        distribution=dict(zip(SCORES, counts, strict=True)),
    )


def empty_ratings(measure_id: int) -> Ratings:
    return Ratings(
        measure_id=measure_id,
        count=0,
        implemented_count=0,
        mean_overall=None,
        bayes=None,
        prior=None,
        dimensions={key: dimension_rating(key, None) for key in DIMENSIONS},
    )


def ratings_from_row(row: ReviewAggregate) -> Ratings:
    if not row.n:
        return empty_ratings(row.measure_id)
    distribution = row.distribution or {}
    return Ratings(
        measure_id=row.measure_id,
        count=row.n,
        implemented_count=row.implemented_count,
        mean_overall=row.mean_overall,
        bayes=row.bayes,
        prior=row.prior,
        dimensions={key: dimension_rating(key, distribution.get(key)) for key in DIMENSIONS},
    )


# --- reading -----------------------------------------------------------------------------------


def ratings_for(measure_ids: Iterable[int]) -> dict[int, Ratings]:
    """Ratings of each measure asked for; a measure without visible reviews gets count 0."""
    ids = list(dict.fromkeys(measure_ids))
    found: dict[int, Ratings] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = db.session.scalars(
            select(ReviewAggregate).where(ReviewAggregate.measure_id.in_(chunk))
        )
        found.update((row.measure_id, ratings_from_row(row)) for row in rows)
    return {mid: found.get(mid) or empty_ratings(mid) for mid in ids}


def rating_score(measure_id: int) -> float:
    """The measure's sort score for search: the Bayesian average, 0.0 without reviews."""
    bayes = db.session.scalar(
        select(ReviewAggregate.bayes).where(ReviewAggregate.measure_id == measure_id)
    )
    return float(bayes or 0.0)


# --- recomputing (in the caller's transaction) -------------------------------------------------


def _snapshot(row: ReviewAggregate) -> tuple[Any, ...]:
    return (row.n, row.implemented_count, row.score_total, row.bayes, row.distribution)


def _take_turns() -> None:
    """Hold the ratings lock until the transaction ends (PostgreSQL; SQLite has one writer).

    Recomputations take turns: the prior is shared by every measure, so two transactions at
    once could each miss the other's review, or deadlock in the all-rows UPDATE. Each waits
    here, then (READ COMMITTED) reads everything committed before it. Reviews are written
    rarely, so the wait is short.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(RATINGS_LOCK_KEY)))


def refresh_aggregates(measure_id: int) -> set[int]:
    """Recompute one measure's row (and every row's sort score when the prior moves).

    Returns the ids of the measures whose stored ratings changed: the caller queues them for
    re-indexing. Flushes; never commits.
    """
    _take_turns()
    db.session.flush()
    rows = db.session.execute(
        select(
            Review.effectiveness,
            Review.ease,
            Review.transferability,
            Review.value,
            Review.implemented,
        ).where(Review.measure_id == measure_id, Review.hidden_at.is_(None))
    )
    summary = summarise(ReviewScores(*row) for row in rows)
    row = db.session.get(ReviewAggregate, measure_id)
    if row is None:
        row = ReviewAggregate(measure_id=measure_id, distribution={})
        db.session.add(row)
        before: tuple[Any, ...] = ()
    else:
        before = _snapshot(row)
    row.n = summary.n
    row.implemented_count = summary.implemented_count
    row.score_total = summary.score_total
    row.distribution = summary.distribution
    row.mean_overall = summary.mean_overall
    db.session.flush()

    others_n, others_total, low, high = db.session.execute(
        select(
            func.coalesce(func.sum(ReviewAggregate.n), 0),
            func.coalesce(func.sum(ReviewAggregate.score_total), 0),
            func.min(ReviewAggregate.prior),
            func.max(ReviewAggregate.prior),
        ).where(ReviewAggregate.n > 0, ReviewAggregate.measure_id != measure_id)
    ).one()
    n_all = int(others_n) + summary.n
    if n_all == 0:
        row.prior = row.bayes = None
        return {measure_id} if _snapshot(row) != before else set()
    exact = (int(others_total) + summary.score_total) / (len(DIMENSIONS) * n_all)
    if not others_n:
        prior: float | None = exact  # this measure alone has reviews: nothing else to move
    elif low is not None and low == high and abs(exact - low) <= PRIOR_TOLERANCE:
        prior = low
    else:
        return _renew_prior(exact) | {measure_id}
    row.prior = prior if summary.n else None
    row.bayes = bayesian_average(summary.score_total / len(DIMENSIONS), summary.n, prior)
    return {measure_id} if _snapshot(row) != before else set()


def _renew_prior(prior: float) -> set[int]:
    """Give every reviewed measure's row the new prior and its new score: one UPDATE."""
    overall_sum = cast(ReviewAggregate.score_total, Float) / len(DIMENSIONS)
    db.session.execute(
        update(ReviewAggregate)
        .where(ReviewAggregate.n > 0)
        .values(
            prior=prior,
            bayes=(PRIOR_WEIGHT * prior + overall_sum) / (PRIOR_WEIGHT + ReviewAggregate.n),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(ReviewAggregate)
        .where(ReviewAggregate.n == 0)
        .values(prior=None, bayes=None)
        .execution_options(synchronize_session=False)
    )
    # The UPDATEs bypassed the objects in the session: load them again when next read.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, ReviewAggregate):
            db.session.expire(obj)
    published = db.session.scalars(
        select(ReviewAggregate.measure_id)
        .join(Measure, Measure.id == ReviewAggregate.measure_id)
        .where(ReviewAggregate.n > 0, Measure.status == MeasureStatus.PUBLISHED)
    )
    return set(published)
