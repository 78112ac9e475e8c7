"""gunicorn.conf.py: workers start from a preloaded app without sharing what the master
opened, and the access log keeps secrets out."""

from __future__ import annotations

from sqlalchemy import text

from app.core.extensions import db
from app.deploy import after_fork, before_fork
from app.search import get_backend
from tests.ops.conftest import run_flask, server_env, stop


def test_after_fork_drops_the_parents_connections_and_search_backend(app):
    backend = get_backend(app)
    db.session.execute(text("SELECT 1"))
    db.session.commit()
    assert db.engine.pool.checkedin() >= 1  # a pooled connection a fork would inherit

    after_fork(app)

    assert db.engine.pool.checkedin() == 0
    assert get_backend(app) is not backend  # the worker opens its own index on first use


def test_workers_start_with_the_search_vocabulary_built(app):
    from app.search.concept_match import _phrase_pools, tables

    for cached in (tables, _phrase_pools):
        cached.cache_clear()
    before_fork()  # the master, before it forks the workers
    assert tables.cache_info().currsize == _phrase_pools.cache_info().currsize == 1
    tables.cache_clear()
    after_fork(app)  # a worker of a master that did not preload the app
    assert tables.cache_info().currsize == 1


def test_access_log_leaves_out_tokens_queries_and_referrers(servers, tmp_path, app):
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    env = server_env(database, tmp_path / "host")
    run_flask(["search", "sync"], env)  # an index to search: a lost one answers 503
    server = servers(env, workers=2)
    server.get("/account/reset/SECRET-RESET-TOKEN?email=person@example.org")
    server.get("/account/verify/SECRET-VERIFY-TOKEN")
    server.get("/shortlists/shared/SECRET-SHARE-TOKEN")
    server.get("/search?q=SECRET-SEARCH-TERM")
    assert server.get("/healthz")[0] in (200, 503)  # both workers booted from the preloaded app
    stop(server.process)  # flushes the log

    log = server.log_text()
    assert "SECRET" not in log
    assert "person@example.org" not in log
    assert '"GET /account/reset/[redacted] HTTP/1.1"' in log
    assert '"GET /search HTTP/1.1" 200' in log
    assert "Traceback" not in log
