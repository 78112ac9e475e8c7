"""Two-factor sign-in: enrolment, checking codes, recovery codes, the staff policy. The caller
commits.

Errors: AccountInvalid (a wrong code or password, on the field), InvalidTransition (the step
does not fit the account's state), PermissionDenied.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from app.accounts import policies, totp
from app.accounts.models import RecoveryCode, SecuritySetting, User
from app.accounts.passwords import verify_password
from app.accounts.services import MSG_WRONG_CURRENT_PASSWORD, AccountInvalid, end_sessions
from app.accounts.signals import credentials_reset
from app.audit.services import record_event
from app.core.dbtypes import utcnow
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db

STAFF_POLICY = "require_2fa_for_staff"
MSG_CODE_WRONG = "That code is not right, or was already used. Enter the code your app shows now."
MSG_CODE_OR_RECOVERY_WRONG = (
    "That code is not right or was already used. Enter the code your app shows now, or one "
    "of your unused recovery codes."
)


# --- the staff policy ----------------------------------------------------------------------


def staff_two_factor_required() -> bool:
    """The admins' setting; until one is saved, STAFF_TWO_FACTOR_DEFAULT (on in production)."""
    value = db.session.scalar(
        select(SecuritySetting.value).where(SecuritySetting.name == STAFF_POLICY)
    )
    if value is None:
        return bool(current_app.config.get("STAFF_TWO_FACTOR_DEFAULT"))
    return value == "on"


def must_enrol(user: User) -> bool:
    """Signed in without two-factor although the policy asks it of their role."""
    return (
        policies.needs_two_factor(user)
        and not user.has_two_factor
        and (staff_two_factor_required())
    )


def set_staff_two_factor_required(actor: User, required: bool) -> None:
    """Turn the staff policy on or off. Raises PermissionDenied (admins only)."""
    if not policies.can_manage_security_settings(actor):
        raise PermissionDenied("Only admins change security settings.")
    old = staff_two_factor_required()
    if old == required:
        return
    setting = db.session.get(SecuritySetting, STAFF_POLICY)
    if setting is None:
        setting = SecuritySetting(name=STAFF_POLICY, value="on" if old else "off")
        db.session.add(setting)
    setting.value = "on" if required else "off"
    record_event(
        actor, "settings.changed", "setting", None, name=STAFF_POLICY, old=old, new=required
    )
    db.session.flush()


# --- enrolment -----------------------------------------------------------------------------


def begin_enrolment(actor: User) -> str:
    """A new secret for the actor's app; two-factor is not on until confirmed.

    Raises InvalidTransition when it is already on (turn it off first, which needs a code).
    """
    if actor.has_two_factor:
        raise InvalidTransition("Two-factor sign-in is already on for your account.")
    actor.totp_secret = totp.new_secret()
    actor.totp_enabled_at = None
    actor.totp_last_step = None
    record_event(actor, "user.two_factor_enrolment_started", "user", actor.id)
    db.session.flush()
    return actor.totp_secret


def confirm_enrolment(actor: User, code: str) -> list[str]:
    """Turn two-factor on once a code from the new secret checks out; returns the new recovery
    codes (shown once). Other sessions end: they were opened with the password alone.

    Raises InvalidTransition (no enrolment under way, or already on), AccountInvalid (code).
    """
    if actor.has_two_factor:
        raise InvalidTransition("Two-factor sign-in is already on for your account.")
    if not actor.totp_secret:
        raise InvalidTransition("Start the set-up first: a new key is made for your app.")
    step = totp.matching_step(actor.totp_secret, code, None)
    if step is None:
        raise AccountInvalid([("code", MSG_CODE_WRONG)])
    actor.totp_enabled_at = utcnow()
    actor.totp_last_step = step
    codes = _replace_recovery_codes(actor)
    record_event(actor, "user.two_factor_enabled", "user", actor.id)
    db.session.flush()
    end_sessions(actor)
    return codes


# --- checking a second factor --------------------------------------------------------------


def _use_totp(user: User, code: str) -> bool:
    step = totp.matching_step(user.totp_secret or "", code, user.totp_last_step)
    if step is None:
        return False
    # Compare-and-set in the database: of two requests with the same code, only one wins.
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["totp_last_step"])
    return bool(getattr(result, "rowcount", 0))


def _use_recovery_code(user: User, code: str) -> bool:
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == totp.hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return False
    record_event(user, "user.recovery_code_used", "user", user.id, left=recovery_codes_left(user))
    return True


def use_second_factor(user: User, code: str) -> str:
    """Check a TOTP code (never one already used) or spend a recovery code.

    Returns "totp" or "recovery_code". Raises AccountInvalid on the "code" field.
    """
    if not user.has_two_factor:
        raise InvalidTransition("Two-factor sign-in is not on for this account.")
    if totp.looks_like_totp(code):
        if _use_totp(user, code):
            db.session.flush()
            return "totp"
    elif _use_recovery_code(user, code):
        db.session.flush()
        return "recovery_code"
    raise AccountInvalid([("code", MSG_CODE_OR_RECOVERY_WRONG)])


def _check_password_and_code(actor: User, password: str, code: str) -> None:
    if not verify_password(actor.password_hash, password):
        raise AccountInvalid([("current_password", MSG_WRONG_CURRENT_PASSWORD)])
    use_second_factor(actor, code)


# --- recovery codes, turning off -----------------------------------------------------------


def recovery_codes_left(user: User) -> int:
    query = select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(query) or 0


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = totp.new_recovery_codes()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=totp.hash_recovery_code(c)) for c in codes
    )
    return [totp.format_recovery_code(c) for c in codes]


def regenerate_recovery_codes(actor: User, password: str, code: str) -> list[str]:
    """New recovery codes; the old ones stop working. Needs the password and a code.

    Raises InvalidTransition (two-factor is off), AccountInvalid (password or code).
    """
    if not actor.has_two_factor:
        raise InvalidTransition("Turn on two-factor sign-in first.")
    _check_password_and_code(actor, password, code)
    codes = _replace_recovery_codes(actor)
    record_event(actor, "user.recovery_codes_regenerated", "user", actor.id)
    db.session.flush()
    return codes


def _turn_off(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable_two_factor(actor: User, password: str, code: str) -> None:
    """Turn two-factor off (a code or a recovery code, and the password, prove it is them).

    Where the staff policy applies, the person is sent to set it up again (a new phone).
    Raises InvalidTransition (already off), AccountInvalid (password or code).
    """
    if not actor.has_two_factor:
        raise InvalidTransition("Two-factor sign-in is already off for your account.")
    _check_password_and_code(actor, password, code)
    _turn_off(actor)
    record_event(actor, "user.two_factor_disabled", "user", actor.id)
    db.session.flush()


def reset_two_factor(actor: User | None, target: User) -> None:
    """An admin turns off someone's two-factor (lost phone and recovery codes); their sessions
    end. Raises PermissionDenied, InvalidTransition (it is off)."""
    if not policies.can_reset_two_factor(actor, target):
        raise PermissionDenied("Only admins reset two-factor sign-in, and never their own.")
    if not target.has_two_factor and not target.totp_secret:
        raise InvalidTransition(f"Two-factor sign-in is not on for {target.name}.")
    _turn_off(target)
    record_event(actor, "user.two_factor_reset", "user", target.id)
    db.session.flush()
    end_sessions(target)
    credentials_reset.send(target, actor=actor, reason="two_factor_reset")  # API tokens end too
