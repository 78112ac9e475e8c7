"""Turning two-factor sign-in on and off on the account pages, and the recovery codes."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from app.accounts import totp
from app.accounts.models import RecoveryCode, Role
from app.core.extensions import db
from tests.accounts.conftest import audit_actions, fresh, new_client
from tests.accounts.two_factor_helpers import (
    code_for_step,
    enable_two_factor,
    next_code,
    recovery_codes_on,
    sign_in_with_two_factor,
)
from tests.conftest import TEST_PASSWORD, make_user


def _start(client) -> str:
    response = client.post("/account/two-factor/setup")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/two-factor#set-up")
    return client.get("/account/two-factor").get_data(as_text=True)


def test_enrolment_shows_a_qr_code_and_key_then_a_right_code_turns_it_on(client, auth, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_user(Role.MODERATOR)
    auth.login(user)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Set up two-factor sign-in" in page
    page = _start(client)
    secret = fresh(user).totp_secret
    assert secret and fresh(user).has_two_factor is False
    assert 'src="data:image/svg+xml' in page  # the QR code, an image the CSP allows
    assert totp.grouped(secret) in page
    response = client.post(
        "/account/two-factor/confirm", data={"code": code_for_step(secret, totp.current_step())}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    codes = recovery_codes_on(response.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    user = fresh(user)
    assert user.has_two_factor and user.totp_last_step == totp.current_step()
    [event] = audit_actions("user.two_factor_enabled")
    assert event.object_id == user.id
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert sorted(stored) == sorted(totp.hash_recovery_code(c) for c in codes)
    assert not any(c.replace("-", "") in " ".join(stored) for c in codes)
    # Shown once: the page never shows them again, only how many are left.
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert recovery_codes_on(page) == [] and "<strong>10</strong> unused recovery codes" in page
    assert secret not in caplog.text and secret not in str([e.details for e in audit_actions()])


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the code."),
        ("123", "That code is not right"),
        ("abcdef", "That code is not right"),
        ("9" * 41, "Use at most 40 characters."),
    ],
)
def test_a_wrong_or_malformed_confirmation_code_leaves_two_factor_off(client, auth, code, message):
    user = make_user()
    auth.login(user)
    _start(client)
    response = client.post("/account/two-factor/confirm", data={"code": code})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page[page.index('id="code-error"') :]
    assert 'src="data:image/svg+xml' in page  # the QR code is still there to try again
    assert not fresh(user).has_two_factor
    assert audit_actions("user.two_factor_enabled") == []


def test_a_code_from_an_older_key_is_refused_after_starting_again(client, auth):
    user = make_user()
    auth.login(user)
    _start(client)
    old_secret = fresh(user).totp_secret
    _start(client)
    assert fresh(user).totp_secret != old_secret
    code = code_for_step(old_secret, totp.current_step())
    client.post("/account/two-factor/confirm", data={"code": code})
    assert not fresh(user).has_two_factor


def test_confirming_without_starting_and_starting_twice_are_explained(client, auth):
    user = make_user()
    auth.login(user)
    response = client.post("/account/two-factor/confirm", data={"code": "123456"})
    assert response.status_code == 302
    assert "Start the set-up first" in client.get("/account/two-factor").get_data(as_text=True)
    enable_two_factor(fresh(user))
    client2 = new_client(client.application)
    sign_in_with_two_factor(client2, fresh(user))
    client2.post("/account/two-factor/setup")
    page = client2.get("/account/two-factor").get_data(as_text=True)
    assert "already on" in page
    assert fresh(user).has_two_factor


def test_turning_it_on_ends_the_other_sessions_but_keeps_this_one(client, auth, app):
    user = make_user()
    other = new_client(app)
    other.post("/account/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert other.get("/account/").status_code == 200
    auth.login(user)
    _start(client)
    secret = fresh(user).totp_secret
    client.post(
        "/account/two-factor/confirm", data={"code": code_for_step(secret, totp.current_step())}
    )
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302


def _regenerate(client, password=TEST_PASSWORD, code=""):
    return client.post(
        "/account/two-factor/recovery-codes",
        data={"codes-current_password": password, "codes-code": code},
    )


def test_new_recovery_codes_need_the_password_and_a_code_and_replace_the_old(client, auth):
    user = make_user()
    old_codes = enable_two_factor(user)
    sign_in_with_two_factor(client, fresh(user))
    page = _regenerate(client, "not my password", next_code(user)).get_data(as_text=True)
    assert "Your current password is not correct." in page
    page = _regenerate(client, TEST_PASSWORD, "000000").get_data(as_text=True)
    assert "That code is not right" in page
    assert audit_actions("user.recovery_codes_regenerated") == []
    response = _regenerate(client, TEST_PASSWORD, next_code(user))
    assert response.headers["Cache-Control"] == "no-store"
    new_codes = recovery_codes_on(response.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert len(audit_actions("user.recovery_codes_regenerated")) == 1
    client.post("/account/logout")
    refused = sign_in_with_two_factor(client, fresh(user), old_codes[0])
    assert refused.status_code == 200 and "That code is not right" in refused.get_data(True)
    assert sign_in_with_two_factor(client, fresh(user), new_codes[0]).status_code == 302


def _disable(client, password=TEST_PASSWORD, code=""):
    return client.post(
        "/account/two-factor/disable",
        data={"disable-current_password": password, "disable-code": code},
    )


def test_turning_it_off_needs_the_password_and_a_code(client, auth):
    user = make_user()
    codes = enable_two_factor(user)
    sign_in_with_two_factor(client, fresh(user))
    page = _disable(client, "wrong password here", next_code(user)).get_data(as_text=True)
    assert 'id="disable-current_password-error"' in page
    page = _disable(client, TEST_PASSWORD, "").get_data(as_text=True)
    assert 'id="disable-code-error"' in page and "Enter the code." in page
    assert fresh(user).has_two_factor
    response = _disable(client, TEST_PASSWORD, codes[3])  # a recovery code will do (lost phone)
    assert response.status_code == 302
    user = fresh(user)
    assert not user.has_two_factor and user.totp_secret is None
    assert db.session.scalars(select(RecoveryCode)).all() == []
    assert len(audit_actions("user.two_factor_disabled")) == 1
    client.post("/account/logout")
    assert auth.login(user).headers["Location"] == "/"  # the password alone again


def test_the_account_page_says_whether_two_factor_is_on(client, auth):
    user = make_user()
    auth.login(user)
    assert "Set up two-factor sign-in" in client.get("/account/").get_data(as_text=True)
    enable_two_factor(fresh(user))
    client2 = new_client(client.application)
    sign_in_with_two_factor(client2, fresh(user))
    page = client2.get("/account/").get_data(as_text=True)
    assert "Manage two-factor sign-in" in page
