"""The admin policy that moderators and admins must use two-factor, and an admin's reset."""

from __future__ import annotations

import pytest

from app.accounts import two_factor
from app.accounts.models import Role
from app.core.exceptions import PermissionDenied
from app.core.extensions import db
from tests.accounts.conftest import audit_actions, fresh, new_client
from tests.accounts.two_factor_helpers import (
    code_for_step,
    enable_two_factor,
    sign_in_with_two_factor,
)
from tests.conftest import TEST_PASSWORD, make_user


def _require(admin, on: bool = True) -> None:
    two_factor.set_staff_two_factor_required(admin, on)
    db.session.commit()


def test_an_admin_turns_the_policy_on_and_off_on_the_security_page(client, auth):
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    page = client.get("/account/security").get_data(as_text=True)
    assert 'name="require_for_staff"' in page and "checked" not in page
    response = client.post("/account/security", data={"require_for_staff": "y"})
    assert response.status_code == 302
    assert two_factor.staff_two_factor_required()
    [event] = audit_actions("settings.changed")
    assert event.actor_id == admin.id
    assert event.details == {"name": "require_2fa_for_staff", "old": False, "new": True}
    # The admin has no two-factor yet, so the policy now sends them to set it up.
    assert client.get("/account/security").headers["Location"] == "/account/two-factor"
    enable_two_factor(fresh(admin))
    other = new_client(client.application)
    sign_in_with_two_factor(other, fresh(admin))
    assert "checked" in other.get("/account/security").get_data(as_text=True)
    other.post("/account/security", data={})
    assert not two_factor.staff_two_factor_required()
    assert len(audit_actions("settings.changed")) == 2
    other.post("/account/security", data={})  # no change, no event
    assert len(audit_actions("settings.changed")) == 2


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.OFFICIAL, Role.MODERATOR])
def test_only_admins_change_the_policy(client, auth, role):
    auth.login(make_user(role))
    assert client.get("/account/security").status_code == 403
    assert client.post("/account/security", data={"require_for_staff": "y"}).status_code == 403
    assert not two_factor.staff_two_factor_required()
    with pytest.raises(PermissionDenied):
        two_factor.set_staff_two_factor_required(make_user(role), True)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_with_the_policy_on_staff_without_two_factor_can_only_enrol(client, auth, role):
    _require(make_user(Role.ADMIN, email="boss@example.org"))
    user = make_user(role)
    response = auth.login(user)
    assert response.status_code == 302
    for path in ("/", "/account/", "/moderation/", "/measures/new", "/search?q=x"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/account/two-factor"
    assert client.post("/account/notifications/read").headers["Location"] == ("/account/two-factor")
    assert client.get("/account/tokens/").headers["Location"] == "/account/two-factor"
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Your role needs two-factor sign-in" in page
    client.post("/account/two-factor/setup")
    secret = fresh(user).totp_secret
    code = code_for_step(secret, two_factor.totp.current_step())
    assert client.post("/account/two-factor/confirm", data={"code": code}).status_code == 200
    assert client.get("/moderation/").status_code == 200
    assert client.post("/account/logout").status_code == 302


def test_the_policy_leaves_practitioners_and_officials_alone(client, auth):
    _require(make_user(Role.ADMIN))
    for role in (Role.PRACTITIONER, Role.OFFICIAL):
        user = make_user(role)
        c = new_client(client.application)
        c.post("/account/login", data={"email": user.email, "password": TEST_PASSWORD})
        assert c.get("/account/").status_code == 200


def test_staff_with_two_factor_carry_on_and_turning_it_off_sends_them_back(client):
    _require(make_user(Role.ADMIN))
    moderator = make_user(Role.MODERATOR)
    codes = enable_two_factor(moderator)
    sign_in_with_two_factor(client, moderator)
    assert client.get("/moderation/").status_code == 200
    client.post(
        "/account/two-factor/disable",
        data={"disable-current_password": TEST_PASSWORD, "disable-code": codes[0]},
    )
    assert client.get("/moderation/").headers["Location"] == "/account/two-factor"


def test_an_admin_turns_off_two_factor_for_someone_who_lost_their_phone(client, auth, app):
    admin = make_user(Role.ADMIN)
    moderator = make_user(Role.MODERATOR)
    enable_two_factor(moderator)
    theirs = new_client(app)
    sign_in_with_two_factor(theirs, moderator)
    auth.login(admin)
    page = client.get("/account/users").get_data(as_text=True)
    assert f"/account/users/{moderator.id}/two-factor/reset" in page
    response = client.post(f"/account/users/{moderator.id}/two-factor/reset")
    assert response.status_code == 302
    assert not fresh(moderator).has_two_factor
    [event] = audit_actions("user.two_factor_reset")
    assert (event.actor_id, event.object_id) == (admin.id, moderator.id)
    assert theirs.get("/account/").status_code == 302  # their sessions ended
    again = client.post(f"/account/users/{moderator.id}/two-factor/reset")
    assert again.status_code == 302  # nothing to reset: explained, not an error
    assert "is not on for" in client.get("/account/users").get_data(as_text=True)


def test_no_one_resets_their_own_two_factor_and_only_admins_reset_others(client, auth):
    admin = make_user(Role.ADMIN)
    enable_two_factor(admin)
    moderator = make_user(Role.MODERATOR)
    sign_in_with_two_factor(client, admin)
    assert client.post(f"/account/users/{admin.id}/two-factor/reset").status_code == 403
    assert fresh(admin).has_two_factor
    other = new_client(client.application)
    other.post("/account/login", data={"email": moderator.email, "password": TEST_PASSWORD})
    assert other.post(f"/account/users/{admin.id}/two-factor/reset").status_code == 403
    assert fresh(admin).has_two_factor


def test_the_command_line_turns_off_two_factor_when_no_admin_can(runner):
    admin = make_user(Role.ADMIN, email="last.admin@example.org")
    enable_two_factor(admin)
    result = runner.invoke(args=["users", "reset-2fa", "Last.Admin@example.org"])
    assert result.exit_code == 0, result.output
    assert not fresh(admin).has_two_factor
    [event] = audit_actions("user.two_factor_reset")
    assert (event.actor_id, event.object_id) == (None, admin.id)
    again = runner.invoke(args=["users", "reset-2fa", "last.admin@example.org"])
    assert again.exit_code == 1 and "not on" in again.output
    missing = runner.invoke(args=["users", "reset-2fa", "nobody@example.org"])
    assert missing.exit_code == 1 and "No account" in missing.output
