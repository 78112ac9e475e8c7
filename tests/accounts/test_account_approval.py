"""Approving and rejecting registrations: who may decide on whom, and what follows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role, UserStatus
from app.accounts.policies import can_approve_user, can_list_pending_users
from app.accounts.services import approve_user
from app.audit.models import Notification
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from tests.accounts.conftest import audit_actions, fresh, pending_user
from tests.conftest import make_user

ROLES = [role.value for role in Role]


@pytest.mark.parametrize("actor_role", ROLES)
@pytest.mark.parametrize("target_role", ROLES)
def test_moderators_approve_practitioners_and_only_admins_approve_the_rest(
    app, actor_role, target_role
):
    actor = make_user(actor_role)
    target = pending_user(target_role)
    expected = actor_role == "admin" or (
        actor_role == "moderator" and target_role == "practitioner"
    )
    assert can_approve_user(actor, target) is expected


def test_nobody_approves_an_account_that_is_not_pending(app):
    admin = make_user(Role.ADMIN)
    for status in (UserStatus.ACTIVE, UserStatus.SUSPENDED, UserStatus.DELETED):
        assert not can_approve_user(admin, make_user(status=status))
    with pytest.raises(InvalidTransition):
        approve_user(admin, make_user(status=UserStatus.ACTIVE))


def test_the_service_refuses_a_moderator_approving_an_official(app):
    target = pending_user(Role.OFFICIAL)
    with pytest.raises(PermissionDenied):
        approve_user(make_user(Role.MODERATOR), target)
    assert target.status == UserStatus.PENDING


def test_only_moderators_and_admins_list_pending_accounts(app):
    assert [can_list_pending_users(make_user(role)) for role in ROLES] == [
        False,
        False,
        True,
        True,
    ]
    assert not can_list_pending_users(None)


def test_the_pending_page_shows_each_account_with_its_verification_state(client, auth):
    from app.core.dbtypes import utcnow

    verified = pending_user(email="verified@example.org")
    verified.email_verified_at = utcnow()
    db.session.commit()
    pending_user(email="unverified@example.org")
    official = pending_user(Role.OFFICIAL, email="official@example.org")
    make_user(email="active@example.org")
    auth.login(make_user(Role.MODERATOR))
    page = client.get("/account/pending").get_data(as_text=True)
    assert "verified@example.org" in page and "unverified@example.org" in page
    assert "active@example.org" not in page
    row = page[page.index("verified@example.org") :]
    assert "Yes, " in row[: row.index("</tr>")]
    row = page[page.index("unverified@example.org") :]
    assert "<strong>No</strong>" in row[: row.index("</tr>")]
    row = page[page.index("official@example.org") :]
    assert "An administrator decides" in row[: row.index("</tr>")]
    assert f"/account/pending/{official.id}/approve" not in page


def test_a_moderator_approves_a_practitioner_who_is_told_and_can_sign_in(client, auth, mailbox):
    moderator = make_user(Role.MODERATOR)
    target = pending_user(email="new@example.org")
    auth.login(moderator)
    response = client.post(f"/account/pending/{target.id}/approve")
    assert response.status_code == 302 and response.headers["Location"] == "/account/pending"
    target = fresh(target)
    assert target.status == UserStatus.ACTIVE
    assert target.approved_by_id == moderator.id and target.approved_at is not None
    [event] = audit_actions("user.approved")
    assert (event.actor_id, event.object_id) == (moderator.id, target.id)
    assert "approved" in mailbox.last("new@example.org").get_content()
    [note] = db.session.scalars(select(Notification)).all()
    assert note.user_id == target.id and "approved" in note.message
    auth.logout()
    assert auth.login("new@example.org").status_code == 302


@pytest.mark.parametrize("target_role", ["official", "moderator", "admin"])
def test_a_moderator_gets_403_approving_anyone_but_a_practitioner(client, auth, target_role):
    auth.login(make_user(Role.MODERATOR))
    target = pending_user(target_role)
    for action in ("approve", "reject"):
        assert client.post(f"/account/pending/{target.id}/{action}").status_code == 403
    assert fresh(target).status == UserStatus.PENDING
    assert audit_actions("user.approved") == audit_actions("user.rejected") == []


@pytest.mark.parametrize("target_role", ["official", "moderator"])
def test_an_admin_approves_officials_and_moderators(client, auth, target_role):
    auth.login(make_user(Role.ADMIN))
    target = pending_user(target_role)
    assert client.post(f"/account/pending/{target.id}/approve").status_code == 302
    assert fresh(target).status == UserStatus.ACTIVE


@pytest.mark.parametrize("role", ["practitioner", "official"])
def test_practitioners_and_officials_cannot_see_or_decide_on_pending_accounts(client, auth, role):
    auth.login(make_user(role))
    target = pending_user()
    assert client.get("/account/pending").status_code == 403
    assert client.post(f"/account/pending/{target.id}/approve").status_code == 403
    assert client.post(f"/account/pending/{target.id}/reject").status_code == 403
    assert fresh(target).status == UserStatus.PENDING


def test_rejecting_suspends_the_account_audits_the_reason_and_tells_the_person(
    client, auth, mailbox
):
    moderator = make_user(Role.MODERATOR)
    target = pending_user(email="new@example.org")
    auth.login(moderator)
    response = client.post(
        f"/account/pending/{target.id}/reject", data={"reason": "Not a prevention professional"}
    )
    assert response.status_code == 302
    target = fresh(target)
    assert target.status == UserStatus.SUSPENDED and target.approved_at is None
    [event] = audit_actions("user.rejected")
    assert event.actor_id == moderator.id
    assert event.details == {"reason": "Not a prevention professional"}
    assert "Not a prevention professional" in mailbox.last("new@example.org").get_content()
    auth.logout()
    assert "not approved" in auth.login("new@example.org").get_data(as_text=True)


def test_a_reject_reason_that_is_too_long_changes_nothing(client, auth):
    auth.login(make_user(Role.MODERATOR))
    target = pending_user()
    response = client.post(
        f"/account/pending/{target.id}/reject", data={"reason": "x" * 501}, follow_redirects=True
    )
    assert "Use at most 500 characters." in response.get_data(as_text=True)
    assert fresh(target).status == UserStatus.PENDING


def test_deciding_twice_on_one_account_is_a_conflict(client, auth):
    auth.login(make_user(Role.ADMIN))
    target = pending_user()
    assert client.post(f"/account/pending/{target.id}/approve").status_code == 302
    response = client.post(f"/account/pending/{target.id}/reject")
    assert response.status_code == 409
    assert "no longer waiting for approval" in response.get_data(as_text=True)
    assert fresh(target).status == UserStatus.ACTIVE


def test_deciding_on_an_unknown_account_is_404(client, auth):
    auth.login(make_user(Role.ADMIN))
    assert client.post("/account/pending/9999/approve").status_code == 404
