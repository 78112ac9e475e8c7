"""GET /healthz: whether this host can serve, for load balancers and monitoring.

Three checks, each named in the answer: the database answers `SELECT 1`; the search index of
this host exists and can be read (while one is being built: how far the build got); the search
outbox (changes committed but not yet indexed) is not older than HEALTH_MAX_INDEX_LAG_SECONDS.
200 when all pass, 503 naming the ones that failed. The answer says nothing a visitor could
use: error *types*, never messages (which can carry host or user names from a connection string).
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.core.security import public
from app.outbox.models import IndexChange
from app.search import get_backend
from app.search.keeper import keeper_state, nudge_keeper
from app.search.outbox import consumer_name

bp = Blueprint("health", __name__)

DEFAULT_MAX_INDEX_LAG_SECONDS = 300


def check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


def check_search_index() -> dict[str, Any]:
    """This process's backend: built and readable (a search can be answered), and whether a
    build runs now (`state`: "ready", "rebuilding" with `done` of `total` measures, or
    "missing" when nothing builds it; `keeper` says whether this process keeps it)."""
    result: dict[str, Any] = {"backend": current_app.config.get("SEARCH_BACKEND", "whoosh")}
    try:
        backend = get_backend()
        result["backend"] = backend.name
        state = keeper_state()
        result["keeper"] = "off" if state is None else (state.failure and "failing") or "running"
        if state is not None and state.failure:
            result["keeper_error"] = state.failure
        build = backend.build_status()
        if build is not None:
            result["rebuild"] = {"done": build.done, "total": build.total}
        if not backend.exists():
            if build is not None:
                return {**result, "ok": False, "state": "rebuilding"}
            nudge_keeper()
            error = (
                "index missing: the index keeper of this process builds it"
                if state is not None and not state.failure
                else "index missing: run `flask search sync`"
            )
            return {**result, "ok": False, "state": "missing", "error": error}
        result["documents"] = backend.doc_count()
    except Exception as error:  # any failure to read is the answer, not a crash of /healthz
        return {**result, "ok": False, "error": type(error).__name__}
    return {**result, "ok": True, "state": "rebuilding" if build is not None else "ready"}


def check_outbox(max_lag_seconds: float) -> dict[str, Any]:
    """Changes committed but not yet applied to this host's index (its consumer's rows: other
    hosts' queues are theirs to report), and how long the oldest has waited."""
    try:
        consumer = consumer_name()
        with db.engine.connect() as conn:
            depth, oldest = conn.execute(
                select(func.count(IndexChange.seq), func.min(IndexChange.created_at)).where(
                    IndexChange.consumer == consumer
                )
            ).one()
    except Exception as error:  # a misconfigured backend included: the answer, not a crash
        return {"ok": False, "error": type(error).__name__}
    age = max(0.0, (utcnow() - oldest).total_seconds()) if oldest is not None else 0.0
    return {
        "ok": age <= max_lag_seconds,
        "depth": depth,
        "oldest_age_seconds": round(age, 1),
        "max_lag_seconds": max_lag_seconds,
    }


def health_report() -> dict[str, Any]:
    max_lag = float(
        current_app.config.get("HEALTH_MAX_INDEX_LAG_SECONDS", DEFAULT_MAX_INDEX_LAG_SECONDS)
    )
    checks = {
        "database": check_database(),
        "search_index": check_search_index(),
        "index_lag": check_outbox(max_lag),
    }
    failing = [name for name, result in checks.items() if not result["ok"]]
    return {"status": "failing" if failing else "ok", "failing": failing, "checks": checks}


@bp.get("/healthz")
@public
def healthz():
    report = health_report()
    response = jsonify(report)
    response.status_code = 503 if report["failing"] else 200
    response.headers["Cache-Control"] = "no-store"
    return response
