"""Fixtures for the moderation tests: people in each role and measures in each state."""

from __future__ import annotations

import pytest
from flask import g

from app.accounts.models import Role
from tests.browser.conftest import (  # noqa: F401  (the browser harness, for our browser test)
    browser_type_launch_args,
    checker,
    live_server,
)
from tests.conftest import make_user


@pytest.fixture()
def owner(app):
    return make_user(Role.PRACTITIONER, email="owner@example.org", organisation="Org A")


@pytest.fixture()
def moderator(app):
    return make_user(Role.MODERATOR, email="mod@example.org", organisation="Hub")


@pytest.fixture()
def admin(app):
    return make_user(Role.ADMIN, email="admin@example.org", organisation="Hub")


@pytest.fixture()
def login(client):
    """Sign a user in on the test client by their session id, as Flask-Login would.

    The test app context lives through the whole test, so Flask-Login's per-request cache of
    the user in `g` is dropped too: a test may switch users between requests.
    """

    def sign_in(user) -> None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        g.pop("_login_user", None)

    return sign_in
