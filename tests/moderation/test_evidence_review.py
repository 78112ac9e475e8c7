"""EVIDENCE-2027 §7 services: verification by a second moderator, the experts' review of harm,
and the owner's re-review request, each audited and each refusing the same moderator twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent, Notification
from app.core.dbtypes import utcnow
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.measures.evidence_state import due_for_rereview, is_provisional
from app.measures.mapping import revision_to_record
from app.measures.models import HarmReview
from app.measures.services import submit_measure, update_measure
from app.moderation import evidence_review, policies
from app.moderation.models import RereviewDecision
from app.moderation.services import CommentRequired, publish_measure
from app.records.schema import validate_record
from tests.conftest import make_user, sample_record, supported_evaluation
from tests.moderation.factories import submitted_measure

# A low-rated trial (no differential attrition, no baseline equivalence) that found harm:
# §5 sets the harm flag and leaves the level as computed.
WEAK_HARM = {
    "design": "rct", "year": 2020, "sample_size": 200, "effect": "negative",
    "outcomes": ["wellbeing"], "findings": "Participants reported more distress.",
    "citation": "Trial report",
}  # fmt: skip


@pytest.fixture()
def second(app):
    return make_user(Role.MODERATOR, email="second@example.org", organisation="Hub")


def _published(owner, moderator, **overrides):
    measure = submitted_measure(owner, **overrides)
    publish_measure(moderator, measure, "Checked and published.")
    db.session.commit()
    return measure


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- pure policy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "verified", "provisional"),
    [(5, False, True), (4, False, True), (3, False, False), (4, True, False), (0, False, False)],
)
def test_levels_4_and_5_are_provisional_until_verified(level, verified, provisional):
    assert is_provisional(level, verified) is provisional


def test_a_level_not_reviewed_for_24_months_is_due_for_rereview(owner, moderator):
    revision = _published(owner, moderator).published_revision
    now = revision.decided_at
    assert not due_for_rereview(revision, now + timedelta(days=729))
    assert due_for_rereview(revision, now + timedelta(days=730))
    revision.evidence_reviewed_at = now + timedelta(days=700)
    assert not due_for_rereview(revision, now + timedelta(days=730))


# --- verification ---------------------------------------------------------------------------


def test_a_second_moderator_verifies_and_the_level_stops_being_provisional(
    owner, moderator, second
):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    revision = measure.published_revision
    assert (revision.evidence_level, revision.published_by_id) == (4, moderator.id)
    assert revision.evidence_provisional is True
    assert not policies.can_verify_evidence(moderator, measure)
    assert policies.can_verify_evidence(second, measure)

    evidence_review.verify_evidence(second, measure, "Figures match the trial report.")
    db.session.commit()
    assert revision.evidence_provisional is False
    assert revision.evidence_verified_by_id == second.id
    assert (revision.evidence_reviewed_role, revision.evidence_reviewed_at) == (
        "moderator",
        revision.evidence_verified_at,
    )
    [event] = _events("evidence.verified")
    assert event.actor_id == second.id and event.details["evidence_level"] == 4
    assert (
        "verified by a second moderator"
        in db.session.scalars(select(Notification)).all()[-1].message
    )
    with pytest.raises(InvalidTransition, match="already been verified"):
        evidence_review.verify_evidence(make_user(Role.ADMIN), measure)


def test_the_publisher_the_owner_and_non_moderators_cannot_verify(owner, moderator):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    with pytest.raises(PermissionDenied, match="You published this revision"):
        evidence_review.verify_evidence(moderator, measure)
    with pytest.raises(PermissionDenied, match="Only moderators"):
        evidence_review.verify_evidence(owner, measure)
    moderating_owner = make_user(Role.MODERATOR)
    own = _published(moderating_owner, moderator, external_id="own")
    with pytest.raises(PermissionDenied, match="You wrote or own this measure"):
        evidence_review.verify_evidence(moderating_owner, own)
    assert _events("evidence.verified") == []


def test_only_a_published_measure_is_verified(owner, second):
    measure = submitted_measure(owner)
    with pytest.raises(InvalidTransition, match="the measure is submitted"):
        evidence_review.verify_evidence(second, measure)


def test_a_change_of_the_evaluations_makes_the_level_provisional_again(owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    evidence_review.verify_evidence(second, measure)
    db.session.commit()
    # An edit that leaves the evaluations alone keeps the verification…
    record = revision_to_record(measure.published_revision)
    update_measure(owner, measure, validate_record({**record, "title": "Safe Together, v2"}))
    submit_measure(owner, measure)
    publish_measure(moderator, measure, "Title only.")
    db.session.commit()
    revision = measure.published_revision
    assert revision.number == 2 and revision.evidence_verified_by_id == second.id
    assert revision.evidence_provisional is False
    # …one that changes a figure does not.
    changed = supported_evaluation(attrition_pct=15)
    update_measure(owner, measure, validate_record({**record, "evaluations": [changed]}))
    draft = measure.working_revision
    assert draft.evidence_verified_at is None and draft.evidence_reviewed_at is None
    assert draft.evidence_level == 4 and draft.evidence_provisional is True


def test_the_verifier_cannot_publish_and_verify_the_same_figures(owner, moderator, second):
    """Verified by the moderator who then publishes the next revision: four eyes again."""
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    evidence_review.verify_evidence(second, measure)
    record = revision_to_record(measure.published_revision)
    update_measure(owner, measure, validate_record({**record, "title": "Safe Together, v2"}))
    submit_measure(owner, measure)
    publish_measure(second, measure, "Title only.")
    assert measure.published_revision.evidence_provisional is True
    evidence_review.verify_evidence(moderator, measure)
    assert measure.published_revision.evidence_provisional is False


# --- expert review of harm ------------------------------------------------------------------


def test_harm_not_confirmed_clears_the_flag_and_is_kept_in_the_audit_log(owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[WEAK_HARM])
    revision = measure.published_revision
    assert revision.harm_flag is True and measure.harm_flag is True
    assert policies.can_review_harm(second, measure)
    with pytest.raises(CommentRequired):
        evidence_review.record_harm_review(second, measure, confirmed=False, reasons=" ")

    evidence_review.record_harm_review(
        second, measure, confirmed=False, reasons="The distress was a measurement artefact."
    )
    db.session.commit()
    assert revision.harm_review == HarmReview.NOT_CONFIRMED
    assert revision.harm_flag is False and measure.harm_flag is False
    assert revision.evidence["harm_review"] == "not_confirmed"
    [event] = _events("evidence.harm_reviewed")
    assert event.details["verdict"] == "not_confirmed"
    assert event.details["before"]["harm_flag"] is True
    assert event.details["after"]["harm_flag"] is False


def test_harm_confirmed_gives_the_label_negative_effects_found(owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[WEAK_HARM])
    evidence_review.record_harm_review(second, measure, confirmed=True, reasons="Replicated.")
    db.session.commit()
    assert (measure.evidence_level, measure.evidence_label, measure.harm_flag) == (
        1,
        "Negative effects found",
        True,
    )


def test_harm_review_needs_a_flag_and_a_second_moderator(owner, moderator, second):
    plain = _published(owner, moderator)
    assert not policies.can_review_harm(second, plain)
    with pytest.raises(InvalidTransition, match="no harm flag"):
        evidence_review.record_harm_review(second, plain, confirmed=True, reasons="x")
    flagged = _published(owner, moderator, external_id="flagged", evaluations=[WEAK_HARM])
    with pytest.raises(PermissionDenied, match="You published this revision"):
        evidence_review.record_harm_review(moderator, flagged, confirmed=False, reasons="x")


def test_a_harm_review_is_forgotten_when_the_evaluations_change(owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[WEAK_HARM])
    evidence_review.record_harm_review(second, measure, confirmed=False, reasons="Artefact.")
    record = revision_to_record(measure.published_revision)
    changed = {**WEAK_HARM, "sample_size": 250}
    update_measure(owner, measure, validate_record({**record, "evaluations": [changed]}))
    draft = measure.working_revision
    assert draft.harm_review is None and draft.harm_flag is True


def test_a_submitted_revision_with_harm_is_reviewed_before_publication(owner, second):
    measure = submitted_measure(owner, evaluations=[WEAK_HARM])
    evidence_review.record_harm_review(second, measure, confirmed=False, reasons="Artefact.")
    assert measure.working_revision.harm_flag is False


# --- re-review requests ------------------------------------------------------------------------


def test_the_owner_asks_and_a_different_moderator_upholds(owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    assert policies.can_request_rereview(owner, measure)
    request = evidence_review.request_rereview(owner, measure, "A 24-month follow-up is out.")
    db.session.commit()
    assert request.is_open and request.revision is measure.published_revision
    with pytest.raises(InvalidTransition, match="already waiting"):
        evidence_review.request_rereview(owner, measure, "Again.")
    assert evidence_review.open_rereview_request(measure) is request
    queue = db.session.scalars(evidence_review.open_rereview_requests_select(second)).all()
    assert queue == [request]

    assert not policies.can_decide_rereview(moderator, request)  # published the revision
    with pytest.raises(PermissionDenied, match="You published this revision"):
        evidence_review.decide_rereview(moderator, request, "upheld", "Fine.")
    evidence_review.decide_rereview(second, request, RereviewDecision.UPHELD, "Figures stand.")
    db.session.commit()
    assert not request.is_open and request.decided_by_id == second.id
    assert measure.published_revision.evidence_reviewed_at == request.decided_at
    assert [e.action for e in _events("evidence.rereview_requested")] == [
        "evidence.rereview_requested"
    ]
    [decided] = _events("evidence.rereview_decided")
    assert decided.details["decision"] == "upheld" and decided.actor_id == second.id
    assert evidence_review.rereview_requests_of(owner, measure) == [request]
    with pytest.raises(InvalidTransition, match="already been decided"):
        evidence_review.decide_rereview(make_user(Role.ADMIN), request, "upheld", "Again.")


def test_the_verifier_and_the_requester_do_not_decide(owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    evidence_review.verify_evidence(second, measure)
    request = evidence_review.request_rereview(owner, measure, "Please look again.")
    with pytest.raises(PermissionDenied, match="You verified this evidence"):
        evidence_review.decide_rereview(second, request, "changes_requested", "No.")
    third = make_user(Role.MODERATOR)
    evidence_review.decide_rereview(third, request, "changes_requested", "Correct the n.")
    assert request.decision == RereviewDecision.CHANGES_REQUESTED
    assert measure.published_revision.evidence_reviewed_at == (
        measure.published_revision.evidence_verified_at
    )  # asking for corrections is not a review of the level


def test_only_the_owner_of_a_published_measure_may_ask(owner, moderator, second):
    measure = _published(owner, moderator)
    with pytest.raises(PermissionDenied, match="Only the owner"):
        evidence_review.request_rereview(second, measure, "Not mine.")
    with pytest.raises(CommentRequired):
        evidence_review.request_rereview(owner, measure, "")
    draft = submitted_measure(owner, external_id="draft")
    with pytest.raises(InvalidTransition, match="the measure is submitted"):
        evidence_review.request_rereview(owner, draft, "Too early.")
    with pytest.raises(PermissionDenied):
        evidence_review.rereview_requests_of(make_user(), measure)
    with pytest.raises(ValueError):
        request = evidence_review.request_rereview(owner, measure, "Look again.")
        evidence_review.decide_rereview(second, request, "maybe", "Hmm.")


def test_a_review_long_ago_is_due_and_a_decision_now_is_not(owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    revision = measure.published_revision
    revision.decided_at = utcnow() - timedelta(days=800)
    assert due_for_rereview(revision)
    request = evidence_review.request_rereview(owner, measure, "It has been two years.")
    evidence_review.decide_rereview(second, request, "upheld", "Still right.")
    assert not due_for_rereview(revision)


def test_sample_record_is_the_owners(owner):
    # The fixtures above lean on sample_record's organisation being the owner's.
    assert sample_record()["organisation"] == owner.organisation
