"""Link headers, the search filters on /measures, ETag/304, rate limits and their headers."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Role
from app.core.extensions import db
from app.search.indexer import sync
from tests.api.conftest import assert_problem, bearer, make_token
from tests.conftest import make_measure, make_user


@pytest.fixture()
def owner(app):
    return make_user(Role.PRACTITIONER)


def _links(response) -> dict[str, str]:
    return {
        rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])
    }


@pytest.mark.commits  # searches: the indexer reads with sessions of its own
def test_link_headers_page_through_the_collection_keeping_other_arguments(client, owner):
    for n in range(5):
        make_measure(owner, publish=True, title=f"Measure number {n}")
    response = client.get("/api/v1/measures?per_page=2&page=2&countries=DE")
    assert response.status_code == 200
    links = _links(response)
    assert set(links) == {"first", "prev", "next", "last"}
    assert links["first"].endswith("/api/v1/measures?countries=DE&page=1&per_page=2")
    assert links["prev"].endswith("page=1&per_page=2")
    assert links["next"].endswith("page=3&per_page=2")
    assert links["last"].endswith("page=3&per_page=2")
    last = client.get(links["last"])
    assert set(_links(last)) == {"first", "prev", "last"}
    assert len(last.get_json()["results"]) == 1


@pytest.mark.commits  # searches: the indexer reads with sessions of its own
def test_the_list_takes_the_search_filters_and_their_validation(client, owner):
    make_measure(owner, publish=True, title="German school programme", countries=["DE"])
    make_measure(owner, publish=True, title="French school programme", countries=["FR"])
    sync()
    body = client.get("/api/v1/measures?countries=FR").get_json()
    assert [r["title"] for r in body["results"]] == ["French school programme"]
    assert body["total"] == 1 and body["results"][0]["status"] == "published"
    bad = assert_problem(client.get("/api/v1/measures?countries=Germany"), 400)
    assert bad["errors"][0]["field"] == "countries"
    assert (
        assert_problem(client.get("/api/v1/measures?sort=best"), 400)["errors"][0]["field"]
        == "sort"
    )
    mixed = client.get("/api/v1/measures?external_id=x&countries=DE")
    assert assert_problem(mixed, 400)["errors"][0]["field"] == "external_id"


def test_measure_reads_have_an_etag_and_answer_304_when_unchanged(client, owner):
    measure = make_measure(owner, publish=True)
    url = f"/api/v1/measures/{measure.id}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and "Authorization" in first.headers["Vary"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200

    measure.published_revision.title = "A changed title"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_rate_limit_headers_and_a_429_problem(client, app, owner):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        responses = [client.get("/api/v1/measures") for _ in range(3)]
        assert [r.headers["RateLimit-Remaining"] for r in responses] == ["2", "1", "0"]
        assert responses[0].headers["RateLimit-Limit"] == "3"
        assert 0 <= int(responses[0].headers["RateLimit-Reset"]) <= 61
        assert "Retry-After" not in responses[0].headers
        refused = client.get("/api/v1/measures")
        assert_problem(refused, 429)
        assert int(refused.headers["Retry-After"]) > 0
        # A token has its own budget, apart from its address's.
        headers = bearer(make_token(owner, "read"))
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        # Inventing tokens buys nothing: a bad token is refused before any work is done.
        bad = client.get("/api/v1/measures", headers={"Authorization": "Bearer ph_made-up"})
        assert_problem(bad, 401)
    finally:
        app.config["API_RATE_LIMIT"] = "300 per minute"


def test_each_token_counts_alone(client, app, owner):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    try:
        first = bearer(make_token(owner, "read"))
        second = bearer(make_token(owner, "read", name="Second"))
        for _ in range(2):
            assert client.get("/api/v1/me", headers=first).status_code == 200
        assert_problem(client.get("/api/v1/me", headers=first), 429)
        assert client.get("/api/v1/me", headers=second).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "300 per minute"
