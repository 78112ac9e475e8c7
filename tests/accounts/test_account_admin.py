"""Admins manage users: list and filter, change roles, suspend and reactivate."""

from __future__ import annotations

import pytest

from app.accounts.models import Role, UserStatus
from tests.accounts.conftest import audit_actions, fresh, new_client
from tests.conftest import TEST_PASSWORD, make_user


@pytest.fixture()
def admin(client, auth):
    user = make_user(Role.ADMIN, email="admin@example.org")
    auth.login(user)
    return user


def test_the_user_list_shows_everyone_and_filters_by_status(client, admin):
    make_user(email="active@example.org")
    make_user(email="pending@example.org", status=UserStatus.PENDING)
    page = client.get("/account/users").get_data(as_text=True)
    assert "active@example.org" in page and "pending@example.org" in page
    assert "3 users" in page
    page = client.get("/account/users?status=pending").get_data(as_text=True)
    assert "pending@example.org" in page and "active@example.org" not in page


def test_an_unknown_status_filter_is_a_clear_400(client, admin):
    response = client.get("/account/users?status=banana")
    assert response.status_code == 400
    assert "Unknown status filter" in response.get_data(as_text=True)


def test_the_list_pages_fifty_users_at_a_time(client, admin):
    from app.accounts.models import User
    from app.core.extensions import db

    for number in range(55):
        db.session.add(
            User(
                email=f"u{number}@example.org",
                name=f"U {number}",
                password_hash="x",
                role=Role.PRACTITIONER,
                country="DE",
                organisation="Org",
            )
        )
    db.session.commit()
    page = client.get("/account/users").get_data(as_text=True)
    assert "Page 1 of 2" in page and "Next page" in page
    assert "Page 2 of 2" in client.get("/account/users?page=2").get_data(as_text=True)


def test_changing_a_role_audits_it_and_ends_the_persons_sessions(client, admin, app):
    target = make_user(email="pat@example.org")
    theirs = new_client(app)
    theirs.post("/account/login", data={"email": "pat@example.org", "password": TEST_PASSWORD})
    assert theirs.get("/account/").status_code == 200
    version = target.session_version
    response = client.post(f"/account/users/{target.id}/role", data={"role": "official"})
    assert response.status_code == 302
    target = fresh(target)
    assert target.role == Role.OFFICIAL
    assert target.session_version == version + 1
    [event] = audit_actions("user.role_changed")
    assert (event.actor_id, event.object_id) == (admin.id, target.id)
    assert event.details == {"old": "practitioner", "new": "official"}
    assert theirs.get("/account/").status_code == 302


def test_setting_the_same_role_changes_nothing(client, admin):
    target = make_user(email="pat@example.org")
    client.post(f"/account/users/{target.id}/role", data={"role": "practitioner"})
    assert audit_actions("user.role_changed") == []
    assert fresh(target).session_version == 1


@pytest.mark.parametrize("role", ["", "root", "ADMIN"])
def test_an_unknown_role_is_refused_with_a_message(client, admin, role):
    target = make_user(email="pat@example.org")
    response = client.post(
        f"/account/users/{target.id}/role", data={"role": role}, follow_redirects=True
    )
    assert "Choose one of: practitioner, official, moderator, admin." in response.get_data(
        as_text=True
    )
    assert fresh(target).role == Role.PRACTITIONER


def test_an_admin_cannot_change_their_own_role_or_suspend_themselves(client, admin):
    assert (
        client.post(f"/account/users/{admin.id}/role", data={"role": "official"}).status_code == 403
    )
    assert client.post(f"/account/users/{admin.id}/suspend").status_code == 403
    admin = fresh(admin)
    assert admin.role == Role.ADMIN and admin.status == UserStatus.ACTIVE


def test_suspending_ends_sessions_and_reactivating_restores_access(client, admin, app):
    target = make_user(email="pat@example.org")
    theirs = new_client(app)
    theirs.post("/account/login", data={"email": "pat@example.org", "password": TEST_PASSWORD})
    assert client.post(f"/account/users/{target.id}/suspend").status_code == 302
    assert fresh(target).status == UserStatus.SUSPENDED
    assert theirs.get("/account/").status_code == 302
    page = theirs.post(
        "/account/login", data={"email": "pat@example.org", "password": TEST_PASSWORD}
    ).get_data(as_text=True)
    assert "Your account is suspended" in page
    assert client.post(f"/account/users/{target.id}/reactivate").status_code == 302
    assert fresh(target).status == UserStatus.ACTIVE
    assert [
        e.action for e in audit_actions() if e.action.startswith("user.s") or "react" in e.action
    ] == [
        "user.suspended",
        "user.reactivated",
    ]
    response = theirs.post(
        "/account/login", data={"email": "pat@example.org", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_reactivating_a_rejected_registration_approves_it(client, admin):
    target = make_user(email="pat@example.org", status=UserStatus.SUSPENDED)
    client.post(f"/account/users/{target.id}/reactivate")
    target = fresh(target)
    assert target.status == UserStatus.ACTIVE
    assert target.approved_by_id == admin.id and target.approved_at is not None


def test_suspending_twice_or_reactivating_an_active_account_is_refused(client, admin):
    target = make_user(email="pat@example.org")
    assert client.post(f"/account/users/{target.id}/reactivate").status_code == 403
    client.post(f"/account/users/{target.id}/suspend")
    assert client.post(f"/account/users/{target.id}/suspend").status_code == 403


def test_admin_actions_go_back_to_the_list_page_but_never_off_site(client, admin):
    target = make_user(email="pat@example.org")
    response = client.post(
        f"/account/users/{target.id}/suspend", data={"next": "/account/users?status=active"}
    )
    assert response.headers["Location"] == "/account/users?status=active"
    response = client.post(
        f"/account/users/{target.id}/reactivate", data={"next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/account/users"


@pytest.mark.parametrize("role", ["practitioner", "official", "moderator"])
def test_only_admins_manage_users(client, auth, role):
    auth.login(make_user(role))
    target = make_user(email="pat@example.org")
    assert client.get("/account/users").status_code == 403
    assert (
        client.post(f"/account/users/{target.id}/role", data={"role": "admin"}).status_code == 403
    )
    assert client.post(f"/account/users/{target.id}/suspend").status_code == 403
    target = fresh(target)
    assert target.role == Role.PRACTITIONER and target.status == UserStatus.ACTIVE
