"""Every API core endpoint × token scope (none, read, write, moderate) × the roles that matter."""

from __future__ import annotations

import io

import pytest

from app.accounts.models import Role
from tests.api.conftest import assert_problem, bearer, make_token
from tests.conftest import make_measure, make_user, sample_record
from tests.measures.conftest import make_pdf

SCOPES = (None, "read", "write", "moderate")


def _request(client, method: str, url: str, headers: dict, body=None):
    if isinstance(body, dict) and "file" in body:
        return client.open(
            url, method=method, headers=headers, data=body, content_type="multipart/form-data"
        )
    return client.open(url, method=method, headers=headers, json=body)


def _endpoints(draft, published):
    """(name, method, url, body factory); the draft and published measure belong to the owner."""
    return [
        ("me", "GET", "/api/v1/me", None),
        ("list", "GET", "/api/v1/measures", None),
        ("get draft", "GET", f"/api/v1/measures/{draft.id}", None),
        ("revisions", "GET", f"/api/v1/measures/{draft.id}/revisions", None),
        ("create", "POST", "/api/v1/measures", lambda: sample_record(title="New via API")),
        ("put", "PUT", f"/api/v1/measures/{draft.id}", lambda: sample_record(title="Put")),
        ("patch", "PATCH", f"/api/v1/measures/{draft.id}", lambda: {"title": "Patched"}),
        (
            "report",
            "POST",
            f"/api/v1/measures/{draft.id}/evaluations/0/reports",
            lambda: {"file": (io.BytesIO(make_pdf()), "study.pdf")},
        ),
        ("submit", "POST", f"/api/v1/measures/{draft.id}/submit", None),
    ]


NEEDS_TOKEN = {"me", "create", "put", "patch", "report", "submit"}
WRITES = {"create", "put", "patch", "report", "submit"}
DRAFT_ONLY = {"get draft", "revisions", "put", "patch", "report", "submit"}


def expected(name: str, scope: str | None, is_owner_or_moderator: bool) -> int:
    """The status each combination must answer (2xx as 200)."""
    if scope is None:
        if name in NEEDS_TOKEN:
            return 401
        return 404 if name in DRAFT_ONLY else 200
    if name in WRITES and scope == "read":
        return 403
    if name in DRAFT_ONLY and not is_owner_or_moderator:
        return 404  # the draft is not theirs to see
    return 200


ROLES = ("owner", "other practitioner", "official", "moderator", "admin")
# Only moderators and admins may hold a moderate token (tests/api/test_api_tokens.py).
COMBINATIONS = [
    (role, scope)
    for role in ROLES
    for scope in SCOPES
    if scope != "moderate" or role in ("moderator", "admin")
]


@pytest.mark.parametrize(("role", "scope"), COMBINATIONS)
def test_each_endpoint_answers_each_scope_and_role_as_the_policies_say(client, role, scope):
    owner = make_user(Role.PRACTITIONER, organisation="Owner Org")
    users = {
        "owner": owner,
        "other practitioner": make_user(Role.PRACTITIONER, organisation="Other Org"),
        "official": make_user(Role.OFFICIAL),
        "moderator": make_user(Role.MODERATOR),
        "admin": make_user(Role.ADMIN),
    }
    user = users[role]
    headers = bearer(make_token(user, scope)) if scope else {}
    for name, method, url, body in _endpoints(
        make_measure(owner), make_measure(owner, publish=True)
    ):
        response = _request(client, method, url, headers, body() if body else None)
        want = expected(name, scope, role in ("owner", "moderator", "admin"))
        got = response.status_code
        if want == 200:
            assert 200 <= got < 300, f"{name}: {got} {response.get_data(as_text=True)}"
        else:
            assert_problem(response, want)
            if want == 401:
                assert response.headers["WWW-Authenticate"].startswith("Bearer")
