"""Who may do what with accounts. Pure functions of the acting user and the target."""

from __future__ import annotations

from app.accounts.models import Role, User, UserStatus


def is_signed_in(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_approve_user(actor: User | None, target: User) -> bool:
    """Moderators approve practitioners; only admins approve officials, moderators, admins."""
    if not is_signed_in(actor) or target.status != UserStatus.PENDING:
        return False
    if actor.role == Role.ADMIN:  # type: ignore[union-attr]
        return True
    return actor.role == Role.MODERATOR and target.role == Role.PRACTITIONER  # type: ignore[union-attr]


def can_list_pending_users(actor: User | None) -> bool:
    return is_signed_in(actor) and actor.is_moderator  # type: ignore[union-attr]


def can_manage_users(actor: User | None) -> bool:
    return is_signed_in(actor) and actor.role == Role.ADMIN  # type: ignore[union-attr]
