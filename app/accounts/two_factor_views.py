"""Two-factor pages: the second sign-in step, enrolment, recovery codes, turning it off, the
staff policy (admins) and an admin's reset. Routes on the accounts blueprint."""

from __future__ import annotations

from functools import partial

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from app.accounts import forms, lockout, policies, services, sign_in_state, totp, two_factor
from app.accounts.views import (
    SIGN_IN_LIMIT,
    TOO_MANY,
    _apply_errors,
    _back_to_users,
    _target_user,
    bp,
)
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import limiter
from app.core.security import public
from app.core.transaction import after_commit, discard

MSG_SIGN_IN_EXPIRED = "Signing in took too long. Enter your email address and password again."
# What someone the staff policy holds back may still open.
ENROLMENT_ENDPOINTS = frozenset(
    {
        "accounts.two_factor",
        "accounts.two_factor_setup",
        "accounts.two_factor_confirm",
        "accounts.logout",
        "static",
    }
)


@bp.before_app_request
def _staff_must_enrol():
    """Once the policy is on, a moderator or admin signed in without two-factor can only set it
    up. The API is left to its tokens (it ignores the session): a token is made on a page this
    check guards, so no one held back here can make one."""
    if request.endpoint in ENROLMENT_ENDPOINTS or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated or not two_factor.must_enrol(current_user):
        return None
    return redirect(url_for("accounts.two_factor"))  # the page says why


def _no_store(body: str) -> Response:
    """Secrets on a page (a key, recovery codes): no cache may keep it."""
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the second sign-in step -------------------------------------------------------------------


def _back_to_sign_in(message: str) -> Response:
    sign_in_state.drop()
    flash(message, "error")
    return redirect(url_for("accounts.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], error_message=TOO_MANY)
def login_code():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if sign_in_state.is_expired():
        return _back_to_sign_in(MSG_SIGN_IN_EXPIRED)
    user = sign_in_state.pending_user()
    if user is None:
        sign_in_state.drop()
        return redirect(url_for("accounts.login"))
    form = forms.SecondFactorForm()
    if form.validate_on_submit():
        until = lockout.locked_until(user.email)
        if until is not None:
            return _back_to_sign_in(lockout.locked_message(until))
        try:
            method = two_factor.use_second_factor(user, form.code.data)
        except services.AccountInvalid as error:
            discard()  # only the failure is kept: it counts toward the lock
            until = lockout.record_failure(user.email, user)
            if until is not None:
                return _back_to_sign_in(lockout.locked_message(until))
            _apply_errors(form, error)
        else:
            services.record_sign_in(user, method)
            left = two_factor.recovery_codes_left(user)
            next_url = sign_in_state.next_url()
            after_commit(partial(_signed_in, user, method, left))
            return redirect(next_url or url_for("main.home"))
    return render_template("accounts/login_code.html", form=form)


def _signed_in(user, method: str, codes_left: int) -> None:
    sign_in_state.complete(user)
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    if method == "recovery_code":
        flash(
            _(
                "You used a recovery code; %(left)s left. Make new ones on your account "
                "page if you are running short.",
                left=codes_left,
            ),
            "info",
        )


# --- enrolment and management (the person themselves) ------------------------------------------


def _render_two_factor(
    confirm_form: forms.ConfirmTwoFactorForm | None = None,
    codes_form: forms.PasswordAndCodeForm | None = None,
    disable_form: forms.PasswordAndCodeForm | None = None,
) -> Response:
    user = current_user
    setup = None
    if not user.has_two_factor and user.totp_secret:
        uri = totp.provisioning_uri(user.totp_secret, user.email)
        setup = {"qr": totp.qr_svg_data_uri(uri), "key": totp.grouped(user.totp_secret)}
    body = render_template(
        "accounts/two_factor.html",
        setup=setup,
        required=policies.needs_two_factor(user) and two_factor.staff_two_factor_required(),
        codes_left=two_factor.recovery_codes_left(user) if user.has_two_factor else 0,
        confirm_form=confirm_form or forms.ConfirmTwoFactorForm(formdata=None),
        codes_form=codes_form or forms.PasswordAndCodeForm(formdata=None, prefix="codes"),
        disable_form=disable_form or forms.PasswordAndCodeForm(formdata=None, prefix="disable"),
    )
    return _no_store(body)


def _show_codes(codes: list[str], first_time: bool) -> Response:
    # Shown in the response to the POST that made them, and never again: they are stored
    # only as digests, and a cookie or a redirect would carry them further.
    return _no_store(
        render_template("accounts/recovery_codes.html", codes=codes, first_time=first_time)
    )


@bp.get("/two-factor", endpoint="two_factor")
def two_factor_page():
    return _render_two_factor()


@bp.post("/two-factor/setup")
def two_factor_setup():
    try:
        two_factor.begin_enrolment(current_user)
    except InvalidTransition as error:
        flash(str(error), "info")
    return redirect(url_for("accounts.two_factor") + "#set-up")


@bp.post("/two-factor/confirm")
def two_factor_confirm():
    form = forms.ConfirmTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(current_user, form.code.data)
        except services.AccountInvalid as error:
            _apply_errors(form, error)
        except InvalidTransition as error:
            flash(str(error), "info")
            return redirect(url_for("accounts.two_factor"))
        else:
            # Other sessions ended with the version bump; this one carries on with the new id.
            after_commit(partial(login_user, current_user._get_current_object()))
            return _show_codes(codes, first_time=True)
    return _render_two_factor(confirm_form=form)


@bp.post("/two-factor/recovery-codes")
def regenerate_recovery_codes():
    form = forms.PasswordAndCodeForm(prefix="codes")
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(
                current_user, form.current_password.data, form.code.data
            )
        except services.AccountInvalid as error:
            _apply_errors(form, error)
        except InvalidTransition as error:
            flash(str(error), "info")
            return redirect(url_for("accounts.two_factor"))
        else:
            return _show_codes(codes, first_time=False)
    return _render_two_factor(codes_form=form)


@bp.post("/two-factor/disable")
def two_factor_disable():
    form = forms.PasswordAndCodeForm(prefix="disable")
    if form.validate_on_submit():
        try:
            two_factor.disable_two_factor(current_user, form.current_password.data, form.code.data)
        except services.AccountInvalid as error:
            _apply_errors(form, error)
        except InvalidTransition as error:
            flash(str(error), "info")
            return redirect(url_for("accounts.two_factor"))
        else:
            flash(_("Two-factor sign-in is off. Your recovery codes no longer work."), "success")
            return redirect(url_for("accounts.two_factor"))
    return _render_two_factor(disable_form=form)


# --- administration ---------------------------------------------------------------------------


@bp.route("/security", methods=["GET", "POST"])
def security_settings():
    if not policies.can_manage_security_settings(current_user):
        raise PermissionDenied("Only admins change security settings.")
    form = forms.StaffPolicyForm()
    if form.validate_on_submit():
        two_factor.set_staff_two_factor_required(current_user, form.require_for_staff.data)
        if form.require_for_staff.data:
            message = _("Two-factor sign-in is now required for moderators and admins.")
        else:
            message = _("Two-factor sign-in is now optional for moderators and admins.")
        flash(message, "success")
        return redirect(url_for("accounts.security_settings"))
    if request.method == "GET":
        form.require_for_staff.data = two_factor.staff_two_factor_required()
    return render_template("accounts/security_settings.html", form=form)


@bp.post("/users/<int:user_id>/two-factor/reset")
def reset_two_factor(user_id: int):
    target = _target_user(user_id)
    try:
        two_factor.reset_two_factor(current_user, target)
    except InvalidTransition as error:
        flash(str(error), "info")
    else:
        flash(
            _(
                "Two-factor sign-in is off for %(name)s; their sessions were ended.",
                name=target.name,
            ),
            "success",
        )
    return _back_to_users()
