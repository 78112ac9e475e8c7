"""Password hashing with argon2id (DESIGN §9)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_PASSWORD_LENGTH = 12


@lru_cache(maxsize=4)
def _hasher(params: tuple[tuple[str, int], ...]) -> PasswordHasher:
    return PasswordHasher(**dict(params))


def _current_hasher() -> PasswordHasher:
    """The cost set by ARGON2_PARAMS (see config.py); argon2's defaults outside an app."""
    params = current_app.config.get("ARGON2_PARAMS", {}) if has_app_context() else {}
    return _hasher(tuple(sorted(params.items())))


def hash_password(password: str) -> str:
    return _current_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    # The cost parameters are read from the hash itself, so any hasher verifies any hash.
    try:
        return _current_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
