"""GET /api/v1/measures and /api/v1/measures/<id>: shapes, visibility, lookup, pagination."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.measures.mapping import revision_to_record
from app.measures.services import update_measure
from app.records.schema import RECORD_KEYS
from tests.api.conftest import assert_problem, bearer, make_token
from tests.conftest import make_measure, make_user

EXTRA_KEYS = [
    "status",
    "evidence_level",
    "evidence_label",
    "harm_flag",
    "evidence_ruleset",
    "evidence_provisional",
    "evidence_rated_at",
    "evidence_reviewed_at",
    "badges",
    "evidence_explanation",
    "ratings",
]


def as_user(user) -> dict[str, str]:
    """Headers of a read token of `user`: the API knows people by their tokens."""
    return bearer(make_token(user, "read"))


@pytest.fixture()
def owner(app):
    return make_user(Role.PRACTITIONER, organisation="Org A")


def _published(owner, **overrides):
    return make_measure(owner, publish=True, **overrides)


def test_a_published_measure_answers_its_record_plus_state_and_evidence(client, owner):
    measure = _published(owner, external_id="safe-together")
    response = client.get(f"/api/v1/measures/{measure.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    record = revision_to_record(measure.published_revision)
    record_keys = [("programme_status" if k == "status" else k) for k in record]
    assert list(body) == ["id", *record_keys, *EXTRA_KEYS]
    assert body["id"] == measure.id
    assert body["external_id"] == "safe-together"
    assert body["title"] == "Safe Together school programme"
    assert body["countries"] == ["DE", "AT"]
    assert body["evaluations"][0]["design"] == "rct"
    assert body["programme_status"] == "active"
    assert body["status"] == "published"
    assert isinstance(body["evidence_level"], int)
    assert body["evidence_level"] == measure.evidence_level
    assert body["evidence_label"] == measure.evidence_label
    assert body["harm_flag"] is False
    assert "EU-tested" in body["badges"]
    assert body["evidence_ruleset"] == "2027.1"
    assert body["evidence_provisional"] is False
    assert (
        body["evidence_rated_at"] == measure.published_revision.evidence_rated_at.date().isoformat()
    )
    assert body["evidence_reviewed_at"] is None
    explanation = body["evidence_explanation"]
    assert set(explanation) == {
        "ruleset", "rule", "reasons", "counted", "next_step", "next_steps", "study_ratings"
    }  # fmt: skip
    assert explanation["ruleset"] == "2027.1"
    assert explanation["reasons"][0].startswith(f"Level {body['evidence_level']}")
    assert explanation["study_ratings"][0]["evaluation"] == 0
    assert body["ratings"] is None


def test_every_record_key_keeps_the_spec_order(client, owner):
    measure = _published(owner, website="https://example.org", cost_level="low")
    body = client.get(f"/api/v1/measures/{measure.id}").get_json()
    spec = [("programme_status" if k == "status" else k) for k in RECORD_KEYS]
    positions = [spec.index(k) for k in body if k in spec]
    assert positions == sorted(positions)


def test_a_harm_flagged_measure_says_so(client, owner):
    harmful = {
        "design": "rct",
        "year": 2020,
        "sample_size": 200,
        "effect": "negative",
        "findings": "Participants reported more distress.",
        "citation": "Trial report",
    }
    measure = _published(owner, evaluations=[harmful])
    body = client.get(f"/api/v1/measures/{measure.id}").get_json()
    assert body["harm_flag"] is True
    assert any(r.startswith("Harm signal") for r in body["evidence_explanation"]["reasons"])


def test_the_public_sees_the_published_revision_while_an_edit_waits(client, owner):
    measure = _published(owner)
    record = revision_to_record(measure.published_revision)
    update_measure(owner, measure, {**record, "title": "Edited, not yet published"})
    db.session.commit()
    body = client.get(f"/api/v1/measures/{measure.id}").get_json()
    assert body["title"] == "Safe Together school programme"


def test_an_unpublished_measure_is_404_json_for_anonymous_visitors(client, owner):
    draft = make_measure(owner)
    response = client.get(f"/api/v1/measures/{draft.id}")
    assert assert_problem(response, 404)["detail"] == "No measure with this id."


def test_a_missing_measure_is_404_json(client):
    assert_problem(client.get("/api/v1/measures/999999"), 404)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_see_an_unpublished_measure(client, owner, role):
    draft = make_measure(owner)
    headers = as_user(make_user(role))
    body = client.get(f"/api/v1/measures/{draft.id}", headers=headers).get_json()
    assert body["status"] == "draft"
    assert body["title"] == "Safe Together school programme"


def test_the_owner_sees_their_draft_and_others_do_not(client, owner):
    draft = make_measure(owner)
    url = f"/api/v1/measures/{draft.id}"
    assert client.get(url, headers=as_user(owner)).status_code == 200
    other = make_user(Role.PRACTITIONER, organisation="Org B")
    assert client.get(url, headers=as_user(other)).status_code == 404
    assert client.get(url, headers=as_user(make_user(Role.OFFICIAL))).status_code == 404


# --- the collection ------------------------------------------------------------------------------


def test_external_id_lookup_answers_a_list_with_the_same_object(client, owner):
    measure = _published(owner, external_id="find-me")
    _published(owner, external_id="other")
    response = client.get("/api/v1/measures?external_id=find-me")
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["total", "page", "per_page", "results"]
    assert body["total"] == 1 and body["page"] == 1
    assert body["results"] == [client.get(f"/api/v1/measures/{measure.id}").get_json()]


def test_an_unknown_external_id_answers_an_empty_list(client, owner):
    _published(owner, external_id="known")
    body = client.get("/api/v1/measures?external_id=unknown").get_json()
    assert body == {"total": 0, "page": 1, "per_page": 20, "results": []}


def test_external_id_lookup_hides_unpublished_measures_from_the_public(client, owner):
    make_measure(owner, external_id="hidden")
    assert client.get("/api/v1/measures?external_id=hidden").get_json()["total"] == 0
    response = client.get("/api/v1/measures?external_id=hidden", headers=as_user(owner))
    assert response.get_json()["total"] == 1


def test_the_list_holds_published_measures_newest_first_paginated(client, owner):
    now = utcnow()
    ids = []
    for days in (3, 1, 2):
        measure = _published(owner, title=f"Published {days} days ago")
        measure.published_at = now - timedelta(days=days)
        ids.append(measure.id)
    make_measure(owner, title="A draft")
    db.session.commit()

    page1 = client.get("/api/v1/measures?per_page=2").get_json()
    assert page1["total"] == 3 and page1["page"] == 1
    assert [r["title"] for r in page1["results"]] == [
        "Published 1 days ago",
        "Published 2 days ago",
    ]
    page2 = client.get("/api/v1/measures?per_page=2&page=2").get_json()
    assert [r["title"] for r in page2["results"]] == ["Published 3 days ago"]
    assert client.get("/api/v1/measures?page=5").get_json()["results"] == []


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=1.5", "page"),
        ("page=", "page"),
        ("page=99999999999999999999", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=ten", "per_page"),
        ("external_id=x&per_page=1000", "per_page"),
    ],
)
def test_bad_paging_parameters_are_400_naming_the_parameter(client, query, parameter):
    body = assert_problem(client.get(f"/api/v1/measures?{query}"), 400)
    assert body["detail"].startswith(f"{parameter} must be a whole number")
    assert body["errors"] == [{"field": parameter, "message": body["detail"]}]


def test_per_page_100_is_allowed(client, owner):
    _published(owner)
    assert client.get("/api/v1/measures?per_page=100").status_code == 200


# --- errors and access -------------------------------------------------------------------------


def test_unknown_api_paths_and_methods_answer_problem_json(client, owner):
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    measure = _published(owner)
    wrong_method = client.delete(f"/api/v1/measures/{measure.id}")
    assert_problem(wrong_method, 405)
    assert "GET" in wrong_method.headers["Allow"]


@pytest.mark.parametrize("role", [None, *Role])
def test_every_role_and_anonymous_can_read_published_measures(client, owner, role):
    measure = _published(owner)
    headers = as_user(make_user(role)) if role is not None else {}
    assert client.get(f"/api/v1/measures/{measure.id}", headers=headers).status_code == 200
    assert client.get("/api/v1/measures", headers=headers).get_json()["total"] == 1
