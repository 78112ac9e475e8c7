"""An official opens a programme profile in Chromium at 1280 and 375 px, follows a level badge
to the methodology page, and prints the one-page fact sheet to PDF. axe checks every page, and
no page scrolls sideways on a phone."""

from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS
from tests.conftest import format2_record, make_measure, make_user, supported_evaluation

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def _document_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _heavy_record() -> dict:
    """A profile at the limits of what the fact sheet shows: long summary, many contacts,
    ratings and counted findings."""
    record = format2_record(
        summary=("A school programme teaching body safety and how to tell a trusted adult. " * 13)[
            :1000
        ],
        dosage="Ten weekly 45-minute lessons, two booster lessons in the following school year",
        theory_of_change="Children who know the rules of body safety and trust an adult tell. "
        * 70,
        staff_qualifications="Qualified teachers after a two-day course by the developer. " * 30,
    )
    record["contacts"] = record["contacts"] * 3
    record["external_ratings"] = record["external_ratings"] * 5
    return record


def _print_to_pdf(page, name: str) -> int:
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    page.screenshot(path=str(ARTIFACTS / f"{name}-print.png"), full_page=True)
    page.emulate_media(media="screen")
    return len(PdfReader(io.BytesIO(pdf)).pages)


def test_an_official_reads_a_profile_follows_a_badge_and_prints_the_fact_sheet(
    page, live_server, checker
):
    measure = make_measure(make_user(), publish=True, **format2_record())
    url = f"{live_server}/measures/{measure.id}"

    page.set_viewport_size(DESKTOP)
    page.goto(url)
    expect(page.locator("h1")).to_have_text("Safe Together school programme")
    glance = page.locator(".glance")
    expect(glance).to_contain_text("€42.50 per participant, at 2024 prices")
    expect(page.locator(".findings-table")).to_contain_text("Odds ratio 1.8 (interval 1.2 to 2.7)")
    expect(page.locator(".registries-table")).to_contain_text("Example Clearinghouse")
    assert _document_width(page) <= DESKTOP["width"]
    checker.check("profile-1280")

    page.set_viewport_size(PHONE)
    page.goto(url)
    assert _document_width(page) <= PHONE["width"], "the page scrolls sideways on a phone"
    # On a phone the findings table becomes stacked rows, each cell named by its column.
    first = page.locator(".findings-table tbody tr").first
    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    before = first.locator("td[data-label='Effect size']").evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert "Effect size" in before
    checker.check("profile-375")

    # Every level badge leads to the methodology page, at the level's explanation.
    page.locator(".glance a.evidence-badge").click()
    expect(page).to_have_url(f"{live_server}/evidence#level-4")
    expect(page.locator("#level-4")).to_contain_text("Supported")
    page.wait_for_load_state()  # the width counts only with the stylesheets in
    assert _document_width(page) <= PHONE["width"]
    checker.check("methodology-375")

    page.set_viewport_size(DESKTOP)
    page.goto(url)
    page.get_by_role("link", name="One-page fact sheet to print").click()
    expect(page).to_have_url(url + "/factsheet")  # the profile has the same h1
    expect(page.locator("h1")).to_have_text("Safe Together school programme")
    checker.check("factsheet")
    assert _print_to_pdf(page, "factsheet") == 1


def test_a_heavy_fact_sheet_still_prints_on_one_page(page, live_server, checker):
    measure = make_measure(make_user(), publish=True, **_heavy_record())
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server}/measures/{measure.id}/factsheet")
    checker.check("factsheet-heavy")
    assert _print_to_pdf(page, "factsheet-heavy") == 1


def test_negative_effects_read_as_such_on_a_phone(page, live_server, checker):
    harm = {
        "design": "quasi_experimental", "year": 2021, "country": "NL", "comparison_group": True,
        "baseline_equivalence": "established", "outcomes": ["victimisation"],
        "results": [{"outcome": "victimisation", "timepoint_months": 6,
                     "direction": "unfavourable", "p_value": 0.01}],
        "findings": "Participants reported more victimisation afterwards.",
        "citation": "Harm study 2021",
    }  # fmt: skip
    measure = make_measure(make_user(), publish=True, evaluations=[supported_evaluation(), harm])
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/measures/{measure.id}")
    expect(page.locator(".verdict-negative")).to_contain_text("Negative effects found")
    expect(page.locator(".ladder")).to_have_count(0)
    assert _document_width(page) <= PHONE["width"]
    checker.check("profile-negative-375")
