"""The interface language: Accept-Language, the switcher (cookie and account), <html lang>."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.core.extensions import db
from app.core.i18n import COOKIE_NAME
from tests.conftest import make_user


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page has no <html lang>"
    return match.group(1)


def test_english_is_the_default(client):
    response = client.get("/")
    assert html_lang(response) == "en"
    assert "Browse measures" in response.get_data(as_text=True)


def test_a_german_browser_gets_german(client):
    response = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    page = response.get_data(as_text=True)
    assert html_lang(response) == "de"
    assert "Maßnahmen durchsuchen" in page
    assert "Zum Hauptinhalt springen" in page
    assert "Browse measures" not in page


def test_an_unsupported_language_falls_back_to_the_next_or_english(client):
    assert html_lang(client.get("/", headers={"Accept-Language": "ja, pl;q=0.5"})) == "pl"
    assert html_lang(client.get("/", headers={"Accept-Language": "ja"})) == "en"


def test_the_switcher_is_on_every_page_and_names_each_language_in_itself(client):
    for path in ("/", "/measures/", "/account/login", "/privacy", "/no-such-page"):
        page = client.get(path).get_data(as_text=True)
        assert 'action="/language"' in page, path
        assert '<option value="de" lang="de">Deutsch</option>' in page
        assert '<option value="pl" lang="pl">Polski</option>' in page


def test_the_switcher_sets_a_cookie_and_goes_back(client):
    response = client.post("/language", data={"language": "pl", "next": "/measures/?page=1"})
    assert response.status_code == 303
    assert response.location.endswith("/measures/?page=1")
    cookie = client.get_cookie(COOKIE_NAME)
    assert cookie is not None and cookie.value == "pl"
    # The cookie wins over the browser's language.
    response = client.get("/", headers={"Accept-Language": "de"})
    assert html_lang(response) == "pl"
    assert "Przeglądaj działania" in response.get_data(as_text=True)


def test_the_switcher_refuses_unknown_languages_and_foreign_redirects(client):
    assert client.post("/language", data={"language": "xx"}).status_code == 400
    assert client.post("/language", data={}).status_code == 400
    response = client.post("/language", data={"language": "de", "next": "https://evil.example/"})
    assert response.status_code == 303
    assert response.location.endswith("/")
    assert "evil" not in response.location


def test_a_signed_in_choice_is_kept_in_the_account_across_sign_out_and_in(app, auth):
    user = make_user(Role.PRACTITIONER, email="sprache@example.org")
    db.session.commit()
    client = app.test_client()
    client.post(
        "/account/login", data={"email": user.email, "password": "correct horse battery staple"}
    )
    response = client.post("/language", data={"language": "de", "next": "/"})
    assert response.status_code == 303
    db.session.refresh(user)
    assert user.language == "de"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.language_changed")
    ).one()
    assert event.actor_id == user.id and event.details == {"language": "de"}

    client.post("/account/logout")
    # Signed out, the cookie still holds the choice.
    assert html_lang(client.get("/")) == "de"

    # Another browser, with no cookie and an English Accept-Language: the account decides.
    other = app.test_client()
    assert html_lang(other.get("/", headers={"Accept-Language": "en"})) == "en"
    other.post(
        "/account/login", data={"email": user.email, "password": "correct horse battery staple"}
    )
    response = other.get("/account/", headers={"Accept-Language": "en"})
    assert html_lang(response) == "de"
    assert "Ihr Konto" in response.get_data(as_text=True)


def test_a_language_chosen_before_signing_in_becomes_the_accounts_if_it_has_none(app):
    newcomer = make_user(Role.PRACTITIONER, email="nowy@example.org")
    settled = make_user(Role.PRACTITIONER, email="settled@example.org")
    settled.language = "fr"
    db.session.commit()
    for user in (newcomer, settled):
        client = app.test_client()
        client.post("/language", data={"language": "pl", "next": "/account/login"})
        client.post(
            "/account/login",
            data={"email": user.email, "password": "correct horse battery staple"},
        )
        db.session.refresh(user)
    # The newcomer's choice is kept (and audited); an account's earlier choice is not overridden.
    assert newcomer.language == "pl" and settled.language == "fr"
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.language_changed")
    ).all()
    assert [(e.actor_id, e.details) for e in events] == [(newcomer.id, {"language": "pl"})]


def test_choosing_the_same_language_again_records_nothing_new(app):
    user = make_user(Role.PRACTITIONER, email="same@example.org")
    user.language = "pl"
    db.session.commit()
    client = app.test_client()
    client.post(
        "/account/login", data={"email": user.email, "password": "correct horse battery staple"}
    )
    client.post("/language", data={"language": "pl"})
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.language_changed")
    ).all()


def test_form_labels_and_flash_messages_follow_the_language(client):
    page = client.get("/account/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "E-Mail-Adresse" in page and "Passwort" in page
    page = client.get("/account/register", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Imię i nazwisko" in page and "Wybierz kraj" in page
