"""Who may write, edit, see and hide peer reviews. Pure functions of the user and the objects.

Reviewers are practitioners and officials (DESIGN §1). Moderators and admins do not write
reviews: they are the ones who hide reviews, and a judge should not be a party; an admin who
also works in the field can hold a second, practitioner account.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.accounts.models import Role
from app.measures.models import Measure, MeasureStatus
from app.reviews.models import Review

REVIEWER_ROLES = (Role.PRACTITIONER, Role.OFFICIAL)

MSG_SIGN_IN = _l("Sign in to write a review.")
MSG_ROLE = _l(
    "Reviews are written by practitioners and officials. Moderators and admins moderate them."
)
MSG_UNPUBLISHED = _l("Only published measures can be reviewed.")
MSG_OWNER = _l("You submitted this measure, so you cannot review it.")
MSG_OWN_ORGANISATION = _l(
    "This measure comes from your own organisation (%(organisation)s). Reviews come from other "
    "organisations, so that they stay independent."
)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _is_moderator(user: Any) -> bool:
    return _signed_in(user) and bool(user.is_moderator)


def normalise_organisation(name: str | None) -> str:
    """Compare organisation names ignoring case and runs of spaces."""
    return " ".join((name or "").split()).casefold()


def same_organisation(a: str | None, b: str | None) -> bool:
    """Two names of the same organisation. An empty name matches nothing."""
    left, right = normalise_organisation(a), normalise_organisation(b)
    return bool(left) and left == right


def review_refusal(user: Any, measure: Measure) -> str | None:
    """Why `user` may not review `measure`, or None when they may.

    Covers everything but an existing review by the same user (that needs the database:
    services.create_review checks it). The organisation counts twice: the measure's stated
    organisation and the organisation of the person who submitted it.
    """
    # Flask-Login counts a suspended or pending account as not signed in (is_authenticated
    # follows is_active), so this covers them too.
    if not _signed_in(user) or not user.is_active:
        return str(MSG_SIGN_IN)
    if user.role not in REVIEWER_ROLES:
        return str(MSG_ROLE)
    if measure.status != MeasureStatus.PUBLISHED or measure.published_revision_id is None:
        return str(MSG_UNPUBLISHED)
    if measure.owner_id is not None and measure.owner_id == user.id:
        return str(MSG_OWNER)
    owner = measure.owner
    for organisation in (measure.organisation, getattr(owner, "organisation", None)):
        if same_organisation(user.organisation, organisation):
            return str(MSG_OWN_ORGANISATION) % {"organisation": organisation.strip()}
    return None


def can_review_measure(user: Any, measure: Measure) -> bool:
    """Signed in, active, practitioner or official, measure published (harm-flagged too),
    neither its owner nor from its organisation."""
    return review_refusal(user, measure) is None


def is_author(user: Any, review: Review) -> bool:
    return _signed_in(user) and review.user_id is not None and review.user_id == user.id


def can_view_review(user: Any, review: Review) -> bool:
    """Visible reviews are public; a hidden one only for its author and the moderators."""
    return not review.is_hidden or is_author(user, review) or _is_moderator(user)


def can_edit_review(user: Any, review: Review) -> bool:
    """Only the author, hidden or not (they may fix what was wrong), while the measure is
    published: an archived measure's reviews are closed."""
    return (
        is_author(user, review)
        and user.is_active
        and review.measure is not None
        and review.measure.status == MeasureStatus.PUBLISHED
    )


def can_moderate_reviews(user: Any) -> bool:
    return _is_moderator(user)


def can_hide_review(user: Any, review: Review) -> bool:
    return _is_moderator(user) and not review.is_hidden


def can_unhide_review(user: Any, review: Review) -> bool:
    return _is_moderator(user) and review.is_hidden
