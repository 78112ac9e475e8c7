"""Signed tokens: round trip, expiry, tampering, purpose and binding."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.accounts import tokens
from app.accounts.tokens import TokenInvalid


@contextmanager
def issued_seconds_ago(monkeypatch, seconds: int):
    """Tokens made inside carry a timestamp `seconds` in the past (no sleeping)."""
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)
        yield


def test_an_email_token_names_the_user_and_address(app):
    token = tokens.make_email_token(7, "pat@example.org")
    assert tokens.read_email_token(token) == (7, "pat@example.org")


def test_a_reset_token_carries_a_fingerprint_not_the_hash(app):
    token = tokens.make_reset_token(7, "$argon2id$secret-hash")
    payload = URLSafeTimedSerializer("any").load_payload(token.split(".")[0].encode())
    assert payload == {"uid": 7, "pw": tokens.password_fingerprint("$argon2id$secret-hash")}
    assert "argon2" not in str(payload)
    assert tokens.read_reset_token(token) == (7, payload["pw"])


def test_a_token_older_than_the_max_age_has_expired(app, monkeypatch):
    max_age = app.config["TOKEN_MAX_AGE_SECONDS"]
    with issued_seconds_ago(monkeypatch, max_age + 5):
        email_token = tokens.make_email_token(7, "pat@example.org")
        reset_token = tokens.make_reset_token(7, "hash")
    for read, token in (
        (tokens.read_email_token, email_token),
        (tokens.read_reset_token, reset_token),
    ):
        with pytest.raises(TokenInvalid) as caught:
            read(token)
        assert caught.value.expired


def test_a_token_just_inside_the_max_age_still_works(app, monkeypatch):
    with issued_seconds_ago(monkeypatch, app.config["TOKEN_MAX_AGE_SECONDS"] - 5):
        token = tokens.make_email_token(7, "pat@example.org")
    assert tokens.read_email_token(token) == (7, "pat@example.org")


def test_a_tiny_max_age_expires_tokens_quickly(app, monkeypatch):
    with issued_seconds_ago(monkeypatch, 2):
        token = tokens.make_email_token(7, "pat@example.org")
    with pytest.raises(TokenInvalid):
        tokens.read_email_token(token, max_age=1)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: "x" + t,
        lambda t: t.split(".")[0],
        lambda t: "",
        lambda t: "not-a-token",
    ],
)
def test_a_tampered_token_is_invalid_not_expired(app, mangle):
    token = tokens.make_email_token(7, "pat@example.org")
    with pytest.raises(TokenInvalid) as caught:
        tokens.read_email_token(mangle(token))
    assert not caught.value.expired


def test_a_token_for_one_purpose_does_not_work_for_the_other(app):
    with pytest.raises(TokenInvalid):
        tokens.read_reset_token(tokens.make_email_token(7, "pat@example.org"))
    with pytest.raises(TokenInvalid):
        tokens.read_email_token(tokens.make_reset_token(7, "hash"))


def test_a_token_signed_with_another_secret_is_invalid(app):
    token = tokens.make_email_token(7, "pat@example.org")
    app.config["SECRET_KEY"] = "another-secret-key-entirely"
    try:
        with pytest.raises(TokenInvalid):
            tokens.read_email_token(token)
    finally:
        app.config["SECRET_KEY"] = "testing-secret"


def test_a_well_signed_token_with_the_wrong_shape_is_invalid(app):
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=tokens.VERIFY_EMAIL_SALT)
    for payload in (["list"], {"uid": "7", "email": "x"}, {"uid": 7}, {"uid": 7, "email": 3}):
        with pytest.raises(TokenInvalid):
            tokens.read_email_token(serializer.dumps(payload))
