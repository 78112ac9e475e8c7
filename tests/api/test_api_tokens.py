"""Personal API tokens: the account page, storage, scopes, revocation, the session ignored."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.accounts.models import Role, UserStatus
from app.api_tokens import services as tokens
from app.api_tokens.models import ApiToken
from app.audit.models import AuditEvent
from app.core.extensions import db
from tests.api.conftest import assert_problem, bearer, make_token, with_two_factor
from tests.conftest import make_measure, make_user, sample_record
from tests.measures.conftest import sign_in


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _secret_on(html: str) -> str:
    match = re.search(r'id="token-secret" readonly value="([^"]+)"', html)
    assert match, html
    return unescape(match.group(1))


# --- the account page --------------------------------------------------------------------------


def test_the_account_page_links_to_the_api_tokens(client, auth):
    auth.login(make_user(Role.PRACTITIONER))
    html = client.get("/account/").get_data(as_text=True)
    assert 'href="/account/tokens/"' in html


def test_a_created_token_is_shown_once_and_stored_only_as_a_hash(client, auth):
    user = make_user(Role.OFFICIAL)
    auth.login(user)
    response = client.post("/account/tokens/", data={"name": "Ministry portal", "scope": "write"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/html"  # a page, not text/plain
    html = response.get_data(as_text=True)
    assert "It will not be shown again" in html
    secret = _secret_on(html)
    assert secret.startswith("ph_") and len(secret) > 40

    token = db.session.scalar(select(ApiToken))
    assert token.name == "Ministry portal" and token.scope == "write"
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in client.get("/account/tokens/").get_data(as_text=True)
    [event] = _events("api_token.created")
    assert event.actor_id == user.id and event.object_id == token.id
    assert event.details == {"name": "Ministry portal", "scope": "write"}

    me = client.get("/api/v1/me", headers=bearer(secret)).get_json()
    assert me["id"] == user.id and me["token"]["scope"] == "write"


def test_the_token_list_shows_name_scope_and_use_but_not_revoked_tokens(client, auth):
    user = make_user(Role.PRACTITIONER)
    kept = make_token(user, "read", name="Kept tool")
    gone = tokens.create_token(user, "Old tool", "write")[0]
    tokens.revoke_token(user, gone)
    db.session.commit()
    client.get("/api/v1/me", headers=bearer(kept))
    auth.login(user)
    html = client.get("/account/tokens/").get_data(as_text=True)
    assert "Kept tool" in html and "Old tool" not in html
    assert "Never" not in html  # the kept token has just been used


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scope": "read"}, tokens.MSG_NAME_REQUIRED),
        ({"name": "x" * 101, "scope": "read"}, tokens.MSG_NAME_TOO_LONG),
        ({"name": "Tool", "scope": "moderate"}, "Not a valid choice"),
        ({"name": "Tool", "scope": "everything"}, "Not a valid choice"),
    ],
)
def test_bad_token_forms_are_refused_with_a_message(client, auth, data, message):
    auth.login(make_user(Role.PRACTITIONER))
    response = client.post("/account/tokens/", data=data)
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(ApiToken)) is None


def test_only_moderators_and_admins_are_offered_and_given_the_moderate_scope(client, auth):
    practitioner = make_user(Role.PRACTITIONER)
    with pytest.raises(tokens.TokenInvalid) as refused:
        tokens.create_token(practitioner, "Tool", "moderate")
    assert refused.value.errors == [("scope", tokens.MSG_MODERATE_SCOPE)]
    auth.login(practitioner)
    assert 'value="moderate"' not in client.get("/account/tokens/").get_data(as_text=True)

    for role in (Role.MODERATOR, Role.ADMIN):
        moderator = with_two_factor(make_user(role))  # a moderate token needs two-factor
        sign_in(client, moderator)  # staff sign in with two factors: the session is enough here
        assert 'value="moderate"' in client.get("/account/tokens/").get_data(as_text=True)
        response = client.post("/account/tokens/", data={"name": "Queue", "scope": "moderate"})
        assert response.status_code == 200


def test_a_user_can_hold_at_most_twenty_working_tokens(app):
    user = make_user(Role.PRACTITIONER)
    for n in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.create_token(user, f"Tool {n}", "read")
    with pytest.raises(tokens.TokenInvalid):
        tokens.create_token(user, "One too many", "read")


# --- revoking ----------------------------------------------------------------------------------


def test_a_revoked_token_stops_working_on_the_very_next_request(client, auth):
    user = make_user(Role.PRACTITIONER)
    secret = make_token(user, "write")
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    token = db.session.scalar(select(ApiToken))

    auth.login(user)
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302

    refused = client.get("/api/v1/me", headers=bearer(secret))
    body = assert_problem(refused, 401)
    assert "revoked" in body["detail"]
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    # Even on an endpoint anonymous callers may use: a bad token is never silently ignored.
    published = make_measure(user, publish=True)
    assert_problem(client.get(f"/api/v1/measures/{published.id}", headers=bearer(secret)), 401)
    [event] = _events("api_token.revoked")
    assert event.actor_id == user.id and event.object_id == token.id


def test_nobody_revokes_another_persons_token(client, auth):
    owner = make_user(Role.PRACTITIONER)
    secret = make_token(owner)
    token = db.session.scalar(select(ApiToken))
    sign_in(client, make_user(Role.ADMIN))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_revoking_twice_says_so_without_an_error(client, auth):
    user = make_user(Role.PRACTITIONER)
    make_token(user)
    token = db.session.scalar(select(ApiToken))
    auth.login(user)
    client.post(f"/account/tokens/{token.id}/revoke")
    response = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "already revoked" in unescape(response.get_data(as_text=True))
    assert len(_events("api_token.revoked")) == 1


@pytest.mark.parametrize("status", [UserStatus.SUSPENDED, UserStatus.DELETED])
def test_a_suspended_or_deleted_users_tokens_stop_working_at_once(client, status):
    user = make_user(Role.PRACTITIONER)
    secret = make_token(user)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    user.status = status
    db.session.commit()
    assert_problem(client.get("/api/v1/me", headers=bearer(secret)), 401)


# --- authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ph_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer " + "ph_" + "x" * 500,
    ],
)
def test_a_bad_authorization_header_is_401_with_a_bearer_challenge(client, header):
    response = client.get("/api/v1/measures", headers={"Authorization": header})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="Prevent-Hub API"')


def test_the_session_cookie_is_ignored_on_the_api(client, auth):
    user = make_user(Role.PRACTITIONER)
    draft = make_measure(user)
    auth.login(user)
    assert client.get("/account/").status_code == 200  # signed in for the pages
    assert_problem(client.get("/api/v1/me"), 401)
    assert_problem(client.get(f"/api/v1/measures/{draft.id}"), 404)
    created = client.post("/api/v1/measures", json=sample_record())
    assert_problem(created, 401)


def test_last_used_is_noted_at_most_once_a_minute(client):
    user = make_user(Role.PRACTITIONER)
    secret = make_token(user, "read")
    token = db.session.scalar(select(ApiToken))
    assert token.last_used_at is None
    client.get("/api/v1/me", headers=bearer(secret))
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/me", headers=bearer(secret))
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    client.get("/api/v1/me", headers=bearer(secret))
    assert token.last_used_at > first - timedelta(minutes=2)


def test_authenticate_refuses_unknown_and_revoked_secrets(app):
    user = make_user(Role.PRACTITIONER)
    token, secret = tokens.create_token(user, "Tool", "read")
    assert tokens.authenticate(secret) is token
    assert tokens.authenticate(secret + "x") is None
    assert tokens.authenticate("") is None and tokens.authenticate(None) is None
    tokens.revoke_token(user, token)
    assert tokens.authenticate(secret) is None


# --- GET /api/v1/me ---------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["read", "write", "moderate"])
def test_me_answers_the_tokens_user_for_every_scope(client, scope):
    user = make_user(Role.MODERATOR, organisation="Hub")
    body = client.get("/api/v1/me", headers=bearer(make_token(user, scope))).get_json()
    assert body["id"] == user.id and body["role"] == "moderator"
    assert body["organisation"] == "Hub" and body["email"] == user.email
    assert body["token"]["scope"] == scope and body["token"]["name"] == "Test tool"
    assert "password_hash" not in body and "token_hash" not in body["token"]


def test_me_needs_a_token(client):
    response = client.get("/api/v1/me")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
