"""Rate limits of the API: one budget per token, or per client address without one."""

from __future__ import annotations

import time

from flask import current_app
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from app.api.auth import current_token
from app.core.extensions import limiter


def api_rate_limit() -> str:
    """Deployments tune it with API_RATE_LIMIT."""
    return current_app.config.get("API_RATE_LIMIT", "300 per minute")


def rate_limit_key() -> str:
    """A valid token counts alone, wherever it is used from; without one, the address.
    (A bad token never gets this far: auth.py answers 401 first.)"""
    token = current_token()
    if token is not None:
        return f"token:{token.id}"
    return f"addr:{get_remote_address()}"


# One shared budget for every API endpoint, rather than one per endpoint.
api_limit = limiter.shared_limit(api_rate_limit, scope="api", key_func=rate_limit_key)


def reset_as_seconds(response: Response) -> Response:
    """RateLimit-Reset in seconds from now (the IETF httpapi draft), not Flask-Limiter's
    Unix time. Must run after Flask-Limiter's own after_request hook (see views.py)."""
    reset = response.headers.get("RateLimit-Reset")
    if reset is not None and reset.isdigit():
        response.headers["RateLimit-Reset"] = str(max(0, int(reset) - int(time.time())))
        # Flask-Limiter adds Retry-After to every limited response; it means "wait" only on
        # a 429 (or a 503).
        if response.status_code not in (429, 503):
            response.headers.pop("Retry-After", None)
    return response
