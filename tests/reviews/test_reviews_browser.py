"""Peer reviews in Chromium: a practitioner reviews a measure and sees the ratings change; a
moderator hides a review. axe-core (WCAG 2.1 A/AA) and the console are checked on every page,
with the harness of tests/browser (brought in by tests/reviews/conftest.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.accounts.models import Role
from tests.browser.conftest import PageChecker
from tests.reviews.conftest import add_review, reviewer, scores

pytestmark = pytest.mark.browser


def _sign_in(page, app, base_url: str, user) -> None:
    """A signed session cookie for `user`: this test is about reviews, not the login form."""
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    page.context.add_cookies(
        [{"name": app.config["SESSION_COOKIE_NAME"], "value": value, "url": base_url}]
    )


def test_a_practitioner_reviews_and_sees_the_ratings_change(
    page, live_server, checker: PageChecker, app, measure, practitioner
):
    add_review(reviewer(Role.OFFICIAL), measure, **scores(2))
    _sign_in(page, app, live_server, practitioner)
    page.goto(f"{live_server}/measures/{measure.id}")
    assert page.locator("h1").count() == 1
    assert "2.0 of 5" in page.locator(".rating-overall").inner_text()
    checker.check("reviews-measure-before")

    form = page.locator("form.review-form")
    form.get_by_label("4 – Good").first.check()  # effectiveness
    form.locator("#ease-4").check()
    form.locator("#transferability-4").check()
    form.locator("#value-4").check()
    form.get_by_label("Comment").fill("Too short")
    form.get_by_role("button", name="Publish your review").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "There is a problem", use_inner_text=True
    )
    checker.check("reviews-form-errors")

    page.get_by_label("Comment").fill("We ran it in two regions; the training took longer.")
    page.get_by_label("I have implemented this measure (or my organisation has)").check()
    page.get_by_label("Country where you implemented it").select_option("AT")
    page.get_by_label("Year you implemented it").fill("2022")
    page.get_by_role("button", name="Publish your review").click()
    expect(page.locator(".flashes")).to_contain_text(
        "Your review is published", use_inner_text=True
    )
    expect(page.locator(".rating-overall")).to_contain_text("3.0 of 5", use_inner_text=True)
    expect(page.locator(".reviews")).to_contain_text(
        "Implemented in Austria, 2022", use_inner_text=True
    )
    checker.check("reviews-measure-after")

    page.get_by_role("link", name="Show only reviews by people who implemented the measure").click()
    page.wait_for_url("**implemented=1**")  # the unfiltered page has the same articles and more
    expect(page.locator("article.review")).to_have_count(1)
    checker.check("reviews-filtered")


def test_a_moderator_hides_a_review(
    page, live_server, checker: PageChecker, app, measure, practitioner, moderator
):
    review = add_review(practitioner, measure)
    _sign_in(page, app, live_server, moderator)
    page.goto(f"{live_server}/measures/{measure.id}")
    item = page.locator(f"#review-{review.id}")
    item.get_by_text("Hide this review").click()
    item.get_by_label("Reason for hiding").fill("Names a pupil.")
    item.get_by_role("button", name="Hide the review").click()
    expect(page.locator(".flashes")).to_contain_text("The review is hidden", use_inner_text=True)
    expect(page.locator(f"#review-{review.id}")).to_contain_text(
        "Hidden by a moderator", use_inner_text=True
    )
    checker.check("reviews-hidden-moderator")
