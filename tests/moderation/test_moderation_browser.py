"""A moderator's round in Chromium: queue, review with diff, publish, expert review, audit log.

Every page is checked with axe-core (WCAG 2.1 A/AA) and for console errors, using the
harness of tests/browser (its fixtures are brought in by tests/moderation/conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.moderation.services import flag_evidence
from tests.browser.conftest import PageChecker
from tests.conftest import make_measure
from tests.moderation.factories import submitted_edit, submitted_measure

pytestmark = pytest.mark.browser


def _sign_in(page, app, base_url: str, user) -> None:
    """A signed session cookie for `user`: this test is about moderation, not the login form."""
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    page.context.add_cookies(
        [{"name": app.config["SESSION_COOKIE_NAME"], "value": value, "url": base_url}]
    )


def test_a_moderator_reviews_and_publishes_an_edit(
    page, live_server, checker: PageChecker, app, owner, moderator
):
    measure = make_measure(owner, publish=True)
    submitted_edit(
        owner, measure, title="Safe Together, second edition", countries=["DE", "FR"], days_ago=9
    )
    submitted_measure(owner, title="A brand new helpline", countries=["FR"], days_ago=2)
    flagged = make_measure(owner, publish=True, title="Flagged measure")
    flag_evidence(moderator, flagged, "Check the attrition figures.")
    from app.core.extensions import db

    db.session.commit()
    _sign_in(page, app, live_server, moderator)

    page.goto(live_server + "/moderation/")
    assert page.locator("h1").inner_text() == "Moderation queue"
    checker.check("moderation-queue")

    page.select_option("#country", "FR")
    page.select_option("#older_than", "7")
    page.get_by_role("button", name="Show").click()
    # The unfiltered queue has rows too: wait for the filtered one (a plain GET, state in the URL).
    page.wait_for_url("**older_than=7**")
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Safe Together, second edition", use_inner_text=True)

    rows.first.get_by_role("link", name="Safe Together, second edition").click()
    expect(page.locator("body")).to_contain_text("Changes against published revision 1")
    checker.check("moderation-review")

    page.fill("#publish-comment", "Second edition checked against the new report.")
    page.get_by_role("button", name="Publish this revision").click()
    expect(page.locator(".flash")).to_have_text(
        "Published. The owner has been told.", use_inner_text=True
    )
    checker.check("moderation-review-published")

    page.goto(live_server + "/moderation/expert-review")
    assert "Flagged measure" in page.content()
    checker.check("moderation-expert-review")

    page.goto(live_server + "/moderation/audit")
    page.select_option("#action", "measure.published")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**action=measure.published**")  # the unfiltered log has rows too
    expect(page.locator("table.audit-table tbody tr")).to_have_count(1)
    checker.check("moderation-audit-log")


def _expect_status_in_console(checker: PageChecker, status: int) -> None:
    """Chromium logs a page answered with an error status as a console error: expected here."""
    checker.page.wait_for_load_state()  # logged by then
    checker.console_errors = [e for e in checker.console_errors if f"status of {status}" not in e]


def test_error_states_are_accessible(
    page, live_server, checker: PageChecker, app, owner, moderator
):
    measure = submitted_measure(owner)
    _sign_in(page, app, live_server, moderator)
    page.goto(f"{live_server}/moderation/measures/{measure.id}")
    # The browser itself refuses an empty required field; the server must refuse it too.
    page.eval_on_selector("#reject-comment", "el => el.removeAttribute('required')")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Reject this revision").click()
    assert posted.value.status == 422
    assert page.locator("#reject-comment-error").inner_text().strip() == (
        "Write a comment: the owner and the audit log read it."
    )
    _expect_status_in_console(checker, 422)
    checker.check("moderation-review-comment-missing")
    assert page.goto(live_server + "/moderation/?state=limbo").status == 400
    assert "Choose one of the listed options." in page.content()
    _expect_status_in_console(checker, 400)
    checker.check("moderation-queue-bad-filter")
    assert page.goto(live_server + "/moderation/audit?object_id=abc").status == 400
    assert "Enter a whole number, like 42." in page.content()
    _expect_status_in_console(checker, 400)
    checker.check("moderation-audit-bad-filter")
