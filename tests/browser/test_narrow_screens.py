"""Phones (issue 14): no page scrolls sideways at 320 or 375 px, and on /search the results come
before the filters, which fold into a disclosure.

The pages are every GET page of the site without parameters, found from the URL map (so a new
page is checked without anyone adding it here), plus the pages of one measure, a comparison, a
shortlist and the moderation of a measure, each as the role that can see it."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from app.compare import services as lists
from app.core.extensions import db
from tests.browser.test_journey import _sign_in
from tests.conftest import TEST_PASSWORD, format2_record, make_measure, make_user

WIDTHS = (320, 375)
# Not pages: machine formats, redirects on GET and the one-time flows that need a token.
NOT_PAGES = {
    "static", "main.favicon", "health.healthz", "privacy.export_data", "accounts.registered",
    "accounts.pending", "accounts.login_code", "accounts.two_factor",
}  # fmt: skip


def _pages_without_arguments(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and not rule.rule.startswith("/api/")
        and rule.endpoint not in NOT_PAGES
    )


@pytest.fixture()
def site(app):
    owner = make_user(Role.PRACTITIONER, email="narrow-owner@example.org")
    official = make_user(Role.OFFICIAL, email="narrow-official@example.org")
    make_user(Role.MODERATOR, email="narrow-moderator@example.org")
    make_user(Role.ADMIN, email="narrow-admin@example.org")
    long_word = "Präventionsnetzwerkkoordinierungsstellenverantwortlichkeiten"
    full = make_measure(
        owner,
        publish=True,
        **format2_record(
            title=f"Safe Together: a school programme with a long name {long_word}",
            website="https://example.org/" + "a-very-long-path-segment/" * 6,
        ),
    )
    other = make_measure(owner, publish=True, title="Second measure to compare with")
    pending = make_measure(owner, title="Measure waiting for moderation")
    from app.measures.services import submit_measure

    submit_measure(owner, pending)
    shortlist = lists.create_shortlist(official, "For the ministry", [full, other])
    db.session.commit()
    return {
        "anonymous": [
            f"/measures/{full.id}",
            f"/measures/{full.id}/factsheet",
            f"/compare?ids={full.id},{other.id}",
            "/search?q=school&countries=DE",
            "/no-such-page",
        ],
        "narrow-owner@example.org": [f"/measures/{full.id}/edit", "/measures/mine"],
        "narrow-official@example.org": [f"/shortlists/{shortlist.id}"],
        "narrow-moderator@example.org": [f"/moderation/measures/{pending.id}"],
        "narrow-admin@example.org": [],
    }


def _document_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _too_wide(page, width: int) -> list[str]:
    """What sticks out: the widest elements beyond the viewport, to name in the failure."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1
              && !(e.parentElement && e.parentElement.closest('.table-scroll, pre')))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + (typeof e.className === 'string' && e.className
                 ? '.' + e.className.split(' ').join('.') : '')
              + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')""",
        width,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(app, page, live_server, site, width):
    page.set_viewport_size({"width": width, "height": 740})
    failures = []
    for who, extra in site.items():
        if who != "anonymous":
            page.context.clear_cookies()
            _sign_in(page, live_server, who, TEST_PASSWORD)
        for path in _pages_without_arguments(app) + extra:
            page.goto(live_server + path)
            if _document_width(page) > width:
                failures.append(
                    f"{who} {path}: {_document_width(page)} px {_too_wide(page, width)}"
                )
    assert failures == [], "\n".join(failures)


def test_on_a_phone_search_results_come_before_the_filters(app, page, live_server, site, checker):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server + "/search?q=school")
    first_hit = page.locator(".search-hit").first.bounding_box()
    disclosure = page.locator(".filters-disclosure > summary")
    assert disclosure.is_visible() and not page.locator("#search-sort").is_visible()
    # Right under the query, the one-line filter disclosure and the note of what the search
    # also looked for: not under the filter panel (it was 3,600 px down before).
    assert first_hit["y"] < 2 * 740
    checker.check("search-375")
    disclosure.click()
    assert page.locator("#search-sort").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server + "/search?q=school")
    assert page.locator("#search-sort").is_visible()  # open beside the results on wide screens
