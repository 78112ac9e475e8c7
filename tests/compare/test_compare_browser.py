"""An official's round in Chromium: pick three measures while browsing, compare them, sign in,
save the list as a shortlist, share it and export it as CSV. axe-core checks every page."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PageChecker
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_an_official_compares_three_measures_and_keeps_them_in_a_shortlist(
    page, live_server, checker: PageChecker, official, published
):
    for measure in published:
        page.goto(f"{live_server}/measures/{measure.id}")
        page.get_by_role("button", name="Add to comparison").click()
        assert "was added to your comparison" in page.locator(".flash").inner_text()
        page.get_by_role("button", name="Add to shortlist").click()
    checker.check("compare-measure-page")
    assert page.get_by_role("link", name=re.compile(r"Compare \(3")).is_visible()

    page.get_by_role("link", name=re.compile(r"Compare \(3")).click()
    assert page.locator("h1").inner_text() == "Compare 3 measures"
    differing = page.locator("tr.row-differs")
    assert differing.count() >= 2
    assert "differs" in differing.first.inner_text().lower()  # in words, not only colour
    assert page.get_by_role("button", name="Print this comparison").is_visible()  # compare.js
    checker.check("compare-table")

    page.get_by_role("link", name=re.compile("Show only the")).click()
    assert page.locator("tr.compare-row:not(.row-differs)").count() == 0
    checker.check("compare-differences")

    page.goto(f"{live_server}/shortlists/session")
    assert page.locator(".measure-card").count() == 3
    checker.check("compare-session-shortlist")
    page.get_by_role("link", name="Sign in").first.click()
    page.fill("#email", official.email)
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/shortlists/session")
    page.fill("#name", "Ministry options")
    page.get_by_role("button", name="Save shortlist").click()
    assert page.locator("h1").inner_text() == "Ministry options"
    checker.check("compare-shortlist")

    page.fill(f"#note-{published[0].id}", "Ask the Land about costs.")
    page.get_by_role("button", name=re.compile("Save note")).first.click()
    assert "The note on" in page.locator(".flash").inner_text()
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
