"""Moderation in the API: the queue and the decisions, for moderate-scope tokens of moderators
and admins only, with the services' state rules (409), comments (422) and audit events."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent, Notification
from app.core.extensions import db
from app.measures.models import MeasureStatus
from app.measures.services import submit_measure
from tests.api.conftest import assert_problem
from tests.conftest import make_measure, make_user


@pytest.fixture()
def owner(app):
    return make_user(Role.PRACTITIONER, organisation="Owner Org")


@pytest.fixture()
def moderator(app):
    return make_user(Role.MODERATOR, organisation="Hub")


@pytest.fixture()
def submitted(owner):
    measure = make_measure(owner, title="Waiting", countries=["FR"])
    submit_measure(owner, measure)
    db.session.commit()
    return measure


def _decide(client, headers, measure, action, comment="Checked against the studies."):
    return client.post(
        f"/api/v1/measures/{measure.id}/moderation",
        json={"action": action, "comment": comment},
        headers=headers,
    )


def test_the_queue_lists_submissions_and_filters_them(
    client, token_headers, moderator, submitted, owner
):
    make_measure(owner, title="Only a draft")
    headers = token_headers(moderator, "moderate")
    body = client.get("/api/v1/moderation/queue", headers=headers).get_json()
    assert body["total"] == 1
    entry = body["results"][0]
    assert entry["measure_id"] == submitted.id and entry["title"] == "Waiting"
    assert entry["revision"]["state"] == "submitted"
    assert entry["owner"]["name"] == owner.name
    assert entry["allowed_actions"][:3] == ["publish", "request_changes", "reject"]
    assert (
        client.get("/api/v1/moderation/queue?state=all", headers=headers).get_json()["total"] == 2
    )
    by_country = client.get("/api/v1/moderation/queue?country=de", headers=headers).get_json()
    assert by_country["total"] == 0
    for bad in ("state=lost", "country=XX", "older_than=soon", "page=0"):
        assert_problem(client.get(f"/api/v1/moderation/queue?{bad}", headers=headers), 400)


def test_a_moderator_publishes_and_the_owner_is_told(client, token_headers, moderator, submitted):
    response = _decide(client, token_headers(moderator, "moderate"), submitted, "publish")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "published"
    db.session.refresh(submitted)
    assert submitted.status == MeasureStatus.PUBLISHED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "measure.published"))
    assert (
        event.actor_id == moderator.id
        and event.details["comment"] == "Checked against the studies."
    )
    assert db.session.scalar(select(Notification).where(Notification.user_id == submitted.owner_id))
    state = client.get(
        f"/api/v1/measures/{submitted.id}/moderation", headers=token_headers(moderator, "moderate")
    ).get_json()
    assert state["status"] == "published"
    assert "archive" in state["allowed_actions"] and "publish" not in state["allowed_actions"]
    assert state["history"][0]["action"] == "measure.published"


def test_request_changes_and_reject_follow_the_workflow(
    client, token_headers, moderator, submitted
):
    headers = token_headers(moderator, "moderate")
    changes = _decide(client, headers, submitted, "request_changes", "Add the sample size.")
    assert changes.status_code == 200 and changes.get_json()["status"] == "draft"
    # Nothing is waiting any more: a second decision is refused for the state, not the person.
    body = assert_problem(_decide(client, headers, submitted, "reject"), 409)
    assert "no submitted revision" in body["detail"]


def test_an_admin_may_decide_too(client, token_headers, submitted):
    admin = make_user(Role.ADMIN, organisation="Hub")
    response = _decide(
        client, token_headers(admin, "moderate"), submitted, "reject", "Out of scope."
    )
    assert response.status_code == 200 and response.get_json()["status"] == "rejected"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"action": "publish"}, {"comment"}),
        ({"action": "publish", "comment": "   "}, {"comment"}),
        ({"action": "approve", "comment": "ok"}, {"action"}),
        ({"comment": "ok", "extra": 1}, {"action", "extra"}),
        ({"action": "publish", "comment": "x" * 5001}, {"comment"}),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(
    client, token_headers, moderator, submitted, body, fields
):
    response = client.post(
        f"/api/v1/measures/{submitted.id}/moderation",
        json=body,
        headers=token_headers(moderator, "moderate"),
    )
    errors = assert_problem(response, 422)["errors"]
    assert {e["field"] for e in errors} == fields
    db.session.refresh(submitted)
    assert submitted.status == MeasureStatus.SUBMITTED


def test_moderation_needs_a_moderate_token_of_a_moderator(
    client, token_headers, moderator, submitted, owner
):
    url = f"/api/v1/measures/{submitted.id}/moderation"
    decision = {"action": "publish", "comment": "Fine."}
    assert_problem(client.post(url, json=decision), 401)
    assert_problem(client.post(url, json=decision, headers=token_headers(moderator, "write")), 403)
    assert_problem(client.post(url, json=decision, headers=token_headers(owner, "write")), 403)
    assert_problem(
        client.get("/api/v1/moderation/queue", headers=token_headers(moderator, "read")), 403
    )
    # A moderator's token that outlives the role: the role is checked on every request.
    headers = token_headers(moderator, "moderate")
    moderator.role = Role.PRACTITIONER
    db.session.commit()
    assert_problem(client.post(url, json=decision, headers=headers), 403)
    assert_problem(client.get("/api/v1/moderation/queue", headers=headers), 403)
    db.session.refresh(submitted)
    assert submitted.status == MeasureStatus.SUBMITTED


def test_an_unknown_measure_is_404_for_a_moderator(client, token_headers, moderator):
    headers = token_headers(moderator, "moderate")
    assert_problem(client.get("/api/v1/measures/999/moderation", headers=headers), 404)
    decision = {"action": "publish", "comment": "Fine."}
    assert_problem(
        client.post("/api/v1/measures/999/moderation", json=decision, headers=headers), 404
    )
