"""Personal API tokens: a hashed secret with one scope, owned by a user."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.core.dbtypes import str_enum, utcnow
from app.core.extensions import db


class TokenScope(enum.StrEnum):
    READ = "read"  # GET only
    WRITE = "write"  # read + drafts, reviews, shortlists
    MODERATE = "moderate"  # write + moderation actions (moderators and admins only)


# Each scope includes the ones before it.
SCOPE_ORDER = (TokenScope.READ, TokenScope.WRITE, TokenScope.MODERATE)


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[TokenScope] = mapped_column(str_enum(TokenScope, "token_scope"))
    # sha256 hex of the secret: the secret itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: TokenScope | str) -> bool:
        """True when this token's scope includes `scope`."""
        return SCOPE_ORDER.index(self.scope) >= SCOPE_ORDER.index(TokenScope(scope))

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.scope} user={self.user_id}>"
