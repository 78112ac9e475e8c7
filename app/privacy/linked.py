"""Personal API tokens, seen from the privacy side: listed in the export, revoked on deletion."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.api_tokens.models import ApiToken
from app.core.dbtypes import utcnow
from app.core.extensions import db


def api_tokens_of(user: User) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    return list(db.session.scalars(query))


def revoke_api_tokens(user: User) -> int:
    """Revoke every token of `user` (the rows stay: the audit log may name them); returns how
    many were still usable."""
    count = 0
    for token in api_tokens_of(user):
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            count += 1
    return count
