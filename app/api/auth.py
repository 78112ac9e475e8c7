"""Who is calling the API: `Authorization: Bearer <token>` only, checked on every request.

Under /api/ a request carries no cookies (ApiAwareRequest), so neither the session nor a
remember-me cookie signs anyone in there, and a page on another site cannot drive the API
(which has no CSRF protection) with a visitor's cookie. Flask-Login then finds the user through
its public request loader, which answers the token's user. A request without a token is
anonymous and may read published data; a request with a bad, revoked or suspended user's token
is refused with 401 at once, so revoking a token takes effect on the very next request.

Nothing here depends on the order of the before_request hooks: the token is checked once per
request, whoever asks first (this module's hook, the deny-by-default check through
`current_user`, the rate limiter), and every later question gets the same answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Request, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from app.accounts.models import User
from app.api_tokens import services as tokens
from app.api_tokens.models import ApiToken, TokenScope
from app.core.extensions import db, login_manager
from app.core.problems import BEARER_CHALLENGE, ApiProblem

F = TypeVar("F", bound=Callable[..., Any])

API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Per request, in the WSGI environ: `g` outlives requests in the test suite.
_ENVIRON_KEY = "prevent_hub.api_token"


MSG_MODERATE_WITHOUT_TWO_FACTOR = (
    "This token has the moderate scope, and its owner has not turned on two-factor sign-in: "
    "turn it on under Your account, Two-factor sign-in, and the token works again."
)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


class ApiAwareRequest(Request):
    """Flask's request, without cookies under /api/: the API's only credential is its token."""

    @cached_property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        if self.path.startswith(API_PREFIX):
            return ImmutableMultiDict()
        return super().cookies


def init_api_auth(app: Flask) -> None:
    """Token authentication for `app` (called once, when the API blueprint is registered)."""
    app.request_class = ApiAwareRequest
    login_manager.request_loader(load_api_user)
    app.before_request(check_api_credentials)


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


def _authenticate() -> ApiToken | ApiProblem | None:
    """The request's token, None without one, or the 401 to answer for a bad one."""
    try:
        secret = bearer_secret()
    except ApiProblem as refusal:
        return refusal
    if secret is None:
        return None
    token = tokens.authenticate(secret)
    if token is None:
        return unauthorized("The token is not valid or has been revoked.", "invalid_token")
    if db.session.is_modified(token):
        db.session.commit()  # last_used_at: its own small write, before the view's work
    return token


def _resolve() -> ApiToken | None:
    """Authenticate once per request; every later call gives the same token or the same 401."""
    if _ENVIRON_KEY not in request.environ:
        request.environ[_ENVIRON_KEY] = _authenticate()
    outcome = request.environ[_ENVIRON_KEY]
    if isinstance(outcome, ApiProblem):
        raise outcome
    return outcome


def current_token() -> ApiToken | None:
    """The token of this API request, or None for an anonymous one (or a refused one)."""
    try:
        return _resolve()
    except ApiProblem:
        return None


def load_api_user(_request: Request) -> User | None:
    """Flask-Login's request loader: on /api/ the token's user (401 for a bad token).

    Flask-Login asks it only when no cookie named a user, which under /api/ is always.
    """
    if not is_api_request():
        return None
    token = _resolve()
    return token.user if token is not None else None


def check_api_credentials() -> None:
    """before_request for the whole app: a bad token is 401 on every /api/ address (also where
    no view needs a user), and a read token may only read."""
    if not is_api_request():
        return
    token = _resolve()
    if token is not None and token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
        raise ApiProblem(403, "This token has the read scope: it can only read (GET).")
    if token is not None and token.scope == TokenScope.MODERATE and not token.user.has_two_factor:
        # A moderate token is as strong as a signed-in moderator: the same second factor.
        raise ApiProblem(403, MSG_MODERATE_WITHOUT_TWO_FACTOR)


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
