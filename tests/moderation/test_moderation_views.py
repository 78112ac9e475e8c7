"""The review page, decisions posted from it, and who may reach each moderation page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent, Notification
from app.core.extensions import db
from app.measures.models import EvidenceReview, MeasureStatus, RevisionState
from tests.conftest import make_measure, make_user
from tests.moderation.factories import submitted_edit, submitted_measure


def _actions(measure):
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == measure.id)
            .order_by(AuditEvent.id)
        )
    )


# --- the review page ---------------------------------------------------------------------------


def test_review_page_shows_the_submission_in_full_and_the_forms_it_allows(
    client, login, owner, moderator
):
    measure = submitted_measure(owner, description="## Approach\nTen **interactive** sessions.")
    login(moderator)
    response = client.get(f"/moderation/measures/{measure.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "Review: Safe Together school programme" in html
    assert "A ten-session classroom programme" in html
    assert "<strong>interactive</strong>" in html  # Markdown, rendered
    assert "Germany, Austria" in html
    assert "Randomised controlled trial, 2019, Germany" in html
    assert "Children in the programme disclosed more" in html
    assert "owner@example.org" in html
    assert "New measure" in html
    assert f"Level {measure.working_revision.evidence_level} of 5" in html
    for slug in ("publish", "request-changes", "reject", "confirm-evidence", "flag-evidence"):
        assert f'action="/moderation/measures/{measure.id}/{slug}"' in html
        assert f'<label for="{slug}-comment"' in html
        assert f'id="{slug}-comment" maxlength="5000" name="comment" required>' in html
    assert f"/moderation/measures/{measure.id}/archive" not in html
    assert "Submitted the measure for review" in html  # history, in words


def test_review_page_of_a_published_measure_offers_archive_and_evidence_review(
    client, login, owner, moderator
):
    measure = make_measure(owner, publish=True)
    login(moderator)
    html = client.get(f"/moderation/measures/{measure.id}").get_data(as_text=True)
    assert f"/moderation/measures/{measure.id}/archive" in html
    assert f"/moderation/measures/{measure.id}/confirm-evidence" in html
    assert f"/moderation/measures/{measure.id}/publish" not in html


def test_review_page_of_an_edit_shows_its_diff_against_the_published_revision(
    client, login, owner, moderator
):
    measure = make_measure(owner, publish=True)
    submitted_edit(owner, measure, title="Safe Together, second edition", countries=["DE", "FR"])
    login(moderator)
    html = client.get(f"/moderation/measures/{measure.id}").get_data(as_text=True)
    assert "Edit of a published measure" in html
    assert "Changes against published revision 1" in html
    assert "Safe Together school programme" in html  # the old value
    assert "Safe Together, second edition" in html  # the new value
    assert "Added:</span> France" in html
    assert "Removed:</span> Austria" in html


def test_review_page_says_when_an_edit_changes_nothing(client, login, owner, moderator):
    measure = make_measure(owner, publish=True)
    submitted_edit(owner, measure)
    login(moderator)
    html = client.get(f"/moderation/measures/{measure.id}").get_data(as_text=True)
    assert "No field differs from the published revision." in html


def test_review_page_of_a_missing_measure_is_404(client, login, moderator):
    login(moderator)
    assert client.get("/moderation/measures/999999").status_code == 404


# --- posting a decision ------------------------------------------------------------------------


def test_publishing_from_the_review_page_redirects_with_a_message(client, login, owner, moderator):
    measure = submitted_measure(owner)
    login(moderator)
    response = client.post(
        f"/moderation/measures/{measure.id}/publish",
        data={"comment": "Well documented."},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/moderation/measures/{measure.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Published. The owner has been told." in page
    db.session.expire_all()
    assert measure.status == MeasureStatus.PUBLISHED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "measure.published"))
    assert event.actor_id == moderator.id and event.details["comment"] == "Well documented."
    assert db.session.scalar(select(Notification).where(Notification.user_id == owner.id))


@pytest.mark.parametrize(
    ("slug", "status", "revision_state"),
    [
        ("request-changes", MeasureStatus.DRAFT, RevisionState.DRAFT),
        ("reject", MeasureStatus.REJECTED, RevisionState.REJECTED),
    ],
)
def test_each_decision_form_works(client, login, owner, moderator, slug, status, revision_state):
    measure = submitted_measure(owner)
    revision_id = measure.working_revision_id
    login(moderator)
    response = client.post(f"/moderation/measures/{measure.id}/{slug}", data={"comment": "Reason."})
    assert response.status_code == 302
    db.session.expire_all()
    assert measure.status == status
    assert db.session.get(type(measure.working_revision), revision_id).state == revision_state


def test_evidence_forms_confirm_and_flag(client, login, owner, moderator):
    measure = make_measure(owner, publish=True)
    login(moderator)
    client.post(f"/moderation/measures/{measure.id}/flag-evidence", data={"comment": "x"})
    db.session.expire_all()
    assert measure.evidence_review == EvidenceReview.FLAGGED
    client.post(
        f"/moderation/measures/{measure.id}/confirm-evidence",
        data={"comment": "y"},
    )
    db.session.expire_all()
    assert measure.evidence_review == EvidenceReview.CONFIRMED


def test_archiving_from_the_review_page(client, login, owner, moderator):
    measure = make_measure(owner, publish=True)
    login(moderator)
    response = client.post(f"/moderation/measures/{measure.id}/archive", data={"comment": "Ended."})
    assert response.status_code == 302
    db.session.expire_all()
    assert measure.status == MeasureStatus.ARCHIVED


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_a_decision_without_comment_is_refused_with_a_message_and_changes_nothing(
    client, login, owner, moderator, comment
):
    measure = submitted_measure(owner)
    login(moderator)
    data = {} if comment is None else {"comment": comment}
    response = client.post(f"/moderation/measures/{measure.id}/publish", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write a comment: the owner and the audit log read it." in html
    assert 'href="#publish-comment"' in html  # the error summary links to the field
    assert 'aria-describedby="publish-comment-hint publish-comment-error"' in html
    db.session.expire_all()
    assert measure.status == MeasureStatus.SUBMITTED
    assert _actions(measure) == ["measure.created", "measure.submitted"]


def test_a_too_long_comment_is_refused(client, login, owner, moderator):
    measure = submitted_measure(owner)
    login(moderator)
    response = client.post(
        f"/moderation/measures/{measure.id}/reject", data={"comment": "x" * 5001}
    )
    assert response.status_code == 422
    assert "Keep the comment to 5000 characters." in response.get_data(as_text=True)
    db.session.expire_all()
    assert measure.status == MeasureStatus.SUBMITTED


def test_a_decision_the_state_forbids_is_409_with_a_readable_message(
    client, login, owner, moderator
):
    measure = submitted_measure(owner)
    login(moderator)
    response = client.post(f"/moderation/measures/{measure.id}/archive", data={"comment": "Ended."})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This action is not possible now" in html
    assert "Only a published measure can be archived: the measure is submitted." in html
    db.session.expire_all()
    assert measure.status == MeasureStatus.SUBMITTED
    assert "measure.archived" not in _actions(measure)


def test_a_second_publish_of_the_same_submission_is_409(client, login, owner, moderator):
    measure = submitted_measure(owner)
    login(moderator)
    url = f"/moderation/measures/{measure.id}/publish"
    assert client.post(url, data={"comment": "Fine."}).status_code == 302
    assert client.post(url, data={"comment": "Fine."}).status_code == 409
    assert _actions(measure).count("measure.published") == 1


def test_an_unknown_action_or_measure_is_404(client, login, owner, moderator):
    measure = submitted_measure(owner)
    login(moderator)
    assert client.post(f"/moderation/measures/{measure.id}/delete").status_code == 404
    assert client.post(f"/moderation/measures/{measure.id}/request_changes").status_code == 404
    assert (
        client.post("/moderation/measures/999999/publish", data={"comment": "x"})
    ).status_code == 404


def test_decisions_need_a_csrf_token(make_app, app, owner, moderator):
    measure = submitted_measure(owner)
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        client = csrf_app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = moderator.get_id()
        response = client.post(f"/moderation/measures/{measure.id}/publish", data={"comment": "x"})
        assert response.status_code == 400
        page = client.get(f"/moderation/measures/{measure.id}").get_data(as_text=True)
        assert page.count('name="csrf_token"') >= 5  # one per decision form
    db.session.expire_all()
    assert measure.status == MeasureStatus.SUBMITTED


# --- who may reach what ------------------------------------------------------------------------


def _routes(measure_id):
    """Every moderation route: (method, url, data)."""
    return [
        ("GET", "/moderation/", None),
        ("GET", "/moderation/?state=all&country=DE&older_than=7", None),
        ("GET", "/moderation/expert-review", None),
        ("GET", "/moderation/evidence", None),
        ("GET", "/moderation/evidence?show=requests", None),
        ("GET", "/moderation/evidence?show=due", None),
        ("GET", f"/moderation/measures/{measure_id}", None),
        ("GET", "/moderation/audit", None),
        ("GET", "/moderation/audit?action=measure.created&object_type=measure", None),
        (
            "POST",
            f"/moderation/measures/{measure_id}/flag-evidence",
            {"comment": "Check."},
        ),
    ]


def test_every_moderation_route_is_listed_here(app):
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("moderation.")}
    assert rules == {
        "/moderation/",
        "/moderation/expert-review",
        "/moderation/measures/<int:measure_id>",
        "/moderation/measures/<int:measure_id>/<action>",
        "/moderation/measures/<int:measure_id>/verify-evidence",
        "/moderation/measures/<int:measure_id>/harm-review",
        "/moderation/rereview-requests/<int:request_id>/decision",
        "/moderation/evidence",
        "/moderation/audit",
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, owner):
    measure = submitted_measure(owner)
    for method, url, data in _routes(measure.id):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302, url
        assert "/account/login" in response.headers["Location"], url
    db.session.expire_all()
    assert measure.evidence_review is None


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.OFFICIAL])
def test_practitioners_and_officials_are_refused(client, login, owner, role):
    measure = submitted_measure(owner)
    login(make_user(role))
    for method, url, data in _routes(measure.id):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, url
    # Not even the owner of the measure.
    login(owner)
    for method, url, data in _routes(measure.id):
        assert client.open(url, method=method, data=data).status_code == 403, url
    db.session.expire_all()
    assert measure.evidence_review is None


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_and_admins_may_use_every_route(client, login, owner, role):
    measure = submitted_measure(owner)
    login(make_user(role))
    for method, url, data in _routes(measure.id):
        response = client.open(url, method=method, data=data)
        assert response.status_code == (302 if method == "POST" else 200), url
    db.session.expire_all()
    assert measure.evidence_review == EvidenceReview.FLAGGED
