"""Tokens and the second factor (issue 15): staff two-factor on by default in production,
moderate tokens only for owners with two-factor, every token revoked when the password or the
two-factor is reset."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts import two_factor
from app.accounts.models import Role
from app.accounts.tokens import make_reset_token
from app.api_tokens import services as tokens
from app.audit.models import AuditEvent
from app.core.extensions import db
from tests.api.conftest import bearer, make_token, with_two_factor
from tests.conftest import make_user

NEW_PASSWORD = "a new and rather long passphrase"


def test_staff_two_factor_is_on_by_default_in_production_only(prod_app, app):
    assert two_factor.staff_two_factor_required()  # prod_app's context is the current one
    with app.app_context():
        assert not two_factor.staff_two_factor_required()  # the testing app, like development


def test_a_saved_setting_wins_over_the_default(prod_app):
    admin = make_user(Role.ADMIN)
    two_factor.set_staff_two_factor_required(admin, False)
    db.session.commit()
    assert not two_factor.staff_two_factor_required()


def test_a_moderate_token_stops_working_when_its_owner_has_no_two_factor(app, client):
    """The attack: two-factor is turned off (or was never on), and a moderate token made
    before still publishes. It is refused with 403, saying why."""
    moderator = make_user(Role.MODERATOR)
    secret = make_token(moderator, "moderate")  # made while two-factor was on
    assert client.get("/api/v1/moderation/queue", headers=bearer(secret)).status_code == 200
    moderator.totp_secret = None
    moderator.totp_enabled_at = None
    db.session.commit()
    answer = client.get("/api/v1/moderation/queue", headers=bearer(secret))
    assert answer.status_code == 403
    assert answer.content_type == "application/problem+json"
    assert "two-factor" in answer.get_json()["detail"]


def test_no_moderate_token_without_two_factor(app):
    moderator = make_user(Role.MODERATOR)
    try:
        tokens.create_token(moderator, "Queue", "moderate")
    except tokens.TokenInvalid as refused:
        assert refused.errors == [("scope", tokens.MSG_MODERATE_NEEDS_TWO_FACTOR)]
    else:
        raise AssertionError("a moderate token was made without two-factor")


def _revoked_all(user) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "api_token.revoked_all", AuditEvent.object_id == user.id
            )
        )
    )


def test_a_password_reset_revokes_every_token(app, client):
    user = make_user()
    secrets = [make_token(user, "read"), make_token(user, "write")]
    token = make_reset_token(user.id, user.password_hash)
    answer = client.post(
        f"/account/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert answer.status_code in (200, 302)
    for secret in secrets:
        assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    [event] = _revoked_all(user)
    assert event.details["reason"] == "password_reset"


def test_a_two_factor_reset_revokes_every_token(app, client):
    moderator = with_two_factor(make_user(Role.MODERATOR))
    secret = make_token(moderator, "moderate")
    admin = make_user(Role.ADMIN)
    two_factor.reset_two_factor(admin, moderator)
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    [event] = _revoked_all(moderator)
    assert event.actor_id == admin.id and event.details["reason"] == "two_factor_reset"
