"""EVIDENCE-2027 §7 in Chromium: a practitioner's trial with results at two time points is
published by one moderator and verified by another; the public page then shows the level no
longer provisional, and the owner asks for a re-review. Every page is checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.accounts.models import Role
from app.core.extensions import db
from app.measures.services import create_measure, submit_measure
from app.records.schema import validate_record
from tests.browser.conftest import PageChecker
from tests.conftest import format2_record, make_user

pytestmark = pytest.mark.browser


def _sign_in(page, app, base_url: str, user) -> None:
    """A signed session cookie for `user` (the sign-in form has tests of its own)."""
    page.context.clear_cookies()
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    page.context.add_cookies(
        [{"name": app.config["SESSION_COOKIE_NAME"], "value": value, "url": base_url}]
    )


def test_published_by_one_moderator_verified_by_another(
    page, live_server, checker: PageChecker, app
):
    owner = make_user(Role.PRACTITIONER, organisation="Org A")
    first = make_user(Role.MODERATOR, organisation="Hub")
    second = make_user(Role.MODERATOR, organisation="Hub")
    # The trial of format2_record: results at 12 and at 24 months, one sample.
    record = validate_record(format2_record(external_id="two-time-points"))
    measure = create_measure(owner, record, owner=owner)
    submit_measure(owner, measure)
    db.session.commit()
    review_url = f"{live_server}/moderation/measures/{measure.id}"

    _sign_in(page, app, live_server, first)
    page.goto(review_url)
    checker.check("evidence-review-submitted")
    page.fill("#publish-comment", "Studies checked; publishing.")
    page.get_by_role("button", name="Publish this revision").click()
    expect(page.locator(".flash")).to_have_text(
        "Published. The owner has been told.", use_inner_text=True
    )
    # The publisher is told why they may not verify, and gets no form.
    expect(page.locator("body")).to_contain_text("You published this revision")
    page.wait_for_load_state()  # the whole page is in before the form is looked for
    expect(page.get_by_role("button", name="Verify the evidence")).to_have_count(0)
    checker.check("evidence-review-published")

    db.session.expire_all()
    level = measure.published_revision.evidence_level
    assert level >= 4 and measure.published_revision.evidence_provisional
    page.goto(f"{live_server}/measures/{measure.id}")
    assert "Provisional:" in page.content()

    _sign_in(page, app, live_server, second)
    page.goto(f"{live_server}/moderation/evidence")
    page.get_by_role("link", name=measure.title).click()
    page.wait_for_url(review_url + "#checks-heading")
    checker.check("evidence-review-to-verify")
    page.fill("#verify-comment", "Effect sizes and n checked against both reports.")
    page.get_by_role("button", name="Verify the evidence").click()
    expect(page.locator(".flash")).to_have_text(
        "Evidence verified. The owner has been told.", use_inner_text=True
    )
    expect(page.locator("#checks-heading ~ dl")).to_contain_text("Yes, by a second moderator")
    checker.check("evidence-review-verified")

    page.context.clear_cookies()
    page.goto(f"{live_server}/measures/{measure.id}")
    html = page.content()
    label = measure.published_revision.evidence_label
    assert f"Level {level} of 5 · {label}" in html
    assert "Provisional:" not in html
    assert "Evidence last reviewed" in html and "by a moderator" in html
    # The table of findings shows both time points of the trial.
    assert "12 months" in html and "24 months" in html
    checker.check("evidence-measure-verified")

    _sign_in(page, app, live_server, owner)
    page.goto(f"{live_server}/measures/{measure.id}")
    page.fill("#reason", "The 36-month follow-up has been published.")
    page.get_by_role("button", name="Ask for the evidence to be reviewed again").click()
    expect(page.locator("#rereview-heading + p")).to_contain_text("You asked on")
    checker.check("evidence-rereview-asked")
