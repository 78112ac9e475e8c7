"""The dashboard in Chromium: axe-core finds nothing serious, no CSP errors in the console."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PageChecker

pytestmark = pytest.mark.browser


def test_the_dashboard_passes_axe_and_its_tables_open(
    page, live_server, checker: PageChecker, repository
):
    page.goto(f"{live_server}/dashboard")
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator("svg[role=img]").count() == 3
    for summary in page.locator("details.chart-table summary").all():
        summary.click()
    assert page.locator("details.chart-table table").first.is_visible()
    checker.check("dashboard")
