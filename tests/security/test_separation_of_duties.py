"""Separation of duties (issue 15): nobody decides on a measure they wrote or own, on the page
or through the API; an admin's decision on their own measure waits for a second admin."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from app.accounts.models import Role
from app.api_tokens.services import create_token
from app.audit.models import AuditEvent
from app.core.dbtypes import utcnow
from app.core.exceptions import PermissionDenied
from app.core.extensions import db
from app.measures.models import MeasureStatus
from app.moderation import evidence_review
from tests.conftest import make_measure, make_user
from tests.moderation.factories import submitted_measure

COMMENT = "Checked the studies."


def _sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    g.pop("_login_user", None)


def _with_two_factor(user):
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    user.totp_enabled_at = utcnow()
    db.session.commit()
    return user


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize(
    "action", ["publish", "request-changes", "reject", "confirm-evidence", "flag-evidence"]
)
def test_a_moderator_cannot_decide_on_their_own_submission_on_the_page(app, client, action):
    moderator = make_user(Role.MODERATOR)
    measure = submitted_measure(moderator)
    _sign_in(client, moderator)
    answer = client.post(f"/moderation/measures/{measure.id}/{action}", data={"comment": COMMENT})
    assert answer.status_code == 403
    assert b"a different moderator decides" in answer.data
    db.session.expire_all()
    assert measure.status == MeasureStatus.SUBMITTED


def test_a_moderator_cannot_publish_their_own_submission_through_the_api(app, client):
    moderator = _with_two_factor(make_user(Role.MODERATOR))
    measure = submitted_measure(moderator)
    _, secret = create_token(moderator, "tool", "moderate")
    db.session.commit()
    answer = client.post(
        f"/api/v1/measures/{measure.id}/moderation",
        json={"action": "publish", "comment": COMMENT},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 403
    assert answer.content_type == "application/problem+json"
    assert "a different moderator" in answer.get_json()["detail"]
    db.session.expire_all()
    assert measure.status == MeasureStatus.SUBMITTED


def test_another_moderator_may_decide(app, client):
    measure = submitted_measure(make_user(Role.MODERATOR))
    _sign_in(client, make_user(Role.MODERATOR))
    answer = client.post(f"/moderation/measures/{measure.id}/publish", data={"comment": COMMENT})
    assert answer.status_code == 302
    db.session.expire_all()
    assert measure.status == MeasureStatus.PUBLISHED


def test_an_admins_own_decision_waits_for_a_second_admin(app, client):
    author = make_user(Role.ADMIN)
    measure = submitted_measure(author)
    _sign_in(client, author)
    answer = client.post(f"/moderation/measures/{measure.id}/publish", data={"comment": COMMENT})
    assert answer.status_code == 302
    db.session.expire_all()
    assert measure.status == MeasureStatus.SUBMITTED  # not yet
    [pending] = _events("moderation.decision_pending")
    assert pending.actor_id == author.id and pending.details["decision"] == "publish"
    page = client.get(f"/moderation/measures/{measure.id}")
    assert b"A decision waits for a second admin" in page.data

    second = make_user(Role.ADMIN)
    _sign_in(client, second)
    answer = client.post(f"/moderation/measures/{measure.id}/publish", data={"comment": "Agreed."})
    assert answer.status_code == 302
    db.session.expire_all()
    assert measure.status == MeasureStatus.PUBLISHED
    [published] = _events("measure.published")
    assert published.actor_id == second.id
    assert published.details["confirms_pending_decision_of"] == author.id


def test_an_admins_own_decision_through_the_api_is_pending(app, client):
    author = _with_two_factor(make_user(Role.ADMIN))
    measure = submitted_measure(author)
    _, secret = create_token(author, "tool", "moderate")
    db.session.commit()
    answer = client.post(
        f"/api/v1/measures/{measure.id}/moderation",
        json={"action": "reject", "comment": COMMENT},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 202
    assert answer.get_json()["status"] == "pending_confirmation"
    db.session.expire_all()
    assert measure.status == MeasureStatus.SUBMITTED
    assert len(_events("moderation.decision_pending")) == 1


def test_nobody_verifies_the_evidence_of_their_own_measure(app):
    author = make_user(Role.ADMIN)
    measure = make_measure(author, publish=True)
    with pytest.raises(PermissionDenied, match="a different moderator"):
        evidence_review.verify_evidence(author, measure, COMMENT)
