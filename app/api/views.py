"""The JSON API blueprint (/api/v1) and what every API response shares.

The endpoints live in their own modules (measures.py, me.py, …) and attach to `bp`; this module
wires authentication (auth.py), errors (app/core/errors.py, app/core/problems.py) and rate
limits (limits.py).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app
from werkzeug.wrappers import Response

from app.api.auth import init_api_auth
from app.api.limits import api_rate_limit, reset_as_seconds
from app.api.pagination import with_link_header
from app.core.extensions import csrf
from app.core.i18n import lazy_text

__all__ = ["api_rate_limit", "bp", "collection_response", "json_response"]

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Tokens, not cookies, authenticate the API (auth.py drops cookies on /api/): there is no
# ambient credential for a cross-site request to ride on, so CSRF tokens are not needed.
csrf.exempt(bp)
bp.record_once(lambda state: init_api_auth(state.app))


@bp.record_once
def _after_limiter_headers(state: Any) -> None:
    # after_request hooks run last-registered-first; Flask-Limiter's was registered in
    # init_app, before any blueprint. Putting ours first in the list makes it run after it.
    state.app.after_request_funcs.setdefault(None, []).insert(0, reset_as_seconds)


def json_response(data: Any, status: int = 200) -> Response:
    """JSON that keeps key order (the record's spec order) and writes UTF-8 text as is."""
    return current_app.response_class(
        json.dumps(data, ensure_ascii=False, default=lazy_text),
        status=status,
        mimetype="application/json",
    )


def collection_response(results: list[Any], total: int, page: int, per_page: int) -> Response:
    """One page of a collection, as every API collection answers it:
    {"total", "page", "per_page", "results"} with its RFC 8288 Link header."""
    body = {"total": total, "page": page, "per_page": per_page, "results": results}
    return with_link_header(json_response(body), page, per_page, total)


from app.api import compare, errors, me, measures, moderation, openapi, reviews, search, shortlists  # noqa: E402, F401  (their routes and handlers attach to bp)  # noqa: E402, F401, I001
