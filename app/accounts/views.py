"""Account pages: register, verify, sign in and out, reset, the account page, approval, users."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from app.accounts import forms, services, sign_in_state
from app.accounts.models import User, UserStatus
from app.accounts.tokens import TokenInvalid
from app.core.exceptions import InvalidTransition
from app.core.extensions import db, limiter
from app.core.paging import page_number
from app.core.redirects import safe_next_url
from app.core.security import public
from app.core.transaction import after_commit

bp = Blueprint("accounts", __name__, url_prefix="/account")

# Per client address. Sign-in counts every attempt; registration counts every attempt loosely
# (it also stops probing which addresses have accounts) and created accounts strictly, so a
# person who mistypes a few times is not locked out for an hour.
SIGN_IN_LIMIT = "10 per minute"
REGISTER_ATTEMPT_LIMIT = "30 per hour"
REGISTER_CREATED_LIMIT = "5 per hour"
MAIL_LIMIT = "5 per hour"
TOO_MANY = "Too many attempts from your network. Please wait a little and try again."


def _created(response: Response) -> bool:
    return response.status_code in (302, 303)


def _apply_errors(form: forms.FlaskForm, error: services.AccountInvalid) -> None:
    for name, message in error.errors:
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]


def _target_user(user_id: int) -> User:
    return db.get_or_404(User, user_id)


# --- registration and verification -----------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(REGISTER_ATTEMPT_LIMIT, methods=["POST"], error_message=TOO_MANY)
@limiter.limit(
    REGISTER_CREATED_LIMIT, methods=["POST"], error_message=TOO_MANY, deduct_when=_created
)
def register():
    form = forms.RegistrationForm()
    if form.validate_on_submit():
        try:
            services.register_user(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                country=form.country.data,
                organisation=form.organisation.data,
                role=form.role.data,
            )
        except services.AccountInvalid as error:
            _apply_errors(form, error)
        else:
            return redirect(url_for("accounts.registered"))
    return render_template("accounts/register.html", form=form)


@bp.get("/register/done")
@public
def registered():
    return render_template("accounts/registered.html")


@bp.get("/verify/<token>")
@public
def verify_email(token: str):
    try:
        user = services.verify_email(token)
    except TokenInvalid as error:
        return _token_problem(error, "verify"), 400
    return render_template("accounts/verified.html", user=user)


@bp.post("/verification/resend")
@limiter.limit(MAIL_LIMIT, error_message=TOO_MANY)
def resend_verification():
    try:
        services.resend_verification(current_user)
    except InvalidTransition as error:
        flash(str(error), "info")
    else:
        flash(
            _("We have sent a new confirmation link to %(email)s.", email=current_user.email),
            "success",
        )
    return redirect(url_for("accounts.account"))


def _token_problem(error: TokenInvalid, purpose: str) -> str:
    return render_template("accounts/token_invalid.html", expired=error.expired, purpose=purpose)


# --- signing in and out ------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], error_message=TOO_MANY)
def login():
    next_url = safe_next_url(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = forms.LoginForm()
    refusal = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.SignInRefused as error:
            refusal = str(error)  # answered with 200: the failure commits, counting to the lock
        else:
            if user.has_two_factor:  # half-way: the code is asked for next
                after_commit(partial(sign_in_state.begin, user, next_url))
                return redirect(url_for("accounts.login_code"))
            services.record_sign_in(user)
            after_commit(partial(_signed_in, user))
            return redirect(next_url or url_for("main.home"))
    return render_template("accounts/login.html", form=form, refusal=refusal, next=next_url)


def _signed_in(user: User) -> None:
    sign_in_state.complete(user)  # a fresh session for the signed-in person
    flash(_("Welcome, %(name)s.", name=user.name), "success")


def _sign_out() -> None:
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")


@bp.post("/logout")
def logout():
    services.end_sessions(current_user)
    after_commit(_sign_out)
    return redirect(url_for("main.home"))


# --- password reset ----------------------------------------------------------------------------


@bp.route("/reset", methods=["GET", "POST"])
@public
@limiter.limit(MAIL_LIMIT, methods=["POST"], error_message=TOO_MANY)
def reset_request():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except TokenInvalid as error:
        return _token_problem(error, "reset"), 400
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.AccountInvalid as error:
            _apply_errors(form, error)
        except TokenInvalid as error:
            return _token_problem(error, "reset"), 400
        else:
            if current_user.is_authenticated:
                after_commit(logout_user)
            flash(_("Your password has been changed. Sign in with the new password."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


# --- the account page -------------------------------------------------------------------------


def _render_account(password_form: forms.ChangePasswordForm | None = None) -> str:
    return render_template(
        "accounts/account.html",
        password_form=password_form or forms.ChangePasswordForm(formdata=None),
        notifications=services.notifications_for(current_user),
        unread=services.unread_count(current_user),
    )


@bp.get("/")
def account():
    return _render_account()


@bp.post("/password")
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountInvalid as error:
            _apply_errors(form, error)
        else:
            # Other sessions ended with the version bump; this one carries on with the new id.
            after_commit(partial(login_user, current_user._get_current_object()))
            flash(
                _("Your password has been changed. Other sessions have been signed out."),
                "success",
            )
            return redirect(url_for("accounts.account"))
    return _render_account(form)


@bp.post("/notifications/read")
def mark_notifications_read():
    services.mark_notifications_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("accounts.account"))


# --- approval (moderators, admins) ------------------------------------------------------------


@bp.get("/pending")
def pending():
    users = services.list_pending_users(current_user)
    return render_template("accounts/pending.html", users=users)


@bp.post("/pending/<int:user_id>/approve")
def approve(user_id: int):
    target = _target_user(user_id)
    services.approve_user(current_user, target)
    flash(
        _(
            "%(name)s (%(email)s) is approved and has been told.",
            name=target.name,
            email=target.email,
        ),
        "success",
    )
    return redirect(url_for("accounts.pending"))


@bp.post("/pending/<int:user_id>/reject")
def reject(user_id: int):
    target = _target_user(user_id)
    form = forms.RejectForm()
    if not form.validate():
        flash(_("Reason: %(errors)s", errors=" ".join(form.reason.errors)), "error")
        return redirect(url_for("accounts.pending"))
    services.reject_user(current_user, target, form.reason.data or "")
    flash(
        _(
            "The registration of %(name)s (%(email)s) is rejected.",
            name=target.name,
            email=target.email,
        ),
        "success",
    )
    return redirect(url_for("accounts.pending"))


# --- user administration (admins) -------------------------------------------------------------


@bp.get("/users")
def users():
    status_arg = request.args.get("status", "")
    if status_arg and status_arg not in {s.value for s in UserStatus}:
        abort(400, "Unknown status filter: choose pending, active, suspended or deleted.")
    status = UserStatus(status_arg) if status_arg else None
    page = db.paginate(
        services.users_query(current_user, status),
        page=page_number(),  # 400 for a bad or huge one (a huge offset was a 500)
        per_page=50,
        max_per_page=50,
    )
    return render_template("accounts/users.html", page=page, status=status_arg)


def _back_to_users() -> Response:
    return redirect(safe_next_url(request.form.get("next")) or url_for("accounts.users"))


@bp.post("/users/<int:user_id>/role")
def set_role(user_id: int):
    target = _target_user(user_id)
    form = forms.RoleForm()
    if not form.validate():
        flash(_("Role: %(errors)s", errors=" ".join(form.role.errors)), "error")
        return _back_to_users()
    services.set_role(current_user, target, form.role.data)
    flash(
        _(
            "%(name)s is now %(role)s; their sessions were ended.",
            name=target.name,
            role=target.role.value,
        ),
        "success",
    )
    return _back_to_users()


@bp.post("/users/<int:user_id>/suspend")
def suspend(user_id: int):
    target = _target_user(user_id)
    services.suspend_user(current_user, target)
    flash(_("%(name)s is suspended.", name=target.name), "success")
    return _back_to_users()


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int):
    target = _target_user(user_id)
    services.reactivate_user(current_user, target)
    flash(_("%(name)s is active again.", name=target.name), "success")
    return _back_to_users()


# The two-factor and account-security routes live on this blueprint too.
from app.accounts import two_factor_views  # noqa: E402, F401
