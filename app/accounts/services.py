"""Account operations: registration, approval, sign-in, tokens."""

from __future__ import annotations

from app.accounts.models import User
from app.extensions import db


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: the id carries the session version, so old cookies stop working."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user
