"""Every route, for every role: who gets in and who is turned away.

The table below must name every endpoint the app has (a test checks it), so a new route
cannot ship without saying who may use it.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.accounts.models import Role, UserStatus
from app.core.extensions import db
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
    data: Any = None  # a dict, or World -> dict for data that names objects of the world
    hidden: bool = False  # refused roles get 404, so the object's existence does not leak
    # A JSON API route: the user is known by a Bearer token (the session is ignored on /api/),
    # of the widest scope the role may have; data goes as JSON (multipart if it holds a file);
    # anonymous callers get 401 instead of the sign-in page.
    api: bool = False
    ok: int = 200  # the status every allowed role gets (a redirect after a form, 201, ...)
    # Exceptions to the rules of expected(), role by role.
    statuses: dict[str, int] = field(default_factory=dict)

    def expected(self, role: str) -> int:
        """The exact status `role` gets: `ok` if allowed; if not, 401 for an anonymous API
        caller, a redirect to sign in (302) for an anonymous visitor, and 404 (hidden) or 403
        for anyone signed in."""
        if role in self.statuses:
            return self.statuses[role]
        if role in self.allowed:
            return self.ok
        if role == "anonymous":
            return 401 if self.api else 302
        return 404 if self.hidden else 403


def case(
    endpoint, method, url, allowed, data=None, hidden=False, api=False, ok=200, statuses=None
) -> Case:
    return Case(
        endpoint, method, url, frozenset(allowed), data, hidden, api, ok, dict(statuses or {})
    )


# --- compare area: shortlists belong to the "owner" user; made on first use in a test ------


def _shortlist(w: World):
    """A shortlist of the "owner" user holding the published measure, shared by a link."""
    if getattr(w, "shortlist", None) is None:
        from app.compare.services import create_shortlist, share_shortlist

        w.shortlist = create_shortlist(w.users["owner"], "Owner's list", [w.published])
        share_shortlist(w.users["owner"], w.shortlist)
        db.session.commit()
    return w.shortlist


def _two_published(w: World) -> str:
    if getattr(w, "second_published", None) is None:
        w.second_published = make_measure(w.users["owner"], publish=True, title="Second")
    return f"{w.published.id},{w.second_published.id}"


OWNER = {"owner"}


# --- reviews area: the "practitioner" user's review of the published measure, made on first use -


REVIEWERS = {"practitioner", "official"}  # "owner" submitted the measure: refused
REVIEW_FORM = {
    "effectiveness": "4",
    "ease": "4",
    "transferability": "4",
    "value": "4",
    "comment": "Worked well in our region.",
}


API_REVIEW = {k: int(v) if v.isdigit() else v for k, v in REVIEW_FORM.items()}


def _review(w: World, *, hidden: bool = False):
    """The "practitioner" user's review of the published measure (hidden by a moderator if
    asked), so only that user is its author."""
    if getattr(w, "review", None) is None:
        from app.reviews.services import ReviewData, create_review, hide_review

        data = ReviewData(4, 4, 4, 4, False, None, None, REVIEW_FORM["comment"])
        w.review = create_review(w.users["practitioner"], w.published, data)
        if hidden:
            hide_review(w.users["moderator"], w.review, "Checking the figures.")
        db.session.commit()
    return w.review


# --- API core area: a token of the "owner" user; a record body; a small real PDF --------------


def _api_token(w: World):
    if getattr(w, "api_token", None) is None:
        from app.api_tokens.services import create_token

        w.api_token = create_token(w.users["owner"], "Owner's tool", "read")[0]
        db.session.commit()
    return w.api_token


def _api_record(w: World) -> dict:
    from tests.conftest import sample_record

    return sample_record(title="Sent through the API")


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Evaluation report")
    return bytes(pdf.output())


CASES = [
    case("main.home", "GET", lambda w: "/", PUBLIC),
    case("main.browse", "GET", lambda w: "/measures/", PUBLIC),
    case("search.search_page", "GET", lambda w: "/search?q=school", PUBLIC),
    case("api.api_search", "GET", lambda w: "/api/v1/search?q=school", PUBLIC),
    case("api.list_measures", "GET", lambda w: "/api/v1/measures", PUBLIC),
    case("api.get_measure", "GET", lambda w: f"/api/v1/measures/{w.published.id}", PUBLIC),
    case("measures.show", "GET", lambda w: f"/measures/{w.published.id}", PUBLIC),
    case(
        "measures.show",
        "GET",
        lambda w: f"/measures/{w.draft.id}",
        OWNER_OR_MODERATOR,
        hidden=True,
        statuses={"anonymous": 404},
    ),
    case("measures.factsheet", "GET", lambda w: f"/measures/{w.published.id}/factsheet", PUBLIC),
    case(
        "measures.factsheet",
        "GET",
        lambda w: f"/measures/{w.draft.id}/factsheet",
        OWNER_OR_MODERATOR,
        hidden=True,
        statuses={"anonymous": 404},  # like the draft's page: nothing there for a visitor
    ),
    case("evidence.methodology_page", "GET", lambda w: "/evidence", PUBLIC),
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
        ok=302,
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
        ok=302,
    ),
    case("moderation.audit_log", "GET", lambda w: "/moderation/audit", MODERATORS),
    case(
        "accounts.login",
        "GET",
        lambda w: "/account/login",
        PUBLIC,
        ok=302,
        statuses={"anonymous": 200},
    ),
    case("accounts.register", "GET", lambda w: "/account/register", PUBLIC),
    case("accounts.registered", "GET", lambda w: "/account/register/done", PUBLIC),
    case("accounts.verify_email", "GET", lambda w: "/account/verify/not-a-token", PUBLIC, ok=400),
    case("accounts.reset_request", "GET", lambda w: "/account/reset", PUBLIC),
    case("accounts.reset_password", "GET", lambda w: "/account/reset/not-a-token", PUBLIC, ok=400),
    case("accounts.account", "GET", lambda w: "/account/", SIGNED_IN),
    case("accounts.logout", "POST", lambda w: "/account/logout", SIGNED_IN, ok=302),
    case(
        "accounts.resend_verification",
        "POST",
        lambda w: "/account/verification/resend",
        SIGNED_IN,
        ok=302,
    ),
    case("accounts.change_password", "POST", lambda w: "/account/password", SIGNED_IN),
    case(
        "accounts.mark_notifications_read",
        "POST",
        lambda w: "/account/notifications/read",
        SIGNED_IN,
        ok=302,
    ),
    case("accounts.pending", "GET", lambda w: "/account/pending", MODERATORS),
    case(
        "accounts.approve",
        "POST",
        lambda w: f"/account/pending/{w.pending.id}/approve",
        MODERATORS,
        ok=302,
    ),
    case(
        "accounts.reject",
        "POST",
        lambda w: f"/account/pending/{w.pending.id}/reject",
        MODERATORS,
        ok=302,
    ),
    case("accounts.users", "GET", lambda w: "/account/users", ADMINS),
    case(
        "accounts.set_role",
        "POST",
        lambda w: f"/account/users/{w.target.id}/role",
        ADMINS,
        data={"role": "official"},
        ok=302,
    ),
    case(
        "accounts.suspend",
        "POST",
        lambda w: f"/account/users/{w.target.id}/suspend",
        ADMINS,
        ok=302,
    ),
    case(
        "accounts.reactivate",
        "POST",
        lambda w: f"/account/users/{w.suspended.id}/reactivate",
        ADMINS,
        ok=302,
    ),
    # compare area: comparison, exports, shortlists, dashboard, feed
    case("compare.compare_page", "GET", lambda w: f"/compare?ids={_two_published(w)}", PUBLIC),
    case(
        "compare.add",
        "POST",
        lambda w: "/compare/add",
        PUBLIC,
        lambda w: {"measure_id": w.published.id},
        ok=303,
    ),
    case(
        "compare.remove",
        "POST",
        lambda w: "/compare/remove",
        PUBLIC,
        lambda w: {"measure_id": w.published.id},
        ok=303,
    ),
    case(
        "compare.export_comparison",
        "GET",
        lambda w: f"/compare/export.csv?ids={_two_published(w)}",
        PUBLIC,
    ),
    case("compare.export_search", "GET", lambda w: "/export/search.jsonl?q=school", PUBLIC),
    case("shortlists.index", "GET", lambda w: "/shortlists", SIGNED_IN),
    case("shortlists.create", "POST", lambda w: "/shortlists", SIGNED_IN, {"name": "Mine"}, ok=303),
    case(
        "shortlists.add_to_chosen",
        "POST",
        lambda w: "/shortlists/add",
        OWNER,
        lambda w: {"shortlist_id": _shortlist(w).id, "measure_id": w.published.id},
        hidden=True,
        ok=303,
    ),
    case("shortlists.show", "GET", lambda w: f"/shortlists/{_shortlist(w).id}", OWNER, hidden=True),
    case(
        "shortlists.add_item",
        "POST",
        lambda w: f"/shortlists/{_shortlist(w).id}/items",
        OWNER,
        lambda w: {"measure_id": w.published.id, "note": "Fits our schools."},
        hidden=True,
        ok=303,
    ),
    case(
        "shortlists.remove_item",
        "POST",
        lambda w: f"/shortlists/{_shortlist(w).id}/items/{w.published.id}/remove",
        OWNER,
        hidden=True,
        ok=303,
    ),
    case(
        "shortlists.rename",
        "POST",
        lambda w: f"/shortlists/{_shortlist(w).id}/rename",
        OWNER,
        {"name": "Renamed"},
        hidden=True,
        ok=303,
    ),
    case(
        "shortlists.delete",
        "POST",
        lambda w: f"/shortlists/{_shortlist(w).id}/delete",
        OWNER,
        hidden=True,
        ok=303,
    ),
    case(
        "shortlists.share",
        "POST",
        lambda w: f"/shortlists/{_shortlist(w).id}/share",
        OWNER,
        {"action": "revoke"},
        hidden=True,
        ok=303,
    ),
    case(
        "shortlists.export",
        "GET",
        lambda w: f"/shortlists/{_shortlist(w).id}/export.csv",
        OWNER,
        hidden=True,
    ),
    case(
        "shortlists.shared",
        "GET",
        lambda w: f"/shortlists/shared/{_shortlist(w).share_token}",
        PUBLIC,
    ),
    case(
        "shortlists.export_shared",
        "GET",
        lambda w: f"/shortlists/shared/{_shortlist(w).share_token}/export.jsonl",
        PUBLIC,
    ),
    case("shortlists.session_list", "GET", lambda w: "/shortlists/session", PUBLIC),
    case(
        "shortlists.session_add",
        "POST",
        lambda w: "/shortlists/session/items",
        PUBLIC,
        lambda w: {"measure_id": w.published.id},
        ok=303,
    ),
    case(
        "shortlists.session_remove",
        "POST",
        lambda w: f"/shortlists/session/items/{w.published.id}/remove",
        PUBLIC,
        ok=303,
    ),
    case(
        "shortlists.session_save", "POST", lambda w: "/shortlists/session/save", SIGNED_IN, ok=303
    ),
    case("dashboard.dashboard", "GET", lambda w: "/dashboard", PUBLIC),
    case("feeds.measures_atom", "GET", lambda w: "/feeds/measures.atom?countries=DE", PUBLIC),
    # reviews area: write, edit (the author only), hide and show again (moderators)
    case(
        "reviews.create",
        "POST",
        lambda w: f"/measures/{w.published.id}/reviews",
        REVIEWERS,
        REVIEW_FORM,
        ok=302,
    ),
    case("reviews.edit", "GET", lambda w: f"/reviews/{_review(w).id}/edit", {"practitioner"}),
    case(
        "reviews.edit",
        "POST",
        lambda w: f"/reviews/{_review(w).id}/edit",
        {"practitioner"},
        {**REVIEW_FORM, "value": "2"},
        ok=302,
    ),
    case(
        "reviews.hide",
        "POST",
        lambda w: f"/reviews/{_review(w).id}/hide",
        MODERATORS,
        {"reason": "Off topic."},
        ok=302,
    ),
    case(
        "reviews.unhide",
        "POST",
        lambda w: f"/reviews/{_review(w, hidden=True).id}/unhide",
        MODERATORS,
        ok=302,
    ),
    # --- API core (issue 5): tokens page, measures, revisions, me ---
    case("api_tokens.index", "GET", lambda w: "/account/tokens/", SIGNED_IN),
    case(
        "api_tokens.create",
        "POST",
        lambda w: "/account/tokens/",
        SIGNED_IN,
        {"name": "Portal", "scope": "read"},
    ),
    case(
        "api_tokens.revoke",
        "POST",
        lambda w: f"/account/tokens/{_api_token(w).id}/revoke",
        OWNER,
        hidden=True,
        ok=302,
    ),
    case("api.me", "GET", lambda w: "/api/v1/me", SIGNED_IN, api=True),
    case(
        "api.create_measure",
        "POST",
        lambda w: "/api/v1/measures",
        SIGNED_IN,
        _api_record,
        api=True,
        ok=201,
    ),
    case(
        "api.get_measure",
        "GET",
        lambda w: f"/api/v1/measures/{w.draft.id}",
        OWNER_OR_MODERATOR,
        hidden=True,
        api=True,
        statuses={"anonymous": 404},
    ),
    case(
        "api.list_revisions",
        "GET",
        lambda w: f"/api/v1/measures/{w.published.id}/revisions",
        PUBLIC,
        api=True,
    ),
    case(
        "api.list_revisions",
        "GET",
        lambda w: f"/api/v1/measures/{w.draft.id}/revisions",
        OWNER_OR_MODERATOR,
        hidden=True,
        api=True,
        statuses={"anonymous": 404},
    ),
    case(
        "api.get_revision",
        "GET",
        lambda w: f"/api/v1/measures/{w.published.id}/revisions/1",
        PUBLIC,
        api=True,
    ),
    case(
        "api.replace_measure",
        "PUT",
        lambda w: f"/api/v1/measures/{w.draft.id}",
        OWNER_OR_MODERATOR,
        _api_record,
        hidden=True,
        api=True,
    ),
    case(
        "api.replace_measure",
        "PUT",
        lambda w: f"/api/v1/measures/{w.published.id}",
        OWNER_OR_MODERATOR,
        _api_record,
        api=True,
    ),
    case(
        "api.patch_measure",
        "PATCH",
        lambda w: f"/api/v1/measures/{w.draft.id}",
        OWNER_OR_MODERATOR,
        {"title": "Patched title"},
        hidden=True,
        api=True,
    ),
    case(
        "api.submit_measure",
        "POST",
        lambda w: f"/api/v1/measures/{w.draft.id}/submit",
        OWNER_OR_MODERATOR,
        hidden=True,
        api=True,
    ),
    case(
        "api.attach_report",
        "POST",
        lambda w: f"/api/v1/measures/{w.draft.id}/evaluations/0/reports",
        OWNER_OR_MODERATOR,
        lambda w: {"file": (io.BytesIO(_pdf()), "study.pdf")},
        hidden=True,
        api=True,
        ok=201,
    ),
    # --- API resources (issue 5): reviews, shortlists, compare, moderation, openapi ---
    case(
        "api.list_reviews",
        "GET",
        lambda w: f"/api/v1/measures/{w.published.id}/reviews",
        PUBLIC,
        api=True,
    ),
    case(
        "api.create_review",
        "POST",
        lambda w: f"/api/v1/measures/{w.published.id}/reviews",
        REVIEWERS,
        API_REVIEW,
        api=True,
        ok=201,
    ),
    case(
        "api.get_review",
        "GET",
        lambda w: f"/api/v1/reviews/{_review(w).id}",
        PUBLIC,
        api=True,
    ),
    case(
        "api.get_review",
        "GET",
        lambda w: f"/api/v1/reviews/{_review(w, hidden=True).id}",
        {"practitioner", *MODERATORS},
        hidden=True,
        api=True,
        statuses={"anonymous": 404},
    ),
    case(
        "api.update_review",
        "PATCH",
        lambda w: f"/api/v1/reviews/{_review(w).id}",
        {"practitioner"},
        {"ease": 5},
        api=True,
    ),
    case(
        "api.hide_review",
        "POST",
        lambda w: f"/api/v1/reviews/{_review(w).id}/hide",
        MODERATORS,
        {"reason": "Names a child."},
        api=True,
    ),
    case(
        "api.unhide_review",
        "POST",
        lambda w: f"/api/v1/reviews/{_review(w, hidden=True).id}/unhide",
        MODERATORS,
        {},
        api=True,
    ),
    case("api.list_shortlists", "GET", lambda w: "/api/v1/shortlists", SIGNED_IN, api=True),
    case(
        "api.create_shortlist",
        "POST",
        lambda w: "/api/v1/shortlists",
        SIGNED_IN,
        lambda w: {"name": "Portal list", "measures": [w.published.id]},
        api=True,
        ok=201,
    ),
    case(
        "api.get_shortlist",
        "GET",
        lambda w: f"/api/v1/shortlists/{_shortlist(w).id}",
        OWNER,
        hidden=True,
        api=True,
    ),
    case(
        "api.update_shortlist",
        "PATCH",
        lambda w: f"/api/v1/shortlists/{_shortlist(w).id}",
        OWNER,
        {"name": "Renamed", "shared": False},
        hidden=True,
        api=True,
    ),
    case(
        "api.delete_shortlist",
        "DELETE",
        lambda w: f"/api/v1/shortlists/{_shortlist(w).id}",
        OWNER,
        hidden=True,
        api=True,
        ok=204,
    ),
    case(
        "api.add_shortlist_item",
        "POST",
        lambda w: f"/api/v1/shortlists/{_shortlist(w).id}/items",
        OWNER,
        lambda w: {"measure_id": w.published.id, "note": "Ask the ministry."},
        hidden=True,
        api=True,
    ),
    case(
        "api.remove_shortlist_item",
        "DELETE",
        lambda w: f"/api/v1/shortlists/{_shortlist(w).id}/items/{w.published.id}",
        OWNER,
        hidden=True,
        api=True,
        ok=204,
    ),
    case(
        "api.get_shared_shortlist",
        "GET",
        lambda w: f"/api/v1/shortlists/shared/{_shortlist(w).share_token}",
        PUBLIC,
        api=True,
    ),
    case(
        "api.compare", "GET", lambda w: f"/api/v1/compare?ids={_two_published(w)}", PUBLIC, api=True
    ),
    case("api.moderation_queue", "GET", lambda w: "/api/v1/moderation/queue", MODERATORS, api=True),
    case(
        "api.get_moderation",
        "GET",
        lambda w: f"/api/v1/measures/{w.submitted.id}/moderation",
        MODERATORS,
        api=True,
    ),
    case(
        "api.moderate_measure",
        "POST",
        lambda w: f"/api/v1/measures/{w.submitted.id}/moderation",
        MODERATORS,
        {"action": "request_changes", "comment": "Add the study's sample size."},
        api=True,
    ),
    case("api.openapi", "GET", lambda w: "/api/v1/openapi.json", PUBLIC, api=True),
    case("api_docs.api_docs", "GET", lambda w: "/docs/api", PUBLIC),
    # --- deploy (issue 6): healthz ---
    case("health.healthz", "GET", lambda w: "/healthz", PUBLIC),
    # --- security (issue 6): two-factor, recovery codes ---
    # The code step is public, but with no password step under way it sends to sign in.
    case("accounts.login_code", "GET", lambda w: "/account/login/code", SIGNED_IN, ok=302),
    case("accounts.login_code", "POST", lambda w: "/account/login/code", SIGNED_IN, ok=302),
    case("accounts.two_factor", "GET", lambda w: "/account/two-factor", SIGNED_IN),
    case(
        "accounts.two_factor_setup",
        "POST",
        lambda w: "/account/two-factor/setup",
        SIGNED_IN,
        ok=302,
    ),
    case(
        "accounts.two_factor_confirm",
        "POST",
        lambda w: "/account/two-factor/confirm",
        SIGNED_IN,
        {"code": "000000"},
        ok=302,
    ),
    case(
        "accounts.regenerate_recovery_codes",
        "POST",
        lambda w: "/account/two-factor/recovery-codes",
        SIGNED_IN,
    ),
    case("accounts.two_factor_disable", "POST", lambda w: "/account/two-factor/disable", SIGNED_IN),
    case("accounts.security_settings", "GET", lambda w: "/account/security", ADMINS),
    case("accounts.security_settings", "POST", lambda w: "/account/security", ADMINS, ok=302),
    case(
        "accounts.reset_two_factor",
        "POST",
        lambda w: f"/account/users/{w.target.id}/two-factor/reset",
        ADMINS,
        ok=302,
    ),
    # --- personal data (issue 6): export, delete, privacy page ---
    case("privacy.notice", "GET", lambda w: "/privacy", PUBLIC),
    case("main.favicon", "GET", lambda w: "/favicon.ico", PUBLIC),
    # --- interface language (issue 14): anyone may choose one ---
    case(
        "main.choose_language",
        "POST",
        lambda w: "/language",
        PUBLIC,
        data={"language": "de"},
        ok=303,
    ),
    case("privacy.export_data", "GET", lambda w: "/account/data.json", SIGNED_IN),
    case("privacy.delete_account", "GET", lambda w: "/account/delete", SIGNED_IN),
    # A wrong password: everyone signed in reaches the form (400), nobody is deleted.
    case(
        "privacy.delete_account",
        "POST",
        lambda w: "/account/delete",
        SIGNED_IN,
        {"password": "not the password"},
        ok=400,
        statuses={"admin": 409},  # the only admin may not leave: refused before the password
    ),
    # --- evidence workflow (issue 11, EVIDENCE-2027 §7): verify, harm review, re-review ---
    case("moderation.evidence_lists", "GET", lambda w: "/moderation/evidence", MODERATORS),
    case(
        "moderation.verify_evidence",
        "POST",
        lambda w: f"/moderation/measures/{w.published.id}/verify-evidence",
        MODERATORS,
        {"comment": "Effect sizes checked against the report."},
        ok=302,
    ),
    # No harm signal on the measure: moderators get 409 (the state), the others 403 first.
    case(
        "moderation.harm_review",
        "POST",
        lambda w: f"/moderation/measures/{w.published.id}/harm-review",
        MODERATORS,
        {"verdict": "not_confirmed", "reasons": "The unfavourable effect was a typo."},
        ok=409,
    ),
    case(
        "moderation.decide_rereview",
        "POST",
        lambda w: f"/moderation/rereview-requests/{_rereview(w).id}/decision",
        MODERATORS,
        {"decision": "upheld", "comment": "Figures checked again."},
        ok=302,
    ),
    case(
        "rereview.request_rereview",
        "POST",
        lambda w: f"/measures/{w.published.id}/rereview-request",
        {"owner"},
        {"reason": "The attrition was copied wrongly."},
        ok=302,
    ),
    case(
        "api.verify_evidence",
        "POST",
        lambda w: f"/api/v1/measures/{w.published.id}/evidence/verification",
        MODERATORS,
        {"comment": "Checked."},
        api=True,
    ),
    case(
        "api.review_harm",
        "POST",
        lambda w: f"/api/v1/measures/{w.published.id}/evidence/harm-review",
        MODERATORS,
        {"verdict": "not_confirmed", "reasons": "A typo."},
        api=True,
        ok=409,  # no harm signal on the measure: nothing to review
    ),
    case(
        "api.request_rereview",
        "POST",
        lambda w: f"/api/v1/measures/{w.published.id}/evidence/rereview-requests",
        {"owner"},
        {"reason": "The attrition was copied wrongly."},
        api=True,
        ok=201,
    ),
    case(
        "api.list_rereviews",
        "GET",
        lambda w: f"/api/v1/measures/{w.published.id}/evidence/rereview-requests",
        OWNER_OR_MODERATOR,
        api=True,
    ),
    case(
        "api.decide_rereview",
        "POST",
        lambda w: f"/api/v1/rereview-requests/{_rereview(w).id}/decision",
        MODERATORS,
        {"decision": "upheld", "comment": "Figures checked again."},
        api=True,
    ),
]


def _rereview(w: World):
    """The owner's open request to review the published measure's level again."""
    if getattr(w, "rereview", None) is None:
        from app.moderation.evidence_review import request_rereview

        w.rereview = request_rereview(w.users["owner"], w.published, "Please check attrition.")
        db.session.commit()
    return w.rereview


def _api_request(client, world: World, role: str, c: Case):
    from app.api_tokens.services import create_token

    headers = {}
    if role != "anonymous":
        user = world.users[role]
        scope = "moderate" if user.is_moderator else "write"
        if scope == "moderate":  # a moderate token needs two-factor (issue 15)
            from tests.api.conftest import with_two_factor

            with_two_factor(user)
        headers["Authorization"] = f"Bearer {create_token(user, 'matrix', scope)[1]}"
        db.session.commit()
    data = c.data(world) if callable(c.data) else c.data
    has_file = isinstance(data, dict) and any(isinstance(v, tuple) for v in data.values())
    body = {"data": data, "content_type": "multipart/form-data"} if has_file else {"json": data}
    if c.method == "GET":
        body = {}
    return client.open(c.url(world), method=c.method, headers=headers, **body)


def _request(client, auth, world: World, role: str, c: Case):
    if c.api:
        return _api_request(client, world, role, c)
    if role != "anonymous":
        auth.login(world.users[role])
    url = c.url(world)
    if c.method == "GET":
        return client.get(url)
    data = c.data(world) if callable(c.data) else c.data
    return client.post(url, data=data or {})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("c", CASES, ids=lambda c: f"{c.method} {c.endpoint}")
def test_route_lets_in_exactly_the_roles_it_should(client, auth, world, role, c):
    response = _request(client, auth, world, role, c)
    status, expected = response.status_code, c.expected(role)
    assert status == expected, f"{role} got {status}, not {expected}"
    # A redirect for a refused visitor goes to sign in; an allowed one never does.
    signing_in = status in (302, 303) and "/account/login" in response.location
    assert signing_in == (role not in c.allowed and status == 302), response.location


def test_every_endpoint_is_in_the_table(app):
    covered = {c.endpoint for c in CASES}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints - covered == set()
