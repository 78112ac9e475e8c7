"""Accounts: users, their roles and state, and what secures their sign-in (issue 6)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.dbtypes import str_enum, utcnow
from app.core.extensions import db


class Role(enum.StrEnum):
    PRACTITIONER = "practitioner"
    OFFICIAL = "official"
    MODERATOR = "moderator"
    ADMIN = "admin"


class UserStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DELETED = "deleted"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    status: Mapped[UserStatus] = mapped_column(
        str_enum(UserStatus, "user_status"), default=UserStatus.PENDING, index=True
    )
    country: Mapped[str] = mapped_column(String(2))
    organisation: Mapped[str] = mapped_column(String(200))
    email_verified_at: Mapped[datetime | None]
    # The base32 TOTP key. Set while enrolment is under way; two-factor sign-in is on only once
    # totp_enabled_at is set (the person proved their app shows the right codes). Stored as is
    # (see docs/security.md): never logged, shown or exported.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    # The last 30-second TOTP step accepted: a code from that step or earlier is refused (replay).
    totp_last_step: Mapped[int | None]
    # Bumped on sign-out and password change: a replayed old session cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_login_at: Mapped[datetime | None]
    # The interface language the person chose in the switcher (issue 14); None: the browser's.
    language: Mapped[str | None] = mapped_column(String(16))

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.status == UserStatus.ACTIVE

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class RecoveryCode(db.Model):
    """A one-time code that stands in for the TOTP app; only its SHA-256 is kept.

    The codes are 80 random bits, so a plain digest is enough (nothing to guess offline) and it
    lets the database find a code by value in one indexed, atomic UPDATE.
    """

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class SignInThrottle(db.Model):
    """Failed sign-ins for one email address, known or not (see app.accounts.lockout).

    Keyed by a keyed digest of the address, so attempts on addresses that have no account
    neither reveal that nor store the address itself.
    """

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(index=True)


class SecuritySetting(db.Model):
    """Site-wide account-security settings an admin changes (name -> value)."""

    __tablename__ = "security_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
