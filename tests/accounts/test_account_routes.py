"""Every accounts route, for an anonymous visitor and for each role (deny by default)."""

from __future__ import annotations

import pytest

from app.accounts.models import Role, UserStatus
from tests.conftest import make_user

ROLES = ["anonymous", *(role.value for role in Role)]
LOGIN = "login"
ANY = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anonymous": LOGIN, **{role.value: 200 for role in Role}}
BAD_TOKEN = dict.fromkeys(ROLES, 400)
MODERATORS = {
    "anonymous": LOGIN,
    "practitioner": 403,
    "official": 403,
    "moderator": 200,
    "admin": 200,
}
ADMINS = {"anonymous": LOGIN, "practitioner": 403, "official": 403, "moderator": 403, "admin": 200}


def _redirected(expected: dict[str, object], code: int = 302) -> dict[str, object]:
    return {role: (code if value == 200 else value) for role, value in expected.items()}


# (method, url with {pending}/{active}/{suspended} placeholders, endpoint, expected per role)
ROUTES = [
    ("GET", "/account/login", "accounts.login", {**ANY, **{r.value: 302 for r in Role}}),
    ("POST", "/account/login", "accounts.login", {**ANY, **{r.value: 302 for r in Role}}),
    ("GET", "/account/register", "accounts.register", ANY),
    ("POST", "/account/register", "accounts.register", ANY),
    ("GET", "/account/register/done", "accounts.registered", ANY),
    ("GET", "/account/verify/bad-token", "accounts.verify_email", BAD_TOKEN),
    (
        "POST",
        "/account/verification/resend",
        "accounts.resend_verification",
        _redirected(SIGNED_IN),
    ),
    ("GET", "/account/reset", "accounts.reset_request", ANY),
    ("POST", "/account/reset", "accounts.reset_request", ANY),
    ("GET", "/account/reset/bad-token", "accounts.reset_password", BAD_TOKEN),
    ("POST", "/account/reset/bad-token", "accounts.reset_password", BAD_TOKEN),
    ("GET", "/account/", "accounts.account", SIGNED_IN),
    ("POST", "/account/password", "accounts.change_password", SIGNED_IN),
    (
        "POST",
        "/account/notifications/read",
        "accounts.mark_notifications_read",
        _redirected(SIGNED_IN),
    ),
    ("GET", "/account/pending", "accounts.pending", MODERATORS),
    ("POST", "/account/pending/{pending}/approve", "accounts.approve", _redirected(MODERATORS)),
    ("POST", "/account/pending/{pending}/reject", "accounts.reject", _redirected(MODERATORS)),
    ("GET", "/account/users", "accounts.users", ADMINS),
    ("POST", "/account/users/{active}/role", "accounts.set_role", _redirected(ADMINS)),
    ("POST", "/account/users/{active}/suspend", "accounts.suspend", _redirected(ADMINS)),
    ("POST", "/account/users/{suspended}/reactivate", "accounts.reactivate", _redirected(ADMINS)),
    ("POST", "/account/logout", "accounts.logout", _redirected(SIGNED_IN)),
    # two-factor (issue 6): with no password step under way the code step sends to sign in
    ("GET", "/account/login/code", "accounts.login_code", dict.fromkeys(ROLES, 302)),
    ("POST", "/account/login/code", "accounts.login_code", dict.fromkeys(ROLES, 302)),
    ("GET", "/account/two-factor", "accounts.two_factor", SIGNED_IN),
    ("POST", "/account/two-factor/setup", "accounts.two_factor_setup", _redirected(SIGNED_IN)),
    ("POST", "/account/two-factor/confirm", "accounts.two_factor_confirm", SIGNED_IN),
    (
        "POST",
        "/account/two-factor/recovery-codes",
        "accounts.regenerate_recovery_codes",
        SIGNED_IN,
    ),
    ("POST", "/account/two-factor/disable", "accounts.two_factor_disable", SIGNED_IN),
    ("GET", "/account/security", "accounts.security_settings", ADMINS),
    ("POST", "/account/security", "accounts.security_settings", _redirected(ADMINS)),
    (
        "POST",
        "/account/users/{active}/two-factor/reset",
        "accounts.reset_two_factor",
        _redirected(ADMINS),
    ),
]


def test_the_walk_covers_every_accounts_route(app):
    walked = {(method, endpoint) for method, _, endpoint, _ in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("accounts."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, rule.endpoint) in walked, f"{method} {rule.rule} is not walked"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "endpoint", "expected"), ROUTES, ids=lambda v: str(v))
def test_each_route_answers_each_role_as_designed(
    client, auth, role, method, url, endpoint, expected
):
    if role != "anonymous":
        assert auth.login(make_user(role)).status_code == 302
    targets = {
        "pending": make_user(Role.PRACTITIONER, status=UserStatus.PENDING).id,
        "active": make_user(Role.PRACTITIONER).id,
        "suspended": make_user(Role.PRACTITIONER, status=UserStatus.SUSPENDED).id,
    }
    data = {"role": "official"} if endpoint == "accounts.set_role" else {}
    response = client.open(url.format(**targets), method=method, data=data)
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/account/login?next=")
    else:
        assert response.status_code == want, response.get_data(as_text=True)[:500]
