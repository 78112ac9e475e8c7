"""The JSON API (/api/v1): read endpoints for measures. Errors answer JSON too."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.serializers import measure_to_json
from app.extensions import csrf, db, limiter
from app.measures.models import Measure, MeasureRevision, MeasureStatus
from app.measures.policies import can_view_measure
from app.security import public

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_PAGE = 1_000_000  # keeps the SQL offset in range


def api_rate_limit() -> str:
    """Per client address; deployments tune it with API_RATE_LIMIT."""
    return current_app.config.get("API_RATE_LIMIT", "300 per minute")


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


def json_response(data: Any, status: int = 200) -> Response:
    """JSON that keeps key order (the record's spec order) and writes UTF-8 text as is."""
    return current_app.response_class(
        json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json"
    )


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter) -> Response:
    return json_response(
        {"error": str(error), "parameter": error.parameter, "status": 400}, status=400
    )


def _int_arg(name: str, default: int, high: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    limit = f" between 1 and {high}" if high else " of at least 1"
    message = f"{name} must be a whole number{limit} (got {raw[:20]!r})"
    if not raw.strip().isdigit():
        raise BadParameter(name, message)
    value = int(raw)
    if value < 1 or (high is not None and value > high):
        raise BadParameter(name, message)
    return value


def _shown_revision(measure: Measure) -> MeasureRevision | None:
    """The public revision; owners and moderators also see an unpublished measure's draft."""
    if measure.status == MeasureStatus.PUBLISHED:
        return measure.published_revision
    return measure.current_revision


@bp.get("/measures/<int:measure_id>")
@public
@limiter.limit(api_rate_limit)
def get_measure(measure_id: int) -> Response:
    """One measure: its record plus id, status, evidence and ratings. 404 unless visible."""
    measure = db.session.get(Measure, measure_id)
    if measure is None or not can_view_measure(current_user, measure):
        return json_response({"error": "No measure with this id.", "status": 404}, status=404)
    return json_response(measure_to_json(measure, _shown_revision(measure)))


@bp.get("/measures")
@public
@limiter.limit(api_rate_limit)
def list_measures() -> Response:
    """Published measures, newest first; `external_id=…` finds one by its external id.

    Always a collection: {"total", "page", "results": [measure, …]}.
    """
    page = _int_arg("page", 1, MAX_PAGE)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    external_id = request.args.get("external_id")
    options = selectinload(Measure.published_revision), selectinload(Measure.working_revision)
    if external_id is not None:
        found = db.session.scalars(
            select(Measure).where(Measure.external_id == external_id.strip()).options(*options)
        )
        visible = [m for m in found if can_view_measure(current_user, m)]
        total, measures = len(visible), visible[(page - 1) * per_page : page * per_page]
    else:
        stmt = (
            select(Measure)
            .where(Measure.status == MeasureStatus.PUBLISHED)
            .order_by(Measure.published_at.desc(), Measure.id.desc())
            .options(*options)
        )
        pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
        total, measures = pagination.total or 0, list(pagination.items)
    return json_response(
        {
            "total": total,
            "page": page,
            "results": [measure_to_json(m, _shown_revision(m)) for m in measures],
        }
    )
