"""With CSRF on (as in production), account forms without the token are refused."""

from __future__ import annotations

import re

import pytest

from tests.accounts.conftest import registration, user_count
from tests.conftest import TEST_PASSWORD, make_user


@pytest.fixture()
def csrf_client(make_app, app):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    return csrf_app.test_client()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_registration_without_the_token_is_400_and_stores_nothing(csrf_client):
    assert csrf_client.post("/account/register", data=registration()).status_code == 400
    assert user_count() == 0


def test_sign_in_without_the_token_is_400_and_with_it_works(csrf_client):
    make_user(email="pat@example.org")
    data = {"email": "pat@example.org", "password": TEST_PASSWORD}
    assert csrf_client.post("/account/login", data=data).status_code == 400
    token = _token(csrf_client.get("/account/login").get_data(as_text=True))
    response = csrf_client.post("/account/login", data={**data, "csrf_token": token})
    assert response.status_code == 302


def test_sign_out_without_the_token_is_400(csrf_client):
    make_user(email="pat@example.org")
    token = _token(csrf_client.get("/account/login").get_data(as_text=True))
    csrf_client.post(
        "/account/login",
        data={"email": "pat@example.org", "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert csrf_client.post("/account/logout").status_code == 400
    assert csrf_client.get("/account/").status_code == 200
