"""Measures in the API: list (with the search filters), read, create, update, submit, attach a
report, revisions. Writes call the same services as the pages (app/measures/services.py), so
the same policies hold; app/core/errors.py maps their errors (403, 409, 422).
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import current_app, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.api import openapi_schemas as schemas
from app.api.auth import require_scope
from app.api.bodies import json_body, record_from_body
from app.api.limits import api_limit
from app.api.openapi_operations import (
    BASE,
    CURL,
    JSON,
    MERGE_PATCH,
    MULTIPART,
    PAGE_PARAMS,
    STR,
    operation,
    query_param,
    search_params,
)
from app.api.pagination import MAX_PER_PAGE, page_args, paginate
from app.api.serializers import measure_to_json
from app.api.views import bp, collection_response, json_response
from app.core.exceptions import PermissionDenied
from app.core.extensions import db
from app.core.problems import ApiProblem, BadParameter, ValidationProblem, field_error
from app.core.security import public
from app.measures import policies, services
from app.measures.mapping import revision_to_record
from app.measures.models import Measure, MeasureRevision, MeasureStatus, RevisionState
from app.measures.uploads import check_report, describe_size
from app.search.query import SearchParamError, parse_search_args
from app.search.services import search_measures

PAGING_PARAMS = ("page", "per_page")
# States in which a revision has been public: anyone who may see the measure may see them.
PUBLIC_STATES = (RevisionState.PUBLISHED, RevisionState.SUPERSEDED)


def iso(moment: datetime | None) -> str | None:
    """Stored timestamps are naive UTC (app.core.dbtypes.utcnow)."""
    return moment.isoformat(timespec="seconds") + "Z" if moment is not None else None


def shown_revision(measure: Measure) -> MeasureRevision:
    """The public revision; owners and moderators also see an unpublished measure's draft."""
    if measure.status == MeasureStatus.PUBLISHED and measure.published_revision is not None:
        return measure.published_revision
    return measure.current_revision


def working_or_shown(measure: Measure) -> MeasureRevision:
    """After a write the caller sees what it wrote: the draft when there is one."""
    if policies.can_view_working_revision(current_user, measure):
        return measure.current_revision
    return shown_revision(measure)


def visible_measure_or_404(measure_id: int) -> Measure:
    # Someone who may not see a measure learns nothing, not even that it exists.
    measure = db.session.get(Measure, measure_id)
    if measure is None or not policies.can_view_measure(current_user, measure):
        raise ApiProblem(404, "No measure with this id.")
    return measure


def measure_response(
    measure: Measure, revision: MeasureRevision, status: int = 200, **headers: str
) -> Response:
    """The measure's body with a strong ETag; If-None-Match on a GET answers 304."""
    response = json_response(measure_to_json(measure, revision), status=status)
    response.add_etag()  # a hash of the body: it changes whenever anything shown changes
    response.headers["Vary"] = "Authorization"  # owners see drafts others do not
    response.headers.update(headers)
    if request.method in ("GET", "HEAD"):
        response.make_conditional(request)
    return response


def _refused_for_state(measure: Measure, denied: PermissionDenied, conflict: str) -> ApiProblem:
    """The owner or a moderator refused by a service: it is the state (409, `conflict` says
    why), not who is asking (403)."""
    if policies.can_view_working_revision(current_user, measure):
        return ApiProblem(409, conflict)
    return ApiProblem(403, str(denied))


NOT_EDITABLE = (
    "This measure cannot be edited now: its changes are waiting for moderation, or it is "
    "rejected or archived."
)


# --- reading ---------------------------------------------------------------------------------


@bp.get("/measures")
@public
@api_limit
@operation(
    "List published measures",
    "Measures",
    params=[
        query_param("external_id", STR, "Find a measure by its external id (no other filters)."),
        *search_params(),
        *PAGE_PARAMS,
    ],
    ok=(200, schemas.MeasureList, "One page of measures, newest first."),
    headers=["Link"],
    example=f"curl '{BASE}/measures?external_id=safe-together'",
)
def list_measures() -> Response:
    """Published measures, newest first. The filters of /api/v1/search narrow them (same
    parameters, same validation); `external_id=…` finds one by its external id.

    Always a collection: {"total", "page", "per_page", "results": [measure, …]}, with Link.
    """
    page, per_page = page_args()
    search_args = MultiDict(
        [
            (k, v)
            for k, v in request.args.items(multi=True)
            if k not in (*PAGING_PARAMS, "external_id")
        ]
    )
    external_id = request.args.get("external_id")
    options = selectinload(Measure.published_revision), selectinload(Measure.working_revision)
    if external_id is not None:
        if search_args:
            raise BadParameter("external_id", "external_id cannot be combined with search filters")
        found = db.session.scalars(
            select(Measure).where(Measure.external_id == external_id.strip()).options(*options)
        )
        visible = [m for m in found if policies.can_view_measure(current_user, m)]
        measures, total = paginate(visible, page, per_page)
    elif search_args:
        measures, total = _search(search_args, page, per_page)
    else:
        stmt = (
            select(Measure)
            .where(Measure.status == MeasureStatus.PUBLISHED)
            .order_by(Measure.published_at.desc(), Measure.id.desc())
            .options(*options)
        )
        measures, total = paginate(stmt, page, per_page)
    return collection_response(
        [measure_to_json(m, shown_revision(m)) for m in measures], total, page, per_page
    )


def _search(args: MultiDict, page: int, per_page: int) -> tuple[list[Measure], int]:
    """The search backend finds and orders; the database (the truth) gives the bodies."""
    try:
        query = parse_search_args(args, strict=True, max_per_page=MAX_PER_PAGE)
    except SearchParamError as error:
        raise BadParameter(error.param, error.message, detail=str(error)) from error
    query = replace(query, page=page, per_page=per_page, highlight=False, facets=False)
    results = search_measures(query)
    ids = [hit.id for hit in results.hits]
    found = db.session.scalars(
        select(Measure)
        .where(Measure.id.in_(ids), Measure.status == MeasureStatus.PUBLISHED)
        .options(selectinload(Measure.published_revision))
    )
    by_id = {m.id: m for m in found}
    return [by_id[i] for i in ids if i in by_id], results.total


@bp.get("/measures/<int:measure_id>")
@public
@api_limit
@operation(
    "Read a measure",
    "Measures",
    ok=(200, schemas.Measure, "The measure: its record plus state, evidence and ratings."),
    headers=["ETag"],
    errors=[404],
    conditional=True,
    description="Published measures for everyone; an unpublished one for its owner and "
    "the moderators only (404 for others).",
    example=f"curl {BASE}/measures/42",
)
def get_measure(measure_id: int) -> Response:
    """One measure: its record plus id, status, evidence and ratings. 404 unless visible."""
    measure = visible_measure_or_404(measure_id)
    return measure_response(measure, shown_revision(measure))


def revision_summary(revision: MeasureRevision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "state": revision.state.value,
        "title": revision.title,
        "evidence_level": revision.evidence_level,
        "evidence_label": revision.evidence_label,
        "created_at": iso(revision.created_at),
        "submitted_at": iso(revision.submitted_at),
        "decided_at": iso(revision.decided_at),
    }


def _visible_revisions(measure: Measure) -> list[MeasureRevision]:
    """Every revision for the owner and moderators; the published ones for everyone else."""
    if policies.can_view_working_revision(current_user, measure):
        return list(measure.revisions)
    return [r for r in measure.revisions if r.state in PUBLIC_STATES]


@bp.get("/measures/<int:measure_id>/revisions")
@public
@api_limit
@operation(
    "List a measure's revisions",
    "Measures",
    params=PAGE_PARAMS,
    ok=(
        200,
        schemas.RevisionList,
        "Revisions, oldest first (the published ones, unless you own or moderate it).",
    ),
    headers=["Link"],
    errors=[404],
)
def list_revisions(measure_id: int) -> Response:
    """The measure's revisions, oldest first, without their content."""
    measure = visible_measure_or_404(measure_id)
    page, per_page = page_args()
    revisions, total = paginate(_visible_revisions(measure), page, per_page)
    return collection_response([revision_summary(r) for r in revisions], total, page, per_page)


@bp.get("/measures/<int:measure_id>/revisions/<int:number>")
@public
@api_limit
@operation(
    "Read one revision of a measure",
    "Measures",
    ok=(200, schemas.Revision, "The revision's content, and its number, state and dates."),
    headers=["ETag"],
    errors=[404],
    conditional=True,
)
def get_revision(measure_id: int, number: int) -> Response:
    """One revision in the measure's body, plus "revision": its number, state and dates."""
    measure = visible_measure_or_404(measure_id)
    revision = next((r for r in _visible_revisions(measure) if r.number == number), None)
    if revision is None:
        raise ApiProblem(404, "This measure has no such revision, or you may not see it.")
    body = measure_to_json(measure, revision)
    body["revision"] = revision_summary(revision)
    response = json_response(body)
    response.add_etag()
    response.headers["Vary"] = "Authorization"
    return response.make_conditional(request)


# --- writing ---------------------------------------------------------------------------------


@bp.post("/measures")
@public
@api_limit
@require_scope("write")
@operation(
    "Create a draft measure",
    "Measures",
    body="MeasureRecord",
    ok=(201, schemas.Measure, "The new draft."),
    headers=["Location", "ETag"],
    example=CURL + f"-H 'Content-Type: application/json' -d @record.json {BASE}/measures",
)
def create_measure() -> Response:
    """A new draft from a record body (422 with field errors, like the form and the import)."""
    record = record_from_body(json_body())
    measure = services.create_measure(current_user, record, source="api")
    location = url_for("api.get_measure", measure_id=measure.id)
    return measure_response(measure, measure.current_revision, 201, Location=location)


def _update(measure_id: int, record_of: Any) -> Response:
    measure = visible_measure_or_404(measure_id)
    if not policies.can_edit_measure(current_user, measure):
        denied = PermissionDenied("You cannot edit this measure.")
        raise _refused_for_state(measure, denied, NOT_EDITABLE)
    record = record_of(measure)
    services.update_measure(current_user, measure, record, source="api")
    return measure_response(measure, working_or_shown(measure))


UPDATED = (200, schemas.Measure, "The measure with its draft.")


@bp.put("/measures/<int:measure_id>")
@public
@api_limit
@require_scope("write")
@operation(
    "Replace a measure's content",
    "Measures",
    body="MeasureRecord",
    ok=UPDATED,
    headers=["ETag"],
    errors=[404, 409],
    description="A published measure gets a new draft revision; the published one stays "
    "until a moderator publishes the draft.",
)
def replace_measure(measure_id: int) -> Response:
    """Replace the content with a whole record. A published measure gets a new draft revision
    (the published one stays until a moderator publishes the new one), as on the pages."""
    body = json_body()
    return _update(measure_id, lambda measure: record_from_body(body))


@bp.patch("/measures/<int:measure_id>")
@public
@api_limit
@require_scope("write")
@operation(
    "Change some keys of a measure",
    "Measures",
    body="MeasurePatch",
    body_types=[JSON, MERGE_PATCH],
    ok=UPDATED,
    headers=["ETag"],
    errors=[404, 409],
)
def patch_measure(measure_id: int) -> Response:
    """Change some keys (RFC 7396 merge patch of the record: null removes a key)."""
    patch = json_body(extra_types=("application/merge-patch+json",))
    if not isinstance(patch, dict):
        raise ValidationProblem([field_error("record", "must be a JSON object")])

    def merged(measure: Measure) -> dict[str, Any]:
        record = revision_to_record(measure.current_revision, measure)
        if "programme_status" in patch:  # the key as GET names it
            record["programme_status"] = record.pop("status", None)
        for key, value in patch.items():
            if value is None:
                record.pop(key, None)
            else:
                record[key] = value
        return record_from_body(record)

    return _update(measure_id, merged)


@bp.post("/measures/<int:measure_id>/submit")
@public
@api_limit
@require_scope("write")
@operation(
    "Submit the draft to the moderators",
    "Measures",
    ok=(200, schemas.Measure, "The measure, now submitted."),
    headers=["ETag"],
    errors=[404, 409],
    example=CURL + f"-X POST {BASE}/measures/42/submit",
)
def submit_measure(measure_id: int) -> Response:
    """Send the draft to the moderators (409 when there is no draft to send)."""
    measure = visible_measure_or_404(measure_id)
    try:
        services.submit_measure(current_user, measure)
    except PermissionDenied as denied:
        conflict = "There is no draft to submit: it may already be waiting for moderation."
        raise _refused_for_state(measure, denied, conflict) from denied
    return measure_response(measure, working_or_shown(measure))


REPORT_FORM = {
    "type": "object",
    "properties": {
        "file": {"type": "string", "format": "binary", "contentMediaType": "application/pdf"}
    },
    "required": ["file"],
}


@bp.post("/measures/<int:measure_id>/evaluations/<int:index>/reports")
@public
@api_limit
@require_scope("write")
@operation(
    "Attach a PDF report to an evaluation of the draft",
    "Measures",
    body=REPORT_FORM,
    body_types=[MULTIPART],
    ok=(201, schemas.Attachment, "The report (200 when the same file was already attached)."),
    errors=[404, 409],
    example=CURL + f"-F file=@report.pdf {BASE}/measures/42/evaluations/0/reports",
)
def attach_report(measure_id: int, index: int) -> Response:
    """Attach a PDF (multipart field "file") to the draft's evaluation at `index` (0-based,
    as in the record's evaluations list). 201, or 200 when that file is already attached."""
    measure = visible_measure_or_404(measure_id)
    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, "Send the report as multipart/form-data with the PDF in `file`.")
    if not policies.can_edit_measure(current_user, measure) or measure.working_revision is None:
        denied = PermissionDenied("You cannot change the reports of this measure.")
        conflict = "Reports can only be attached to a draft: start one with PUT or PATCH first."
        raise _refused_for_state(measure, denied, conflict)
    evaluations = measure.working_revision.evaluations
    if not 0 <= index < len(evaluations):
        raise ApiProblem(404, f"The draft has no evaluation {index} (it has {len(evaluations)}).")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationProblem([field_error("file", "is required")])
    limit = current_app.config["MAX_REPORT_BYTES"]
    if _size(upload.stream) > limit:
        message = f"is larger than {describe_size(limit)}"
        raise ApiProblem(413, f"The report {message}.", errors=[field_error("file", message)])
    report = check_report(upload.stream, upload.filename)  # ReportRejected: 422
    evaluation = evaluations[index]
    attachment = services.attach_report(current_user, evaluation, report)
    status = 201 if attachment is not None else 200
    if attachment is None:
        attachment = next(a for a in evaluation.attachments if a.sha256 == report.sha256)
    services.refresh_evidence(measure.working_revision)  # "has a report" counts for evidence
    body = {
        "id": attachment.id,
        "evaluation": index,
        "filename": attachment.filename,
        "sha256": attachment.sha256,
        "size_bytes": attachment.size_bytes,
        "page_count": attachment.page_count,
        "evidence_level": measure.working_revision.evidence_level,
    }
    return json_response(body, status=status)


def _size(stream: Any) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size
