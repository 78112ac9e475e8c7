"""Creating, editing and submitting measures. One call is one unit of work: the caller commits.

Raises PermissionDenied when the actor may not act, InvalidTransition when the measure's
state forbids it, and RecordInvalid (from app.records.schema) for bad content.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.dbtypes import utcnow
from app.evidence.rules import compute_evidence
from app.exceptions import InvalidTransition, PermissionDenied
from app.extensions import db
from app.measures import policies
from app.measures.models import (
    Attachment,
    Evaluation,
    Measure,
    MeasureRevision,
    MeasureStatus,
    RevisionState,
)
from app.moderation.audit import record_event
from app.records.language import detect_language
from app.records.mapping import apply_record, evidence_inputs
from app.records.schema import FieldError, RecordInvalid
from app.search.outbox import enqueue_index_change


def check_external_id_free(external_id: str | None, measure: Measure | None = None) -> None:
    if not external_id:
        return
    other = db.session.scalar(select(Measure).where(Measure.external_id == external_id))
    if other is not None and other is not measure:
        raise RecordInvalid([FieldError("external_id", "is already used by another measure")])


def refresh_evidence(revision: MeasureRevision) -> None:
    """Recompute the revision's evidence level and mirror it on the measure when public."""
    result = compute_evidence(evidence_inputs(revision), manual_available=revision.manual_available)
    revision.evidence_level = result.level
    revision.evidence_label = result.label
    revision.harm_flag = result.harm_flag
    revision.evidence_ruleset = result.ruleset
    revision.evidence = result.to_dict()
    measure = revision.measure
    if measure is not None and measure.current_display_revision() is revision:
        sync_measure_cache(measure)


def sync_measure_cache(measure: Measure) -> None:
    revision = measure.current_display_revision()
    if revision is None:
        return
    measure.evidence_level = revision.evidence_level
    measure.evidence_label = revision.evidence_label
    measure.harm_flag = revision.harm_flag
    measure.organisation = revision.organisation


def _fill_revision(revision: MeasureRevision, record: dict[str, Any]) -> None:
    apply_record(revision, record)
    if not revision.text_language:
        revision.text_language = detect_language(
            revision.title, revision.summary, revision.description
        )
    refresh_evidence(revision)


def create_measure(
    actor: Any, record: dict[str, Any], *, owner: Any = None, source: str = "form"
) -> Measure:
    """A new measure with its first revision as a draft. `actor` None means the CLI."""
    if actor is not None and not policies.can_submit_measures(actor):
        raise PermissionDenied("Your account cannot submit measures.")
    check_external_id_free(record.get("external_id"))
    owner = owner if owner is not None else actor
    measure = Measure(
        external_id=record.get("external_id"),
        owner_id=getattr(owner, "id", None),
        organisation=record["organisation"],
        status=MeasureStatus.DRAFT,
    )
    revision = MeasureRevision(number=1, author_id=getattr(actor, "id", None))
    measure.revisions.append(revision)
    db.session.add(measure)
    _fill_revision(revision, record)
    db.session.flush()
    measure.working_revision = revision
    sync_measure_cache(measure)
    record_event(actor, "measure.created", "measure", measure.id, revision=1, source=source)
    db.session.flush()
    return measure


def start_revision(actor: Any, measure: Measure) -> MeasureRevision:
    """A new draft revision copied from the published one, reports included."""
    published = measure.published_revision
    if published is None:
        raise InvalidTransition("Only a published measure gets new revisions.")
    number = max(r.number for r in measure.revisions) + 1
    revision = MeasureRevision(number=number, author_id=getattr(actor, "id", None))
    measure.revisions.append(revision)
    from app.records.mapping import revision_to_record

    apply_record(revision, revision_to_record(published, measure))
    revision.text_language = published.text_language
    for old, new in zip(published.evaluations, revision.evaluations, strict=True):
        new.attachments = [_copy_attachment(a) for a in old.attachments]
    db.session.flush()
    measure.working_revision = revision
    refresh_evidence(revision)
    return revision


def _copy_attachment(attachment: Attachment) -> Attachment:
    return Attachment(
        sha256=attachment.sha256,
        filename=attachment.filename,
        size_bytes=attachment.size_bytes,
        page_count=attachment.page_count,
        text=attachment.text,
        uploaded_by_id=attachment.uploaded_by_id,
    )


def update_measure(actor: Any, measure: Measure, record: dict[str, Any], *, source: str = "form"
                   ) -> MeasureRevision:
    """Save new content: into the draft, or into a new revision of a published measure."""
    if actor is not None and not policies.can_edit_measure(actor, measure):
        raise PermissionDenied("You cannot edit this measure in its current state.")
    check_external_id_free(record.get("external_id"), measure)
    if "external_id" in record:
        measure.external_id = record["external_id"]
    revision = measure.working_revision
    if revision is None:
        revision = start_revision(actor, measure)
    elif revision.state != RevisionState.DRAFT:
        raise InvalidTransition("This revision is waiting for moderation and cannot be edited.")
    _fill_revision(revision, record)
    if measure.status != MeasureStatus.PUBLISHED:
        measure.organisation = revision.organisation
    record_event(
        actor, "measure.updated", "measure", measure.id, revision=revision.number, source=source
    )
    db.session.flush()
    return revision


def submit_measure(actor: Any, measure: Measure) -> MeasureRevision:
    """Send the draft revision to the moderators."""
    if actor is not None and not policies.can_submit_measure(actor, measure):
        raise PermissionDenied("Only the owner can submit this draft.")
    revision = measure.working_revision
    if revision is None or revision.state != RevisionState.DRAFT:
        raise InvalidTransition("There is no draft to submit.")
    revision.state = RevisionState.SUBMITTED
    revision.submitted_at = utcnow()
    if measure.status != MeasureStatus.PUBLISHED:
        measure.status = MeasureStatus.SUBMITTED
    record_event(actor, "measure.submitted", "measure", measure.id, revision=revision.number)
    db.session.flush()
    return revision


def make_revision_public(measure: Measure, revision: MeasureRevision) -> None:
    """Publish `revision`: the previous published one is superseded. Used by moderation."""
    previous = measure.published_revision
    if previous is not None and previous is not revision:
        previous.state = RevisionState.SUPERSEDED
    revision.state = RevisionState.PUBLISHED
    revision.decided_at = utcnow()
    measure.published_revision = revision
    if measure.working_revision is revision:
        measure.working_revision = None
    measure.status = MeasureStatus.PUBLISHED
    measure.published_at = measure.published_at or utcnow()
    sync_measure_cache(measure)
    enqueue_index_change(measure.id, "upsert")


def evaluation_of(measure: Measure, evaluation_id: int) -> Evaluation | None:
    revision = measure.working_revision
    if revision is None:
        return None
    return next((e for e in revision.evaluations if e.id == evaluation_id), None)


def measures_owned_by(user: Any) -> list[Measure]:
    return list(
        db.session.scalars(
            select(Measure).where(Measure.owner_id == user.id).order_by(Measure.updated_at.desc())
        )
    )
