"""The attacks of issue 15's probe run, as a table: attack, request, expected answer.

Add a row when you add a route or a form. Two sweeps make sure you do:
- every page route that changes something (POST, PUT, PATCH, DELETE outside /api/) is posted
  without its CSRF token and must answer 400, found from the URL map, so a new form is probed
  the day it is added;
- every route that changes something must be named in WRITE_ROUTES, with the test that covers
  who may use it: a new one fails `test_every_write_route_is_reviewed` until it is listed.
The deeper regression tests for each finding live beside this file (test_canonical_links.py,
test_separation_of_duties.py, test_credentials.py, test_low_findings.py, test_pdf_attacks.py,
test_hostile_input.py, test_headers.py); docs/security.md lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import g

from app.accounts.models import Role
from app.api_tokens.services import create_token
from tests.conftest import TEST_PASSWORD, make_measure, make_user, sample_record
from tests.measures.conftest import form_data

XSS = '"><script>alert(1)</script>'
OTHERS_EXTERNAL_ID = "unpublished-elsewhere"  # the external id of test_probe's draft
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Probe:
    attack: str
    method: str
    path: str
    expect: int | tuple[int, ...]
    who: str | None = None  # a role signed in by session, or None: anonymous
    app: str = "testing"  # "testing", "csrf" (CSRF on) or "canonical" (BASE_URL set)
    request: dict[str, Any] = field(default_factory=dict)  # data, json, headers, base_url
    check: Callable[[Any], bool] | None = None  # more than the status, when it matters


def _no_script(response) -> bool:
    return XSS.encode() not in response.data and b"&lt;script&gt;" in response.data


def _not_offsite(response) -> bool:
    return "evil.example" not in response.headers.get("Location", "")


PROBES = [
    # --- CSRF ----------------------------------------------------------------------------
    Probe(
        "CSRF: sign-in form without its token",
        "POST",
        "/account/login",
        400,
        app="csrf",
        request={"data": {"email": "a@example.org", "password": "x"}},
    ),
    Probe(
        "CSRF: a signed-in form without its token",
        "POST",
        "/account/logout",
        400,
        who="practitioner",
        app="csrf",
    ),
    Probe(
        "CSRF: the API needs no token but takes no cookie either",
        "POST",
        "/api/v1/measures",
        401,
        who="practitioner",
        request={"json": {}},
    ),
    # --- XSS -----------------------------------------------------------------------------
    Probe(
        "XSS: a script in the search box is echoed escaped",
        "GET",
        f"/search?q={XSS}",
        200,
        check=_no_script,
    ),
    Probe(
        "XSS: a script in a filter is echoed escaped",
        "GET",
        f"/search?q=a&countries={XSS}",
        (200, 400),
        check=lambda r: XSS.encode() not in r.data,
    ),
    # --- open redirects ------------------------------------------------------------------
    Probe(
        "open redirect: next=//evil.example after sign-in",
        "POST",
        "/account/login?next=//evil.example/x",
        302,
        request={"data": "LOGIN"},
        check=_not_offsite,
    ),
    Probe(
        "open redirect: next=/\\evil.example after sign-in",
        "POST",
        "/account/login?next=/%5Cevil.example",
        302,
        request={"data": "LOGIN"},
        check=_not_offsite,
    ),
    Probe(
        "open redirect: next=https://evil.example after sign-in",
        "POST",
        "/account/login?next=https://evil.example",
        302,
        request={"data": "LOGIN"},
        check=_not_offsite,
    ),
    # --- authorisation -------------------------------------------------------------------
    Probe("authz: the moderation queue anonymously", "GET", "/moderation/", 302),
    Probe(
        "authz: the moderation queue as a practitioner",
        "GET",
        "/moderation/",
        403,
        who="practitioner",
    ),
    Probe(
        "authz: the audit log as a practitioner",
        "GET",
        "/moderation/audit",
        403,
        who="practitioner",
    ),
    Probe("authz: users and roles as a moderator", "GET", "/account/users", 403, who="moderator"),
    Probe(
        "authz: the API's moderation queue without a token", "GET", "/api/v1/moderation/queue", 401
    ),
    Probe("authz: a draft of someone else", "GET", "/measures/{draft}", 404, who="practitioner"),
    Probe("authz: a draft of someone else through the API", "GET", "/api/v1/measures/{draft}", 404),
    # --- Host header poisoning (reset links) ---------------------------------------------
    Probe(
        "host poisoning: a reset request for another host",
        "POST",
        "/account/reset",
        400,
        app="canonical",
        request={"data": {"email": "a@example.org"}, "base_url": "http://attacker.example"},
    ),
    Probe(
        "host poisoning: the Atom feed for another host",
        "GET",
        "/feeds/measures.atom",
        400,
        app="canonical",
        request={"base_url": "http://attacker.example"},
    ),
    # --- the query parser and paging ------------------------------------------------------
    Probe(
        "nested brackets in a search",
        "GET",
        "/search?q=" + "(" * 195 + "a",
        400,
        check=lambda r: b"8" in r.data,
    ),
    Probe("nested brackets through the API", "GET", "/api/v1/search?q=" + "-(" * 166 + "a", 400),
    Probe("a 500-character word", "GET", "/search?q=" + "a" * 501, 400),
    Probe(
        "page=10**20 on the audit log", "GET", f"/moderation/audit?page={10**20}", 400, who="admin"
    ),
    Probe(
        "page=10**20 on users and roles", "GET", f"/account/users?page={10**20}", 400, who="admin"
    ),
    Probe("page=10**20 in the API", "GET", f"/api/v1/measures?page={10**20}", 400),
    Probe(
        "full-width digits in an API path",
        "GET",
        "/api/v1/measures/１２/revisions",
        404,
        check=lambda r: all(v.isascii() for v in r.headers.values()),
    ),
    # --- the measures of others ------------------------------------------------------------
    # External ids are unique per owner: whether another account's unpublished draft uses
    # one (test_probe's draft uses OTHERS_EXTERNAL_ID) is not told, by the form or the API.
    Probe(
        "the form reveals another account's unpublished external id",
        "POST",
        "/measures/new",
        302,
        who="practitioner",
        request={"data": "FORM_WITH_OTHERS_EXTERNAL_ID"},
    ),
    Probe(
        "the API reveals another account's unpublished external id",
        "POST",
        "/api/v1/measures",
        201,
        request={
            "json": sample_record(external_id=OTHERS_EXTERNAL_ID),
            "headers": "PRACTITIONER_WRITE_TOKEN",
        },
        check=lambda r: r.get_json()["external_id"] == OTHERS_EXTERNAL_ID,
    ),
    # --- accounts ------------------------------------------------------------------------
    Probe(
        "registration reveals an account",
        "POST",
        "/account/register",
        302,
        request={"data": "REGISTER_TAKEN"},
    ),
    Probe(
        "a signed-in page is cached",
        "GET",
        "/account/",
        200,
        who="practitioner",
        check=lambda r: "no-store" in r.headers.get("Cache-Control", ""),
    ),
]


# Every route that changes something. A new one fails test_every_write_route_is_reviewed until
# it is added here, after its rows in the authorisation matrix (tests/test_authorization.py)
# and, for a page form, the CSRF sweep below (automatic) and any attack of its own above.
WRITE_ROUTES = {
    # accounts: sign-in, registration, reset, two-factor, users and roles
    "accounts.approve", "accounts.change_password", "accounts.login", "accounts.login_code",
    "accounts.logout", "accounts.mark_notifications_read", "accounts.reactivate",
    "accounts.regenerate_recovery_codes", "accounts.register", "accounts.reject",
    "accounts.resend_verification", "accounts.reset_password", "accounts.reset_request",
    "accounts.reset_two_factor", "accounts.security_settings", "accounts.set_role",
    "accounts.suspend", "accounts.two_factor_confirm", "accounts.two_factor_disable",
    "accounts.two_factor_setup",
    # the API (token scopes: tests/api/test_api_scopes.py)
    "api.add_shortlist_item", "api.attach_report", "api.create_measure", "api.create_review",
    "api.create_shortlist", "api.delete_shortlist", "api.hide_review", "api.moderate_measure",
    "api.patch_measure", "api.remove_shortlist_item", "api.replace_measure",
    "api.submit_measure", "api.unhide_review", "api.update_review", "api.update_shortlist",
    "api_tokens.create", "api_tokens.revoke",
    "compare.add", "compare.remove",
    "measures.edit", "measures.new", "measures.submit",
    "moderation.transition",  # separation of duties: test_separation_of_duties.py
    "privacy.delete_account",
    "reviews.create", "reviews.edit", "reviews.hide", "reviews.unhide",
    "shortlists.add_item", "shortlists.add_to_chosen", "shortlists.create", "shortlists.delete",
    "shortlists.remove_item", "shortlists.rename", "shortlists.session_add",
    "shortlists.session_remove", "shortlists.session_save", "shortlists.share",
    # the interface language (anyone; CSRF checked by the sweep; tests/i18n)
    "main.choose_language",
    # EVIDENCE-2027 §7 checks: second moderator, harm review, re-review (the matrix rows of
    # tests/test_authorization.py; refusals in tests/moderation/test_evidence_pages.py and
    # tests/api/test_api_evidence_workflow.py)
    "moderation.verify_evidence", "moderation.harm_review", "moderation.decide_rereview",
    "rereview.request_rereview", "api.verify_evidence", "api.review_harm",
    "api.request_rereview", "api.decide_rereview",
}  # fmt: skip


def _sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    g.pop("_login_user", None)


@pytest.fixture()
def apps(app, make_app):
    built: dict[str, Any] = {"testing": app}

    def get(name: str):
        if name not in built:
            settings = {
                "csrf": {"WTF_CSRF_ENABLED": True},
                "canonical": {"BASE_URL": "https://hub.example.org"},
            }[name]
            built[name] = make_app(**settings)
        return built[name]

    return get


def _request_kwargs(probe: Probe, people: dict[str, Any]) -> dict[str, Any]:
    kwargs = dict(probe.request)
    if kwargs.get("data") == "LOGIN":
        kwargs["data"] = {"email": people["practitioner"].email, "password": TEST_PASSWORD}
    elif kwargs.get("data") == "REGISTER_TAKEN":
        kwargs["data"] = {
            "name": "Someone", "email": people["practitioner"].email,
            "password": "a long enough passphrase", "confirm": "a long enough passphrase",
            "country": "DE", "organisation": "Org B", "role": "practitioner",
        }  # fmt: skip
    elif kwargs.get("data") == "FORM_WITH_OTHERS_EXTERNAL_ID":
        kwargs["data"] = form_data(external_id=OTHERS_EXTERNAL_ID)
    if kwargs.get("headers") == "PRACTITIONER_WRITE_TOKEN":
        _, secret = create_token(people["practitioner"], "Probe", "write")
        kwargs["headers"] = {"Authorization": f"Bearer {secret}"}
    return kwargs


@pytest.mark.parametrize("probe", PROBES, ids=[p.attack for p in PROBES])
def test_probe(apps, probe: Probe):
    people = {role.value: make_user(role) for role in Role}
    draft = make_measure(make_user(organisation="Org Z"), external_id=OTHERS_EXTERNAL_ID)
    target = apps(probe.app)
    with target.app_context():
        client = target.test_client()
        if probe.who:
            _sign_in(client, people[probe.who])
        path = probe.path.format(draft=draft.id)
        response = client.open(path, method=probe.method, **_request_kwargs(probe, people))
        expected = probe.expect if isinstance(probe.expect, tuple) else (probe.expect,)
        assert response.status_code in expected, (probe.attack, response.status_code)
        if probe.check is not None:
            assert probe.check(response), probe.attack


def _sample_path(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        values[name] = 1 if "Integer" in type(converter).__name__ else "x"
    return rule.build(values, append_unknown=False)[1]


def _write_rules(app):
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted((rule.methods or set()) & WRITE_METHODS)
    ]


def test_every_form_refuses_a_post_without_its_csrf_token(apps):
    """The sweep: every page route that changes something, found from the URL map."""
    csrf_app = apps("csrf")
    with csrf_app.app_context():
        client = csrf_app.test_client()
        refused = {}
        for rule, method in _write_rules(csrf_app):
            if rule.rule.startswith("/api/"):
                continue  # no cookies there (app/api/auth.py): the API row above
            response = client.open(_sample_path(rule), method=method, data={"x": "1"})
            refused[f"{method} {rule.rule}"] = response.status_code
        assert refused and all(status == 400 for status in refused.values()), {
            k: v for k, v in refused.items() if v != 400
        }


def test_every_write_route_is_reviewed(app):
    missing = [
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule, method in _write_rules(app)
        if rule.endpoint not in WRITE_ROUTES
    ]
    assert missing == [], "add these to WRITE_ROUTES, the probes and the authorisation matrix"
