"""Helpers for the two-factor tests: turn it on for a user, and make the code an app would show."""

from __future__ import annotations

import re

import pyotp

from app.accounts import totp, two_factor
from app.accounts.models import User
from app.core.extensions import db
from tests.conftest import TEST_PASSWORD


def code_for_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def next_code(user: User) -> str:
    """A code the app shows now that the server has not accepted yet: the current step's, or
    (if that one was used) the next step's, which the drift window still accepts."""
    db.session.refresh(user)
    step = totp.current_step()
    if user.totp_last_step is not None:
        step = max(step, user.totp_last_step + 1)
    return code_for_step(user.totp_secret, step)


def enable_two_factor(user: User) -> list[str]:
    """Turn two-factor on the way the pages do; returns the recovery codes."""
    secret = two_factor.begin_enrolment(user)
    codes = two_factor.confirm_enrolment(user, code_for_step(secret, totp.current_step() - 1))
    db.session.commit()
    return codes


def password_step(client, user: User, password: str = TEST_PASSWORD, **query):
    return client.post(
        "/account/login", data={"email": user.email, "password": password}, query_string=query
    )


def sign_in_with_two_factor(client, user: User, code: str | None = None):
    password_step(client, user)
    return client.post("/account/login/code", data={"code": code or next_code(user)})


def recovery_codes_on(page: str) -> list[str]:
    return re.findall(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>", page)
