"""Measure pages: submit and edit (one form), my measures, the measure page, report downloads."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.core.security import public
from app.core.transaction import discard
from app.evidence.rules import LEVEL_NAMES
from app.measures import policies, services
from app.measures.forms import (
    EU_COUNTRY_COUNT,
    EU_LANGUAGE_COUNT,
    ROW_LIMITS,
    MeasureForm,
    row_is_blank,
    row_source,
)
from app.measures.models import Measure, MeasureRevision
from app.measures.profile import profile as profile_of
from app.measures.uploads import ReportRejected, check_report, describe_size, report_path
from app.records.labels import in_sentence
from app.records.schema import RecordInvalid, validate_record

bp = Blueprint("measures", __name__, url_prefix="/measures")


@bp.record_once
def _template_globals(state: Any) -> None:
    # The evidence macros (templates/evidence/_evidence.html) name every rung of the ladder.
    state.app.jinja_env.globals.setdefault("evidence_level_names", LEVEL_NAMES)
    # A label inside a sentence, as each language writes it ("(draft)", German "(Entwurf)").
    state.app.jinja_env.filters.setdefault("in_sentence", in_sentence)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return (
        render_template(
            "measures/too_large.html",
            report_limit=describe_size(current_app.config["MAX_REPORT_BYTES"]),
            request_limit=describe_size(limit),
        ),
        413,
    )


# --- the form --------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    if not policies.can_submit_measures(current_user):
        abort(403, _("Your account cannot submit measures."))
    form = MeasureForm()
    if request.method == "GET":
        form.organisation.data = current_user.organisation
        form.add_row("evaluations")  # one empty row to start with; left empty, it is ignored
    return _form_page(form, None)


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
def edit(measure_id: int) -> Any:
    measure = _visible_measure_or_404(measure_id)
    if not policies.can_edit_measure(current_user, measure):
        abort(403, _("This measure cannot be edited now: it is waiting for moderation, or closed."))
    form = (
        MeasureForm()
        if request.method == "POST"
        else MeasureForm.for_revision(measure.current_revision)
    )
    return _form_page(form, measure)


def _form_page(form: MeasureForm, measure: Measure | None) -> Any:
    """GET shows the form; POST adds/removes a row, or validates and saves."""
    shown = measure.current_revision if measure is not None else None
    form.set_report_choices({e.id: e for e in shown.evaluations} if shown else {})
    action = request.form.get("action", "save")
    notice, extra_errors = None, []
    if request.method == "POST" and action.startswith("add:"):
        notice = form.add_row(action.removeprefix("add:")) + _reselect_files_notice(form)
    elif request.method == "POST" and action.startswith("remove:"):
        notice = form.remove_row(action.removeprefix("remove:"))
        if notice:
            notice += _reselect_files_notice(form)
    elif request.method == "POST":
        result = _validate_and_save(form, measure, submit=action == "submit")
        if isinstance(result, Measure):
            if action.startswith("continue:"):
                # "Save draft and continue": back to the form, at the next section.
                flash(_("Draft saved. You can continue now or come back to it later."), "success")
                section = action.removeprefix("continue:")
                anchor = section if section in FORM_SECTIONS else None
                return redirect(url_for("measures.edit", measure_id=result.id, _anchor=anchor))
            message = _("Submitted for review.") if action == "submit" else _("Draft saved.")
            flash(message, "success")
            return redirect(_measure_url(result))
        extra_errors = result
    return render_template(
        "measures/form.html",
        form=form,
        measure=measure,
        notice=notice,
        extra_errors=extra_errors,
        sections=FORM_SECTIONS,
        row_limits=ROW_LIMITS,
        max_report=describe_size(current_app.config["MAX_REPORT_BYTES"]),
        max_report_bytes=current_app.config["MAX_REPORT_BYTES"],
        form_eu_count=EU_COUNTRY_COUNT,
        form_eu_language_count=EU_LANGUAGE_COUNT,
    )


# The form's sections, in order, each ending with "Save draft and continue" (id, heading).
FORM_SECTIONS = {
    "about": _l("About the measure"),
    "reach": _l("Where and for whom"),
    "programme": _l("Organisation and programme"),
    "implementation": _l("Delivering it: training, licence and fidelity"),
    "cost": _l("Cost"),
    "contacts": _l("Contacts, other registries' ratings and references"),
    "evaluations": _l("Evaluations"),
}


def _validate_and_save(
    form: MeasureForm, measure: Measure | None, *, submit: bool
) -> Measure | list[str]:
    """Save when the whole form is valid; otherwise put the errors on the form."""
    form.validate()
    record, positions = form.to_record(measure.current_revision if measure is not None else None)
    left: list[str] = []
    try:
        record = validate_record(record)
    except RecordInvalid as invalid:
        left = form.show_errors(invalid.errors)
    rows = _evaluation_rows(form, positions)
    if form.error_items() or left:
        _ask_for_files_again(form)
        return left
    try:
        saved = services.save_measure(current_user, measure, record, rows, submit=submit)
    except RecordInvalid as invalid:  # an external id already used by another measure
        discard()  # the form is answered again with 200: keep nothing of the attempt
        left = form.show_errors(invalid.errors)
        _ask_for_files_again(form)
        return left
    return saved


def _evaluation_rows(form: MeasureForm, positions: list[int]) -> list[services.EvaluationRow]:
    """Check each chosen report; a refused one gets its reason on its row's report field."""
    rows = []
    for position in positions:
        row = form.evaluations.entries[position].form
        report = None
        upload = row.report.data
        if upload:
            try:
                report = check_report(upload.stream, upload.filename)
            except ReportRejected as rejected:
                row.report.errors = [*row.report.errors, rejected.in_words()]
        rows.append(
            services.EvaluationRow(
                source_id=row_source(row),
                new_report=report,
                remove_reports=[str(v) for v in row.remove_reports.data or []],
            )
        )
    return rows


def _ask_for_files_again(form: MeasureForm) -> None:
    # Files are stored only when the whole form is saved, and a browser cannot refill a file
    # input: say so on every row where one was chosen and accepted.
    for entry in form.evaluations:
        row = entry.form
        if row.report.data and not row.report.errors and not row_is_blank(row):
            row.report_notice = _(
                "You chose “%(filename)s”: choose it again before saving, as files are only kept"
                " when the whole form is saved.",
                filename=row.report.data.filename,
            )


def _reselect_files_notice(form: MeasureForm) -> str:
    if any(entry.form.report.data for entry in form.evaluations):
        return " " + _("Choose report files again: they are only kept when the form is saved.")
    return ""


def _measure_url(measure: Measure) -> str:
    if measure.working_revision is not None and measure.published_revision is not None:
        return url_for("measures.show", measure_id=measure.id, revision="working")
    return url_for("measures.show", measure_id=measure.id)


# --- my measures, submit -----------------------------------------------------------------------


@bp.get("/mine")
def mine() -> str:
    measures = services.measures_owned_by(current_user)
    return render_template("measures/mine.html", measures=measures)


@bp.post("/<int:measure_id>/submit")
def submit(measure_id: int) -> Response:
    measure = _visible_measure_or_404(measure_id)
    services.submit_measure(current_user, measure)
    flash(_("Submitted for review. The moderators will look at it."), "success")
    return redirect(_measure_url(measure))


# --- the measure page and its reports -------------------------------------------------------------


@bp.get("/<int:measure_id>")
@public
def show(measure_id: int) -> str:
    measure, revision, may_see_working = _shown_revision(measure_id)
    return render_template(
        "measures/show.html",
        measure=measure,
        revision=revision,
        profile=profile_of(revision),
        may_see_working=may_see_working,
        showing_published=revision is measure.published_revision,
    )


@bp.get("/<int:measure_id>/factsheet")
@public
def factsheet(measure_id: int) -> str:
    """One printable page an official can attach to a funding note."""
    measure, revision, may_see_working = _shown_revision(measure_id)
    return render_template(
        "measures/factsheet.html",
        measure=measure,
        revision=revision,
        profile=profile_of(revision),
        may_see_working=may_see_working,
        showing_published=revision is measure.published_revision,
        page_url=url_for("measures.show", measure_id=measure.id, _external=True),
        printed_on=utcnow(),
    )


def _shown_revision(measure_id: int) -> tuple[Measure, MeasureRevision, bool]:
    """The published revision, or the working one for those who may see it and ask for it."""
    measure = _visible_measure_or_404(measure_id)
    may_see_working = policies.can_view_working_revision(current_user, measure)
    revision = measure.public_revision
    if revision is None or (
        may_see_working
        and request.args.get("revision") == "working"
        and measure.working_revision is not None
    ):
        revision = measure.current_revision
    if revision is None:
        abort(404)
    return measure, revision, may_see_working


@bp.get("/<int:measure_id>/reports/<int:attachment_id>")
@public
def download_report(measure_id: int, attachment_id: int) -> Response:
    measure = _visible_measure_or_404(measure_id)
    attachment = services.visible_attachment(current_user, measure, attachment_id)
    if attachment is None:
        abort(404)
    path = report_path(attachment.sha256)
    if not path.is_file():
        abort(404, _("The report file is missing from the server."))
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0 if measure.public_revision is None else 3600,
    )
    if measure.public_revision is None or attachment.evaluation.revision is not (
        measure.public_revision
    ):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _visible_measure_or_404(measure_id: int) -> Measure:
    # Someone who may not see a measure learns nothing, not even that it exists.
    measure = db.session.get(Measure, measure_id)
    if measure is None or not policies.can_view_measure(current_user, measure):
        abort(404)
    return measure
