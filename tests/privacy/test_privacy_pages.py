"""The privacy notice, the links to it, and CSRF on account deletion."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import User, UserStatus
from app.core.extensions import db
from tests.conftest import TEST_PASSWORD, make_user
from tests.privacy.conftest import sign_in


def test_the_privacy_page_is_public_and_says_what_why_how_long_and_who(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in ("What we store", "How long", "Who sees it", "Download your data"):
        assert heading in html
    assert "a former member" in html  # what happens to reviews
    assert "audit log" in html


def test_every_page_links_to_the_privacy_page_in_its_footer(client):
    html = client.get("/").get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/privacy"' in footer


def test_the_account_page_offers_download_and_deletion(client, app):
    sign_in(client, make_user())
    html = client.get("/account/").get_data(as_text=True)
    assert 'href="/account/data.json"' in html
    assert 'href="/account/delete"' in html


@pytest.fixture()
def csrf_client(make_app, app):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    return csrf_app.test_client()


def test_deletion_without_the_csrf_token_is_refused_and_deletes_nothing(csrf_client):
    user = make_user()
    sign_in(csrf_client, user)
    response = csrf_client.post("/account/delete", data={"password": TEST_PASSWORD})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).status == UserStatus.ACTIVE
    page = csrf_client.get("/account/delete").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(
        "/account/delete", data={"password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).status == UserStatus.DELETED
