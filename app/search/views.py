"""Search pages: /search and /api/v1/search."""

from flask import Blueprint, render_template

from app.security import public

bp = Blueprint("search", __name__)


@bp.get("/search")
@public
def search_page():
    return render_template("main/home.html")
