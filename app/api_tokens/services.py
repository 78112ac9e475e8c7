"""Personal API tokens: create (the secret is returned once), revoke, authenticate.

Only the sha256 of a secret is stored; a stolen database does not give working tokens. The
secret is long and random, so a plain (unsalted) hash is enough and lookup stays one indexed
query. The caller commits.

Errors: TokenInvalid (bad name or scope, with a message per field) and PermissionDenied.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.signals import credentials_reset
from app.api_tokens.models import ApiToken, TokenScope
from app.audit.services import record_event
from app.core.dbtypes import utcnow
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db

TOKEN_PREFIX = "ph_"  # noqa: S105  # nosec B105  (a prefix, not a secret: recognisable in logs)
MAX_NAME_LENGTH = 100
MAX_ACTIVE_TOKENS = 20
# Writing last_used_at on every request would make each API read a write; a minute is precise
# enough for "is this token still in use?".
LAST_USED_RESOLUTION = timedelta(minutes=1)

MSG_NAME_REQUIRED = "Enter a name for the token, like the tool that will use it."
MSG_NAME_TOO_LONG = f"Use at most {MAX_NAME_LENGTH} characters."
MSG_SCOPE = "Choose one of: read, write, moderate."
MSG_MODERATE_SCOPE = "Only moderators and admins can create a token with the moderate scope."
MSG_MODERATE_NEEDS_TWO_FACTOR = (
    "Turn on two-factor sign-in (Your account) before creating a token with the moderate scope."
)
MSG_TOO_MANY = f"You already have {MAX_ACTIVE_TOKENS} tokens. Revoke one you no longer use."


class TokenInvalid(Exception):
    """Data a person can correct: `errors` is a list of (field name, message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def can_use_scope(user: Any, scope: TokenScope) -> bool:
    """Moderate tokens only for moderators and admins; read and write for every active user."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return scope != TokenScope.MODERATE or user.is_moderator


def scopes_for(user: Any) -> list[TokenScope]:
    return [scope for scope in TokenScope if can_use_scope(user, scope)]


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create_token(user: User, name: str, scope: TokenScope | str) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret (shown once). Raises TokenInvalid."""
    name = (name or "").strip()
    errors: list[tuple[str, str]] = []
    if not name:
        errors.append(("name", MSG_NAME_REQUIRED))
    elif len(name) > MAX_NAME_LENGTH:
        errors.append(("name", MSG_NAME_TOO_LONG))
    try:
        scope = TokenScope(scope)
    except ValueError:
        errors.append(("scope", MSG_SCOPE))
    else:
        if not can_use_scope(user, scope):
            errors.append(("scope", MSG_MODERATE_SCOPE))
        elif scope == TokenScope.MODERATE and not user.has_two_factor:
            errors.append(("scope", MSG_MODERATE_NEEDS_TWO_FACTOR))
    if not errors and len(tokens_of(user)) >= MAX_ACTIVE_TOKENS:
        errors.append(("name", MSG_TOO_MANY))
    if errors:
        raise TokenInvalid(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, scope=scope, token_hash=hash_secret(secret))
    db.session.add(token)
    db.session.flush()
    record_event(user, "api_token.created", "api_token", token.id, name=name, scope=scope.value)
    return token, secret


def revoke_token(user: User, token: ApiToken) -> None:
    """Stop `token` working at once. Only its owner revokes it (PermissionDenied)."""
    if token.user_id != user.id:
        raise PermissionDenied("This is not your token.")
    if token.revoked_at is not None:
        raise InvalidTransition("This token is already revoked.")
    token.revoked_at = utcnow()
    record_event(user, "api_token.revoked", "api_token", token.id, name=token.name)
    db.session.flush()


def revoke_all(user: User, actor: User | None, reason: str) -> int:
    """Stop every working token of `user` (their password or two-factor was reset: whoever
    reset it may hold a token made meanwhile). Audited; returns how many were revoked."""
    revoked = tokens_of(user)
    now = utcnow()
    for token in revoked:
        token.revoked_at = now
    if revoked:
        record_event(
            actor,
            "api_token.revoked_all",
            "user",
            user.id,
            reason=reason,
            tokens=[token.id for token in revoked],
        )
    db.session.flush()
    return len(revoked)


def _on_credentials_reset(user: User, *, actor: User | None, reason: str) -> None:
    revoke_all(user, actor, reason)


credentials_reset.connect(_on_credentials_reset)


def authenticate(raw: str | None) -> ApiToken | None:
    """The working token for this secret, or None (unknown, revoked, or its user inactive).

    Notes the time of use at most once a minute per token (the caller commits).
    """
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = hash_secret(raw)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    # The lookup is by digest; comparing again in constant time costs nothing.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token
