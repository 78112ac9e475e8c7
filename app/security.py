"""Deny-by-default access and security headers.

Every endpoint needs a signed-in user unless its view is marked with @public; this keeps a
forgotten check from exposing a page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, jsonify, redirect, request, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def public(view: F) -> F:
    """Mark a view as reachable without signing in."""
    view._public = True  # type: ignore[attr-defined]
    return view


def is_public_endpoint(endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static":
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "_public", False))


def init_security(app: Flask) -> None:
    @app.before_request
    def require_login():
        if is_public_endpoint(request.endpoint) or current_user.is_authenticated:
            return None
        if request.path.startswith("/api/"):
            response = jsonify(error="Authentication required.")
            response.status_code = 401
            return response
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
