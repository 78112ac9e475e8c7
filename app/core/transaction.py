"""One transaction per request: it commits once, at the end, when the request succeeded.

Views and services never commit: services flush, and this module ends the transaction after
the view has answered. A response below 400 (pages, redirects, 201, 204) commits; an error
status or an exception rolls back, so a request that fails half-way leaves nothing behind,
whichever view or service it failed in.

What must happen only once the work is real (signing someone in or out, a mail saying
something was deleted, removing files no row names any more) is registered with
`after_commit` and runs right after the commit, still inside the request: if the commit fails,
it does not run and the request answers 500. The search outbox needs nothing here: its rows
are written in the transaction and applied by a session after_commit listener
(app/search/indexer.py), whoever commits.

A view that answers a failed form with 200 after a service flushed part of its work calls
`discard()`. CLI commands are not requests: they commit explicitly.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, g
from werkzeug.wrappers import Response

from app.core.extensions import db

_CALLBACKS = "_transaction_after_commit"


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once this request's transaction has committed (never if it rolls back)."""
    g.setdefault(_CALLBACKS, []).append(callback)


def discard() -> None:
    """Drop this request's changes so far (and what was to follow their commit); later
    changes in the same request still commit if it succeeds."""
    db.session.rollback()
    g.pop(_CALLBACKS, None)


def end_request_transaction(response: Response) -> Response:
    """Commit a successful request's work and run its after-commit callbacks; roll back an
    unsuccessful one's. Runs first among the after-request hooks (see init_transactions)."""
    callbacks = g.pop(_CALLBACKS, [])
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise  # answered as a 500 by app/core/errors.py; the callbacks do not run
    for callback in callbacks:
        callback()
    return response


def init_transactions(app: Flask) -> None:
    # after_request hooks run last-registered-first: put this one at the end of the list so it
    # runs before every other hook (Flask-Login's remember cookie, the rate limiter's
    # headers), which then see the sign-in or sign-out an after-commit callback made. The
    # Flask session is saved after all of them. An exception anywhere leaves the transaction
    # uncommitted: Flask-SQLAlchemy's teardown closes the session, which rolls it back.
    app.after_request_funcs.setdefault(None, []).append(end_request_transaction)
