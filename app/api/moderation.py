"""Moderation in the API, for moderate-scope tokens of moderators and admins: the queue, a
measure's moderation state, the workflow decisions, and hiding or showing a review.

One route takes every decision the review page offers (`{"action", "comment"}`), since they
share one shape and one service table (app.moderation.services.TRANSITIONS): each checks the
actor (403), the measure's state (409) and the comment (422), and writes its audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from app.api import openapi_schemas as schemas
from app.api.auth import require_scope
from app.api.bodies import json_body
from app.api.limits import api_limit
from app.api.measures import iso, measure_response, revision_summary, working_or_shown
from app.api.openapi_operations import (
    BASE,
    CURL,
    PAGE_PARAMS,
    STR,
    enum_schema,
    operation,
    query_param,
)
from app.api.pagination import int_arg, page_args, paginate
from app.api.reviews import review_to_json
from app.api.views import bp, collection_response, json_response
from app.audit.models import AuditEvent
from app.core.extensions import db
from app.core.problems import ApiProblem, BadParameter, ValidationProblem, field_error
from app.core.security import public
from app.measures import policies as measure_policies
from app.measures.models import Measure, MeasureRevision
from app.moderation import evidence_review, policies, services
from app.moderation.models import RereviewDecision, RereviewRequest
from app.records import vocab
from app.reviews import policies as review_policies
from app.reviews import services as review_services
from app.reviews.models import Review

OLDER_THAN_MAX = 36_500  # days: a hundred years is "any time"
MSG_COMMENT = "Write a comment: the owner and the audit log read it."
HARM_VERDICTS = ("confirmed", "not_confirmed")


def _moderators_only() -> None:
    # Checked before any lookup: someone who may not moderate learns nothing about measures.
    if not policies.can_moderate(current_user):
        raise ApiProblem(403, "Only moderators and admins can moderate.")


def _queue_filters() -> services.QueueFilters:
    state = (request.args.get("state") or "submitted").strip()
    if state not in services.QUEUE_STATES:
        raise BadParameter("state", f"state must be one of {', '.join(services.QUEUE_STATES)}")
    country = (request.args.get("country") or "").strip().upper() or None
    if country is not None and country not in vocab.COUNTRY_CODES:
        raise BadParameter("country", "country must be an ISO 3166-1 alpha-2 country code")
    older = int_arg("older_than", 0, OLDER_THAN_MAX) if "older_than" in request.args else None
    return services.QueueFilters(state=state, country=country, older_than_days=older)


def queue_entry(revision: MeasureRevision) -> dict[str, Any]:
    measure = revision.measure
    owner = measure.owner
    return {
        "measure_id": measure.id,
        "title": revision.title,
        "status": measure.status.value,
        "revision": revision_summary(revision),
        "is_edit": policies.is_edit_of_published(measure, revision),
        "harm_flag": revision.harm_flag,
        "evidence_review": measure.evidence_review.value if measure.evidence_review else None,
        "owner": None
        if owner is None
        else {"id": owner.id, "name": owner.name, "organisation": owner.organisation},
        "allowed_actions": policies.allowed_actions(measure),
    }


@bp.get("/moderation/queue")
@public
@api_limit
@require_scope("moderate")
@operation(
    "The moderation queue",
    "Moderation",
    params=[
        query_param(
            "state", enum_schema(services.QUEUE_STATES), "Which measures (default submitted)."
        ),
        query_param("country", STR, "Only measures in this country (ISO code)."),
        query_param(
            "older_than",
            {"type": "integer", "minimum": 1},
            "Submitted more than this many days ago.",
        ),
        *PAGE_PARAMS,
    ],
    ok=(200, schemas.Queue, "Measures waiting, oldest submission first."),
    headers=["Link"],
    example=CURL + f"{BASE}/moderation/queue",
)
def moderation_queue() -> Response:
    """The moderators' queue: by default the submissions waiting for a decision, oldest
    first; `state`, `country` and `older_than` (days since submission) filter it."""
    _moderators_only()
    filters = _queue_filters()
    page, per_page = page_args()
    revisions, total = paginate(services.queue_select(current_user, filters), page, per_page)
    return collection_response([queue_entry(r) for r in revisions], total, page, per_page)


def _measure_or_404(measure_id: int, *, lock: bool = False) -> Measure:
    # Locked for a decision, so that two moderators deciding at once are serialised.
    measure = db.session.get(Measure, measure_id, with_for_update=lock)
    if measure is None:
        raise ApiProblem(404, "No measure with this id.")
    return measure


def _body_of(body: Any, name: str, keys: dict[str, bool]) -> dict[str, Any]:
    """The body as a dict of text values: unknown keys, non-text values and missing required
    keys (keys[k] is True) are refused together (422)."""
    if not isinstance(body, dict):
        raise ValidationProblem([field_error(name, "must be a JSON object")])
    errors = [field_error(k, "is not a known key") for k in body if k not in keys]
    for key, required in keys.items():
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            errors.append(field_error(key, "must be text"))
        elif required and not (value or "").strip():
            errors.append(field_error(key, evidence_review.REASON_REQUIRED))
    if errors:
        raise ValidationProblem(errors)
    return body


def event_json(event: AuditEvent) -> dict[str, Any]:
    actor = event.actor
    return {
        "id": event.id,
        "action": event.action,
        "at": iso(event.created_at),
        "actor": None if actor is None else {"id": actor.id, "name": actor.name},
        "details": event.details or {},
    }


@bp.get("/measures/<int:measure_id>/moderation")
@public
@api_limit
@require_scope("moderate")
@operation(
    "A measure's moderation state and history",
    "Moderation",
    ok=(
        200,
        schemas.ModerationState,
        "The revision under review, the decisions allowed now, the audit history.",
    ),
    errors=[404],
)
def get_moderation(measure_id: int) -> Response:
    """What the review page shows a moderator: the revision under review, the decisions its
    state allows now, and the measure's audit history (newest first)."""
    _moderators_only()
    review = services.prepare_review(current_user, _measure_or_404(measure_id))
    revision = review.revision
    return json_response(
        {
            "measure_id": review.measure.id,
            "status": review.measure.status.value,
            "revision": revision_summary(revision) if revision is not None else None,
            "is_edit": review.is_edit,
            "allowed_actions": review.actions,
            "history": [event_json(e) for e in review.history],
        }
    )


@bp.post("/measures/<int:measure_id>/moderation")
@public
@api_limit
@require_scope("moderate")
@operation(
    "Decide on a measure",
    "Moderation",
    body=schemas.Decision,
    ok=(200, schemas.Measure, "The measure after the decision."),
    headers=["ETag"],
    errors=[403, 404, 409],
    description="publish, request_changes or reject the submitted revision; archive a "
    "published measure; confirm_evidence or flag_evidence. The comment goes to the owner and "
    "the audit log. 409 when the measure's state does not allow it. Nobody decides on a "
    "measure they wrote or own: a moderator gets 403; an admin gets 202 with "
    '`"status": "pending_confirmation"`, and the decision takes effect when another admin '
    "makes the same one.",
    example=CURL + "-H 'Content-Type: application/json' -d '{\"action\": "
    f'"publish", "comment": "Checked the studies."}}\' {BASE}/measures/42/moderation',
)
def moderate_measure(measure_id: int) -> Response:
    """Decide: `action` is publish, request_changes, reject, archive, confirm_evidence or
    flag_evidence; `comment` goes to the owner and the audit log. Answers the measure."""
    body = json_body()
    _moderators_only()
    if not isinstance(body, dict):
        raise ValidationProblem([field_error("decision", "must be a JSON object")])
    errors = [field_error(k, "is not a known key") for k in body if k not in ("action", "comment")]
    action = body.get("action")
    if action not in policies.ACTIONS:
        errors.append(field_error("action", f"must be one of {', '.join(policies.ACTIONS)}"))
    comment = body.get("comment")
    if not isinstance(comment, str) or not comment.strip():
        errors.append(field_error("comment", MSG_COMMENT))
    if errors:
        raise ValidationProblem(errors)
    measure = _measure_or_404(measure_id, lock=True)
    try:
        outcome = services.decide(current_user, measure, action, comment)
        if action == "confirm_evidence" and not isinstance(outcome, services.PendingDecision):
            # The older confirm_evidence also verifies when it can (EVIDENCE-2027 §7).
            evidence_review.verify_after_confirm(current_user, measure, comment)
    except services.CommentRequired as required:
        raise ValidationProblem([field_error("comment", str(required))]) from required
    if isinstance(outcome, services.PendingDecision):
        # Separation of duties: an admin's decision on their own measure waits for another.
        return jsonify(
            status="pending_confirmation",
            action=action,
            detail="You wrote or own this measure: the decision takes effect when another "
            "admin makes the same decision.",
        ), 202
    return measure_response(measure, working_or_shown(measure))


# --- reviews ---------------------------------------------------------------------------------


def _review_or_404(review_id: int) -> Review:
    review = db.session.scalar(
        select(Review).where(Review.id == review_id).options(selectinload(Review.user))
    )
    if review is None:
        raise ApiProblem(404, "No review with this id.")
    return review


def _change_review_visibility(
    review_id: int, key: str, refusal: str, change: Callable[..., None]
) -> Response:
    """Hide or show a review again: moderators only, one optional text (`key`) for the author
    and the audit log; the service refuses a review already in that state (409)."""
    body = _body_of(json_body(), "body", {key: False})
    if not review_policies.can_moderate_reviews(current_user):
        raise ApiProblem(403, refusal)
    review = _review_or_404(review_id)
    try:
        change(current_user, review, body.get(key))
    except review_services.ReviewInvalid as invalid:
        raise ValidationProblem([field_error(k, m) for k, m in invalid.errors]) from invalid
    return json_response(review_to_json(review))


@bp.post("/reviews/<int:review_id>/hide")
@public
@api_limit
@require_scope("moderate")
@operation(
    "Hide a review (moderators)",
    "Moderation",
    body=schemas.HideReview,
    ok=(200, schemas.Review, "The review, hidden; its author is told why."),
    errors=[404, 409],
)
def hide_review(review_id: int) -> Response:
    """Hide a review from the public and the ratings; `reason` is required (the author reads
    it). 409 when it is already hidden."""
    return _change_review_visibility(
        review_id,
        "reason",
        "Only moderators and admins can hide reviews.",
        review_services.hide_review,
    )


@bp.post("/reviews/<int:review_id>/unhide")
@public
@api_limit
@require_scope("moderate")
@operation(
    "Show a hidden review again (moderators)",
    "Moderation",
    body=schemas.UnhideReview,
    ok=(200, schemas.Review, "The review, visible again."),
    errors=[404, 409],
)
def unhide_review(review_id: int) -> Response:
    """Show a hidden review again, with an optional `note` for the audit log. 409 when it is
    not hidden."""
    return _change_review_visibility(
        review_id,
        "note",
        "Only moderators and admins can show hidden reviews.",
        review_services.unhide_review,
    )


# --- the evidence workflow of EVIDENCE-2027 §7 -----------------------------------------------
# Verification and the experts' verdict on harm (moderators), the owner's request to review the
# level again and a moderator's decision on it. The services check who (403: a different
# moderator each time), the state (409) and the reasons (422), and write the audit events.


def _reasons_problem(required: services.CommentRequired, key: str) -> ValidationProblem:
    return ValidationProblem([field_error(key, str(required))])


def _visible_measure_or_404(measure_id: int) -> Measure:
    measure = db.session.get(Measure, measure_id, with_for_update=True)
    if measure is None or not measure_policies.can_view_measure(current_user, measure):
        raise ApiProblem(404, "No measure with this id.")
    return measure


def rereview_to_json(request_: RereviewRequest) -> dict[str, Any]:
    revision = request_.revision
    return {
        "id": request_.id,
        "measure_id": request_.measure_id,
        "revision": revision.number if revision is not None else None,
        "reason": request_.reason,
        "requested_at": iso(request_.created_at),
        "status": "open" if request_.is_open else "decided",
        "decision": request_.decision.value if request_.decision else None,
        "decision_comment": request_.decision_comment,
        "decided_at": iso(request_.decided_at),
    }


@bp.post("/measures/<int:measure_id>/evidence/verification")
@public
@api_limit
@require_scope("moderate")
@operation(
    "Verify a measure's evidence (a second moderator)",
    "Moderation",
    body=schemas.VerifyEvidence,
    ok=(200, schemas.Measure, "The published measure, its level no longer provisional."),
    errors=[404, 409],
    description="A moderator other than the one who published the revision (and not its "
    "author or owner) records that the extracted figures match the reports: a level of 4 or 5 "
    "stops being provisional. 403 for the publisher, author or owner; 409 when the measure is "
    "not published or these figures are already verified.",
    example=CURL + "-H 'Content-Type: application/json' -d '{\"comment\": "
    f'"Effect sizes checked against the report."}}\' {BASE}/measures/42/evidence/verification',
)
def verify_evidence(measure_id: int) -> Response:
    """Verify the published revision's figures; `comment` (optional) goes to the audit log."""
    body = _body_of(json_body(), "verification", {"comment": False})
    _moderators_only()
    measure = _measure_or_404(measure_id, lock=True)
    revision = evidence_review.verify_evidence(current_user, measure, body.get("comment"))
    return measure_response(measure, revision)


@bp.post("/measures/<int:measure_id>/evidence/harm-review")
@public
@api_limit
@require_scope("moderate")
@operation(
    "Record the experts' verdict on a harm signal",
    "Moderation",
    body=schemas.HarmReview,
    ok=(200, schemas.Measure, "The measure, its level recomputed with the verdict."),
    errors=[404, 409],
    description="`confirmed` gives the label Negative effects found; `not_confirmed` clears "
    "the harm flag (kept in the history). The reasons go to the owner and the audit log. 403 "
    "for the publisher, author or owner; 409 when the measure has no harm signal.",
)
def review_harm(measure_id: int) -> Response:
    """The experts' verdict (`confirmed` or `not_confirmed`) with `reasons` (required)."""
    body = _body_of(json_body(), "harm_review", {"verdict": True, "reasons": True})
    _moderators_only()
    if body["verdict"] not in HARM_VERDICTS:
        raise ValidationProblem(
            [field_error("verdict", f"must be one of {', '.join(HARM_VERDICTS)}")]
        )
    measure = _measure_or_404(measure_id, lock=True)
    try:
        revision = evidence_review.record_harm_review(
            current_user, measure, body["verdict"] == "confirmed", body["reasons"]
        )
    except services.CommentRequired as required:
        raise _reasons_problem(required, "reasons") from required
    return measure_response(measure, revision)


@bp.get("/measures/<int:measure_id>/evidence/rereview-requests")
@public
@api_limit
@require_scope("read")
@operation(
    "Requests to review a measure's evidence again",
    "Moderation",
    ok=(200, schemas.RereviewRequests, "The measure's requests and decisions, newest first."),
    errors=[404],
    description="For the measure's owner and the moderators (403 for anyone else).",
)
def list_rereviews(measure_id: int) -> Response:
    measure = _visible_measure_or_404(measure_id)
    requests = evidence_review.rereview_requests_of(current_user, measure)
    return json_response({"results": [rereview_to_json(r) for r in requests]})


@bp.post("/measures/<int:measure_id>/evidence/rereview-requests")
@public
@api_limit
@require_scope("write")
@operation(
    "Ask for a measure's evidence to be reviewed again (its owner)",
    "Moderation",
    body=schemas.RereviewRequestBody,
    ok=(201, schemas.RereviewRequest, "The request, open until a moderator decides."),
    errors=[404, 409],
    description="The owner of a published measure asks, with a reason (required), for its "
    "level to be reviewed again; a moderator other than the ones who published or verified it "
    "decides. 403 for anyone but the owner; 409 when the measure is not published or a "
    "request is already open.",
    example=CURL + "-H 'Content-Type: application/json' -d '{\"reason\": "
    f'"The attrition was copied wrongly."}}\' {BASE}/measures/42/evidence/rereview-requests',
)
def request_rereview(measure_id: int) -> Response:
    body = _body_of(json_body(), "rereview_request", {"reason": True})
    measure = _visible_measure_or_404(measure_id)
    try:
        rereview = evidence_review.request_rereview(current_user, measure, body["reason"])
    except services.CommentRequired as required:
        raise _reasons_problem(required, "reason") from required
    return json_response(rereview_to_json(rereview), 201)


@bp.post("/rereview-requests/<int:request_id>/decision")
@public
@api_limit
@require_scope("moderate")
@operation(
    "Decide on a request to review the evidence again",
    "Moderation",
    body=schemas.RereviewDecisionBody,
    ok=(200, schemas.RereviewRequest, "The request, decided; the owner is told."),
    errors=[404, 409],
    description="`upheld`: the figures were checked again and the level stands; "
    "`changes_requested`: the owner is asked to correct the figures. The comment (required) "
    "goes to the owner and the audit log. 403 for the moderator who asked, published or "
    "verified; 409 when the request is already decided.",
)
def decide_rereview(request_id: int) -> Response:
    body = _body_of(json_body(), "decision", {"decision": True, "comment": True})
    _moderators_only()
    values = [d.value for d in RereviewDecision]
    if body["decision"] not in values:
        raise ValidationProblem([field_error("decision", f"must be one of {', '.join(values)}")])
    rereview = db.session.get(RereviewRequest, request_id, with_for_update=True)
    if rereview is None:
        raise ApiProblem(404, "No request with this id.")
    try:
        evidence_review.decide_rereview(current_user, rereview, body["decision"], body["comment"])
    except services.CommentRequired as required:
        raise _reasons_problem(required, "comment") from required
    return json_response(rereview_to_json(rereview))
