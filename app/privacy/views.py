"""The privacy page, the personal data download and account deletion."""

from __future__ import annotations

import json
from functools import partial

from flask import Blueprint, Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.core.extensions import limiter
from app.core.security import public
from app.core.transaction import after_commit
from app.privacy import services
from app.privacy.export import personal_data
from app.privacy.forms import DeleteAccountForm

bp = Blueprint("privacy", __name__)

# Each attempt costs a password hash; the password is also a guess to throttle.
DELETE_LIMIT = "10 per hour"


@bp.get("/privacy")
@public
def notice() -> str:
    return render_template("privacy/notice.html")


@bp.get("/account/data.json")
def export_data() -> Response:
    body = json.dumps(personal_data(current_user), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        'attachment; filename="prevent-hub-personal-data.json"'
    )
    response.headers["Cache-Control"] = "no-store"  # personal data: no copies in caches
    return response


def _deleted(result: services.DeletionResult) -> None:
    """Once the deletion is real: its files, the notice to the old address, signing out."""
    services.remove_unused_reports(result.report_digests)
    services.send_deletion_notice(result)
    logout_user()
    session.clear()
    flash(_("Your account has been deleted. Thank you for your work."), "success")


@bp.route("/account/delete", methods=["GET", "POST"])
@limiter.limit(DELETE_LIMIT, methods=["POST"])
def delete_account():
    form = DeleteAccountForm()
    refusal = services.deletion_refusal(current_user)
    status = 200
    if refusal is None and form.validate_on_submit():
        try:
            result = services.delete_account(current_user._get_current_object(), form.password.data)
        except services.WrongPassword as error:
            form.password.errors = [*form.password.errors, str(error)]
            status = 400
        else:
            after_commit(partial(_deleted, result))
            return redirect(url_for("privacy.notice"))
    elif refusal is not None and form.is_submitted():
        status = 409
    elif form.errors:
        status = 400
    return render_template("privacy/delete.html", form=form, refusal=refusal), status
