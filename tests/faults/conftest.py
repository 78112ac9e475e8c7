"""Fixtures of the fault tests: real processes (gunicorn, `flask` commands) over a database of
their own, of the kind the suite runs on (a SQLite file, or a new PostgreSQL database on the
suite's server), killed and restarted for real."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from app.accounts.models import Role
from app.api_tokens.services import create_token
from app.core.extensions import db
from tests.conftest import TEST_PASSWORD, make_user, postgres_test_database

ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config: pytest.Config) -> None:
    # Run by `make test` like every test; `-m "not faults"` leaves these slow ones out locally.
    config.addinivalue_line("markers", "faults: kills real processes; each takes up to a minute")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.path)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.faults)


BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0
SECRET_KEY = "one-secret-shared-by-every-worker"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], Any], timeout: float, message: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(message)


def text_of(body: str | bytes) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@dataclass
class Instance:
    """One installation: its database, folders and environment; servers and commands on it."""

    database_url: str
    workdir: Path
    make_app: Callable[..., Any]
    started: list[subprocess.Popen] = field(default_factory=list)

    @property
    def index_dir(self) -> Path:
        return self.workdir / "search_index"

    @property
    def upload_dir(self) -> Path:
        return self.workdir / "uploads"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "RATELIMIT_"))}
        env.update(
            APP_CONFIG="testing",
            DATABASE_URL=self.database_url,
            SEARCH_INDEX_DIR=str(self.index_dir),
            UPLOAD_DIR=str(self.upload_dir),
            MAIL_DIR=str(self.workdir / "mail"),
            SECRET_KEY=SECRET_KEY,
            # These tests count lost and failed writes, not rate limits.
            API_RATE_LIMIT="1000000 per minute",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def app(self, **overrides: Any):
        """An app object on this instance (for seeding and reading the database directly)."""
        return self.make_app(
            SQLALCHEMY_DATABASE_URI=self.database_url,
            SEARCH_INDEX_DIR=str(self.index_dir),
            UPLOAD_DIR=str(self.upload_dir),
            **overrides,
        )

    def flask(
        self, *args: str, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(BIN / "flask"), "--app", "app", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check:
            assert done.returncode == 0, f"flask {' '.join(args)}: {done.stdout}{done.stderr}"
        return done

    def start_flask(self, *args: str, **extra: str) -> subprocess.Popen:
        log = (self.workdir / f"flask-{uuid.uuid4().hex[:6]}.log").open("wb")
        process = subprocess.Popen(
            [str(BIN / "flask"), "--app", "app", *args],
            cwd=ROOT,
            env=self.env(**extra),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed as a whole
        )
        self.started.append(process)
        return process

    def start_server(self, workers: int = 2, **extra: str) -> Server:
        """gunicorn with the repository's gunicorn.conf.py, in a process group of its own."""
        port = free_port()
        log = self.workdir / f"gunicorn-{port}.log"
        env = self.env(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(workers), **extra)
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append(process)
        server = Server(port, process, log)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{server.log_text()}")
            try:
                if requests.get(server.base + "/healthz", timeout=5).status_code in (200, 503):
                    return server
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer in {START_TIMEOUT} s:\n{server.log_text()}")

    def stop_all(self) -> None:
        for process in reversed(self.started):
            kill_group(process, signal.SIGTERM)


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Send `sig` to the process and everything it started (its process group), and reap it."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # Workers of a killed gunicorn master may outlive it for a moment: kill what is left.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def session(self) -> requests.Session:
        return requests.Session()

    def sign_in(self, email: str) -> requests.Session:
        session = requests.Session()
        response = session.post(
            self.base + "/account/login",
            data={"email": email, "password": TEST_PASSWORD},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, f"sign-in as {email}: {response.status_code}"
        return session

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _fresh_postgres(base_url: str) -> Iterator[str]:
    yield from postgres_test_database(base_url, "prevent_hub_faults")


@pytest.fixture()
def instance(database_url: str, make_app, tmp_path) -> Iterator[Instance]:
    """A new installation with the schema, on the kind of database the suite runs on."""
    if database_url.startswith("postgresql"):
        urls = _fresh_postgres(database_url)
        url = next(urls)
    else:
        urls = None
        url = f"sqlite:///{tmp_path / 'prevent_hub.db'}"
    inst = Instance(url, tmp_path, make_app)
    app = inst.app()
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    try:
        yield inst
    finally:
        inst.stop_all()
        if urls is not None:
            next(urls, None)


@dataclass
class People:
    moderator: str
    practitioners: list[str]
    officials: list[str]
    tokens: dict[str, str]  # practitioner email -> API token secret


def seed_people(inst: Instance, writers: int = 1, officials: int = 0) -> People:
    """A moderator, `writers` practitioners (each from an organisation of their own, with a
    write token) and `officials` reviewers, straight into the instance's database."""
    app = inst.app(SEARCH_SYNC_ON_COMMIT=False)
    with app.app_context():
        moderator = make_user(Role.MODERATOR, organisation="Hub")
        practitioners, tokens = [], {}
        for n in range(writers):
            user = make_user(Role.PRACTITIONER, organisation=f"Org {n}")
            _, secret = create_token(user, "Fault test", "write")
            db.session.commit()
            practitioners.append(user.email)
            tokens[user.email] = secret
        reviewers = [
            make_user(Role.OFFICIAL, organisation=f"Ministry {n}").email for n in range(officials)
        ]
        people = People(moderator.email, practitioners, reviewers, tokens)
        db.session.remove()
        db.engine.dispose()
    return people
