"""Measure pages: submit, edit, my measures, the public measure page."""

from flask import Blueprint

bp = Blueprint("measures", __name__, url_prefix="/measures")


@bp.route("/new", methods=["GET", "POST"])
def new():
    return "new"


@bp.get("/mine")
def mine():
    return "mine"
