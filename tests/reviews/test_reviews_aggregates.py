"""Rating aggregates: distributions, means, the Bayesian sort score and its prior."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from app.core.extensions import db
from app.measures.models import MeasureStatus
from app.outbox.models import IndexChange
from app.reviews.aggregates import (
    PRIOR_TOLERANCE,
    PRIOR_WEIGHT,
    Ratings,
    ReviewScores,
    bayesian_average,
    rating_score,
    ratings_for,
    summarise,
)
from app.reviews.models import ReviewAggregate
from app.reviews.services import create_review, hide_review
from tests.conftest import make_measure, make_user
from tests.reviews.conftest import add_review, review_data, reviewer, scores

# --- pure functions ------------------------------------------------------------------------------


def test_summarise_counts_each_score_per_dimension():
    summary = summarise(
        [
            ReviewScores(5, 4, 3, 2, True),
            ReviewScores(5, 2, 3, 1, False),
            ReviewScores(1, 1, 1, 1, 0),
        ]
    )
    assert summary.n == 3
    assert summary.implemented_count == 1
    assert summary.score_total == 14 + 11 + 4
    assert summary.distribution["effectiveness"] == [1, 0, 0, 0, 2]
    assert summary.distribution["value"] == [2, 1, 0, 0, 0]
    assert summary.mean_overall == pytest.approx(29 / 12)


def test_no_reviews_means_no_mean_and_no_score():
    summary = summarise([])
    assert summary.n == 0 and summary.mean_overall is None
    assert bayesian_average(0, 0, 3.5) is None


def test_bayesian_average_blends_c_reviews_at_the_prior():
    assert bayesian_average(5.0, 1, 3.0) == pytest.approx((PRIOR_WEIGHT * 3.0 + 5.0) / 6)
    # Many reviews: the measure's own mean wins.
    assert bayesian_average(4.0 * 1000, 1000, 2.0) == pytest.approx(4.0, abs=0.01)


@pytest.mark.parametrize("prior", [1.0, 2.0, 2.5, 3.0, 3.3, 3.5, 3.7, 3.75])
def test_one_five_star_review_does_not_beat_fifty_four_star_ones(prior):
    one_five = bayesian_average(5.0, 1, prior)
    fifty_fours = bayesian_average(4.0 * 50, 50, prior)
    assert fifty_fours > one_five


def test_when_the_whole_community_rates_above_four_a_lone_five_is_rightly_above_average():
    # The limit documented in app/reviews/aggregates.py: with a prior of 4.1, a measure rated
    # 4 by fifty people is confidently below this community's average.
    assert bayesian_average(5.0, 1, 4.1) > bayesian_average(200.0, 50, 4.1)


# --- through the services ------------------------------------------------------------------------


def _review_many(measure, count: int, score: int) -> None:
    for _ in range(count):
        add_review(reviewer(Role.PRACTITIONER), measure, **scores(score))


def test_one_five_star_measure_ranks_below_fifty_four_star_measure(owner):
    """The Bayesian order on real data: fifty 4-star reviews beat a single 5-star review.

    Other measures' reviews (a spread of 2s and 3s, as a real catalogue has) set the prior.
    """
    lone_five = make_measure(owner, publish=True, title="One enthusiastic review")
    fifty_fours = make_measure(owner, publish=True, title="Fifty solid reviews")
    others = make_measure(owner, publish=True, title="Middling measure")
    _review_many(others, 15, 3)
    _review_many(others, 10, 2)
    _review_many(lone_five, 1, 5)
    _review_many(fifty_fours, 50, 4)
    ratings = ratings_for([lone_five.id, fifty_fours.id])
    assert ratings[lone_five.id].mean_overall == 5.0
    assert ratings[fifty_fours.id].mean_overall == 4.0
    assert ratings[fifty_fours.id].bayes > ratings[lone_five.id].bayes
    assert rating_score(fifty_fours.id) > rating_score(lone_five.id) > 0
    prior = ratings[lone_five.id].prior
    exact = (5 + 200 + 15 * 3 + 10 * 2) / 76
    assert prior == pytest.approx(exact, abs=PRIOR_TOLERANCE)
    assert ratings[lone_five.id].bayes == pytest.approx((PRIOR_WEIGHT * prior + 5) / 6)


def test_every_row_shares_one_prior_within_tolerance_of_the_true_mean(owner):
    measures = [make_measure(owner, publish=True, title=f"Measure {i}") for i in range(3)]
    for i, measure in enumerate(measures):
        _review_many(measure, 3, i + 2)
    rows = db.session.scalars(db.select(ReviewAggregate)).all()
    assert len({row.prior for row in rows}) == 1
    exact = (3 * 2 + 3 * 3 + 3 * 4) / 9
    assert rows[0].prior == pytest.approx(exact, abs=PRIOR_TOLERANCE)
    for row in rows:
        expected = (PRIOR_WEIGHT * row.prior + row.score_total / 4) / (PRIOR_WEIGHT + 3)
        assert row.bayes == pytest.approx(expected)


def test_a_moving_prior_requeues_every_reviewed_published_measure(owner):
    first = make_measure(owner, publish=True, title="First")
    second = make_measure(owner, publish=True, title="Second")
    add_review(reviewer(), first, **scores(2))
    db.session.execute(IndexChange.__table__.delete())
    db.session.commit()
    # The prior jumps from 2 to 3.5: the first measure's score changes too.
    create_review(reviewer(), second, review_data(**scores(5)))  # not committed yet
    queued = set(db.session.scalars(db.select(IndexChange.measure_id)))
    assert queued == {first.id, second.id}


def test_a_small_drift_of_the_prior_requeues_only_the_changed_measure(owner):
    big = make_measure(owner, publish=True, title="Big")
    small = make_measure(owner, publish=True, title="Small")
    _review_many(big, 40, 3)
    before = db.session.get(ReviewAggregate, big.id).bayes
    db.session.execute(IndexChange.__table__.delete())
    db.session.commit()
    create_review(reviewer(), small, review_data(**scores(4)))  # mean moves 1/41 < tolerance
    queued = set(db.session.scalars(db.select(IndexChange.measure_id)))
    assert queued == {small.id}
    assert db.session.get(ReviewAggregate, big.id).bayes == before


def test_archived_measures_are_not_requeued_when_the_prior_moves(owner):
    archived = make_measure(owner, publish=True, title="Archived")
    add_review(reviewer(), archived, **scores(1))
    archived.status = MeasureStatus.ARCHIVED
    db.session.execute(IndexChange.__table__.delete())
    db.session.commit()
    other = make_measure(owner, publish=True, title="Other")
    db.session.execute(IndexChange.__table__.delete())
    create_review(reviewer(), other, review_data(**scores(5)))
    assert set(db.session.scalars(db.select(IndexChange.measure_id))) == {other.id}


def test_ratings_for_answers_every_id_asked(measure, practitioner):
    unrated = make_measure(make_user(Role.PRACTITIONER), publish=True, title="Unrated")
    add_review(practitioner, measure, implemented=True, implemented_country="PL")
    ratings = ratings_for([measure.id, unrated.id, 999_999])
    assert set(ratings) == {measure.id, unrated.id, 999_999}
    rated = ratings[measure.id]
    assert isinstance(rated, Ratings)
    assert rated.count == 1 and rated.implemented_count == 1
    assert list(rated.dimensions) == ["effectiveness", "ease", "transferability", "value"]
    ease = rated.dimensions["ease"]
    assert ease.label == "Ease of implementation"
    assert ease.mean == 3.0 and ease.count == 1
    assert ease.distribution == {1: 0, 2: 0, 3: 1, 4: 0, 5: 0}
    assert rated.mean_overall == 4.0
    assert rated.bayes == pytest.approx(4.0)  # the only review is also the prior
    empty = ratings[unrated.id]
    assert empty.count == 0 and empty.bayes is None and empty.mean_overall is None
    assert empty.score == 0.0 and rating_score(unrated.id) == 0.0
    assert empty.dimensions["value"].distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}


def test_hiding_every_review_empties_the_ratings(measure, practitioner, moderator):
    review = add_review(practitioner, measure)
    hide_review(moderator, review, "Spam.")
    db.session.commit()
    ratings = ratings_for([measure.id])[measure.id]
    assert ratings.count == 0 and ratings.bayes is None
    assert rating_score(measure.id) == 0.0


def test_to_dict_is_the_api_shape(measure, practitioner):
    add_review(practitioner, measure)
    body = ratings_for([measure.id])[measure.id].to_dict()
    assert body["count"] == 1
    assert body["mean"] == 4.0
    assert body["prior_weight"] == PRIOR_WEIGHT
    assert body["dimensions"]["value"]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}
    assert set(body) == {
        "count",
        "implemented_count",
        "mean",
        "bayesian_average",
        "prior_mean",
        "prior_weight",
        "dimensions",
    }
