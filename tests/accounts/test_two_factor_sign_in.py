"""Signing in with two-factor: the password, then a code or a recovery code."""

from __future__ import annotations

import time

from app.accounts import sign_in_state, totp
from app.accounts.models import Role
from tests.accounts.conftest import audit_actions, fresh, new_client
from tests.accounts.two_factor_helpers import (
    code_for_step,
    enable_two_factor,
    next_code,
    password_step,
    sign_in_with_two_factor,
)
from tests.conftest import make_user

WRONG = "That code is not right or was already used"


def test_the_password_alone_only_leads_to_the_code_step(client):
    user = make_user(Role.MODERATOR)
    enable_two_factor(user)
    response = password_step(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login/code"
    # Half signed in counts as not signed in, everywhere.
    for path in ("/account/", "/measures/new", "/moderation/", "/account/two-factor"):
        response = client.get(path)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert "Sign in</a>" in client.get("/").get_data(as_text=True)
    assert fresh(user).last_login_at is None
    assert audit_actions("user.login") == []
    page = client.get("/account/login/code").get_data(as_text=True)
    assert "<h1>Enter your sign-in code</h1>" in page and 'autocomplete="one-time-code"' in page


def test_the_right_code_signs_in_and_follows_next(client):
    user = make_user()
    enable_two_factor(user)
    password_step(client, user, next="/account/")
    response = client.post("/account/login/code", data={"code": next_code(user)})
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    [event] = audit_actions("user.login")
    assert event.details == {"method": "totp"}
    assert fresh(user).last_login_at is not None
    # The half-signed-in state is gone with the fresh session.
    with client.session_transaction() as session:
        assert sign_in_state.PENDING_KEY not in session


def test_a_code_with_spaces_as_apps_show_it_is_accepted(client):
    user = make_user()
    enable_two_factor(user)
    code = next_code(user)
    response = sign_in_with_two_factor(client, user, f"{code[:3]} {code[3:]}")
    assert response.status_code == 302


def test_a_wrong_code_is_refused_and_leaves_the_person_signed_out(client):
    user = make_user()
    enable_two_factor(user)
    for code in ("000000", "12345", "not a code", ""):
        response = sign_in_with_two_factor(client, user, code or " ")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'id="code-error"' in page
        assert client.get("/account/").status_code == 302
    assert audit_actions("user.login") == []


def test_a_code_already_used_is_refused_within_its_window(client, app):
    user = make_user()
    enable_two_factor(user)
    code = next_code(user)
    assert sign_in_with_two_factor(client, user, code).status_code == 302
    thief = new_client(app)
    response = sign_in_with_two_factor(thief, user, code)
    assert response.status_code == 200 and WRONG in response.get_data(as_text=True)
    assert thief.get("/account/").status_code == 302
    # An older code than the last one used is refused too.
    older = code_for_step(fresh(user).totp_secret, fresh(user).totp_last_step - 1)
    assert sign_in_with_two_factor(thief, user, older).status_code == 200


def test_a_recovery_code_works_once_typed_loosely(client, app):
    user = make_user()
    codes = enable_two_factor(user)
    response = sign_in_with_two_factor(client, user, codes[0].lower().replace("-", " "))
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "You used a recovery code; 9 left." in page
    [event] = audit_actions("user.login")
    assert event.details == {"method": "recovery_code"}
    assert audit_actions("user.recovery_code_used")[0].details == {"left": 9}
    again = sign_in_with_two_factor(new_client(app), user, codes[0])
    assert again.status_code == 200 and WRONG in again.get_data(as_text=True)


def test_the_code_step_expires_after_a_few_minutes(client):
    user = make_user()
    enable_two_factor(user)
    password_step(client, user)
    with client.session_transaction() as session:
        state = session[sign_in_state.PENDING_KEY]
        state["started"] = int(time.time()) - sign_in_state.MAX_AGE_SECONDS - 1
        session[sign_in_state.PENDING_KEY] = state
    response = client.post("/account/login/code", data={"code": next_code(user)})
    assert response.status_code == 302 and response.headers["Location"] == "/account/login"
    assert "Signing in took too long" in client.get("/account/login").get_data(as_text=True)
    assert client.get("/account/").status_code == 302
    assert client.get("/account/login/code").headers["Location"] == "/account/login"


def test_the_code_step_without_a_password_step_sends_to_sign_in(client):
    response = client.get("/account/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/account/login"
    response = client.post("/account/login/code", data={"code": "123456"})
    assert response.headers["Location"] == "/account/login"


def test_a_password_change_elsewhere_voids_the_half_signed_in_state(client):
    from app.accounts.services import end_sessions
    from app.core.extensions import db

    user = make_user()
    enable_two_factor(user)
    password_step(client, user)
    end_sessions(user)
    db.session.commit()
    response = client.post("/account/login/code", data={"code": next_code(user)})
    assert response.headers["Location"] == "/account/login"
    assert client.get("/account/").status_code == 302


def test_wrong_codes_count_toward_the_lock(client):
    user = make_user()
    enable_two_factor(user)
    password_step(client, user)
    for _ in range(4):
        assert client.post("/account/login/code", data={"code": "000000"}).status_code == 200
    response = client.post("/account/login/code", data={"code": "000000"})
    assert response.headers["Location"] == "/account/login"
    assert "temporarily locked" in client.get("/account/login").get_data(as_text=True)
    # Locked: the password step refuses even the right password, so no code is asked for.
    page = password_step(client, user).get_data(as_text=True)
    assert "temporarily locked" in page
    assert client.get("/account/").status_code == 302
    assert [e.object_id for e in audit_actions("user.locked")] == [user.id]


def test_the_code_step_is_rate_limited_per_network(client):
    user = make_user()
    enable_two_factor(user)
    password_step(client, user)
    with client.session_transaction() as session:
        state = session[sign_in_state.PENDING_KEY]
    statuses = []
    for _ in range(11):
        with client.session_transaction() as session:  # the lock would stop it sooner
            session[sign_in_state.PENDING_KEY] = state
        statuses.append(client.post("/account/login/code", data={"code": "000000"}).status_code)
    assert statuses[-1] == 429
    assert 429 not in statuses[:10]


def test_nothing_from_before_sign_in_survives_into_the_signed_in_session(client):
    user = make_user()
    enable_two_factor(user)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    password_step(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        session["planted_in_between"] = "x"
    client.post("/account/login/code", data={"code": next_code(user)})
    with client.session_transaction() as session:
        assert "planted_in_between" not in session
        assert session.get("_user_id") == f"{user.id}:{fresh(user).session_version}"


def test_a_current_code_from_the_step_before_still_works_for_clock_drift(client):
    user = make_user()
    enable_two_factor(user)  # used the step before now
    code = code_for_step(fresh(user).totp_secret, totp.current_step())
    assert sign_in_with_two_factor(client, user, code).status_code == 302
