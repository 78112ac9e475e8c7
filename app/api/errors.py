"""The features' validation errors as the API answers them: 422 problem+json, field by field.

Pages catch these in their views and show the messages on the form; under /api/ a view lets them
through and these app-wide handlers (registered with the API blueprint) answer.
"""

from __future__ import annotations

from app.api.views import bp
from app.core.errors import is_api_request
from app.core.extensions import db
from app.core.problems import field_error, problem
from app.measures.uploads import ReportRejected
from app.records.schema import RecordInvalid


@bp.app_errorhandler(RecordInvalid)
def record_invalid(error: RecordInvalid):
    if not is_api_request():
        raise error
    db.session.rollback()
    errors = [field_error(e.key, e.message) for e in error.errors]
    return problem(422, "The record has errors; see `errors` for each field.", errors=errors)


@bp.app_errorhandler(ReportRejected)
def report_rejected(error: ReportRejected):
    if not is_api_request():
        raise error
    db.session.rollback()
    message = str(error)
    return problem(422, f"The report {message}.", errors=[field_error("file", message)])
