"""Running behind a reverse proxy and in forked worker processes (docs/deploying.md)."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.core.extensions import db
from app.search import _EXTENSION as SEARCH_BACKEND_EXTENSION
from app.search.concept_match import warm
from app.search.keeper import start_keeper


def init_deploy(app: Flask) -> None:
    """Trust PROXY_FIX_X_FOR proxies for the client address and scheme."""
    proxies = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if proxies:
        # Only as many hops as there are proxies of ours: a client cannot forge its address
        # (and so escape the per-address rate limits) by sending X-Forwarded-For itself.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def after_fork(app: Flask) -> None:
    """Forget what a parent process opened before forking this worker (gunicorn preload_app).

    Pooled database connections must not be shared by two processes (their protocol streams
    would interleave), nor may a Whoosh searcher's open files and caches, or the lock guarding
    them: drop them, and each worker opens its own on first use. Redis clients notice the fork
    themselves (redis-py checks the pid), so the rate-limit store needs nothing here.
    """
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)  # leave the parent's connections to the parent
    app.extensions.pop(SEARCH_BACKEND_EXTENSION, None)
    # Each worker keeps the index whole (app/search/keeper.py); the lock lets one write at a time.
    start_keeper(app)
    # The vocabulary's tables, which the master built (before_fork): nothing to do then.
    warm()


def before_fork() -> None:
    """What workers share from the master (gunicorn preload_app): the search vocabulary's
    tables (3 to 8 s to build), so that no worker's first search or publish waits for them,
    nor one that replaces a worker (max_requests)."""
    warm()
