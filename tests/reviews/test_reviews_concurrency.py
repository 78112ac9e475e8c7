"""Reviews written at the same moment, each in its own transaction: none is lost from the
aggregates, and every measure still shares one prior (the ratings lock of aggregates.py)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.core.extensions import db
from app.measures.models import Measure
from app.reviews.aggregates import PRIOR_TOLERANCE
from app.reviews.models import ReviewAggregate
from app.reviews.services import create_review
from tests.conftest import make_measure
from tests.reviews.conftest import review_data, reviewer, scores

pytestmark = pytest.mark.commits  # each writer is a thread with a connection of its own

WRITERS = 8  # below the connection pool's size, so every writer holds a connection at once


def test_simultaneous_reviews_all_count_and_share_one_prior(app, owner):
    measure_ids = [make_measure(owner, publish=True, title=f"Measure {i}").id for i in range(4)]
    user_ids = [reviewer(Role.PRACTITIONER).id for _ in range(WRITERS)]
    start = threading.Barrier(WRITERS, timeout=30)
    errors: list[str] = []

    def write(i: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_ids[i])
                measure = db.session.get(Measure, measure_ids[i % 4])
                start.wait()
                create_review(user, measure, review_data(**scores(1 + i % 5)))
                db.session.commit()
            except Exception as error:  # reported below, with every other thread's
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    rows = db.session.scalars(select(ReviewAggregate)).all()
    assert sum(row.n for row in rows) == WRITERS
    given = [1 + i % 5 for i in range(WRITERS)]
    (prior,) = {row.prior for row in rows}
    assert prior == pytest.approx(sum(given) / WRITERS, abs=PRIOR_TOLERANCE)
