"""GET /api/v1/me: who the token belongs to, and the token itself."""

from __future__ import annotations

from flask_login import current_user
from werkzeug.wrappers import Response

from app.api import openapi_schemas as schemas
from app.api.auth import current_token, require_scope
from app.api.limits import api_limit
from app.api.measures import iso
from app.api.openapi_operations import BASE, CURL, operation
from app.api.views import bp, json_response
from app.core.problems import ApiProblem
from app.core.security import public


@bp.get("/me")
@public
@api_limit
@require_scope("read")
@operation(
    "Who the token belongs to",
    "Account",
    ok=(200, schemas.Me, "The token's user and the token."),
    example=CURL + f"{BASE}/me",
)
def me() -> Response:
    """The token's user (without secrets) and the token's name, scope and dates."""
    token = current_token()
    if token is None:  # require_scope refuses such requests; never answer without a token
        raise ApiProblem(401, "This endpoint needs an API token.")
    user = current_user
    return json_response(
        {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "role": user.role.value,
            "country": user.country,
            "organisation": user.organisation,
            "token": {
                "id": token.id,
                "name": token.name,
                "scope": token.scope.value,
                "created_at": iso(token.created_at),
                "last_used_at": iso(token.last_used_at),
            },
        }
    )
