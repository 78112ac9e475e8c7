"""Account pages."""

from flask import Blueprint

from app.security import public

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    return "login"


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    return "register"


@bp.post("/logout")
def logout():
    return "logout"


@bp.get("/")
def account():
    return "account"
