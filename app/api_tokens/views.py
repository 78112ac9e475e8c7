"""The account page's "API tokens": list, create (the secret is shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.api_tokens import services as tokens
from app.api_tokens.forms import CreateTokenForm
from app.api_tokens.models import ApiToken
from app.core.exceptions import InvalidTransition
from app.core.extensions import db

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


def _render_list(form: CreateTokenForm | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "api_tokens/tokens.html",
        tokens=tokens.tokens_of(current_user),
        form=form or CreateTokenForm(current_user, formdata=None),
    ), status


@bp.get("/")
def index() -> tuple[str, int]:
    return _render_list()


@bp.post("/")
def create() -> Response | tuple[str, int]:
    form = CreateTokenForm(current_user)
    if not form.validate_on_submit():
        return _render_list(form, 400)
    try:
        token, secret = tokens.create_token(current_user, form.name.data, form.scope.data)
    except tokens.TokenInvalid as invalid:
        for name, message in invalid.errors:
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        return _render_list(form, 400)
    # Shown in this answer only, never stored or redirected with: no-store keeps it out of the
    # browser's cache and history.
    response = make_response(
        render_template("api_tokens/token_created.html", token=token, secret=secret)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int) -> Response:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)  # another person's token: its existence is not ours to confirm
    try:
        tokens.revoke_token(current_user, token)
    except InvalidTransition:
        flash(_("The token “%(name)s” was already revoked.", name=token.name), "info")
        return redirect(url_for("api_tokens.index"))
    flash(
        _("The token “%(name)s” is revoked. It stops working at once.", name=token.name),
        "success",
    )
    return redirect(url_for("api_tokens.index"))
