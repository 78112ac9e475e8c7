"""Who may export their data and delete their account. Pure functions of the acting user."""

from __future__ import annotations

from app.accounts.models import Role, User, UserStatus

MSG_LAST_ADMIN = (
    "You are the only active admin. Make another person an admin first, so someone can "
    "still manage accounts after yours is deleted."
)


def can_export_own_data(actor: User | None) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def deletion_refusal(actor: User | None, other_active_admins: int) -> str | None:
    """Why `actor` may not delete their account now, or None when they may.

    `other_active_admins` is the number of active admins besides the actor: the last admin
    cannot leave, or nobody could manage accounts any more.
    """
    if not getattr(actor, "is_authenticated", False) or actor.status != UserStatus.ACTIVE:  # type: ignore[union-attr]
        return "Only a signed-in, active account can be deleted."
    if actor.role == Role.ADMIN and other_active_admins == 0:  # type: ignore[union-attr]
        return MSG_LAST_ADMIN
    return None
