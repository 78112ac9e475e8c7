"""Who may moderate, and which workflow transitions (DESIGN §4) a measure's state allows.

Pure functions of the user and the measure, shared by the services, the views and templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.measures import policies as measure_policies
from app.measures.models import Measure, MeasureRevision, MeasureStatus, RevisionState

# In the order the review page offers them.
ACTIONS = ("publish", "request_changes", "reject", "archive", "confirm_evidence", "flag_evidence")

# A measure's status and a revision's state, as a moderator reads them (the codes stay codes).
STATE_WORDS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "published": _l("Published"),
    "rejected": _l("Rejected"),
    "archived": _l("Archived"),
}


# The same in a sentence: "Only a published measure can be archived: the measure is draft."
STATE_IN_SENTENCE = {
    "draft": _l("draft"),
    "submitted": _l("submitted"),
    "published": _l("published"),
    "rejected": _l("rejected"),
    "archived": _l("archived"),
}


def worded(table: Mapping[str, LazyString], code: str) -> str:
    """A code's words from `table`, in the reader's language; the code itself if it has none."""
    words = table.get(code)
    return str(words) if words is not None else code


def state_text(code: str) -> str:
    return worded(STATE_WORDS, code)


def state_in_sentence(code: str) -> str:
    return worded(STATE_IN_SENTENCE, code)


def can_moderate(user: Any) -> bool:
    """Moderators and admins move submissions through the workflow."""
    return measure_policies.can_moderate(user)


def can_read_audit_log(user: Any) -> bool:
    return measure_policies.can_read_audit_log(user)


def submitted_revision(measure: Measure) -> MeasureRevision | None:
    """The revision waiting for a decision: a new measure or an edit of a published one."""
    working = measure.working_revision
    if working is not None and working.state == RevisionState.SUBMITTED:
        return working
    return None


def revision_under_review(measure: Measure) -> MeasureRevision | None:
    """What the review page shows: the working revision, else the published one."""
    return measure.working_revision or measure.published_revision


def evidence_revision(measure: Measure) -> MeasureRevision | None:
    """The revision whose evidence level a moderator confirms or flags.

    The submitted one when a decision is pending (that is what the moderator is reading),
    else the published one. Drafts are still the owner's, and rejected or archived measures
    are out of the workflow.
    """
    submitted = submitted_revision(measure)
    if submitted is not None:
        return submitted
    if measure.status == MeasureStatus.PUBLISHED:
        return measure.published_revision
    return None


def is_edit_of_published(measure: Measure, revision: MeasureRevision | None) -> bool:
    return (
        revision is not None
        and measure.published_revision_id is not None
        and revision.id != measure.published_revision_id
    )


def transition_refusal(action: str, measure: Measure) -> str | None:
    """Why the measure's state forbids `action`, in words for the moderator; None if allowed."""
    if action not in ACTIONS:
        return _("Unknown action %(action)s.", action=repr(action))
    state = state_in_sentence(measure.status.value)
    if action in ("publish", "request_changes", "reject"):
        if submitted_revision(measure) is None:
            return _(
                "There is no submitted revision to decide on: the measure is %(state)s.",
                state=state,
            )
        return None
    if action == "archive":
        if measure.status != MeasureStatus.PUBLISHED:
            return _(
                "Only a published measure can be archived: the measure is %(state)s.",
                state=state,
            )
        if submitted_revision(measure) is not None:
            return _("An edit of this measure is waiting for a decision: decide on it first.")
        return None
    if evidence_revision(measure) is None:
        return _(
            "Only a submitted or published measure's evidence level can be reviewed: the"
            " measure is %(state)s.",
            state=state,
        )
    return None


def allowed_actions(measure: Measure) -> list[str]:
    """The transitions the review page offers for this measure now."""
    return [a for a in ACTIONS if transition_refusal(a, measure) is None]


# --- separation of duties: nobody decides on their own measure (issue 15) ------------------------

# The decisions on a measure's content; archiving is not one (it withdraws a published measure).
DECISIONS = ("publish", "request_changes", "reject", "confirm_evidence", "flag_evidence")
OWN_MEASURE_REFUSED = _l(
    "You wrote or own this measure: a different moderator decides on it, so that two people "
    "have read it."
)


def decides_on_own(user: Any, measure: Measure, action: str) -> bool:
    """True when `action` would be `user` deciding on a measure they submitted or own."""
    if action not in DECISIONS or user is None:
        return False
    revision = submitted_revision(measure) or evidence_revision(measure)
    authors = {measure.owner_id, revision.author_id if revision is not None else None}
    return user.id in authors


def needs_second_admin(user: Any, measure: Measure, action: str) -> bool:
    """An admin's decision on their own measure waits for another admin's confirmation;
    a moderator's is refused outright (PermissionDenied, OWN_MEASURE_REFUSED)."""
    return decides_on_own(user, measure, action) and bool(getattr(user, "is_admin", False))


# --- the evidence workflow of EVIDENCE-2027 §7: four eyes on every check ------------------------

NOT_A_MODERATOR = _l("Only moderators and admins can review evidence.")
PUBLISHER_REFUSED = _l(
    "You published this revision: a different moderator checks its evidence, so that two people"
    " have read the figures."
)
OWNER_REFUSED = _l("You wrote or own this measure: a different moderator checks its evidence.")
VERIFIER_REFUSED = _l(
    "You verified this evidence: a different moderator decides on a request to review it again."
)
REQUESTER_REFUSED = _l("You asked for this re-review: a different moderator decides on it.")


def second_moderator_refusal(user: Any, revision: MeasureRevision) -> LazyString | None:
    """Why `user` may not check the evidence of `revision` (None if they may): a moderator
    other than the one who published it, and not its author or the measure's owner."""
    if not can_moderate(user):
        return NOT_A_MODERATOR
    if revision.published_by_id is not None and revision.published_by_id == user.id:
        return PUBLISHER_REFUSED
    if user.id in (revision.author_id, revision.measure.owner_id):
        return OWNER_REFUSED
    return None


def can_verify_evidence(user: Any, measure: Measure) -> bool:
    """A second moderator verifies the figures of the published revision (§7)."""
    revision = measure.published_revision
    return (
        measure.status == MeasureStatus.PUBLISHED
        and revision is not None
        and second_moderator_refusal(user, revision) is None
    )


def can_review_harm(user: Any, measure: Measure) -> bool:
    """A second moderator records the experts' verdict on a harm flag (§7)."""
    revision = evidence_revision(measure)
    return (
        revision is not None
        and (revision.harm_flag or revision.harm_review is not None)
        and second_moderator_refusal(user, revision) is None
    )


def can_request_rereview(user: Any, measure: Measure) -> bool:
    """The owner of a published measure may ask for its level to be reviewed again (§7)."""
    return measure.status == MeasureStatus.PUBLISHED and measure_policies.is_owner(user, measure)


def rereview_decision_refusal(user: Any, request: Any) -> LazyString | None:
    """Why `user` may not decide on a re-review `request` (None if they may): not who asked,
    nor who published or verified the questioned revision."""
    revision = request.revision
    if not can_moderate(user):
        return NOT_A_MODERATOR
    if request.requested_by_id == user.id:
        return REQUESTER_REFUSED
    if revision is not None:
        if revision.evidence_verified_by_id == user.id:
            return VERIFIER_REFUSED
        return second_moderator_refusal(user, revision)
    return None


def can_decide_rereview(user: Any, request: Any) -> bool:
    return request.is_open and rereview_decision_refusal(user, request) is None
