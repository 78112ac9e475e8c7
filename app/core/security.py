"""Deny-by-default access and security headers.

Every endpoint needs a signed-in user unless its view is marked with @public; this keeps a
forgotten check from exposing a page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

F = TypeVar("F", bound=Callable)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The site uses none of these browser features; an injected frame or script cannot either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def public(view: F) -> F:
    """Mark a view as reachable without signing in."""
    view._public = True  # type: ignore[attr-defined]
    return view


def is_public_endpoint(endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static":
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "_public", False))


def _without_nul(values: MultiDict) -> MultiDict:
    pairs = list(values.items(multi=True))
    if not any("\x00" in _text(key) or "\x00" in _text(value) for key, value in pairs):
        return values
    return ImmutableMultiDict((_drop_nul(k), _drop_nul(v)) for k, v in pairs)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""  # multipart parts may carry None


def _drop_nul(value: object) -> object:
    return value.replace("\x00", "") if isinstance(value, str) else value


def init_security(app: Flask) -> None:
    @app.before_request
    def drop_nul_characters():
        """Drop NUL characters from query and form values. No field takes one, a browser never
        sends one from a form, and PostgreSQL refuses one in text (a database error, 500, in
        whichever query met it first). Dropped rather than refused, as the forms already drop
        other control characters."""
        request.args = _without_nul(request.args)  # type: ignore[misc]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            request.form = _without_nul(request.form)  # type: ignore[misc]

    @app.before_request
    def require_login():
        if is_public_endpoint(request.endpoint) or current_user.is_authenticated:
            return None
        if request.path.startswith("/api/"):
            from app.core.problems import problem  # the API's error format (RFC 9457)

            return problem(401, "This endpoint needs an API token (Authorization: Bearer).")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    @app.after_request
    def security_headers(response):
        """On every response: pages, JSON, errors, redirects and static files alike."""
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for older browsers
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        hsts = app.config.get("STRICT_TRANSPORT_SECURITY")
        if hsts:
            headers.setdefault("Strict-Transport-Security", hsts)
        if _signed_in_page() and "no-store" not in headers.get("Cache-Control", ""):
            # A signed-in page shows someone's own data: no copy in a shared or back-button
            # cache after they sign out (ASVS 8.2.1).
            headers["Cache-Control"] = "private, no-store"
        return response


def _signed_in_page() -> bool:
    """A page (not the API, which has its own caching, nor a static file) for a signed-in user.
    Looks only at a user already loaded for this request: loading one here would read the
    database for every static file."""
    if request.endpoint == "static" or request.path.startswith("/api/"):
        return False
    user = g.get("_login_user")
    return bool(user is not None and getattr(user, "is_authenticated", False))
