"""Rate limits across processes: with Redis as the store, every worker of every host counts
the same sign-in attempts; with the in-memory store each process counts alone (which is why
gunicorn.conf.py refuses it in production with several workers)."""

from __future__ import annotations

import subprocess

from app.accounts.views import SIGN_IN_LIMIT
from tests.ops.conftest import BIN, REDIS_URL, ROOT, server_env

LIMIT = int(SIGN_IN_LIMIT.split()[0])


def _failed_sign_in(server) -> int:
    status, _ = server.post(
        "/account/login", {"email": "nobody@example.org", "password": "wrong password"}
    )
    return status


def _hosts(servers, tmp_path, workers: int, **settings: str):
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    return [servers(server_env(database, tmp_path / name, **settings), workers) for name in "ab"]


def _create_schema(make_app, tmp_path) -> None:
    from app.core.extensions import db

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'shared.db'}")
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def test_two_hosts_sharing_redis_share_the_sign_in_limit(servers, tmp_path, make_app, redis_prefix):
    _create_schema(make_app, tmp_path)
    host_a, host_b = _hosts(
        servers,
        tmp_path,
        workers=2,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=redis_prefix,
    )
    # Spread over two hosts of two workers each, the attempts still add up to one count.
    statuses = [_failed_sign_in(host_a if i % 2 else host_b) for i in range(LIMIT)]
    assert statuses == [200] * LIMIT
    assert _failed_sign_in(host_a) == 429
    assert _failed_sign_in(host_b) == 429


def test_with_the_memory_store_each_process_counts_alone(servers, tmp_path, make_app):
    _create_schema(make_app, tmp_path)
    host_a, host_b = _hosts(servers, tmp_path, workers=1, RATELIMIT_STORAGE_URI="memory://")
    statuses = [_failed_sign_in(host_a if i % 2 else host_b) for i in range(LIMIT + 2)]
    assert 429 not in statuses  # each host has seen only about half of the attempts


def test_gunicorn_refuses_the_memory_store_with_several_workers_in_production(tmp_path):
    env = server_env(
        f"sqlite:///{tmp_path / 'db.sqlite'}",
        tmp_path,
        APP_CONFIG="production",
        SECRET_KEY="a-long-random-production-secret",
        BASE_URL="https://hub.example.org",
        RATELIMIT_STORAGE_URI="memory://",
        GUNICORN_WORKERS="2",
        GUNICORN_BIND="127.0.0.1:0",
    )
    done = subprocess.run(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "RATELIMIT_STORAGE_URI" in done.stdout + done.stderr
