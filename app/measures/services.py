"""Creating, editing and submitting measures. One call is one unit of work: the caller commits.

Raises PermissionDenied when the actor may not act, InvalidTransition when the measure's
state forbids it, and RecordInvalid (from app.records.schema) for bad content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.audit.services import record_event
from app.core.dbtypes import utcnow
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.core.i18n import N_, Wording
from app.measures import policies, report_text
from app.measures.evidence_state import (
    copy_review_state,
    refresh_evidence,
    sync_measure_cache,
    update_provisional,
)
from app.measures.mapping import apply_record, revision_to_record
from app.measures.models import (
    Attachment,
    Evaluation,
    Measure,
    MeasureRevision,
    MeasureStatus,
    RevisionState,
)
from app.measures.uploads import CheckedReport, store_report
from app.outbox.services import enqueue_index_change
from app.records.language import detect_language
from app.records.schema import FieldError, RecordInvalid


def same_owner(owner_id: int | None):
    """The SQL condition "owned by owner_id" (None: the ownerless measures)."""
    return Measure.owner_id.is_(None) if owner_id is None else Measure.owner_id == owner_id


def check_external_id_free(
    external_id: str | None, owner_id: int | None, measure: Measure | None = None
) -> None:
    """An external id is unique among one owner's measures only, so the answer never tells a
    writer whether somebody else's measure (published or not) uses it (issue 15)."""
    if not external_id:
        return
    other = db.session.scalar(
        select(Measure).where(Measure.external_id == external_id, same_owner(owner_id))
    )
    if other is not None and other is not measure:
        raise RecordInvalid(
            [FieldError("external_id", Wording(N_("is already used by another measure")))]
        )


def assign_external_id(measure: Measure) -> None:
    """Give a measure created without an external_id a stable one ("prevent-hub-<id>"), so
    every exported record can be upserted back; a suffix keeps it unique should an imported
    record have taken that name already."""
    if measure.external_id:
        return
    candidate, suffix = f"prevent-hub-{measure.id}", 1
    while db.session.scalar(select(Measure.id).where(Measure.external_id == candidate)):
        suffix += 1
        candidate = f"prevent-hub-{measure.id}-{suffix}"
    measure.external_id = candidate


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
        raise PermissionDenied(Wording(N_("Your account cannot submit measures.")))
    owner = owner if owner is not None else actor
    check_external_id_free(record.get("external_id"), getattr(owner, "id", None))
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
    assign_external_id(measure)
    measure.working_revision = revision
    sync_measure_cache(measure)
    record_event(actor, "measure.created", "measure", measure.id, revision=1, source=source)
    db.session.flush()
    return measure


def start_revision(actor: Any, measure: Measure) -> MeasureRevision:
    """A new draft revision copied from the published one, reports included."""
    published = measure.published_revision
    if published is None:
        raise InvalidTransition(Wording(N_("Only a published measure gets new revisions.")))
    number = max(r.number for r in measure.revisions) + 1
    revision = MeasureRevision(number=number, author_id=getattr(actor, "id", None))
    measure.revisions.append(revision)
    apply_record(revision, revision_to_record(published, measure))
    revision.text_language = published.text_language
    copy_review_state(published, revision)
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


def update_measure(
    actor: Any, measure: Measure, record: dict[str, Any], *, source: str = "form"
) -> MeasureRevision:
    """Save new content: into the draft, or into a new revision of a published measure."""
    if actor is not None and not policies.can_edit_measure(actor, measure):
        raise PermissionDenied(Wording(N_("You cannot edit this measure in its current state.")))
    check_external_id_free(record.get("external_id"), measure.owner_id, measure)
    if record.get("external_id"):  # once given, an external_id is never taken away
        measure.external_id = record["external_id"]
    revision = measure.working_revision
    if revision is None:
        revision = start_revision(actor, measure)
    elif revision.state != RevisionState.DRAFT:
        raise InvalidTransition(
            Wording(N_("This revision is waiting for moderation and cannot be edited."))
        )
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
        raise PermissionDenied(Wording(N_("Only the owner can submit this draft.")))
    if measure.status in (MeasureStatus.REJECTED, MeasureStatus.ARCHIVED):
        rejected = measure.status == MeasureStatus.REJECTED
        raise InvalidTransition(
            Wording(N_("A rejected measure cannot be submitted."))
            if rejected
            else Wording(N_("An archived measure cannot be submitted."))
        )
    revision = measure.working_revision
    if revision is None or revision.state != RevisionState.DRAFT:
        raise InvalidTransition(Wording(N_("There is no draft to submit.")))
    revision.state = RevisionState.SUBMITTED
    revision.submitted_at = utcnow()
    if measure.status != MeasureStatus.PUBLISHED:
        measure.status = MeasureStatus.SUBMITTED
    record_event(actor, "measure.submitted", "measure", measure.id, revision=revision.number)
    db.session.flush()
    return revision


def make_revision_public(
    measure: Measure, revision: MeasureRevision, publisher: Any = None
) -> None:
    """Publish `revision`: the previous published one is superseded. Used by moderation (the
    moderator is the `publisher`: another one verifies the level) and by the import (none)."""
    previous = measure.published_revision
    if previous is not None and previous is not revision:
        previous.state = RevisionState.SUPERSEDED
    revision.state = RevisionState.PUBLISHED
    revision.decided_at = utcnow()
    revision.published_by_id = getattr(publisher, "id", None)
    update_provisional(revision)
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


# --- the web form: saving with report changes -----------------------------------------------


@dataclass
class EvaluationRow:
    """What the form says about one evaluation besides its record fields.

    `source_id` is the id of the evaluation the row was filled from (in the revision the form
    showed), so reports stay with their evaluation when rows above it are removed.
    """

    source_id: int | None = None
    new_report: CheckedReport | None = None
    remove_reports: list[str] = field(default_factory=list)


def save_measure(
    actor: Any,
    measure: Measure | None,
    record: dict[str, Any],
    rows: list[EvaluationRow],
    *,
    submit: bool = False,
) -> Measure:
    """Create or update a measure from the web form, apply report changes, maybe submit.

    `record` is validated; `rows` match its evaluations one to one. Editing a published
    measure works on a new revision (the published one stays as it is). Raises
    PermissionDenied, InvalidTransition or RecordInvalid like create/update/submit_measure.
    """
    if len(rows) != len(record.get("evaluations") or []):
        raise ValueError("one row per evaluation")
    if measure is None:
        measure = create_measure(actor, record)
        revision = measure.working_revision
    else:
        if actor is not None and not policies.can_edit_measure(actor, measure):
            raise PermissionDenied(
                Wording(N_("You cannot edit this measure in its current state."))
            )
        revision = _working_revision_in_row_order(actor, measure, rows)
        # Rows without an evaluation yet are empty Evaluation objects until apply_record fills
        # them: no flush may happen before that.
        with db.session.no_autoflush:
            update_measure(actor, measure, record)
    assert revision is not None  # type narrowing for mypy  # nosec B101
    for evaluation, row in zip(revision.evaluations, rows, strict=True):
        for sha256 in row.remove_reports:
            remove_report(actor, evaluation, sha256)
        if row.new_report is not None:
            attach_report(actor, evaluation, row.new_report)
    refresh_evidence(revision)  # "has_report" counts for verifiability
    db.session.flush()
    if submit:
        submit_measure(actor, measure)
    return measure


def _working_revision_in_row_order(
    actor: Any, measure: Measure, rows: list[EvaluationRow]
) -> MeasureRevision:
    """The draft to write into, its evaluations lined up with the form's rows.

    apply_record keeps evaluations (and their reports) by position; putting each row's own
    evaluation at its position makes reports follow their evaluation, and an evaluation whose
    row was removed is dropped with its reports.
    """
    revision = measure.working_revision
    if revision is None:
        shown = measure.published_revision
        revision = start_revision(actor, measure)
        assert shown is not None  # type narrowing for mypy  # nosec B101
        # The form showed the published revision: its evaluation ids map to the copies.
        by_id = {
            old.id: new for old, new in zip(shown.evaluations, revision.evaluations, strict=True)
        }
    else:
        by_id = {e.id: e for e in revision.evaluations}
    ordered: list[Evaluation] = []
    with db.session.no_autoflush:
        for row in rows:
            evaluation = by_id.pop(row.source_id, None) if row.source_id is not None else None
            ordered.append(evaluation if evaluation is not None else Evaluation())
        revision.evaluations = ordered
    return revision


def _check_draft_evaluation(actor: Any, evaluation: Evaluation) -> Measure:
    revision = evaluation.revision
    measure = revision.measure
    if actor is not None and not policies.can_edit_measure(actor, measure):
        raise PermissionDenied(Wording(N_("You cannot change the reports of this measure.")))
    if revision is not measure.working_revision or revision.state != RevisionState.DRAFT:
        raise InvalidTransition(Wording(N_("Reports can only be changed on a draft.")))
    return measure


def attach_report(actor: Any, evaluation: Evaluation, report: CheckedReport) -> Attachment | None:
    """Store a checked PDF and attach it to a draft's evaluation (once per evaluation).

    Returns None when the evaluation already has this file. Raises PermissionDenied or
    InvalidTransition. The caller refreshes the evidence level once all changes are made.
    """
    measure = _check_draft_evaluation(actor, evaluation)
    if any(a.sha256 == report.sha256 for a in evaluation.attachments):
        return None
    store_report(report)
    attachment = Attachment(
        sha256=report.sha256,
        filename=report.filename,
        size_bytes=report.size_bytes,
        page_count=report.page_count,
        text=report.text,
        uploaded_by_id=getattr(actor, "id", None),
    )
    evaluation.attachments.append(attachment)
    if not report.text:
        report_text.note_stored(report.sha256)  # read after the commit, outside the request
    record_event(
        actor, "report.attached", "measure", measure.id,
        evaluation=evaluation.position, filename=report.filename, sha256=report.sha256,
        size_bytes=report.size_bytes,
    )  # fmt: skip
    db.session.flush()  # the caller answers with the attachment's id
    return attachment


def remove_report(actor: Any, evaluation: Evaluation, sha256: str) -> bool:
    """Detach a report from a draft's evaluation; False when it has no such report.

    The file stays under UPLOAD_DIR: other revisions (the published one) may use it too.
    Raises PermissionDenied or InvalidTransition.
    """
    measure = _check_draft_evaluation(actor, evaluation)
    attachment = next((a for a in evaluation.attachments if a.sha256 == sha256), None)
    if attachment is None:
        return False
    evaluation.attachments.remove(attachment)
    record_event(
        actor, "report.removed", "measure", measure.id,
        evaluation=evaluation.position, filename=attachment.filename, sha256=sha256,
    )  # fmt: skip
    return True


def visible_attachment(user: Any, measure: Measure, attachment_id: int) -> Attachment | None:
    """The attachment if it belongs to a revision of `measure` that `user` may see."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        return None
    revision = attachment.evaluation.revision
    if revision.measure_id != measure.id:
        return None
    if revision is measure.public_revision:
        return attachment
    if policies.can_view_working_revision(user, measure) and revision in (
        measure.working_revision,
        measure.published_revision,
    ):
        return attachment
    return None
