"""Who is calling the API: `Authorization: Bearer <token>` only, checked on every request.

On /api/ the session cookie is ignored, so a page on another site cannot drive the API (which
has no CSRF protection) with a visitor's cookie. A request without a token is anonymous and may
read published data; a request with a bad, revoked or suspended user's token is refused with
401 at once, so revoking a token takes effect on the very next request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request

from app.api import tokens
from app.api.models import ApiToken, TokenScope
from app.api.problems import BEARER_CHALLENGE, ApiProblem
from app.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_ENVIRON_KEY = "prevent_hub.api_token"  # per request (g outlives requests in the test suite)
_NO_TOKEN = object()


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def bearer_secret() -> str | None:
    """The token sent in the Authorization header; None without one. 401 when malformed."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise unauthorized("Send the token as `Authorization: Bearer <token>`.", "invalid_request")
    return secret.strip()


def unauthorized(detail: str, error: str | None = None) -> ApiProblem:
    challenge = BEARER_CHALLENGE + (f', error="{error}"' if error else "")
    return ApiProblem(401, detail, headers={"WWW-Authenticate": challenge})


def _resolve() -> ApiToken | None:
    """Authenticate once per request; later calls return the same token."""
    cached = request.environ.get(_ENVIRON_KEY, _NO_TOKEN)
    if cached is not _NO_TOKEN:
        return cached  # type: ignore[return-value]
    secret = bearer_secret()
    token = tokens.authenticate(secret) if secret is not None else None
    if token is not None and db.session.is_modified(token):
        db.session.commit()  # last_used_at: its own small write, before the view's work
    request.environ[_ENVIRON_KEY] = token
    if secret is not None and token is None:
        raise unauthorized("The token is not valid or has been revoked.", "invalid_token")
    return token


def current_token() -> ApiToken | None:
    """The token of this API request, or None for an anonymous one."""
    try:
        return _resolve()
    except ApiProblem:
        return None


def authenticate_api_request() -> None:
    """before_request for the whole app: on /api/ the user is the token's user, never the
    session's. Registered before the deny-by-default check, which then sees this user."""
    if not is_api_request():
        return
    g.pop("_login_user", None)
    token = _resolve()
    # Flask-Login reads current_user from g._login_user first: setting it here keeps the
    # session (and the remember-me cookie) out of API requests.
    g._login_user = (
        token.user if token is not None else current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    )
    if token is not None and token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
        raise ApiProblem(403, "This token has the read scope: it can only read (GET).")


def require_scope(scope: str) -> Callable[[F], F]:
    """Decorate an API view that needs a token with at least `scope` (read, write, moderate).

    No token: 401 with a Bearer challenge. A token with a narrower scope: 403.
    """
    needed = TokenScope(scope)

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = _resolve()
            if token is None:
                raise unauthorized("This endpoint needs an API token (Authorization: Bearer).")
            if not token.allows(needed):
                raise ApiProblem(
                    403, f"This token has the {token.scope.value} scope; this needs {needed.value}."
                )
            return view(*args, **kwargs)

        wrapper._api_scope = needed.value  # type: ignore[attr-defined]  (for the OpenAPI doc)
        return wrapper  # type: ignore[return-value]

    return decorator
