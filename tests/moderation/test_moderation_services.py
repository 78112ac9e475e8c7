"""The workflow transitions of DESIGN §4: states, permissions, comments, audit, notifications."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent, Notification
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.measures.models import EvidenceReview, MeasureStatus, RevisionState
from app.measures.policies import can_edit_measure
from app.measures.services import submit_measure, update_measure
from app.moderation import services
from app.moderation.services import (
    CommentRequired,
    archive_measure,
    confirm_evidence,
    flag_evidence,
    publish_measure,
    reject_measure,
    request_changes,
)
from app.outbox.models import IndexChange
from app.records.schema import validate_record
from tests.conftest import make_measure, make_user, sample_record
from tests.moderation.factories import submitted_edit, submitted_measure

COMMENT = "Checked the evaluation report; well described."


def _events(measure, action=None):
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == "measure", AuditEvent.object_id == measure.id
    )
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def _notifications(user):
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def _mails_to(app, email):
    folder = Path(app.config["MAIL_DIR"])
    return sorted(p for p in folder.glob("*.eml") if email in p.read_text())


def _last_index_change(measure):
    return db.session.scalar(
        select(IndexChange)
        .where(IndexChange.measure_id == measure.id)
        .order_by(IndexChange.seq.desc())
        .limit(1)
    )


def _draft(owner):
    return make_measure(owner)


def _published(owner):
    return make_measure(owner, publish=True)


def _rejected(owner, moderator):
    measure = submitted_measure(owner)
    reject_measure(moderator, measure, "Not a prevention measure.")
    db.session.commit()
    return measure


def _archived(owner, moderator):
    measure = _published(owner)
    archive_measure(moderator, measure, "Programme ended in 2020.")
    db.session.commit()
    return measure


# --- publish -----------------------------------------------------------------------------------


def test_publishing_a_submitted_measure_makes_it_public_with_audit_and_notification(
    app, owner, moderator
):
    measure = submitted_measure(owner)
    revision = measure.working_revision
    mails_before = len(_mails_to(app, owner.email))

    publish_measure(moderator, measure, COMMENT)

    assert _last_index_change(measure).op == "upsert"
    db.session.commit()
    assert measure.status == MeasureStatus.PUBLISHED
    assert revision.state == RevisionState.PUBLISHED
    assert measure.published_revision is revision
    assert measure.working_revision is None
    assert measure.public_revision is revision
    assert revision.decided_at is not None
    (event,) = _events(measure, "measure.published")
    assert event.actor_id == moderator.id
    assert event.details["revision"] == 1
    assert event.details["comment"] == COMMENT
    (note,) = _notifications(owner)
    assert note.link == f"/measures/{measure.id}"
    assert "was published" in note.message and COMMENT in note.message
    assert len(_mails_to(app, owner.email)) == mails_before + 1


def test_an_admin_may_publish(app, owner):
    measure = submitted_measure(owner)
    publish_measure(make_user(Role.ADMIN), measure, COMMENT)
    assert measure.status == MeasureStatus.PUBLISHED


def test_publishing_an_edit_supersedes_the_old_revision_which_stays_public_until_then(
    app, owner, moderator
):
    measure = _published(owner)
    first = measure.published_revision
    edit = submitted_edit(owner, measure, title="Safe Together, second edition")

    # While the edit waits, the public still sees the first revision.
    assert measure.status == MeasureStatus.PUBLISHED
    assert measure.public_revision is first
    assert first.state == RevisionState.PUBLISHED
    assert edit.state == RevisionState.SUBMITTED

    publish_measure(moderator, measure, COMMENT)
    db.session.commit()

    assert measure.public_revision is edit
    assert edit.state == RevisionState.PUBLISHED
    assert first.state == RevisionState.SUPERSEDED
    assert measure.working_revision is None
    assert measure.title == "Safe Together, second edition"
    (event,) = _events(measure, "measure.published")
    assert event.details["revision"] == 2
    assert event.details["superseded_revision"] == 1


# --- request changes ---------------------------------------------------------------------------


def test_requesting_changes_sends_a_new_measure_back_to_draft(app, owner, moderator):
    measure = submitted_measure(owner)
    revision = measure.working_revision

    request_changes(moderator, measure, "Please add the evaluation report.")
    db.session.commit()

    assert measure.status == MeasureStatus.DRAFT
    assert revision.state == RevisionState.DRAFT
    assert measure.working_revision is revision
    assert can_edit_measure(owner, measure)
    (event,) = _events(measure, "measure.changes_requested")
    assert event.details == {
        "revision": 1,
        "comment": "Please add the evaluation report.",
    }
    (note,) = _notifications(owner)
    assert "Changes were requested" in note.message
    assert "Please add the evaluation report." in note.message
    # The owner can answer and submit again.
    submit_measure(owner, measure)
    assert measure.status == MeasureStatus.SUBMITTED


def test_requesting_changes_to_an_edit_keeps_the_measure_published(app, owner, moderator):
    measure = _published(owner)
    first = measure.published_revision
    edit = submitted_edit(owner, measure, title="Safe Together, second edition")

    request_changes(moderator, measure, "Say what changed in the second edition.")
    db.session.commit()

    assert measure.status == MeasureStatus.PUBLISHED
    assert measure.published_revision is first
    assert first.state == RevisionState.PUBLISHED
    assert measure.working_revision is edit
    assert edit.state == RevisionState.DRAFT
    assert can_edit_measure(owner, measure)
    (note,) = _notifications(owner)
    assert note.link == f"/measures/{measure.id}?revision=working"


# --- reject ------------------------------------------------------------------------------------


def test_rejecting_a_new_measure_rejects_the_measure(app, owner, moderator):
    measure = submitted_measure(owner)
    revision = measure.working_revision

    reject_measure(moderator, measure, "Not a prevention measure.")
    db.session.commit()

    assert measure.status == MeasureStatus.REJECTED
    assert revision.state == RevisionState.REJECTED
    assert measure.published_revision is None
    assert measure.public_revision is None
    assert not can_edit_measure(owner, measure)
    (event,) = _events(measure, "measure.rejected")
    assert event.details["comment"] == "Not a prevention measure."
    assert "was rejected" in _notifications(owner)[0].message


def test_rejecting_an_edit_keeps_the_published_revision(app, owner, moderator):
    measure = _published(owner)
    first = measure.published_revision
    edit = submitted_edit(owner, measure, title="Safe Together, second edition")

    reject_measure(moderator, measure, "The new title is misleading.")
    db.session.commit()

    assert measure.status == MeasureStatus.PUBLISHED
    assert measure.public_revision is first
    assert first.state == RevisionState.PUBLISHED
    assert edit.state == RevisionState.REJECTED
    assert measure.working_revision is None
    (event,) = _events(measure, "measure.rejected")
    assert event.details["revision"] == 2
    # The owner may start another edit from the published revision.
    again = update_measure(owner, measure, validate_record(sample_record(title="Third try")))
    assert again.number == 3


# --- archive -----------------------------------------------------------------------------------


def test_archiving_takes_a_measure_out_of_public_view_and_the_index(app, owner, moderator):
    measure = _published(owner)
    revision = measure.published_revision

    archive_measure(moderator, measure, "Programme ended in 2020.")

    assert _last_index_change(measure).op == "delete"
    db.session.commit()
    assert measure.status == MeasureStatus.ARCHIVED
    assert measure.public_revision is None
    assert measure.published_revision is revision
    assert not can_edit_measure(owner, measure)
    (event,) = _events(measure, "measure.archived")
    assert event.details == {"revision": 1, "comment": "Programme ended in 2020."}
    assert "archived" in _notifications(owner)[0].message


def test_archiving_waits_for_a_decision_on_a_submitted_edit(app, owner, moderator):
    measure = _published(owner)
    submitted_edit(owner, measure, title="Safe Together, second edition")
    with pytest.raises(InvalidTransition, match="decide on it first"):
        archive_measure(moderator, measure, "Ended.")
    assert measure.status == MeasureStatus.PUBLISHED


# --- evidence review ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["submitted", "published"])
def test_a_moderator_confirms_the_evidence_level(app, owner, moderator, state):
    measure = submitted_measure(owner) if state == "submitted" else _published(owner)
    level = measure.current_revision.evidence_level

    confirm_evidence(moderator, measure, "Two RCTs, checked against the reports.")
    db.session.commit()

    assert measure.evidence_review == EvidenceReview.CONFIRMED
    assert measure.evidence_level == level  # confirming never changes the level
    (event,) = _events(measure, "evidence.confirmed")
    assert event.actor_id == moderator.id
    assert event.details["revision"] == 1
    assert event.details["evidence_level"] == level
    assert event.details["comment"] == "Two RCTs, checked against the reports."
    assert "was confirmed" in _notifications(owner)[0].message


def test_a_moderator_flags_the_evidence_level_for_expert_review(app, owner, moderator):
    measure = _published(owner)
    flag_evidence(moderator, measure, "Attrition looks understated.")
    db.session.commit()
    assert measure.evidence_review == EvidenceReview.FLAGGED
    (event,) = _events(measure, "evidence.flagged")
    assert event.details["comment"] == "Attrition looks understated."
    assert "flagged for review by an expert" in _notifications(owner)[0].message


def test_confirming_a_flagged_level_replaces_the_flag(app, owner, moderator):
    measure = _published(owner)
    flag_evidence(moderator, measure, "Needs a second look.")
    confirm_evidence(moderator, measure, "Expert agreed with the level.")
    assert measure.evidence_review == EvidenceReview.CONFIRMED


def test_confirmation_is_kept_when_the_published_level_does_not_change(app, owner, moderator):
    measure = _published(owner)
    confirm_evidence(moderator, measure, "Checked.")
    submitted_edit(owner, measure, title="Safe Together, second edition")
    publish_measure(moderator, measure, COMMENT)
    assert measure.evidence_review == EvidenceReview.CONFIRMED


def test_confirmation_is_cleared_when_a_new_revision_changes_the_level(app, owner, moderator):
    measure = _published(owner)
    confirm_evidence(moderator, measure, "Checked.")
    old_level = measure.evidence_level
    submitted_edit(owner, measure, evaluations=[])
    publish_measure(moderator, measure, COMMENT)
    assert measure.evidence_level != old_level
    assert measure.evidence_review is None
    (event,) = _events(measure, "measure.published")
    assert event.details["evidence_review_cleared"] is True


def test_a_flag_survives_a_new_published_revision(app, owner, moderator):
    measure = _published(owner)
    flag_evidence(moderator, measure, "Check attrition.")
    submitted_edit(owner, measure, evaluations=[])
    publish_measure(moderator, measure, COMMENT)
    assert measure.evidence_review == EvidenceReview.FLAGGED


# --- states that refuse a transition -----------------------------------------------------------

TRANSITIONS = {
    "publish": publish_measure,
    "request_changes": request_changes,
    "reject": reject_measure,
    "archive": archive_measure,
    "confirm_evidence": confirm_evidence,
    "flag_evidence": flag_evidence,
}
STATES = {
    "draft": lambda owner, moderator: _draft(owner),
    "submitted": lambda owner, moderator: submitted_measure(owner),
    "published": lambda owner, moderator: _published(owner),
    "rejected": _rejected,
    "archived": _archived,
}
ALLOWED = {
    "publish": {"submitted"},
    "request_changes": {"submitted"},
    "reject": {"submitted"},
    "archive": {"published"},
    "confirm_evidence": {"submitted", "published"},
    "flag_evidence": {"submitted", "published"},
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", TRANSITIONS)
def test_each_transition_is_allowed_only_from_its_states(app, owner, moderator, action, state):
    measure = STATES[state](owner, moderator)
    before = (measure.status, measure.working_revision_id, measure.published_revision_id)
    events_before = len(_events(measure))
    if state in ALLOWED[action]:
        TRANSITIONS[action](moderator, measure, COMMENT)
        assert len(_events(measure)) == events_before + 1
        return
    with pytest.raises(InvalidTransition) as refused:
        TRANSITIONS[action](moderator, measure, COMMENT)
    assert str(refused.value)  # a sentence for the moderator
    db.session.rollback()
    db.session.refresh(measure)
    assert (measure.status, measure.working_revision_id, measure.published_revision_id) == before
    assert len(_events(measure)) == events_before


def test_the_service_table_covers_every_action():
    assert set(services.TRANSITIONS) == set(TRANSITIONS)


@pytest.mark.parametrize("action", TRANSITIONS)
@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.OFFICIAL, None])
def test_only_moderators_and_admins_may_moderate(app, owner, action, role):
    measure = _published(owner) if action == "archive" else submitted_measure(owner)
    actor = make_user(role) if role else None
    with pytest.raises(PermissionDenied):
        TRANSITIONS[action](actor, measure, COMMENT)


def test_the_owner_cannot_publish_their_own_submission(app, owner):
    measure = submitted_measure(owner)
    with pytest.raises(PermissionDenied):
        publish_measure(owner, measure, COMMENT)


@pytest.mark.parametrize("action", TRANSITIONS)
@pytest.mark.parametrize("comment", ["", "   \n ", None])
def test_every_decision_needs_a_comment_and_nothing_changes_without_one(
    app, owner, moderator, action, comment
):
    measure = _published(owner) if action == "archive" else submitted_measure(owner)
    status, review = measure.status, measure.evidence_review
    revision_state = measure.current_revision.state
    events_before = [e.action for e in _events(measure)]
    with pytest.raises(CommentRequired, match="Write a comment"):
        TRANSITIONS[action](moderator, measure, comment)
    assert (measure.status, measure.evidence_review) == (status, review)
    assert measure.current_revision.state == revision_state
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    assert [e.action for e in _events(measure)] == events_before


def test_a_too_long_comment_is_refused(app, owner, moderator):
    measure = submitted_measure(owner)
    with pytest.raises(CommentRequired, match="at most"):
        publish_measure(moderator, measure, "x" * (services.COMMENT_MAX_LENGTH + 1))
    assert measure.status == MeasureStatus.SUBMITTED


def test_the_comment_is_stored_without_surrounding_blanks(app, owner, moderator):
    measure = submitted_measure(owner)
    publish_measure(moderator, measure, "  Fine.\n")
    assert _events(measure, "measure.published")[0].details["comment"] == "Fine."


def test_a_multiline_comment_still_makes_a_valid_mail(app, owner, moderator):
    measure = submitted_measure(owner, title="Abc")
    mails_before = len(_mails_to(app, owner.email))
    request_changes(moderator, measure, "a\nb\nc")
    assert len(_mails_to(app, owner.email)) == mails_before + 1
    assert _events(measure, "measure.changes_requested")[0].details["comment"] == "a\nb\nc"


def test_a_measure_without_owner_is_moderated_without_notification(app, moderator):
    measure = submitted_measure(None)
    publish_measure(moderator, measure, COMMENT)
    assert measure.status == MeasureStatus.PUBLISHED
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_the_owner_is_told_in_their_own_language_not_the_moderators(app, owner, moderator):
    """Issue 14: a notification (and its mail) is written in the language the owner chose, even
    when the moderator reads the site in another; an owner who chose none is told in English."""
    owner.language = "pl"
    measure = submitted_measure(owner)
    other_owner = make_user(Role.PRACTITIONER, email="english@example.org", organisation="Org B")
    other = submitted_measure(other_owner)
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        publish_measure(moderator, measure, "Dobrze opisane.")
        reject_measure(moderator, other, "Out of scope.")
    db.session.commit()

    (note,) = _notifications(owner)
    assert note.message == (
        f"Twoje działanie „{measure.title}” zostało opublikowane. "
        "Komentarz moderatora: Dobrze opisane."
    )
    (english,) = _notifications(other_owner)
    assert english.message.startswith(f"Your measure “{other.title}” was rejected.")
