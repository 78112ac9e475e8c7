"""Moderation: the workflow transitions of DESIGN §4 and the queries behind the moderators' pages.

Each transition is one function that checks the actor (PermissionDenied), the measure's state
(InvalidTransition) and the comment (CommentRequired), changes the state, writes an audit
event, notifies the owner and flushes. The caller commits. Submitting lives in
app.measures.services.submit_measure: it needs no comment and is the owner's act.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.audit.services import notify, record_event
from app.core.dbtypes import utcnow
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.measures.mapping import revision_to_record
from app.measures.models import (
    EvidenceReview,
    Measure,
    MeasureRevision,
    MeasureStatus,
    RevisionState,
    RevisionTerm,
)
from app.measures.services import make_revision_public
from app.moderation import policies
from app.moderation.diff import RecordDiff, diff_records
from app.outbox.services import enqueue_index_change

COMMENT_MAX_LENGTH = 5000


class CommentRequired(ValueError):
    """A moderator's decision needs a comment: the owner and the audit log read it."""


class SecondAdminNeeded(Exception):
    """An admin decided on their own measure: recorded as pending, not done (decide())."""


@dataclass(frozen=True)
class PendingDecision:
    """An admin's decision on their own measure, waiting for another admin to confirm it by
    making the same decision (the audit event `moderation.decision_pending`)."""

    event: AuditEvent

    @property
    def action(self) -> str:
        return str(self.event.details.get("decision"))


# --- transitions -----------------------------------------------------------------------------


def measure_link(measure: Measure) -> str:
    """Where the owner reads their measure: the measure page (/measures/<id>, DESIGN §8).

    A path, not url_for(): it needs no request, so it works from the CLI too. When an edit of
    a published measure is back with the owner, the link opens that edit.
    """
    working = measure.working_revision
    if (
        measure.published_revision is not None
        and working is not None
        and working.state == RevisionState.DRAFT
    ):
        return f"/measures/{measure.id}?revision=working"
    return f"/measures/{measure.id}"


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def level_text(revision: MeasureRevision) -> LazyString:
    """'level 4, Promising': the evidence a notification names, in its reader's language."""
    return _l(
        "level %(level)s, %(label)s", level=revision.evidence_level, label=revision.evidence_label
    )


def _check(actor: Any, measure: Measure, action: str, comment: str | None) -> str:
    if not policies.can_moderate(actor):
        raise PermissionDenied(_("Only moderators and admins can moderate measures."))
    refusal = policies.transition_refusal(action, measure)
    if refusal is not None:
        raise InvalidTransition(refusal)
    comment = (comment or "").strip()
    if not comment:
        raise CommentRequired(_("Write a comment: the owner and the audit log read it."))
    if len(comment) > COMMENT_MAX_LENGTH:
        raise CommentRequired(
            _(
                "The comment must be at most %(max)s characters.",
                max=format_decimal(COMMENT_MAX_LENGTH),
            )
        )
    if policies.decides_on_own(actor, measure, action):
        if policies.needs_second_admin(actor, measure, action):
            raise SecondAdminNeeded(comment)
        raise PermissionDenied(str(policies.OWN_MEASURE_REFUSED))
    return comment


def decide(
    actor: Any, measure: Measure, action: str, comment: str
) -> MeasureRevision | PendingDecision:
    """Make the decision `action`, or, for an admin deciding on their own measure, record it
    as pending until another admin confirms it by making the same decision (separation of
    duties). Raises PermissionDenied, InvalidTransition, CommentRequired."""
    try:
        return TRANSITIONS[action](actor, measure, comment)
    except SecondAdminNeeded as pending:
        revision = policies.submitted_revision(measure) or policies.evidence_revision(measure)
        event = record_event(
            actor,
            "moderation.decision_pending",
            "measure",
            measure.id,
            decision=action,
            revision=revision.number if revision is not None else None,
            comment=str(pending),
        )
        db.session.flush()
        return PendingDecision(event)


def pending_decision(measure: Measure) -> AuditEvent | None:
    """The newest decision an admin made on their own measure that no one has made since."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "measure", AuditEvent.object_id == measure.id)
        .order_by(AuditEvent.id.desc())
        .limit(50)
    )
    for event in events:
        if event.action == "moderation.decision_pending":
            return event
        if event.action in _DECIDED_EVENTS:
            return None
    return None


# The audit events of a decision: one of them after a pending one settles it.
_DECIDED_EVENTS = {
    "measure.published",
    "measure.changes_requested",
    "measure.rejected",
    "measure.archived",
    "evidence.confirmed",
    "evidence.flagged",
    "measure.submitted",
}


def _conclude(
    actor: Any,
    measure: Measure,
    action: str,
    revision: MeasureRevision,
    comment: str,
    message: LazyString,
    **details: Any,
) -> None:
    pending = pending_decision(measure)
    if pending is not None and pending.actor_id != getattr(actor, "id", None):
        details["confirms_pending_decision_of"] = pending.actor_id  # the second admin's eyes
    record_event(
        actor, action, "measure", measure.id, revision=revision.number, comment=comment, **details
    )
    # One line: notify() takes the mail subject from the start of the message, and a line
    # break in a mail header is refused. Lazy: notify() writes it in the owner's language.
    text = _l(
        "%(message)s Moderator's comment: %(comment)s",
        message=message,
        comment=" ".join(comment.split()),
    )
    notify(measure.owner, text, measure_link(measure))
    db.session.flush()


def publish_measure(actor: Any, measure: Measure, comment: str) -> MeasureRevision:
    """Publish the submitted revision; an edit supersedes the previously published revision.

    A confirmed evidence level stays confirmed only if the new revision shows the level that
    was confirmed. Raises PermissionDenied, InvalidTransition, CommentRequired.
    """
    comment = _check(actor, measure, "publish", comment)
    revision = measure.working_revision
    assert revision is not None  # transition_refusal saw a submitted revision  # nosec B101
    previous = measure.published_revision
    outdated = _confirmation_outdated(measure, revision)
    make_revision_public(measure, revision, publisher=actor)  # also queues the index change
    details: dict[str, Any] = {"evidence_level": revision.evidence_level}
    if previous is not None and previous is not revision:
        details["superseded_revision"] = previous.number
    if outdated:
        measure.evidence_review = None
        details["evidence_review_cleared"] = True
    _conclude(
        actor,
        measure,
        "measure.published",
        revision,
        comment,
        _l("Your measure “%(title)s” was published.", title=_one_line(revision.title)),
        **details,
    )
    return revision


def request_changes(actor: Any, measure: Measure, comment: str) -> MeasureRevision:
    """Send the submitted revision back to its owner as a draft.

    A published measure stays published; its draft edit stays the working revision.
    Raises PermissionDenied, InvalidTransition, CommentRequired.
    """
    comment = _check(actor, measure, "request_changes", comment)
    revision = measure.working_revision
    assert revision is not None  # _check() saw the revision; type narrowing  # nosec B101
    revision.state = RevisionState.DRAFT
    revision.decided_at = utcnow()
    if measure.status != MeasureStatus.PUBLISHED:
        measure.status = MeasureStatus.DRAFT
    _conclude(
        actor,
        measure,
        "measure.changes_requested",
        revision,
        comment,
        _l(
            "Changes were requested to your measure “%(title)s”.",
            title=_one_line(revision.title),
        ),
    )
    return revision


def reject_measure(actor: Any, measure: Measure, comment: str) -> MeasureRevision:
    """Reject the submitted revision.

    A measure never published becomes rejected. For a published measure only the edit is
    rejected: the published revision stays public and the owner may start a new edit.
    Raises PermissionDenied, InvalidTransition, CommentRequired.
    """
    comment = _check(actor, measure, "reject", comment)
    revision = measure.working_revision
    assert revision is not None  # _check() saw the revision; type narrowing  # nosec B101
    revision.state = RevisionState.REJECTED
    revision.decided_at = utcnow()
    if measure.status == MeasureStatus.PUBLISHED:
        measure.working_revision = None
        message = _l(
            "The edit of your measure “%(title)s” was rejected.", title=_one_line(revision.title)
        )
    else:
        # The rejected revision stays the working one: it is what the owner and moderators see.
        measure.status = MeasureStatus.REJECTED
        message = _l("Your measure “%(title)s” was rejected.", title=_one_line(revision.title))
    _conclude(actor, measure, "measure.rejected", revision, comment, message)
    return revision


def archive_measure(actor: Any, measure: Measure, comment: str) -> MeasureRevision:
    """Take a published measure out of public view and out of the search index.

    Raises PermissionDenied, InvalidTransition, CommentRequired.
    """
    comment = _check(actor, measure, "archive", comment)
    revision = measure.published_revision
    assert revision is not None  # _check() saw the revision; type narrowing  # nosec B101
    measure.status = MeasureStatus.ARCHIVED
    enqueue_index_change(measure.id, "delete")
    _conclude(
        actor,
        measure,
        "measure.archived",
        revision,
        comment,
        _l(
            "Your measure “%(title)s” was archived and is no longer public.",
            title=_one_line(revision.title),
        ),
    )
    return revision


def confirm_evidence(actor: Any, measure: Measure, comment: str) -> MeasureRevision:
    """Record that a moderator checked the computed evidence level and agrees with it.

    Raises PermissionDenied, InvalidTransition, CommentRequired.
    """
    return _review_evidence(actor, measure, comment, EvidenceReview.CONFIRMED)


def flag_evidence(actor: Any, measure: Measure, comment: str) -> MeasureRevision:
    """Put the measure on the expert-review list: the level needs an expert's eye.

    The level itself is never set by hand: it stays what the rules compute.
    Raises PermissionDenied, InvalidTransition, CommentRequired.
    """
    return _review_evidence(actor, measure, comment, EvidenceReview.FLAGGED)


def _review_evidence(
    actor: Any, measure: Measure, comment: str, review: EvidenceReview
) -> MeasureRevision:
    action = "confirm_evidence" if review == EvidenceReview.CONFIRMED else "flag_evidence"
    comment = _check(actor, measure, action, comment)
    revision = policies.evidence_revision(measure)
    assert revision is not None  # _check() saw the revision; type narrowing  # nosec B101
    measure.evidence_review = review
    title, level = _one_line(revision.title), level_text(revision)
    if review == EvidenceReview.CONFIRMED:
        message = _l(
            "The evidence level of your measure “%(title)s” (%(level)s) was confirmed.",
            title=title,
            level=level,
        )
    else:
        message = _l(
            "The evidence level of your measure “%(title)s” (%(level)s) was flagged for review"
            " by an expert.",
            title=title,
            level=level,
        )
    _conclude(
        actor,
        measure,
        f"evidence.{review.value}",
        revision,
        comment,
        message,
        evidence_level=revision.evidence_level,
        evidence_label=revision.evidence_label,
        harm_flag=revision.harm_flag,
    )
    return revision


def _confirmation_outdated(measure: Measure, revision: MeasureRevision) -> bool:
    """True when the measure's level was confirmed as something other than `revision` shows."""
    if measure.evidence_review != EvidenceReview.CONFIRMED:
        return False
    event = db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.action == "evidence.confirmed",
            AuditEvent.object_type == "measure",
            AuditEvent.object_id == measure.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return False
    confirmed = (
        event.details.get("evidence_level"),
        event.details.get("evidence_label"),
        event.details.get("harm_flag"),
    )
    return confirmed != (revision.evidence_level, revision.evidence_label, revision.harm_flag)


TRANSITIONS = {
    "publish": publish_measure,
    "request_changes": request_changes,
    "reject": reject_measure,
    "archive": archive_measure,
    "confirm_evidence": confirm_evidence,
    "flag_evidence": flag_evidence,
}


# --- what the moderators' pages read ---------------------------------------------------------


def _require_moderator(actor: Any) -> None:
    if not policies.can_moderate(actor):
        raise PermissionDenied(_("Only moderators and admins can see this."))


QUEUE_STATES = ("submitted", "draft", "published", "rejected", "archived", "all")


@dataclass(frozen=True)
class QueueFilters:
    state: str = "submitted"
    country: str | None = None
    older_than_days: int | None = None


def queue_select(actor: Any, filters: QueueFilters, now: datetime | None = None) -> Select:
    """Measures with the revision a moderator looks at, oldest submission first.

    One row per measure: its working revision (a new measure, or an edit of a published one),
    else its published revision. "submitted" and "draft" filter on that revision's state, the
    other states on the measure's. Raises PermissionDenied.
    """
    _require_moderator(actor)
    revision = MeasureRevision
    stmt = (
        select(revision)
        .join(
            Measure,
            and_(
                Measure.id == revision.measure_id,
                revision.id
                == func.coalesce(Measure.working_revision_id, Measure.published_revision_id),
            ),
        )
        .options(contains_eager(revision.measure).selectinload(Measure.owner))
    )
    if filters.state in ("submitted", "draft"):
        stmt = stmt.where(revision.state == RevisionState(filters.state))
    elif filters.state != "all":
        stmt = stmt.where(Measure.status == MeasureStatus(filters.state))
    if filters.country:
        stmt = stmt.where(
            exists().where(
                RevisionTerm.revision_id == revision.id,
                RevisionTerm.key == "countries",
                RevisionTerm.value == filters.country,
            )
        )
    if filters.older_than_days:
        cutoff = (now or utcnow()) - timedelta(days=filters.older_than_days)
        stmt = stmt.where(revision.submitted_at <= cutoff)
    # Never-submitted drafts have no submission time: they come last, oldest created first.
    return stmt.order_by(
        revision.submitted_at.is_(None),
        revision.submitted_at,
        revision.created_at,
        revision.id,
    )


def expert_review_select(actor: Any) -> Select:
    """Measures that need an expert's eye: a harm flag (published or submitted) without the
    experts' verdict yet, or a moderator's flag. Ones not yet confirmed come first.
    Raises PermissionDenied."""
    _require_moderator(actor)
    working = aliased(MeasureRevision)
    published = aliased(MeasureRevision)
    return (
        select(Measure)
        .outerjoin(working, working.id == Measure.working_revision_id)
        .outerjoin(published, published.id == Measure.published_revision_id)
        .where(
            Measure.status.in_((MeasureStatus.SUBMITTED, MeasureStatus.PUBLISHED)),
            or_(
                # A harm signal waits until the experts' verdict is recorded (EVIDENCE-2027 §7).
                and_(Measure.harm_flag.is_(True), published.harm_review.is_(None)),
                Measure.evidence_review == EvidenceReview.FLAGGED,
                and_(
                    working.state == RevisionState.SUBMITTED,
                    working.harm_flag.is_(True),
                    working.harm_review.is_(None),
                ),
            ),
        )
        .options(selectinload(Measure.owner))
        .order_by(
            case((Measure.evidence_review == EvidenceReview.CONFIRMED, 1), else_=0),
            Measure.id,
        )
    )


@dataclass(frozen=True)
class Review:
    """Everything the review page shows about one measure."""

    measure: Measure
    revision: MeasureRevision | None
    record: dict[str, Any]  # the revision in the record format, for display
    published: MeasureRevision | None
    is_edit: bool
    diff: RecordDiff
    actions: list[str]
    history: list[AuditEvent]


def prepare_review(actor: Any, measure: Measure) -> Review:
    """The revision under review, its diff against the published one, the allowed actions and
    the measure's audit history. Raises PermissionDenied."""
    _require_moderator(actor)
    revision = policies.revision_under_review(measure)
    published = measure.published_revision
    is_edit = policies.is_edit_of_published(measure, revision)
    record = revision_to_record(revision, measure) if revision is not None else {}
    diff = RecordDiff()
    if is_edit and published is not None:
        diff = diff_records(revision_to_record(published, measure), record)
    history = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "measure", AuditEvent.object_id == measure.id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.id.desc())
        )
    )
    return Review(
        measure,
        revision,
        record,
        published,
        is_edit,
        diff,
        policies.allowed_actions(measure),
        history,
    )


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    actor_email: str | None = None
    object_type: str | None = None
    object_id: int | None = None


def audit_select(actor: Any, filters: AuditFilters) -> Select:
    """Audit events, newest first. The actor filter matches part of an email, any case.
    Raises PermissionDenied."""
    if not policies.can_read_audit_log(actor):
        raise PermissionDenied(_("Only moderators and admins can read the audit log."))
    stmt = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.actor_email:
        needle = filters.actor_email.strip().lower()
        stmt = stmt.join(User, User.id == AuditEvent.actor_id).where(
            func.lower(User.email).contains(needle, autoescape=True)
        )
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == filters.object_id)
    return stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def audit_vocabulary() -> tuple[list[str], list[str]]:
    """The actions and object types present in the log, for the filter form's choices."""
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    types = db.session.scalars(
        select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
    )
    return list(actions), list(types)
