"""Public pages: home and the browse list."""

from flask import Blueprint, render_template

from app.security import public

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def home():
    return render_template("main/home.html")


@bp.get("/measures/")
@public
def browse():
    return render_template("main/home.html")
