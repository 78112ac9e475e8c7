"""Comparison pages (/compare), the session comparison list, and the search and comparison
exports. Everything here is public: it shows published measures only."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.compare import export, services
from app.compare import session as lists
from app.compare.comparison import MAX_MEASURES, MIN_MEASURES, comparison_rows, section_names
from app.compare.forms import MeasureActionForm
from app.compare.ids import BadIds, parse_ids
from app.compare.ratings import ratings_for
from app.core.extensions import limiter
from app.core.redirects import safe_next_url
from app.core.security import public
from app.core.urls import external_url
from app.measures.models import Measure
from app.search.query import SearchParamError, parse_search_args
from app.search.services import search_measures

bp = Blueprint("compare", __name__)

SEARCH_EXPORT_LIMIT = 5000
EXPORT_RATE_LIMIT = "30 per minute"  # an export of 5,000 measures is work: not in a loop
FORMATS = ("csv", "jsonl")
_MIMETYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
_CHUNK = 200  # measures loaded per query while an export streams


@bp.record_once
def _install(state: Any) -> None:
    app = state.app
    lists.keep_lists_across_sign_in(app)
    app.jinja_env.globals.update(
        compare_ids=lists.comparison_ids,
        compare_max=MAX_MEASURES,
        compare_here=_here,
    )


def _here() -> str:
    """The page being shown, to come back to after a list form is posted."""
    return request.full_path.rstrip("?") if request else "/"


@bp.app_context_processor
def _compare_count() -> dict[str, Any]:
    return {"compare_count": len(lists.comparison_ids())}


# --- which measures ----------------------------------------------------------------------------


def _chosen(ids: list[int]) -> tuple[list[Measure], str | None, int]:
    """The published measures for a comparison, or a problem to explain and its status."""
    if len(ids) < MIN_MEASURES:
        return [], "few", 400
    if len(ids) > MAX_MEASURES:
        return [], "many", 400
    measures, missing = services.published_measures(ids)
    if missing:
        return measures, "missing", 404
    return measures, None, 200


def _ids_or_problem() -> tuple[list[int], str | None]:
    try:
        return parse_ids(request.args), None
    except BadIds as bad:
        return [], str(bad)


@bp.get("/compare")
@public
def compare_page() -> Any:
    """Compare the measures named by ?ids=, else those in the session's comparison list."""
    if "ids" not in request.args:
        session_ids = lists.comparison_ids()
        if len(session_ids) >= MIN_MEASURES:
            return redirect(url_for("compare.compare_page", ids=_join(session_ids)))
        measures, _missing = services.published_measures(session_ids)
        return render_template(
            "compare/choose.html", problem="empty", ids=session_ids, measures=measures
        )
    ids, bad = _ids_or_problem()
    if bad:
        return render_template("compare/choose.html", problem="bad", message=bad, ids=[]), 400
    measures, problem, status = _chosen(ids)
    if problem:
        # parse_ids() allows at most 20 ids: cheap to look them all up to say which are missing.
        measures, missing = services.published_measures(ids)
        return render_template(
            "compare/choose.html",
            problem=problem,
            ids=ids,
            measures=measures,
            missing=missing,
        ), status
    ratings = ratings_for(ids)
    compared = [services.compared_measure(m, ratings.get(m.id)) for m in measures]
    rows = comparison_rows(compared)
    only_differences = request.args.get("show") == "differences"
    return render_template(
        "compare/compare.html",
        measures=compared,
        rows=[r for r in rows if r.differs] if only_differences else rows,
        differing=sum(r.differs for r in rows),
        compared_rows=sum(r.compared for r in rows),
        same_rows=sum(r.compared and r.same for r in rows),
        total_rows=len(rows),
        sections=section_names(),
        only_differences=only_differences,
        ids=ids,
        ids_param=_join(ids),
    )


def _join(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


# --- the session's comparison list -------------------------------------------------------------


def _back(form: MeasureActionForm, measure_id: int | None = None) -> Response:
    target = safe_next_url(form.next.data)
    if target is None and measure_id is not None:
        target = url_for("measures.show", measure_id=measure_id)
    return redirect(target or url_for("compare.compare_page"), code=303)


def form_errors(form: FlaskForm) -> str:
    """A form's error messages in one line (for a 400 answer)."""
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


def _posted_measure(form: MeasureActionForm) -> int:
    if not form.validate():
        abort(400, form_errors(form))
    return int(form.measure_id.data)


@bp.post("/compare/add")
@public
def add() -> Response:
    form = MeasureActionForm()
    measure_id = _posted_measure(form)
    measure = services.published_measure(measure_id)
    if measure is None:
        abort(404, _("There is no published measure with this number."))
    title = measure.published_revision.title  # type: ignore[union-attr]
    try:
        added = lists.add_to_comparison(measure.id)
    except lists.ListFull as full:
        flash(str(full), "error")
        return _back(form, measure_id)
    count = len(lists.comparison_ids())
    if added:
        flash(
            _(
                "“%(title)s” was added to your comparison (%(count)s of %(max)s).",
                title=title,
                count=count,
                max=MAX_MEASURES,
            ),
            "success",
        )
    else:
        flash(_("“%(title)s” is already in your comparison.", title=title), "info")
    return _back(form, measure_id)


@bp.post("/compare/remove")
@public
def remove() -> Response:
    form = MeasureActionForm()
    measure_id = _posted_measure(form)
    if lists.remove_from_comparison(measure_id):
        flash(_("The measure was removed from your comparison."), "success")
    return _back(form, measure_id)


# --- exports -----------------------------------------------------------------------------------


def _in_chunks(ids: list[int]) -> Iterator[Measure]:
    """Published measures in the order of `ids`, loaded a chunk at a time while streaming."""
    for start in range(0, len(ids), _CHUNK):
        measures, _missing = services.published_measures(ids[start : start + _CHUNK])
        yield from measures


def _measure_link(measure_id: int) -> str:
    return external_url("measures.show", measure_id=measure_id)


def download(
    ids: list[int], fmt: str, name: str, notes: dict[int, str | None] | None = None
) -> Response:
    """Stream the published measures among `ids` as CSV or JSON Lines, as a file download.

    CSV is for people (labels) unless the request asks for `codes=1` (for machines)."""
    if fmt == "csv":
        codes = request.args.get("codes") == "1"
        ratings = ratings_for(ids)
        rows = export.csv_rows(
            _in_chunks(ids), link=_measure_link, ratings=ratings, notes=notes, codes=codes
        )
        header = export.csv_header(with_note=notes is not None, codes=codes)
        chunks = export.csv_chunks(header, rows)
        name = f"{name}-codes" if codes else name
    else:
        chunks = export.jsonl_chunks(_in_chunks(ids), link=_measure_link, notes=notes)
    response = Response(stream_with_context(chunks), content_type=_MIMETYPES[fmt])
    filename = f"prevent-hub-{name}-{date.today().isoformat()}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _plain_error(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


@bp.get("/compare/export.<fmt>")
@public
def export_comparison(fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    ids, bad = _ids_or_problem()
    if bad:
        return _plain_error(bad, 400)
    _measures, problem, status = _chosen(ids)
    if problem == "missing":
        _found, missing = services.published_measures(ids)
        return _plain_error(_("No published measure with id %(ids)s.", ids=_join(missing)), status)
    if problem:
        return _plain_error(
            _(
                "A comparison has %(min)s to %(max)s measures: ids=1,2,3.",
                min=MIN_MEASURES,
                max=MAX_MEASURES,
            ),
            status,
        )
    return download(ids, fmt, "comparison")


@bp.get("/export/search.<fmt>")
@public
@limiter.limit(EXPORT_RATE_LIMIT)
def export_search(fmt: str) -> Response:
    """The search's results (all pages, in its order, up to SEARCH_EXPORT_LIMIT)."""
    if fmt not in FORMATS:
        abort(404)
    try:
        query = parse_search_args(request.args, strict=False)
    except SearchParamError as bad:
        return _plain_error(_("Bad search parameter %(problem)s", problem=bad), 400)
    query = dataclasses.replace(
        query, page=1, per_page=SEARCH_EXPORT_LIMIT, highlight=False, facets=False
    )
    results = search_measures(query)
    ids = [hit.id for hit in results.hits][:SEARCH_EXPORT_LIMIT]
    response = download(ids, fmt, "search")
    response.headers["X-Total-Count"] = str(results.total)
    response.headers["X-Export-Limit"] = str(SEARCH_EXPORT_LIMIT)
    return response
