"""Domain errors answer in one place (app/core/errors.py), for pages and API alike: a view that
lets PermissionDenied or InvalidTransition through answers 403 or 409 with the error page, or with
problem+json under /api/, and every error rolls back the request's unfinished work."""

from __future__ import annotations

import pytest
from flask import abort, current_app

from app.audit.services import record_event
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.core.security import public

DENIED = "Only the owner can change this measure."
CONFLICT = "This measure is already waiting for moderation."


@pytest.fixture()
def failing(app, make_app):
    """An app of its own whose /fail and /api/fail write an audit event, then fail as the
    test's config["FAIL"] says."""
    failing_app = make_app()

    @public
    def fail():
        record_event(None, "test.unfinished", "test", None)
        current_app.config["FAIL"]()

    failing_app.add_url_rule("/fail", "fail", fail)
    failing_app.add_url_rule("/api/fail", "api_fail", fail)
    with failing_app.app_context():
        yield failing_app


def _raise(error: Exception):
    def fail():
        raise error

    return fail


@pytest.mark.parametrize(
    ("fail", "status", "title", "message"),
    [
        (_raise(PermissionDenied(DENIED)), 403, "You cannot do this", DENIED),
        (_raise(InvalidTransition(CONFLICT)), 409, "This cannot be done now", CONFLICT),
    ],
)
def test_a_page_that_lets_a_domain_error_through_answers_its_status(
    failing, fail, status, title, message
):
    failing.config["FAIL"] = fail
    response = failing.test_client().get("/fail")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html and message in html


@pytest.mark.parametrize(
    ("fail", "status", "detail"),
    [
        (_raise(PermissionDenied(DENIED)), 403, DENIED),
        (_raise(PermissionDenied()), 403, "You may not do this."),
        (_raise(InvalidTransition(CONFLICT)), 409, CONFLICT),
        (_raise(InvalidTransition()), 409, "Not possible in the current state."),
    ],
)
def test_under_api_a_domain_error_answers_problem_json(failing, fail, status, detail):
    failing.config["FAIL"] = fail
    response = failing.test_client().get("/api/fail")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Forbidden" if status == 403 else "Conflict",
        "status": status,
        "detail": detail,
    }


@pytest.mark.parametrize("path", ["/fail", "/api/fail"])
@pytest.mark.parametrize(
    "fail",
    [_raise(PermissionDenied(DENIED)), _raise(InvalidTransition(CONFLICT)), lambda: abort(404)],
    ids=["permission-denied", "invalid-transition", "not-found"],
)
def test_an_error_rolls_back_the_requests_unfinished_work(failing, path, fail):
    failing.config["FAIL"] = fail
    client = failing.test_client()
    assert client.get(path).status_code in (403, 404, 409)
    # The app context (and so the session) outlives the request here: nothing may be left.
    assert list(db.session.new) == []
