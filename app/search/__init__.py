"""Search: documents, backends, the indexer, query parsing, the /search page and API.

`init_search(app)` turns on the after-commit sync for an app; `get_backend()` gives the
process's backend for the current app (created on first use).
"""

from __future__ import annotations

import os
import threading

import click
from flask import Flask, Response, current_app, g

from app.search.backends.base import SearchBackend

_create_lock = threading.Lock()
_EXTENSION = "search_backend"


def _create_backend(app: Flask) -> SearchBackend:
    kind = (app.config.get("SEARCH_BACKEND") or "whoosh").lower()
    if kind == "whoosh":
        from app.search.backends.whoosh_backend import WhooshBackend

        return WhooshBackend(
            app.config["SEARCH_INDEX_DIR"],
            limitmb=int(app.config.get("SEARCH_REBUILD_LIMITMB", 1024)),
        )
    if kind == "postgres":
        from app.search.backends.postgres_backend import PostgresBackend

        return PostgresBackend()
    raise RuntimeError(f"SEARCH_BACKEND must be 'whoosh' or 'postgres', not {kind!r}")


def get_backend(app: Flask | None = None) -> SearchBackend:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    backend = app.extensions.get(_EXTENSION)
    if backend is None:
        with _create_lock:
            backend = app.extensions.get(_EXTENSION)
            if backend is None:
                backend = app.extensions[_EXTENSION] = _create_backend(app)
    return backend


NOT_BUILT_FLAG = "search_index_not_built"


def no_retry_after_unless_rebuilding(response: Response) -> Response:
    """A 503 because no index exists and nothing builds one says nothing about waiting."""
    if g.pop(NOT_BUILT_FLAG, False):
        response.headers.pop("Retry-After", None)
    return response


def init_search(app: Flask) -> None:
    """Apply search-outbox rows after each commit that wrote them (SEARCH_SYNC_ON_COMMIT).

    With the Whoosh backend, refuse to start on a Whoosh other than the one its internals
    were checked against (WhooshVersionMismatch says what to do).
    """
    from app.search.indexer import install_session_hooks

    if (app.config.get("SEARCH_BACKEND") or "whoosh").lower() == "whoosh":
        from app.search.backends.whoosh_internals import check_whoosh_version

        check_whoosh_version()

    app.config.setdefault("SEARCH_SYNC_ON_COMMIT", True)
    app.config.setdefault("SEARCH_COMMIT_LOCK_TIMEOUT", 1.0)
    app.extensions["search_sync"] = True
    install_session_hooks()
    # Last of the after-request hooks (run in reverse): after Flask-Limiter's, which puts a
    # Retry-After on every 503 of a limited route.
    hooks = app.after_request_funcs.setdefault(None, [])
    if no_retry_after_unless_rebuilding not in hooks:
        hooks.insert(0, no_retry_after_unless_rebuilding)
    _when_serving(app)


def _when_serving(app: Flask) -> None:
    """What processes that serve start: the index keeper, at once under `flask run`, with the
    first request anywhere else (gunicorn workers start theirs after the fork, app/deploy.py);
    and under `flask run`, building the vocabulary's tables in a thread (gunicorn's master
    builds them before it forks), so that its first search does not wait seconds for them.
    Other CLI commands never answer a request, so they start neither."""
    from app.search.keeper import start_keeper

    ctx = click.get_current_context(silent=True)
    running = ctx is not None and ctx.command.name == "run" and ctx.parent is not None
    # With the reloader, the first process only watches files: its child serves.
    watching = running and ctx.params.get("reload") and not os.environ.get("WERKZEUG_RUN_MAIN")
    serving = running and not watching
    if serving:
        app.extensions[WARMING] = _warm_in_background()
    if not app.config.get("SEARCH_KEEPER"):
        return

    def keeper_running() -> None:  # cheap once started: a dict lookup and a pid check
        start_keeper(app)

    app.before_request(keeper_running)
    if serving:
        start_keeper(app)


WARMING = "search_vocabulary_warming"


def _warm_in_background() -> threading.Thread:
    from app.search.concept_match import warm

    thread = threading.Thread(target=warm, name="search-vocabulary", daemon=True)
    thread.start()
    return thread
