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


def can_change_role(actor: User | None, target: User) -> bool:
    """Admins change other people's roles; never their own (the last admin could lock out)."""
    return can_manage_users(actor) and actor.id != target.id  # type: ignore[union-attr]


def can_suspend_user(actor: User | None, target: User) -> bool:
    """Admins suspend other accounts that are active or still pending."""
    return (
        can_manage_users(actor)
        and actor.id != target.id  # type: ignore[union-attr]
        and target.status in (UserStatus.ACTIVE, UserStatus.PENDING)
    )


def can_reactivate_user(actor: User | None, target: User) -> bool:
    """Admins give a suspended (or rejected) account back its access."""
    return can_manage_users(actor) and target.status == UserStatus.SUSPENDED


def can_create_user(actor: User | None) -> bool:
    """`actor` None is the command line, which runs with the operator's authority."""
    return actor is None or can_manage_users(actor)


def needs_two_factor(user: User | None) -> bool:
    """Roles the staff two-factor policy covers, once an admin turns it on."""
    return is_signed_in(user) and user.is_moderator  # type: ignore[union-attr]


def can_manage_security_settings(actor: User | None) -> bool:
    return can_manage_users(actor)


def can_reset_two_factor(actor: User | None, target: User) -> bool:
    """Admins turn off someone else's two-factor (lost phone); their own needs their codes.
    `actor` None is the command line (the last admin's lost phone)."""
    if actor is None:
        return True
    return can_manage_users(actor) and actor.id != target.id
