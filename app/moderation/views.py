"""Moderation pages: the queue, the expert-review list, the review page, the audit log.

Every page is for moderators and admins only (403 for other signed-in users; the deny-by-default
rule of app.core.security sends anonymous visitors to sign in).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from flask_login import current_user

from app.core.dbtypes import utcnow
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.core.paging import page_number
from app.measures import policies as measure_policies
from app.measures.models import Measure
from app.measures.profile import evidence_in_readers_words
from app.moderation import diff, evidence_review, policies, services
from app.moderation.forms import (
    HARM_VERDICTS,
    REREVIEW_DECISIONS,
    AuditFilterForm,
    HarmReviewForm,
    QueueFilterForm,
    RereviewDecisionForm,
    RereviewRequestForm,
    TransitionForm,
    VerifyEvidenceForm,
)
from app.moderation.models import RereviewRequest

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
# The owner's side of the workflow lives under the measure's own URL.
owner_bp = Blueprint("rereview", __name__, url_prefix="/measures")

PER_PAGE = 25


@dataclass(frozen=True)
class ActionText:
    heading: LazyString
    button: LazyString
    comment_label: LazyString
    hint: LazyString
    done: LazyString
    danger: bool = False


ACTION_TEXT: dict[str, ActionText] = {
    "publish": ActionText(
        _l("Publish"),
        _l("Publish this revision"),
        _l("Comment for the owner"),
        _l("Why it can be published; the owner receives this comment."),
        _l("Published. The owner has been told."),
    ),
    "request_changes": ActionText(
        _l("Request changes"),
        _l("Send back for changes"),
        _l("What should the owner change?"),
        _l("The revision goes back to the owner as a draft with this comment."),
        _l("Sent back to the owner for changes."),
    ),
    "reject": ActionText(
        _l("Reject"),
        _l("Reject this revision"),
        _l("Reason for rejecting"),
        _l("The owner receives this reason. A published measure stays published."),
        _l("Rejected. The owner has been told."),
        danger=True,
    ),
    "archive": ActionText(
        _l("Archive"),
        _l("Archive this measure"),
        _l("Reason for archiving"),
        _l("The measure leaves public view and search; the owner receives this reason."),
        _l("Archived. It is no longer public."),
        danger=True,
    ),
    "confirm_evidence": ActionText(
        _l("Confirm the evidence level"),
        _l("Confirm the evidence level"),
        _l("What did you check?"),
        _l(
            "Confirming records that the computed level matches the studies. It does not change it."
        ),
        _l("Evidence level confirmed."),
    ),
    "flag_evidence": ActionText(
        _l("Flag for expert review"),
        _l("Flag for expert review"),
        _l("What should the expert look at?"),
        _l("The measure goes on the expert-review list. The level is not changed by hand."),
        _l("Flagged for expert review."),
    ),
}


PENDING_TEXT = _l(
    "You wrote or own this measure, so your decision is recorded as pending: it takes effect "
    "when another admin makes the same decision."
)


def action_slug(action: str) -> str:
    """URL form of an action name: request_changes -> request-changes."""
    return action.replace("_", "-")


_ACTIONS_BY_SLUG = {action_slug(a): a for a in policies.ACTIONS}


def days_ago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return ""
    days = ((now or utcnow()) - moment).days
    if days <= 0:
        return _("today")
    return ngettext("%(num)d day ago", "%(num)d days ago", days)


# Who last reviewed a measure's evidence, by role ("by a moderator").
REVIEWED_BY = {
    "moderator": _l("by a moderator"),
    "admin": _l("by an admin"),
    "practitioner": _l("by a practitioner"),
    "official": _l("by an official"),
}


def reviewer_role(role: str) -> str:
    return policies.worded(REVIEWED_BY, role)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "state_words": policies.state_text,
        "state_in_sentence": policies.state_in_sentence,
        "reviewer_role": reviewer_role,
        "action_text": ACTION_TEXT,
        "action_slug": action_slug,
        "days_ago": days_ago,
        "display_value": diff.display_value,
        "field_label": diff.field_label,
        "evaluation_title": diff.evaluation_title,
        "moderation_policies": policies,
        "harm_verdicts": {c.value: c.label for c in HARM_VERDICTS},
        "rereview_decisions": {c.value: c.label for c in REREVIEW_DECISIONS},
    }


@owner_bp.app_context_processor
def _owner_rereview() -> dict[str, Any]:
    # The measure page (app/measures/views.py) cannot import moderation: it reads this.
    return {
        "owner_rereview": lambda measure: evidence_review.owner_rereview(current_user, measure),
        "rereview_form": lambda: RereviewRequestForm(formdata=None),
    }


def _require(allowed: Callable[[Any], bool]) -> None:
    if not allowed(current_user):
        abort(403)


def _page_number() -> int:
    return page_number()  # 400 for a bad or huge one (a huge offset was a 500)


def _filter_args() -> dict[str, str]:
    """The current filters, for pagination links."""
    return {k: v for k, v in request.args.items() if k != "page" and v}


@bp.get("/")
def queue():
    _require(policies.can_moderate)
    form = QueueFilterForm(request.args)
    if not form.validate():
        return render_template("moderation/queue.html", form=form, page=None), 400
    filters = services.QueueFilters(
        state=form.state.data,
        country=form.country.data or None,
        older_than_days=int(form.older_than.data) if form.older_than.data else None,
    )
    page = db.paginate(
        services.queue_select(current_user, filters),
        page=_page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "moderation/queue.html", form=form, page=page, filter_args=_filter_args(), now=utcnow()
    )


@bp.get("/expert-review")
def expert_review():
    _require(policies.can_moderate)
    page = db.paginate(
        services.expert_review_select(current_user),
        page=_page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("moderation/expert_review.html", page=page, filter_args={})


@bp.get("/measures/<int:measure_id>")
def review(measure_id: int):
    _require(policies.can_moderate)
    return _render_review(db.get_or_404(Measure, measure_id))


def _decision_form(action: str, *, from_request: bool = False) -> TransitionForm:
    """The form of one action. Every form posts `comment`; ids differ so labels stay unique."""
    form = TransitionForm() if from_request else TransitionForm(formdata=None)
    comment = form.comment
    comment.id = f"{action_slug(action)}-comment"
    comment.label.field_id = comment.id
    comment.label.text = ACTION_TEXT[action].comment_label
    comment.description = ACTION_TEXT[action].hint
    return form


def _with_ids(form: Any, prefix: str) -> Any:
    """Give every field an id of its own: several forms share the review page."""
    for field in form:
        if field.name != "csrf_token":
            field.id = f"{prefix}-{field.name.replace('_', '-')}"
            field.label.field_id = field.id
    return form


def _check_forms() -> dict[str, Any]:
    return {
        "verify": _with_ids(VerifyEvidenceForm(formdata=None), "verify"),
        "harm": _with_ids(HarmReviewForm(formdata=None), "harm"),
        "rereview": _with_ids(RereviewDecisionForm(formdata=None), "rereview"),
    }


def _render_review(
    measure: Measure,
    submitted: dict[str, Any] | None = None,
    error: str | None = None,
) -> str:
    """The review page; `submitted` holds the one form posted (by action or check name)."""
    submitted = submitted or {}
    forms = {action: submitted.get(action) or _decision_form(action) for action in policies.ACTIONS}
    checks = {name: submitted.get(name) or form for name, form in _check_forms().items()}
    review = services.prepare_review(current_user, measure)
    return render_template(
        "moderation/review.html",
        review=review,
        revision_evidence=evidence_in_readers_words(review.revision) if review.revision else None,
        pending=services.pending_decision(measure),
        checks=evidence_review.evidence_checks(current_user, measure),
        forms=forms,
        check_forms=checks,
        failed_form=next(iter(submitted.values()), None),
        error=error,
        now=utcnow(),
    )


@bp.post("/measures/<int:measure_id>/<action>")
def transition(measure_id: int, action: str):
    _require(policies.can_moderate)
    name = _ACTIONS_BY_SLUG.get(action)
    if name is None:
        abort(404)
    # Locked so that two moderators deciding at once are serialised (PostgreSQL; SQLite
    # serialises writers anyway).
    measure = db.session.get(Measure, measure_id, with_for_update=True)
    if measure is None:
        abort(404)
    form = _decision_form(name, from_request=True)
    if not form.validate_on_submit():
        return _render_review(measure, {name: form}), 422
    try:
        outcome = services.decide(current_user, measure, name, form.comment.data)
        if name == "confirm_evidence" and not isinstance(outcome, services.PendingDecision):
            # The older "confirm" also verifies when it can (EVIDENCE-2027 §7).
            evidence_review.verify_after_confirm(current_user, measure, form.comment.data)
    except InvalidTransition as exc:
        return _render_review(measure, error=str(exc)), 409
    except services.CommentRequired as exc:
        form.comment.errors = [str(exc)]
        return _render_review(measure, {name: form}), 422
    if isinstance(outcome, services.PendingDecision):
        flash(str(PENDING_TEXT), "info")
    else:
        flash(str(ACTION_TEXT[name].done), "success")
    return redirect(url_for(".review", measure_id=measure_id))


# --- the evidence workflow of EVIDENCE-2027 §7 -------------------------------------------


def _locked_measure(measure_id: int) -> Measure:
    measure = db.session.get(Measure, measure_id, with_for_update=True)
    if measure is None:
        abort(404)
    return measure


def _check_refused(measure: Measure, name: str, form: Any, exc: Exception) -> tuple[str, int]:
    """Re-render the review page after a service said no: 403, 409 or 422 with why (the
    error status rolls the request's transaction back, app/core/transaction.py)."""
    if isinstance(exc, services.CommentRequired):
        field = getattr(form, "reasons", None) or form.comment
        field.errors = [str(exc)]
        return _render_review(measure, {name: form}), 422
    status = 403 if isinstance(exc, PermissionDenied) else 409
    return _render_review(measure, error=str(exc)), status


@bp.post("/measures/<int:measure_id>/verify-evidence")
def verify_evidence(measure_id: int):
    _require(policies.can_moderate)
    measure = _locked_measure(measure_id)
    form = _with_ids(VerifyEvidenceForm(), "verify")
    if not form.validate_on_submit():
        return _render_review(measure, {"verify": form}), 422
    try:
        evidence_review.verify_evidence(current_user, measure, form.comment.data)
    except (PermissionDenied, InvalidTransition) as exc:
        return _check_refused(measure, "verify", form, exc)
    flash(_("Evidence verified. The owner has been told."), "success")
    return redirect(url_for(".review", measure_id=measure_id))


@bp.post("/measures/<int:measure_id>/harm-review")
def harm_review(measure_id: int):
    _require(policies.can_moderate)
    measure = _locked_measure(measure_id)
    form = _with_ids(HarmReviewForm(), "harm")
    if not form.validate_on_submit():
        return _render_review(measure, {"harm": form}), 422
    try:
        evidence_review.record_harm_review(
            current_user, measure, form.verdict.data == "confirmed", form.reasons.data
        )
    except (PermissionDenied, InvalidTransition, services.CommentRequired) as exc:
        return _check_refused(measure, "harm", form, exc)
    flash(_("The experts' verdict is recorded. The owner has been told."), "success")
    return redirect(url_for(".review", measure_id=measure_id))


@bp.post("/rereview-requests/<int:request_id>/decision")
def decide_rereview(request_id: int):
    _require(policies.can_moderate)
    rereview = db.session.get(RereviewRequest, request_id, with_for_update=True)
    if rereview is None:
        abort(404)
    measure = rereview.measure
    form = _with_ids(RereviewDecisionForm(), "rereview")
    if not form.validate_on_submit():
        return _render_review(measure, {"rereview": form}), 422
    try:
        evidence_review.decide_rereview(
            current_user, rereview, form.decision.data, form.comment.data
        )
    except (PermissionDenied, InvalidTransition, services.CommentRequired) as exc:
        return _check_refused(measure, "rereview", form, exc)
    flash(_("Decided. The owner has been told."), "success")
    return redirect(url_for(".review", measure_id=measure.id))


EVIDENCE_LISTS = {
    "verify": _l("Evidence to verify"),
    "requests": _l("Re-review requests"),
    "due": _l("Due for re-review"),
}


@bp.get("/evidence")
def evidence_lists():
    """One tab, three lists: provisional levels to verify, owners' requests, levels due."""
    _require(policies.can_moderate)
    show = request.args.get("show", "verify")
    if show not in EVIDENCE_LISTS:
        abort(404)
    if show == "requests":
        stmt = evidence_review.open_rereview_requests_select(current_user)
    elif show == "verify":
        stmt = evidence_review.to_verify_select(current_user)
    else:
        stmt = evidence_review.due_select(current_user)
    page = db.paginate(stmt, page=_page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "moderation/evidence_lists.html",
        page=page,
        show=show,
        lists=EVIDENCE_LISTS,
        filter_args={"show": show},
        now=utcnow(),
    )


@owner_bp.post("/<int:measure_id>/rereview-request")
def request_rereview(measure_id: int):
    """The owner asks for the evidence to be reviewed again (the form on the measure page)."""
    measure = db.session.get(Measure, measure_id, with_for_update=True)
    if measure is None or not measure_policies.can_view_measure(current_user, measure):
        abort(404)
    form = RereviewRequestForm()
    if form.validate_on_submit():
        try:
            evidence_review.request_rereview(current_user, measure, form.reason.data)
        except services.CommentRequired as exc:
            form.reason.errors = [str(exc)]
        else:
            flash(
                _("Your request is with the moderators. You will be told their decision."),
                "success",
            )
            return redirect(url_for("measures.show", measure_id=measure_id) + "#rereview-heading")
    return render_template("moderation/rereview_request.html", measure=measure, form=form), 422


@bp.get("/audit")
def audit_log():
    _require(policies.can_read_audit_log)
    actions, object_types = services.audit_vocabulary()
    form = AuditFilterForm(request.args, actions, object_types)
    if not form.validate():
        return render_template("moderation/audit_log.html", form=form, page=None), 400
    filters = services.AuditFilters(
        action=form.action.data or None,
        actor_email=form.actor.data or None,
        object_type=form.object_type.data or None,
        object_id=form.object_id.data,
    )
    page = db.paginate(
        services.audit_select(current_user, filters),
        page=_page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "moderation/audit_log.html", form=form, page=page, filter_args=_filter_args()
    )
