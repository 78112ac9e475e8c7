"""A refused API request leaves nothing behind (app/core/transaction.py): the service's
InvalidTransition answers 409 problem+json, and no audit event or notification is kept."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role
from app.audit.models import AuditEvent, Notification
from app.core.extensions import db
from app.measures.models import MeasureStatus
from app.measures.services import submit_measure
from tests.api.conftest import assert_problem
from tests.conftest import make_measure, make_user


def _count(model) -> int:
    db.session.rollback()  # only what was committed
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_refused_decision_answers_409_and_keeps_nothing(client, owner, token_headers):
    moderator = make_user(Role.MODERATOR, organisation="Hub")
    measure = make_measure(owner, title="Waiting")
    submit_measure(owner, measure)
    db.session.commit()
    url = f"/api/v1/measures/{measure.id}/moderation"
    headers = token_headers(moderator, "moderate")
    decision = {"action": "reject", "comment": "Not evidence."}
    assert client.post(url, json=decision, headers=headers).status_code == 200
    events, notifications = _count(AuditEvent), _count(Notification)

    # Rejected already: the service refuses after the view has started its work.
    body = assert_problem(client.post(url, json=decision, headers=headers), 409)
    assert body["detail"]
    assert (_count(AuditEvent), _count(Notification)) == (events, notifications)
    db.session.refresh(measure)
    assert measure.status == MeasureStatus.REJECTED
