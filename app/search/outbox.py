"""The consumers of the search outbox, whose rows app/outbox/ writes in the same transaction as
the change they describe.

Every index that must follow the database is a *consumer* (`index_consumers`): a Whoosh folder
on one host, or the PostgreSQL backend's tables, which all hosts share. Each change gets one
row per registered consumer, and each consumer reads and deletes only its own rows, so a host
that applies a change first cannot take it away from the others.

A consumer registers (and commits) before it builds its index from the database: a change
committed after the registration is queued for it, one committed before is in the build.
Changes made while no consumer is registered are not queued; the first build reads them.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.outbox.models import IndexChange, IndexConsumer

# last_seen_at is written at most this often (a follower syncs every second or so).
SEEN_EVERY = timedelta(seconds=30)


def consumer_name(app: Flask | None = None) -> str:
    """This host's consumer: SEARCH_CONSUMER, else one per Whoosh folder, else "postgres"."""
    from app.search import get_backend

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    configured = app.config.get("SEARCH_CONSUMER")
    if configured:
        return str(configured)
    if get_backend(app).name == "postgres":
        return "postgres"  # one index in the shared database, whichever host applies a change
    folder = os.path.abspath(app.config["SEARCH_INDEX_DIR"])
    return f"{socket.gethostname()}:{folder}"


def register_consumer(name: str, backend: str) -> bool:
    """Make sure `name` is registered (and note that it was seen); True if it was not before.

    Commits before returning: whoever builds an index from the database must do so only after
    this, so that every change is either in its build or queued for it.
    """
    with Session(db.engine) as session:
        now = utcnow()
        if session.get(IndexConsumer, name) is not None:
            session.execute(
                update(IndexConsumer)
                .where(IndexConsumer.name == name, IndexConsumer.last_seen_at < now - SEEN_EVERY)
                .values(last_seen_at=now)
            )
            session.commit()
            return False
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            # Wait for the transactions that are queueing changes right now (their INSERT ...
            # SELECT did not see this consumer) to commit, so the build that follows sees
            # their changes; new ones wait the few milliseconds until this commits.
            session.execute(text("LOCK TABLE index_changes IN SHARE MODE"))
        dml = postgresql if dialect == "postgresql" else sqlite
        stmt = (
            dml.insert(IndexConsumer)
            .values(name=name, backend=backend, registered_at=now, last_seen_at=now)
            .on_conflict_do_nothing(index_elements=["name"])
            .returning(IndexConsumer.name)  # rowcount is -1 here with psycopg
        )
        added = session.execute(stmt).scalar() is not None
        session.commit()
        return added


def is_registered(name: str) -> bool:
    with Session(db.engine) as session:
        return session.get(IndexConsumer, name) is not None


def pending_count(session: Session, name: str) -> int:
    stmt = select(func.count(IndexChange.seq)).where(IndexChange.consumer == name)
    return session.scalar(stmt) or 0


@dataclass
class ConsumerInfo:
    name: str
    backend: str | None  # None: rows left for a consumer that is no longer registered
    queued: int
    oldest: datetime | None
    registered_at: datetime | None
    last_seen_at: datetime | None


def list_consumers() -> list[ConsumerInfo]:
    """Every registered consumer with its queue, and any rows whose consumer is gone."""
    with Session(db.engine) as session:
        stmt = select(
            IndexChange.consumer, func.count(IndexChange.seq), func.min(IndexChange.created_at)
        ).group_by(IndexChange.consumer)
        queues = {name: (count, oldest) for name, count, oldest in session.execute(stmt)}
        registered = {c.name: c for c in session.scalars(select(IndexConsumer))}
    return [
        ConsumerInfo(
            name=name,
            backend=c.backend if c else None,
            queued=queues.get(name, (0, None))[0],
            oldest=queues.get(name, (0, None))[1],
            registered_at=c.registered_at if c else None,
            last_seen_at=c.last_seen_at if c else None,
        )
        for name in sorted(set(registered) | set(queues))
        for c in [registered.get(name)]
    ]


def remove_consumer(name: str) -> int | None:
    """Forget a consumer and its queued rows; the number of rows, or None if it was unknown.

    If that host still runs, its next `flask search sync` registers it again and rebuilds its
    index from the database (it cannot know what it missed meanwhile).
    """
    from app.audit.services import record_event

    known = db.session.get(IndexConsumer, name) is not None
    rows = db.session.execute(delete(IndexChange).where(IndexChange.consumer == name)).rowcount
    if not (known or rows):
        return None
    db.session.execute(delete(IndexConsumer).where(IndexConsumer.name == name))
    record_event(None, "search.consumer_removed", "system", None, consumer=name, rows=rows)
    db.session.commit()
    return rows
