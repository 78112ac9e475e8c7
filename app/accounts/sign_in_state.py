"""The half-signed-in state between a correct password and the second factor.

It lives in the session under its own key and is not a sign-in: Flask-Login knows nothing of
it, so every page still treats the visitor as anonymous. It names the user and their session
version (a password change or sign-out elsewhere voids it) and expires after MAX_AGE_SECONDS.
"""

from __future__ import annotations

import time
from typing import Any

from flask import session
from flask_login import login_user

from app.accounts.models import User
from app.core.extensions import db

PENDING_KEY = "two_factor_pending"
MAX_AGE_SECONDS = 5 * 60


def begin(user: User, next_url: str | None) -> None:
    """Start the second step in a fresh session (nothing from before the sign-in survives)."""
    session.clear()
    session[PENDING_KEY] = {
        "uid": user.id,
        "version": user.session_version,
        "started": int(time.time()),
        "next": next_url,
    }


def _state() -> dict[str, Any] | None:
    state = session.get(PENDING_KEY)
    return state if isinstance(state, dict) else None


def is_expired() -> bool:
    state = _state()
    return state is not None and time.time() - int(state.get("started", 0)) > MAX_AGE_SECONDS


def pending_user() -> User | None:
    """The user half-way through signing in, or None (none, expired, or no longer valid)."""
    state = _state()
    if state is None or is_expired():
        return None
    user = db.session.get(User, state.get("uid"))
    if user is None or user.session_version != state.get("version"):
        return None
    if not user.is_active or not user.has_two_factor:
        return None
    return user


def next_url() -> str | None:
    state = _state()
    return state.get("next") if state else None


def drop() -> None:
    session.pop(PENDING_KEY, None)


def complete(user: User) -> None:
    """Sign in for real, in a fresh session once more."""
    session.clear()
    login_user(user)
