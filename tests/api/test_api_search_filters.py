"""The API's search filters for the evidence verdicts and the profile facets (issues 11, 12,
14): documented in OpenAPI, validated, and evidence_min never passing a verdict, in
/api/v1/search, /api/v1/measures, the search export and the Atom feed alike."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.api.openapi import openapi_document
from app.search.facets import FACET_KEYS
from tests.api.conftest import assert_problem
from tests.conftest import make_measure, make_user, supported_evaluation

# Searches: the indexer reads with sessions of its own.
pytestmark = pytest.mark.commits

ATOM = "{http://www.w3.org/2005/Atom}"
NEW_PARAMS = (
    "outcomes",
    "design",
    "population_level",
    "licence",
    "certification_required",
    "unit_cost_band",
)


def _trial(direction: str) -> dict:
    return supported_evaluation(
        results=[{"outcome": "disclosure", "timepoint_months": 12, "direction": direction}]
    )


@pytest.fixture()
def measures(app):
    owner = make_user()
    return {
        "supported": make_measure(
            owner,
            publish=True,
            title="Supported trial",
            evaluations=[supported_evaluation()],
            licence="open",
            unit_cost_eur=120,
            unit_cost_per="participant",
            cost_price_year=2021,
        ),
        "no_effect": make_measure(
            owner, publish=True, title="Null trial", evaluations=[_trial("no_effect")]
        ),
        "harm": make_measure(
            owner, publish=True, title="Harmful trial", evaluations=[_trial("unfavourable")]
        ),
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {r["id"] for r in response.get_json()["results"]}


@pytest.mark.parametrize("minimum", ["1", "2"])
def test_evidence_min_never_lets_a_verdict_through_anywhere(client, measures, minimum):
    only = {measures["supported"].id}
    assert _ids(client.get(f"/api/v1/search?evidence_min={minimum}")) == only
    assert _ids(client.get(f"/api/v1/measures?evidence_min={minimum}")) == only
    export = client.get(f"/export/search.jsonl?evidence_min={minimum}")
    assert export.status_code == 200
    assert "Null trial" not in export.get_data(as_text=True)
    assert "Harmful trial" not in export.get_data(as_text=True)
    atom = client.get(f"/feeds/measures.atom?evidence_min={minimum}").data
    feed = ET.fromstring(atom)  # noqa: S314  (our own feed)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == ["Supported trial"]


def test_the_verdicts_are_facet_values_and_filters(client, measures):
    data = client.get("/api/v1/search").get_json()
    assert list(data["facets"]["evidence_level"]) == ["4", "no_effect", "negative_effects"]
    assert set(data["facets"]) == set(FACET_KEYS)
    assert _ids(client.get("/api/v1/search?evidence_level=no_effect")) == {measures["no_effect"].id}
    assert _ids(client.get("/api/v1/search?evidence_level=1")) == set()


def test_the_new_filters_are_accepted_and_checked(client, measures):
    supported = {measures["supported"].id}
    assert _ids(client.get("/api/v1/search?licence=open")) == supported
    assert _ids(client.get("/api/v1/search?unit_cost_band=50_250")) == supported
    assert _ids(client.get("/api/v1/search?design=rct&outcomes=disclosure")) == {
        m.id for m in measures.values()
    }
    assert _ids(client.get("/api/v1/search?certification_required=TRUE")) == set()
    for param, bad in (
        ("licence", "free"),
        ("unit_cost_band", "cheap"),
        ("certification_required", "yes"),
        ("evidence_level", "6"),
        ("outcomes", "happiness"),
    ):
        body = assert_problem(client.get(f"/api/v1/search?{param}={bad}"), 400)
        assert param in str(body)


def test_openapi_describes_every_filter_with_its_values():
    document = openapi_document()
    params = {
        p["name"]: p for p in document["paths"]["/search"]["get"]["parameters"] if "name" in p
    }
    for key in NEW_PARAMS:
        assert key in params, key
        assert params[key]["schema"]["type"] == "array"
    assert set(params["evidence_level"]["schema"]["items"]["enum"]) >= {
        "0",
        "5",
        "no_effect",
        "negative_effects",
    }
    assert "under_50" in params["unit_cost_band"]["description"]
    assert "No effect found" in params["evidence_min"]["description"]
    measures = {p.get("name") for p in document["paths"]["/measures"]["get"]["parameters"]}
    assert set(NEW_PARAMS) <= measures
