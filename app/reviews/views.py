"""Review pages: write, edit, hide and show again; and the reviews section of the measure page.

The measure page (measures.show) belongs to the measures area; it includes
templates/reviews/_section.html, which asks `review_section(measure)` (a template global
registered here) for everything it shows, so the measures view needs no change for reviews.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from app.core.exceptions import InvalidTransition
from app.core.extensions import db
from app.core.i18n import current_language
from app.core.transaction import discard
from app.measures.models import Measure, MeasureStatus
from app.measures.policies import can_view_measure
from app.records import vocab
from app.reviews import policies, services
from app.reviews.aggregates import PRIOR_WEIGHT, DimensionRating, Ratings, ratings_for
from app.reviews.charts import distribution_chart
from app.reviews.forms import HideForm, ReviewForm, UnhideForm, add_errors
from app.reviews.models import SCORE_WORDS, Review

bp = Blueprint("reviews", __name__)


@bp.record_once
def _template_globals(state: Any) -> None:
    state.app.jinja_env.globals.setdefault("review_section", review_section)


def _measure_or_404(measure_id: int) -> Measure:
    measure = db.session.get(Measure, measure_id)
    if measure is None or not can_view_measure(current_user, measure):
        abort(404)
    return measure


def _review_or_404(review_id: int) -> Review:
    # A hidden review does not exist for those who may not see it.
    review = db.session.get(Review, review_id)
    if review is None or not policies.can_view_review(current_user, review):
        abort(404)
    return review


def _review_url(review: Review) -> str:
    return url_for("measures.show", measure_id=review.measure_id, _anchor=f"review-{review.id}")


def _form_is_valid(form: ReviewForm) -> bool:
    """The form's own parsing, then the service's rules, so every problem shows at once."""
    valid = form.validate()
    try:
        services.validate_review_data(form.to_data())
    except services.ReviewInvalid as invalid:
        add_errors(form, invalid.errors)
        valid = False
    return valid


def _form_page(form: ReviewForm, measure: Measure, review: Review | None) -> str:
    return render_template("reviews/form.html", form=form, measure=measure, review=review)


# --- writing and editing -------------------------------------------------------------------------


@bp.post("/measures/<int:measure_id>/reviews")
def create(measure_id: int) -> Any:
    measure = _measure_or_404(measure_id)
    refusal = policies.review_refusal(current_user, measure)
    if refusal is not None:
        abort(403, refusal)
    existing = services.find_review(current_user, measure)
    if existing is not None:
        return _already_reviewed(existing)
    form = ReviewForm()
    if not _form_is_valid(form):
        return _form_page(form, measure, None)
    try:
        review = services.create_review(current_user, measure, form.to_data())
    except services.ReviewInvalid as invalid:
        add_errors(form, invalid.errors)
        return _form_page(form, measure, None)
    except services.ReviewExists as exists:
        return _already_reviewed(exists.review)
    except IntegrityError:  # a second post that raced the first past the check
        discard()
        return _already_reviewed(services.find_review(current_user, measure))
    flash(_("Thank you. Your review is published."), "success")
    return redirect(_review_url(review))


def _already_reviewed(review: Review | None) -> Response:
    flash(_("You have already reviewed this measure. You can change your review here."), "info")
    if review is None:
        return redirect(url_for("main.home"))
    return redirect(url_for("reviews.edit", review_id=review.id))


@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
def edit(review_id: int) -> Any:
    review = _review_or_404(review_id)
    if not policies.can_edit_review(current_user, review):
        abort(403, _("Only the author can edit a review, while the measure is published."))
    if request.method == "GET":
        return _form_page(ReviewForm(obj=review), review.measure, review)
    form = ReviewForm()
    if not _form_is_valid(form):
        return _form_page(form, review.measure, review)
    try:
        services.update_review(current_user, review, form.to_data())
    except services.ReviewInvalid as invalid:
        add_errors(form, invalid.errors)
        return _form_page(form, review.measure, review)
    if review.is_hidden:
        flash(
            _("Your review is saved. It stays hidden until a moderator shows it again."), "success"
        )
    else:
        flash(_("Your review is saved."), "success")
    return redirect(_review_url(review))


# --- moderation ----------------------------------------------------------------------------------


def _moderated_review(review_id: int) -> Review:
    # Non-moderators are turned away before the lookup: they learn nothing about the review.
    if not policies.can_moderate_reviews(current_user):
        abort(403, _("Only moderators and admins can hide or show reviews."))
    return db.get_or_404(Review, review_id)


@bp.post("/reviews/<int:review_id>/hide")
def hide(review_id: int) -> Any:
    review = _moderated_review(review_id)
    form = HideForm()
    form.validate()
    try:
        services.hide_review(current_user, review, form.reason.data)
    except services.ReviewInvalid as invalid:
        add_errors(form, invalid.errors)
        return render_template("reviews/hide.html", form=form, review=review)
    except InvalidTransition as invalid:
        flash(str(invalid), "info")
        return redirect(_review_url(review))
    flash(_("The review is hidden. Its author has been told why."), "success")
    return redirect(_review_url(review))


@bp.post("/reviews/<int:review_id>/unhide")
def unhide(review_id: int) -> Any:
    review = _moderated_review(review_id)
    form = UnhideForm()
    form.validate()
    try:
        services.unhide_review(current_user, review, form.note.data)
    except (services.ReviewInvalid, InvalidTransition) as problem:
        flash(str(problem), "error")
        return redirect(_review_url(review))
    flash(_("The review is visible again. Its author has been told."), "success")
    return redirect(_review_url(review))


# --- the section of the measure page -------------------------------------------------------------

# How a review's author is shown to the public: role and country.
REVIEWER_FROM = {
    "practitioner": _l("Practitioner from %(country)s"),
    "official": _l("Official from %(country)s"),
    "moderator": _l("Moderator from %(country)s"),
    "admin": _l("Admin from %(country)s"),
}


@dataclass
class ReviewSection:
    """Everything templates/reviews/_section.html shows about one measure's reviews."""

    measure: Measure
    ratings: Ratings
    charts: list[tuple[DimensionRating, Markup]]
    reviews: list[Review]
    implemented_only: bool
    own: Review | None
    refusal: str | None
    form: ReviewForm | None
    prior_weight: int = PRIOR_WEIGHT

    @property
    def score_words(self) -> dict[int, str]:
        return {score: str(words) for score, words in SCORE_WORDS.items()}

    @property
    def is_moderator(self) -> bool:
        return policies.can_moderate_reviews(current_user)

    def is_own(self, review: Review) -> bool:
        return policies.is_author(current_user, review)

    def can_edit(self, review: Review) -> bool:
        return policies.can_edit_review(current_user, review)

    def can_hide(self, review: Review) -> bool:
        return policies.can_hide_review(current_user, review)

    def can_unhide(self, review: Review) -> bool:
        return policies.can_unhide_review(current_user, review)

    def filter_url(self, implemented: bool) -> str:
        """The measure page with or without the implementers-only filter, other arguments kept."""
        args = {k: v for k, v in request.args.items() if k != "implemented"}
        if implemented:
            args["implemented"] = "1"
        return url_for("measures.show", measure_id=self.measure.id, _anchor="reviews-list", **args)

    def sign_in_url(self) -> str:
        return url_for("accounts.login", next=url_for("measures.show", measure_id=self.measure.id))

    def reviewer(self, review: Review) -> str:
        """Who wrote it. The public sees role and country; moderators also name and organisation."""
        user = review.user
        if user is None:
            return _("A former member")
        country = vocab.country_name(user.country, current_language())
        who = str(REVIEWER_FROM.get(user.role.value, REVIEWER_FROM["practitioner"]))
        who %= {"country": country}
        if self.is_moderator:
            who += f" · {user.name}, {user.organisation}"
        return who


def review_section(measure: Measure) -> ReviewSection | None:
    """The reviews section of `measure`'s page for the current user; None when there is none
    to show (a measure that was never published and has no reviews)."""
    implemented_only = request.args.get("implemented") == "1"
    ratings = ratings_for([measure.id])[measure.id]
    reviews = services.reviews_for(current_user, measure, implemented_only=implemented_only)
    published = measure.status == MeasureStatus.PUBLISHED
    if not published and not ratings.count and not reviews:
        return None
    own = services.find_review(current_user, measure)
    refusal = None if own else policies.review_refusal(current_user, measure)
    form = ReviewForm(formdata=None) if own is None and refusal is None else None
    charts = [
        (dim, distribution_chart(dim, f"rating-chart-{key}"))
        for key, dim in ratings.dimensions.items()
    ]
    return ReviewSection(
        measure=measure,
        ratings=ratings,
        charts=charts,
        reviews=reviews,
        implemented_only=implemented_only,
        own=own,
        refusal=refusal,
        form=form,
    )
