"""Every route, for every role: who gets in and who is turned away.

The table below must name every endpoint the app has (a test checks it), so a new route
cannot ship without saying who may use it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pytest

from app.accounts.models import Role, UserStatus
from app.extensions import db
from app.measures.models import Attachment
from app.measures.uploads import report_path
from tests.conftest import make_measure, make_user

ROLES = ("anonymous", "practitioner", "owner", "official", "moderator", "admin")

# Who is let in, by kind of route; everyone else is refused (see refused()).
PUBLIC = set(ROLES)
SIGNED_IN = set(ROLES) - {"anonymous"}
OWNER_OR_MODERATOR = {"owner", "moderator", "admin"}
MODERATORS = {"moderator", "admin"}
ADMINS = {"admin"}


@dataclass
class World:
    users: dict[str, Any]
    draft: Any
    submitted: Any
    published: Any
    attachment: Any
    pending: Any
    target: Any
    suspended: Any


@pytest.fixture()
def world(app) -> World:
    users = {
        "practitioner": make_user(Role.PRACTITIONER, organisation="Other Org"),
        "owner": make_user(Role.PRACTITIONER, organisation="Owner Org"),
        "official": make_user(Role.OFFICIAL, organisation="Ministry"),
        "moderator": make_user(Role.MODERATOR, organisation="Hub"),
        "admin": make_user(Role.ADMIN, organisation="Hub"),
    }
    owner = users["owner"]
    draft = make_measure(owner, title="Draft measure")
    submitted = make_measure(owner, title="Submitted measure")
    from app.measures.services import submit_measure

    submit_measure(owner, submitted)
    published = make_measure(owner, publish=True, title="Published measure")
    content = b"%PDF-1.4 authorisation test report"
    sha = hashlib.sha256(content).hexdigest()
    path = report_path(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    attachment = Attachment(sha256=sha, filename="report.pdf", size_bytes=len(content))
    published.published_revision.evaluations[0].attachments.append(attachment)
    pending = make_user(Role.PRACTITIONER, status=UserStatus.PENDING)
    target = make_user(Role.PRACTITIONER, organisation="Target Org")
    suspended = make_user(Role.PRACTITIONER, status=UserStatus.SUSPENDED)
    db.session.commit()
    return World(users, draft, submitted, published, attachment, pending, target, suspended)


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: Any  # World -> str
    allowed: frozenset[str]
    data: dict | None = None
    hidden: bool = False  # refused roles get 404, so the object's existence does not leak


def case(endpoint, method, url, allowed, data=None, hidden=False) -> Case:
    return Case(endpoint, method, url, frozenset(allowed), data, hidden)


CASES = [
    case("main.home", "GET", lambda w: "/", PUBLIC),
    case("main.browse", "GET", lambda w: "/measures/", PUBLIC),
    case("search.search_page", "GET", lambda w: "/search?q=school", PUBLIC),
    case("search.api_search", "GET", lambda w: "/api/v1/search?q=school", PUBLIC),
    case("api.list_measures", "GET", lambda w: "/api/v1/measures", PUBLIC),
    case("api.get_measure", "GET", lambda w: f"/api/v1/measures/{w.published.id}", PUBLIC),
    case("measures.show", "GET", lambda w: f"/measures/{w.published.id}", PUBLIC),
    case(
        "measures.show", "GET", lambda w: f"/measures/{w.draft.id}", OWNER_OR_MODERATOR, hidden=True
    ),
    case(
        "measures.download_report",
        "GET",
        lambda w: f"/measures/{w.published.id}/reports/{w.attachment.id}",
        PUBLIC,
    ),
    case("measures.new", "GET", lambda w: "/measures/new", SIGNED_IN),
    case("measures.mine", "GET", lambda w: "/measures/mine", SIGNED_IN),
    case(
        "measures.edit",
        "GET",
        lambda w: f"/measures/{w.draft.id}/edit",
        OWNER_OR_MODERATOR,
        hidden=True,
    ),
    case(
        "measures.submit",
        "POST",
        lambda w: f"/measures/{w.draft.id}/submit",
        OWNER_OR_MODERATOR,
        hidden=True,
    ),
    case("moderation.queue", "GET", lambda w: "/moderation/", MODERATORS),
    case("moderation.expert_review", "GET", lambda w: "/moderation/expert-review", MODERATORS),
    case(
        "moderation.review", "GET", lambda w: f"/moderation/measures/{w.submitted.id}", MODERATORS
    ),
    case(
        "moderation.transition",
        "POST",
        lambda w: f"/moderation/measures/{w.submitted.id}/publish",
        MODERATORS,
        data={"comment": "Looks good."},
    ),
    case("moderation.audit_log", "GET", lambda w: "/moderation/audit", MODERATORS),
    case("accounts.login", "GET", lambda w: "/account/login", PUBLIC),
    case("accounts.register", "GET", lambda w: "/account/register", PUBLIC),
    case("accounts.registered", "GET", lambda w: "/account/register/done", PUBLIC),
    case("accounts.verify_email", "GET", lambda w: "/account/verify/not-a-token", PUBLIC),
    case("accounts.reset_request", "GET", lambda w: "/account/reset", PUBLIC),
    case("accounts.reset_password", "GET", lambda w: "/account/reset/not-a-token", PUBLIC),
    case("accounts.account", "GET", lambda w: "/account/", SIGNED_IN),
    case("accounts.logout", "POST", lambda w: "/account/logout", SIGNED_IN),
    case(
        "accounts.resend_verification", "POST", lambda w: "/account/verification/resend", SIGNED_IN
    ),
    case("accounts.change_password", "POST", lambda w: "/account/password", SIGNED_IN),
    case(
        "accounts.mark_notifications_read",
        "POST",
        lambda w: "/account/notifications/read",
        SIGNED_IN,
    ),
    case("accounts.pending", "GET", lambda w: "/account/pending", MODERATORS),
    case(
        "accounts.approve", "POST", lambda w: f"/account/pending/{w.pending.id}/approve", MODERATORS
    ),
    case(
        "accounts.reject", "POST", lambda w: f"/account/pending/{w.pending.id}/reject", MODERATORS
    ),
    case("accounts.users", "GET", lambda w: "/account/users", ADMINS),
    case(
        "accounts.set_role",
        "POST",
        lambda w: f"/account/users/{w.target.id}/role",
        ADMINS,
        data={"role": "official"},
    ),
    case("accounts.suspend", "POST", lambda w: f"/account/users/{w.target.id}/suspend", ADMINS),
    case(
        "accounts.reactivate",
        "POST",
        lambda w: f"/account/users/{w.suspended.id}/reactivate",
        ADMINS,
    ),
]


def _is_login_redirect(response) -> bool:
    return response.status_code in (302, 303) and "/account/login" in response.location


def _request(client, auth, world: World, role: str, c: Case):
    if role != "anonymous":
        auth.login(world.users[role])
    url = c.url(world)
    if c.method == "GET":
        return client.get(url)
    return client.post(url, data=c.data or {})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("c", CASES, ids=lambda c: f"{c.method} {c.endpoint}")
def test_route_lets_in_exactly_the_roles_it_should(client, auth, world, role, c):
    response = _request(client, auth, world, role, c)
    status = response.status_code
    if role in c.allowed:
        assert not _is_login_redirect(response), f"{role} sent to sign in"
        assert status not in (401, 403, 404, 405, 500), f"{role} refused with {status}"
    elif role == "anonymous":
        assert _is_login_redirect(response) or (c.hidden and status == 404), status
    else:
        assert status == (404 if c.hidden else 403), f"{role} got {status}"


def test_every_endpoint_is_in_the_table(app):
    covered = {c.endpoint for c in CASES}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints - covered == set()
