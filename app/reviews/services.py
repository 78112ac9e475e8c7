"""Writing, editing, hiding and listing peer reviews. One call is one unit of work: the caller
commits.

Every change recomputes the measure's rating aggregates and queues a search re-index in the
same transaction, so the rating sort in search follows the reviews. Raises PermissionDenied
when the actor may not act, ReviewInvalid for data a person can correct, ReviewExists for a
second review of the same measure, InvalidTransition for hiding a hidden review (or showing a
visible one).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit.services import notify, record_event
from app.core.dbtypes import utcnow
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.measures.models import Measure
from app.outbox.services import enqueue_index_change
from app.records import vocab
from app.reviews import policies
from app.reviews.aggregates import refresh_aggregates
from app.reviews.models import DIMENSIONS, SCORE_MAX, SCORE_MIN, Review, ReviewVersion

COMMENT_MIN_LENGTH = 10
COMMENT_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 2000
YEAR_MIN = 1950

MSG_SCORE = _l("Choose a score from %(low)s to %(high)s.", low=SCORE_MIN, high=SCORE_MAX)
MSG_COMMENT_MISSING = _l("Write a comment: what worked, what did not, and for whom.")
MSG_COMMENT_SHORT = _l("Write at least %(min)s characters.", min=COMMENT_MIN_LENGTH)
MSG_COMMENT_LONG = _l("Use at most %(max)s characters (this has %(length)s).")
MSG_COUNTRY = _l("Choose the country from the list.")
MSG_YEAR = _l("Enter a year from %(low)s to %(high)s.")
MSG_NOT_IMPLEMENTED = _l("Leave this empty, or tick “I have implemented this measure” if you have.")
MSG_REASON_MISSING = _l("Write the reason: the author reads it, and it goes into the audit log.")
MSG_REASON_LONG = _l("Use at most %(max)s characters.")


def _reason_too_long() -> str:
    return str(MSG_REASON_LONG) % {"max": format_decimal(REASON_MAX_LENGTH)}


class ReviewInvalid(Exception):
    """Data a person can correct: `errors` is a list of (field name, message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))
        self.errors = errors


class ReviewExists(Exception):
    """The user has already reviewed this measure; `review` is that review (edit it instead)."""

    def __init__(self, review: Review) -> None:
        super().__init__(_("You have already reviewed this measure. You can edit your review."))
        self.review = review


@dataclass(frozen=True)
class ReviewData:
    """A review's content as the form or an API sends it (before validation)."""

    effectiveness: int | None
    ease: int | None
    transferability: int | None
    value: int | None
    implemented: bool
    implemented_country: str | None
    implemented_year: int | None
    comment: str | None


def validate_review_data(data: ReviewData) -> ReviewData:
    """`data` cleaned (comment trimmed, country upper-case, blanks None); raises ReviewInvalid
    with every problem at once."""
    errors: list[tuple[str, str]] = []
    for name in DIMENSIONS:
        score = getattr(data, name)
        if (
            not isinstance(score, int)
            or isinstance(score, bool)
            or not (SCORE_MIN <= score <= SCORE_MAX)
        ):
            errors.append((name, str(MSG_SCORE)))
    country = (data.implemented_country or "").strip().upper() or None
    year = data.implemented_year
    if country is not None:
        if not data.implemented:
            errors.append(("implemented_country", str(MSG_NOT_IMPLEMENTED)))
        elif country not in vocab.COUNTRY_CODES:
            errors.append(("implemented_country", str(MSG_COUNTRY)))
    if year is not None:
        high = utcnow().year
        if not data.implemented:
            errors.append(("implemented_year", str(MSG_NOT_IMPLEMENTED)))
        elif not (YEAR_MIN <= year <= high):
            errors.append(("implemented_year", str(MSG_YEAR) % {"low": YEAR_MIN, "high": high}))
    comment = (data.comment or "").strip()
    if not comment:
        errors.append(("comment", str(MSG_COMMENT_MISSING)))
    elif len(comment) < COMMENT_MIN_LENGTH:
        errors.append(("comment", str(MSG_COMMENT_SHORT)))
    elif len(comment) > COMMENT_MAX_LENGTH:
        numbers = {
            "max": format_decimal(COMMENT_MAX_LENGTH),
            "length": format_decimal(len(comment)),
        }
        errors.append(("comment", str(MSG_COMMENT_LONG) % numbers))
    if errors:
        raise ReviewInvalid(errors)
    return ReviewData(
        effectiveness=data.effectiveness,
        ease=data.ease,
        transferability=data.transferability,
        value=data.value,
        implemented=bool(data.implemented),
        implemented_country=country,
        implemented_year=year,
        comment=comment,
    )


def _content(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(ReviewData)}


def measure_title(measure: Measure) -> str:
    """The title the public knows: the published one, not a draft's."""
    revision = measure.published_revision or measure.current_revision
    return revision.title if revision is not None else f"measure {measure.id}"


def review_link(review: Review) -> str:
    """Where a review is read: its place on the measure page. A path, so the CLI can use it."""
    return f"/measures/{review.measure_id}#review-{review.id}"


def _after_change(measure_id: int) -> None:
    for changed in sorted(refresh_aggregates(measure_id)):
        enqueue_index_change(changed, "upsert")


def find_review(user: Any, measure: Measure) -> Review | None:
    """`user`'s review of `measure`, hidden or not."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Review).where(Review.measure_id == measure.id, Review.user_id == user.id)
    )


def create_review(actor: Any, measure: Measure, data: ReviewData) -> Review:
    """`actor`'s review of `measure`. Raises PermissionDenied (with the reason), ReviewExists,
    ReviewInvalid."""
    refusal = policies.review_refusal(actor, measure)
    if refusal is not None:
        raise PermissionDenied(refusal)
    clean = validate_review_data(data)
    # Two posts at once can both pass this check; the unique constraint stops the second
    # (IntegrityError at flush), and the view answers it like this one.
    existing = find_review(actor, measure)
    if existing is not None:
        raise ReviewExists(existing)
    now = utcnow()
    review = Review(
        measure_id=measure.id, user_id=actor.id, created_at=now, updated_at=now, **_content(clean)
    )
    db.session.add(review)
    db.session.flush()
    record_event(
        actor,
        "review.created",
        "review",
        review.id,
        measure_id=measure.id,
        scores=review.scores,
        implemented=review.implemented,
    )
    _after_change(measure.id)
    return review


def update_review(actor: Any, review: Review, data: ReviewData) -> Review:
    """Save new content; the previous content goes into the edit history. Unchanged content
    writes nothing. Raises PermissionDenied, ReviewInvalid."""
    if not policies.can_edit_review(actor, review):
        raise PermissionDenied(_("Only the author can edit this review."))
    clean = validate_review_data(data)
    before, after = _content(review), _content(clean)
    if before == after:
        return review
    review.versions.append(
        ReviewVersion(
            **before,
            written_at=review.updated_at,
            edited_by_id=getattr(actor, "id", None),
        )
    )
    for name, value in after.items():
        setattr(review, name, value)
    review.updated_at = utcnow()
    db.session.flush()
    changed = sorted(name for name in after if before[name] != after[name])
    record_event(
        actor,
        "review.updated",
        "review",
        review.id,
        measure_id=review.measure_id,
        changed=changed,
        scores=review.scores,
        hidden=review.is_hidden,
    )
    _after_change(review.measure_id)
    return review


def hide_review(actor: Any, review: Review, reason: str | None) -> Review:
    """Hide `review` from the public and the aggregates; the author is told why.

    Raises PermissionDenied (not a moderator), InvalidTransition (already hidden),
    ReviewInvalid (no reason, or too long)."""
    if not policies.can_moderate_reviews(actor):
        raise PermissionDenied(_("Only moderators and admins can hide reviews."))
    if review.is_hidden:
        raise InvalidTransition(_("This review is already hidden."))
    reason = (reason or "").strip()
    if not reason:
        raise ReviewInvalid([("reason", str(MSG_REASON_MISSING))])
    if len(reason) > REASON_MAX_LENGTH:
        raise ReviewInvalid([("reason", _reason_too_long())])
    review.hidden_at = utcnow()
    review.hidden_by_id = actor.id
    review.hidden_reason = reason
    db.session.flush()
    record_event(
        actor, "review.hidden", "review", review.id, measure_id=review.measure_id, reason=reason
    )
    title = measure_title(review.measure)
    notify(  # lazy: written in the author's language
        review.user,
        _l(
            "A moderator hid your review of “%(title)s”. Reason: %(reason)s",
            title=" ".join(title.split()),
            reason=" ".join(reason.split()),
        ),
        review_link(review),
    )
    _after_change(review.measure_id)
    return review


def unhide_review(actor: Any, review: Review, note: str | None = None) -> Review:
    """Show a hidden review again; the author is told. Raises PermissionDenied,
    InvalidTransition (not hidden), ReviewInvalid (note too long)."""
    if not policies.can_moderate_reviews(actor):
        raise PermissionDenied(_("Only moderators and admins can show hidden reviews."))
    if not review.is_hidden:
        raise InvalidTransition(_("This review is not hidden."))
    note = (note or "").strip() or None
    if note is not None and len(note) > REASON_MAX_LENGTH:
        raise ReviewInvalid([("note", _reason_too_long())])
    previous_reason = review.hidden_reason
    review.hidden_at = review.hidden_by_id = review.hidden_reason = None
    db.session.flush()
    record_event(
        actor,
        "review.unhidden",
        "review",
        review.id,
        measure_id=review.measure_id,
        note=note,
        previous_reason=previous_reason,
    )
    notify(  # lazy: written in the author's language
        review.user,
        _l(
            "Your review of “%(title)s” is visible again.",
            title=" ".join(measure_title(review.measure).split()),
        ),
        review_link(review),
    )
    _after_change(review.measure_id)
    return review


def reviews_for(viewer: Any, measure: Measure, *, implemented_only: bool = False) -> list[Review]:
    """The reviews of `measure` that `viewer` may see, newest first: the visible ones, plus
    the viewer's own hidden one, plus every hidden one for moderators."""
    stmt = (
        select(Review)
        .where(Review.measure_id == measure.id)
        .options(selectinload(Review.user), selectinload(Review.versions))
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    if implemented_only:
        stmt = stmt.where(Review.implemented.is_(True))
    if not policies.can_moderate_reviews(viewer):
        own_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
        visible = Review.hidden_at.is_(None)
        stmt = stmt.where(visible | (Review.user_id == own_id) if own_id else visible)
    return list(db.session.scalars(stmt))
