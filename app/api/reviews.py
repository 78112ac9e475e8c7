"""Peer reviews in the API: a measure's reviews, writing one, reading one, editing your own.

The views call app/reviews/services.py, so the pages' rules and messages hold: who may review
(403 with the page's reason), one review per person and measure (409), the form's messages
field by field (422).
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from flask import request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from app.api import openapi_schemas as schemas
from app.api.auth import require_scope
from app.api.bodies import json_body
from app.api.limits import api_limit
from app.api.measures import iso, visible_measure_or_404
from app.api.openapi_operations import (
    BASE,
    CURL,
    JSON,
    MERGE_PATCH,
    PAGE_PARAMS,
    enum_schema,
    operation,
    query_param,
)
from app.api.pagination import page_args, paginate
from app.api.views import bp, collection_response, json_response
from app.core.extensions import db
from app.core.problems import ApiProblem, BadParameter, ValidationProblem, field_error
from app.core.security import public
from app.core.transaction import discard
from app.measures.policies import can_view_measure
from app.reviews import policies, services
from app.reviews.forms import MSG_YEAR_NOT_NUMBER
from app.reviews.models import DIMENSIONS, Review

REVIEW_FIELDS = tuple(f.name for f in fields(services.ReviewData))
MSG_UNKNOWN_KEY = "is not a known key"  # the record format's words for the same mistake
MSG_BOOLEAN = "must be true or false"
MSG_TEXT = "must be text"
TRUE_WORDS, FALSE_WORDS = ("1", "true"), ("0", "false")


def review_to_json(review: Review) -> dict[str, Any]:
    """A review as the measure page shows it to the caller: who wrote it by role and country
    (moderators also see name and organisation), and why it is hidden to those who see it."""
    user = review.user
    reviewer: dict[str, Any] | None = None
    if user is not None:
        reviewer = {"role": user.role.value, "country": user.country}
        if policies.can_moderate_reviews(current_user):
            reviewer.update(name=user.name, organisation=user.organisation)
    body: dict[str, Any] = {"id": review.id, "measure_id": review.measure_id}
    body.update(review.scores)
    body.update(
        overall=review.overall,
        implemented=review.implemented,
        implemented_country=review.implemented_country,
        implemented_year=review.implemented_year,
        comment=review.comment,
        reviewer=reviewer,
        own=policies.is_author(current_user, review),
        created_at=iso(review.created_at),
        updated_at=iso(review.updated_at),
        edited=review.was_edited,
        hidden=review.is_hidden,
        hidden_reason=review.hidden_reason if review.is_hidden else None,
    )
    return body


def review_data(body: Any, base: services.ReviewData | None = None) -> services.ReviewData:
    """ReviewData from a JSON object, keys absent from it taken from `base`.

    Types are checked here (JSON has them; the form has only text); the service then checks
    the values with the form's messages. Every problem is reported at once (422).
    """
    if not isinstance(body, dict):
        raise ValidationProblem([field_error("review", "must be a JSON object")])
    errors = [field_error(key, MSG_UNKNOWN_KEY) for key in body if key not in REVIEW_FIELDS]
    values: dict[str, Any] = {}
    for key, value in body.items():
        if key not in REVIEW_FIELDS:
            continue
        message = _type_problem(key, value)
        if message:
            errors.append(field_error(key, message))
            value = None
        values[key] = value
    if "implemented" in values:
        values["implemented"] = bool(values["implemented"])
    start = base or services.ReviewData(None, None, None, None, False, None, None, None)
    data = replace(start, **values)
    try:
        services.validate_review_data(data)
    except services.ReviewInvalid as invalid:
        typed = {e["field"] for e in errors}  # a field keeps only its first problem, as on the page
        errors += [field_error(k, m) for k, m in invalid.errors if k not in typed]
    if errors:
        raise ValidationProblem(
            errors, detail="The review has errors; see `errors` for each field."
        )
    return data


def _type_problem(key: str, value: Any) -> str | None:
    if value is None:
        return None  # blank: the service says whether that is allowed
    if key in DIMENSIONS:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else services.MSG_SCORE
    if key == "implemented":
        return None if isinstance(value, bool) else MSG_BOOLEAN
    if key == "implemented_year":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else MSG_YEAR_NOT_NUMBER
    if key == "implemented_country":
        return None if isinstance(value, str) else services.MSG_COUNTRY
    return None if isinstance(value, str) else MSG_TEXT  # comment


def visible_review_or_404(review_id: int) -> Review:
    # A hidden review does not exist for those who may not see it, as on the pages.
    review = db.session.get(Review, review_id)
    if (
        review is None
        or not policies.can_view_review(current_user, review)
        or not can_view_measure(current_user, review.measure)
    ):
        raise ApiProblem(404, "No review with this id.")
    return review


def _already_reviewed(review: Review | None) -> ApiProblem:
    detail = "You have already reviewed this measure. You can change your review with PATCH"
    if review is None:
        return ApiProblem(409, detail + ".")
    location = url_for("api.get_review", review_id=review.id)
    return ApiProblem(409, f"{detail} {location}.", headers={"Location": location})


def _flag(name: str) -> bool:
    raw = request.args.get(name)
    if raw is None or raw.strip().lower() in FALSE_WORDS:
        return False
    if raw.strip().lower() in TRUE_WORDS:
        return True
    raise BadParameter(name, f"{name} must be true or false (got {raw[:20]!r})")


@bp.get("/measures/<int:measure_id>/reviews")
@public
@api_limit
@operation(
    "List a measure's peer reviews",
    "Reviews",
    params=[
        query_param(
            "implemented", enum_schema(("true", "false", "1", "0")), "Only reviews by implementers."
        ),
        *PAGE_PARAMS,
    ],
    ok=(200, schemas.ReviewList, "Reviews, newest first."),
    headers=["Link"],
    errors=[404],
    example=f"curl {BASE}/measures/42/reviews?implemented=true",
)
def list_reviews(measure_id: int) -> Response:
    """The reviews of a measure the caller may see, newest first; `implemented=true` keeps
    those by people who have implemented the measure."""
    measure = visible_measure_or_404(measure_id)
    page, per_page = page_args()
    implemented_only = _flag("implemented")
    reviews = services.reviews_for(current_user, measure, implemented_only=implemented_only)
    shown, total = paginate(reviews, page, per_page)
    return collection_response([review_to_json(r) for r in shown], total, page, per_page)


@bp.post("/measures/<int:measure_id>/reviews")
@public
@api_limit
@require_scope("write")
@operation(
    "Review a published measure",
    "Reviews",
    body=schemas.ReviewInput,
    ok=(201, schemas.Review, "The review, published."),
    headers=["Location"],
    errors=[404, 409],
    description="Practitioners and officials review published measures from other "
    "organisations (403 says why not otherwise); one review per person and measure "
    "(409 points at yours: change it with PATCH).",
    example=CURL + "-H 'Content-Type: application/json' -d '{\"effectiveness\": 4, "
    '"ease": 3, "transferability": 4, "value": 5, "comment": "Worked well in our '
    f"schools.\"}}' {BASE}/measures/42/reviews",
)
def create_review(measure_id: int) -> Response:
    """Review a published measure: 403 with the reason when the caller may not (own
    organisation, role, …), 409 for a second review, 422 with the form's messages."""
    body = json_body()
    measure = visible_measure_or_404(measure_id)
    refusal = policies.review_refusal(current_user, measure)
    if refusal is not None:
        raise ApiProblem(403, refusal)
    existing = services.find_review(current_user, measure)
    if existing is not None:
        raise _already_reviewed(existing)
    data = review_data(body)
    try:
        review = services.create_review(current_user, measure, data)
    except services.ReviewExists as exists:
        raise _already_reviewed(exists.review) from exists
    except IntegrityError as race:  # a second post that raced the first past the check
        discard()
        raise _already_reviewed(services.find_review(current_user, measure)) from race
    response = json_response(review_to_json(review), status=201)
    response.headers["Location"] = url_for("api.get_review", review_id=review.id)
    return response


@bp.get("/reviews/<int:review_id>")
@public
@api_limit
@operation("Read a review", "Reviews", ok=(200, schemas.Review, "The review."), errors=[404])
def get_review(review_id: int) -> Response:
    """One review; a hidden one only for its author and the moderators (404 otherwise)."""
    return json_response(review_to_json(visible_review_or_404(review_id)))


@bp.patch("/reviews/<int:review_id>")
@public
@api_limit
@require_scope("write")
@operation(
    "Change your review",
    "Reviews",
    body=schemas.ReviewPatch,
    body_types=[JSON, MERGE_PATCH],
    ok=(200, schemas.Review, "The review as saved."),
    errors=[404],
)
def update_review(review_id: int) -> Response:
    """Change some fields of your own review (the others keep their values; null clears an
    optional one). The previous content goes into the review's edit history."""
    body = json_body(extra_types=("application/merge-patch+json",))
    review = visible_review_or_404(review_id)
    if not policies.can_edit_review(current_user, review):
        raise ApiProblem(403, "Only the author can edit a review, while the measure is published.")
    current = services.ReviewData(**{name: getattr(review, name) for name in REVIEW_FIELDS})
    data = review_data(body, base=current)
    services.update_review(current_user, review, data)
    return json_response(review_to_json(review))
