"""The /search page and GET /api/v1/search: state in the URL, no script needed, accessible
markup, the JSON shape of DESIGN §8, and 400s that name the bad parameter."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Role
from app.search.facets import FACET_KEYS
from tests.conftest import make_measure, make_user
from tests.search.conftest import text_measure

SUMMARY = "A prevention programme described here for the tests, long enough to be valid."


@pytest.fixture()
def measures(app):
    owner = make_user()
    return [
        make_measure(owner, publish=True, title="Grooming prevention in schools", countries=["DE"]),
        make_measure(
            owner,
            publish=True,
            title="Parents helpline",
            countries=["FR"],
            target_groups=["parents_carers"],
        ),
    ]


# --- the page ---------------------------------------------------------------------------------


def test_the_search_page_works_without_javascript_and_labels_every_control(client, measures):
    response = client.get("/search?q=grooming")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Nothing depends on script: the one script only opens the filters on wide screens.
    assert re.findall(r"<script\b[^>]*>", html) == [
        '<script src="/static/search-filters.js" defer>'
    ]
    assert re.search(r'<form id="search-form"[^>]*method="get"[^>]*action="/search"', html)
    assert html.count("<h1") == 1
    # Every input, select and the query box have a label.
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    for control in ids:
        if control == "site-search-q":
            continue  # the header box, labelled in base.html
        assert f'for="{control}"' in html, control
    assert "<legend>Country</legend>" in html
    assert 'role="status"' in html
    assert "1 measure found for “grooming”." in html
    assert f'href="/measures/{measures[0].id}"' in html
    assert "<mark>Grooming</mark> prevention in schools" in html


def test_the_page_keeps_all_state_in_the_url(client, measures):
    response = client.get(
        "/search?q=programme&countries=FR&sort=evidence&evidence_min=1&year_from=2000"
        "&noexpand=grooming"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'name="countries" value="FR" checked', html)
    assert re.search(r'name="countries" value="DE">', html)  # still offered, unchecked
    assert '<option value="evidence" selected>' in html
    assert '<option value="1" selected>' in html
    assert 'name="year_from" inputmode="numeric" min="1950" max="2100" value="2000"' in html
    assert '<input type="hidden" name="noexpand" value="grooming">' in html
    # Removing one filter keeps the rest.
    assert (
        'href="/search?q=programme&amp;evidence_min=1&amp;year_from=2000&amp;sort=evidence'
        '&amp;noexpand=grooming"'
    ) in html


def test_facet_checkboxes_show_counts_and_link_text_names_what_it_removes(client, measures):
    html = client.get("/search?countries=DE").get_data(as_text=True)
    assert re.search(
        r'Germany <span class="facet-count">\(1<span class="visually-hidden"> '
        r"measure</span>\)</span>",
        html,
    )
    assert re.search(r'France <span class="facet-count">\(1', html)
    assert 'Remove <span class="visually-hidden">filter </span>Country: Germany' in html
    assert "1 measure found." in html


def test_pagination_links_keep_the_query_and_filters(client, app):
    owner = make_user()
    for _ in range(23):
        make_measure(owner, publish=True, countries=["DE"])
    html = client.get("/search?countries=DE").get_data(as_text=True)
    assert "23 measures found, page 1 of 2." in html
    assert 'href="/search?countries=DE&amp;page=2" rel="next"' in html
    html = client.get("/search?countries=DE&page=2").get_data(as_text=True)
    assert 'href="/search?countries=DE" rel="prev"' in html
    assert '<ol class="measure-list result-list" start="21">' in html


def test_did_you_mean_and_expansions_are_links_on_the_page(client, app):
    text_measure(make_user(), "Sextortion response guide", SUMMARY)
    html = client.get("/search?q=sextortoin+guide").get_data(as_text=True)
    assert (
        "Showing results for <strong>sextortion guide</strong> · Search instead for "
        '<a href="/search?q=sextortoin+guide&amp;autocorrect=0">sextortoin guide</a>'
    ) in html
    html = client.get("/search?q=sextortoin+guide&autocorrect=0").get_data(as_text=True)
    assert ('Did you mean <a href="/search?q=sextortion+guide">sextortion guide</a>?') in html
    html = client.get("/search?q=sextortion").get_data(as_text=True)
    # The reader's language's other terms first: English here.
    assert "sextortion, from “sextortion” (also sexual extortion, sexual blackmail, " in html
    assert 'href="/search?q=sextortion&amp;noexpand=sextortion">Remove this expansion' in html
    html = client.get("/search?q=sextortion&noexpand=sextortion").get_data(as_text=True)
    assert "Also finding measures" not in html
    assert 'href="/search?q=sextortion">Use them again</a>' in html


def test_results_corrections_expansions_and_facets_speak_the_readers_language(client, app):
    """The page in German (tests/i18n renders every page in every language; this is what only a
    search with results shows). Codes in the URLs and the API stay as they are."""
    text_measure(make_user(), "Sextortion response guide", SUMMARY, countries=["DE", "CZ"])
    german = {"Accept-Language": "de"}
    html = client.get("/search?q=sextortoin+guide", headers=german).get_data(as_text=True)
    assert (
        "Angezeigt werden Ergebnisse für <strong>sextortion guide</strong> · Stattdessen nach "
        '<a href="/search?q=sextortoin+guide&amp;autocorrect=0">sextortoin guide</a> suchen'
    ) in html
    assert "1 Maßnahme zu „sextortoin guide“ gefunden." in html
    assert "Länder: Deutschland, Tschechien" in html
    assert "Diese Ergebnisse herunterladen:" in html
    html = client.get("/search?q=sextortoin+guide&autocorrect=0", headers=german).get_data(
        as_text=True
    )
    assert 'Meinten Sie <a href="/search?q=sextortion+guide">sextortion guide</a>?' in html
    html = client.get("/search?q=sextortion&countries=CZ", headers=german).get_data(as_text=True)
    assert "Außerdem werden Maßnahmen in allen Sprachen gefunden zu:" in html
    # The concept named in German, its German terms listed first, then English, then others.
    also = "(auch sexuelle Erpressung, Sexerpressung, Erpressung, Sex-Erpressung, sexual extortion"
    assert f"Sextortion, ausgehend von „sextortion“ {also}" in html
    assert ">Diese Erweiterung entfernen<" in html
    assert 'value="CZ" checked>' in html and '>Tschechien <span class="facet-count">' in html
    assert ": Tschechien entfernen</a>" in html  # legend: the record model's label
    assert "Kosten pro teilnehmende Person" in html  # a computed facet's legend
    api = client.get("/api/v1/search?q=sextortion&year_from=abc", headers=german)
    assert api.get_json()["detail"] == "year_from: must be a whole number"


def test_harm_flag_and_evidence_are_shown_in_words(client, app):
    rct = {
        "design": "rct",
        "year": 2019,
        "sample_size": 400,
        "outcomes": ["disclosure"],
        "findings": "Findings.",
        "citation": "A study",
    }
    make_measure(make_user(), publish=True, evaluations=[{**rct, "effect": "negative"}])
    html = client.get("/search").get_data(as_text=True)
    assert "Harm signal: a study found an unfavourable effect." in html
    assert re.search(r"Evidence level \d of 5", html)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year_from=abc", "“Started from” must be a whole number."),
        (
            "year_from=2020&year_to=2010",
            "The year under “To” must not be before the year under “From”.",
        ),
        ("evidence_min=9", "“Minimum evidence level” must be between 0 and 5."),
        ("sort=popular", "Choose one of the options under “Sort by”."),
        ("countries=XX", "“XX” is not one of the options under “Country”."),
        ("q=" + "a" * 501, "“Search words” can be at most 500 characters long."),
    ],
)
def test_bad_parameters_answer_400_with_an_error_summary(client, app, query, message):
    response = client.get(f"/search?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert message in html


def test_the_error_summary_links_to_the_field_and_keeps_what_was_typed(client, app):
    html = client.get("/search?year_from=abc").get_data(as_text=True)
    assert '<a href="#search-year-from">' in html
    assert 'value="abc"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize("role", [None, *Role])
def test_everyone_may_search(client, auth, app, role):
    if role is not None:
        auth.login(make_user(role))
    assert client.get("/search").status_code == 200
    assert client.get("/api/v1/search").status_code == 200


def test_search_page_has_an_empty_index_state(client, app):
    html = client.get("/search?q=anything").get_data(as_text=True)
    assert "No measures found for “anything”." in html


# --- the JSON API -----------------------------------------------------------------------------


def test_api_answers_the_documented_shape(client, measures):
    response = client.get("/api/v1/search?q=grooming&countries=DE&countries=FR&per_page=5")
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {
        "total",
        "page",
        "results",
        "facets",
        "suggestion",
        "corrected_query",
        "original_query",
        "off_topic",
    }
    assert data["total"] == 1 and data["page"] == 1 and data["suggestion"] is None
    assert data["off_topic"] == []
    (hit,) = data["results"]
    assert set(hit) == {
        "id",
        "external_id",
        "title",
        "summary",
        "evidence_level",
        "countries",
        "score",
        "highlights",
        "matched_via",
    }
    assert hit["id"] == measures[0].id
    assert hit["countries"] == ["DE"]
    assert isinstance(hit["score"], float) and hit["score"] > 0
    assert hit["highlights"]["title"] == "<mark>Grooming</mark> prevention in schools"
    assert set(data["facets"]) == set(FACET_KEYS)
    assert data["facets"]["countries"] == {"DE": 1, "FR": 0}


def test_api_filters_by_record_keys_and_pages(client, measures):
    data = client.get("/api/v1/search?target_groups=parents_carers").get_json()
    assert [r["id"] for r in data["results"]] == [measures[1].id]
    data = client.get("/api/v1/search?per_page=1&page=2&sort=newest").get_json()
    assert data["total"] == 2 and data["page"] == 2 and len(data["results"]) == 1
    data = client.get("/api/v1/search?year_from=1990&year_to=2030&evidence_min=0").get_json()
    assert data["total"] == 2


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("page=1&page=2", "page"),
        ("sort=best", "sort"),
        ("evidence_min=6", "evidence_min"),
        ("year_from=1800", "year_from"),
        ("year_to=2000&year_from=2010", "year_to"),
        ("countries=Germany", "countries"),
        ("prevention_level=quaternary", "prevention_level"),
        ("target_groups=aliens", "target_groups"),
        ("evidence_level=7", "evidence_level"),
        ("languages=xx", "languages"),
        ("noexpand=unknown", "noexpand"),
        ("colour=red", "colour"),
    ],
)
def test_api_bad_parameters_answer_400_naming_the_parameter(client, app, query, param):
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    data = response.get_json()
    assert data["status"] == 400
    assert data["errors"][0]["field"] == param
    assert data["detail"].startswith(f"{param}: ")
