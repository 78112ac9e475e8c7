"""An official's round in Chromium: pick three measures while browsing, compare them, sign in,
save the list as a shortlist, share it and export it as CSV. axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageChecker
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_an_official_compares_three_measures_and_keeps_them_in_a_shortlist(
    page, live_server, checker: PageChecker, official, published
):
    for measure in published:
        page.goto(f"{live_server}/measures/{measure.id}")
        # Both buttons answer with this measure page again, and the list lives in the session
        # cookie: each click's page must be in (cookie and flash) before the next step.
        with page.expect_navigation():
            page.get_by_role("button", name="Add to comparison").click()
        expect(page.locator(".flash")).to_contain_text(
            "was added to your comparison", use_inner_text=True
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Add to shortlist").click()
    checker.check("compare-measure-page")
    expect(page.get_by_role("link", name=re.compile(r"Compare \(3"))).to_be_visible()

    page.get_by_role("link", name=re.compile(r"Compare \(3")).click()
    page.wait_for_url("**/compare?**")  # loaded, with compare.js run
    expect(page.locator("h1")).to_have_text("Compare 3 measures", use_inner_text=True)
    differing = page.locator("tr.row-differs")
    assert differing.count() >= 2
    assert "differs" in differing.first.inner_text().lower()  # in words, not only colour
    expect(page.get_by_role("button", name="Print this comparison")).to_be_visible()  # compare.js
    checker.check("compare-table")

    page.get_by_role("link", name=re.compile("Show only the")).click()
    page.wait_for_url("**show=differences**")  # the full table clicked on has such rows
    expect(page.locator("tr.compare-row:not(.row-differs)")).to_have_count(0)
    checker.check("compare-differences")

    page.goto(f"{live_server}/shortlists/session")
    assert page.locator(".measure-card").count() == 3
    checker.check("compare-session-shortlist")
    page.get_by_role("link", name="Sign in").first.click()
    page.fill("#email", official.email)
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # before the next goto
    page.goto(f"{live_server}/shortlists/session")
    page.fill("#name", "Ministry options")
    page.get_by_role("button", name="Save shortlist").click()
    expect(page.locator("h1")).to_have_text("Ministry options", use_inner_text=True)
    checker.check("compare-shortlist")

    page.fill(f"#note-{published[0].id}", "Ask the Land about costs.")
    page.get_by_role("button", name=re.compile("Save note")).first.click()
    # The page clicked on shows a flash of its own (the shortlist saved).
    expect(page.locator(".flash")).to_contain_text("The note on", use_inner_text=True)
    page.get_by_role("button", name="Share by link").click()
    share_url = page.locator("#share-url").input_value()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^CSV file")).click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert "Ask the Land about costs." in text and "Alpha school programme" in text

    page.context.clear_cookies()
    page.goto(share_url.replace("http://localhost", live_server))
    assert page.locator("h1").inner_text() == "Ministry options"
    assert official.email not in page.content()
    checker.check("compare-shared-shortlist")
