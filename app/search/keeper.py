"""The index keeper: a thread in each served process that keeps this host's index whole.

Every SEARCH_KEEPER_INTERVAL seconds (and at once when a search finds no index) it looks,
without taking any lock, for work: an index that is missing (never built, deleted, or of an
older schema), a consumer that is not registered, or changes queued and not applied (their
request died before applying them: a kill -9, a crash). Then it runs the same sync as
`flask search sync`, without waiting for the writer lock: if another process holds it, that
process is writing this index already (a gunicorn worker next door, a follower, a rebuild),
and the next round looks again. So one writer at a time across every process, and no command
needed after a fresh install, a lost index or a crash.

It runs in served processes only: gunicorn workers (app/deploy.py: after_fork), `flask run`,
and any process that answers a request; never in the other CLI commands, and not in tests
unless SEARCH_KEEPER says so.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

from flask import Flask, current_app

from app.search import get_backend
from app.search.backends.base import LockTimeout
from app.search.outbox import consumer_name, is_registered

log = logging.getLogger(__name__)

_EXTENSION = "search_keeper"
_start_lock = threading.Lock()
DEFAULT_INTERVAL = 5.0
MAX_BACKOFF = 300.0  # seconds between attempts after repeated failures


@dataclass(frozen=True)
class KeeperState:
    running: bool  # the keeper thread of this process is alive
    failure: str | None  # the type of the error its last attempt ended with, if it failed


class IndexKeeper:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.interval = float(app.config.get("SEARCH_KEEPER_INTERVAL") or DEFAULT_INTERVAL)
        self.pid = os.getpid()
        self.failure: str | None = None
        self._failures = 0
        self._wake = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="search-index-keeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and self.pid == os.getpid()

    def stop(self, timeout: float = 60.0) -> None:
        """Stop after the round under way (tests; a served process just exits)."""
        self._stopped = True
        self._wake.set()
        self._thread.join(timeout)

    def nudge(self) -> None:
        """Look now rather than at the next interval (a search found no index)."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stopped:
            with self.app.app_context():
                try:
                    self.round()
                except Exception as error:  # logged, shown by /healthz, tried again later
                    self._failures += 1
                    self.failure = type(error).__name__
                    log.exception("search index keeper: keeping the index failed; trying again")
                else:
                    self._failures = 0
                    self.failure = None
            wait = min(MAX_BACKOFF, self.interval * 2 ** min(self._failures, 10))
            self._wake.wait(wait)
            self._wake.clear()

    def round(self) -> None:
        """One look, and the sync if there is work (skipped while another process writes)."""
        from app.search import indexer

        if not needs_work():
            return
        try:
            report = indexer.sync(timeout=0.0, attempts=1, build_missing=True, compact=True)
        except LockTimeout:
            return  # another process is writing this index; it applies what is queued
        if report.rebuilt is not None:
            log.warning(
                "search index keeper: built the index from the database (%d documents)",
                report.rebuilt,
            )
        if report.rows:
            log.info("search index keeper: applied %d queued change(s)", report.rows)


def needs_work() -> bool:
    """Whether this host's index is missing, unregistered or behind (no lock taken)."""
    from sqlalchemy.orm import Session

    from app.core.extensions import db
    from app.search.outbox import pending_count

    consumer = consumer_name()
    if not get_backend().exists() or not is_registered(consumer):
        return True
    with Session(db.engine) as session:
        return pending_count(session, consumer) > 0


def start_keeper(app: Flask) -> IndexKeeper | None:
    """Start this process's keeper if SEARCH_KEEPER is on and none runs here yet.

    Keyed by process: after a fork the parent's thread is gone, so a worker starts its own.
    """
    if not app.config.get("SEARCH_KEEPER"):
        return None
    keeper = app.extensions.get(_EXTENSION)
    if keeper is not None and keeper.alive:
        return keeper
    with _start_lock:
        keeper = app.extensions.get(_EXTENSION)
        if keeper is None or not keeper.alive:
            keeper = app.extensions[_EXTENSION] = IndexKeeper(app)
            keeper.start()
    return keeper


def keeper_state(app: Flask | None = None) -> KeeperState | None:
    """This process's keeper, or None when it has none."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    keeper = app.extensions.get(_EXTENSION)
    if keeper is None or not keeper.alive:
        return None
    return KeeperState(running=True, failure=keeper.failure)


def nudge_keeper(app: Flask | None = None) -> bool:
    """Wake this process's keeper; False when there is none."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    keeper = app.extensions.get(_EXTENSION)
    if keeper is None or not keeper.alive:
        return False
    keeper.nudge()
    return True
