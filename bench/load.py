"""Load test: a realistic mix against gunicorn (2 workers, gunicorn.conf.py) on 10,000 measures.

    .venv/bin/python bench/load.py [--duration 60] [--concurrency 8] [--measures 10000]

1. Data, cached between runs: a PostgreSQL database `prevent_hub_load_<N>` made with
   `flask db upgrade` and `flask measures generate N --seed 1 --publish`, a Whoosh index built
   by `flask search rebuild`, and accounts with draft measures (for the submit step). Each run
   works on a copy (`CREATE DATABASE … TEMPLATE`, a copied index folder), so every run starts
   from the same state. `--fresh` rebuilds the cache.
2. gunicorn with the repository's gunicorn.conf.py, 2 workers, APP_CONFIG=production, Redis as
   the rate-limit store; rate limits are switched off in this one app (bench_app below): the
   mix signs in a few times a second from one address, which the 10-per-minute sign-in limit
   exists to stop.
3. A warm-up, then `--concurrency` closed-loop clients for `--duration` seconds, each picking:
   search with facets 60 %, a measure page 25 %, compare 5 %, and 10 % an account session
   (sign-in form, sign in, open a measure, review it, submit one of one's drafts).
4. Then the same clients for the same time against a static file, as a baseline.

Prints requests/s and p50/p95/p99 per kind and the error count. Only 127.0.0.1 is ever
contacted. Results depend on what else runs on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/0"
PASSWORD = "load test password 1"  # noqa: S105  (throwaway accounts on a throwaway database)
ACCOUNTS = 40
DRAFTS_PER_ACCOUNT = 40
HOST = "127.0.0.1"

WORDS = [
    "grooming", "school", "parents", "helpline", "therapy", "online", "prevention", "children",
    "teachers", "campaign", "offending", "volunteers", "disclosure", "boundaries", "consent",
    "coaches", "workshops", "safety", "Kinder", "enfants", "niños", "programma", "dzieci",
]  # fmt: skip
FILTERS = [
    {}, {"countries": "DE"}, {"countries": ["FR", "BE"]}, {"target_groups": "children"},
    {"evidence_min": "3"}, {"settings": "school", "year_from": "2010"}, {"languages": "de"},
    {"prevention_level": "primary"}, {"sort": "evidence"},
]  # fmt: skip
REVIEW = {
    "effectiveness": "4",
    "ease": "3",
    "transferability": "4",
    "value": "4",
    "comment": "Used in our region; the training manual was clear.",
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def bench_app():  # the gunicorn app of the load test: production settings, rate limits off
    from app import create_app

    return create_app("production", {"RATELIMIT_ENABLED": False})


# --- the data --------------------------------------------------------------------------------


def psql(sql: str, database: str = "postgres") -> str:
    done = subprocess.run(
        ["psql", "-h", HOST, "-U", "postgres", "-d", database, "-Atqc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def flask(args: list[str], env: dict[str, str]) -> None:
    print(f"  flask {' '.join(args)}", flush=True)
    subprocess.run([str(VENV_BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, check=True)


def app_env(database: str, index_dir: Path, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "FLASK_"))}
    env.update(
        DATABASE_URL=f"{POSTGRES}/{database}",
        SEARCH_INDEX_DIR=str(index_dir),
        UPLOAD_DIR=str(workdir / "uploads"),
        MAIL_DIR=str(workdir / "mail"),
        SECRET_KEY="load-test-secret-shared-by-both-workers",  # noqa: S106  (throwaway)
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=f"prevent-hub-load-{os.getpid()}",
        SEARCH_BACKEND="whoosh",
    )
    return env


def create_accounts(env: dict[str, str]) -> dict[str, list[int]]:
    """Practitioners with drafts to submit, made through the services: {email: [draft ids]}."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from app.accounts.models import Role, User, UserStatus
    from app.accounts.passwords import hash_password
    from app.core.extensions import db
    from app.measures.generate import build_record
    from app.measures.services import create_measure
    from app.records.schema import validate_record

    app = create_app("development")
    accounts: dict[str, list[int]] = {}
    with app.app_context():
        password_hash = hash_password(PASSWORD)  # production cost; one hash for all
        for i in range(ACCOUNTS):
            user = User(
                email=f"load-{i}@example.org",
                name=f"Load Tester {i}",
                password_hash=password_hash,
                role=Role.PRACTITIONER,
                status=UserStatus.ACTIVE,
                country="DE",
                organisation=f"Load Org {i}",
            )
            db.session.add(user)
            db.session.flush()
            drafts = []
            for j in range(DRAFTS_PER_ACCOUNT):
                record = build_record(2, i * DRAFTS_PER_ACCOUNT + j)
                record.pop("external_id", None)
                record["organisation"] = user.organisation
                drafts.append(create_measure(user, validate_record(record), owner=user).id)
            db.session.commit()
            accounts[f"load-{i}@example.org"] = drafts
        db.session.remove()
        db.engine.dispose()  # no connection may stay open: the run copies this database
    return accounts


def prepare(workdir: Path, measures: int, fresh: bool) -> tuple[str, Path, dict[str, Any]]:
    """The cached database and index (made once), as (database name, index folder, meta)."""
    name = f"prevent_hub_load_{measures}"
    index_dir = workdir / f"index-{measures}"
    meta_file = workdir / f"{name}.json"
    # Names built here from an int and our pid only: nothing from outside reaches the SQL.
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608
    if exists and meta_file.exists() and index_dir.exists() and not fresh:
        return name, index_dir, json.loads(meta_file.read_text())
    print(f"Preparing {measures} measures (cached in {workdir} and database {name})…")
    psql(f'DROP DATABASE IF EXISTS "{name}"')
    psql(f'CREATE DATABASE "{name}"')
    shutil.rmtree(index_dir, ignore_errors=True)
    meta_file.unlink(missing_ok=True)
    env = app_env(name, index_dir, workdir)
    started = time.monotonic()
    flask(["db", "upgrade"], env)
    flask(["measures", "generate", str(measures), "--seed", "1", "--publish"], env)
    flask(["search", "rebuild"], env)
    accounts = create_accounts(env)
    published = psql("SELECT id FROM measures WHERE status = 'published' ORDER BY id", name)
    meta = {"accounts": accounts, "published": [int(x) for x in published.split()]}
    meta_file.write_text(json.dumps(meta))
    print(f"Prepared in {time.monotonic() - started:.0f} s.")
    return name, index_dir, meta


def copy_for_run(cache: str, cache_index: Path, workdir: Path) -> tuple[str, Path]:
    run = f"{cache}_run_{os.getpid()}"
    psql(  # a copy needs the template to itself
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # noqa: S608  (our name)
        f"WHERE datname = '{cache}' AND pid <> pg_backend_pid()"
    )
    psql(f'CREATE DATABASE "{run}" TEMPLATE "{cache}"')
    run_index = workdir / f"run-index-{os.getpid()}"
    shutil.copytree(cache_index, run_index)
    return run, run_index


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    env = {**env, "APP_CONFIG": "production", "GUNICORN_BIND": f"{HOST}:{port}"}
    env["GUNICORN_WORKERS"] = "2"
    if os.environ.get("GUNICORN_THREADS"):  # to compare thread counts; the config's default else
        env["GUNICORN_THREADS"] = os.environ["GUNICORN_THREADS"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--access-logfile",
                "/dev/null",
                "bench.load:bench_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not become healthy:\n{log.read_text()}")


# --- the clients -----------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if not ok:
                self.errors[kind] += 1


class Client:
    """One simulated visitor: a keep-alive connection and its own cookies."""

    def __init__(self, port: int, stats: Stats | None) -> None:
        self.port = port
        self.stats = stats
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def call(self, kind: str, method: str, path: str, data: dict | None = None) -> str:
        body = urllib.parse.urlencode(data or {}, doseq=True) if method == "POST" else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        set_cookies: list[str] = []
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
            set_cookies = response.headers.get_all("Set-Cookie") or []
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            text, status = "", 0
        elapsed = time.perf_counter() - started
        for header in set_cookies:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        ok = status == 200 if method == "GET" else status in (302, 303)
        if self.stats is not None:
            self.stats.add(kind, elapsed, ok)
        return text


class Mix:
    """What the clients ask for, drawn at random with the issue's weights."""

    def __init__(self, meta: dict[str, Any]) -> None:
        self.published = meta["published"]
        self.accounts = list(meta["accounts"].items())
        self.lock = threading.Lock()
        self.next_account = 0

    def search_path(self, rng: random.Random) -> str:
        params: dict[str, Any] = dict(rng.choice(FILTERS))
        if rng.random() < 0.85:
            params["q"] = " ".join(rng.sample(WORDS, rng.choice((1, 1, 2, 3))))
        if rng.random() < 0.2:
            params["page"] = rng.choice((2, 3))
        return "/search?" + urllib.parse.urlencode(params, doseq=True)

    def take_account(self) -> tuple[str, list[int]]:
        with self.lock:  # each account used by one client at a time, drafts submitted once
            email, drafts = self.accounts[self.next_account % len(self.accounts)]
            self.next_account += 1
            return email, drafts

    def session(self, client: Client, rng: random.Random, reviewed: set[tuple[str, int]]) -> None:
        email, drafts = self.take_account()
        client.cookies.clear()
        page = client.call("sign-in form", "GET", "/account/login")
        token = CSRF.search(page)
        data = {"email": email, "password": PASSWORD, "csrf_token": token and token.group(1)}
        client.call("sign in", "POST", "/account/login", data)
        measure_id = rng.choice(self.published)
        while (email, measure_id) in reviewed:  # one review per person and measure
            measure_id = rng.choice(self.published)
        reviewed.add((email, measure_id))
        page = client.call("measure (signed in)", "GET", f"/measures/{measure_id}")
        token = CSRF.search(page)
        csrf = token.group(1) if token else ""
        client.call(
            "review", "POST", f"/measures/{measure_id}/reviews", {**REVIEW, "csrf_token": csrf}
        )
        with self.lock:
            draft = drafts.pop() if drafts else None
        if draft is not None:
            client.call("submit", "POST", f"/measures/{draft}/submit", {"csrf_token": csrf})
        client.cookies.clear()

    def step(self, client: Client, rng: random.Random, reviewed: set) -> None:
        roll = rng.random()
        if roll < 0.60:
            client.call("search", "GET", self.search_path(rng))
        elif roll < 0.85:
            client.call("measure page", "GET", f"/measures/{rng.choice(self.published)}")
        elif roll < 0.90:
            ids = ",".join(str(i) for i in rng.sample(self.published, rng.randint(2, 4)))
            client.call("compare", "GET", f"/compare?ids={ids}")
        else:
            self.session(client, rng, reviewed)


def run_clients(port: int, concurrency: int, duration: float, work) -> tuple[Stats, float]:
    stats = Stats()
    stop_at = time.monotonic() + duration
    reviewed: set = set()

    def loop(n: int) -> None:
        client, rng = Client(port, stats), random.Random(1000 + n)
        while time.monotonic() < stop_at:
            work(client, rng, reviewed)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats, time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(title: str, stats: Stats, elapsed: float) -> dict[str, Any]:
    every = [x for values in stats.latencies.values() for x in values]
    errors = sum(stats.errors.values())
    print(f"\n{title}: {len(every)} requests in {elapsed:.1f} s = {len(every) / elapsed:.1f} req/s")
    print(f"  {'kind':<22}{'requests':>9}{'share':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    rows = [*sorted(stats.latencies.items(), key=lambda kv: -len(kv[1])), ("all", every)]
    for kind, values in rows:
        print(
            f"  {kind:<22}{len(values):>9}{len(values) / len(every):>7.0%}"
            f"{percentile(values, 0.5) * 1000:>9.1f}{percentile(values, 0.95) * 1000:>9.1f}"
            f"{percentile(values, 0.99) * 1000:>9.1f}"
            + (f"   errors: {stats.errors[kind]}" if stats.errors.get(kind) else "")
        )
    print(f"  errors: {errors}")
    return {
        "rps": len(every) / elapsed,
        "p50": statistics.median(every),
        "p95": percentile(every, 0.95),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--measures", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=8)
    workdir = Path(tempfile.gettempdir()) / "prevent-hub-load"
    parser.add_argument("--workdir", type=Path, default=workdir)
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached data")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    cache, cache_index, meta = prepare(args.workdir, args.measures, args.fresh)
    run_db, run_index = copy_for_run(cache, cache_index, args.workdir)
    env = app_env(run_db, run_index, args.workdir)
    port = free_port()
    server = None
    try:
        server = start_gunicorn(env, port, args.workdir / "gunicorn.log")
        mix = Mix(meta)
        print(f"\ngunicorn (2 workers) on {HOST}:{port}, {args.concurrency} clients")
        # Warm-up: each worker opens its searcher and fills its caches; not counted.
        run_clients(port, args.concurrency, args.warmup, mix.step)
        stats, elapsed = run_clients(port, args.concurrency, args.duration, mix.step)
        result = report("Mix", stats, elapsed)

        def static(client: Client, _rng: random.Random, _reviewed: set) -> None:
            client.call("static file", "GET", "/static/site.css")

        base_stats, base_elapsed = run_clients(port, args.concurrency, args.duration, static)
        baseline = report("Baseline (static file)", base_stats, base_elapsed)
        print(
            f"\nMix / baseline: throughput {result['rps'] / baseline['rps']:.2f}×, "
            f"p50 {result['p50'] / baseline['p50']:.1f}×, "
            f"p95 {result['p95'] / baseline['p95']:.1f}×"
        )
        aim = result["rps"] >= 150 and result["p95"] <= 0.2 and result["errors"] == 0
        print(f"Aim (≥150 req/s, p95 ≤ 200 ms, no errors): {'met' if aim else 'NOT met'}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # noqa: S608  (our name)
            f"WHERE datname = '{run_db}' AND pid <> pg_backend_pid()"
        )
        psql(f'DROP DATABASE IF EXISTS "{run_db}"')
        shutil.rmtree(run_index, ignore_errors=True)


if __name__ == "__main__":
    main()
