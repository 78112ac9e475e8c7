"""Security headers on every kind of response, and cookie flags per configuration (DESIGN §9).

Every kind: an HTML page, a JSON API answer, error pages (404, 403, 500), a static file and a
redirect. One test per header, each run over all of them.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_user

# (name, method, path, expected status) on the development-like testing app.
RESPONSES = [
    ("html page", "/", 200),
    ("json api", "/api/v1/search?q=school", 200),
    ("html 404", "/no-such-page", 404),
    ("json 404", "/api/v1/measures/999999", 404),
    ("static file", "/static/site.css", 200),
    ("redirect to sign in", "/account/", 302),
    ("privacy page", "/privacy", 200),
]


@pytest.fixture(params=RESPONSES, ids=[r[0] for r in RESPONSES])
def response(request, client):
    _name, path, status = request.param
    answer = client.get(path)
    assert answer.status_code == status
    return answer


@pytest.fixture(params=["/", "/_test/crash", "/_test/forbidden", "/static/site.css"])
def prod_response(request, prod_client):
    return prod_client.get(request.param)


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = [d.split() for d in policy.split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def test_content_security_policy_allows_only_own_scripts(response):
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy


def test_content_security_policy_forbids_framing(response):
    assert _csp(response)["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_nosniff(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_referrer_policy(response):
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_cross_origin_opener_and_permissions_policy(response):
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_no_hsts_outside_production(response):
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_in_production(prod_response):
    hsts = prod_response.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
    assert "includeSubDomains" in hsts


def test_production_error_pages_carry_every_header(prod_response):
    headers = prod_response.headers
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_a_server_error_in_production_is_a_page_not_a_traceback(prod_client):
    response = prod_client.get("/_test/crash")
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert "a bug" not in response.get_data(as_text=True)


def test_html_pages_contain_no_inline_script_or_style(client):
    """The CSP would block them: a page must work without (DESIGN §10)."""
    for path in ("/", "/privacy", "/account/login", "/account/register", "/measures/"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert " style=" not in html and "<style" not in html, path


# --- cookies --------------------------------------------------------------------------------


def _set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def _session_cookie(response) -> str:
    [cookie] = [c for c in _set_cookies(response) if c.startswith("session=")]
    return cookie


def test_production_session_cookie_is_secure_httponly_and_samesite(prod_client):
    # The sign-in form puts its CSRF token into the session, so the cookie is set.
    cookie = _session_cookie(prod_client.get("/account/login"))
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie


def test_production_remember_cookie_is_secure_httponly_and_samesite(prod_app, prod_client):
    from flask_login import login_user

    from app.core.security import public

    user = make_user()

    @public
    def remember():
        login_user(user, remember=True)
        return "ok"

    prod_app.add_url_rule("/_test/remember", "test_remember", remember)
    response = prod_client.get("/_test/remember")
    [cookie] = [c for c in _set_cookies(response) if c.startswith("remember_token=")]
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie


def test_development_cookies_are_httponly_and_samesite_but_work_over_http(dev_client):
    response = dev_client.get("/account/login")
    assert "Strict-Transport-Security" not in response.headers
    cookie = _session_cookie(response)
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie
    assert "; Secure" not in cookie  # `make run` serves plain http on 127.0.0.1


def test_development_config_sets_the_same_flags():
    from config import DevelopmentConfig

    assert DevelopmentConfig.SESSION_COOKIE_HTTPONLY is True
    assert DevelopmentConfig.SESSION_COOKIE_SAMESITE == "Lax"
    assert DevelopmentConfig.REMEMBER_COOKIE_HTTPONLY is True
    assert DevelopmentConfig.REMEMBER_COOKIE_SAMESITE == "Lax"
    assert DevelopmentConfig.STRICT_TRANSPORT_SECURITY is None
