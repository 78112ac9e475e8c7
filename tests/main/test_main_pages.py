"""The home page and the browse list: content, order, pagination, access."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from flask import g

from app.accounts.models import Role
from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.measures.generate import generate_measures
from tests.conftest import make_measure, make_user

HARMFUL = {
    "design": "rct",
    "year": 2020,
    "sample_size": 200,
    "effect": "negative",
    "findings": "Participants reported more distress.",
    "citation": "Trial report",
}


def sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    g.pop("_login_user", None)  # the test's app context outlives each request


def text_of(response) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def titles_in(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [
        unescape(t)
        for t in re.findall(
            r'class="measure-card-title"(?: lang="[a-z]{2}")?><a href="/measures/\d+">([^<]+)</a>',
            html,
        )
    ]


@pytest.fixture()
def owner(app):
    return make_user(Role.PRACTITIONER)


def _published(owner, days_ago: int = 0, **overrides):
    measure = make_measure(owner, publish=True, **overrides)
    measure.published_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return measure


# --- home ---------------------------------------------------------------------------------------


def test_home_explains_the_repository_and_links_to_browse_submit_and_register(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "what works to prevent child sexual abuse" in text_of(response)
    assert 'href="/measures/"' in html
    assert 'href="/measures/new"' in html
    assert 'href="/account/register"' in html
    assert '<label for="home-search-q">' in html and 'action="/search"' in html
    assert "No measures have been published yet." in text_of(response)


def test_home_counts_published_measures_and_their_countries(client, owner):
    _published(owner, countries=["DE", "AT"])
    _published(owner, countries=["AT", "FR"])
    make_measure(owner, countries=["PL"])  # a draft counts for nothing
    html = client.get("/").get_data(as_text=True)
    assert '<span class="home-count" id="count-measures">2</span> published measures' in html
    assert '<span class="home-count" id="count-countries">3</span> countries' in html


def test_home_shows_the_five_newest_published_measures(client, owner):
    for days in range(7):
        _published(owner, days_ago=days, title=f"Measure {days} days old")
    assert titles_in(client.get("/")) == [f"Measure {d} days old" for d in range(5)]


def test_home_hides_the_register_link_from_signed_in_users(client, owner):
    sign_in(client, owner)
    assert 'href="/account/register"' not in client.get("/").get_data(as_text=True)


# --- browse ------------------------------------------------------------------------------------


def test_browse_lists_published_measures_newest_first_with_their_facts(client, owner):
    older = _published(owner, days_ago=5, title="Older measure", organisation="Org Older")
    newer = _published(owner, days_ago=1, title="Newer measure", countries=["FR", "BE"])
    make_measure(owner, title="Hidden draft")
    response = client.get("/measures/")
    assert response.status_code == 200
    assert titles_in(response) == ["Newer measure", "Older measure"]
    html = response.get_data(as_text=True)
    assert f'href="/measures/{newer.id}"' in html and f'href="/measures/{older.id}"' in html
    text = text_of(response)
    assert "France, Belgium" in text
    assert "Germany, Austria" in text
    assert "Org Older" in text
    assert f"Evidence level {older.evidence_level} of 5 {older.evidence_label}" in text
    assert "A ten-session classroom programme" in text  # the summary
    assert "Hidden draft" not in text


def test_browse_states_the_harm_flag_in_words(client, owner):
    _published(owner, title="Harmful measure", evaluations=[HARMFUL])
    assert "Harm signal: a study found an unfavourable effect." in text_of(client.get("/measures/"))


@pytest.mark.commits  # the generator commits in batches and syncs the index with its own sessions
def test_browse_paginates_twenty_a_page(client, app):
    generate_measures(45, seed=1, publish=True)
    page1 = client.get("/measures/")
    assert len(titles_in(page1)) == 20
    assert "Showing 1–20 of 45." in text_of(page1)
    assert "Page 1 of 3" in text_of(page1)
    assert 'href="/measures/?page=2"' in page1.get_data(as_text=True)
    page3 = client.get("/measures/?page=3")
    assert len(titles_in(page3)) == 5
    assert 'rel="prev"' in page3.get_data(as_text=True)
    assert 'rel="next"' not in page3.get_data(as_text=True)
    assert set(titles_in(page1)).isdisjoint(titles_in(client.get("/measures/?page=2")))


def test_browse_of_an_empty_repository_says_so(client):
    response = client.get("/measures/")
    assert response.status_code == 200
    assert "No measures have been published yet." in text_of(response)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", ""])
def test_browse_refuses_a_bad_page_number_with_400(client, page):
    response = client.get(f"/measures/?page={page}")
    assert response.status_code == 400
    assert "The page number must be a whole number of at least 1." in text_of(response)


@pytest.mark.parametrize("page", ["2", "99999999999999999999"])
def test_browse_answers_404_beyond_the_last_page(client, owner, page):
    _published(owner)
    assert client.get(f"/measures/?page={page}").status_code == 404


@pytest.mark.parametrize("role", [None, *Role])
def test_home_and_browse_are_open_to_everyone(client, owner, role):
    _published(owner, title="Visible to all")
    if role is not None:
        sign_in(client, make_user(role))
    for path in ("/", "/measures/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Visible to all" in text_of(response)
