"""Account lockout: MAX_FAILURES failed sign-ins for one email address within WINDOW lock it for
LOCK_DURATION, whatever password or code is then given. The caller commits.

Failures are counted per address whether or not it has an account, and a locked address gets
the same message either way: the lock tells nobody more about which addresses have accounts
than the sign-in form already does. While locked nothing is checked, so guessing on learns
nothing, and failures then do not extend the lock (someone who knows an address cannot keep its
owner out for longer than LOCK_DURATION at a time). A password reset lifts the lock. The
per-network rate limit on the sign-in form stays on top of this.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import SignInThrottle, User
from app.audit.services import record_event
from app.core.dbtypes import utcnow
from app.core.extensions import db

log = logging.getLogger(__name__)

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)

MSG_LOCKED = (
    "This account is temporarily locked after too many failed sign-in attempts. "
    "Try again after {until} UTC (in {minutes} minute{s}), or reset your password to unlock "
    "it now."
)


def throttle_key(email: str) -> str:
    """A keyed digest of the address: the table never holds addresses typed by strangers."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def locked_until(email: str, now: datetime | None = None) -> datetime | None:
    """When the lock on this address ends, or None if it is not locked."""
    now = now or utcnow()
    until = db.session.scalar(
        select(SignInThrottle.locked_until).where(SignInThrottle.key == throttle_key(email))
    )
    return until if until is not None and until > now else None


def locked_message(until: datetime, now: datetime | None = None) -> str:
    minutes = max(1, math.ceil(((until - (now or utcnow())).total_seconds()) / 60))
    return MSG_LOCKED.format(
        until=until.strftime("%H:%M"), minutes=minutes, s="" if minutes == 1 else "s"
    )


def _throttle_for_update(key: str, now: datetime) -> SignInThrottle:
    row = db.session.scalar(
        select(SignInThrottle).where(SignInThrottle.key == key).with_for_update()
    )
    if row is not None:
        return row
    try:
        with db.session.begin_nested():  # another request may insert the same key first
            row = SignInThrottle(key=key, failures=0, window_started_at=now)
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalar(
            select(SignInThrottle).where(SignInThrottle.key == key).with_for_update()
        )
    if row is None:  # the clashing insert was rolled back after all: count no failure
        raise RuntimeError("sign-in throttle row vanished")
    return row


def record_failure(email: str, user: User | None, now: datetime | None = None) -> datetime | None:
    """Count one failed sign-in for `email` (`user` is its account, if any).

    Returns the end of the lock when this failure locks the address, else None.
    """
    now = now or utcnow()
    row = _throttle_for_update(throttle_key(email), now)
    if row.locked_until is not None and row.locked_until > now:
        return None  # already locked: not counted, the lock is not extended
    if row.window_started_at <= now - WINDOW or (row.locked_until and row.locked_until <= now):
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures < MAX_FAILURES:
        db.session.flush()
        return None
    row.locked_until = now + LOCK_DURATION
    row.failures = 0
    if user is not None:
        record_event(None, "user.locked", "user", user.id, until=row.locked_until.isoformat())
        log.warning("sign-in locked for user %s until %s", user.id, row.locked_until)
    else:
        log.warning("sign-in locked for an unknown address until %s", row.locked_until)
    db.session.flush()
    return row.locked_until


def clear_failures(email: str) -> None:
    """A successful sign-in starts the count again."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == throttle_key(email)))


def unlock(user: User, reason: str) -> None:
    """Lift any lock on the user's address (a password reset proves they own it); audited."""
    was_locked = locked_until(user.email) is not None
    clear_failures(user.email)
    if was_locked:
        record_event(None, "user.unlocked", "user", user.id, reason=reason)
        db.session.flush()
