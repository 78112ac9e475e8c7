"""CSRF is enforced on every form when it is switched on (as in development and production)."""

import pytest


@pytest.fixture()
def csrf_client(make_app, app):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        yield csrf_app.test_client()


@pytest.mark.parametrize(
    "path",
    [
        "/account/login",
        "/account/register",
        "/account/logout",
        "/measures/new",
        "/account/login/code",
        "/account/two-factor/setup",
        "/account/two-factor/confirm",
        "/account/two-factor/disable",
        "/account/security",
    ],
)
def test_post_without_csrf_token_is_refused_with_400(csrf_client, path):
    response = csrf_client.post(path, data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
