"""Signed, expiring tokens for email verification and password reset (itsdangerous).

Each purpose has its own salt, so a verification token can never be used as a reset token.
A verification token names the user id and the email address it was sent to: it stops working
when the address changes. A reset token names the user id and a fingerprint of the current
password hash: once the password changes (by this reset or otherwise) the token is spent.
Tokens are signed, not encrypted: they carry nothing secret.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY_EMAIL_SALT = "prevent-hub.accounts.verify-email"
RESET_PASSWORD_SALT = "prevent-hub.accounts.reset-password"  # noqa: S105  # nosec B105 (a salt)


class TokenInvalid(Exception):
    """The token is tampered with, of the wrong kind, spent, or (when `expired`) too old."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load(token: str, salt: str, max_age: int | None) -> dict[str, Any]:
    if max_age is None:
        max_age = int(current_app.config["TOKEN_MAX_AGE_SECONDS"])
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenInvalid(expired=True) from error
    except BadSignature as error:
        raise TokenInvalid() from error
    if not isinstance(payload, dict) or not isinstance(payload.get("uid"), int):
        raise TokenInvalid()
    return payload


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the hash: changes whenever the password does, reveals nothing."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def make_email_token(user_id: int, email: str) -> str:
    return _serializer(VERIFY_EMAIL_SALT).dumps({"uid": user_id, "email": email})


def read_email_token(token: str, max_age: int | None = None) -> tuple[int, str]:
    """(user id, email). Raises TokenInvalid."""
    payload = _load(token, VERIFY_EMAIL_SALT, max_age)
    email = payload.get("email")
    if not isinstance(email, str):
        raise TokenInvalid()
    return payload["uid"], email


def make_reset_token(user_id: int, password_hash: str) -> str:
    return _serializer(RESET_PASSWORD_SALT).dumps(
        {"uid": user_id, "pw": password_fingerprint(password_hash)}
    )


def read_reset_token(token: str, max_age: int | None = None) -> tuple[int, str]:
    """(user id, password fingerprint). Raises TokenInvalid."""
    payload = _load(token, RESET_PASSWORD_SALT, max_age)
    fingerprint = payload.get("pw")
    if not isinstance(fingerprint, str):
        raise TokenInvalid()
    return payload["uid"], fingerprint
