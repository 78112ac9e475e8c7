"""Under /api/ no cookie signs anyone in: not the session, not a remember-me cookie; only the
token does, and an API answer never rewrites the browser's cookies."""

from __future__ import annotations

from flask_login import encode_cookie

from app.accounts.models import Role
from tests.api.conftest import assert_problem, bearer, make_token
from tests.conftest import make_measure, make_user, sample_record


def test_a_remember_me_cookie_signs_nobody_in_on_the_api(client):
    user = make_user(Role.PRACTITIONER)
    draft = make_measure(user)
    client.set_cookie("remember_token", encode_cookie(user.get_id()))
    assert_problem(client.get(f"/api/v1/measures/{draft.id}"), 404)
    assert_problem(client.post("/api/v1/measures", json=sample_record()), 401)
    assert client.get("/account/").status_code == 200  # the pages honour it


def test_with_a_session_the_api_answers_the_tokens_user(client, auth):
    signed_in = make_user(Role.MODERATOR)
    token_owner = make_user(Role.PRACTITIONER)
    auth.login(signed_in)
    client.set_cookie("remember_token", encode_cookie(signed_in.get_id()))
    response = client.get("/api/v1/me", headers=bearer(make_token(token_owner, "read")))
    assert response.status_code == 200
    assert response.get_json()["id"] == token_owner.id


def test_an_api_answer_sets_no_cookie_and_leaves_the_session_alone(client, auth):
    user = make_user(Role.PRACTITIONER)
    auth.login(user)
    assert "Set-Cookie" not in client.get("/api/v1/measures").headers
    assert "Set-Cookie" not in client.get("/api/v1/me", headers=bearer(make_token(user))).headers
    assert client.get("/account/").status_code == 200  # still signed in on the pages
