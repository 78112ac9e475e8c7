"""Two-factor in Chromium: the staff policy sends a moderator to set it up; they scan (here: read)
the key, confirm a code, get recovery codes, then sign in with a code and with a recovery code.
axe checks every page on the way."""

from __future__ import annotations

import pyotp
from playwright.sync_api import expect

from app.accounts import totp, two_factor
from app.accounts.models import Role
from app.core.extensions import db
from tests.accounts.conftest import fresh
from tests.browser.test_journey import _sign_out
from tests.conftest import TEST_PASSWORD, make_user


def _password_step(page, server, email):
    page.goto(server + "/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _code_now(secret: str, user) -> str:
    """The code the app shows now, unless the server took that one already (then the next)."""
    last = fresh(user).totp_last_step
    step = totp.current_step() if last is None else max(totp.current_step(), last + 1)
    return pyotp.TOTP(secret).generate_otp(step)


def test_staff_enrol_under_the_policy_then_sign_in_with_a_code(page, live_server, checker):
    server = live_server
    two_factor.set_staff_two_factor_required(make_user(Role.ADMIN), True)
    db.session.commit()
    moderator = make_user(Role.MODERATOR, email="mod@example.org", organisation="Hub")

    # 1. The password signs in, but the policy allows nothing before two-factor is set up.
    _password_step(page, server, moderator.email)
    expect(page).to_have_url(server + "/account/two-factor")
    expect(page.locator("main")).to_contain_text("Your role needs two-factor sign-in")
    checker.check("two-factor-required")
    page.goto(server + "/moderation/")
    expect(page).to_have_url(server + "/account/two-factor")

    # 2. Set up: a QR code and the key to type by hand; a code from the app confirms it.
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    qr = page.get_by_role("img", name="QR code for adding Prevent-Hub to your authenticator app")
    expect(qr).to_be_visible()
    # The data: SVG rendered under the CSP (once decoded: visible comes before that).
    width = qr.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)")
    assert width > 100
    checker.check("two-factor-setup")
    secret = page.locator("#totp-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".error-summary")).to_contain_text("That code is not right")
    checker.check("two-factor-setup-wrong-code")
    page.get_by_label("Code from your app").fill(_code_now(secret, moderator))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("h1")).to_have_text("Your recovery codes")
    expect(page.locator("ol.recovery-codes code")).to_have_count(10)
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    checker.check("two-factor-recovery-codes")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.locator("main")).to_contain_text("10 unused recovery codes")
    checker.check("two-factor-on")
    page.goto(server + "/moderation/")
    expect(page).to_have_url(server + "/moderation/")
    _sign_out(page)

    # 3. Signing in now asks for the code after the password.
    _password_step(page, server, moderator.email)
    expect(page).to_have_url(server + "/account/login/code")
    checker.check("two-factor-code-step")
    page.get_by_label("Sign-in code").fill(_code_now(secret, moderator))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".flashes")).to_contain_text("Welcome")
    _sign_out(page)

    # 4. Without the phone, a recovery code does it once.
    _password_step(page, server, moderator.email)
    page.get_by_label("Sign-in code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".flashes")).to_contain_text("You used a recovery code; 9 left.")
    checker.check("two-factor-signed-in-with-recovery-code")
