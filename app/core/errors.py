"""Error pages for people; RFC 9457 problem details (application/problem+json) for the API.

Under /api/ every error answers problem+json, whatever raised it: an HTTP error from Flask or
Werkzeug (404, 405, 413, 429, …), an ApiProblem from a view, or a domain error from a service
(the features' validation errors, RecordInvalid and ReportRejected 422, are mapped by the API in
app/api/errors.py). Elsewhere an error answers the error page with the same status.

Domain errors (PermissionDenied 403, InvalidTransition 409) are mapped here once, for pages and
API alike: a view lets them through unless it answers something else (a message on the form, a
flash and a redirect). Every error handler rolls the session back before it answers (the error
page may query, and a failed flush leaves the session unusable); app/core/transaction.py then
commits nothing for an error status.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import Conflict, Forbidden, HTTPException, NotFound, SecurityError

from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.core.i18n import in_reader_language
from app.core.problems import ApiProblem, problem

log = logging.getLogger(__name__)

# Headers of an HTTP error worth keeping in the problem response (405 Allow, 429 Retry-After…).
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

# Werkzeug's descriptions speak to a browser user; the API says what to do instead.
_API_DETAILS = {
    401: "This endpoint needs an API token (Authorization: Bearer).",
    404: "There is nothing at this address, or you may not see it.",
    413: "The request body is too large.",
    429: "Too many requests: wait a little, then try again (see Retry-After).",
    500: "Something went wrong on our side. The error has been logged.",
}


def is_api_request() -> bool:
    """Under /api/ errors answer problem+json; elsewhere a page."""
    return request.path.startswith("/api/")


def http_problem(error: HTTPException):
    status = error.code or 500
    headers = {name: value for name, value in error.get_headers() if name in _KEPT_HEADERS}
    detail = _API_DETAILS.get(status) or error.description or ""
    if status == 429 and error.description:  # Flask-Limiter says which limit was hit
        detail = f"Too many requests ({error.description}). Wait, then try again."
    return problem(status, detail, headers=headers)


# The largest id any table holds (PostgreSQL's integer); a larger one in a URL would overflow
# the database driver (a 500) instead of simply naming nothing.
MAX_ID = 2**31 - 1


def init_errors(app: Flask) -> None:
    @app.url_value_preprocessor
    def ids_in_range(endpoint: str | None, values: dict | None) -> None:
        if values and any(
            isinstance(v, int) and not -MAX_ID <= v <= MAX_ID for v in values.values()
        ):
            raise NotFound()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        if isinstance(error, SecurityError):
            # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
            return Response(
                "Bad request: this site does not answer to that host name.\n",
                400,
                mimetype="text/plain",
            )
        if is_api_request():
            return http_problem(error)
        return render_template("errors/error.html", error=error), error.code

    @app.errorhandler(ApiProblem)
    def api_problem(error: ApiProblem):
        db.session.rollback()
        return error.to_response()

    # The domain errors of app/core/exceptions.py. (No service raises a "not found": views
    # answer that with abort(404) or db.get_or_404, whose NotFound is an HTTP error above.)
    @app.errorhandler(PermissionDenied)
    def permission_denied(error: PermissionDenied):
        return domain_error(error, Forbidden, "You may not do this.")

    @app.errorhandler(InvalidTransition)
    def invalid_transition(error: InvalidTransition):
        return domain_error(error, Conflict, "Not possible in the current state.")


def domain_error(error: Exception, http_error: type[HTTPException], api_detail: str):
    """A domain error a view let through: the error page with the error's message, or
    problem+json under /api/ (`api_detail` when the error has no message)."""
    db.session.rollback()
    status = http_error.code or 500
    message = str(error)
    if is_api_request():
        return problem(status, message or api_detail)
    # The API keeps the English; a page says a Wording in the reader's language.
    shown = in_reader_language(error.args[0]) if error.args else message
    return render_template("errors/error.html", error=http_error(shown or None)), status
