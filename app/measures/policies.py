"""Who may see and change measures. Pure functions, used by services, views and templates."""

from __future__ import annotations

from typing import Any

from app.measures.models import Measure, MeasureStatus, RevisionState


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_moderator(user: Any) -> bool:
    return _signed_in(user) and user.is_moderator


def is_owner(user: Any, measure: Measure) -> bool:
    return _signed_in(user) and measure.owner_id is not None and measure.owner_id == user.id


def can_view_measure(user: Any, measure: Measure) -> bool:
    """Published measures are public; everything else only for the owner and moderators."""
    if measure.status == MeasureStatus.PUBLISHED:
        return True
    return is_owner(user, measure) or is_moderator(user)


def can_view_working_revision(user: Any, measure: Measure) -> bool:
    return is_owner(user, measure) or is_moderator(user)


def can_submit_measures(user: Any) -> bool:
    """Practitioners, officials, moderators and admins may all submit."""
    return _signed_in(user) and user.is_active


def can_edit_measure(user: Any, measure: Measure) -> bool:
    """The owner or a moderator, while the work is not waiting for (or out of) moderation."""
    if not (is_owner(user, measure) or is_moderator(user)):
        return False
    if measure.status in (MeasureStatus.REJECTED, MeasureStatus.ARCHIVED):
        return False
    working = measure.working_revision
    return working is None or working.state == RevisionState.DRAFT


def can_submit_measure(user: Any, measure: Measure) -> bool:
    working = measure.working_revision
    return (
        (is_owner(user, measure) or is_moderator(user))
        and measure.status not in (MeasureStatus.REJECTED, MeasureStatus.ARCHIVED)
        and working is not None
        and working.state == RevisionState.DRAFT
    )


def can_moderate(user: Any) -> bool:
    return is_moderator(user)


def can_read_audit_log(user: Any) -> bool:
    return is_moderator(user)
