"""Mails are written in the recipient's saved language, else English, with the right links."""

from __future__ import annotations

from app.accounts import services
from app.accounts.models import Role, UserStatus
from app.core.extensions import db
from tests.accounts.conftest import NEW_PASSWORD, new_client
from tests.conftest import make_user


def test_a_password_reset_mail_is_in_the_recipients_language_and_its_link_works(
    app, client, mailbox
):
    user = make_user(Role.PRACTITIONER, email="ola@example.org")
    user.language = "pl"
    db.session.commit()
    # Asked for from a German browser: the mail follows the account, not the request.
    client.post(
        "/account/reset", data={"email": "ola@example.org"}, headers={"Accept-Language": "de"}
    )
    message = mailbox.last("ola@example.org")
    assert message["Subject"] == "Prevent-Hub: zmiana hasła"
    body = message.get_content()
    assert body.startswith(f"Dzień dobry, {user.name}!")
    assert "Aby ustawić nowe hasło, otwórz ten link:" in body
    link = mailbox.link("ola@example.org")
    assert link.startswith("/account/reset/")
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    signed_in = new_client(app).post(
        "/account/login", data={"email": "ola@example.org", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_a_mail_to_an_account_without_a_language_is_in_english(client, mailbox):
    make_user(Role.PRACTITIONER, email="sam@example.org")
    db.session.commit()
    client.post(
        "/account/reset", data={"email": "sam@example.org"}, headers={"Accept-Language": "fr"}
    )
    message = mailbox.last("sam@example.org")
    assert message["Subject"] == "Prevent-Hub: reset your password"
    assert "To choose a new password, open this link:" in message.get_content()


def test_an_approval_is_noted_and_mailed_in_the_recipients_language(app, mailbox):
    admin = make_user(Role.ADMIN, email="admin-lang@example.org")
    pending = make_user(Role.PRACTITIONER, email="jana@example.org", status=UserStatus.PENDING)
    pending.language = "cs"
    db.session.flush()
    services.approve_user(admin, pending)
    message = mailbox.last("jana@example.org")
    assert message["Subject"].startswith("Prevent-Hub: Váš účet na Prevent-Hub byl schválen.")
    assert "Nyní se můžete přihlásit." in message.get_content()
