"""Account lockout: five failed sign-ins for an address within 15 minutes lock it for 15."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from app.accounts import lockout
from app.accounts.models import SignInThrottle
from app.core.dbtypes import utcnow
from app.core.extensions import db, limiter
from tests.accounts.conftest import NEW_PASSWORD, audit_actions, fresh, new_client
from tests.conftest import TEST_PASSWORD, make_user

GENERIC = "Email or password is incorrect."
LOCKED = "This account is temporarily locked after too many failed sign-in attempts."


def _sign_in(client, email, password=TEST_PASSWORD):
    return client.post("/account/login", data={"email": email, "password": password})


def _fail(client, email, times):
    return [_sign_in(client, email, "a wrong guess").get_data(as_text=True) for _ in range(times)]


def _refusal(page: str) -> str:
    return re.search(r"<h2>You are not signed in</h2>\s*<p>(.*?)</p>", page, re.S).group(1)


def test_four_failures_then_the_right_password_signs_in_and_resets_the_count(client, app):
    user = make_user(email="pat@example.org")
    pages = _fail(client, "pat@example.org", 4)
    assert all(GENERIC in p for p in pages)
    assert _sign_in(client, "pat@example.org").status_code == 302
    client.post("/account/logout")
    assert GENERIC in _fail(new_client(app), "pat@example.org", 4)[-1]  # counting from zero
    assert audit_actions("user.locked") == []
    assert fresh(user).last_login_at is not None


def test_the_fifth_failure_locks_and_says_until_when(client, app):
    user = make_user(email="pat@example.org")
    page = _fail(client, "pat@example.org", 5)[-1]
    message = _refusal(page)
    assert message.startswith(LOCKED)
    assert re.search(r"Try again after \d\d:\d\d UTC \(in 15 minutes\)", message)
    assert "reset your password" in message
    # Locked: even the right password is refused, with the same message, from anywhere.
    response = _sign_in(new_client(app), "pat@example.org")
    assert response.status_code == 200 and LOCKED in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 302
    [event] = audit_actions("user.locked")
    assert (event.actor_id, event.object_id) == (None, user.id)
    assert audit_actions("user.login") == []


def test_an_unknown_address_locks_the_same_way_so_nothing_is_revealed(client):
    make_user(email="pat@example.org")
    known = _fail(client, "pat@example.org", 6)
    limiter.reset()  # the per-network limit would stop the 11th attempt in a minute
    unknown = _fail(client, "nobody@example.org", 6)

    def shown(page: str) -> str:
        return re.sub(r"\d\d:\d\d", "HH:MM", _refusal(page))

    assert [shown(p) for p in known] == [shown(p) for p in unknown]
    assert LOCKED in shown(unknown[-1])
    assert len(audit_actions("user.locked")) == 1  # nothing to attach an unknown address to


def test_the_lock_ends_after_its_time(client):
    make_user(email="pat@example.org")
    _fail(client, "pat@example.org", 5)
    db.session.execute(update(SignInThrottle).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _sign_in(client, "pat@example.org").status_code == 302


def test_failures_older_than_the_window_do_not_count(client):
    make_user(email="pat@example.org")
    _fail(client, "pat@example.org", 4)
    db.session.execute(
        update(SignInThrottle).values(window_started_at=utcnow() - timedelta(minutes=16))
    )
    db.session.commit()
    page = _fail(client, "pat@example.org", 1)[0]
    assert GENERIC in page and LOCKED not in page


def test_attempts_while_locked_do_not_extend_the_lock(client):
    make_user(email="pat@example.org")
    _fail(client, "pat@example.org", 5)
    until = db.session.scalar(select(SignInThrottle.locked_until))
    _fail(client, "pat@example.org", 3)
    db.session.expire_all()
    assert db.session.scalar(select(SignInThrottle.locked_until)) == until


def test_a_password_reset_lifts_the_lock(client, mailbox):
    user = make_user(email="pat@example.org")
    _fail(client, "pat@example.org", 5)
    client.post("/account/reset", data={"email": "pat@example.org"})
    link = mailbox.link("pat@example.org")
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert _sign_in(client, "pat@example.org", NEW_PASSWORD).status_code == 302
    [event] = audit_actions("user.unlocked")
    assert event.object_id == user.id and event.details == {"reason": "password_reset"}


def test_the_table_keeps_no_email_address(client):
    _fail(client, "nobody@example.org", 2)
    [row] = db.session.scalars(select(SignInThrottle)).all()
    assert "@" not in row.key and row.key == lockout.throttle_key("Nobody@Example.org ")
    assert row.failures == 2


def test_the_message_counts_minutes_in_the_singular_too():
    now = utcnow()
    message = lockout.locked_message(now + timedelta(seconds=30), now)
    assert "(in 1 minute)" in message
