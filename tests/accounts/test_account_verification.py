"""Email verification: the link from the mail, bad and stale links, resending."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner

from app.accounts.models import UserStatus
from app.accounts.tokens import make_email_token
from app.core.extensions import db
from tests.accounts.conftest import audit_actions, fresh, registration
from tests.conftest import make_user


def test_the_link_in_the_registration_mail_verifies_the_address(client, mailbox):
    client.post("/account/register", data=registration())
    link = mailbox.link("ana.novak@example.org")
    response = client.get(link)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your email address is confirmed" in page
    assert "waiting for approval" in page
    from app.accounts.services import find_user_by_email

    user = find_user_by_email("ana.novak@example.org")
    assert user.email_verified_at is not None
    assert user.status == UserStatus.PENDING  # verifying does not approve
    assert len(audit_actions("user.email_verified")) == 1
    assert client.get(link).status_code == 200  # opening it again does no harm
    assert len(audit_actions("user.email_verified")) == 1


def test_an_expired_link_shows_a_friendly_page_and_changes_nothing(app, client, monkeypatch):
    user = make_user(email="pat@example.org", status=UserStatus.PENDING)
    age = app.config["TOKEN_MAX_AGE_SECONDS"] + 60
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - age)
        token = make_email_token(user.id, user.email)
    response = client.get(f"/account/verify/{token}")
    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
    assert fresh(user).email_verified_at is None


def test_a_tampered_link_shows_a_friendly_page(client):
    user = make_user(email="pat@example.org", status=UserStatus.PENDING)
    token = make_email_token(user.id, user.email)
    response = client.get(f"/account/verify/{token[:-3]}xyz")
    assert response.status_code == 400
    assert "This link does not work" in response.get_data(as_text=True)
    assert fresh(user).email_verified_at is None


def test_a_link_for_an_old_address_does_not_verify_the_new_one(client):
    user = make_user(email="old@example.org", status=UserStatus.PENDING)
    token = make_email_token(user.id, "old@example.org")
    user.email = "new@example.org"
    db.session.commit()
    assert client.get(f"/account/verify/{token}").status_code == 400
    assert fresh(user).email_verified_at is None


def test_a_link_for_a_user_that_does_not_exist_is_invalid(client):
    assert (
        client.get(f"/account/verify/{make_email_token(999, 'x@example.org')}").status_code == 400
    )


def test_an_unverified_user_can_ask_for_a_new_link_from_the_account_page(client, auth, mailbox):
    user = make_user(email="pat@example.org")
    auth.login(user)
    page = client.get("/account/").get_data(as_text=True)
    assert "No, not yet." in page
    assert "Send me a new confirmation link" in page
    response = client.post("/account/verification/resend", follow_redirects=True)
    assert "We have sent a new confirmation link" in response.get_data(as_text=True)
    assert client.get(mailbox.link("pat@example.org")).status_code == 200
    assert fresh(user).email_verified_at is not None
    page = client.get("/account/").get_data(as_text=True)
    assert "Send me a new confirmation link" not in page
    assert "Yes, on" in page


def test_a_verified_user_is_told_there_is_nothing_to_resend(client, auth, mailbox):
    from app.core.dbtypes import utcnow

    user = make_user(email="pat@example.org")
    user.email_verified_at = utcnow()
    db.session.commit()
    auth.login(user)
    response = client.post("/account/verification/resend", follow_redirects=True)
    assert "already verified" in response.get_data(as_text=True)
    assert mailbox.messages("pat@example.org") == []


def test_resending_is_rate_limited(client, auth):
    auth.login(make_user())
    for _ in range(5):
        assert client.post("/account/verification/resend").status_code == 302
    assert client.post("/account/verification/resend").status_code == 429
