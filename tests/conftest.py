"""Shared fixtures: an app on a real database (SQLite by default, PostgreSQL when
DATABASE_URL points at one), a client, a CLI runner, and small factories.

With DATABASE_URL=postgresql://…/NAME the suite creates a fresh database beside NAME for the
run and drops it afterwards, so it never touches the data in NAME.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.accounts.models import Role, User, UserStatus
from app.core.extensions import db, limiter

TEST_PASSWORD = "correct horse battery staple"


def postgres_test_database(url: str, prefix: str = "prevent_hub_test") -> Iterator[str]:
    """A new database on the server of `url`, dropped afterwards (a generator: use with
    `yield from` in a fixture)."""
    base = make_url(url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        yield from postgres_test_database(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app_config(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Settings for every test app; a test needing others builds its own with make_app."""
    base = tmp_path_factory.mktemp("instance")
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_DIR": str(base / "uploads"),
        "MAIL_DIR": str(base / "mail"),
        "SEARCH_INDEX_DIR": str(base / "search_index"),
        "SERVER_NAME": "localhost",
    }
    if database_url.startswith("postgresql"):
        # A test that waits for a lock its own rolled-back transaction holds (forgetting the
        # `commits` marker) fails after a minute instead of hanging the run.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": "-c lock_timeout=60s"}}
    return config


def start_with_an_empty_g() -> None:
    """Empty `g` before a request, as in production, where each request pushes an app context
    (and so a `g`) of its own.

    The `app` fixture keeps one app context pushed for the whole test (the test and the requests
    share its database session) and Flask reuses it for each request, so what one request left
    in `g` (Flask-Login's user, for one) would carry over to the next, even another client's or
    a replayed cookie's.
    """
    if has_app_context():  # none: Flask pushes a fresh one for the request
        for name in list(g):
            g.pop(name)


def give_each_request_an_empty_g(app: Flask) -> None:
    """For every caller of the WSGI app: test clients, Schemathesis (werkzeug's own client)."""
    wsgi_app = app.wsgi_app

    def call(environ: dict[str, Any], start_response: Any) -> Any:
        start_with_an_empty_g()
        return wsgi_app(environ, start_response)

    app.wsgi_app = call  # type: ignore[method-assign]


class FreshUserClient(FlaskClient):
    """A test client for apps not built by make_app: each request starts with an empty `g`."""

    def open(self, *args: Any, **kwargs: Any):
        start_with_an_empty_g()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def make_app(app_config: dict[str, Any]):
    def make(**overrides: Any):
        app = create_app("testing", {**app_config, **overrides})
        give_each_request_an_empty_g(app)
        return app

    return make


@pytest.fixture(scope="session")
def _schema_app(make_app):
    app = make_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    # A keeper left running would go on using the database dropped after this fixture.
    keepers = [t for t in threading.enumerate() if t.name == "search-index-keeper"]
    assert not keepers, "a test left an index keeper running: stop it (SEARCH_KEEPER off)"


def empty_all_tables() -> None:
    """Delete every row, through db.session: inside the test's transaction when it runs in one,
    committed for real when it is marked `commits`.

    DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE of every table took half a second (a new
    file per table), DELETE of the few rows a test leaves about 7 ms. The sequences start
    again at 1, as TRUNCATE … RESTART IDENTITY would have them.
    """
    conn = db.session.connection()
    # measures <-> measure_revisions point at each other: break the cycle first.
    conn.execute(
        text("UPDATE measures SET published_revision_id = NULL, working_revision_id = NULL")
    )
    for table in reversed(db.metadata.sorted_tables):
        conn.execute(table.delete())
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT setval(oid::regclass, 1, false) FROM pg_class WHERE relkind = 'S'")
        )
    db.session.commit()


@contextmanager
def _rolled_back_transaction(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the test inside one transaction on one connection, rolled back afterwards.

    SQLAlchemy's "join an external transaction" recipe: every session of db.session is bound
    to this connection and works in a savepoint of it (join_transaction_mode="create_savepoint"),
    so a commit, whether a view's or a test's, only releases a savepoint, and a rollback
    returns to the last one. Nothing is ever committed, so there is nothing to empty after.
    """
    connection = db.engine.connect()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # pysqlite starts a transaction only before a write, and a SAVEPOINT outside one
        # becomes the transaction itself (so releasing it commits). Take over: BEGIN ourselves.
        driver = connection.connection.driver_connection
        isolation_level = driver.isolation_level
        driver.isolation_level = None
    transaction = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    db.session.remove()
    monkeypatch.setitem(db.session.session_factory.kw, "join_transaction_mode", "create_savepoint")
    test_thread = threading.get_ident()

    def get_bind(*_args: Any, **_kwargs: Any) -> Connection:
        # Flask-SQLAlchemy's Session.get_bind picks an engine and ignores a bound connection.
        if threading.get_ident() != test_thread:  # one connection cannot serve two threads
            raise RuntimeError("a test whose threads use the database must be marked `commits`")
        return connection

    monkeypatch.setattr(db.session.session_factory.class_, "get_bind", get_bind)
    try:
        yield
    finally:
        try:
            db.session.remove()
        finally:
            try:
                transaction.rollback()
            finally:
                if sqlite:
                    driver.isolation_level = isolation_level
                connection.close()


# The fingerprint of the Whoosh index's files right after the last emptying, while nothing
# has changed them since (and the database still holds the consumer row that emptying wrote).
_emptied_index: list[tuple[Any, ...]] = []


def _index_files() -> tuple[Any, ...] | None:
    """The live Whoosh index's pointer and files (name, size, mtime): a change to the index
    changes them. None for another backend or when there is no index."""
    from app.search import get_backend

    store = getattr(get_backend(), "store", None)
    name = store.current_name() if store is not None else None
    if name is None:
        return None
    try:
        files = sorted(
            (e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(store.root / name)
        )
    except FileNotFoundError:
        return None
    return (store.pointer_key(), name, tuple(files))


def empty_search_index() -> None:
    """Empty the index, unless it is still the empty one this made and nothing wrote to it
    since (most tests index nothing): emptying writes a new Whoosh index, 6 ms a test."""
    from app.search.indexer import clear

    files = _index_files()
    if files is not None and _emptied_index == [files]:
        return
    clear()
    _emptied_index[:] = [f for f in [_index_files()] if f is not None]


@pytest.fixture()
def app(_schema_app, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """The app, in an app context, on an empty database.

    Each test runs in a transaction rolled back afterwards. A test whose data must be seen by
    another connection (a thread, a process, the search indexer's own sessions) is marked
    `commits`: it commits for real, and every table is emptied after it.
    """
    commits = request.node.get_closest_marker("commits") is not None
    with _schema_app.app_context():
        limiter.reset()
        empty_search_index()  # the index is a cache of the (empty) database: start it empty
        if commits:
            yield _schema_app
            db.session.rollback()
            db.session.remove()
            empty_all_tables()
            db.session.remove()
            _emptied_index.clear()  # its consumer row is gone: register it again next time
        else:
            with _rolled_back_transaction(monkeypatch):
                yield _schema_app


@pytest.fixture()
def commits() -> None:
    """Ask for real commits from a fixture (as the `commits` marker does from a test): its
    tests, say, search what it publishes, and the indexer reads with sessions of its own."""


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


# --- factories -------------------------------------------------------------------------------


def make_user(
    role: Role | str = Role.PRACTITIONER,
    *,
    email: str | None = None,
    status: UserStatus = UserStatus.ACTIVE,
    organisation: str = "Org A",
    country: str = "DE",
    password: str = TEST_PASSWORD,
) -> User:
    from app.accounts.passwords import hash_password

    role = Role(role)
    user = User(
        email=email or f"{role.value}-{uuid.uuid4().hex[:8]}@example.org",
        name=f"Test {role.value.title()}",
        password_hash=hash_password(password),
        role=role,
        status=status,
        country=country,
        organisation=organisation,
    )
    db.session.add(user)
    db.session.commit()
    return user


def sample_record(**overrides: Any) -> dict[str, Any]:
    """A small valid record; keyword arguments replace keys (None removes one)."""
    record: dict[str, Any] = {
        "title": "Safe Together school programme",
        "summary": "A ten-session classroom programme teaching children body safety and how to "
        "tell a trusted adult.",
        "description": "## Approach\nTeachers deliver ten *interactive* sessions.",
        "countries": ["DE", "AT"],
        "text_language": "en",
        "languages": ["de", "en"],
        "prevention_level": "primary",
        "target_groups": ["children"],
        "settings": ["school"],
        "abuse_forms": ["contact_abuse"],
        "delivery": ["in_person_group"],
        "age_min": 6,
        "age_max": 10,
        "organisation": "Org A",
        "start_year": 2015,
        "status": "active",
        "evaluations": [
            {
                "design": "rct",
                "year": 2019,
                "country": "DE",
                "sample_size": 400,
                "attrition_pct": 10,
                "follow_up_months": 12,
                "independent": True,
                "peer_reviewed": True,
                "outcomes": ["disclosure", "knowledge"],
                "effect": "positive",
                "findings": "Children in the programme disclosed more and knew more.",
                "citation": "Evaluation report, University of Example, 2019",
            }
        ],
    }
    for key, value in overrides.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def supported_evaluation(**changes: Any) -> dict[str, Any]:
    """sample_record's trial in record format 2: appraised (rated high under ruleset 2027.1)
    and with results per outcome, so the measure reaches level 4, Supported."""
    evaluation = dict(sample_record()["evaluations"][0])
    evaluation.update(
        differential_attrition_pct=3,
        baseline_equivalence="established",
        results=[
            {"outcome": "disclosure", "timepoint_months": 12, "direction": "favourable",
             "p_value": 0.01, "effect_size": 0.31, "effect_size_type": "g", "n": 380},
            {"outcome": "knowledge", "timepoint_months": 12, "direction": "favourable",
             "p_value": 0.02},
        ],
    )  # fmt: skip
    evaluation.update(changes)
    return evaluation


def format2_record(**overrides: Any) -> dict[str, Any]:
    """sample_record with every key record format 2 adds, each with a value (valid and already
    normalised: validate_record returns it as it is)."""
    follow_up = supported_evaluation(
        year=2021, sample_id="safe-together-trial", follow_up_months=24, routine_practice=True,
        doi="10.1111/jsm.12785", time_points_before=0, time_points_after=0,
        results=[
            {"outcome": "disclosure", "measure": "Disclosures to a trusted adult, teacher log",
             "timepoint_months": 24, "direction": "favourable", "effect_size": 1.8,
             "effect_size_type": "or", "p_value": 0.004, "ci_low": 1.2, "ci_high": 2.7,
             "n": 352, "primary": True},
            {"outcome": "knowledge", "timepoint_months": 24, "direction": "no_effect",
             "p_value": 0.31, "primary": False},
        ],
    )  # fmt: skip
    cluster = {
        "design": "cluster_rct", "year": 2022, "country": "AT", "sample_size": 1200,
        "clusters": 24, "comparison_group": True, "baseline_equivalence": "not_reported",
        "attrition_pct": 12.5, "differential_attrition_pct": 1.5, "independent": True,
        "peer_reviewed": False, "outcomes": ["protective_behaviour"], "effect": "mixed",
        "findings": "Schools in the programme adopted safeguarding procedures more often.",
        "url": "https://example.org/cluster-trial",
    }  # fmt: skip
    record = sample_record(
        summary_en="A ten-session classroom programme on body safety and telling an adult.",
        theory_of_change="Knowledge and confidence lead children to tell; adults who know what"
        " to do act on it.",
        population_level="universal",
        dosage="Ten weekly 45-minute lessons",
        cost_level="low",
        unit_cost_eur=42.5,
        unit_cost_per="participant",
        cost_price_year=2024,
        cost_benefit="None published.",
        training_hours=12.0,
        certification_required=False,
        staff_qualifications="Qualified teachers after a two-day course.",
        fidelity_tools="Session checklists and two observed lessons a year.",
        licence="free_registration",
        contacts=[
            {"role": "developer", "name": "Programme office", "email": "office@example.org",
             "country": "DE"},
            {"role": "evaluator", "name": "University of Example", "url": "https://example.org"},
        ],
        external_ratings=[
            {"registry": "Example Clearinghouse", "rating": "Promising", "year": 2023,
             "url": "https://example.org/clearinghouse/safe-together"},
        ],
        references=[
            {"citation": "Safe Together teacher manual, 3rd edition, 2022.",
             "url": "https://example.org/manual.pdf", "open_access": True},
            {"citation": "A review of school programmes.", "doi": "10.1007/978-3-030-61262-7"},
        ],
        evaluations=[
            supported_evaluation(sample_id="safe-together-trial", doi="10.1111/jsm.12784"),
            follow_up,
            cluster,
        ],
    )  # fmt: skip
    record.update(overrides)
    return {k: v for k, v in record.items() if v is not None}


def make_measure(owner: User | None = None, *, publish: bool = False, **overrides: Any):
    """A measure created through the services, optionally submitted and published."""
    from app.measures.services import create_measure, make_revision_public, submit_measure
    from app.records.schema import validate_record

    record = validate_record(sample_record(**overrides))
    measure = create_measure(owner, record, owner=owner)
    if publish:
        submit_measure(None, measure)
        make_revision_public(measure, measure.working_revision)
    db.session.commit()
    return measure


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user_or_email: User | str, password: str = TEST_PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self._client.post("/account/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/account/logout")


@pytest.fixture()
def auth(client) -> AuthActions:
    return AuthActions(client)


SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


# Folders whose tests need real commits: other processes (faults, ops), the search indexer's
# own sessions (search), copying the database files (backup), imports and exports, which commit
# line by line and bring the index up to date with sessions of their own (records).
COMMITTING_FOLDERS = ("search", "faults", "ops", "backup", "records")


# Folders whose tests start real servers and processes (gunicorn, `flask` commands, Redis):
# with several test processes (pytest-xdist, `make test`) they all run in one of them, one
# after the other, so two such tests never load the machine at once.
PROCESS_FOLDERS = ("faults", "ops")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the main process, before any xdist worker starts
        # Each app compiles stale catalogues when it starts; do it once here, so that two test
        # processes never write the same .mo file at once.
        from app.core.i18n import compile_catalogues

        compile_catalogues()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent
    folders = [tests / name for name in COMMITTING_FOLDERS]
    processes = [tests / name for name in PROCESS_FOLDERS]
    for item in items:
        path = Path(str(item.path))
        operation = getattr(item, "operation_label", None)  # a Schemathesis test of one operation
        if operation and operation not in item.nodeid:
            # Under pytest 9 this Schemathesis gives every operation's test the same node id
            # (it sets the `_nodeid` of older pytests); pytest-xdist tells tests apart by it,
            # and ran one of the 35. Give each its operation, as older pytests showed it.
            item._id = type(item._id).parse(f"{item.nodeid}[{operation}]")
        if any(path.is_relative_to(f) for f in processes):
            item.add_marker(pytest.mark.xdist_group("processes"))
        # Browser tests: a live server answers from a thread of its own. CLI commands (the
        # `runner` fixture) are not requests: they commit for real and, like `flask measures
        # import` and `flask demo load`, bring the index up to date with sessions of their own,
        # which would wait for the locks of a test's rolled-back transaction.
        fixtures = getattr(item, "fixturenames", ())
        if (
            item.get_closest_marker("browser")
            or any(path.is_relative_to(f) for f in folders)
            or "commits" in fixtures
            or "runner" in fixtures
        ):
            item.add_marker(pytest.mark.commits)
