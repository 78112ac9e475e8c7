"""Errors of the JSON API as RFC 9457 problem details (`application/problem+json`).

Every error under /api/ has this shape: {"type", "title", "status", "detail"} and, for
validation failures, "errors": [{"field", "message"}] with the same messages as the web form
and the import. Raise ApiProblem (or one of its subclasses) anywhere in an API view; the app's
error handlers (app/core/errors.py) answer it.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import current_app
from werkzeug.wrappers import Response

PROBLEM_MIMETYPE = "application/problem+json"
# Our problems carry no extra semantics beyond the status code, so RFC 9457 §4.2.1 applies:
# "about:blank" with the HTTP status phrase as title.
ABOUT_BLANK = "about:blank"
BEARER_CHALLENGE = 'Bearer realm="Prevent-Hub API"'


def http_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    type: str = ABOUT_BLANK,
    **extra: Any,
) -> Response:
    """A problem+json response; `extra` members are added after the standard ones."""
    body: dict[str, Any] = {
        "type": type,
        "title": title or http_phrase(status),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401 and "WWW-Authenticate" not in response.headers:
        response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
    return response


class ApiProblem(Exception):
    """Raise to answer a problem; app/core/errors.py turns it into the response."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.title = title

    def to_response(self) -> Response:
        return problem(
            self.status, self.detail, title=self.title, errors=self.errors, headers=self.headers
        )


def field_error(field: str, message: Any) -> dict[str, str]:
    """One field's problem; `message` may be a translatable (lazy) string, made text here."""
    return {"field": field, "message": str(message)}


class ValidationProblem(ApiProblem):
    """422: the body is well-formed JSON but its content is not acceptable, field by field."""

    def __init__(self, errors: list[dict[str, str]], detail: str | None = None) -> None:
        super().__init__(
            422,
            detail or "The request body has errors; see `errors` for each field.",
            errors=errors,
        )


class BadParameter(ApiProblem):
    """400: a query parameter is not acceptable; `parameter` names it in `errors`."""

    def __init__(self, parameter: str, message: str, detail: str | None = None) -> None:
        super().__init__(400, detail or message, errors=[field_error(parameter, message)])
        self.parameter = parameter
