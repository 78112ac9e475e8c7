"""Fixtures of the API tests: personal tokens made through the real service."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from app.api_tokens.services import create_token
from app.core.dbtypes import utcnow
from app.core.extensions import db
from tests.conftest import make_user


def with_two_factor(user):
    """`user` with two-factor sign-in on (a moderate token needs it), as if enrolled."""
    if not user.has_two_factor:
        user.totp_secret = "JBSWY3DPEHPK3PXP"
        user.totp_enabled_at = utcnow()
        db.session.commit()
    return user


def make_token(user, scope: str = "write", name: str = "Test tool") -> str:
    """A new token of `user` with `scope`; returns the secret. A moderator or admin asking for
    a moderate token gets two-factor turned on first, as the service requires."""
    if scope == "moderate" and getattr(user, "is_moderator", False):
        with_two_factor(user)
    _, secret = create_token(user, name, scope)
    db.session.commit()
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture()
def owner(app):
    """A practitioner of Org A, the organisation of sample_record()."""
    return make_user(Role.PRACTITIONER, organisation="Org A")


@pytest.fixture()
def write(owner):
    """The Authorization header of a write token of `owner`."""
    return bearer(make_token(owner, "write"))


@pytest.fixture()
def token_headers():
    """token_headers(user, scope="write") -> the Authorization header of a fresh token."""

    def make(user, scope: str = "write") -> dict[str, str]:
        return bearer(make_token(user, scope))

    return make


def assert_problem(response, status: int) -> dict:
    """The response is RFC 9457 problem details with `status`; returns the body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body
