"""Review services: creating, the one-review rule, validation, edit history, hiding, the outbox."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role
from app.audit.models import AuditEvent, Notification
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.outbox.models import IndexChange
from app.reviews import policies, services
from app.reviews.aggregates import ratings_for
from app.reviews.models import Review, ReviewVersion
from app.reviews.services import (
    ReviewExists,
    ReviewInvalid,
    create_review,
    hide_review,
    unhide_review,
    update_review,
)
from tests.conftest import make_measure
from tests.reviews.conftest import add_review, review_data, reviewer


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def outbox_ids() -> list[int]:
    return list(db.session.scalars(select(IndexChange.measure_id).order_by(IndexChange.seq)))


def test_create_review_stores_it_and_audits(measure, practitioner):
    review = create_review(
        practitioner,
        measure,
        review_data(implemented=True, implemented_country="fr", implemented_year=2021),
    )
    db.session.commit()
    stored = db.session.get(Review, review.id)
    assert stored.scores == {"effectiveness": 4, "ease": 3, "transferability": 4, "value": 5}
    assert stored.implemented and stored.implemented_country == "FR"
    assert stored.implemented_year == 2021
    assert stored.user_id == practitioner.id and stored.measure_id == measure.id
    assert stored.overall == 4.0
    (event,) = events("review.created")
    assert event.actor_id == practitioner.id and event.object_id == review.id
    assert event.details["measure_id"] == measure.id


def test_a_second_review_of_the_same_measure_is_refused(measure, practitioner):
    first = add_review(practitioner, measure)
    with pytest.raises(ReviewExists) as raised:
        create_review(practitioner, measure, review_data(value=1))
    assert raised.value.review.id == first.id
    assert "already reviewed" in str(raised.value)
    db.session.rollback()
    assert count(Review) == 1


def test_the_database_also_allows_one_review_per_user_and_measure(measure, practitioner):
    add_review(practitioner, measure)
    db.session.add(
        Review(measure_id=measure.id, user_id=practitioner.id, comment="x" * 20, **_fours())
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("score", [0, 6, -1])
def test_the_database_refuses_scores_outside_one_to_five(measure, practitioner, score):
    values = {**_fours(), "ease": score}
    db.session.add(
        Review(measure_id=measure.id, user_id=practitioner.id, comment="x" * 20, **values)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _fours() -> dict[str, int]:
    return {"effectiveness": 4, "ease": 4, "transferability": 4, "value": 4}


def test_own_organisation_is_refused_with_its_reason(measure):
    colleague = reviewer(Role.PRACTITIONER, organisation="org a")
    with pytest.raises(PermissionDenied, match="your own organisation"):
        create_review(colleague, measure, review_data())
    assert count(Review) == 0


def test_owner_is_refused(measure, owner):
    with pytest.raises(PermissionDenied, match="You submitted this measure"):
        create_review(owner, measure, review_data())


def test_anonymous_is_refused(measure):
    with pytest.raises(PermissionDenied, match="Sign in"):
        create_review(AnonymousUserMixin(), measure, review_data())


def test_unpublished_measure_is_refused(owner, practitioner):
    draft = make_measure(owner)
    with pytest.raises(PermissionDenied, match="Only published measures"):
        create_review(practitioner, draft, review_data())
    assert count(Review) == 0


def test_moderator_is_refused(measure, moderator):
    with pytest.raises(PermissionDenied, match="moderate them"):
        create_review(moderator, measure, review_data())


BAD_INPUT = [
    ({"effectiveness": None}, "effectiveness", services.MSG_SCORE),
    ({"ease": 0}, "ease", services.MSG_SCORE),
    ({"transferability": 6}, "transferability", services.MSG_SCORE),
    ({"value": True}, "value", services.MSG_SCORE),
    ({"comment": None}, "comment", services.MSG_COMMENT_MISSING),
    ({"comment": "   "}, "comment", services.MSG_COMMENT_MISSING),
    ({"comment": "Too short"}, "comment", services.MSG_COMMENT_SHORT),
    ({"comment": "x" * 5001}, "comment", "Use at most 5,000 characters (this has 5,001)."),
    (
        {"implemented": True, "implemented_country": "XX"},
        "implemented_country",
        services.MSG_COUNTRY,
    ),
    (
        {"implemented": True, "implemented_country": "Germany"},
        "implemented_country",
        services.MSG_COUNTRY,
    ),
    ({"implemented_country": "DE"}, "implemented_country", services.MSG_NOT_IMPLEMENTED),
    ({"implemented_year": 2020}, "implemented_year", services.MSG_NOT_IMPLEMENTED),
    ({"implemented": True, "implemented_year": 1900}, "implemented_year", "Enter a year from"),
    ({"implemented": True, "implemented_year": 3000}, "implemented_year", "Enter a year from"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_gives_a_clear_message_and_stores_nothing(
    measure, practitioner, overrides, field, message
):
    with pytest.raises(ReviewInvalid) as raised:
        create_review(practitioner, measure, review_data(**overrides))
    db.session.rollback()
    ((got_field, got_message),) = raised.value.errors
    assert got_field == field
    assert got_message.startswith(str(message))  # lazy messages: str() for startswith
    assert count(Review) == 0
    assert events("review.created") == []


def test_every_problem_is_reported_at_once(measure, practitioner):
    with pytest.raises(ReviewInvalid) as raised:
        create_review(practitioner, measure, review_data(effectiveness=9, value=None, comment=""))
    assert [f for f, _m in raised.value.errors] == ["effectiveness", "value", "comment"]


def test_edit_keeps_the_previous_content_in_the_history(measure, practitioner):
    review = add_review(practitioner, measure)
    written = review.updated_at
    update_review(
        practitioner,
        review,
        review_data(effectiveness=2, comment="On second thought, the effect faded after a year."),
    )
    db.session.commit()
    assert review.effectiveness == 2
    assert review.comment.startswith("On second thought")
    (version,) = review.versions
    assert version.effectiveness == 4
    assert version.comment == review_data().comment
    assert version.written_at == written
    assert version.edited_by_id == practitioner.id
    (event,) = events("review.updated")
    assert event.details["changed"] == ["comment", "effectiveness"]
    update_review(practitioner, review, review_data(effectiveness=3))
    db.session.commit()
    assert [v.effectiveness for v in review.versions] == [2, 4]  # newest first


def test_saving_unchanged_content_writes_no_history(measure, practitioner):
    review = add_review(practitioner, measure)
    update_review(practitioner, review, review_data())
    db.session.commit()
    assert count(ReviewVersion) == 0
    assert events("review.updated") == []


def test_only_the_author_may_edit(measure, practitioner, official):
    review = add_review(practitioner, measure)
    with pytest.raises(PermissionDenied):
        update_review(official, review, review_data(ease=1))


def test_invalid_edit_changes_nothing(measure, practitioner):
    review = add_review(practitioner, measure)
    with pytest.raises(ReviewInvalid):
        update_review(practitioner, review, review_data(ease=7))
    db.session.rollback()
    assert db.session.get(Review, review.id).ease == 3
    assert count(ReviewVersion) == 0


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_hiding_requires_a_reason(measure, practitioner, moderator, reason):
    review = add_review(practitioner, measure)
    with pytest.raises(ReviewInvalid) as raised:
        hide_review(moderator, review, reason)
    assert raised.value.errors == [("reason", services.MSG_REASON_MISSING)]
    db.session.rollback()
    assert not db.session.get(Review, review.id).is_hidden


def test_hiding_is_audited_notifies_the_author_and_leaves_the_aggregates(
    measure, practitioner, official, moderator
):
    hidden = add_review(practitioner, measure, **dict.fromkeys(_fours(), 1))
    add_review(official, measure, **_fours())
    assert ratings_for([measure.id])[measure.id].count == 2
    hide_review(moderator, hidden, "  Names a child.  ")
    db.session.commit()
    assert hidden.is_hidden and hidden.hidden_by_id == moderator.id
    assert hidden.hidden_reason == "Names a child."
    (event,) = events("review.hidden")
    assert event.actor_id == moderator.id and event.details["reason"] == "Names a child."
    (note,) = db.session.scalars(
        select(Notification).where(Notification.user_id == practitioner.id)
    )
    assert "hid your review" in note.message and "Names a child." in note.message
    assert note.link == f"/measures/{measure.id}#review-{hidden.id}"
    ratings = ratings_for([measure.id])[measure.id]
    assert ratings.count == 1
    assert ratings.mean_overall == 4.0
    assert ratings.dimensions["effectiveness"].distribution == {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}


def test_hiding_a_hidden_review_is_a_conflict(measure, practitioner, moderator):
    review = add_review(practitioner, measure)
    hide_review(moderator, review, "Off topic.")
    with pytest.raises(InvalidTransition):
        hide_review(moderator, review, "Again.")


def test_non_moderators_cannot_hide_or_unhide(measure, practitioner, official):
    review = add_review(practitioner, measure)
    with pytest.raises(PermissionDenied):
        hide_review(official, review, "I disagree.")
    with pytest.raises(PermissionDenied):
        hide_review(practitioner, review, "Hide my own.")
    with pytest.raises(PermissionDenied):
        unhide_review(official, review)


def test_unhiding_counts_the_review_again_and_tells_the_author(measure, practitioner, moderator):
    review = add_review(practitioner, measure)
    hide_review(moderator, review, "Check the figures.")
    db.session.commit()
    assert ratings_for([measure.id])[measure.id].count == 0
    unhide_review(moderator, review, "Figures checked.")
    db.session.commit()
    assert not review.is_hidden and review.hidden_reason is None
    assert ratings_for([measure.id])[measure.id].count == 1
    (event,) = events("review.unhidden")
    assert event.details == {
        "measure_id": measure.id,
        "note": "Figures checked.",
        "previous_reason": "Check the figures.",
    }
    messages = db.session.scalars(
        select(Notification.message).where(Notification.user_id == practitioner.id)
    ).all()
    assert any("visible again" in m for m in messages)
    with pytest.raises(InvalidTransition):
        unhide_review(moderator, review)


def test_every_review_change_queues_a_search_upsert_in_the_same_transaction(
    measure, practitioner, moderator
):
    db.session.execute(IndexChange.__table__.delete())
    db.session.commit()
    review = create_review(practitioner, measure, review_data())
    assert outbox_ids() == [measure.id]  # before the commit: same transaction
    db.session.commit()
    db.session.execute(IndexChange.__table__.delete())
    update_review(practitioner, review, review_data(value=1))
    assert outbox_ids() == [measure.id]
    db.session.execute(IndexChange.__table__.delete())
    hide_review(moderator, review, "Off topic.")
    assert outbox_ids() == [measure.id]
    db.session.execute(IndexChange.__table__.delete())
    unhide_review(moderator, review)
    assert outbox_ids() == [measure.id]
    assert {o.op for o in db.session.scalars(select(IndexChange))} == {"upsert"}


def test_a_comment_only_edit_does_not_reindex(measure, practitioner):
    review = add_review(practitioner, measure)
    db.session.execute(IndexChange.__table__.delete())
    update_review(practitioner, review, review_data(comment="Clearer words, same scores here."))
    assert outbox_ids() == []


def test_reviews_never_change_the_evidence_level(measure, practitioner, official, moderator):
    revision = measure.published_revision
    before = (
        measure.evidence_level,
        measure.evidence_label,
        measure.harm_flag,
        revision.evidence_level,
        dict(revision.evidence),
    )
    low = add_review(practitioner, measure, **dict.fromkeys(_fours(), 1))
    add_review(official, measure, **dict.fromkeys(_fours(), 5))
    hide_review(moderator, low, "Testing.")
    db.session.commit()
    db.session.expire_all()
    revision = measure.published_revision
    after = (
        measure.evidence_level,
        measure.evidence_label,
        measure.harm_flag,
        revision.evidence_level,
        dict(revision.evidence),
    )
    assert after == before
    assert events("measure.updated") == []


def test_reviews_for_shows_hidden_ones_to_author_and_moderators_only(
    measure, practitioner, official, moderator
):
    hidden = add_review(practitioner, measure)
    visible = add_review(official, measure, implemented=True)
    hide_review(moderator, hidden, "Off topic.")
    db.session.commit()
    assert services.reviews_for(None, measure) == [visible]
    assert services.reviews_for(official, measure) == [visible]
    assert set(services.reviews_for(practitioner, measure)) == {hidden, visible}
    assert set(services.reviews_for(moderator, measure)) == {hidden, visible}
    assert services.reviews_for(moderator, measure, implemented_only=True) == [visible]


def test_policy_messages_are_the_ones_the_service_raises(measure, owner):
    with pytest.raises(PermissionDenied) as raised:
        create_review(owner, measure, review_data())
    assert str(raised.value) == policies.MSG_OWNER
