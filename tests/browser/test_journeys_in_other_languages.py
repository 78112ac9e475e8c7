"""Issue 14's quality bar: the official's and the practitioner's journeys on a phone (375 px) in
German and in Polish, with axe on every page, no sideways scrolling, and the interface in the
reader's language.

The expected words come from the catalogues themselves (`_in`), so these tests follow the
translations as they are corrected; each also checks that the word differs from the English.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect

from app.accounts.models import Role, User
from app.core.extensions import db
from app.measures.io import import_records
from tests.conftest import TEST_PASSWORD, make_user

DEMO = Path(__file__).resolve().parents[2] / "app" / "demo" / "measures.jsonl"
PHONE = {"width": 375, "height": 740}


def _in(app, language: str, message: str, **values) -> str:
    """`message` as a reader of `language` sees it; it must really be translated."""
    with app.test_request_context(), force_locale(language):
        translated = gettext(message, **values)
    assert translated != message % values if values else translated != message, (
        f"{message!r} is not translated into {language}"
    )
    return translated


def _fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"


def _look(page, checker, language: str, name: str) -> None:
    """Every page of a journey: in the reader's language, no sideways scrolling, axe clean.

    Call it once the page is known to be the new one: the old page may have the same language.
    """
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.wait_for_load_state()  # the width counts only with the stylesheets in
    _fits_the_phone(page)
    checker.check(f"{language}-375-{name}")


@pytest.fixture()
def german_phone(browser, live_server):
    """A phone whose browser asks for German: the site must follow Accept-Language."""
    context = browser.new_context(locale="de-DE", viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture()
def real_programmes(app):
    lines = [line for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = import_records(lines, publish=True)
    assert report.ok, report.errors
    return {json.loads(line)["external_id"] for line in lines}


def test_a_german_official_searches_compares_and_shortlists_on_a_phone(
    app, german_phone, live_server, real_programmes
):
    from tests.browser.conftest import PageChecker

    page, checker = german_phone, PageChecker(german_phone)
    official = make_user(Role.OFFICIAL, email="beamtin@example.org", country="DE")

    page.goto(live_server + "/")
    _look(page, checker, "de", "official-home")

    # Signs in: the form and its button in German.
    page.goto(live_server + "/account/login")
    _look(page, checker, "de", "official-login")
    page.locator("#email").fill(official.email)
    page.locator("#password").fill(TEST_PASSWORD)
    page.get_by_role("button", name=_in(app, "de", "Sign in"), exact=True).click()
    expect(page.get_by_role("button", name=_in(app, "de", "Sign out"))).to_be_visible()

    # Searches in German for a word that appears inside German compounds.
    page.goto(live_server + "/search?q=Missbrauch")
    expect(page.locator(".search-hit").first).to_be_visible()
    _look(page, checker, "de", "official-search")
    first = page.locator(".search-hit a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_contain_text(title.strip()[:20])
    _look(page, checker, "de", "official-measure")

    # Starts a shortlist from the measure page.
    page.locator("#new-shortlist-name").fill("Für das Ministerium")
    page.get_by_role("button", name=_in(app, "de", "Create shortlist")).click()
    expect(page.locator("main")).to_contain_text("Für das Ministerium")
    page.goto(live_server + "/shortlists")
    _look(page, checker, "de", "official-shortlists")
    page.get_by_role("link", name="Für das Ministerium").click()
    expect(page.locator("h1")).to_have_text("Für das Ministerium")
    _look(page, checker, "de", "official-shortlist")

    # Compares two real programmes; the methodology page explains the scale.
    hits = page.context.request.get(live_server + "/api/v1/search?q=Missbrauch").json()
    ids = [str(hit["id"]) for hit in hits["results"][:2]]
    assert len(ids) == 2
    page.goto(f"{live_server}/compare?ids={','.join(ids)}")
    expect(page.locator("main")).to_contain_text(_in(app, "de", "Evidence level"))
    _look(page, checker, "de", "official-compare")
    page.goto(live_server + "/evidence")
    _look(page, checker, "de", "official-methodology")


def test_a_polish_practitioner_switches_language_and_submits_on_a_phone(
    app, page, live_server, checker
):
    practitioner = make_user(Role.PRACTITIONER, email="praktyk@example.org", country="PL")
    page.set_viewport_size(PHONE)

    # Chooses Polish from the switcher on the sign-in page, then signs in.
    page.goto(live_server + "/account/login")
    page.locator("#language-choice").select_option("pl")
    page.locator(".language-switcher button").click()
    _look(page, checker, "pl", "practitioner-login")
    page.locator("#email").fill(practitioner.email)
    page.locator("#password").fill(TEST_PASSWORD)
    page.get_by_role("button", name=_in(app, "pl", "Sign in"), exact=True).click()
    expect(page.get_by_role("button", name=_in(app, "pl", "Sign out"))).to_be_visible()

    # A save with nothing filled in: the error summary, in Polish, takes the focus.
    page.goto(live_server + "/measures/new")
    _look(page, checker, "pl", "practitioner-new-measure")
    page.locator("form button[name=action][value=save]:not(.visually-hidden)").first.click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(_in(app, "pl", "There is a problem"))
    expect(summary).to_be_focused()
    _look(page, checker, "pl", "practitioner-errors")

    # Fills in what a draft needs and saves it; "My measures" lists it.
    page.locator("#title").fill("Bezpieczny Internet w szkole")
    page.locator("#summary").fill("Zajęcia dla uczniów o bezpieczeństwie w sieci.")
    page.locator("input[name=countries][value=PL]").check()
    page.locator("#prevention_level").select_option("primary")
    page.locator("input[name=target_groups][value=children]").check()
    page.locator("input[name=settings][value=school]").check()
    page.locator("#organisation").fill("Fundacja Przykład (synthetic)")
    page.locator("form button[name=action][value=save]:not(.visually-hidden)").first.click()
    expect(page.locator("h1")).to_contain_text("Bezpieczny Internet w szkole")
    _look(page, checker, "pl", "practitioner-draft")
    page.goto(live_server + "/measures/mine")
    expect(page.locator("main")).to_contain_text("Bezpieczny Internet w szkole")
    expect(page.locator("h1")).to_contain_text(_in(app, "pl", "My measures"))
    _look(page, checker, "pl", "practitioner-mine")

    # The choice is kept in the account too, so it follows them to another browser.
    db.session.expire_all()
    assert db.session.get(User, practitioner.id).language == "pl"
