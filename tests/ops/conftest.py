"""Fixtures for the deployment tests: real gunicorn servers (the repository's gunicorn.conf.py)
and `flask` commands in subprocesses, a throwaway PostgreSQL database, a Redis key prefix."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_PASSWORD, postgres_test_database

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Where a throwaway database is created: the suite's PostgreSQL server whatever the session's
# DATABASE_URL (these tests are about several processes sharing one PostgreSQL database).
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = "redis://127.0.0.1:6379/0"
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of one "host": its own folders, the shared database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "RATELIMIT_"))}
    env.update(
        APP_CONFIG="testing",
        DATABASE_URL=database_url,
        SEARCH_INDEX_DIR=str(workdir / "search_index"),
        UPLOAD_DIR=str(workdir / "uploads"),
        MAIL_DIR=str(workdir / "mail"),
        SECRET_KEY="one-secret-shared-by-every-host",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class Server:
    """One gunicorn master with its workers, listening on 127.0.0.1:port."""

    port: int
    process: subprocess.Popen
    log: Path
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self, method: str, path: str, data: dict[str, Any] | None = None
    ) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        try:
            with opener.open(req, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, Any] | None = None) -> tuple[int, bytes]:
        return self.request("POST", path, data)

    def sign_in(self, email: str, password: str = TEST_PASSWORD) -> None:
        status, _ = self.post("/account/login", {"email": email, "password": password})
        assert status == 302, f"sign-in as {email} answered {status}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 302 is an answer to look at, not to follow


def start_gunicorn(env: dict[str, str], workdir: Path, workers: int = 2) -> Server:
    port = free_port()
    log = workdir / f"gunicorn-{port}.log"
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, process, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{server.log_text()}")
        try:
            if server.get("/healthz")[0] in (200, 503):
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise AssertionError(f"gunicorn did not answer within {START_TIMEOUT} s:\n{server.log_text()}")


def start_flask(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(BIN / "flask"), "--app", "app", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def run_flask(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"flask {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # gunicorn: graceful stop of the master and its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture()
def processes() -> Iterator[list[subprocess.Popen]]:
    """Every process a test starts, stopped at its end whatever happens."""
    started: list[subprocess.Popen] = []
    yield started
    for process in reversed(started):
        stop(process)


@pytest.fixture()
def servers(processes, tmp_path):
    """start(env, workers=2) -> Server, stopped after the test."""

    def start(env: dict[str, str], workers: int = 2) -> Server:
        server = start_gunicorn(env, tmp_path, workers)
        processes.append(server.process)
        return server

    return start


@pytest.fixture()
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test, dropped afterwards."""
    yield from postgres_test_database(POSTGRES_URL, "prevent_hub_ops")


@pytest.fixture()
def redis_prefix() -> Iterator[str]:
    """A RATELIMIT_KEY_PREFIX of this test alone; its keys are removed afterwards."""
    import redis

    prefix = f"prevent-hub-test-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # Redis must run (`.ci/run` starts it): fail here, clearly, if it does not
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


def wait_until(predicate, timeout: float, message: str, interval: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(message)


def text_of(body: bytes) -> str:
    return re.sub(r"\s+", " ", body.decode("utf-8", "replace"))
