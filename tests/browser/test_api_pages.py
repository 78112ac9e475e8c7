"""The API's pages in Chromium: the readable API reference, and a practitioner creating a
personal API token on the account page, seeing it once, using it and revoking it. axe checks
each page."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from playwright.sync_api import expect

from app.accounts.models import Role
from tests.conftest import TEST_PASSWORD, make_user


def _get_me(server: str, secret: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        server + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310 (a local test server)
            assert json.load(response)["token"]["scope"] == "read"
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_api_reference_page_is_readable_and_accessible(page, live_server, checker):
    page.goto(live_server + "/docs/api")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("/api/v1/measures")
    expect(page.locator("main")).to_contain_text("Bearer")
    checker.check("api-docs")


def test_a_practitioner_creates_uses_and_revokes_a_token(page, live_server, checker):
    server = live_server
    user = make_user(Role.PRACTITIONER, email="tool@example.org")
    page.goto(server + "/account/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # before the next goto

    page.goto(server + "/account/tokens/")
    checker.check("api-tokens")
    page.get_by_label("Token name").fill("Ministry portal")
    page.get_by_label("What the token may do").select_option("read")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("ph_")
    expect(page.locator("main")).to_contain_text("will not be shown again")
    checker.check("api-token-created")
    assert _get_me(server, secret) == 200

    page.goto(server + "/account/tokens/")
    expect(page.locator("main")).to_contain_text("Ministry portal")
    expect(page.locator("main")).not_to_contain_text(secret)
    page.get_by_role("button", name="Revoke").first.click()
    expect(page.locator("main")).to_contain_text("revoked")
    assert _get_me(server, secret) == 401
