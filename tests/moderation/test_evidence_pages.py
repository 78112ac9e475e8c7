"""EVIDENCE-2027 §7 on the pages: verify, the experts' verdict on harm, the owner's re-review
request and its decision, each with its refusals; the evidence-checks tab; the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent, Notification
from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.measures.models import EvidenceReview
from app.moderation import evidence_review
from app.moderation.models import RereviewDecision, RereviewRequest
from app.moderation.services import publish_measure
from tests.conftest import make_user, supported_evaluation
from tests.moderation.factories import submitted_measure
from tests.moderation.test_evidence_review import WEAK_HARM


@pytest.fixture()
def second(app):
    return make_user(Role.MODERATOR, email="second@example.org", organisation="Hub")


def _published(owner, moderator, **overrides):
    measure = submitted_measure(owner, **overrides)
    publish_measure(moderator, measure, "Checked and published.")
    db.session.commit()
    return measure


def _actions(measure) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "measure", AuditEvent.object_id == measure.id)
            .order_by(AuditEvent.id)
        )
    )


def _page(client, measure) -> str:
    return client.get(f"/moderation/measures/{measure.id}").get_data(as_text=True)


# --- verify the evidence ----------------------------------------------------------------------


def test_a_second_moderator_verifies_from_the_review_page(client, login, owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    login(second)
    html = _page(client, measure)
    assert "Evidence checks" in html and "Levels 4 and 5 stay provisional" in html
    assert f'action="/moderation/measures/{measure.id}/verify-evidence"' in html
    assert '<label for="verify-comment"' in html

    response = client.post(
        f"/moderation/measures/{measure.id}/verify-evidence",
        data={"comment": "Effect sizes match the trial report."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    revision = measure.published_revision
    assert revision.evidence_provisional is False and revision.evidence_verified_by_id == second.id
    assert "evidence.verified" in _actions(measure)
    assert (
        "verified by a second moderator"
        in db.session.scalars(
            select(Notification.message).where(Notification.user_id == owner.id)
        ).all()[-1]
    )
    html = _page(client, measure)
    assert "Yes, by a second moderator" in html
    assert "verify-evidence" not in html
    # The history and the audit log say it in words.
    assert "Verified the evidence (second moderator)" in html
    log = client.get(f"/moderation/audit?object_type=measure&object_id={measure.id}")
    assert "Verified the evidence (second moderator)" in log.get_data(as_text=True)


def test_the_publisher_cannot_verify_what_they_published(client, login, owner, moderator):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    login(moderator)
    html = _page(client, measure)
    assert "You published this revision" in html
    assert "verify-evidence" not in html  # no form, the reason instead
    response = client.post(
        f"/moderation/measures/{measure.id}/verify-evidence", data={"comment": "Mine."}
    )
    assert response.status_code == 403
    assert "You published this revision" in response.get_data(as_text=True)
    db.session.expire_all()
    assert measure.published_revision.evidence_provisional is True
    assert "evidence.verified" not in _actions(measure)


def test_verifying_twice_or_a_measure_not_published_is_a_conflict(client, login, owner, second):
    submitted = submitted_measure(owner)
    login(second)
    response = client.post(f"/moderation/measures/{submitted.id}/verify-evidence", data={})
    assert response.status_code == 409
    assert "the measure is submitted" in response.get_data(as_text=True)
    published = _published(owner, make_user(Role.MODERATOR), external_id="p")
    assert client.post(f"/moderation/measures/{published.id}/verify-evidence").status_code == 302
    again = client.post(f"/moderation/measures/{published.id}/verify-evidence")
    assert again.status_code == 409
    assert "already been verified" in again.get_data(as_text=True)
    assert client.post("/moderation/measures/999999/verify-evidence").status_code == 404


def test_a_too_long_verification_comment_is_refused(client, login, owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    login(second)
    response = client.post(
        f"/moderation/measures/{measure.id}/verify-evidence", data={"comment": "x" * 5001}
    )
    assert response.status_code == 422
    assert 'href="#verify-comment"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert measure.published_revision.evidence_provisional is True


def test_the_old_confirm_action_verifies_too(client, login, owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    login(second)
    response = client.post(
        f"/moderation/measures/{measure.id}/confirm-evidence", data={"comment": "Checked."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert measure.evidence_review == EvidenceReview.CONFIRMED
    assert measure.published_revision.evidence_provisional is False
    # The publisher may still confirm; that verifies nothing.
    other = _published(owner, moderator, external_id="other", evaluations=[supported_evaluation()])
    login(moderator)
    client.post(f"/moderation/measures/{other.id}/confirm-evidence", data={"comment": "Checked."})
    db.session.expire_all()
    assert other.evidence_review == EvidenceReview.CONFIRMED
    assert other.published_revision.evidence_provisional is True


# --- expert review of harm ----------------------------------------------------------------------


def test_the_experts_verdict_is_recorded_from_the_review_page(
    client, login, owner, moderator, second
):
    measure = _published(owner, moderator, evaluations=[WEAK_HARM])
    login(second)
    listed = client.get("/moderation/expert-review").get_data(as_text=True)
    assert f"/moderation/measures/{measure.id}" in listed
    html = _page(client, measure)
    assert "Expert review of harm" in html and 'id="harm-verdict"' in html
    response = client.post(
        f"/moderation/measures/{measure.id}/harm-review",
        data={"verdict": "not_confirmed", "reasons": "The distress was a measurement artefact."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert measure.harm_flag is False
    assert "Harm not confirmed" in _page(client, measure)
    assert "Reviewed the harm signal" in _page(client, measure)
    assert f"/moderation/measures/{measure.id}" not in client.get(
        "/moderation/expert-review"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reasons": "Why."}, "Choose whether the experts confirmed the harm."),
        ({"verdict": "perhaps", "reasons": "Why."}, "Choose whether the experts confirmed"),
        ({"verdict": "confirmed", "reasons": "  "}, "Give your reasons"),
        ({"verdict": "confirmed", "reasons": "x" * 5001}, "Keep it to 5000 characters."),
    ],
)
def test_a_verdict_needs_a_choice_and_reasons(
    client, login, owner, moderator, second, data, message
):
    measure = _published(owner, moderator, evaluations=[WEAK_HARM])
    login(second)
    response = client.post(f"/moderation/measures/{measure.id}/harm-review", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert measure.published_revision.harm_review is None
    assert "evidence.harm_reviewed" not in _actions(measure)


def test_the_publisher_cannot_review_harm_and_a_measure_without_harm_is_a_conflict(
    client, login, owner, moderator, second
):
    flagged = _published(owner, moderator, evaluations=[WEAK_HARM])
    login(moderator)
    data = {"verdict": "confirmed", "reasons": "Replicated."}
    response = client.post(f"/moderation/measures/{flagged.id}/harm-review", data=data)
    assert response.status_code == 403
    plain = _published(owner, moderator, external_id="plain")
    login(second)
    response = client.post(f"/moderation/measures/{plain.id}/harm-review", data=data)
    assert response.status_code == 409
    assert "nothing to review" in response.get_data(as_text=True)


# --- re-review requests -------------------------------------------------------------------------


def test_the_owner_asks_and_a_different_moderator_decides(client, login, owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    login(owner)
    page = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert "Ask for the evidence to be reviewed again" in page
    assert f'action="/measures/{measure.id}/rereview-request"' in page
    response = client.post(
        f"/measures/{measure.id}/rereview-request",
        data={"reason": "The 24-month follow-up was published."},
    )
    assert response.status_code == 302
    page = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert "You asked on" in page and "The 24-month follow-up was published." in page
    assert "rereview-request" not in page  # one open request at a time

    login(second)
    listed = client.get("/moderation/evidence?show=requests").get_data(as_text=True)
    assert "The 24-month follow-up was published." in listed
    html = _page(client, measure)
    request_ = db.session.scalar(select(RereviewRequest))
    assert f'action="/moderation/rereview-requests/{request_.id}/decision"' in html
    response = client.post(
        f"/moderation/rereview-requests/{request_.id}/decision",
        data={"decision": "upheld", "comment": "Checked again: the level stands."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert request_.decision == RereviewDecision.UPHELD and request_.decided_by_id == second.id
    assert _actions(measure)[-2:] == ["evidence.rereview_requested", "evidence.rereview_decided"]
    login(owner)
    page = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert "the level stands" in page and "Checked again: the level stands." in page
    assert "Ask for the evidence to be reviewed again" in page  # may ask again
    told = db.session.scalars(select(Notification.message).where(Notification.user_id == owner.id))
    assert any("was decided" in m for m in told)


def test_the_requester_and_the_publisher_cannot_decide(client, login, owner, moderator, second):
    # A moderator who owns a measure asks about it; they may not decide their own request.
    own = _published(second, moderator, evaluations=[supported_evaluation()])
    request_ = evidence_review.request_rereview(second, own, "Please look again.")
    db.session.commit()
    login(second)
    html = _page(client, own)
    assert "You asked for this re-review" in html
    url = f"/moderation/rereview-requests/{request_.id}/decision"
    data = {"decision": "upheld", "comment": "Fine."}
    response = client.post(url, data=data)
    assert response.status_code == 403
    assert "You asked for this re-review" in response.get_data(as_text=True)
    login(moderator)  # published the revision in question
    assert client.post(url, data=data).status_code == 403
    db.session.expire_all()
    assert request_.is_open
    third = make_user(Role.ADMIN)
    login(third)
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 409  # already decided
    assert client.post("/moderation/rereview-requests/999999/decision", data=data).status_code == (
        404
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"comment": "Why."}, "Choose a decision."),
        ({"decision": "granted", "comment": "Why."}, "Choose a decision."),
        ({"decision": "upheld", "comment": ""}, "Give your reasons"),
    ],
)
def test_a_decision_needs_a_choice_and_reasons(
    client, login, owner, moderator, second, data, message
):
    measure = _published(owner, moderator)
    request_ = evidence_review.request_rereview(owner, measure, "Look again.")
    db.session.commit()
    login(second)
    response = client.post(f"/moderation/rereview-requests/{request_.id}/decision", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert request_.is_open


@pytest.mark.parametrize("reason", ["", "   ", "x" * 5001])
def test_a_request_needs_a_reason(client, login, owner, moderator, reason):
    measure = _published(owner, moderator)
    login(owner)
    response = client.post(f"/measures/{measure.id}/rereview-request", data={"reason": reason})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#reason"' in html and "There is a problem" in html
    assert db.session.scalar(select(RereviewRequest)) is None


def test_only_the_owner_of_a_published_measure_may_ask(client, login, owner, moderator, second):
    measure = _published(owner, moderator)
    login(second)
    assert "rereview-request" not in client.get(f"/measures/{measure.id}").get_data(as_text=True)
    data = {"reason": "Not mine."}
    assert client.post(f"/measures/{measure.id}/rereview-request", data=data).status_code == 403
    login(owner)
    draft = submitted_measure(owner, external_id="waiting")
    assert "rereview-request" not in client.get(f"/measures/{draft.id}").get_data(as_text=True)
    assert client.post(f"/measures/{draft.id}/rereview-request", data=data).status_code == 409
    assert client.post("/measures/999999/rereview-request", data=data).status_code == 404
    login(make_user(Role.PRACTITIONER))
    assert client.post(f"/measures/{draft.id}/rereview-request", data=data).status_code == 404
    assert db.session.scalar(select(RereviewRequest)) is None


# --- the evidence-checks tab, last reviewed and due ---------------------------------------------


def test_the_tab_lists_levels_to_verify_requests_and_levels_due(client, login, owner, moderator):
    fresh = _published(owner, moderator, evaluations=[supported_evaluation()], title="Fresh four")
    old = _published(owner, moderator, external_id="old", title="Old three")
    old.published_revision.decided_at = utcnow() - timedelta(days=731)
    db.session.commit()
    login(moderator)
    moderation = client.get("/moderation/").get_data(as_text=True)
    assert 'href="/moderation/evidence"' in moderation  # a tab of its own
    to_verify = client.get("/moderation/evidence").get_data(as_text=True)
    assert "Fresh four" in to_verify and "Old three" not in to_verify
    assert 'aria-current="page">Evidence to verify' in to_verify
    due = client.get("/moderation/evidence?show=due").get_data(as_text=True)
    assert "Old three" in due and "Fresh four" not in due
    assert "No owner is waiting" in client.get("/moderation/evidence?show=requests").get_data(
        as_text=True
    )
    assert client.get("/moderation/evidence?show=everything").status_code == 404
    assert "Due for re-review" in _page(client, old)
    public = client.get(f"/measures/{old.id}").get_data(as_text=True)
    assert "Due for re-review:" in public and "Evidence last reviewed" in public
    assert "Due for re-review:" not in client.get(f"/measures/{fresh.id}").get_data(as_text=True)


def test_the_public_page_says_who_reviewed_and_that_the_level_is_no_longer_provisional(
    client, login, owner, moderator, second
):
    measure = _published(owner, moderator, evaluations=[supported_evaluation()])
    assert "Provisional:" in client.get(f"/measures/{measure.id}").get_data(as_text=True)
    evidence_review.verify_evidence(second, measure)
    db.session.commit()
    html = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert "Provisional:" not in html
    assert "Evidence last reviewed" in html and "by a moderator" in html


def test_the_evidence_forms_need_a_csrf_token(make_app, app, owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[WEAK_HARM])
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        client = csrf_app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = second.get_id()
        data = {"verdict": "confirmed", "reasons": "Replicated."}
        assert (
            client.post(f"/moderation/measures/{measure.id}/harm-review", data=data).status_code
            == 400
        )
        assert client.post(f"/moderation/measures/{measure.id}/verify-evidence").status_code == 400
        with client.session_transaction() as session:
            session["_user_id"] = owner.get_id()
        response = client.post(f"/measures/{measure.id}/rereview-request", data={"reason": "x"})
        assert response.status_code == 400
    db.session.expire_all()
    assert measure.harm_flag is True
    assert db.session.scalar(select(RereviewRequest)) is None


def test_a_confirmed_harm_leaves_the_expert_review_list(client, login, owner, moderator, second):
    measure = _published(owner, moderator, evaluations=[WEAK_HARM], title="Harmful trial")
    login(second)
    assert "Harmful trial" in client.get("/moderation/expert-review").get_data(as_text=True)
    client.post(
        f"/moderation/measures/{measure.id}/harm-review",
        data={"verdict": "confirmed", "reasons": "Replicated in a second trial."},
    )
    db.session.expire_all()
    assert measure.evidence_label == "Negative effects found" and measure.harm_flag
    assert "Harmful trial" not in client.get("/moderation/expert-review").get_data(as_text=True)
