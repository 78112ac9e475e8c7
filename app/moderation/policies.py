"""Who may moderate, and which workflow transitions (DESIGN §4) a measure's state allows.

Pure functions of the user and the measure, shared by the services, the views and templates.
"""

from __future__ import annotations

from typing import Any

from app.measures import policies as measure_policies
from app.measures.models import Measure, MeasureRevision, MeasureStatus, RevisionState

# In the order the review page offers them.
ACTIONS = ("publish", "request_changes", "reject", "archive", "confirm_evidence", "flag_evidence")


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
        return f"Unknown action {action!r}."
    state = f"the measure is {measure.status.value}"
    if action in ("publish", "request_changes", "reject"):
        if submitted_revision(measure) is None:
            return f"There is no submitted revision to decide on: {state}."
        return None
    if action == "archive":
        if measure.status != MeasureStatus.PUBLISHED:
            return f"Only a published measure can be archived: {state}."
        if submitted_revision(measure) is not None:
            return "An edit of this measure is waiting for a decision: decide on it first."
        return None
    if evidence_revision(measure) is None:
        return f"Only a submitted or published measure's evidence level can be reviewed: {state}."
    return None


def allowed_actions(measure: Measure) -> list[str]:
    """The transitions the review page offers for this measure now."""
    return [a for a in ACTIONS if transition_refusal(a, measure) is None]
