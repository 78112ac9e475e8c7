"""Personal data in Chromium: the privacy notice, the account page's data section, and a
practitioner deleting their account (then unable to sign in). axe checks every page."""

from __future__ import annotations

from playwright.sync_api import expect

from app.accounts.models import Role
from tests.conftest import TEST_PASSWORD, make_user


def _sign_in(page, server: str, email: str) -> None:
    page.goto(server + "/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_privacy_notice_is_linked_from_every_page(page, live_server, checker):
    page.goto(live_server + "/")
    page.get_by_role("link", name="Privacy").first.click()
    expect(page).to_have_url(live_server + "/privacy")
    expect(page.locator("h1")).to_have_count(1)
    checker.check("privacy-notice")


def test_a_practitioner_deletes_their_account(page, live_server, checker):
    server = live_server
    user = make_user(Role.PRACTITIONER, email="leaving@example.org")
    _sign_in(page, server, user.email)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # before the next goto
    page.goto(server + "/account/")
    checker.check("account-with-data-section")
    page.get_by_role("link", name="Delete your account").first.click()
    expect(page.locator("h1")).to_have_text("Delete your account")
    checker.check("account-delete")

    page.get_by_role("button", name="Delete my account").click()  # no password: an error
    expect(page.locator(".error-summary")).to_be_visible()
    # The form answers 400 with its errors; Chromium logs that status as a console error
    # (logged by the time the page has loaded).
    page.wait_for_load_state()
    assert checker.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    ]
    checker.console_errors.clear()
    checker.check("account-delete-error")
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url(server + "/privacy")  # the delete page says "deleted" too
    expect(page.locator("main")).to_contain_text("deleted")
    checker.check("account-deleted")

    _sign_in(page, server, user.email)
    # The refusal shows the answer is in; the login page clicked on had no "Sign out" either.
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Sign out")
    expect(page).to_have_url(server + "/account/login")
