"""GET /api/v1/compare?ids=1,2,3: the comparison table of 2 to 4 published measures as data,
with the same rules and messages as the /compare page (app/compare/views.py)."""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.wrappers import Response

from app.api import openapi_schemas as schemas
from app.api.limits import api_limit
from app.api.openapi_operations import BASE, operation, query_param
from app.api.views import bp, json_response
from app.compare import services
from app.compare.comparison import MAX_MEASURES, MIN_MEASURES, Cell, comparison_rows, section_names
from app.compare.ids import BadIds, parse_ids
from app.compare.ratings import ratings_for
from app.core.problems import BadParameter, problem
from app.core.security import public

MSG_COUNT = f"A comparison has {MIN_MEASURES} to {MAX_MEASURES} measures: ids=1,2,3."


def cell_json(cell: Cell) -> dict[str, Any]:
    return {"text": cell.text, "items": list(cell.items), "flag": cell.flag}


@bp.get("/compare")
@public
@api_limit
@operation(
    "Compare 2 to 4 published measures",
    "Compare",
    params=[
        query_param(
            "ids",
            {"type": "string", "pattern": r"^[0-9]+(,[0-9]+)*$"},
            f"{MIN_MEASURES} to {MAX_MEASURES} measure ids, comma-separated.",
            required=True,
        )
    ],
    ok=(
        200,
        schemas.Comparison,
        "One row per aspect; `differs` marks differences that matter for a choice (a level,"
        " rating, band or set of values; not a month or a euro), among the `compared` rows;"
        " `same`: every cell reads alike.",
    ),
    errors=[404],
    example=f"curl '{BASE}/compare?ids=42,43,44'",
)
def compare() -> Response:
    """Every aspect of the comparison page as a row, one cell per measure in the order asked;
    `differs` marks the rows where the measures really differ."""
    if not request.args.getlist("ids"):
        raise BadParameter("ids", f"ids is required. {MSG_COUNT}")
    try:
        ids = parse_ids(request.args)
    except BadIds as bad:
        raise BadParameter("ids", str(bad)) from bad
    if not MIN_MEASURES <= len(ids) <= MAX_MEASURES:
        raise BadParameter("ids", MSG_COUNT)
    measures, missing = services.published_measures(ids)
    if missing:
        numbers = ", ".join(str(i) for i in missing)
        return problem(404, f"No published measure with id {numbers}.", missing=missing)
    ratings = ratings_for(ids)
    compared = [services.compared_measure(m, ratings.get(m.id)) for m in measures]
    rows = comparison_rows(compared)
    return json_response(
        {
            "ids": ids,
            "measures": [
                {
                    "id": c.id,
                    "title": c.title,
                    "evidence_level": c.evidence.get("level"),
                    "evidence_label": c.evidence.get("label"),
                    "harm_flag": bool(c.evidence.get("harm_flag")),
                }
                for c in compared
            ],
            "sections": section_names(),
            "differing": sum(r.differs for r in rows),
            "compared": sum(r.compared for r in rows),
            "rows": [
                {
                    "key": r.key,
                    "label": r.label,
                    "section": r.section,
                    "differs": r.differs,
                    "compared": r.compared,
                    "same": r.same,
                    "note": r.note,
                    "cells": [cell_json(c) for c in r.cells],
                }
                for r in rows
            ],
        }
    )
