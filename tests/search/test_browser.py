"""The search page in Chromium: axe finds nothing serious, facets work by keyboard without
script, and the URL carries the state (back button, shared links)."""

from __future__ import annotations

import pytest

from tests.conftest import make_measure, make_user

# The page is the same whatever the backend.
pytestmark = [pytest.mark.browser, pytest.mark.whoosh_only]


@pytest.fixture()
def measures(app, search_backend):
    owner = make_user()
    make_measure(owner, publish=True, title="Grooming prevention in schools", countries=["DE"])
    make_measure(owner, publish=True, title="Grooming helpline for parents", countries=["FR"])
    make_measure(owner, publish=True, title="Parents course", countries=["FR"])


def test_search_facets_and_back_button_work_without_script(page, live_server, checker, measures):
    page.goto(live_server + "/search?q=grooming")
    assert page.locator("#result-count").inner_text() == "2 measures found for “grooming”."
    checker.check("search-results")

    # Tick a facet with the keyboard and apply: a plain GET, the state lands in the URL.
    page.get_by_label("France (1 measure)").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**countries=FR**")
    assert page.locator("#result-count").inner_text() == "1 measure found for “grooming”."
    assert page.locator("ol.result-list li").count() == 1
    checker.check("search-filtered")

    page.go_back()
    page.wait_for_url("**/search?q=grooming")
    assert page.locator("#result-count").inner_text() == "2 measures found for “grooming”."

    page.goto(live_server + "/search?q=groomng")
    correction = page.locator(".did-you-mean")
    assert correction.inner_text() == "Showing results for grooming · Search instead for groomng"
    checker.check("search-did-you-mean")
    correction.get_by_role("link", name="groomng").click()
    page.wait_for_url("**/search?q=groomng&autocorrect=0")
    page.locator(".did-you-mean").get_by_role("link", name="grooming").click()
    page.wait_for_url("**/search?q=grooming**")


def test_search_error_page_is_accessible(page, live_server, checker, measures):
    page.goto(live_server + "/search?year_from=abc")
    assert "There is a problem" in page.locator("#error-summary").inner_text()
    # The page's own 400 status is reported on the console; it is the intended answer.
    checker.console_errors[:] = [e for e in checker.console_errors if "400" not in e]
    checker.check("search-error")
