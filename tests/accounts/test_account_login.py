"""Signing in and out: messages per account state, rate limit, safe `next`, session version."""

from __future__ import annotations

import logging

import pytest

from app.accounts.models import UserStatus
from app.audit.services import record_event
from app.core.extensions import db
from app.core.redirects import safe_next_url
from tests.accounts.conftest import audit_actions, fresh, new_client
from tests.conftest import TEST_PASSWORD, make_user

GENERIC = "Email or password is incorrect"


def _sign_in(client, email, password=TEST_PASSWORD, url="/account/login"):
    return client.post(url, data={"email": email, "password": password})


def test_sign_in_records_the_time_audits_and_opens_the_account_page(client, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_user(email="pat@example.org")
    response = _sign_in(client, "Pat@Example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert fresh(user).last_login_at is not None
    [event] = audit_actions("user.login")
    assert (event.actor_id, event.object_id) == (user.id, user.id)
    assert TEST_PASSWORD not in str(event.details)
    assert TEST_PASSWORD not in caplog.text
    page = client.get("/account/")
    assert page.status_code == 200
    assert "pat@example.org" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "password"),
    [("pat@example.org", "wrong password here"), ("nobody@example.org", TEST_PASSWORD)],
)
def test_wrong_password_and_unknown_email_get_the_same_generic_message(
    client, caplog, email, password
):
    caplog.set_level(logging.DEBUG)
    make_user(email="pat@example.org")
    response = _sign_in(client, email, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert GENERIC in page
    assert password not in page and password not in caplog.text
    assert audit_actions("user.login") == []
    assert client.get("/account/").status_code == 302


@pytest.mark.parametrize(
    ("status", "history", "message"),
    [
        (UserStatus.PENDING, [], "Your account is waiting for approval"),
        (UserStatus.SUSPENDED, ["user.suspended"], "Your account is suspended"),
        (UserStatus.SUSPENDED, ["user.rejected"], "Your registration was not approved"),
        (
            UserStatus.SUSPENDED,
            ["user.rejected", "user.reactivated", "user.suspended"],
            "Your account is suspended",
        ),
        (UserStatus.DELETED, [], GENERIC),
    ],
)
def test_accounts_that_may_not_sign_in_are_told_why_after_the_right_password(
    client, status, history, message
):
    user = make_user(email="pat@example.org", status=status)
    for action in history:
        record_event(None, action, "user", user.id)
    db.session.commit()
    page = _sign_in(client, "pat@example.org").get_data(as_text=True)
    assert message in page
    assert client.get("/account/").status_code == 302
    assert fresh(user).last_login_at is None


def test_a_pending_account_with_a_wrong_password_gets_only_the_generic_message(client):
    make_user(email="pat@example.org", status=UserStatus.PENDING)
    page = _sign_in(client, "pat@example.org", "not the password").get_data(as_text=True)
    assert GENERIC in page
    assert "approval" not in page.split("<h1>")[1]


def test_empty_fields_are_reported_on_the_fields(client):
    page = _sign_in(client, "", "").get_data(as_text=True)
    assert 'id="email-error"' in page and "Enter your email address." in page
    assert 'id="password-error"' in page and "Enter your password." in page


def test_the_eleventh_sign_in_attempt_in_a_minute_gets_a_readable_429(client):
    make_user(email="pat@example.org")
    for _ in range(10):
        assert _sign_in(client, "pat@example.org", "guess guess guess").status_code == 200
    response = _sign_in(client, "pat@example.org")  # even the right password waits now
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Too many requests</h1>" in page
    assert "Too many attempts" in page and "try again" in page
    assert client.get("/account/login").status_code == 200  # the form itself stays readable
    assert client.get("/account/").status_code == 302


def test_sign_in_follows_a_same_site_next(client):
    make_user(email="pat@example.org")
    form = client.get("/account/login?next=/account/").get_data(as_text=True)
    assert 'action="/account/login?next=/account/"' in form
    response = _sign_in(client, "pat@example.org", url="/account/login?next=/account/")
    assert response.headers["Location"] == "/account/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "//evil.example/account/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "account/",
        "/account/\r\nSet-Cookie: x=1",
    ],
)
def test_sign_in_refuses_to_redirect_off_site(client, target):
    make_user(email="pat@example.org")
    response = client.post(
        "/account/login",
        query_string={"next": target},
        data={"email": "pat@example.org", "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_safe_next_url_keeps_paths_with_queries():
    assert safe_next_url("/search?q=school&countries=DE") == "/search?q=school&countries=DE"
    assert safe_next_url(None) is None
    assert safe_next_url("/" + "a" * 2100) is None


def test_an_anonymous_visit_to_a_private_page_comes_back_after_sign_in(client):
    make_user(email="pat@example.org")
    response = client.get("/account/")
    assert response.status_code == 302
    assert "/account/login?next=/account/" in response.headers["Location"]
    response = _sign_in(client, "pat@example.org", url=response.headers["Location"])
    assert response.headers["Location"] == "/account/"


def test_the_sign_in_page_sends_a_signed_in_user_on(client, auth):
    auth.login(make_user())
    assert client.get("/account/login").status_code == 302


def test_sign_out_ends_the_session_and_a_replayed_cookie_stops_working(client, auth, app):
    user = make_user(email="pat@example.org")
    auth.login(user)
    stolen = client.get_cookie("session").value
    version = fresh(user).session_version
    response = client.post("/account/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert fresh(user).session_version == version + 1
    assert client.get("/account/").status_code == 302
    replay = new_client(app)
    replay.set_cookie("session", stolen, domain="localhost")
    response = replay.get("/account/")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_sign_out_ends_the_session_in_other_browsers_too(client, auth, app):
    user = make_user(email="pat@example.org")
    other = new_client(app)
    _sign_in(other, "pat@example.org")
    auth.login(user)
    auth.logout()
    assert other.get("/account/").status_code == 302


def test_signing_out_needs_a_signed_in_user_and_a_post(client):
    assert client.post("/account/logout").status_code == 302
    assert client.get("/account/logout").status_code == 405


def test_a_suspended_users_open_session_stops_at_once(client, auth):
    user = make_user()
    auth.login(user)
    user.status = UserStatus.SUSPENDED
    db.session.commit()
    assert client.get("/account/").status_code == 302
