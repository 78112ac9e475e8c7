"""Session rotation: a fresh session at sign-in; old cookies stop working after a role change,
a password change or reset, and an admin's two-factor reset."""

from __future__ import annotations

from app.accounts.models import Role
from tests.accounts.conftest import NEW_PASSWORD, fresh, new_client
from tests.accounts.two_factor_helpers import enable_two_factor, sign_in_with_two_factor
from tests.conftest import TEST_PASSWORD, make_user


def _signed_in_cookie(app, user) -> tuple[object, str]:
    client = new_client(app)
    response = client.post("/account/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client, client.get_cookie("session").value


def _replay(app, cookie: str):
    replay = new_client(app)
    replay.set_cookie("session", cookie, domain="localhost")
    return replay.get("/account/")


def test_sign_in_starts_a_fresh_session(client):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "state from before the sign-in"
        session["_user_id"] = "999:1"  # a forged id is replaced, never kept
    client.post("/account/login", data={"email": user.email, "password": TEST_PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:1"


def test_a_role_change_ends_the_persons_sessions_and_old_cookies_stop_working(client, auth, app):
    target = make_user(Role.PRACTITIONER)
    theirs, cookie = _signed_in_cookie(app, target)
    assert _replay(app, cookie).status_code == 200
    auth.login(make_user(Role.ADMIN))
    response = client.post(f"/account/users/{target.id}/role", data={"role": "moderator"})
    assert response.status_code == 302
    assert fresh(target).role == Role.MODERATOR and fresh(target).session_version == 2
    assert theirs.get("/account/").status_code == 302
    replayed = _replay(app, cookie)
    assert replayed.status_code == 302 and "/account/login" in replayed.headers["Location"]
    # Signing in again gives a session with the new role.
    again, _ = _signed_in_cookie(app, target)
    assert again.get("/moderation/").status_code == 200


def test_a_password_change_ends_other_sessions_and_a_replayed_cookie_is_refused(client, app):
    user = make_user()
    _, old_cookie = _signed_in_cookie(app, user)
    mine, _ = _signed_in_cookie(app, user)
    response = mine.post(
        "/account/password",
        data={"current_password": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert mine.get("/account/").status_code == 200
    assert _replay(app, old_cookie).status_code == 302


def test_a_password_reset_ends_every_session(client, app, mailbox):
    user = make_user(email="pat@example.org")
    _, old_cookie = _signed_in_cookie(app, user)
    client.post("/account/reset", data={"email": "pat@example.org"})
    client.post(
        mailbox.link("pat@example.org"), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert _replay(app, old_cookie).status_code == 302


def test_an_admins_two_factor_reset_ends_the_persons_sessions(client, auth, app):
    moderator = make_user(Role.MODERATOR)
    enable_two_factor(moderator)
    theirs = new_client(app)
    sign_in_with_two_factor(theirs, moderator)
    cookie = theirs.get_cookie("session").value
    auth.login(make_user(Role.ADMIN))
    client.post(f"/account/users/{moderator.id}/two-factor/reset")
    assert _replay(app, cookie).status_code == 302


def test_a_cookie_from_the_code_step_is_not_a_sign_in(app):
    user = make_user()
    enable_two_factor(user)
    half = new_client(app)
    half.post("/account/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert _replay(app, half.get_cookie("session").value).status_code == 302
