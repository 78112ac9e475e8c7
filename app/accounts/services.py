"""Account operations: registration, approval, sign-in, tokens, roles. The caller commits.

Errors: AccountInvalid (bad or clashing data, with a message per field), SignInRefused (with
the message to show), TokenInvalid (app.accounts.tokens), PermissionDenied and
InvalidTransition (app.core.exceptions).

A rejected registration becomes a SUSPENDED account (the audit log says "user.rejected"): the
address stays reserved so one person cannot fill the queue again and again, the person is told
that their registration was not approved when they try to sign in, and an admin can still
reactivate the account from the user list.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, NoReturn

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.accounts import lockout, policies
from app.accounts.language import adopt_chosen_language
from app.accounts.models import Role, User, UserStatus
from app.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from app.accounts.signals import credentials_reset
from app.accounts.tokens import (
    TokenInvalid,
    make_email_token,
    make_reset_token,
    password_fingerprint,
    read_email_token,
    read_reset_token,
)
from app.audit.models import AuditEvent, Notification
from app.audit.services import notify, record_event
from app.core.dbtypes import utcnow
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.core.mail import in_recipients_language, send_mail
from app.core.urls import external_url
from app.records.vocab import COUNTRY_CODES

log = logging.getLogger(__name__)

# Long enough for any passphrase, short enough that nobody makes the server hash megabytes.
MAX_PASSWORD_LENGTH = 128
REGISTRATION_ROLES = (Role.PRACTITIONER, Role.OFFICIAL, Role.MODERATOR)
FIELD_LIMITS = {"name": 120, "email": 254, "organisation": 200}

MSG_REQUIRED = {  # messages, not passwords  # nosec B105
    "name": "Enter your name.",
    "email": "Enter your email address.",
    "password": "Enter a password.",
    "organisation": "Enter your organisation.",
}
MSG_TOO_LONG = "Use at most {max} characters."
MSG_EMAIL_INVALID = "Enter a valid email address, like name@example.org."
MSG_EMAIL_TAKEN = (
    "An account with this email address already exists. Sign in, or reset your password."
)
MSG_PASSWORD_SHORT = f"Use at least {MIN_PASSWORD_LENGTH} characters."
MSG_PASSWORD_LONG = f"Use at most {MAX_PASSWORD_LENGTH} characters."
MSG_PASSWORDS_DIFFER = "The two passwords do not match."
MSG_COUNTRY = "Choose your country from the list."
MSG_REGISTRATION_ROLE = "Choose practitioner, official or moderator."
MSG_ROLE = "Choose one of: " + ", ".join(role.value for role in Role) + "."
MSG_WRONG_CURRENT_PASSWORD = "Your current password is not correct."  # noqa: S105  # nosec B105
MSG_SIGN_IN_FAILED = "Email or password is incorrect."
MSG_PENDING = (
    "Your account is waiting for approval. You will get an email when it has been approved."
)
MSG_SUSPENDED = (
    "Your account is suspended. Contact the Prevent-Hub team if you think this is wrong."
)
MSG_REJECTED = "Your registration was not approved, so this account cannot sign in."


class AccountInvalid(Exception):
    """Data a person can correct: `errors` is a list of (field name, message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))
        self.errors = errors


class SignInRefused(Exception):
    """Sign-in is refused; str(error) is the message to show."""


# --- helpers ------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """Addresses compare case-insensitively, so they are stored in lower case."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def password_errors(password: str, field: str = "password") -> list[tuple[str, str]]:
    if not password:
        return [(field, MSG_REQUIRED["password"])]
    if len(password) < MIN_PASSWORD_LENGTH:
        return [(field, MSG_PASSWORD_SHORT)]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [(field, MSG_PASSWORD_LONG)]
    return []


def _check_account(
    *,
    name: str,
    email: str,
    password: str,
    country: str,
    organisation: str,
    role: str,
    allowed_roles: tuple[Role, ...],
    refuse_taken: bool = True,
) -> tuple[str, Role]:
    """Check every field (the form did too; the CLI relies on this). Raises AccountInvalid."""
    errors: list[tuple[str, str]] = []
    for field, value in (("name", name), ("email", email), ("organisation", organisation)):
        if not value.strip():
            errors.append((field, MSG_REQUIRED[field]))
        elif len(value.strip()) > FIELD_LIMITS[field]:
            errors.append((field, MSG_TOO_LONG.format(max=FIELD_LIMITS[field])))
    email = normalise_email(email)
    if email and not any(field == "email" for field, _ in errors):
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            errors.append(("email", MSG_EMAIL_INVALID))
    errors += password_errors(password)
    if country not in COUNTRY_CODES:
        errors.append(("country", MSG_COUNTRY))
    if role not in {r.value for r in allowed_roles}:
        message = MSG_REGISTRATION_ROLE if allowed_roles == REGISTRATION_ROLES else MSG_ROLE
        errors.append(("role", message))
    if refuse_taken and not errors and find_user_by_email(email) is not None:
        errors.append(("email", MSG_EMAIL_TAKEN))
    if errors:
        raise AccountInvalid(errors)
    return email, Role(role)


@functools.cache
def _dummy_hash() -> str:
    return hash_password("timing-equaliser-not-a-password")


def _send_verification_mail(user: User) -> None:
    link = external_url("accounts.verify_email", token=make_email_token(user.id, user.email))
    with in_recipients_language(user.language):
        send_mail(
            user.email,
            _("Prevent-Hub: confirm your email address"),
            _(
                "Hello %(name)s,\n\nPlease confirm your email address by opening this link:"
                "\n\n%(link)s\n\nThe link works for a limited time. If you did not register at"
                " Prevent-Hub, you can ignore this message.",
                name=user.name,
                link=link,
            ),
        )


# --- registration and verification ----------------------------------------------------------


def register_user(
    *, name: str, email: str, password: str, country: str, organisation: str, role: str
) -> User | None:
    """Create a PENDING account and mail a verification link.

    For an address that already has an account nothing is created (None) and its owner gets a
    mail instead: the form answers the same either way, so it reveals no account (issue 15).
    Raises AccountInvalid for bad data or a role not open to registration.
    """
    email, role_value = _check_account(
        name=name,
        email=email,
        password=password,
        country=country,
        organisation=organisation,
        role=role,
        allowed_roles=REGISTRATION_ROLES,
        refuse_taken=False,
    )
    existing = find_user_by_email(email)
    if existing is not None:
        hash_password(password)  # the same work as a new account: the time reveals nothing
        _mail_existing_owner(existing)
        return None
    user = User(
        name=name.strip(),
        email=email,
        password_hash=hash_password(password),
        role=role_value,
        status=UserStatus.PENDING,
        country=country,
        organisation=organisation.strip(),
    )
    db.session.add(user)
    db.session.flush()
    record_event(user, "user.registered", "user", user.id, role=role_value.value)
    # Sent before the commit: if the commit fails, the link names a user that does not exist
    # and simply does not work.
    _send_verification_mail(user)
    return user


def _mail_existing_owner(user: User) -> None:
    if user.status == UserStatus.DELETED:
        return
    with in_recipients_language(user.language):
        send_mail(
            user.email,
            _("Prevent-Hub: someone tried to register with your email address"),
            _(
                "Hello %(name)s,\n\nSomeone (perhaps you) tried to register at Prevent-Hub with"
                " this email address, which already has an account. Nothing was changed.\n\n"
                "To sign in: %(login)s\nForgot your password? %(reset)s\n\n"
                "If it was not you, you can ignore this message.",
                name=user.name,
                login=external_url("accounts.login"),
                reset=external_url("accounts.reset_request"),
            ),
        )


def verify_email(token: str) -> User:
    """Mark the address in the token as verified. Raises TokenInvalid (bad, expired, stale)."""
    user_id, email = read_email_token(token)
    user = db.session.get(User, user_id)
    if user is None or user.email != email or user.status == UserStatus.DELETED:
        raise TokenInvalid()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_event(user, "user.email_verified", "user", user.id)
        db.session.flush()
    return user


def resend_verification(actor: User) -> None:
    """Mail a fresh verification link. Raises InvalidTransition when already verified."""
    if actor.email_verified_at is not None:
        raise InvalidTransition("Your email address is already verified.")
    _send_verification_mail(actor)


# --- approval ---------------------------------------------------------------------------------


def list_pending_users(actor: User) -> list[User]:
    """Pending registrations, oldest first. Raises PermissionDenied."""
    if not policies.can_list_pending_users(actor):
        raise PermissionDenied("Only moderators and admins see pending accounts.")
    query = select(User).where(User.status == UserStatus.PENDING).order_by(User.created_at)
    return list(db.session.scalars(query))


def _check_can_decide(actor: User, target: User) -> None:
    if target.status != UserStatus.PENDING:
        raise InvalidTransition("This account is no longer waiting for approval.")
    if not policies.can_approve_user(actor, target):
        raise PermissionDenied(
            "Moderators approve practitioners; an admin approves officials and moderators."
        )


def approve_user(actor: User, target: User) -> User:
    """PENDING → ACTIVE, and tell the person. Raises InvalidTransition, PermissionDenied."""
    _check_can_decide(actor, target)
    target.status = UserStatus.ACTIVE
    target.approved_at = utcnow()
    target.approved_by_id = actor.id
    record_event(actor, "user.approved", "user", target.id, role=target.role.value)
    notify(
        target,
        _l("Your Prevent-Hub account has been approved. You can now sign in."),
        external_url("accounts.login"),
    )
    db.session.flush()
    return target


def reject_user(actor: User, target: User, reason: str = "") -> User:
    """PENDING → SUSPENDED without approval (see the module docstring) and tell the person.

    Raises InvalidTransition, PermissionDenied.
    """
    _check_can_decide(actor, target)
    target.status = UserStatus.SUSPENDED
    reason = reason.strip()
    record_event(actor, "user.rejected", "user", target.id, reason=reason)
    with in_recipients_language(target.language):
        body = _(
            "Hello %(name)s,\n\nYour Prevent-Hub registration was not approved.", name=target.name
        )
        if reason:
            body += "\n\n" + _("Reason: %(reason)s", reason=reason)
        send_mail(target.email, _("Prevent-Hub: your registration was not approved"), body)
    db.session.flush()
    return target


def was_rejected(user: User) -> bool:
    """Suspended because the registration was rejected (rather than suspended later)."""
    if user.status != UserStatus.SUSPENDED:
        return False
    last = db.session.scalar(
        select(AuditEvent.action)
        .where(
            AuditEvent.object_type == "user",
            AuditEvent.object_id == user.id,
            AuditEvent.action.in_(("user.rejected", "user.suspended", "user.reactivated")),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return last == "user.rejected"


# --- signing in and out, passwords -------------------------------------------------------------


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password. Records nothing of a success: the caller
    calls record_sign_in() once every factor is checked.

    Raises SignInRefused: one message for an unknown address or a wrong password (so nobody
    learns which addresses have accounts), the lock message while the address is locked (for
    known and unknown addresses alike, see app.accounts.lockout), and after a correct password
    the reason an account may not sign in (pending, suspended, rejected). The caller commits
    after a refusal too: the failure counts toward the lock.
    """
    until = lockout.locked_until(email)
    if until is not None:
        raise SignInRefused(lockout.locked_message(until))
    user = find_user_by_email(email)
    if user is None:
        verify_password(_dummy_hash(), password)  # same time as a real check
        _refuse_failed_sign_in(email, None)
    if not verify_password(user.password_hash, password) or user.status == UserStatus.DELETED:
        log.info("sign-in failed for user %s", user.id)
        _refuse_failed_sign_in(email, user)
    if user.status == UserStatus.PENDING:
        raise SignInRefused(MSG_PENDING)
    if user.status == UserStatus.SUSPENDED:
        raise SignInRefused(MSG_REJECTED if was_rejected(user) else MSG_SUSPENDED)
    return user


def _refuse_failed_sign_in(email: str, user: User | None) -> NoReturn:
    until = lockout.record_failure(email, user)
    raise SignInRefused(lockout.locked_message(until) if until else MSG_SIGN_IN_FAILED)


def record_sign_in(user: User, method: str = "password") -> None:
    """Note a completed sign-in (`method`: password, totp, recovery_code) and reset the count
    of failures."""
    lockout.clear_failures(user.email)
    user.last_login_at = utcnow()
    record_event(user, "user.login", "user", user.id, method=method)
    adopt_chosen_language(user)
    db.session.flush()


def end_sessions(user: User) -> None:
    """Bump the session version: every cookie issued before stops working."""
    # An UPDATE rather than += 1 in Python, so two requests at once cannot lose a bump.
    db.session.execute(
        update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    db.session.refresh(user, ["session_version"])


def change_password(actor: User, current_password: str, new_password: str) -> None:
    """Raises AccountInvalid (wrong current password, bad new one). Ends other sessions."""
    if not verify_password(actor.password_hash, current_password):
        raise AccountInvalid([("current_password", MSG_WRONG_CURRENT_PASSWORD)])
    errors = password_errors(new_password)
    if errors:
        raise AccountInvalid(errors)
    actor.password_hash = hash_password(new_password)
    record_event(actor, "user.password_changed", "user", actor.id)
    db.session.flush()
    end_sessions(actor)


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address has an account; the caller answers the same either way."""
    user = find_user_by_email(email)
    if user is None or user.status == UserStatus.DELETED:
        return
    link = external_url(
        "accounts.reset_password", token=make_reset_token(user.id, user.password_hash)
    )
    with in_recipients_language(user.language):
        send_mail(
            user.email,
            _("Prevent-Hub: reset your password"),
            _(
                "Hello %(name)s,\n\nTo choose a new password, open this link:\n\n%(link)s\n\n"
                "The link works once and for a limited time. If you did not ask for it, ignore"
                " this message: your password stays as it is.",
                name=user.name,
                link=link,
            ),
        )


def user_for_reset_token(token: str) -> User:
    """The user a reset token is for. Raises TokenInvalid (bad, expired, already used)."""
    user_id, fingerprint = read_reset_token(token)
    user = db.session.get(User, user_id)
    if (
        user is None
        or user.status == UserStatus.DELETED
        or password_fingerprint(user.password_hash) != fingerprint
    ):
        raise TokenInvalid()
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password; the token is spent because the hash it names changes.

    Raises TokenInvalid, AccountInvalid. The mail reached the person, so an unverified address
    counts as verified from now on.
    """
    user = user_for_reset_token(token)
    errors = password_errors(new_password)
    if errors:
        raise AccountInvalid(errors)
    user.password_hash = hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    record_event(user, "user.password_reset", "user", user.id)
    db.session.flush()
    end_sessions(user)
    credentials_reset.send(user, actor=user, reason="password_reset")  # API tokens end too
    lockout.unlock(user, "password_reset")
    return user


# --- the account page ----------------------------------------------------------------------


def notifications_for(user: User, limit: int = 50) -> list[Notification]:
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def unread_count(user: User) -> int:
    query = select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def mark_notifications_read(actor: User) -> int:
    """Mark all of the actor's notifications read; returns how many changed."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- administration -------------------------------------------------------------------------


def users_query(actor: User, status: UserStatus | None = None) -> Any:
    """A select of users for the admin list. Raises PermissionDenied."""
    if not policies.can_manage_users(actor):
        raise PermissionDenied("Only admins manage users.")
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    return query.where(User.status == status) if status else query


def set_role(actor: User, target: User, role: str) -> User:
    """Change someone's role; their sessions end so the new role applies at once.

    Raises PermissionDenied (not an admin, or their own role), AccountInvalid (unknown role).
    """
    if not policies.can_change_role(actor, target):
        raise PermissionDenied("Only admins change roles, and never their own.")
    if role not in {r.value for r in Role}:
        raise AccountInvalid([("role", MSG_ROLE)])
    old = target.role
    if old == Role(role):
        return target
    target.role = Role(role)
    record_event(actor, "user.role_changed", "user", target.id, old=old.value, new=role)
    db.session.flush()
    end_sessions(target)
    return target


def suspend_user(actor: User, target: User) -> User:
    """ACTIVE or PENDING → SUSPENDED; their sessions end. Raises PermissionDenied."""
    if not policies.can_suspend_user(actor, target):
        raise PermissionDenied("Only admins suspend accounts, and never their own.")
    target.status = UserStatus.SUSPENDED
    record_event(actor, "user.suspended", "user", target.id)
    db.session.flush()
    end_sessions(target)
    return target


def reactivate_user(actor: User, target: User) -> User:
    """SUSPENDED → ACTIVE (a rejected account counts as approved now). Raises PermissionDenied."""
    if not policies.can_reactivate_user(actor, target):
        raise PermissionDenied("Only admins reactivate accounts.")
    target.status = UserStatus.ACTIVE
    if target.approved_at is None:
        target.approved_at = utcnow()
        target.approved_by_id = actor.id
    record_event(actor, "user.reactivated", "user", target.id)
    db.session.flush()
    return target


def create_user(
    actor: User | None,
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    country: str,
    organisation: str,
) -> User:
    """An ACTIVE, verified account (the CLI, `actor` None, or an admin).

    Raises PermissionDenied, AccountInvalid (bad data or a taken address).
    """
    if not policies.can_create_user(actor):
        raise PermissionDenied("Only admins create accounts.")
    email, role_value = _check_account(
        name=name,
        email=email,
        password=password,
        country=country,
        organisation=organisation,
        role=role,
        allowed_roles=tuple(Role),
    )
    now = utcnow()
    user = User(
        name=name.strip(),
        email=email,
        password_hash=hash_password(password),
        role=role_value,
        status=UserStatus.ACTIVE,
        country=country,
        organisation=organisation.strip(),
        email_verified_at=now,
        approved_at=now,
        approved_by_id=getattr(actor, "id", None),
    )
    db.session.add(user)
    db.session.flush()
    record_event(actor, "user.created", "user", user.id, role=role_value.value)
    return user


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: the id carries the session version, so old cookies stop working."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user
