"""GET /feeds/measures.atom: valid Atom of the newest published measures, filtered in SQL with
the search's parameter names, and a 400 that names a bad parameter."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from app.core.extensions import db
from app.feeds import services as feeds
from app.measures.models import MeasureStatus
from tests.conftest import make_measure, make_user

A = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse(response) -> ET.Element:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)  # noqa: S314  (our own feed)


def titles(feed: ET.Element) -> list[str]:
    return [e.findtext(f"{A}title") for e in feed.findall(f"{A}entry")]


def test_the_feed_is_valid_atom_with_the_required_elements(client, repository):
    feed = parse(client.get("/feeds/measures.atom"))
    assert feed.tag == f"{A}feed"
    assert feed.findtext(f"{A}id") == "http://localhost/feeds/measures.atom"
    assert feed.findtext(f"{A}title") == "Prevent-Hub: newly published measures"
    updated = [e.findtext(f"{A}updated") for e in feed.findall(f"{A}entry")]
    assert feed.findtext(f"{A}updated") == max(updated)  # when the newest change happened
    assert feed.find(f"{A}author/{A}name").text == "Prevent-Hub"
    links = {link.get("rel"): link for link in feed.findall(f"{A}link")}
    assert links["self"].get("href") == "http://localhost/feeds/measures.atom"
    assert links["self"].get("type") == "application/atom+xml"
    assert links["alternate"].get("href") == "http://localhost/search?sort=newest"
    entries = feed.findall(f"{A}entry")
    assert titles(feed) == ["Clinic pathway", "Parents evenings", "Safe schools"]
    clinic = repository.measures["fr_2"]
    entry = entries[0]
    assert entry.findtext(f"{A}id") == f"http://localhost/measures/{clinic.id}"
    assert entry.find(f"{A}link").get("href") == f"http://localhost/measures/{clinic.id}"
    assert entry.findtext(f"{A}published") == "2025-01-03T12:00:00Z"
    assert entry.findtext(f"{A}updated").endswith("Z")
    assert entry.findtext(f"{A}summary").startswith("A ten-session classroom programme")
    assert entry.find(f"{A}title").get(XML_LANG) == "en"
    labels = [c.get("label") for c in entry.findall(f"{A}category")]
    assert labels[0] == "Evidence level 2 of 5: Preliminary"
    assert "France" in labels and "Professionals" in labels
    assert "Draft in Germany" not in response_text(client)


def response_text(client) -> str:
    return client.get("/feeds/measures.atom").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("countries=FR", ["Clinic pathway"]),
        ("countries=de", ["Parents evenings", "Safe schools"]),  # codes in any case
        ("countries=AT&countries=FR", ["Clinic pathway", "Safe schools"]),  # OR within a key
        ("prevention_level=secondary", ["Clinic pathway"]),
        ("target_groups=children", ["Clinic pathway", "Safe schools"]),
        ("target_groups=parents_carers&countries=DE", ["Parents evenings"]),  # AND across keys
        ("target_groups=parents_carers&countries=FR", []),
        ("evidence_min=2", ["Clinic pathway", "Safe schools"]),
        ("evidence_min=4&countries=DE", ["Safe schools"]),
        ("evidence_min=0", ["Clinic pathway", "Parents evenings", "Safe schools"]),
    ],
)
def test_filters_work_like_the_search(client, repository, query, expected):
    feed = parse(client.get(f"/feeds/measures.atom?{query}"))
    assert titles(feed) == expected


def test_a_filtered_feed_says_so_and_has_its_own_id(client, repository):
    feed = parse(client.get("/feeds/measures.atom?evidence_min=3&countries=DE&countries=AT"))
    assert feed.findtext(f"{A}title") == (
        "Prevent-Hub: newly published measures (Germany, Austria; evidence level 3 or higher)"
    )
    assert feed.findtext(f"{A}id") == (
        "http://localhost/feeds/measures.atom?countries=DE&countries=AT&evidence_min=3"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("countries=XX", "countries: 'XX' is not a known value"),
        ("prevention_level=quaternary", "prevention_level: 'quaternary' is not a known value"),
        ("target_groups=aliens", "target_groups: 'aliens' is not a known value"),
        ("evidence_min=6", "evidence_min: must be a whole number from 0 to 5"),
        ("evidence_min=two", "evidence_min: must be a whole number from 0 to 5"),
        ("evidence_min=1&evidence_min=2", "evidence_min: must be given only once"),
        ("q=grooming", "q: is not a feed parameter"),
    ],
)
def test_bad_parameters_are_a_400_that_names_them(client, query, message):
    response = client.get(f"/feeds/measures.atom?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_archived_measures_leave_the_feed_and_at_most_50_are_listed(client, app):
    owner = make_user()
    measures = [make_measure(owner, publish=True, title=f"Measure {i:02d}") for i in range(52)]
    for i, m in enumerate(measures):
        m.published_at = datetime(2024, 1, 1, 0, i)
    measures[-1].status = MeasureStatus.ARCHIVED
    db.session.commit()
    feed = parse(client.get("/feeds/measures.atom"))
    assert len(titles(feed)) == feeds.FEED_SIZE == 50
    assert titles(feed)[0] == "Measure 50"  # 51 was archived


def test_an_empty_feed_is_still_valid(client, app):
    feed = parse(client.get("/feeds/measures.atom"))
    assert feed.findtext(f"{A}updated")
    assert feed.findall(f"{A}entry") == []


def test_control_characters_cannot_break_the_xml(client, app):
    owner = make_user()
    measure = make_measure(owner, publish=True, title="Bell programme")
    measure.published_revision.summary = "Text with a bell \x07 and <tags> & ampersands."
    db.session.commit()
    feed = parse(client.get("/feeds/measures.atom"))
    assert feed.find(f"{A}entry/{A}summary").text == "Text with a bell  and <tags> & ampersands."


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
READER_ACCEPTS = [None, "*/*", "application/atom+xml", "application/atom+xml, text/html;q=0.5"]


def test_a_browser_gets_a_page_about_the_feed_and_readers_get_atom(client, repository):
    page = client.get("/feeds/measures.atom?countries=FR", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Accept" in page.headers["Vary"]
    html = page.get_data(as_text=True)
    assert "<?xml" not in html and "Copy this address into your feed reader" in html
    assert 'value="http://localhost/feeds/measures.atom?countries=FR"' in html
    assert "Clinic pathway" in html and "Safe schools" not in html  # Safe schools is German
    for accept in READER_ACCEPTS:
        headers = {"Accept": accept} if accept else {}
        assert parse(client.get("/feeds/measures.atom", headers=headers)).tag == f"{A}feed"
