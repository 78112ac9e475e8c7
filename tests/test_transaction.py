"""One transaction per request (app/core/transaction.py): a request that succeeds commits once at
its end; one that fails, whatever way it fails, leaves nothing behind; what must follow the
commit runs only after it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import current_app, redirect
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.audit.services import record_event
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.core.security import public
from app.core.transaction import after_commit, discard
from tests.conftest import make_user


def _kept(action: str) -> int:
    """How many events with this action were committed (a rollback drops all that was not)."""
    db.session.rollback()
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


@pytest.fixture()
def txn_app(app, make_app):
    """An app of its own whose /work and /api/work run the test's config["WORK"] view, with
    unexpected errors answered (500) as in production rather than raised into the test."""
    work_app = make_app(PROPAGATE_EXCEPTIONS=False)

    @public
    def work():
        return current_app.config["WORK"]()

    work_app.add_url_rule("/work", "work", work, methods=["GET", "POST"])
    work_app.add_url_rule("/api/work", "api_work", work, methods=["GET", "POST"])
    work_app.config["AFTER_COMMIT"] = []
    with work_app.app_context():
        yield work_app


def _call(app, view: Callable[[], object], path: str = "/work"):
    app.config["WORK"] = view
    return app.test_client().post(path)


def _note(what: str) -> None:
    current_app.config["AFTER_COMMIT"].append(what)


@pytest.mark.parametrize(
    "answer",
    [lambda: "done", lambda: ("", 201), lambda: ("", 204), lambda: redirect("/")],
    ids=["200", "201", "204", "redirect"],
)
def test_a_successful_request_commits_its_work(txn_app, answer):
    def view():
        record_event(None, "test.kept", "test", None)
        return answer()

    assert _call(txn_app, view).status_code < 400
    assert _kept("test.kept") == 1


@pytest.mark.parametrize("status", [400, 404, 409, 422])
def test_a_request_answering_an_error_status_leaves_nothing(txn_app, status):
    def view():
        record_event(None, "test.unkept", "test", None)
        db.session.flush()  # even flushed work goes
        return "refused", status

    assert _call(txn_app, view).status_code == status
    assert _kept("test.unkept") == 0


def test_a_service_failing_half_way_leaves_nothing(txn_app):
    def service():
        record_event(None, "test.first_half", "test", None)
        db.session.flush()
        raise RuntimeError("the second half broke")

    def view():
        service()
        return "never"

    response = _call(txn_app, view)
    assert response.status_code == 500
    assert _kept("test.first_half") == 0


@pytest.mark.parametrize(
    ("error", "status"), [(PermissionDenied("No."), 403), (InvalidTransition("Not now."), 409)]
)
def test_a_domain_error_half_way_leaves_nothing(txn_app, error, status):
    def view():
        record_event(None, "test.first_half", "test", None)
        db.session.flush()
        after_commit(lambda: _note("ran"))
        raise error

    assert _call(txn_app, view).status_code == status
    assert _kept("test.first_half") == 0
    assert txn_app.config["AFTER_COMMIT"] == []


@pytest.mark.commits  # another connection must see the commit
def test_after_commit_work_runs_once_the_commit_is_done(txn_app):
    def view():
        record_event(None, "test.kept", "test", None)
        # Registered before the commit, it must see the event committed when it runs.
        after_commit(lambda: _note(f"ran with {_committed_elsewhere('test.kept')} committed"))
        _note("view done")
        return "done"

    assert _call(txn_app, view).status_code == 200
    assert txn_app.config["AFTER_COMMIT"] == ["view done", "ran with 1 committed"]


def _committed_elsewhere(action: str) -> int:
    """Counted on a connection of its own: only committed rows show."""
    with db.engine.connect() as conn:
        stmt = select(func.count(AuditEvent.id)).where(AuditEvent.action == action)
        return conn.scalar(stmt) or 0


def test_after_commit_work_does_not_run_when_the_request_fails(txn_app):
    def view():
        after_commit(lambda: _note("ran"))
        return "refused", 400

    assert _call(txn_app, view).status_code == 400
    assert txn_app.config["AFTER_COMMIT"] == []


def test_a_commit_that_fails_answers_500_and_skips_the_after_commit_work(txn_app):
    make_user(email="taken@example.org")

    def view():
        record_event(None, "test.unkept", "test", None)
        # A second account with the same address: the unique index refuses it at commit.
        db.session.add(User(email="taken@example.org", name="Twin", password_hash="x"))
        after_commit(lambda: _note("ran"))
        return redirect("/")

    assert _call(txn_app, view).status_code == 500
    assert _kept("test.unkept") == 0
    assert txn_app.config["AFTER_COMMIT"] == []


def test_discard_drops_the_work_so_far_and_keeps_what_follows(txn_app):
    def view():
        record_event(None, "test.attempt", "test", None)
        db.session.flush()
        after_commit(lambda: _note("for the attempt"))
        discard()  # the form is answered again with 200
        record_event(None, "test.failure_counted", "test", None)
        return "the form again"

    assert _call(txn_app, view).status_code == 200
    assert _kept("test.attempt") == 0
    assert _kept("test.failure_counted") == 1
    assert txn_app.config["AFTER_COMMIT"] == []


# --- domain errors answer in one place, and leave nothing ----------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        (PermissionDenied("No."), 403, "You cannot do this"),
        (InvalidTransition("Not now."), 409, "This cannot be done now"),
    ],
)
def test_a_page_view_raising_a_domain_error_answers_the_error_page(txn_app, error, status, title):
    def view():
        record_event(None, "test.unkept", "test", None)
        raise error

    response = _call(txn_app, view)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html and str(error) in html
    assert _kept("test.unkept") == 0


@pytest.mark.parametrize(
    ("error", "status"), [(PermissionDenied("No."), 403), (InvalidTransition("Not now."), 409)]
)
def test_an_api_view_raising_a_domain_error_answers_problem_json(txn_app, error, status):
    def view():
        record_event(None, "test.unkept", "test", None)
        raise error

    response = _call(txn_app, view, "/api/work")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == str(error)
    assert _kept("test.unkept") == 0


def test_a_real_page_view_raising_permission_denied_answers_the_403_page(client, auth):
    make_user(email="member@example.org")
    auth.login("member@example.org")
    response = client.post("/account/security", data={"require_for_staff": "y"})
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert "Only admins change security settings." in response.get_data(as_text=True)
