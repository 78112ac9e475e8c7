"""EVIDENCE-2027 §7 in the API: verification and the experts' verdict on harm (moderate
scope), the owner's re-review request (write scope) and a moderator's decision, each with its
problem+json refusals: 403 when the four-eyes rule refuses, 409 when the state forbids, 422
for missing reasons."""

from __future__ import annotations

import jsonschema_rs
import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.api.openapi import openapi_document
from app.audit.models import AuditEvent, Notification
from app.core.extensions import db
from app.moderation import evidence_review
from app.moderation.models import RereviewRequest
from app.moderation.services import publish_measure
from tests.api.conftest import assert_problem
from tests.conftest import make_measure, make_user, supported_evaluation
from tests.moderation.test_evidence_review import WEAK_HARM


@pytest.fixture()
def owner(app):
    # sample_record's organisation: the owner edits and asks about their own measure.
    return make_user(Role.PRACTITIONER, organisation="Org A")


@pytest.fixture()
def publisher(app):
    return make_user(Role.MODERATOR, organisation="Hub")


@pytest.fixture()
def second(app):
    return make_user(Role.MODERATOR, organisation="Hub")


def _published(owner, publisher, **overrides):
    from app.measures.services import submit_measure

    measure = make_measure(owner, **overrides)
    submit_measure(owner, measure)
    publish_measure(publisher, measure, "Checked and published.")
    db.session.commit()
    return measure


def _fits(name: str, body) -> None:
    document = openapi_document()
    schema = {**document["components"]["schemas"][name], "components": document["components"]}
    jsonschema_rs.Draft202012Validator(schema).validate(body)


def _actions(measure) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == measure.id)
            .order_by(AuditEvent.id)
        )
    )


# --- verification -------------------------------------------------------------------------------


def test_a_second_moderator_verifies(client, token_headers, owner, publisher, second):
    measure = _published(owner, publisher, evaluations=[supported_evaluation()])
    url = f"/api/v1/measures/{measure.id}/evidence/verification"
    before = client.get(f"/api/v1/measures/{measure.id}").get_json()
    assert (before["evidence_level"], before["evidence_provisional"]) == (4, True)

    refused = client.post(url, json={}, headers=token_headers(publisher, "moderate"))
    assert "You published this revision" in assert_problem(refused, 403)["detail"]

    headers = token_headers(second, "moderate")
    response = client.post(url, json={"comment": "Figures match the report."}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    _fits("Measure", body)
    assert body["evidence_provisional"] is False and body["evidence_reviewed_at"]
    assert "evidence.verified" in _actions(measure)
    assert (
        "already been verified"
        in assert_problem(client.post(url, json={}, headers=headers), 409)["detail"]
    )


def test_verification_refusals(client, token_headers, owner, publisher, second):
    headers = token_headers(second, "moderate")
    draft = make_measure(owner, title="A draft")
    url = f"/api/v1/measures/{draft.id}/evidence/verification"
    assert (
        "the measure is draft"
        in assert_problem(client.post(url, json={}, headers=headers), 409)["detail"]
    )
    assert_problem(client.post(url, json={"colour": "red"}, headers=headers), 422)
    assert_problem(client.post(url, json={"comment": 4}, headers=headers), 422)
    assert_problem(client.post(url, json=[], headers=headers), 422)
    assert_problem(
        client.post("/api/v1/measures/999999/evidence/verification", json={}, headers=headers),
        404,
    )
    # The owner's write token: the scope refuses before anything else.
    assert_problem(client.post(url, json={}, headers=token_headers(owner, "write")), 403)
    assert_problem(client.post(url, json={}), 401)


# --- the experts' verdict on harm -------------------------------------------------------------


def test_the_experts_verdict_on_harm(client, token_headers, owner, publisher, second):
    measure = _published(owner, publisher, evaluations=[WEAK_HARM])
    url = f"/api/v1/measures/{measure.id}/evidence/harm-review"
    headers = token_headers(second, "moderate")
    missing = assert_problem(client.post(url, json={"verdict": "confirmed"}, headers=headers), 422)
    assert [e["field"] for e in missing["errors"]] == ["reasons"]
    blank = client.post(url, json={"verdict": "confirmed", "reasons": "  "}, headers=headers)
    assert_problem(blank, 422)
    unknown = client.post(url, json={"verdict": "maybe", "reasons": "Why."}, headers=headers)
    assert assert_problem(unknown, 422)["errors"][0]["field"] == "verdict"
    assert_problem(
        client.post(
            url,
            json={"verdict": "confirmed", "reasons": "Replicated."},
            headers=token_headers(publisher, "moderate"),
        ),
        403,
    )
    assert "evidence.harm_reviewed" not in _actions(measure)

    response = client.post(
        url, json={"verdict": "confirmed", "reasons": "Replicated in a second trial."},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 200
    body = response.get_json()
    _fits("Measure", body)
    assert (body["evidence_label"], body["harm_flag"]) == ("Negative effects found", True)
    assert "evidence.harm_reviewed" in _actions(measure)

    plain = _published(owner, publisher, external_id="plain")
    no_harm = client.post(
        f"/api/v1/measures/{plain.id}/evidence/harm-review",
        json={"verdict": "not_confirmed", "reasons": "Nothing."},
        headers=headers,
    )
    assert "nothing to review" in assert_problem(no_harm, 409)["detail"]


# --- re-review requests -----------------------------------------------------------------------


def test_the_owner_asks_and_a_different_moderator_decides(
    client, token_headers, owner, publisher, second
):
    measure = _published(owner, publisher, evaluations=[supported_evaluation()])
    url = f"/api/v1/measures/{measure.id}/evidence/rereview-requests"
    write = token_headers(owner, "write")
    missing = assert_problem(client.post(url, json={}, headers=write), 422)
    assert [e["field"] for e in missing["errors"]] == ["reason"]
    response = client.post(url, json={"reason": "A follow-up is out."}, headers=write)
    assert response.status_code == 201, response.get_data(as_text=True)
    asked = response.get_json()
    _fits("RereviewRequest", asked)
    assert (asked["status"], asked["decision"], asked["revision"]) == ("open", None, 1)
    again = client.post(url, json={"reason": "Again."}, headers=write)
    assert "already waiting" in assert_problem(again, 409)["detail"]
    listed = client.get(url, headers=write).get_json()
    _fits("RereviewRequests", listed)
    assert [r["id"] for r in listed["results"]] == [asked["id"]]

    decide = f"/api/v1/rereview-requests/{asked['id']}/decision"
    decision = {"decision": "changes_requested", "comment": "Correct the sample size."}
    refused = client.post(decide, json=decision, headers=token_headers(publisher, "moderate"))
    assert "You published this revision" in assert_problem(refused, 403)["detail"]
    moderate = token_headers(second, "moderate")
    assert_problem(client.post(decide, json={"decision": "granted", "comment": "x"},
                               headers=moderate), 422)  # fmt: skip
    assert_problem(client.post(decide, json={"decision": "upheld"}, headers=moderate), 422)
    response = client.post(decide, json=decision, headers=moderate)
    assert response.status_code == 200
    decided = response.get_json()
    _fits("RereviewRequest", decided)
    assert (decided["status"], decided["decision"]) == ("decided", "changes_requested")
    assert_problem(client.post(decide, json=decision, headers=moderate), 409)
    assert_problem(
        client.post("/api/v1/rereview-requests/999999/decision", json=decision, headers=moderate),
        404,
    )
    assert _actions(measure)[-2:] == ["evidence.rereview_requested", "evidence.rereview_decided"]
    told = db.session.scalars(select(Notification.message).where(Notification.user_id == owner.id))
    assert any("please correct the figures" in m for m in told)


def test_the_requester_does_not_decide(client, token_headers, publisher, second):
    # A moderator who owns a measure asks about it: another moderator decides.
    measure = _published(second, publisher)
    request_ = evidence_review.request_rereview(second, measure, "Look again.")
    db.session.commit()
    response = client.post(
        f"/api/v1/rereview-requests/{request_.id}/decision",
        json={"decision": "upheld", "comment": "Mine."},
        headers=token_headers(second, "moderate"),
    )
    assert "You asked for this re-review" in assert_problem(response, 403)["detail"]
    db.session.expire_all()
    assert request_.is_open


def test_only_the_owner_asks_and_sees_the_requests(client, token_headers, owner, publisher):
    measure = _published(owner, publisher)
    url = f"/api/v1/measures/{measure.id}/evidence/rereview-requests"
    stranger = token_headers(make_user(Role.PRACTITIONER), "write")
    assert (
        "Only the owner"
        in assert_problem(client.post(url, json={"reason": "Not mine."}, headers=stranger), 403)[
            "detail"
        ]
    )
    assert_problem(client.get(url, headers=stranger), 403)
    assert_problem(
        client.post(url, json={"reason": "x"}, headers=token_headers(owner, "read")), 403
    )
    assert client.get(url, headers=token_headers(publisher, "moderate")).status_code == 200
    draft = make_measure(owner, external_id="draft")
    draft_url = f"/api/v1/measures/{draft.id}/evidence/rereview-requests"
    assert_problem(client.post(draft_url, json={"reason": "x"}, headers=stranger), 404)
    assert_problem(client.post(draft_url, json={"reason": "x"}, headers=token_headers(owner)), 409)
    assert db.session.scalar(select(RereviewRequest)) is None


def test_the_old_confirm_action_verifies_too(client, token_headers, owner, publisher, second):
    measure = _published(owner, publisher, evaluations=[supported_evaluation()])
    response = client.post(
        f"/api/v1/measures/{measure.id}/moderation",
        json={"action": "confirm_evidence", "comment": "Checked against the report."},
        headers=token_headers(second, "moderate"),
    )
    assert response.status_code == 200
    assert response.get_json()["evidence_provisional"] is False
    assert _actions(measure)[-2:] == ["evidence.confirmed", "evidence.verified"]
