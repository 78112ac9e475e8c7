"""The evidence workflow of EVIDENCE-2027 §7: verification, expert review of harm, re-review.

- A level of 4 or 5 is provisional until a moderator other than the publisher verifies the
  figures against the reports (`verify_evidence`).
- A moderator records the experts' verdict on a harm flag (`record_harm_review`): "not
  confirmed" clears the flag, "confirmed" gives the label Negative effects found.
- The owner of a published measure may ask for a re-review of its level
  (`request_rereview`); a different moderator decides (`decide_rereview`).

Like the transitions in app/moderation/services.py, each function checks the actor
(PermissionDenied: a different moderator each time, app/moderation/policies.py), the state
(InvalidTransition) and the reasons (CommentRequired), writes an audit event, tells the owner
and flushes; the caller commits. A check holds for the figures it saw: when the evaluations
change, app/measures/evidence_state.py forgets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.audit.services import notify, record_event
from app.core.dbtypes import utcnow
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.measures import policies as measure_policies
from app.measures.evidence_state import (
    REREVIEW_AFTER,
    due_for_rereview,
    is_verified,
    last_reviewed,
    refresh_evidence,
    update_provisional,
)
from app.measures.models import HarmReview, Measure, MeasureRevision, MeasureStatus
from app.moderation import policies
from app.moderation.models import RereviewDecision, RereviewRequest
from app.moderation.services import (
    COMMENT_MAX_LENGTH,
    CommentRequired,
    level_text,
    measure_link,
)
from app.outbox.services import enqueue_index_change

REASON_REQUIRED = _l("Give your reasons: the owner and the audit log read them.")
REASON_TOO_LONG = _l("The reasons must be at most %(max)s characters.")
ALREADY_VERIFIED = _l("These figures have already been verified.")
NO_HARM_FLAG = _l("The rules raise no harm flag on this measure: there is nothing to review.")
REQUEST_OPEN = _l("A request to review this level again is already waiting for a decision.")
REQUEST_DECIDED = _l("This request has already been decided.")
# Why a check needs a published (or submitted) measure; %(state)s is the measure's state.
NOT_PUBLISHED = {
    "verified": _l(
        "Only a published measure's evidence can be verified: the measure is %(state)s."
    ),
    "reviewed": _l(
        "Only a published measure's evidence can be reviewed: the measure is %(state)s."
    ),
    "reviewed again": _l(
        "Only a published measure's evidence can be reviewed again: the measure is %(state)s."
    ),
}


def _reasons(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise CommentRequired(str(REASON_REQUIRED))
    if len(text) > COMMENT_MAX_LENGTH:
        raise CommentRequired(str(REASON_TOO_LONG) % {"max": format_decimal(COMMENT_MAX_LENGTH)})
    return text


def _not_published(measure: Measure, what: str) -> InvalidTransition:
    state = policies.state_in_sentence(measure.status.value)
    return InvalidTransition(str(NOT_PUBLISHED[what]) % {"state": state})


def _published_revision(measure: Measure, what: str) -> MeasureRevision:
    revision = measure.published_revision
    if measure.status != MeasureStatus.PUBLISHED or revision is None:
        raise _not_published(measure, what)
    return revision


def _second_moderator(actor: Any, revision: MeasureRevision) -> None:
    refusal = policies.second_moderator_refusal(actor, revision)
    if refusal is not None:
        raise PermissionDenied(str(refusal))


def _reviewed(actor: Any, revision: MeasureRevision, now: datetime) -> None:
    """§7: the page shows when the evidence was last reviewed and by which role."""
    revision.evidence_reviewed_at = now
    revision.evidence_reviewed_role = str(actor.role)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _tell_owner(measure: Measure, text: LazyString) -> None:
    # One line (the values are made one line each): notify() takes the mail subject from the
    # start of the message. Lazy: notify() writes it in the owner's language.
    notify(measure.owner, text, measure_link(measure))


def verify_evidence(actor: Any, measure: Measure, comment: str | None = None) -> MeasureRevision:
    """Record that a second moderator checked the published revision's figures against its
    reports: a level of 4 or 5 stops being provisional. Raises PermissionDenied (not a
    moderator, or the one who published it, wrote it or owns it) and InvalidTransition (not
    published, or these figures already verified)."""
    revision = _published_revision(measure, "verified")
    _second_moderator(actor, revision)
    if is_verified(revision):
        raise InvalidTransition(str(ALREADY_VERIFIED))
    now = utcnow()
    revision.evidence_verified_by_id = actor.id
    revision.evidence_verified_at = now
    _reviewed(actor, revision, now)
    update_provisional(revision)
    record_event(
        actor, "evidence.verified", "measure", measure.id,
        revision=revision.number, evidence_level=revision.evidence_level,
        evidence_label=revision.evidence_label, evidence_digest=revision.evidence_digest,
        comment=(comment or "").strip() or None,
    )  # fmt: skip
    _tell_owner(
        measure,
        _l(
            "The evidence of your measure “%(title)s” (%(level)s) was verified by a second"
            " moderator.",
            title=_one_line(revision.title),
            level=level_text(revision),
        ),
    )
    db.session.flush()
    return revision


def record_harm_review(
    actor: Any, measure: Measure, confirmed: bool, reasons: str
) -> MeasureRevision:
    """Record the experts' verdict on the harm flag of the revision under review (the
    submitted one while a decision is pending, else the published one) and recompute its
    level. Raises PermissionDenied, InvalidTransition (no harm flag, or not submitted or
    published) and CommentRequired (no reasons)."""
    revision = policies.evidence_revision(measure)
    if revision is None:
        raise _not_published(measure, "reviewed")
    _second_moderator(actor, revision)
    reasons = _reasons(reasons)
    if not revision.harm_flag and revision.harm_review is None:
        raise InvalidTransition(str(NO_HARM_FLAG))
    before = (revision.evidence_level, revision.evidence_label, revision.harm_flag)
    verdict = HarmReview.CONFIRMED if confirmed else HarmReview.NOT_CONFIRMED
    revision.harm_review = verdict
    revision.harm_review_reasons = reasons
    now = utcnow()
    revision.harm_reviewed_by_id = actor.id
    revision.harm_reviewed_at = now
    _reviewed(actor, revision, now)
    refresh_evidence(revision)  # the verdict moves the level; the figures, and so the review, stay
    if revision is measure.published_revision and measure.status == MeasureStatus.PUBLISHED:
        enqueue_index_change(measure.id, "upsert")  # search shows the label and the flag
    record_event(
        actor, "evidence.harm_reviewed", "measure", measure.id,
        revision=revision.number, verdict=verdict.value, reasons=reasons,
        before={"evidence_level": before[0], "evidence_label": before[1], "harm_flag": before[2]},
        after={
            "evidence_level": revision.evidence_level,
            "evidence_label": revision.evidence_label,
            "harm_flag": revision.harm_flag,
        },
    )  # fmt: skip
    title, one_line_reasons = _one_line(revision.title), _one_line(reasons)
    if confirmed:
        text = _l(
            "Experts confirmed the unfavourable effect reported for your measure “%(title)s”:"
            " its evidence is now labelled %(label)s. Reasons: %(reasons)s",
            title=title,
            label=revision.evidence_label,
            reasons=one_line_reasons,
        )
    else:
        text = _l(
            "Experts did not confirm the unfavourable effect reported for your measure"
            " “%(title)s”, so its harm flag is cleared. Reasons: %(reasons)s",
            title=title,
            reasons=one_line_reasons,
        )
    _tell_owner(measure, text)
    db.session.flush()
    return revision


def request_rereview(owner: Any, measure: Measure, reason: str) -> RereviewRequest:
    """The owner asks the moderators to review the published level again, with a reason.
    Raises PermissionDenied (not the owner), InvalidTransition (not published, or a request
    already open) and CommentRequired (no reason)."""
    if not measure_policies.is_owner(owner, measure):
        raise PermissionDenied(
            _("Only the owner of a measure can ask for its level to be reviewed.")
        )
    revision = _published_revision(measure, "reviewed again")
    reason = _reasons(reason)
    if open_rereview_request(measure) is not None:
        raise InvalidTransition(str(REQUEST_OPEN))
    request = RereviewRequest(
        measure_id=measure.id, revision_id=revision.id, requested_by_id=owner.id, reason=reason
    )
    db.session.add(request)
    db.session.flush()
    record_event(
        owner, "evidence.rereview_requested", "measure", measure.id,
        revision=revision.number, request=request.id, reason=reason,
        evidence_level=revision.evidence_level, evidence_label=revision.evidence_label,
    )  # fmt: skip
    db.session.flush()
    return request


def decide_rereview(
    actor: Any, request: RereviewRequest, decision: RereviewDecision | str, comment: str
) -> RereviewRequest:
    """A moderator decides on a re-review request: `upheld` (the figures were checked again
    and the level stands: a review of the published revision) or `changes_requested` (the
    owner is asked to correct the figures in an edit). Raises PermissionDenied (not a
    moderator, or the one who asked, published or verified), InvalidTransition (already
    decided) and CommentRequired; ValueError for an unknown decision."""
    decision = RereviewDecision(decision)
    refusal = policies.rereview_decision_refusal(actor, request)
    if refusal is not None:
        raise PermissionDenied(str(refusal))
    if not request.is_open:
        raise InvalidTransition(str(REQUEST_DECIDED))
    comment = _reasons(comment)
    measure = request.measure
    request.decision = decision
    request.decision_comment = comment
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    revision = request.revision
    if decision == RereviewDecision.UPHELD and revision is measure.published_revision:
        _reviewed(actor, revision, request.decided_at)
    record_event(
        actor, "evidence.rereview_decided", "measure", measure.id,
        request=request.id, decision=decision.value, comment=comment,
        revision=revision.number if revision is not None else None,
    )  # fmt: skip
    title = _one_line(revision.title if revision is not None else measure.title)
    if decision == RereviewDecision.UPHELD:
        text = _l(
            "Your request to review the evidence level of “%(title)s” was decided: the figures"
            " were checked again and the level stands. Moderator's comment: %(comment)s",
            title=title,
            comment=_one_line(comment),
        )
    else:
        text = _l(
            "Your request to review the evidence level of “%(title)s” was decided: please"
            " correct the figures in an edit of the measure. Moderator's comment: %(comment)s",
            title=title,
            comment=_one_line(comment),
        )
    _tell_owner(measure, text)
    db.session.flush()
    return request


# --- what the pages to come will read -----------------------------------------------------------


def open_rereview_request(measure: Measure) -> RereviewRequest | None:
    return db.session.scalar(
        select(RereviewRequest).where(
            RereviewRequest.measure_id == measure.id, RereviewRequest.decision.is_(None)
        )
    )


def rereview_requests_of(user: Any, measure: Measure) -> list[RereviewRequest]:
    """A measure's requests and decisions, newest first: for its owner and the moderators.
    Raises PermissionDenied for anyone else."""
    if not (measure_policies.is_owner(user, measure) or policies.can_moderate(user)):
        raise PermissionDenied(_("Only the owner and the moderators see these requests."))
    return list(
        db.session.scalars(
            select(RereviewRequest)
            .where(RereviewRequest.measure_id == measure.id)
            .order_by(RereviewRequest.created_at.desc(), RereviewRequest.id.desc())
        )
    )


def open_rereview_requests_select(actor: Any) -> Select:
    """Open requests, oldest first, for the moderators' queue. Raises PermissionDenied."""
    if not policies.can_moderate(actor):
        raise PermissionDenied(_("Only moderators and admins can see this."))
    return (
        select(RereviewRequest)
        .where(RereviewRequest.decision.is_(None))
        .options(selectinload(RereviewRequest.measure), selectinload(RereviewRequest.requested_by))
        .order_by(RereviewRequest.created_at, RereviewRequest.id)
    )


def verify_after_confirm(actor: Any, measure: Measure, comment: str | None) -> None:
    """The older "confirm the evidence level" is kept as an alias of verification: after a
    confirmation of the published revision by a moderator who may verify it (a second
    moderator), the figures are verified as well. Otherwise nothing more happens."""
    revision = measure.published_revision
    if (
        revision is not None
        and measure.status == MeasureStatus.PUBLISHED
        and policies.evidence_revision(measure) is revision
        and not is_verified(revision)
        and policies.second_moderator_refusal(actor, revision) is None
    ):
        verify_evidence(actor, measure, comment)


# --- what the moderation pages and the owner's panel show ---------------------------------------


@dataclass(frozen=True)
class EvidenceChecks:
    """The §7 state of a measure for the review page: each check, and why the moderator
    looking may not do it (None when they may)."""

    published: MeasureRevision | None
    verified: bool
    last_reviewed: datetime | None
    due: bool
    verify_offered: bool  # published, with figures not verified yet
    verify_refusal: LazyString | None
    harm_revision: MeasureRevision | None  # a revision with a harm signal or a verdict
    harm_refusal: LazyString | None
    open_request: RereviewRequest | None
    decide_refusal: LazyString | None
    requests: list[RereviewRequest]


def evidence_checks(actor: Any, measure: Measure, now: datetime | None = None) -> EvidenceChecks:
    """Raises PermissionDenied for anyone but moderators."""
    if not policies.can_moderate(actor):
        raise PermissionDenied(_("Only moderators and admins can see this."))
    published = measure.published_revision
    if measure.status != MeasureStatus.PUBLISHED:
        published = None
    verified = published is not None and is_verified(published)
    harm = policies.evidence_revision(measure)
    if harm is not None and not (harm.harm_flag or harm.harm_review is not None):
        harm = None
    request = open_rereview_request(measure)
    return EvidenceChecks(
        published=published,
        verified=verified,
        last_reviewed=last_reviewed(published) if published is not None else None,
        due=published is not None and due_for_rereview(published, now),
        verify_offered=published is not None and not verified,
        verify_refusal=None
        if published is None
        else policies.second_moderator_refusal(actor, published),
        harm_revision=harm,
        harm_refusal=None if harm is None else policies.second_moderator_refusal(actor, harm),
        open_request=request,
        decide_refusal=None
        if request is None
        else policies.rereview_decision_refusal(actor, request),
        requests=rereview_requests_of(actor, measure),
    )


@dataclass(frozen=True)
class OwnerRereview:
    """What the owner's panel on the measure page shows: may they ask, and their requests."""

    may_ask: bool
    open_request: RereviewRequest | None
    latest: RereviewRequest | None  # the newest request, open or decided


def owner_rereview(user: Any, measure: Measure) -> OwnerRereview | None:
    """None for anyone but the owner (the panel is theirs alone)."""
    if not measure_policies.is_owner(user, measure):
        return None
    requests = rereview_requests_of(user, measure)
    request = next((r for r in requests if r.is_open), None)
    return OwnerRereview(
        may_ask=request is None and policies.can_request_rereview(user, measure),
        open_request=request,
        latest=requests[0] if requests else None,
    )


def _published_shown() -> Select:
    return (
        select(Measure)
        .join(MeasureRevision, MeasureRevision.id == Measure.published_revision_id)
        .where(Measure.status == MeasureStatus.PUBLISHED)
        .options(selectinload(Measure.owner), selectinload(Measure.published_revision))
    )


def to_verify_select(actor: Any) -> Select:
    """Published measures whose level (4 or 5) is provisional, oldest publication first.
    Raises PermissionDenied."""
    if not policies.can_moderate(actor):
        raise PermissionDenied(_("Only moderators and admins can see this."))
    return (
        _published_shown()
        .where(MeasureRevision.evidence_provisional.is_(True))
        .order_by(MeasureRevision.decided_at, Measure.id)
    )


def due_select(actor: Any, now: datetime | None = None) -> Select:
    """Published measures whose evidence was last reviewed (or published) 24 months ago or
    more, longest-waiting first. Raises PermissionDenied."""
    if not policies.can_moderate(actor):
        raise PermissionDenied(_("Only moderators and admins can see this."))
    since = func.coalesce(MeasureRevision.evidence_reviewed_at, MeasureRevision.decided_at)
    return (
        _published_shown()
        .where(since <= (now or utcnow()) - REREVIEW_AFTER)
        .order_by(since, Measure.id)
    )
