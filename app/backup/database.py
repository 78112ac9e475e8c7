"""Dumping and restoring the database: SQLite through its online backup API, PostgreSQL
through pg_dump/pg_restore. Both give a consistent copy while the app keeps writing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404: pg_dump/pg_restore with fixed arguments, no shell
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Connection, Engine

from app.backup.archive import BackupError

Echo = Callable[[str], None]
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
VERSION_TABLE = "alembic_version"
LOCK_TIMEOUT_MS = 30_000


@dataclass
class Snapshot:
    kind: str  # "sqlite" | "postgresql"
    file: str
    alembic_revision: str | None
    tables: dict[str, int]


def kind_of(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection, echo: Echo) -> None:
    pages = source.execute("PRAGMA page_count").fetchone()[0]
    size = source.execute("PRAGMA page_size").fetchone()[0]
    echo(f"  copying {pages} pages ({pages * size / 1e6:.1f} MB)")
    # All pages in one step, inside one read transaction: a consistent copy, and with WAL
    # (app/core/dbsqlite.py) the app's writers carry on meanwhile. Copying in several steps would
    # start over after every write from another process and might never finish under load.
    try:
        source.backup(target, pages=-1)
    except sqlite3.Error as error:  # e.g. the target is locked by a running app
        raise BackupError(f"SQLite could not copy the database: {error}") from error


def _sqlite_counts(conn: sqlite3.Connection) -> tuple[dict[str, int], str | None]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608  # nosec B608: names from sqlite_master
    revision = None
    if VERSION_TABLE in counts:
        row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()  # noqa: S608  # nosec B608: a constant
        revision = row[0] if row else None
    return counts, revision


def dump_sqlite(engine: Engine, folder: Path, echo: Echo) -> Snapshot:
    source_path = _sqlite_path(engine)
    if not source_path.exists():
        raise BackupError(f"the database file {source_path} does not exist")
    target_path = folder / SQLITE_FILE
    with (
        closing(sqlite3.connect(source_path, timeout=30)) as source,
        closing(sqlite3.connect(target_path)) as target,
    ):
        _sqlite_copy(source, target, echo)
        # A single file: the copy keeps no WAL beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        counts, revision = _sqlite_counts(target)
    return Snapshot("sqlite", SQLITE_FILE, revision, counts)


def restore_sqlite(engine: Engine, folder: Path, echo: Echo) -> None:
    target_path = _sqlite_path(engine)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    engine.dispose()  # no pooled connection may keep pages of the old database
    with (
        closing(sqlite3.connect(folder / SQLITE_FILE)) as source,
        closing(sqlite3.connect(target_path, timeout=30)) as target,
    ):
        _sqlite_copy(source, target, echo)
        target.execute("PRAGMA journal_mode=WAL")  # as app/core/dbsqlite.py runs it
    engine.dispose()


# --- PostgreSQL ----------------------------------------------------------------------------


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump/pg_restore, the password passed in the environment
    (a command line is visible to every user of the machine)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (it comes with the PostgreSQL client tools)")
    return path


def _postgres_counts(conn: Connection) -> tuple[dict[str, int], str | None]:
    names = sorted(inspect(conn).get_table_names())
    counts = {
        name: conn.scalar(text(f'SELECT count(*) FROM "{name}"'))  # noqa: S608  # nosec B608: names from the catalog
        for name in names
    }
    revision = None
    if VERSION_TABLE in counts:
        revision = conn.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))  # noqa: S608  # nosec B608: a constant
    return counts, revision


@contextmanager
def _exported_snapshot(engine: Engine) -> Iterator[tuple[Connection, str]]:
    """A repeatable-read transaction kept open and its exported snapshot id: pg_dump reads
    the very same state as the counts written in the manifest."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            yield conn, str(snapshot)


def dump_postgres(engine: Engine, folder: Path, echo: Echo) -> Snapshot:
    uri, env = _libpq(engine.url)
    with _exported_snapshot(engine) as (conn, snapshot):
        counts, revision = _postgres_counts(conn)
        echo(f"  pg_dump: {sum(counts.values())} rows in {len(counts)} tables")
        done = subprocess.run(  # noqa: S603  # nosec B603: fixed arguments, no shell
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={folder / POSTGRES_FILE}",
                f"--dbname={uri}",
            ],
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return Snapshot("postgresql", POSTGRES_FILE, revision, counts)


def restore_postgres(engine: Engine, folder: Path, echo: Echo) -> None:
    uri, env = _libpq(engine.url)
    # Replacing tables needs them unused: fail with a clear message rather than wait forever
    # behind a running app's transactions.
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c lock_timeout={LOCK_TIMEOUT_MS}".strip()
    engine.dispose()
    echo("  pg_restore (one transaction: all or nothing)")
    done = subprocess.run(  # noqa: S603  # nosec B603: fixed arguments, no shell
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            # An empty schema made by `flask db upgrade` is replaced, not clashed with.
            "--clean",
            "--if-exists",
            "--single-transaction",
            f"--dbname={uri}",
            str(folder / POSTGRES_FILE),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    engine.dispose()
    if done.returncode != 0:
        hint = ""
        if "lock timeout" in done.stderr:
            hint = " (the database is in use: stop the app and its workers, then restore)"
        raise BackupError(f"pg_restore failed{hint}: {done.stderr.strip()}")


# --- either --------------------------------------------------------------------------------


def dump(engine: Engine, folder: Path, echo: Echo) -> Snapshot:
    if kind_of(engine) == "sqlite":
        return dump_sqlite(engine, folder, echo)
    return dump_postgres(engine, folder, echo)


def check_kind(engine: Engine, kind: str) -> None:
    if kind != kind_of(engine):
        raise BackupError(
            f"this backup holds a {kind} database and the app uses {kind_of(engine)}: "
            "restore it into an instance with the same kind of database"
        )


def restore(engine: Engine, kind: str, folder: Path, echo: Echo) -> None:
    check_kind(engine, kind)
    if kind == "sqlite":
        restore_sqlite(engine, folder, echo)
    else:
        restore_postgres(engine, folder, echo)


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table as the database holds them now (every table, not only the models')."""
    if kind_of(engine) == "sqlite":
        if not _sqlite_path(engine).exists():
            return {}
        with closing(sqlite3.connect(_sqlite_path(engine), timeout=30)) as conn:
            return _sqlite_counts(conn)[0]
    with engine.connect() as conn:
        return _postgres_counts(conn)[0]
