"""Password reset: the same answer for every address, single-use expiring links."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner

from app.accounts.models import UserStatus
from app.accounts.passwords import verify_password
from app.accounts.tokens import make_email_token, make_reset_token
from tests.accounts.conftest import NEW_PASSWORD, audit_actions, fresh, new_client
from tests.conftest import TEST_PASSWORD, make_user


def _new_password(password=NEW_PASSWORD, confirm=None):
    return {"password": password, "confirm": confirm if confirm is not None else password}


def _without_csrf(page):
    # The CSRF token is signed with the current second: two requests a second apart differ there.
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def test_asking_for_a_reset_answers_the_same_whether_or_not_the_account_exists(client, mailbox):
    make_user(email="pat@example.org")
    known = client.post("/account/reset", data={"email": "pat@example.org"})
    unknown = client.post("/account/reset", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.get_data(as_text=True).replace("pat@example.org", "X")) == (
        _without_csrf(unknown.get_data(as_text=True).replace("nobody@example.org", "X"))
    )
    assert "If an account exists" in known.get_data(as_text=True)
    assert len(mailbox.messages("pat@example.org")) == 1
    assert mailbox.messages("nobody@example.org") == []


@pytest.mark.parametrize(
    ("email", "message"),
    [("", "Enter your email address."), ("nope", "Enter a valid email address")],
)
def test_a_bad_reset_request_shows_the_message(client, mailbox, email, message):
    page = client.post("/account/reset", data={"email": email}).get_data(as_text=True)
    assert message in page
    assert mailbox.messages() == []


def test_the_reset_link_sets_a_new_password_once(client, mailbox):
    user = make_user(email="pat@example.org")
    version = user.session_version
    client.post("/account/reset", data={"email": "pat@example.org"})
    link = mailbox.link("pat@example.org")
    assert link.startswith("/account/reset/")
    assert "Choose a new password" in client.get(link).get_data(as_text=True)
    response = client.post(link, data=_new_password())
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    user = fresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert user.session_version == version + 1
    assert user.email_verified_at is not None  # the mail reached them
    [event] = audit_actions("user.password_reset")
    assert event.object_id == user.id and NEW_PASSWORD not in str(event.details)
    # single use: the hash the link was bound to is gone
    again = client.get(link)
    assert again.status_code == 400
    assert "This link does not work" in again.get_data(as_text=True)
    assert client.post(link, data=_new_password("yet another long password")).status_code == 400
    assert verify_password(fresh(user).password_hash, NEW_PASSWORD)
    assert (
        client.post(
            "/account/login", data={"email": "pat@example.org", "password": TEST_PASSWORD}
        ).status_code
        == 200
    )  # the old password no longer works
    assert (
        client.post(
            "/account/login", data={"email": "pat@example.org", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_a_reset_signs_out_every_open_session(client, auth, app, mailbox):
    user = make_user(email="pat@example.org")
    auth.login(user)
    other = new_client(app)
    other.post("/account/reset", data={"email": "pat@example.org"})
    other.post(mailbox.link("pat@example.org"), data=_new_password())
    assert client.get("/account/").status_code == 302


def test_an_expired_reset_link_is_refused_with_a_way_to_ask_again(app, client, monkeypatch):
    user = make_user(email="pat@example.org")
    age = app.config["TOKEN_MAX_AGE_SECONDS"] + 1
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - age)
        token = make_reset_token(user.id, user.password_hash)
    for response in (
        client.get(f"/account/reset/{token}"),
        client.post(f"/account/reset/{token}", data=_new_password()),
    ):
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "This link has expired" in page
        assert 'href="/account/reset"' in page
    assert verify_password(fresh(user).password_hash, TEST_PASSWORD)


def test_tampered_and_wrong_purpose_reset_links_are_refused(client):
    user = make_user(email="pat@example.org")
    token = make_reset_token(user.id, user.password_hash)
    for bad in (token[:-4] + "abcd", make_email_token(user.id, user.email), "junk"):
        assert client.post(f"/account/reset/{bad}", data=_new_password()).status_code == 400
    assert verify_password(fresh(user).password_hash, TEST_PASSWORD)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_new_password("too short"), "password", "Use at least 12 characters."),
        (_new_password("", ""), "password", "Enter a password."),
        (_new_password(NEW_PASSWORD, "different but long"), "confirm", "do not match"),
        (_new_password("p" * 129), "password", "Use at most 128 characters."),
    ],
)
def test_a_bad_new_password_is_refused_and_the_link_still_works(client, data, field, message):
    user = make_user(email="pat@example.org")
    token = make_reset_token(user.id, user.password_hash)
    page = client.post(f"/account/reset/{token}", data=data).get_data(as_text=True)
    assert message in page[page.index(f'id="{field}-error"') :]
    assert verify_password(fresh(user).password_hash, TEST_PASSWORD)
    assert audit_actions("user.password_reset") == []
    assert client.post(f"/account/reset/{token}", data=_new_password()).status_code == 302


def test_a_pending_user_can_reset_but_still_not_sign_in(client, mailbox):
    make_user(email="pat@example.org", status=UserStatus.PENDING)
    client.post("/account/reset", data={"email": "pat@example.org"})
    client.post(mailbox.link("pat@example.org"), data=_new_password())
    page = client.post(
        "/account/login", data={"email": "pat@example.org", "password": NEW_PASSWORD}
    ).get_data(as_text=True)
    assert "waiting for approval" in page


def test_reset_requests_are_rate_limited(client):
    for _ in range(5):
        assert client.post("/account/reset", data={"email": "x@example.org"}).status_code == 200
    assert client.post("/account/reset", data={"email": "x@example.org"}).status_code == 429
